"""The ingest rules from data/ingest.yaml, compiled once.

Word lists and patterns live in YAML so that a new section name or day-heading style is a data
change, not a code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ..errors import NotegraphError

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "ingest.yaml"


def squash(text: str) -> str:
    """Key for comparing structure words: case-folded, without spaces or a trailing colon."""
    return "".join(text.casefold().split()).rstrip(":：")


@dataclass(frozen=True)
class IngestRules:
    extensions: frozenset[str]
    markdown_extensions: frozenset[str]
    skip_dirs: frozenset[str]
    skip_files: frozenset[str]
    output_dirs: frozenset[str]
    output_markers: tuple[str, ...]
    max_bytes: int
    sections: frozenset[str]
    toc_lines: frozenset[str]
    html_skip_prefixes: tuple[str, ...]
    day_marker: re.Pattern[str]
    review_marker: re.Pattern[str]
    bare_marker_max_chars: int
    week_patterns: tuple[re.Pattern[str], ...]
    table_day_cell: re.Pattern[str]
    months: dict[str, int]

    def is_section(self, text: str) -> bool:
        return squash(text) in self.sections

    def is_toc(self, text: str) -> bool:
        return squash(text) in self.toc_lines


@cache
def load_rules(path: Path = DATA_FILE) -> IngestRules:
    """Read and compile the ingest rules; a broken data file is a NotegraphError naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        files = data["files"]
        prefix, suffix = data["day_marker_prefix"], data["day_marker_suffix"]
        days = "|".join(f"(?:{p})" for p in data["day_markers"])
        reviews = "|".join(f"(?:{p})" for p in data["review_markers"])
        return IngestRules(
            extensions=frozenset(e.lower() for e in files["extensions"]),
            markdown_extensions=frozenset(e.lower() for e in files["markdown_extensions"]),
            skip_dirs=frozenset(files["skip_dirs"]),
            skip_files=frozenset(files["skip_files"]),
            output_dirs=frozenset(files["output_dirs"]),
            output_markers=tuple(files["output_markers"]),
            max_bytes=int(files["max_bytes"]),
            sections=frozenset(squash(s) for s in data["sections"]),
            toc_lines=frozenset(squash(s) for s in data["toc_lines"]),
            html_skip_prefixes=tuple(p.lower() for p in data["html_skip_prefixes"]),
            day_marker=re.compile(f"{prefix}(?:{days}){suffix}", re.IGNORECASE),
            review_marker=re.compile(f"{prefix}(?:{reviews})", re.IGNORECASE),
            bare_marker_max_chars=int(data["bare_marker_max_chars"]),
            week_patterns=tuple(re.compile(p, re.IGNORECASE) for p in data["week_patterns"]),
            table_day_cell=re.compile(data["table_day_cell"], re.IGNORECASE),
            months={str(k).lower(): int(v) for k, v in data["months"].items()},
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, re.error) as exc:
        raise NotegraphError(f"ingest rules cannot be loaded: {exc}", path=path,
                             hint="restore notegraph/data/ingest.yaml from the package") from exc
