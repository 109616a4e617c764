"""Ingest on the formats learners actually write and on bad input: day-marker styles, markup that
is not prose, encodings, front matter, file-name dates, and files that must be skipped."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notegraph.errors import NoteDecodeError, NotegraphError, NoteReadError
from notegraph.ingest import load_notes, read_note
from notegraph.models import Note

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def note_from(tmp_path: Path, name: str, content: str | bytes) -> Note:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return read_note(path, tmp_path)


def blocks(note: Note) -> list[str]:
    return [b.text for s in note.segments for b in s.blocks]


def check_offsets(note: Note) -> None:
    for seg in note.segments:
        for b in seg.blocks:
            assert note.text[b.start:b.end] == b.text


# --- day markers ------------------------------------------------------------------------------------

def test_bold_heading_list_and_emoji_day_markers() -> None:
    note = read_note(FIXTURES / "day_styles.md", FIXTURES)
    assert [s.label for s in note.segments] == ["Day 1", "[Day 2] - Autograd", "Day 3",
                                                "🗓️ Day 24 – 18/09/2025"]
    assert note.segments[3].date == dt.date(2025, 9, 18)
    assert note.segments[3].week == "2025-W38"
    assert note.segments[0].week == "note-day_styles"
    last = note.segments[3]
    # "Day 3 of the course" in prose and a numbered list are not markers
    texts = [b.text for b in last.blocks]
    assert "Day 3 of the course was about broadcasting, so this line is prose." in texts
    assert "Numbered items are not days" in texts
    assert "100 Days of Code" not in blocks(note)  # a title before the first day belongs to no day


def test_korean_dates_without_year_take_it_from_front_matter() -> None:
    note = read_note(FIXTURES / "korean_days.md", FIXTURES)
    assert note.title == "1월 넷째 주 학습 일지"
    assert note.tags == ("til", "부캠")
    assert [(s.label, s.date) for s in note.segments] == [
        ("1월 24일 월요일", dt.date(2025, 1, 24)), ("1월 25일 화요일", dt.date(2025, 1, 25)),
        ("2025년 1월 26일 수요일", dt.date(2025, 1, 26))]
    assert note.segments[1].sections == ("부캠 강의", "피어 세션")
    assert [b.section for b in note.segments[1].blocks if b.kind == "list"] == ["부캠 강의", "피어 세션"]


def test_year_from_a_neighbouring_heading(tmp_path: Path) -> None:
    text = "## 2024년 12월 30일\n- a\n## 12월 31일\n- b\n## 2025년 1월 2일\n- c\n"
    note = note_from(tmp_path, "log.md", text)
    assert [s.date for s in note.segments] == [
        dt.date(2024, 12, 30), dt.date(2024, 12, 31), dt.date(2025, 1, 2)]


def test_text_before_the_first_day_joins_it_when_it_is_prose(tmp_path: Path) -> None:
    text = "오늘부터 학습 기록을 남긴다.\n- 목표: 텐서 연산\n1일차\n- 텐서\n2일차\n- 뷰\n"
    note = note_from(tmp_path, "n.txt", text)
    first = note.segments[0]
    assert first.label == "1일차" and first.line_start == 1
    assert "목표: 텐서 연산" in [b.text for b in first.blocks]


def test_weeks_come_from_parent_headings_not_from_sub_headings(tmp_path: Path) -> None:
    text = ("# 부캠 기록\n## 1주차\n### 1일차\n- 텐서\n### 2일차\n#### 2주차 과제 안내\n- 과제\n"
            "### 3일차\n- 뷰\n## 2주차\n### 6일차\n- 역전파\n## 2주차 회고\n- 좋았다\n")
    note = note_from(tmp_path, "course.md", text)
    assert [(s.label, s.week, s.is_review) for s in note.segments] == [
        ("1일차", "week01", False), ("2일차", "week01", False), ("3일차", "week01", False),
        ("6일차", "week02", False), ("2주차 회고", "week02", True)]
    assert "2주차" not in blocks(note)  # a parent heading is structure, not a line of day 3


def test_duplicate_day_labels_are_kept_in_order(tmp_path: Path) -> None:
    note = note_from(tmp_path, "dup.md", "## Day 1\n- tensors\n## Day 1\n- views\n")
    assert [(s.label, s.order) for s in note.segments] == [("Day 1", 0), ("Day 1", 1)]
    assert [b.text for b in note.segments[1].blocks] == ["Day 1", "views"]


def test_one_day_marker_means_one_segment(tmp_path: Path) -> None:
    note = note_from(tmp_path, "2024-03-05-post.md", "# Day 7 - CNN\n\n## 합성곱\n- 커널\n")
    (seg,) = note.segments
    assert seg.label == "Day 7 - CNN" and seg.date == dt.date(2024, 3, 5)
    assert seg.sections == ("합성곱",)


def test_thousands_of_day_headings_stay_linear(tmp_path: Path) -> None:
    text = "".join(f"## Day {i}\n- tensor {i} view\n" for i in range(6000))
    start = time.perf_counter()
    note = note_from(tmp_path, "many.md", text)
    elapsed = time.perf_counter() - start
    assert len(note.segments) == 6000
    assert note.segments[-1].blocks[-1].text == "tensor 5999 view"
    assert elapsed < 10


# --- not prose ---------------------------------------------------------------------------------------

def test_code_html_images_urls_math_and_toc_are_not_blocks() -> None:
    note = read_note(FIXTURES / "markup.md", FIXTURES)
    texts = blocks(note)
    for gone in ("Table of Contents", "[1. Intro](#1-intro)", "import torch  # a comment",
                 "tilde fence", "y = x.view(-1)", "graph TD; A-->B", "\\sum_i x_i", "a comment",
                 "https://example.com/just-a-link", "![diagram](img/diagram.png)", "![[whiteboard.png]]"):
        assert not any(gone in t for t in texts), gone
    assert not any(t.startswith("<img") for t in texts)
    for kept in ("nested item stays prose", "indented code after a blank line in a list is still list text",
                 "a quoted line about softmax", "view | 메모리를 공유"):
        assert kept in texts, kept
    check_offsets(note)


def test_masked_spans_and_links() -> None:
    note = read_note(FIXTURES / "markup.md", FIXTURES)
    by_text = {b.text.split()[0]: b for s in note.segments for b in s.blocks}
    read = by_text["Read"]
    masked = [note.text[s:e] for s, e in read.masked]
    assert masked == ["`torch.gather`", "https://pytorch.org/docs", "](https://example.com/guide)"]
    see = by_text["See"]
    assert see.links == ("Attention", "Transformer", "딥러닝", "nlp")
    math = by_text["Inline"]
    assert [note.text[s:e] for s, e in math.masked] == ["$x^2$", "<b>", "</b>"]
    kinds = {b.kind for s in note.segments for b in s.blocks}
    assert kinds == {"heading", "prose", "list", "quote", "table"}


def test_indented_code_only_in_markdown_after_a_blank_line(tmp_path: Path) -> None:
    text = "para\n\n    code_line()\n"
    assert "code_line()" not in blocks(note_from(tmp_path, "a.md", text))
    assert "code_line()" in blocks(note_from(tmp_path, "a.txt", text))
    assert "continued()" in blocks(note_from(tmp_path, "b.md", "para\n    continued()\n"))


def test_unclosed_fence_and_comment_do_not_crash(tmp_path: Path) -> None:
    note = note_from(tmp_path, "u.md", "# t\n- before\n```\ncode\n<!-- open\n")
    assert blocks(note) == ["t", "before"]


# --- encodings and newlines ----------------------------------------------------------------------------

def test_bom_crlf_and_no_final_newline(tmp_path: Path) -> None:
    raw = "\ufeff1일차\r\n- 텐서\r\n2일차\r\n- 뷰".encode()
    note = note_from(tmp_path, "w.txt", raw)
    assert note.text == "1일차\n- 텐서\n2일차\n- 뷰"
    assert [s.label for s in note.segments] == ["1일차", "2일차"]
    assert note.segments[1].blocks[-1].text == "뷰" and note.segments[1].blocks[-1].line == 4
    check_offsets(note)


def test_cp949_is_read_with_a_warning(tmp_path: Path) -> None:
    note = note_from(tmp_path, "old.txt", "1일차\n- 텐서를 배웠다\n2일차\n- 역전파".encode("cp949"))
    assert note.encoding == "cp949"
    assert any("cp949" in w for w in note.warnings)
    assert note.segments[0].blocks[-1].text == "텐서를 배웠다"


def test_utf16_with_bom(tmp_path: Path) -> None:
    note = note_from(tmp_path, "u16.md", "# 제목\n- 텐서".encode("utf-16"))
    assert blocks(note) == ["제목", "텐서"]


# --- front matter and file-name dates ------------------------------------------------------------------

def test_front_matter_only_on_line_one(tmp_path: Path) -> None:
    note = note_from(tmp_path, "n.md", "\n---\ntitle: not front matter\n---\n- 텐서\n")
    assert note.title is None
    assert "title: not front matter" in blocks(note)


def test_malformed_front_matter_is_kept_as_body_with_a_warning(tmp_path: Path) -> None:
    note = note_from(tmp_path, "bad.md", "---\ntitle: [unclosed\ndate: : :\n---\n- 텐서\n")
    assert any("front matter" in w for w in note.warnings)
    assert "텐서" in blocks(note)
    assert "title: [unclosed" in blocks(note)
    assert note.segments[0].line_end == 5


def test_front_matter_date_string_and_categories(tmp_path: Path) -> None:
    note = note_from(tmp_path, "p.md", "---\ntitle: \"Post\"\ndate: 2021-08-02 10:00:00 +0900\n"
                                       "categories: [boostcamp, ai]\ntags: main\n---\n본문\n")
    assert (note.title, note.date, note.tags) == ("Post", dt.date(2021, 8, 2), ("main", "boostcamp", "ai"))
    assert note.segments[0].line_start == 7


@pytest.mark.parametrize(("name", "date"), [
    ("2021-08-02-boostcamp-Day_1.md", dt.date(2021, 8, 2)),
    ("20250104_TIL.md", dt.date(2025, 1, 4)),
    ("250104_TIL.md", dt.date(2025, 1, 4)),
    ("notes_20250104.md", None),
    ("20251399_TIL.md", None),
])
def test_dates_from_file_names(tmp_path: Path, name: str, date: dt.date | None) -> None:
    assert note_from(tmp_path, name, "- 텐서\n").date == date


# --- bad input -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "words"), [
    ("nul.md", b"abc\x00def", "NUL"),
    ("pic.md", b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
    ("doc.txt", b"%PDF-1.7\n%\xe2\xe3", "PDF"),
    ("a.md", b"PK\x03\x04\x14\x00", "zip"),
    ("garbage.md", bytes(range(128, 256)) * 4, "UTF-8"),
])
def test_binary_files_raise_decode_errors_with_a_hint(tmp_path: Path, name: str, content: bytes,
                                                       words: str) -> None:
    with pytest.raises(NoteDecodeError) as err:
        note_from(tmp_path, name, content)
    assert words in str(err.value) and err.value.hint and name in str(err.value)


def test_empty_too_large_and_broken_link_are_read_errors(tmp_path: Path) -> None:
    with pytest.raises(NoteReadError, match="empty"):
        note_from(tmp_path, "e.md", "")
    big = tmp_path / "big.md"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("- 텐서\n" * (5 * 1024 * 1024 // 8 + 10))
    with pytest.raises(NoteReadError, match="MB"):
        read_note(big, tmp_path)
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(NoteReadError, match="symbolic link"):
        read_note(link, tmp_path)
    (tmp_path / "ok.md").write_text("- 텐서", encoding="utf-8")
    notes, warnings = load_notes([tmp_path])
    assert [n.source for n in notes] == ["ok.md"]
    assert sorted(w.split(":")[0].rsplit("/", 1)[-1] for w in warnings) == ["big.md", "e.md", "link.md"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read anything")
def test_permission_denied_is_a_read_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.md"
    path.write_text("- 텐서", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(NoteReadError, match="permission"):
            read_note(path, tmp_path)
    finally:
        path.chmod(0o644)


def test_permission_denied_is_reported_even_when_running_as_root(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.md"
    path.write_text("- 텐서", encoding="utf-8")
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object):  # what open() does on a chmod 000 file
        if self.name == "locked.md":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    with pytest.raises(NoteReadError, match="permission") as err:
        read_note(path, tmp_path)
    assert "chmod" in (err.value.hint or "")


# --- property ----------------------------------------------------------------------------------------------

MARKDOWNISH = st.lists(st.sampled_from([
    "# ", "## Day 3", "1일차", "**2일차**", "- ", "1. ", "    ", "```", "~~~", "$$", "<!--", "-->", "|",
    "---",
    "`", "[[", "]]", "#태그", "](", ")", "http://x.y", "\n", "\r\n", "\ufeff", "텐서", "view", " ", "*", ">",
    "1월 2일", "2024-13-45", "Table of Contents", "부캠 강의", "\t", "\x0b", "é", "\u2028"]),
    max_size=60).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=400), MARKDOWNISH))
def test_arbitrary_text_never_breaks_reading(tmp_path: Path, text: str) -> None:
    path = tmp_path / "prop.md"
    path.write_text(text, encoding="utf-8", newline="")
    try:
        note = read_note(path, tmp_path)
    except NotegraphError:
        return
    check_offsets(note)
    for seg in note.segments:
        assert seg.line_start <= seg.line_end
        for b in seg.blocks:
            assert all(b.start <= s < e <= b.end for s, e in b.masked)


def test_week_numbers_are_read_whole() -> None:
    """"101주차" is week 101, not week 01 (which would merge two years apart into one week)."""
    from notegraph.ingest.dates import week_in
    from notegraph.ingest.rules import load_rules

    rules = load_rules()
    assert [week_in(t, rules) for t in ("1주차", "12 주차", "101주차 1일차", "week101", "Week_03", "2021주차")] == [
        "week01", "week12", "week101", "week101", "week03", None]
