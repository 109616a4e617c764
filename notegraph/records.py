"""The JSON shapes of query answers (`--json` output, and the rows of the query index).

They are what `DayHit`/`ReviewItem`/`Evidence` in notegraph.models dump to with
`model_dump(mode="json")` (a test keeps the keys in step). The fast query path reads them from the
query index and prints them without importing pydantic, so it has its own standard-library types.
"""

from __future__ import annotations

from typing import TypedDict


class EvidenceRecord(TypedDict):
    source: str
    line: int
    text: str
    section: str | None


class DayHitRecord(TypedDict):
    day_id: str
    label: str
    source: str
    date: str | None
    week: str | None
    concept: str
    count: int
    sections: list[str]
    evidence: list[EvidenceRecord]


class ReviewRecord(TypedDict):
    kind: str
    concept_id: str | None
    concept: str | None
    also: list[str]
    why: str
    action: str
    score: float
    day_id: str | None
    day: str | None
    date: str | None
    evidence: list[EvidenceRecord]
