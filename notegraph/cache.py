"""Analysis cache: one JSON file per note analysis, keyed by the note's path and content hash and
the pipeline/ontology version, so an unchanged note is never re-analysed and any code or ontology
change invalidates everything at once."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from .models import Analysis, Note


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
        if not path.is_file():
            return None
        try:
            analysis = Analysis.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None  # a damaged or older entry is simply recomputed
        self._loaded[key] = analysis
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
        except OSError:
            pass  # the cache is an optimisation: a read-only output folder still builds

    def prune(self) -> None:
        """Drop entries no note of this build used (old versions, deleted notes)."""
        if not self.folder.is_dir():
            return
        for f in self.folder.glob("*.json"):
            if f.stem not in self._used:
                f.unlink(missing_ok=True)
