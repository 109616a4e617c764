"""Dates and week keys from headings, front matter and file names.

A heading may omit the year ("1월 24일 월요일"); `date_in` then returns the month and day with
`year=None` and the caller supplies a year from the front matter, the file name or a neighbouring
heading.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from .rules import IngestRules

_ISO = re.compile(r"(?<!\d)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?!\d)")
_KO = re.compile(r"(?:(\d{4})\s*년\s*)?(?<!\d)(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_DMY = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_EN = re.compile(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_EN_DMY = re.compile(r"(?<!\d)(\d{1,2})\s+([a-z]{3,9})\.?,?\s+(\d{4})", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_JEKYLL = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:-|$)")
_COMPACT = re.compile(r"^(\d{8}|\d{6})(?:[_\-\s.]|$)")


class PartialDate(NamedTuple):
    year: int | None
    month: int
    day: int

    def resolve(self, year: int | None = None) -> dt.date | None:
        """The full date, taking `year` when the text had none; None when invalid or unknown."""
        y = self.year if self.year is not None else year
        return make_date(y, self.month, self.day) if y is not None else None


def make_date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_in(text: str, rules: IngestRules) -> PartialDate | None:
    """The first date written in `text` (ISO, Korean, dd/mm/yyyy or English month names)."""
    found: list[tuple[int, PartialDate]] = []
    if m := _ISO.search(text):
        found.append((m.start(), PartialDate(int(m[1]), int(m[2]), int(m[3]))))
    if m := _KO.search(text):
        found.append((m.start(), PartialDate(int(m[1]) if m[1] else None, int(m[2]), int(m[3]))))
    if m := _DMY.search(text):
        a, b = int(m[1]), int(m[2])
        day, month = (b, a) if b > 12 >= a else (a, b)
        found.append((m.start(), PartialDate(int(m[3]), month, day)))
    if m := _EN_DMY.search(text):
        month = rules.months.get(m[2].lower())
        if month:
            found.append((m.start(), PartialDate(int(m[3]), month, int(m[1]))))
    for m in _EN.finditer(text):
        month = rules.months.get(m[1].lower())
        if month:
            year = _YEAR.search(text, m.end())
            found.append((m.start(), PartialDate(int(year[1]) if year else None, month, int(m[2]))))
            break
    valid = [(pos, d) for pos, d in found if 1 <= d.month <= 12 and 1 <= d.day <= 31]
    return min(valid, key=lambda x: x[0])[1] if valid else None


def year_in(text: str) -> int | None:
    """A bare year heading ("## 2018") or a year written in `text`."""
    m = _YEAR.search(text)
    return int(m[1]) if m else None


def month_in(text: str, rules: IngestRules) -> int | None:
    """The month a heading names alone ("### October", "10월"), else None."""
    words = text.strip().rstrip(":").split()
    if len(words) == 1 and words[0].lower().rstrip(".") in rules.months:
        return rules.months[words[0].lower().rstrip(".")]
    if m := re.fullmatch(r"\s*(\d{1,2})\s*월\s*", text):
        month = int(m[1])
        return month if 1 <= month <= 12 else None
    return None


def date_from_filename(stem: str) -> dt.date | None:
    """Jekyll `YYYY-MM-DD-title` or `YYYYMMDD_…` / `YYMMDD_…` file names."""
    if m := _JEKYLL.match(stem):
        return make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT.match(stem):
        digits = m[1]
        if len(digits) == 8:
            return make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        return make_date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    return None


def coerce_date(value: Any) -> dt.date | None:
    """A front-matter `date` (a date, a datetime or a string such as '2021-08-02 10:00:00 +0900')."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = _ISO.search(value)
        if m:
            return make_date(int(m[1]), int(m[2]), int(m[3]))
    return None


def week_in(text: str, rules: IngestRules) -> str | None:
    """'week01' for "1주차", "Week 1", "week01", "Week_01"; None when the text names no week."""
    for pattern in rules.week_patterns:
        m = pattern.search(text)
        if m and int(m[1]) > 0:
            return f"week{int(m[1]):02d}"
    return None


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
