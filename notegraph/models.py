"""Pydantic models that cross stage borders: ingest → nlp → graph → analysis → render/cli.

Every model is frozen and forbids extra fields, so a stage cannot quietly grow an ad-hoc
attribute that the next stage then depends on.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


BlockKind = Literal["prose", "heading", "list", "table", "quote"]
Origin = Literal["ontology", "discovered", "inferred", "linked", "user"]


class Block(_Frozen):
    """One line of prose (a paragraph line, a bullet, a table row, a heading) inside a day.

    `text` is exactly the note's text between `start` and `end` (offsets into `Note.text`), so a
    mention's offsets can always be checked against the note. Code, HTML comments, image embeds and
    URLs never become blocks; `masked` lists (start, end) spans inside the block (inline code, URLs,
    link targets) that the concept finder must not read.
    """

    text: str
    line: int = Field(ge=1, description="1-based line number in the source file")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    section: str | None = None
    kind: BlockKind = "prose"
    masked: tuple[tuple[int, int], ...] = ()
    links: tuple[str, ...] = Field(default=(), description="[[wikilinks]] and #tags on this line")


class Segment(_Frozen):
    """A day (or a week review, or the whole note when it has no day markers)."""

    label: str = Field(description="the heading as written, markup stripped, e.g. '1일차'")
    order: int = Field(ge=0, description="position of the segment inside its note")
    date: dt.date | None = None
    week: str | None = Field(default=None, description="week key, e.g. 'week01' or '2024-W49'")
    is_review: bool = False
    line_start: int = Field(ge=1)
    line_end: int = Field(ge=1)
    sections: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()


class Note(_Frozen):
    """One notes file, decoded and split; `text` is the decoded file content (BOM removed,
    newlines normalised to \\n), which every offset refers to."""

    source: str = Field(description="path relative to the notes root, POSIX separators")
    path: str = Field(description="absolute path on disk")
    title: str | None = None
    date: dt.date | None = None
    tags: tuple[str, ...] = ()
    encoding: str = "utf-8"
    sha256: str = ""
    text: str
    segments: tuple[Segment, ...] = ()
    warnings: tuple[str, ...] = ()


class Mention(_Frozen):
    """One place where a concept is named (or, for `inferred`, described) in a note."""

    concept_id: str
    surface: str = Field(description="the text as written in the note")
    source: str
    segment_order: int
    line: int
    start: int
    end: int
    section: str | None = None
    origin: Origin = "ontology"
    evidence: str = Field(description="the whole line (block text) that holds the mention")


class ConceptSpec(_Frozen):
    """An ontology entry (package data or the user's notes/concepts.yaml)."""

    id: str
    label: str
    category: str
    en: tuple[str, ...] = ()
    ko: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    guard: tuple[str, ...] = Field(
        default=(),
        description="ambiguous names (view, stack, repeat) count only when one of these words is "
        "in the same day",
    )

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.en, *self.ko)


class CategorySpec(_Frozen):
    id: str
    label: str
    ko: tuple[str, ...] = ()
    parent: str | None = None


class InferenceRule(_Frozen):
    """Add `concept` when every group in `all_of` has one concept present in the same `scope`."""

    concept: str
    all_of: tuple[tuple[str, ...], ...]
    scope: Literal["block", "section", "segment"] = "segment"
    unless_named: bool = True


class Analysis(_Frozen):
    """What the nlp stage found in one note; cached by the note's hash and the pipeline version."""

    note: Note
    mentions: tuple[Mention, ...] = ()
    discovered: tuple[ConceptSpec, ...] = Field(
        default=(), description="open-vocabulary concepts first seen in this note"
    )


class DayHit(_Frozen):
    """Answer row of `days_covering`: one day that covers the concept, with evidence lines."""

    day_id: str
    label: str
    source: str
    date: dt.date | None = None
    week: str | None = None
    concept: str
    count: int
    sections: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


class Evidence(_Frozen):
    source: str
    line: int
    text: str
    section: str | None = None


class BuildSummary(_Frozen):
    notes: int
    reused: int
    days: int
    concepts: int
    weeks: tuple[str, ...]
    out_dir: str
    files: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0


# --- queries, questions, review (appended by the queries/review task) ---

QuestionKind = Literal["confused", "curious", "not-done", "to-read"]
ReviewKind = Literal["question", "prerequisite", "due", "single-touch", "cluster", "syllabus"]


class Question(_Frozen):
    """A line where the learner says they are confused, curious, did not get to something, or plan
    to read more; `concepts` are concept ids named on that line (or on the nearest lines)."""

    source: str
    segment_order: int
    line: int
    text: str
    section: str | None = None
    kind: QuestionKind
    cue: str = Field(description="the cue phrase that marked the line")
    concepts: tuple[str, ...] = ()
    nearby: bool = Field(default=False, description="concepts were taken from neighbouring lines")


class ConceptRow(_Frozen):
    """Answer row of `concepts_on`: one concept a day or week covered."""

    concept_id: str
    label: str
    category: str | None = None
    origin: str | None = None
    count: int
    days: tuple[str, ...] = Field(default=(), description="labels of the selected days covering it")
    new: bool = Field(default=False, description="first seen inside the selection")
    evidence: tuple[Evidence, ...] = ()


class RelatedRow(_Frozen):
    """Answer row of `related`: a neighbour of the concept and how they are linked."""

    concept_id: str
    label: str
    of: str = Field(description="label of the queried concept this row is a neighbour of")
    weight: int = Field(default=0, description="lines naming both (co_occurs weight)")
    shared_days: int = 0
    relations: tuple[str, ...] = Field(
        default=(), description="co_occurs, prerequisite (it needs this one), needed-by, related")


class ReviewItem(_Frozen):
    """One entry of the review list: what to look at again, why, and what to do."""

    kind: ReviewKind
    concept_id: str | None = Field(default=None, description="concept node id, None for a gap "
                                   "outside the graph (missing prerequisite, syllabus topic)")
    concept: str | None = Field(default=None, description="label shown to the user")
    also: tuple[str, ...] = Field(default=(), description="other concept labels involved")
    why: str
    action: str
    score: float = Field(default=0.0, description="urgency inside its kind; higher first")
    day_id: str | None = None
    day: str | None = None
    date: dt.date | None = None
    evidence: tuple[Evidence, ...] = ()


DayHit.model_rebuild()
