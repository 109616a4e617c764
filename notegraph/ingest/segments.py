"""Split a classified note into day segments, sections and blocks.

Rules (see also data/ingest.yaml):
- Day markers are headings, bare lines, **bold** lines or list items whose whole text is a day
  heading ("1일차", "Day 3", "[Day 21]", "1월 24일 월요일", "## Day 0: December 04, 2018"), a week
  review ("1주차 후기"), or rows of a table whose first cell is a day number under a month heading.
- Fewer than two markers: one segment for the whole note, labelled by the front-matter title, else
  its one day heading ("[Day 14] - Recurrent Neural Networks" rather than the "Week03 - DL Basic"
  title above it, which every note of that week shares), else the first heading, else the file stem.
- Two or more: one segment per marker; text before the first marker is dropped as title lines
  unless it holds prose, in which case it joins the first segment.
- Dates: for multi-day notes the heading's date wins (a missing year comes from the front matter or
  file name, else the nearest heading with a year). For a single-day note the front-matter date,
  then the file-name date wins over a heading date that disagrees, with a warning (coated-jinee-til
  files are named 20250104 but their headings say "2024년 1월 4일": the file name is what the
  learner's tool wrote; the heading was typed by hand).
- Weeks: "N주차"/"week N" in the segment heading, else in the nearest heading above it, else in the
  note title, first line or path, else
  the ISO week of the date ("2024-W49"), else "note-<stem>".
- Sections: bare known section lines ("부캠 강의", "피어 세션" …) and the shallowest sub-headings
  below the day heading.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Block, Segment
from .dates import PartialDate, date_in, iso_week, month_in, week_in
from .inline import links, masked_spans
from .lines import Line
from .rules import IngestRules

_MARKUP = re.compile(r"\*\*|__|~~")
_WRAP = re.compile(r"^([*_`])(.*)\1$")
_YEAR_ONLY = re.compile(r"^(?:19|20)\d{2}\s*년?$")


def strip_markup(text: str) -> str:
    """Heading text as written, without emphasis markers, entities or doubled spaces."""
    text = _MARKUP.sub("", text)
    while m := _WRAP.match(text.strip()):
        text = m[2]
    return " ".join(html.unescape(text).split())


@dataclass(frozen=True)
class NoteContext:
    """What the segmenter knows about the note besides its lines."""

    stem: str
    source: str
    title: str | None
    date: dt.date | None          # front matter, else file name
    date_origin: str | None       # "front matter" | "file name"


@dataclass
class _Marker:
    index: int                    # index into the content lines
    label: str
    review: bool
    partial: PartialDate | None
    table_row: bool = False
    year_hint: int | None = None  # from a year heading above (table notes)
    month_hint: int | None = None
    week_hint: str | None = None  # from the nearest "N주차"/"Week N" heading above


def _find_markers(text: str, content: Sequence[Line], rules: IngestRules) -> list[_Marker]:
    markers: list[_Marker] = []
    month: int | None = None
    year: int | None = None
    weeks: dict[int, str] = {}  # heading level -> week it names, for the headings still open
    for i, line in enumerate(content):
        raw = line.text(text)
        if line.kind == "table":
            m = rules.table_day_cell.fullmatch(strip_markup(raw.split("|")[0])) if month else None
            if m and 1 <= int(m[1]) <= 31:
                label = strip_markup(raw.split("|")[0])
                markers.append(_Marker(i, label, False, PartialDate(year, month or 1, int(m[1])),
                                       table_row=True, year_hint=year, month_hint=month,
                                       week_hint=weeks[max(weeks)] if weeks else None))
            continue
        label = strip_markup(raw)
        if line.kind == "heading":
            if _YEAR_ONLY.match(label):
                year = int(label[:4])
            month = month_in(label, rules) or month
            weeks = {lvl: w for lvl, w in weeks.items() if lvl < line.level}
            if named := week_in(label, rules):
                weeks[line.level] = named
        if line.kind not in ("heading", "prose", "list"):
            continue
        if line.kind != "heading" and len(label) > rules.bare_marker_max_chars:
            continue
        # a week named by a parent heading (not by a sibling sub-heading of an earlier day)
        parents = [lvl for lvl in weeks if line.kind != "heading" or lvl < line.level]
        hint = weeks[max(parents)] if parents else None
        if rules.review_marker.fullmatch(label):
            markers.append(_Marker(i, label, True, None, week_hint=hint))
        elif rules.day_marker.fullmatch(label):
            markers.append(_Marker(i, label, False, date_in(label, rules), week_hint=hint))
    table_rows = [m for m in markers if m.table_row]
    if len(table_rows) < 2:
        markers = [m for m in markers if not m.table_row]
    return markers


def _block(text: str, line: Line, section: str | None, skip_first_cell: bool = False) -> Block | None:
    start, end = line.start, line.end
    if line.kind == "table":
        if skip_first_cell:
            bar = text.find("|", start, end)
            start = bar + 1 if bar >= 0 else end
        while start < end and text[start] in "| \t":
            start += 1
        while end > start and text[end - 1] in "| \t":
            end -= 1
    if start >= end:
        return None
    body = text[start:end]
    masked = masked_spans(body, start)
    kind = line.kind if line.kind in ("heading", "list", "table", "quote") else "prose"
    return Block(text=body, line=line.no, start=start, end=end, section=section, kind=kind,
                 masked=masked, links=links(body, masked, start))


def _fill(text: str, lines: Sequence[Line], rules: IngestRules, base_level: int, skip: set[int],
          first_cell: set[int], day_table: bool = False) -> tuple[tuple[str, ...], tuple[Block, ...]]:
    """Sections and blocks of one segment's lines."""
    levels = [ln.level for ln in lines if ln.kind == "heading" and ln.level > base_level
              and ln.no not in skip]
    section_level = min(levels) if levels else 0
    section: str | None = None
    sections: dict[str, None] = {}
    blocks: list[Block] = []
    for line in lines:
        if day_table and line.header:
            continue  # "| Date | What I learned | Streak |" repeated above every month
        if line.no in skip:
            block = _block(text, line, None, line.no in first_cell)
        else:
            label = strip_markup(line.text(text))
            if line.kind in ("heading", "prose") and rules.is_section(label):
                section = label
                sections.setdefault(label, None)
                continue
            if line.kind == "heading" and (_YEAR_ONLY.match(label) or month_in(label, rules)
                                           or line.level < base_level):
                continue  # month/year headings and parent headings ("## 2주차") are structure
            if line.kind == "heading" and line.level <= section_level:
                section = label
                sections.setdefault(label, None)
            block = _block(text, line, section, line.no in first_cell)
        if block is not None:
            blocks.append(block)
    return tuple(sections), tuple(blocks)


def _first_heading(text: str, content: Sequence[Line]) -> Line | None:
    return next((ln for ln in content if ln.kind == "heading" and strip_markup(ln.text(text))), None)


def _note_week(text: str, content: Sequence[Line], ctx: NoteContext, rules: IngestRules) -> str | None:
    first = _first_heading(text, content)
    candidates = [ctx.title or ""]
    if first is not None:
        candidates.append(first.text(text))
    if content:
        candidates.append(content[0].text(text))
    candidates.append(ctx.source)
    for candidate in candidates:
        if week := week_in(candidate, rules):
            return week
    return None


def build_segments(text: str, lines: Sequence[Line], ctx: NoteContext,
                   rules: IngestRules) -> tuple[tuple[Segment, ...], list[str]]:
    """Day segments of a note, with the warnings they raise (date disagreements)."""
    content = [ln for ln in lines if ln.kind not in ("skip", "blank")]
    last_line = max(text.count("\n") + (0 if text.endswith("\n") else 1), 1)
    markers = _find_markers(text, content, rules)
    note_week = _note_week(text, content, ctx, rules)
    if len(markers) < 2:
        return _single(text, lines, content, markers, ctx, rules, note_week, last_line)
    return _multi(text, content, markers, ctx, rules, note_week, last_line), []


def _single(text: str, lines: Sequence[Line], content: Sequence[Line], markers: list[_Marker],
            ctx: NoteContext, rules: IngestRules, note_week: str | None,
            last_line: int) -> tuple[tuple[Segment, ...], list[str]]:
    warnings: list[str] = []
    first = _first_heading(text, content)
    marker = markers[0] if markers else None
    head = content[marker.index] if marker else None
    label = ctx.title or (marker.label if marker and head and head.kind == "heading" else None) \
        or (strip_markup(first.text(text)) if first else None) or ctx.stem
    date = ctx.date
    heading_date = marker.partial.resolve(ctx.date.year if ctx.date else None) \
        if marker and marker.partial else None
    if heading_date and date and heading_date != date:
        warnings.append(f"{ctx.source}:{content[marker.index].no}: heading says {heading_date}, "
                        f"{ctx.date_origin} says {date}; using the {ctx.date_origin} date")
    date = date or heading_date
    week = (week_in(marker.label, rules) if marker else None) or note_week \
        or (iso_week(date) if date else f"note-{ctx.stem}")
    review = bool(marker and marker.review) or bool(rules.review_marker.fullmatch(label))
    base = 0
    skip: set[int] = set()
    headings = [ln for ln in content if ln.kind == "heading"]
    if head is not None and head.kind == "heading":
        base = head.level
        skip |= {ln.no for ln in headings if ln.no < head.no and ln.level < base} | {head.no}
    elif first is not None and not ctx.title and all(ln.level > first.level for ln in headings[1:]):
        base = first.level
        skip.add(first.no)
    start = content[0].no if content else 1
    sections, blocks = _fill(text, content, rules, base, skip, set())
    segment = Segment(label=label, order=0, date=date, week=week, is_review=review,
                      line_start=min(start, last_line), line_end=last_line,
                      sections=sections, blocks=blocks)
    return (segment,), warnings


def _years(markers: list[_Marker], fallback: int | None) -> list[int | None]:
    """A year for each marker: its own, else the fallback, else the nearest neighbour's."""
    own = [m.partial.year if m.partial and m.partial.year else m.year_hint for m in markers]
    if fallback is not None:
        return [y if y is not None else fallback for y in own]
    before: list[int | None] = []
    last: int | None = None
    for y in own:
        last = y if y is not None else last
        before.append(last)
    after: list[int | None] = [None] * len(own)
    nxt: int | None = None
    for i in range(len(own) - 1, -1, -1):
        nxt = own[i] if own[i] is not None else nxt
        after[i] = nxt
    return [y if y is not None else (b if b is not None else a)
            for y, b, a in zip(own, before, after, strict=True)]


def _multi(text: str, content: Sequence[Line], markers: list[_Marker], ctx: NoteContext,
           rules: IngestRules, note_week: str | None, last_line: int) -> tuple[Segment, ...]:
    pre = content[:markers[0].index]
    title_like = {ln.no for ln in pre if ln.kind == "heading"}
    if pre and pre[0].kind == "prose" and len(pre[0].text(text)) <= rules.bare_marker_max_chars:
        title_like.add(pre[0].no)
    has_prose = any(ln.no not in title_like and not ln.header for ln in pre)
    years = _years(markers, ctx.date.year if ctx.date else None)
    day_table = any(m.table_row for m in markers)
    segments: list[Segment] = []
    for order, marker in enumerate(markers):
        begin = 0 if order == 0 and has_prose else marker.index
        stop = markers[order + 1].index if order + 1 < len(markers) else len(content)
        seg_lines = content[begin:stop]
        head = content[marker.index]
        date = marker.partial.resolve(years[order]) if marker.partial else None
        week = week_in(marker.label, rules) or marker.week_hint or note_week \
            or (iso_week(date) if date else f"note-{ctx.stem}")
        base = head.level if head.kind == "heading" else 0
        first_cell = {head.no} if marker.table_row else set()
        sections, blocks = _fill(text, seg_lines, rules, base, {head.no}, first_cell, day_table)
        line_end = content[stop].no - 1 if stop < len(content) else last_line
        segments.append(Segment(label=marker.label, order=order, date=date, week=week,
                                is_review=marker.review, line_start=seg_lines[0].no,
                                line_end=max(line_end, seg_lines[0].no), sections=sections,
                                blocks=blocks))
    return tuple(segments)
