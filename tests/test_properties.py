"""Properties that hold for any input, checked by hypothesis on arbitrary Unicode, markdown-ish
notes built from real note structure (day headings, sections, bullets, code, tables, front matter,
links, Korean words with particles) and small file trees:

- reading and building never raise anything but NotegraphError;
- every mention's offsets point at its text in the note, on its line, inside its block;
- analysing and building twice gives byte-identical graphs (and a cached rebuild does too).

The nlp pipeline is loaded once per session; examples are few and small, so the file stays fast.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notegraph.errors import NotegraphError
from notegraph.export import graph_to_json
from notegraph.graph import build_graph
from notegraph.ingest import load_notes, read_note
from notegraph.models import Analysis, Note
from notegraph.nlp import analyze_notes, filter_discovered, load_nlp
from notegraph.ontology import load_ontology

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = ["텐서를", "view()와", "Tensor가", "경사하강법", "로지스틱 회귀", "sigmoid를", "GNN", "노드 임베딩",
         "휴먼 피드백", "보상 모델", "강화 학습", "torch.gather", "`nn.Module`", "[[Transformer]]", "#딥러닝",
         "오늘은", "정리했다.", "왜 그런지 모르겠다?", "헷갈렸다", "https://pytorch.org", "역전파", "과적합",
         "RAG", "LangGraph", "의", "을", "는", " ", "😀", "\u200b", "\t"]
HEADINGS = ["# 1일차", "## Day 3", "### [Day 21]", "1월 24일 월요일", "**2일차**", "- 3일차", "# 1주차 후기",
            "## 강의", "피어 세션", "# Week 2", "## 2024년 12월 4일", "# 목차", "###"]
BLOCKS = ["```python\nx = torch.zeros(3)\n```", "```\nunclosed fence", "<!-- comment -->",
          "| 1 | 텐서 | view |\n|---|---|---|\n| 2 | GNN | 노드 |", "![img](a.png)", "> 인용: 과적합",
          "    indented code", "$$ \\nabla f $$", "<details>", "---"]
FRONT = ["---\ntitle: 1주차\ndate: 2025-01-06\ntags: [pytorch]\n---\n", "---\ndate: : :\n---\n",
         "---\ntitle: [unclosed\n", "---\n---\n", ""]


@st.composite
def markdownish(draw: st.DrawFn) -> str:
    """A note-shaped text: optional front matter, then headings, prose lines and odd blocks."""
    lines = [draw(st.sampled_from(FRONT))]
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["heading", "prose", "bullet", "block", "noise"]))
        if kind == "heading":
            lines.append(draw(st.sampled_from(HEADINGS)))
        elif kind == "block":
            lines.append(draw(st.sampled_from(BLOCKS)))
        elif kind == "noise":
            lines.append(draw(st.text(max_size=40)))
        else:
            words = draw(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), min_size=1, max_size=8))
            lines.append(("- " if kind == "bullet" else "") + " ".join(words))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from(["", "\n"]))


@pytest.fixture(scope="session")
def stage():
    ontology = load_ontology()
    return ontology, load_nlp(ontology)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _notes(folder: Path) -> list[Note]:
    try:
        return load_notes([folder])[0]
    except NotegraphError:
        return []


def _analyse(notes: list[Note], stage) -> list[Analysis]:
    ontology, nlp = stage
    return filter_discovered(analyze_notes(notes, nlp, ontology))


def _check_offsets(analyses: list[Analysis]) -> None:
    for a in analyses:
        text = a.note.text
        blocks = {(seg.order, b.line): b for seg in a.note.segments for b in seg.blocks}
        for m in a.mentions:
            assert text[m.start:m.end] == m.surface, m
            block = blocks[(m.segment_order, m.line)]
            assert block.start <= m.start <= m.end <= block.end, (m, block)
            assert m.evidence == block.text
            assert text.count("\n", 0, m.start) + 1 == m.line


@FAST
@given(text=markdownish())
def test_any_markdownish_note_reads_and_analyses_with_true_offsets(stage, text: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "note.md", text.encode("utf-8"))
        try:
            note = read_note(path, Path(tmp))
        except NotegraphError:
            return
        assert path.read_bytes() == text.encode("utf-8")
    for seg in note.segments:
        for b in seg.blocks:
            assert note.text[b.start:b.end] == b.text
    analyses = _analyse([note], stage)
    _check_offsets(analyses)
    build_graph(analyses, stage[0])


@FAST
@given(data=st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_arbitrary_bytes_either_read_or_raise_a_notegraph_error(stage, data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), "note.txt", data)
        try:
            note = read_note(path, Path(tmp))
        except NotegraphError as exc:
            assert str(exc).startswith(str(path))  # the message names the file
            return
    _check_offsets(_analyse([note], stage))


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp949", "utf-16", "binary"])
NAMES = st.sampled_from(["day1.md", "week01/day2.md", "week02/2025-01-13.md", "a/b/c.txt", "notes.markdown",
                         ".hidden/x.md", "image.png", "outputs/graph.json", "2025-01-06-til.md", "node_modules/x.md"])


@st.composite
def file_tree(draw: st.DrawFn) -> dict[str, bytes]:
    tree: dict[str, bytes] = {}
    for name in draw(st.lists(NAMES, min_size=1, max_size=5, unique=True)):
        text, encoding = draw(markdownish()), draw(ENCODINGS)
        if encoding == "binary":
            tree[name] = b"\x89PNG\r\n" + draw(st.binary(max_size=50))
        else:
            try:
                tree[name] = text.encode(encoding)
            except UnicodeEncodeError:
                tree[name] = text.encode("utf-8")
    return tree


@FAST
@given(tree=file_tree())
def test_any_file_tree_builds_the_same_graph_twice_and_never_changes_a_file(stage, tree: dict[str, bytes]):
    ontology = stage[0]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, data in tree.items():
            _write(root, name, data)
        notes = _notes(root)
        first = _analyse(notes, stage)
        second = _analyse(_notes(root), stage)
        assert {name: (root / name).read_bytes() for name in tree} == tree
    _check_offsets(first)
    assert graph_to_json(build_graph(first, ontology)) == graph_to_json(build_graph(second, ontology))
    for week in {seg.week for a in first for seg in a.note.segments if seg.week}:
        assert graph_to_json(build_graph(first, ontology, week=week)) == graph_to_json(
            build_graph(second, ontology, week=week))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=file_tree())
def test_a_cached_rebuild_writes_byte_identical_outputs(stage, tree: dict[str, bytes]):
    from notegraph.pipeline import LAST_BUILD, build

    with tempfile.TemporaryDirectory() as tmp:
        notes, out = Path(tmp) / "notes", Path(tmp) / "out"
        for name, data in tree.items():
            _write(notes, name, data)
        try:
            first = build([notes], out)
        except NotegraphError:
            assert not _notes(notes)  # only "no readable notes" may stop a build
            return
        written = {f: Path(f).read_bytes() for f in first.files}
        (out / LAST_BUILD).unlink()  # rebuild from the cache, not the "nothing changed" shortcut
        second = build([notes], out)
        assert second.reused == first.notes
        assert {f: Path(f).read_bytes() for f in second.files} == written
