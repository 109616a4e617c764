"""Bad input from the CLI's side: whatever folder a learner points `notegraph build` at, it exits
0 (warnings allowed), 1 (a user error whose message says what to do) or 2 (usage) — never a
traceback — never writes into or changes a note, and writes its outputs atomically. The analysis
cache re-analyses exactly the notes whose text or ontology changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import notegraph.nlp
from notegraph import export, pipeline
from notegraph.cli import app
from notegraph.errors import OutputError

runner = CliRunner()

DAY1 = "# 1일차\n\n## 강의\n- 텐서를 만들고 view()와 reshape의 차이를 정리했다.\n- 경사하강법으로 손실 함수를 줄인다.\n"
DAY2 = "# 2일차\n\n- 로지스틱 회귀는 sigmoid를 활성함수로 쓰는 분류 모델이다.\n- 과적합을 막으려고 dropout을 썼다.\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _build(notes: Path | list[Path], out: Path, *extra: str):
    paths = [str(p) for p in (notes if isinstance(notes, list) else [notes])]
    return runner.invoke(app, ["build", *paths, "--out", str(out), *extra])


def _graph(out: Path) -> dict:
    return json.loads((out / "all" / "graph.json").read_text(encoding="utf-8"))


def _labels(out: Path, kind: str) -> list[str]:
    return [n["label"] for n in _graph(out)["nodes"] if n["kind"] == kind]


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every entry under `folder` with its bytes and mtime (links as their target text)."""
    out: dict[str, tuple[bytes, int]] = {}
    for p in sorted(folder.rglob("*")):
        key = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out[key] = (os.readlink(p).encode(), os.lstat(p).st_mtime_ns)
        elif p.is_file():
            out[key] = (p.read_bytes(), p.stat().st_mtime_ns)
        else:  # folders and the FIFO: kind and mtime
            out[key] = (oct(p.stat().st_mode).encode(), p.stat().st_mtime_ns)
    return out


@pytest.fixture()
def messy(tmp_path: Path) -> Path:
    """A notes folder as learners have them: one good note among cp949, binary, empty, huge,
    broken-link, FIFO, malformed-front-matter and image files."""
    notes = tmp_path / "notes"
    (notes / "assets").mkdir(parents=True)
    (notes / "day1.md").write_text(DAY1, encoding="utf-8")
    (notes / "windows.txt").write_bytes(DAY2.encode("cp949"))
    (notes / "empty.md").write_bytes(b"")
    (notes / "photo.md").write_bytes(PNG)
    (notes / "assets" / "diagram.png").write_bytes(PNG)
    (notes / "garbage.txt").write_bytes(bytes([0x80, 0xFF, 0xFE, 0x81]) * 64)
    (notes / "huge.md").write_bytes(("# 3일차\n" + "텐서 " * 1_100_000).encode("utf-8"))
    (notes / "gone.md").symlink_to(notes / "deleted-long-ago.md")
    os.mkfifo(notes / "pipe.md")  # reading a pipe would block forever
    (notes / "broken_fm.md").write_text("---\ntitle: [unclosed\ndate: : :\n---\n# 4일차\n- Adam 옵티마이저\n",
                                        encoding="utf-8")
    return notes


# --- bad input: each gets one clear line, and the rest still builds ---------------------------------


def test_a_messy_folder_builds_with_one_warning_line_per_bad_file(messy: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = _build(messy, out)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    for name in ("empty.md", "photo.md", "garbage.txt", "huge.md", "gone.md", "pipe.md"):
        (line,) = [w for w in warnings if f"{name}:" in w]
        assert "skipped" in line, line
    assert any("windows.txt" in w and "cp949" in w for w in warnings)
    assert any("broken_fm.md" in w for w in warnings)
    assert not any("diagram.png" in w for w in warnings)  # not a note file: silently ignored
    sources = {n["source"] for n in _graph(out)["nodes"] if n["kind"] == "day"}
    assert sources == {"day1.md", "windows.txt", "broken_fm.md"}
    concepts = set(_labels(out, "concept"))
    assert {"logistic regression", "sigmoid", "dropout"} <= concepts  # read from the cp949 file


def test_huge_file_is_refused_quickly_with_its_size(messy: Path, tmp_path: Path):
    result = _build(messy / "huge.md", tmp_path / "out")
    assert result.exit_code == 1
    assert "MB" in result.output and "huge.md" in result.output and "split it" in result.output


@pytest.mark.parametrize("make", ["empty_folder", "only_images", "missing_path", "only_empty_notes"])
def test_no_notes_found_is_a_user_error_that_says_what_to_do(tmp_path: Path, make: str):
    notes = tmp_path / "notes"
    if make != "missing_path":
        notes.mkdir()
    if make == "only_images":
        (notes / "a.png").write_bytes(PNG)
        (notes / "b.md").write_bytes(PNG)
    if make == "only_empty_notes":
        (notes / "a.md").write_text("\n \n", encoding="utf-8")
    result = _build(notes, tmp_path / "out")
    assert result.exit_code == 1
    assert "no readable notes" in result.output and "pass a folder or files" in result.output
    assert not (tmp_path / "out").exists()


def test_unreadable_file_is_skipped_with_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "day1.md").write_text(DAY1, encoding="utf-8")
    locked = notes / "locked.md"
    locked.write_text(DAY2, encoding="utf-8")
    locked.chmod(0)
    real_open = Path.open

    def deny(self: Path, *args, **kwargs):  # root ignores chmod 0: deny like a real permission error
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    result = _build(notes, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert any("locked.md" in w and "permission denied" in w and "chmod" in w
               for w in result.stderr.splitlines())
    assert _labels(tmp_path / "out", "day") == ["1일차"]


def test_thousands_of_day_headings_build_one_day_node_each(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    n = 1500
    days = "".join(f"## {i}일차\n- 텐서 연산 {i}번째 복습\n\n" for i in range(1, n + 1))
    (notes / "log.md").write_text(days, encoding="utf-8")
    result = _build(notes, tmp_path / "out")
    assert result.exit_code == 0, result.output
    labels = _labels(tmp_path / "out", "day")
    assert len(labels) == n and "1500일차" in labels
    (tensor,) = [c for c in _graph(tmp_path / "out")["nodes"] if c.get("label") == "tensor"]
    assert tensor["days"] == n


def test_duplicate_day_labels_across_files_stay_separate_days(tmp_path: Path):
    notes = tmp_path / "notes"
    for week, text in (("week01", DAY1), ("week02", DAY1.replace("텐서", "그래프 신경망"))):
        (notes / week).mkdir(parents=True)
        (notes / week / "day.md").write_text(text, encoding="utf-8")
    result = _build(notes, tmp_path / "out")
    assert result.exit_code == 0, result.output
    days = [n for n in _graph(tmp_path / "out")["nodes"] if n["kind"] == "day"]
    assert sorted((d["label"], d["source"]) for d in days) == [("1일차", "week01/day.md"),
                                                                ("1일차", "week02/day.md")]
    assert len({d["id"] for d in days}) == 2
    hits = json.loads(runner.invoke(app, ["days", "tensor", "--graph",
                                          str(tmp_path / "out" / "all" / "graph.json"), "--json"]).output)
    assert [h["source"] for h in hits] == ["week01/day.md"]


def test_conflicting_dates_front_matter_wins_and_a_heading_that_disagrees_is_warned(tmp_path: Path):
    """The rule (ingest/segments.py): front matter, then file name, beat a heading's date."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2025-01-07.md").write_text("---\ndate: 2025-01-06\n---\n# 2025년 1월 9일\n" + DAY1.split("\n", 1)[1],
                                         encoding="utf-8")
    (notes / "2025-02-03.md").write_text("# 2025년 2월 5일 수요일\n" + DAY2.split("\n", 1)[1], encoding="utf-8")
    result = _build(notes, tmp_path / "out")
    assert result.exit_code == 0, result.output
    days = {n["source"]: n for n in _graph(tmp_path / "out")["nodes"] if n["kind"] == "day"}
    assert days["2025-01-07.md"]["date"] == "2025-01-06"
    assert days["2025-02-03.md"]["date"] == "2025-02-03"
    warned = [w for w in result.stderr.splitlines() if w.startswith("warning:")]
    assert any("2025-02-03.md" in w and "2025-02-05" in w for w in warned), warned
    assert any("2025-01-07.md" in w and "2025-01-09" in w for w in warned), warned
    # front matter against file name is said aloud too, with both dates
    assert any("2025-01-07.md" in w and "front matter says 2025-01-06" in w and "2025-01-07" in w
               for w in warned), warned


# --- outputs: never in the notes, never over foreign files, atomic -----------------------------------


def test_notes_are_never_modified_and_nothing_is_written_next_to_them(messy: Path, tmp_path: Path):
    before = _snapshot(messy)
    out = tmp_path / "out"
    assert _build(messy, out).exit_code == 0
    (messy / "day1.md").write_text(DAY1 + "- 역전파 복습\n", encoding="utf-8")
    before["day1.md"] = ((messy / "day1.md").read_bytes(), (messy / "day1.md").stat().st_mtime_ns)
    assert _build(messy, out).exit_code == 0  # a cached rebuild after an edit
    assert _snapshot(messy) == before


def test_output_inside_the_notes_is_refused_unless_it_is_elsewhere(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "day1.md").write_text(DAY1, encoding="utf-8")
    result = _build(notes, notes / "outputs")
    assert result.exit_code == 1 and "inside the notes folder" in result.output and "--out" in result.output
    assert sorted(p.name for p in notes.iterdir()) == ["day1.md"]


def test_foreign_files_in_the_output_folder_are_never_overwritten(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "day1.md").write_text(DAY1, encoding="utf-8")
    out = tmp_path / "site"
    (out / "all").mkdir(parents=True)
    (out / "all" / "graph.json").write_text('{"mine": true}', encoding="utf-8")
    result = _build(notes, out)
    assert result.exit_code == 1 and "did not write" in result.output
    assert (out / "all" / "graph.json").read_text(encoding="utf-8") == '{"mine": true}'


def test_an_output_path_below_a_file_is_a_clear_error(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "day1.md").write_text(DAY1, encoding="utf-8")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    for out in (tmp_path / "report.pdf", tmp_path / "report.pdf" / "sub"):
        result = _build(notes, out)
        assert result.exit_code == 1, result.output
        assert "--out" in result.output and "Traceback" not in result.output
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF-1.4"


def test_an_unwritable_output_folder_is_refused_before_analysis(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "day1.md").write_text(DAY1, encoding="utf-8")
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    real_access = os.access
    monkeypatch.setattr(pipeline.os, "access",  # root can write anywhere: pretend it cannot
                        lambda p, mode: False if Path(p) == readonly else real_access(p, mode))
    monkeypatch.setattr(notegraph.nlp, "analyze_notes", lambda *a: pytest.fail("analysed anyway"))
    result = _build(notes, readonly / "out")
    assert result.exit_code == 1
    assert "not a writable folder" in result.output and "--out" in result.output


def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temporary(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "out" / "graph.json"
    export.write_text_atomic(target, "old\n")

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", disk_full)
    with pytest.raises(OutputError, match="No space left"):
        export.write_text_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.json"]


def test_write_failure_during_build_is_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "day1.md").write_text(DAY1, encoding="utf-8")

    def no_temp(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(export.tempfile, "mkstemp", no_temp)
    result = _build(notes, tmp_path / "out")
    assert result.exit_code == 1 and "Permission denied" in result.output and "--out" in result.output


# --- the analysis cache --------------------------------------------------------------------------


@pytest.fixture()
def analysed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Sources of the notes sent through the nlp stage, in order."""
    seen: list[str] = []
    real = notegraph.nlp.analyze_notes

    def spy(notes, nlp, ontology):
        seen.extend(n.source for n in notes)
        return real(notes, nlp, ontology)

    monkeypatch.setattr(notegraph.nlp, "analyze_notes", spy)
    return seen


def _five_notes(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(5):
        (notes / f"2025-01-0{i + 6}.md").write_text((DAY1, DAY2)[i % 2], encoding="utf-8")
    return notes


def test_editing_one_note_re_analyses_only_that_note(tmp_path: Path, analysed: list[str]):
    notes, out = _five_notes(tmp_path), tmp_path / "out"
    assert _build(notes, out).exit_code == 0
    assert len(analysed) == 5
    analysed.clear()
    result = _build(notes, out)
    assert "(5 reused from cache)" in result.output and analysed == []
    graph = (out / "all" / "graph.json").read_bytes()
    (notes / "2025-01-08.md").write_text(DAY1 + "- 역전파로 기울기를 구했다.\n", encoding="utf-8")
    result = _build(notes, out)
    assert result.exit_code == 0 and "(4 reused from cache)" in result.output
    assert analysed == ["2025-01-08.md"]
    assert (out / "all" / "graph.json").read_bytes() != graph
    assert "backpropagation" in _labels(out, "concept")


def test_a_build_with_nothing_changed_writes_nothing(tmp_path: Path, analysed: list[str]):
    notes, out = _five_notes(tmp_path), tmp_path / "out"
    assert _build(notes, out).exit_code == 0
    outputs = _snapshot(out)
    analysed.clear()
    result = _build(notes, out)
    assert result.exit_code == 0 and "(5 reused from cache)" in result.output and analysed == []
    assert _snapshot(out) == outputs  # not one output rewritten
    report = next(out.glob("*W*/report.md"))  # a week's report
    report.unlink()  # a missing output is written again
    assert _build(notes, out).exit_code == 0 and report.is_file()
    (notes / "2025-01-07.md").touch()  # a new mtime with the same bytes changes nothing
    before = _snapshot(out)
    assert _build(notes, out).exit_code == 0 and _snapshot(out) == before
    (notes / "2025-01-10.md").write_text(DAY2 + "- 역전파로 기울기를 구했다.\n", encoding="utf-8")
    assert _build(notes, out).exit_code == 0 and analysed == ["2025-01-10.md"]
    assert "backpropagation" in _labels(out, "concept")


def test_editing_concepts_yaml_re_analyses_every_note(tmp_path: Path, analysed: list[str]):
    notes, out = _five_notes(tmp_path), tmp_path / "out"
    (notes / "2025-01-06.md").write_text(DAY1 + "- 부캠 스터디 규칙 정리\n", encoding="utf-8")
    assert _build(notes, out).exit_code == 0
    assert "study rules" not in _labels(out, "concept")
    analysed.clear()
    (notes / "concepts.yaml").write_text(
        "- id: study_rules\n  label: study rules\n  category: study rules\n  ko: [스터디 규칙]\n",
        encoding="utf-8")
    result = _build(notes, out)
    assert result.exit_code == 0, result.output
    assert "(0 reused from cache)" in result.output and sorted(analysed) == sorted(
        p.name for p in notes.glob("*.md"))
    assert "study rules" in _labels(out, "concept")
    analysed.clear()
    assert "(5 reused from cache)" in _build(notes, out).output and analysed == []


def test_jobs_2_gives_the_same_graph_as_one_process(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(pipeline.BATCH + 2):  # more than one batch, so the worker pool is used
        (notes / f"note{i:02d}.md").write_text(f"# {i + 1}일차\n" + (DAY1, DAY2)[i % 2].split("\n", 1)[1],
                                               encoding="utf-8")
    one, two = tmp_path / "one", tmp_path / "two"
    assert _build(notes, one, "--no-cache").exit_code == 0
    result = _build(notes, two, "--jobs", "2", "--no-cache")
    assert result.exit_code == 0, result.output
    assert (one / "all" / "graph.json").read_bytes() == (two / "all" / "graph.json").read_bytes()


# --- exit codes as a shell sees them -------------------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "notegraph", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600, check=False)


def test_exit_codes_of_python_dash_m(messy: Path, tmp_path: Path):
    ok = _cli("build", str(messy), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "warning:" in ok.stderr and "Traceback" not in ok.stderr
    (tmp_path / "empty").mkdir()
    user = _cli("build", str(tmp_path / "empty"), "--out", str(tmp_path / "out2"), cwd=tmp_path)
    assert user.returncode == 1 and "error:" in user.stderr and "Traceback" not in user.stderr
    missing = _cli("days", "tensor", cwd=tmp_path)  # no outputs/ here
    assert missing.returncode == 1 and "notegraph build" in missing.stderr
    for usage in (["build", "--jobs", "0"], ["build", "--frobnicate"], ["no-such-command"], ["days"]):
        proc = _cli(*usage, cwd=tmp_path)
        assert proc.returncode == 2, (usage, proc.stderr)
        assert "Traceback" not in proc.stderr
