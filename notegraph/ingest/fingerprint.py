"""What a build would read, without parsing it: (source, content hash) of every note file.

`build` compares these with the previous build's to answer "nothing changed" without loading any
analysis, graph or model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from ..errors import NotegraphError
from .discover import discover
from .reader import _read_bytes, _source
from .rules import load_rules


def fingerprints(paths: Sequence[Path]) -> list[tuple[str, str]] | None:
    """(source, SHA-256 of the bytes) per note file in reading order; None when a file cannot be
    read (load_notes then reads everything and explains)."""
    limit = load_rules().max_bytes
    out = []
    for root, file in discover(paths):
        try:
            out.append((_source(file, root), hashlib.sha256(_read_bytes(file, limit)).hexdigest()))
        except NotegraphError:
            return None
    return out
