"""YAML front matter: only when `---` is the very first line, parsed with python-frontmatter.

Malformed front matter is not fatal: the note is kept whole as body and a warning names the file,
since a stray `---` rule at the top of a diary must not lose the day.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import frontmatter
import yaml

_BLOCK = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


class FrontMatter(NamedTuple):
    metadata: dict[str, Any]
    body_start: int               # offset of the body in the note text
    warnings: tuple[str, ...]


def split_front_matter(text: str, source: str) -> FrontMatter:
    """Metadata and where the body starts; no front matter → ({}, 0)."""
    m = _BLOCK.match(text)
    if not m:
        return FrontMatter({}, 0, ())
    try:
        metadata = frontmatter.loads(text).metadata
    except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
        problem = " ".join(str(exc).split())[:120]
        return FrontMatter({}, 0, (f"{source}:1: front matter is not valid YAML ({problem}); "
                                   "read the whole file as the note body",))
    if not isinstance(metadata, dict):
        return FrontMatter({}, 0, (f"{source}:1: front matter is not a mapping; "
                                   "read the whole file as the note body",))
    return FrontMatter(dict(metadata), m.end(), ())


def as_strings(value: Any) -> tuple[str, ...]:
    """`tags: main`, `tags: [a, b]` or `tags: "a, b"` as a tuple of names."""
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.replace(",", " ").split() if "," in value else value.split()
        return tuple(p.strip() for p in parts if p.strip())
    if isinstance(value, (list, tuple, set)):
        return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    return (str(value),)
