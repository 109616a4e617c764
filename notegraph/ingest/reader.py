"""Read notes from disk into `Note` models; never modifies a file.

Everything about bad input that belongs to reading lives here: empty, unreadable, binary, too
large and broken-link files raise NoteReadError/NoteDecodeError from `read_note`, and
`load_notes` turns each into one warning line so that one bad file never stops a build.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import NoNotesFound, NotegraphError, NoteReadError
from ..models import Note
from .dates import coerce_date, date_from_filename
from .decode import decode
from .discover import discover
from .frontmatter import as_strings, split_front_matter
from .lines import scan
from .rules import load_rules
from .segments import NoteContext, build_segments, strip_markup

KnownNote = Callable[[str, str], Note | None]
_TOO_BIG = "split it into smaller notes or move it out of the notes folder"


def _read_bytes(path: Path, limit: int) -> bytes:
    if path.is_symlink() and not path.exists():
        raise NoteReadError("broken symbolic link", path=path,
                            hint="fix or remove the link; it points to a file that does not exist")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block the read forever
            raise NoteReadError("not a regular file (a pipe, socket or device)", path=path,
                                hint="move it out of the notes folder")
        size = info.st_size
        if size > limit:
            raise NoteReadError(f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB note limit",
                                path=path, hint=_TOO_BIG)
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except PermissionError as exc:
        raise NoteReadError("permission denied", path=path,
                            hint="make it readable (chmod u+r) or move it out of the notes folder") from exc
    except IsADirectoryError as exc:
        raise NoteReadError("is a folder, not a note file", path=path) from exc
    except FileNotFoundError as exc:
        raise NoteReadError("file not found", path=path, hint="check the path") from exc
    except OSError as exc:
        raise NoteReadError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    if len(raw) > limit:
        raise NoteReadError(f"file is over the {limit / 1e6:.0f} MB note limit", path=path, hint=_TOO_BIG)
    return raw


def _source(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()
    except ValueError:
        return path.name


def read_note(path: Path, root: Path) -> Note:
    """Decode, split front matter, and segment one note file. Raises NoteReadError (missing, empty,
    unreadable, too large, broken link) or NoteDecodeError (binary, unknown encoding)."""
    path, root = Path(path), Path(root)
    return _parse(path, _source(path, root), _read_bytes(path, load_rules().max_bytes))


def _parse(path: Path, source: str, raw: bytes) -> Note:
    rules = load_rules()
    decoded = decode(raw, path)
    text = decoded.text
    if not text.strip():
        raise NoteReadError("empty note", path=path, hint="write something in it or remove it")
    warnings = list(decoded.warnings)
    fm = split_front_matter(text, source)
    warnings += fm.warnings
    meta = fm.metadata
    fm_title = str(meta["title"]).strip() if meta.get("title") not in (None, "") else None
    title = fm_title
    date, origin = coerce_date(meta.get("date")), "front matter"
    named = date_from_filename(path.stem)
    if date is None:
        date, origin = named, "file name"
    elif named and named != date:  # one rule: front matter, then file name, then heading — said aloud
        warnings.append(f"{source}: front matter says {date}, the file name says {named}; "
                        "using the front matter date")
    lines = scan(text, fm.body_start, rules, path.suffix.lower() in rules.markdown_extensions)
    if title is None:
        first = next((ln for ln in lines if ln.kind == "heading" and strip_markup(ln.text(text))), None)
        title = strip_markup(first.text(text)) if first else None
    ctx = NoteContext(stem=path.stem, source=source, title=fm_title, date=date,
                      date_origin=origin if date else None)
    segments, seg_warnings = build_segments(text, lines, ctx, rules)
    warnings += seg_warnings
    if date is None and len(segments) == 1:
        date = segments[0].date
    tags = as_strings(meta.get("tags")) + as_strings(meta.get("categories"))
    return Note(source=source, path=os.path.abspath(path), title=title, date=date,
                tags=tuple(dict.fromkeys(tags)), encoding=decoded.encoding,
                sha256=hashlib.sha256(raw).hexdigest(), text=text, segments=segments,
                warnings=tuple(warnings))


def load_notes(paths: Sequence[Path], known: KnownNote | None = None) -> tuple[list[Note], list[str]]:
    """Every readable note under `paths`, plus one warning line per skipped file or missing path.
    Raises NoNotesFound when nothing readable is found. `known(source, sha256)` may return the note
    parsed from the same bytes by an earlier build (the analysis cache): parsing is skipped then."""
    warnings: list[str] = []
    for given in paths:
        if not Path(given).exists() and not Path(given).is_symlink():
            warnings.append(f"{given}: no such file or folder (check the path)")
    notes: list[Note] = []
    for root, file in discover(paths):
        try:
            source = _source(file, root)
            raw = _read_bytes(file, load_rules().max_bytes)
            note = known(source, hashlib.sha256(raw).hexdigest()) if known else None
            if note is not None:
                note = note.model_copy(update={"path": os.path.abspath(file)})
            notes.append(note or _parse(file, source, raw))
        except NotegraphError as exc:
            warnings.append(f"skipped {exc}")
    if not notes:
        where = ", ".join(str(p) for p in paths) or "(no paths given)"
        detail = f"; {len(warnings)} file(s) skipped" if warnings else ""
        detail += "".join(f"\n  {w}" for w in warnings[:5]) + ("\n  ..." if len(warnings) > 5 else "")
        raise NoNotesFound(f"no readable notes in {where}{detail}",
                           hint="pass a folder or files with .md, .markdown or .txt notes in UTF-8")
    return notes, warnings
