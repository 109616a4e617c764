"""Open questions in a learner's notes: lines where they say they are confused, curious, did not
get to something, or plan to read more. The cue phrases are data (data/cues.yaml); this module only
finds them and ties each line to the concepts it (or its nearest lines) names, so the review list
can say "you were unsure about X on day 2 and never came back to it".

Pure Python: no spaCy or Kiwi, so it also runs inside graph-reading commands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import NotegraphError
from .models import Analysis, Block, Mention, Question, QuestionKind

CUES_FILE = Path(__file__).parent / "data" / "cues.yaml"
NEARBY_LINES = 2  # how far a line without concepts may borrow them from its neighbours
LIST_LINES = 3  # how many lines after a "...:" line count as its list


class CueFileError(NotegraphError):
    """cues.yaml is missing, not YAML, or not in the documented shape."""


class _KindCues(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    ko: tuple[str, ...] = ()
    en: tuple[str, ...] = ()


class _QuestionMark(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: QuestionKind = "curious"
    rhetorical: tuple[str, ...] = ()
    answered: tuple[str, ...] = ()


class Cues(BaseModel):
    """The parsed cues.yaml (format documented at the top of that file)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kinds: dict[QuestionKind, _KindCues]
    exceptions: tuple[str, ...] = ()
    resolved: _KindCues = _KindCues()
    question_mark: _QuestionMark = _QuestionMark()
    particles: tuple[str, ...] = ()


@cache
def load_cues(path: Path = CUES_FILE) -> Cues:
    """Read and validate a cues file (default: the package's data/cues.yaml)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CueFileError(f"cannot read cue phrases: {exc}", path=path,
                           hint="restore notegraph/data/cues.yaml") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CueFileError(f"cue phrases are not valid YAML: {exc}", path=path,
                           line=mark.line + 1 if mark else None, hint="fix the YAML syntax") from exc
    try:
        return Cues.model_validate(data)
    except ValidationError as exc:
        raise CueFileError(f"cue phrases are malformed: {exc.errors()[0]['msg']}", path=path,
                           hint="see the format notes at the top of cues.yaml") from exc


_Compiled = tuple[re.Pattern[str], list[tuple[QuestionKind, str]], re.Pattern[str] | None, tuple[str, ...]]
_compiled: dict[int, tuple[Cues, _Compiled]] = {}
_NEVER = re.compile("(?!)")


def _patterns(cues: Cues) -> _Compiled:
    """All cue phrases as ONE alternation (group i = phrase i), so a line is scanned once instead of
    once per phrase; the leftmost match is the earliest cue. Compiled once per Cues object."""
    if id(cues) in _compiled:
        return _compiled[id(cues)][1]

    def body(phrase: str, english: bool) -> str:
        text = re.escape(phrase.casefold())
        return rf"(?<![a-z]){text}" if english else text

    phrases = [(kind, phrase, english) for kind, kc in cues.kinds.items()
               for english, group in ((False, kc.ko), (True, kc.en)) for phrase in group]
    found = re.compile("|".join(f"({body(p, en)})" for _, p, en in phrases) or "(?!)")
    resolved_parts = [body(p, False) for p in cues.resolved.ko] + [body(p, True) for p in cues.resolved.en]
    resolved = re.compile("|".join(resolved_parts)) if resolved_parts else None
    plain = tuple(sorted({p.casefold() for _, p, _ in phrases}))
    compiled = (found, [(k, p) for k, p, _ in phrases], resolved, plain)
    _compiled[id(cues)] = (cues, compiled)
    return compiled


def visible_text(block: Block) -> str:
    """The block's text with masked spans (inline code, URLs) blanked, so a "?" in a URL is no cue."""
    text = block.text
    for start, end in block.masked:
        if block.start <= start <= end <= block.end:
            start, end = start - block.start, end - block.start
        if 0 <= start <= end <= len(text):
            text = text[:start] + " " * (end - start) + text[end:]
    return text


def classify(text: str, cues: Cues) -> tuple[QuestionKind, str] | None:
    """(kind, cue) when `text` is an open question, else None. The earliest cue wins; a
    resolution phrase after it ("헷갈렸는데 ... 정리가 되었다") means it was answered in place."""
    hit = find_cue(text, cues)
    return (hit[0], hit[1]) if hit else None


def find_cue(text: str, cues: Cues) -> tuple[QuestionKind, str, int] | None:
    """Like `classify`, plus the cue's offset in `text` (to rank the concepts nearest to it)."""
    return _find_cue(text.casefold(), cues, _patterns(cues)[3])


def _find_cue(folded: str, cues: Cues, phrases: tuple[str, ...]) -> tuple[QuestionKind, str, int] | None:
    """`find_cue` on case-folded text, trying the cue regex only when one of `phrases` (all cue
    phrases, or the ones present anywhere in the note) occurs in it."""
    found, names, resolved, _ = _patterns(cues)
    if not any(p in folded for p in phrases):  # most lines hold no cue: plain substring tests are cheap
        found = _NEVER
    excluded = [] if found is _NEVER else [(m.start(), m.end()) for e in cues.exceptions
                                           for m in re.finditer(re.escape(e.casefold()), folded)]
    best: tuple[int, QuestionKind, str, int] | None = None
    for m in found.finditer(folded):
        if any(a <= m.start() < b for a, b in excluded):
            continue
        kind, phrase = names[(m.lastindex or 1) - 1]
        best = (m.start(), kind, phrase, m.end())
        break
    if best is not None:
        if resolved is not None and resolved.search(folded, best[3]):
            return None
        return best[1], best[2], best[0]
    qm = cues.question_mark
    stripped = folded.rstrip(" .)]*_")
    if "?" not in stripped:
        return None
    tail = stripped[stripped.rfind("?") + 1:]
    if any(a in tail for a in qm.answered):
        return None
    if stripped.endswith("?") and not any(stripped.endswith(r.casefold()) for r in qm.rhetorical):
        return qm.kind, "?", stripped.rfind("?")
    return None


def _mentions_by_segment(analysis: Analysis) -> dict[int, dict[int, list[Mention]]]:
    """Per segment order, the note's mentions by line in reading order (one sort per note)."""
    out: dict[int, dict[int, list[Mention]]] = {}
    source = analysis.note.source
    for m in sorted(analysis.mentions, key=lambda m: (m.line, m.start)):
        if m.source == source:
            out.setdefault(m.segment_order, {}).setdefault(m.line, []).append(m)
    return out


def _nearest_first(mentions: list[Mention], block: Block, cue_at: int) -> list[str]:
    """Concept ids of the line, the one named just before the cue first ("논문 리딩을 ... 못한"),
    then those after it, so the question is tied to what it is about."""
    def distance(m: Mention) -> tuple[int, int]:
        start, end = m.start - block.start, m.end - block.start
        return (0, cue_at - end) if end <= cue_at else (1, start - cue_at)

    return list(dict.fromkeys(m.concept_id for m in sorted(mentions, key=distance)))


def _nearby(block: Block, blocks: tuple[Block, ...], by_line: dict[int, list[str]]) -> list[str]:
    same = [b for b in blocks if b.section == block.section and b.line != block.line and by_line.get(b.line)]
    if block.text.rstrip().endswith(":"):
        after = [b for b in same if 0 < b.line - block.line <= LIST_LINES]
        if after:
            return by_line[min(after, key=lambda b: b.line).line]
    close = [b for b in same if abs(b.line - block.line) <= NEARBY_LINES]
    if not close:
        return []
    best = min(close, key=lambda b: (abs(b.line - block.line), b.line < block.line))
    return by_line[best.line]


def find_questions(analysis: Analysis, cues: Cues | None = None) -> list[Question]:
    """Open questions in one analysed note, in reading order, each tied to concept ids."""
    cues = cues or load_cues()
    segments = [(seg, [(b, visible_text(b).casefold()) for b in seg.blocks if b.kind != "heading"])
                for seg in analysis.note.segments]
    # the cue phrases found anywhere in the note: most notes hold few or none, so most lines are
    # tested against a handful of phrases (or only for a "?") instead of every phrase
    whole = "\n".join(folded for _, blocks in segments for _, folded in blocks)
    present = tuple(p for p in _patterns(cues)[3] if p in whole)
    mentions_of: dict[int, dict[int, list[Mention]]] | None = None
    out: list[Question] = []
    for seg, blocks in segments:
        mentions: dict[int, list[Mention]] | None = None
        by_line: dict[int, list[str]] = {}
        for block, folded in blocks:
            if "?" not in folded and not any(p in folded for p in present):
                continue  # neither a cue phrase nor a question mark: no question (see _find_cue)
            hit = _find_cue(folded, cues, present)
            if hit is None:
                continue
            if mentions is None:
                mentions_of = mentions_of if mentions_of is not None else _mentions_by_segment(analysis)
                mentions = mentions_of.get(seg.order, {})
                by_line = {line: list(dict.fromkeys(m.concept_id for m in ms)) for line, ms in mentions.items()}
            concepts = _nearest_first(mentions.get(block.line, []), block, hit[2])
            nearby = False
            if not concepts or block.text.rstrip().endswith(":"):
                # a line without concepts borrows its neighbours'; a "...:" line also names its list
                extra = [c for c in _nearby(block, seg.blocks, by_line) if c not in concepts]
                concepts, nearby = concepts + extra, bool(extra)
            out.append(Question(source=analysis.note.source, segment_order=seg.order, line=block.line,
                                text=block.text.strip(), section=block.section, kind=hit[0], cue=hit[1],
                                concepts=tuple(concepts), nearby=nearby))
    return out


def questions_by_day(analyses: Iterable[Analysis],
                     cues: Cues | None = None) -> dict[tuple[str, int], list[Question]]:
    """Open questions of every analysed note keyed by (source, segment order), for the day nodes."""
    out: dict[tuple[str, int], list[Question]] = {}
    for a in analyses:
        for q in find_questions(a, cues):
            out.setdefault((q.source, q.segment_order), []).append(q)
    return out
