"""Query answers as terminal text: one formatter for the fast path and the full CLI, so both print
the same lines. Standard library only; bold only on a terminal and never with NO_COLOR set."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from typing import TextIO

from ..records import DayHitRecord, ReviewRecord

_BOLD, _UNDERLINE, _RED, _RESET = "\033[1m", "\033[4m", "\033[31m", "\033[0m"


def use_style(stream: TextIO) -> bool:
    """Bold/underline only for a person at a terminal (https://no-color.org)."""
    return "NO_COLOR" not in os.environ and stream.isatty()


def _b(text: str, style: bool, extra: str = "") -> str:
    return f"{_BOLD}{extra}{text}{_RESET}" if style else text


def day_hit_lines(concept: str, hits: Sequence[DayHitRecord], style: bool = False) -> list[str]:
    """`notegraph days`: one line per day (date, label, note, concept, mentions), then its evidence."""
    if not hits:
        return [f"{concept}: no day in this graph covers it"]
    out = []
    for h in hits:
        when = f"{h['date']} " if h["date"] else ""
        out.append(f"{_b(when + h['label'], style)}  {h['source']}  ({h['concept']}, {h['count']}×)")
        for ev in h["evidence"]:
            section = f"[{ev['section']}] " if ev["section"] else ""
            out.append(f"    {ev['source']}:{ev['line']}: {section}{ev['text']}")
    return out


def review_lines(items: Sequence[ReviewRecord], style: bool = False) -> list[str]:
    """`notegraph gaps`: items grouped under their kind, each with why, the action and the evidence."""
    if not items:
        return ["nothing to review: no gaps found"]
    out: list[str] = []
    shown = None
    for it in items:
        if it["kind"] != shown:
            shown = it["kind"]
            out += ["", _b(it["kind"], style, _UNDERLINE)]
        also = f" (with {', '.join(it['also'])})" if it["also"] else ""
        out.append(f"{_b(it['concept'] or '(no concept named)', style)}{also}: {it['why']}")
        out.append(f"    → {it['action']}")
        out += [f"    {ev['source']}:{ev['line']}: {ev['text']}" for ev in it["evidence"]]
    return out


def as_text(lines: Iterable[str]) -> str:
    """Lines as printed: each ends with a newline."""
    return "".join(line + "\n" for line in lines)


def json_text(records: Iterable[object]) -> str:
    """The `--json` output: a list, one record per answer row."""
    return json.dumps(list(records), ensure_ascii=False, indent=1, default=str) + "\n"


def error_line(message: str, style: bool = False) -> str:
    """A user error as the CLI prints it on stderr."""
    return f"{_b('error:', style, _RED)} {message}"
