"""Analysis cache: one JSON file per note analysis, keyed by the note's path and content hash and
the pipeline/ontology version, so an unchanged note is never re-analysed and any code or ontology
change invalidates everything at once.

What a build read or wrote is also kept in this process (`_KEPT`, by key), so a process that builds
again after an edit (a watcher, a library user) re-reads only the changed note: reading and
validating 1,000 entries (~100 MB of JSON) cost ~5 s of CPU per rebuild. The key covers the code
and ontology version and the note's bytes, and analyses are frozen, so a kept one is as good as
the file; it is used only while its file is still there unchanged (same size and mtime), so a
deleted or damaged entry behaves as on disk. Only the entries the last build used are kept.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from .models import Analysis, Note

_KEPT: dict[str, tuple[tuple[int, int], Analysis]] = {}


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


class AnalysisCache:
    def __init__(self, folder: Path, version: str) -> None:
        self.folder = folder
        self.version = version
        self._used: set[str] = set()
        self._loaded: dict[str, Analysis] = {}

    def key(self, note: Note) -> str:
        return self._key(note.source, note.sha256)

    def _key(self, source: str, sha256: str) -> str:
        return hashlib.sha256(f"{self.version}\0{source}\0{sha256}".encode()).hexdigest()[:32]

    def note(self, source: str, sha256: str) -> Note | None:
        """The note an earlier build parsed from these very bytes, if cached: `load_notes` then skips
        parsing it (the ingest code is part of the version). Its analysis is kept for `get`."""
        analysis = self._read(self._key(source, sha256))
        return analysis.note if analysis else None

    def _read(self, key: str) -> Analysis | None:
        """Read once: `note` keeps what it read for `get`, which takes it (no second copy held)."""
        if key in self._loaded:
            return self._loaded[key]
        path = self._path(key)
        signature = _signature(path)
        if signature is None:
            return None
        kept = _KEPT.get(key)
        if kept is not None and kept[0] == signature:
            self._loaded[key] = kept[1]
            return kept[1]
        try:
            analysis = Analysis.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None  # a damaged or older entry is simply recomputed
        self._loaded[key] = analysis
        _KEPT[key] = (signature, analysis)
        return analysis

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, note: Note) -> Analysis | None:
        key = self.key(note)
        if note.sha256:
            self._read(key)
        analysis = self._loaded.pop(key, None)  # handed over, not held twice
        if analysis is None:
            return None
        self._used.add(key)
        # the key holds the note's hash; the freshly read note replaces the stored copy (its path may differ)
        return analysis.model_copy(update={"note": note})

    def put(self, analysis: Analysis) -> None:
        if not analysis.note.sha256:
            return
        key = self.key(analysis.note)
        self._used.add(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(analysis.model_dump_json())
            os.replace(tmp, self._path(key))
            signature = _signature(self._path(key))
            if signature is not None:
                _KEPT[key] = (signature, analysis)
        except OSError:
            pass  # the cache is an optimisation: a read-only output folder still builds

    def prune(self) -> None:
        """Drop entries no note of this build used (old versions, deleted notes)."""
        for key in [k for k in _KEPT if k not in self._used]:
            del _KEPT[key]
        if not self.folder.is_dir():
            return
        for f in self.folder.glob("*.json"):
            if f.stem not in self._used:
                f.unlink(missing_ok=True)
