"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, and Korean legacy encodings.

Korean learners' older notes are often cp949/EUC-KR (Windows Notepad); those are read and flagged
with a warning. Anything that looks binary (NUL bytes, image/PDF/zip signatures, control
characters) is refused with a hint, since guessing would feed garbage into the concept graph.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from ..errors import NoteDecodeError

_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a zip archive (docx/xlsx/zip)",
    b"\x7fELF": "a program",
    b"RIFF": "a media file",
    b"\x1f\x8b": "a gzip archive",
}
_ALLOWED_CONTROLS = {"\t", "\n", "\r", "\f", "\v", "\x1b"}


class Decoded(NamedTuple):
    text: str
    encoding: str
    warnings: tuple[str, ...]


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(raw: bytes, path: Path) -> Decoded:
    """Decode a note's bytes; raises NoteDecodeError for binary or undecodable content."""
    hint = "save it as UTF-8 text, or remove it from the notes folder"
    for magic, what in _SIGNATURES.items():
        if raw.startswith(magic):
            raise NoteDecodeError(f"this is {what}, not a text note", path=path, hint=hint)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(normalise_newlines(raw.decode("utf-16")), "utf-16", ())
        except UnicodeDecodeError as exc:
            raise NoteDecodeError("broken UTF-16 text", path=path, hint=hint) from exc
    if b"\x00" in raw:
        raise NoteDecodeError("binary file (holds NUL bytes)", path=path, hint=hint)
    text, encoding, warnings = _text(raw, path, hint)
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    if controls > max(8, len(text) // 100):
        raise NoteDecodeError("binary file (many control characters)", path=path, hint=hint)
    return Decoded(normalise_newlines(text), encoding, warnings)


def _text(raw: bytes, path: Path, hint: str) -> tuple[str, str, tuple[str, ...]]:
    try:
        return raw.decode("utf-8-sig"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp949")
    except UnicodeDecodeError:
        pass
    else:
        return text, "cp949", (f"{path}: read as cp949/EUC-KR (not UTF-8); "
                                "save it as UTF-8 to silence this warning",)
    raise NoteDecodeError("not UTF-8 and not cp949/EUC-KR text", path=path, hint=hint)
