"""Inside one prose line: spans the concept finder must not read, and explicit links.

Masked: inline `code`, URLs, markdown link targets `](...)`, HTML tags and entities, inline math
`$..$`, image embeds. Links: [[wikilinks]] (target, not alias) and #tags (Korean allowed), but not
inside masked spans, so `#anchor` in a link target or a URL fragment is no tag.
"""

from __future__ import annotations

import bisect
import re

_MASKS = (
    re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)"),
    re.compile(r"(?:https?|ftp)://[^\s<>()\[\]]+|www\.[^\s<>()\[\]]+", re.IGNORECASE),
    re.compile(r"\]\([^)\n]*\)"),
    re.compile(r"</?[A-Za-z][^<>\n]*>"),
    re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);"),
    re.compile(r"\$\$[^$\n]+\$\$|\$(?=\S)[^$\n]+?(?<=\S)\$"),
    re.compile(r"!\[\[[^\]\n]*\]\]"),
)
_WIKILINK = re.compile(r"(?<!!)\[\[([^\[\]|#\n]+)(?:#[^\[\]|\n]*)?(?:\|[^\[\]\n]*)?\]\]")
_TAG = re.compile(r"(?<![\w&#/\\])#([^\W\d_][\w\-/]*)")


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def masked_spans(text: str, offset: int) -> tuple[tuple[int, int], ...]:
    """Spans of `text` (absolute: shifted by `offset`) that are code, URLs, link targets or HTML."""
    spans = [m.span() for pattern in _MASKS for m in pattern.finditer(text)]
    return tuple((offset + s, offset + e) for s, e in _merge(spans))


def links(text: str, masked: tuple[tuple[int, int], ...], offset: int) -> tuple[str, ...]:
    """[[wikilink]] targets and #tags on the line, in order, without duplicates."""

    starts = [s for s, _ in masked]  # masked spans are sorted and disjoint

    def is_masked(pos: int) -> bool:
        i = bisect.bisect_right(starts, offset + pos) - 1
        return i >= 0 and offset + pos < masked[i][1]

    found: list[tuple[int, str]] = []
    for m in _WIKILINK.finditer(text):
        if not is_masked(m.start()):
            found.append((m.start(), m[1].strip()))
    for m in _TAG.finditer(text):
        if not is_masked(m.start()):
            tag = m[1].rstrip("-/")
            if tag:
                found.append((m.start(), tag))
    seen: dict[str, None] = {}
    for _, name in sorted(found):
        if name:
            seen.setdefault(name, None)
    return tuple(seen)
