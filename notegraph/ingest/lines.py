"""Classify each line of a note: heading, list item, table row, quote, prose, or not prose.

Not prose (never a block): fenced code (``` and ~~~, also indented fences inside lists), indented
code after a blank line in markdown (but not indented list items, which many notes use), `$$`
math blocks, HTML comments, layout HTML lines (<img>, <center> …), image embeds, bare URL lines,
horizontal rules, table separator rows, "Table of Contents"/"목차" lines and the in-page link list
under them. Offsets are into the note text, so `text[line.start:line.end]` is the line's content
without its markdown marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .rules import IngestRules

LineKind = Literal["heading", "list", "table", "quote", "prose", "skip", "blank"]

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_LIST = re.compile(r"^[ \t]*(?:[-*+•◦▪‣]|\d{1,3}[.)])[ \t]+")
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_RULE = re.compile(r"^[ \t]*([-*_=])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE_SEP = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|)+[ \t]*(?::?-{2,}:?[ \t]*)?\|?[ \t]*$"
                        r"|^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*\|?[ \t]*$")
_IMAGE_ONLY = re.compile(r"^(?:\s*(?:!\[[^\]]*\]\([^)]*\)|!\[\[[^\]]*\]\])\s*)+$")
_URL_ONLY = re.compile(r"^<?(?:https?://|ftp://|www\.)\S+>?$", re.IGNORECASE)
_TOC_LINK = re.compile(r"^\[[^\]]*\]\(#[^)]*\)\s*$")
_ALNUM = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Line:
    """One classified line: `start`/`end` bound its content (marker stripped) in the note text."""

    no: int
    start: int
    end: int
    kind: LineKind
    level: int = 0
    header: bool = False          # a table row right above a |---| separator

    def text(self, note_text: str) -> str:
        return note_text[self.start:self.end]


def _indent(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _content(line: str, offset: int, kind: LineKind, level: int = 0) -> tuple[int, int, LineKind, int]:
    """Trim a line's marker and surrounding space; returns absolute (start, end, kind, level)."""
    start = 0
    end = len(line.rstrip())
    if kind == "heading":
        start = _HEADING.match(line).end()  # type: ignore[union-attr]
        m = _CLOSING_HASHES.search(line[:end])
        if m and m.start() >= start:
            end = m.start()
    elif kind == "list":
        start = _LIST.match(line).end()  # type: ignore[union-attr]
    elif kind == "quote":
        start = _QUOTE.match(line).end()  # type: ignore[union-attr]
    elif kind == "table":
        start = line.index("|") + 1
        if end > start and line[end - 1] == "|" and (end < 2 or line[end - 2] != "\\"):
            end -= 1
    while start < end and line[start] in " \t":
        start += 1
    while end > start and line[end - 1] in " \t":
        end -= 1
    return offset + start, offset + end, kind, level


def scan(text: str, body_start: int, rules: IngestRules, markdown: bool) -> list[Line]:
    """Classify every line of `text`; lines before `body_start` (front matter) are skipped."""
    out: list[Line] = []
    fence: str | None = None
    in_math = in_comment = in_code = in_toc = False
    prev_blank = True
    in_list = False
    offset = 0
    for no, line in enumerate(text.split("\n"), start=1):
        line_start, offset = offset, offset + len(line) + 1
        stripped = line.strip()
        skip = Line(no, line_start, line_start, "skip")
        if line_start < body_start:
            out.append(skip)
            continue
        if fence is not None:
            if stripped.startswith(fence) and not stripped.lstrip(fence[0]).strip():
                fence = None
            out.append(skip)
            continue
        if in_comment:
            in_comment = "-->" not in line
            out.append(skip)
            continue
        if in_math:
            in_math = not stripped.endswith("$$")
            out.append(skip)
            continue
        if not stripped:
            out.append(Line(no, line_start, line_start, "blank"))
            prev_blank = True
            continue
        indent = _indent(line)
        is_list = bool(_LIST.match(line))
        if in_code and indent >= 4:
            out.append(skip)
            continue
        in_code = False
        if m := _FENCE.match(line):
            fence = m[1]
            out.append(skip)
            continue
        if stripped.startswith("$$"):
            in_math = stripped == "$$" or not stripped.endswith("$$")
            out.append(skip)
            continue
        if stripped.startswith("<!--"):
            in_comment = "-->" not in stripped[4:]
            out.append(skip)
            continue
        if markdown and indent >= 4 and prev_blank and not is_list and not in_list:
            in_code = True
            out.append(skip)
            continue
        prev_blank = False
        if indent < 4 and not is_list and not _QUOTE.match(line):
            in_list = False
        if is_list:
            in_list = True
        if _RULE.match(line) or _TABLE_SEP.match(line):
            if "|" in line and out and out[-1].kind == "table":
                prev = out[-1]
                out[-1] = Line(prev.no, prev.start, prev.end, "table", header=True)
            out.append(skip)
            continue
        if m := _HEADING.match(line):
            item = _content(line, line_start, "heading", len(m[1]))
        elif is_list:
            item = _content(line, line_start, "list")
        elif _QUOTE.match(line):
            item = _content(line, line_start, "quote")
        elif stripped.startswith("|"):
            item = _content(line, line_start, "table")
        else:
            item = _content(line, line_start, "prose")
        start, end, kind, level = item
        content = text[start:end]
        bare = content.strip("*_: ")
        if rules.is_toc(bare) and kind != "list":
            in_toc = True
            out.append(skip)
            continue
        if in_toc and kind == "list" and _TOC_LINK.match(content):
            out.append(skip)
            continue
        in_toc = False
        lowered = content.lower()
        if (not _ALNUM.search(content) or lowered.startswith(rules.html_skip_prefixes)
                or _IMAGE_ONLY.match(content) or _URL_ONLY.match(content)):
            out.append(skip)
            continue
        if kind == "list" and _TOC_LINK.match(content):
            out.append(skip)
            continue
        out.append(Line(no, start, end, kind, level))
    return out
