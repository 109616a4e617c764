"""The user's cache folder ($XDG_CACHE_HOME/notegraph, else ~/.cache/notegraph) for results that
depend only on notegraph's own files — parsed ontology YAML, the concept index — so that a later
process (a one-note rebuild) reads them back instead of recomputing them. Entries are named by a
hash of their inputs; any problem with the folder just means recomputing."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "notegraph"


def read_json(name: str) -> Any | None:
    """The cached JSON value named `name`, or None when absent or unreadable."""
    try:
        return json.loads((folder() / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(name: str, value: Any, *, replaces: str | None = None) -> None:
    """Store `value` under `name` atomically; `replaces` is a glob of older entries to delete."""
    try:
        target = folder()
        target.mkdir(parents=True, exist_ok=True)
        tmp = target / f".{name}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target / name)
        if replaces:
            for old in target.glob(replaces):
                if old.name != name:
                    old.unlink(missing_ok=True)
    except OSError:
        pass
