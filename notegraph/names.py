"""How a name typed by a learner finds its concept: normalisation, Korean particles, misspellings,
week keys.

Standard library only (rapidfuzz is imported on a misspelling), because both the graph queries
(notegraph.queries) and the query index behind the fast `days`/`gaps` path (notegraph.query_index)
resolve names with these same rules over their own name tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain
from typing import Protocol

from .errors import UnknownConcept

FUZZY_ACCEPT = 80  # a misspelling resolves when its best match scores at least this ...
FUZZY_LEAD = 10  # ... and leads the next concept by this much
FUZZY_SUGGEST = 50
MAX_SUGGESTIONS = 5


def normalize_name(name: str) -> str:
    """Key under which two names count as the same: NFKC, case-folded, letters and digits only.

    The same normalisation as the evaluation's, so "Binary Cross-Entropy" == "binary cross entropy"
    and "노드임베딩" == "노드 임베딩".
    """
    return "".join(filter(str.isalnum, unicodedata.normalize("NFKC", name).casefold()))


class NameTable(Protocol):
    """Names of one graph's concepts and categories, as a resolver needs them."""

    def find(self, key: str) -> frozenset[str] | None:
        """Concept ids whose name normalises to `key` (a concept's own name wins over a category's)."""

    def all_names(self) -> Mapping[str, frozenset[str]]:
        """Every normalised name → its concept ids, for fuzzy matching."""

    def facts(self, ids: frozenset[str]) -> Mapping[str, tuple[str, str | None]]:
        """(label, category label) of each concept id."""

    def particles(self) -> Sequence[str]:
        """Korean particles a query may end with ("노드 임베딩을")."""


def strip_particles(name: str, particles: Iterable[str]) -> Iterator[str]:
    """`name` without trailing Korean particles, shortest cut first ("노드 임베딩을" → "노드 임베딩")."""
    ordered = sorted(particles, key=len, reverse=True)
    todo, seen = [name.strip()], set()
    while todo:
        current = todo.pop(0)
        for p in ordered:
            if current.endswith(p) and len(current) > len(p):
                cut = current[: -len(p)].rstrip()
                if cut not in seen:
                    seen.add(cut)
                    todo.append(cut)
                    yield cut


def resolve_name(table: NameTable, name: str, *, fuzzy: bool = True) -> list[str]:
    """Concept ids for `name`: any label or alias, any case or spacing, trailing Korean particles
    ignored, a category name for all its members; a clear misspelling resolves to the one concept far
    ahead of the rest (unless `fuzzy` is False). Raises UnknownConcept with the closest names otherwise.
    """
    # lazily: the particle list is read only when the name as typed is not known
    for candidate in chain((name,), _stripped(table, name)):
        hit = table.find(normalize_name(candidate))
        if hit:
            return _ordered(table, hit)
    key = normalize_name(name)
    if not key or not fuzzy:
        raise UnknownConcept(name, [])
    from rapidfuzz import fuzz, process  # only misspellings need it

    names = table.all_names()
    owners: dict[frozenset[str], float] = {}
    for choice, score, _ in process.extract(key, list(names), scorer=fuzz.ratio, limit=20):
        owner = names[choice]
        owners[owner] = max(owners.get(owner, 0.0), score)
    ranked = sorted(owners.items(), key=lambda kv: -kv[1])
    lead = ranked[0][1] - ranked[1][1] if len(ranked) > 1 else 100.0
    if ranked and ranked[0][1] >= FUZZY_ACCEPT and lead >= FUZZY_LEAD:
        return _ordered(table, ranked[0][0])
    suggestions: list[str] = []
    for owner, score in ranked:
        label = _group_label(table, owner)
        if score >= FUZZY_SUGGEST and label not in suggestions:
            suggestions.append(label)
    raise UnknownConcept(name, suggestions[:MAX_SUGGESTIONS])


def _ordered(table: NameTable, ids: frozenset[str]) -> list[str]:
    """The ids sorted by label (case-folded), then id."""
    facts = table.facts(ids)
    return sorted(ids, key=lambda n: (str(facts.get(n, (n, None))[0]).casefold(), n))


def _group_label(table: NameTable, ids: frozenset[str]) -> str:
    """How to call a set of concepts in a suggestion: its label, its shared category, or all labels."""
    facts = table.facts(ids)
    if len(ids) == 1:
        only = next(iter(ids))
        return str(facts.get(only, (only, None))[0])
    cats = {facts.get(n, (n, None))[1] for n in ids}
    return str(cats.pop()) if len(cats) == 1 and None not in cats else ", ".join(sorted(
        str(facts.get(n, (n, None))[0]) for n in ids))


def _stripped(table: NameTable, name: str) -> Iterator[str]:
    yield from strip_particles(name, table.particles())


def week_key(keys: Iterable[str], week: str) -> str | None:
    """The graph's week key for `week` given as "1", "01", "week01", "W49" or "2024-W49"; None if
    no key (or more than one) fits."""
    keys = sorted(set(keys))
    text = week.strip()
    if text in keys:
        return text
    m = re.fullmatch(r"(?:w|week|wk)?\s*0*(\d+)", text, flags=re.IGNORECASE)
    if m:
        n = int(m.group(1))
        hits = [k for k in keys if re.fullmatch(rf"(?:week|w)?0*{n}", k, flags=re.IGNORECASE)]
        hits = hits or [k for k in keys if re.search(rf"-W0*{n}$", k, flags=re.IGNORECASE)]
        if len(hits) == 1:
            return hits[0]
    folded = [k for k in keys if k.casefold() == text.casefold()]
    return folded[0] if folded else None
