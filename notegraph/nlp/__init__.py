"""nlp stage: notes → concept mentions. Kiwi-backed spaCy tokenizer, concept matcher on
normalised lemmas, open-vocabulary term finder, inference rules, explicit links.

Only this package imports spaCy and Kiwi, and only when `load_nlp`/`analyze_notes` are called:
`filter_discovered` (and importing this package) stays cheap for graph-reading commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..models import Analysis, Note
from ..ontology import Ontology
from .terms import filter_discovered

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["analyze_notes", "filter_discovered", "load_nlp", "release_nlp"]


def load_nlp(ontology: Ontology) -> Language:
    """The spaCy pipeline for `ontology`: Kiwi tokenizer, concept matcher, term finder (cached
    per process by ontology version; the first call loads Kiwi, ~2 s)."""
    from .pipeline import load_nlp as _load

    return _load(ontology)


def release_nlp() -> None:
    """Forget the loaded pipelines (Kiwi's model is ~300 MB of native memory): a big build frees it
    before making its outputs; the next `load_nlp` loads it again."""
    from .pipeline import _CACHE

    _CACHE.clear()


def analyze_notes(notes: Sequence[Note], nlp: Language, ontology: Ontology) -> list[Analysis]:
    """Each note's mentions in reading order plus its discovered-term candidates (batched
    through Kiwi). Pass the result through `filter_discovered` once the whole corpus is analysed."""
    from .analyze import analyze_notes as _analyze

    return _analyze(notes, nlp, ontology)
