"""End to end on the reference week: notes in, per-week graph.json, offline map and report out,
with the concepts a learner expects on the right days."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from notegraph.errors import NotegraphError, OutputError
from notegraph.ontology import normalize_name
from notegraph.pipeline import build

DAY_LABELS = ["1일차", "2일차", "3일차", "4일차", "5일차", "1주차 후기"]


def day_names(G, label: str) -> set[str]:
    """Every name (label and aliases, normalised) of every concept the day `label` covers."""
    (day,) = [n for n, d in G.nodes(data=True) if d["kind"] == "day" and d["label"] == label]
    names: set[str] = set()
    for _, c, k in G.out_edges(day, keys=True):
        if k == "covers":
            data = G.nodes[c]
            names |= {normalize_name(x) for x in [data["label"], *data["aliases"]]}
    return names


def test_every_day_of_the_reference_week_is_a_day_node(reference_graph):
    days = sorted((d["order"], d["label"]) for _, d in reference_graph.nodes(data=True) if d["kind"] == "day")
    assert [label for _, label in days] == DAY_LABELS
    weeks = {d["week"] for _, d in reference_graph.nodes(data=True) if d["kind"] == "day"}
    assert weeks == {"week01"}


@pytest.mark.parametrize(("label", "expected"), [
    ("1일차", ["tensor", "type casting", "CUDA", "CPU", "detach", "clone"]),
    ("2일차", ["view", "reshape", "contiguous", "stack", "torch.cat", "expand", "repeat"]),
    ("3일차", ["linear regression", "normalization", "LLM", "self-supervised learning", "RLHF"]),
    ("4일차", ["logistic regression", "sigmoid", "MLP", "binary cross entropy"]),
    ("5일차", ["GNN", "node embedding", "node classification", "link prediction", "graph classification"]),
])
def test_reference_concepts_land_on_their_days(reference_graph, label, expected):
    names = day_names(reference_graph, label)
    missing = [e for e in expected if normalize_name(e) not in names]
    assert not missing, f"{label} lacks {missing}"


def test_tensor_operations_are_one_category(reference_graph):
    G = reference_graph
    for name in ["view", "reshape", "expand", "repeat"]:
        (node,) = [n for n, d in G.nodes(data=True) if d["kind"] == "concept" and d["label"] == name]
        assert G.nodes[node]["category"] == "tensor operations"
        assert G.has_edge(node, "category:tensor-operations", key="is_a")


def test_rlhf_is_inferred_from_its_description(reference_graph):
    G = reference_graph
    (node,) = [n for n, d in G.nodes(data=True) if d["kind"] == "concept" and d["label"] == "RLHF"]
    assert G.nodes[node]["origin"] == "inferred"
    (day,) = [u for u, _, k in G.in_edges(node, keys=True) if k == "covers"]
    ev = G.edges[day, node, "covers"]["evidence"]
    assert any("휴먼 피드백" in e["text"] for e in ev)


def test_generic_words_never_become_concepts(reference_graph):
    generic = {"생각", "오늘", "과제", "점", "시간", "내용", "공부", "정리", "이해", "방법", "후기", "피어 세션"}
    labels = {d["label"] for _, d in reference_graph.nodes(data=True) if d["kind"] == "concept"}
    assert not labels & generic


def test_outputs_per_week_and_for_all(reference_build: Path):
    for key in ("all", "week01"):
        for name in ("graph.json", "concept_map.html"):
            assert (reference_build / key / name).is_file(), f"{key}/{name} missing"
    data = json.loads((reference_build / "all" / "graph.json").read_text(encoding="utf-8"))
    assert {"nodes", "edges"} <= set(data)
    assert all(n["source"] == "000_19bc4f7d3c089dca.txt" for n in data["nodes"] if n["kind"] == "day")


def test_map_is_offline(reference_build: Path):
    html = (reference_build / "week01" / "concept_map.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']?https?://", html)
    assert not re.search(r"<link[^>]+href=[\"']?https?://", html)
    assert "노드 임베딩" in html or "node embedding" in html


def _copy_notes(tmp_path: Path, reference_note: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / reference_note.name).write_bytes(reference_note.read_bytes())
    return notes


def test_rebuild_reuses_the_cache_and_gives_identical_graphs(tmp_path, reference_note):
    notes = _copy_notes(tmp_path, reference_note)
    out = tmp_path / "out"
    first = build([notes], out)
    graph1 = (out / "all" / "graph.json").read_bytes()
    html1 = (out / "all" / "concept_map.html").read_bytes()
    second = build([notes], out)
    assert (first.reused, second.reused) == (0, 1)
    assert (out / "all" / "graph.json").read_bytes() == graph1
    assert (out / "all" / "concept_map.html").read_bytes() == html1


def test_notes_are_never_modified(tmp_path, reference_note):
    notes = _copy_notes(tmp_path, reference_note)
    note = notes / reference_note.name
    before = (note.read_bytes(), os.stat(note).st_mtime_ns)
    build([notes], tmp_path / "out")
    assert (note.read_bytes(), os.stat(note).st_mtime_ns) == before
    assert sorted(p.name for p in notes.iterdir()) == [reference_note.name]


def test_output_inside_the_notes_folder_is_refused(tmp_path, reference_note):
    notes = _copy_notes(tmp_path, reference_note)
    with pytest.raises(OutputError, match="inside the notes folder"):
        build([notes], notes / "outputs")


def test_output_folder_with_foreign_files_is_refused(tmp_path, reference_note):
    notes = _copy_notes(tmp_path, reference_note)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(NotegraphError, match="did not write"):
        build([notes], out)
    assert (out / "thesis.docx").read_bytes() == b"precious"


def test_an_edit_rereads_and_redraws_only_its_own_week(tmp_path, monkeypatch):
    import notegraph.ingest.reader as reader

    notes, out = tmp_path / "notes", tmp_path / "out"
    for week, day, topic in (("week01", "2024-03-04", "텐서와 torch.cat 으로 텐서 합치기"),
                             ("week02", "2024-03-11", "경사하강법과 학습률 스케줄러")):
        (notes / week).mkdir(parents=True)
        (notes / week / f"{day}-til.md").write_text(f"# {day}\n- {topic}\n- 역전파 복습\n", encoding="utf-8")
    build([notes], out)
    weeks = sorted(p.name for p in out.iterdir() if p.is_dir() and p.name not in ("all", ".cache"))
    assert len(weeks) == 2
    first_week = {f: (out / weeks[0] / f).stat().st_mtime_ns for f in ("graph.json", "concept_map.html", "report.md")}
    parsed: list[str] = []
    real_parse = reader._parse
    monkeypatch.setattr(reader, "_parse", lambda path, source, raw: parsed.append(source) or real_parse(
        path, source, raw))
    edited = notes / "week02" / "2024-03-11-til.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "- Adam 옵티마이저\n", encoding="utf-8")
    summary = build([notes], out)
    assert parsed == ["week02/2024-03-11-til.md"]  # the unchanged note comes from the cache, unparsed
    assert summary.reused == 1
    assert {f: (out / weeks[0] / f).stat().st_mtime_ns for f in first_week} == first_week
    assert "Adam" in (out / weeks[1] / "graph.json").read_text(encoding="utf-8")
    assert "Adam" in (out / "all" / "graph.json").read_text(encoding="utf-8")
    assert "Adam" in (out / weeks[1] / "report.md").read_text(encoding="utf-8")
    # an earlier week is history for the later one: editing it rewrites the later week's report too
    second_report = (out / weeks[1] / "report.md").stat().st_mtime_ns
    earlier = notes / "week01" / "2024-03-04-til.md"
    earlier.write_text(earlier.read_text(encoding="utf-8") + "- Adam 옵티마이저 미리 보기\n", encoding="utf-8")
    build([notes], out)
    assert (out / weeks[1] / "report.md").stat().st_mtime_ns != second_report
    assert re.search(r"Adam[^\n]*: first seen on", (out / weeks[1] / "report.md").read_text(encoding="utf-8"))
