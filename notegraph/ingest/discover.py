"""Find note files under the paths a user gave, in a stable order."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .rules import IngestRules, load_rules


def _is_output_dir(folder: Path, rules: IngestRules) -> bool:
    """A folder notegraph wrote: named like the output folder and holding our marker files."""
    if folder.name not in rules.output_dirs:
        return False
    try:
        for child in folder.iterdir():
            if child.name in rules.output_markers:
                return True
            if child.is_dir() and any((child / m).exists() for m in rules.output_markers):
                return True
    except OSError:
        return False
    return False


def is_note_file(path: Path, rules: IngestRules) -> bool:
    return (path.suffix.lower() in rules.extensions and path.name not in rules.skip_files
            and not path.name.startswith("."))


def discover(paths: Sequence[Path]) -> list[tuple[Path, Path]]:
    """(root, file) pairs for every note under `paths`: folders recursively, a file given directly
    with its parent as root. Hidden folders, .git, node_modules and notegraph's own outputs are
    skipped; broken symlinks are kept so the reader can report them. Sorted, without duplicates."""
    rules = load_rules()
    found: list[tuple[Path, Path]] = []
    seen: set[str] = set()
    for given in paths:
        given = Path(given)
        if given.is_dir():
            root = given
            batch: list[Path] = []
            for folder, dirs, files in os.walk(root, followlinks=False):
                base = Path(folder)
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in rules.skip_dirs
                                 and not _is_output_dir(base / d, rules))
                batch += [base / f for f in files if is_note_file(base / f, rules)]
            pairs = [(root, f) for f in sorted(batch, key=lambda f: f.relative_to(root).as_posix())]
        elif (given.is_file() or given.is_symlink()) and given.name not in rules.skip_files:
            pairs = [(given.parent, given)]
        else:
            continue
        for root, file in pairs:
            key = os.path.abspath(file)
            if key not in seen:
                seen.add(key)
                found.append((root, file))
    return found
