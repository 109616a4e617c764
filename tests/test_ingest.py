"""The ingest stage on the reference note and on every dev-corpus format: segments, labels, dates,
weeks, sections, what is not prose, and exact block offsets."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from notegraph.errors import NoNotesFound
from notegraph.ingest import discover, load_notes, read_note
from notegraph.models import Note

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def assert_offsets_exact(note: Note) -> None:
    for seg in note.segments:
        for block in seg.blocks:
            assert note.text[block.start:block.end] == block.text, (note.source, block.line)
            assert note.text.split("\n")[block.line - 1].find(block.text) >= 0, (note.source, block.line)
            for start, end in block.masked:
                assert block.start <= start < end <= block.end, (note.source, block.line)


def by_source(notes: list[Note]) -> dict[str, Note]:
    return {n.source: n for n in notes}


@pytest.fixture(scope="module")
def reference(reference_note: Path) -> Note:
    return read_note(reference_note, reference_note.parent)


@pytest.fixture(scope="module")
def dev(dev_corpus: Path) -> dict[str, Note]:
    notes, warnings = load_notes([dev_corpus])
    assert warnings == []
    return by_source(notes)


# --- the reference note ------------------------------------------------------------------------

def test_reference_note_has_five_days_and_a_week_review(reference: Note) -> None:
    labels = [s.label for s in reference.segments]
    assert labels == ["1일차", "2일차", "3일차", "4일차", "5일차", "1주차 후기"]
    assert [s.is_review for s in reference.segments] == [False] * 5 + [True]
    assert {s.week for s in reference.segments} == {"week01"}
    assert [s.order for s in reference.segments] == list(range(6))


def test_reference_title_and_table_of_contents_are_not_blocks(reference: Note) -> None:
    texts = [b.text for s in reference.segments for b in s.blocks]
    assert "Table of Contents" not in texts
    assert "부캠 1주차 일일 후기" not in texts
    assert reference.segments[0].line_start == 3  # title and TOC lines belong to no day


def test_reference_sections_come_from_bare_section_lines(reference: Note) -> None:
    day1, day2, _, day4, *_ = reference.segments
    assert day1.sections == ("오리엔테이션", "부캠 강의", "피어 세션", "후기")
    assert "개인 학습" in day2.sections
    assert day4.sections[-1] == "마스터클래스"  # an empty section is still a section
    detach = next(b for b in day1.blocks if "detach와 clone" in b.text)
    assert detach.section == "부캠 강의" and detach.kind == "list"
    assert detach.text.startswith("detach")  # the bullet marker is stripped
    peer = next(b for b in day2.blocks if "캠퍼님의 깃허브" in b.text)
    assert peer.section == "피어 세션"


def test_reference_prose_that_starts_like_a_section_stays_prose(reference: Note) -> None:
    day3 = reference.segments[2]
    line = next(b for b in day3.blocks if b.text == "피어세션이 피어씁니다")
    assert line.section is None
    assert "피어세션이 피어씁니다" not in day3.sections


def test_reference_offsets_and_hash(reference: Note, reference_note: Path) -> None:
    import hashlib

    assert_offsets_exact(reference)
    assert reference.sha256 == hashlib.sha256(reference_note.read_bytes()).hexdigest()
    assert reference.source == reference_note.name
    assert reference.encoding == "utf-8"


def test_reading_never_modifies_the_file(reference_note: Path, tmp_path: Path) -> None:
    copy = tmp_path / reference_note.name
    shutil.copy2(reference_note, copy)
    before = (copy.read_bytes(), copy.stat().st_mtime_ns)
    read_note(copy, tmp_path)
    assert (copy.read_bytes(), copy.stat().st_mtime_ns) == before


# --- dev corpus ----------------------------------------------------------------------------------

def test_every_dev_block_points_at_its_text(dev: dict[str, Note]) -> None:
    assert len(dev) == 25
    for note in dev.values():
        assert note.segments, note.source
        assert_offsets_exact(note)


def test_no_code_ever_becomes_a_block(dev: dict[str, Note]) -> None:
    for note in dev.values():
        lines = note.text.split("\n")
        fenced: set[int] = set()
        inside = False
        for no, line in enumerate(lines, start=1):
            if line.strip().startswith(("```", "~~~")):
                inside = not inside
                fenced.add(no)
            elif inside:
                fenced.add(no)
        used = {b.line for s in note.segments for b in s.blocks}
        assert not used & fenced, note.source


def test_batangr00t_weekly_summary_is_one_segment_in_its_week(dev: dict[str, Note]) -> None:
    note = dev["batangr00t-boostcamp/week01.md"]
    (seg,) = note.segments
    assert seg.label == "Week 1 - 주간학습정리 - Pytorch"
    assert seg.week == "week01"
    assert seg.sections[:2] == ("깨달은 내용", "텐서란 무엇인가?")
    # the indented ```python fence inside a bullet is code, its comment lines are not headings
    assert not any("print(scalar" in b.text for b in seg.blocks)
    assert dev["batangr00t-boostcamp/week02.md"].segments[0].week == "week02"


def test_jekyll_post_takes_title_date_and_tags_from_front_matter(dev: dict[str, Note]) -> None:
    note = dev["jjonhwa-blog/2021-08-02-boostcamp-main-Ustage_Day_1.md"]
    (seg,) = note.segments
    assert (note.title, seg.label) == ("Ustage Day 1", "Ustage Day 1")
    assert seg.date == note.date == dt.date(2021, 8, 2)
    assert seg.week == "2021-W31"
    assert set(note.tags) == {"main", "boostcamp"}
    assert seg.line_start == 8  # after the front matter
    texts = [b.text for b in seg.blocks]
    assert not any(t.startswith("[1. 뉴비를") for t in texts)  # the 목차 link list is navigation
    assert "1. 뉴비를 위한 기초 컴퓨터" in seg.sections
    # "1일차" inside a bold summary line or a "6. 1일차 후기" heading is not a day marker
    assert len(note.segments) == 1


def test_jinseo_day_heading_under_a_week_title(dev: dict[str, Note]) -> None:
    note = dev["jinseo-ok-boostcamp/Day14.md"]
    (seg,) = note.segments
    assert seg.label == "[Day 14] - Recurrent Neural Networks"
    assert seg.week == "week03"
    assert seg.sections[0] == "1. RNN 기초"
    assert "Week03 - DL Basic" not in seg.sections
    assert dev["jinseo-ok-boostcamp/Day25.md"].segments[0].week == "week05"


def test_coated_jinee_file_name_date_wins_over_a_wrong_heading_year(dev: dict[str, Note]) -> None:
    note = dev["coated-jinee-til/20250104_TIL.md"]
    (seg,) = note.segments
    assert seg.label == "2024년 1월 4일 금요일 (Saturday, January 4, 2025)"
    assert seg.date == dt.date(2025, 1, 4)
    assert seg.week == "2025-W01"
    assert any("2024-01-04" in w and "file name" in w for w in note.warnings)
    agreeing = dev["coated-jinee-til/20250122_TIL.md"]
    assert agreeing.segments[0].date == dt.date(2025, 1, 22) and agreeing.warnings == ()
    assert "할일" in seg.sections


def test_moody_log_splits_into_dated_days(dev: dict[str, Note]) -> None:
    note = dev["moody-majesty-ml-fun/log.md"]
    assert [s.label for s in note.segments] == [
        "Day 0: December 04, 2018", "Day 1: December 06, 2018", "Day 2: December 10, 2018",
        "Day 3,4,5: December 14, 15, 16 2018"]
    assert [s.date for s in note.segments] == [
        dt.date(2018, 12, 4), dt.date(2018, 12, 6), dt.date(2018, 12, 10), dt.date(2018, 12, 14)]
    assert [s.week for s in note.segments] == ["2018-W49", "2018-W49", "2018-W50", "2018-W50"]
    day1 = note.segments[1]
    assert any(b.text.startswith("Cost function, Gradient Descent") for b in day1.blocks)
    enrolled = next(b for b in note.segments[0].blocks if b.text.startswith("Enrolled"))
    targets = [enrolled.text[s - enrolled.start:e - enrolled.start] for s, e in enrolled.masked]
    assert "](https://www.coursera.org/learn/machine-learning/home/info)" in targets


def test_rvoulon_table_rows_become_days_dated_by_month_headings(dev: dict[str, Note]) -> None:
    note = dev["rvoulon-til/Today I learned.md"]
    first, second = note.segments[:2]
    assert (first.label, first.date) == ("W 10", dt.date(2018, 10, 10))
    assert (second.label, second.date) == ("T 09", dt.date(2018, 10, 9))
    september = next(s for s in note.segments if s.date == dt.date(2018, 9, 25))
    # continuation rows (empty date cell) stay with their day
    assert any("cosine annealing" in b.text for b in september.blocks)
    assert all(not b.text.startswith("**T") for b in september.blocks)
    last = note.segments[-1]
    assert (last.label, last.date) == ("M 30", dt.date(2018, 7, 30))
    texts = [b.text for s in note.segments for b in s.blocks]
    assert not any(t.startswith("Date") for t in texts)  # the table header above each month
    assert not any(t in ("October", "September", "2018") for t in texts)


# --- discovery and loading -------------------------------------------------------------------------

def test_discover_is_sorted_recursive_and_skips_what_is_not_a_note(tmp_path: Path) -> None:
    (tmp_path / "week02").mkdir()
    (tmp_path / "week02" / "b.md").write_text("# b\n텍스트", encoding="utf-8")
    (tmp_path / "a.txt").write_text("1일차\n텐서", encoding="utf-8")
    (tmp_path / "c.markdown").write_text("x", encoding="utf-8")
    (tmp_path / "concepts.yaml").write_text("[]", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    for hidden in (".git", "node_modules", ".obsidian"):
        (tmp_path / hidden).mkdir()
        (tmp_path / hidden / "x.md").write_text("x", encoding="utf-8")
    out = tmp_path / "outputs" / "all"
    out.mkdir(parents=True)
    (out / "graph.json").write_text("{}", encoding="utf-8")
    (out / "report.md").write_text("# report", encoding="utf-8")
    found = discover([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for _, f in found] == ["a.txt", "c.markdown", "week02/b.md"]
    assert all(root == tmp_path for root, _ in found)
    assert discover([tmp_path / "a.txt", tmp_path]) == [(tmp_path, tmp_path / "a.txt"),
                                                      (tmp_path, tmp_path / "c.markdown"),
                                                      (tmp_path, tmp_path / "week02" / "b.md")]


def test_a_folder_named_outputs_that_we_did_not_write_is_read(tmp_path: Path) -> None:
    (tmp_path / "outputs").mkdir()
    (tmp_path / "outputs" / "day.md").write_text("# 1일차\n텐서", encoding="utf-8")
    assert [f.name for _, f in discover([tmp_path])] == ["day.md"]


def test_week_from_folder_name(tmp_path: Path) -> None:
    (tmp_path / "Week03").mkdir()
    (tmp_path / "Week03" / "notes.md").write_text("# 오늘\n- 어텐션 공부", encoding="utf-8")
    notes, _ = load_notes([tmp_path])
    assert notes[0].source == "Week03/notes.md"
    assert notes[0].segments[0].week == "week03"


def test_week_falls_back_to_the_note_stem(tmp_path: Path) -> None:
    (tmp_path / "misc.md").write_text("- 어텐션 공부", encoding="utf-8")
    notes, _ = load_notes([tmp_path])
    (seg,) = notes[0].segments
    assert (seg.label, seg.week, seg.date) == ("misc", "note-misc", None)


def test_load_notes_reports_skipped_files_and_raises_when_nothing_is_readable(tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_text("", encoding="utf-8")
    (tmp_path / "blank.txt").write_text("  \n\n", encoding="utf-8")
    with pytest.raises(NoNotesFound) as err:
        load_notes([tmp_path])
    assert "2 file(s) skipped" in str(err.value) and err.value.hint
    (tmp_path / "real.md").write_text("# 1일차\n- 텐서", encoding="utf-8")
    notes, warnings = load_notes([tmp_path, tmp_path / "missing"])
    assert [n.source for n in notes] == ["real.md"]
    assert len(warnings) == 3
    assert any("empty.md" in w and "empty" in w for w in warnings)
    assert any("missing" in w for w in warnings)


def test_fixture_notes_parse_with_exact_offsets() -> None:
    notes, warnings = load_notes([FIXTURES])
    assert warnings == [] and len(notes) >= 3
    for note in notes:
        assert_offsets_exact(note)
