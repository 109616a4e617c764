"""Build the spaCy pipeline once per process and ontology: Kiwi tokenizer, concept matcher,
term finder. Kiwi takes ~2 s to load, so `load_nlp` caches by `Ontology.version`."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from kiwipiepy import Kiwi
from spacy.language import Language
from spacy.tokens import Doc

from .. import usercache
from ..ontology import Ontology
from .calls import CallIndex, call_index, find_calls
from .matcher import ConceptIndex, build_index, find_hits
from .terms import find_terms, load_stopwords
from .tokenizer import KiwiLanguage, KiwiTokenizer

_CACHE: dict[tuple[str, bool], Language] = {}
_HANGUL_NAME = re.compile(r"^[\uac00-\ud7a3 ]+$")
_WORD = re.compile(r"[A-Za-z]+")

if not Doc.has_extension("concept_hits"):
    Doc.set_extension("concept_hits", default=None)
if not Doc.has_extension("term_hits"):
    Doc.set_extension("term_hits", default=None)
if not Doc.has_extension("call_hits"):
    Doc.set_extension("call_hits", default=None)


class ConceptMatcher:
    """Pipeline component: every concept name in the doc → `doc._.concept_hits` (overlaps kept;
    guards and longest-match are decided per day by the caller), bare method calls such as `cat()`
    → `doc._.call_hits` (their library is decided per day too)."""

    def __init__(self, index: ConceptIndex | None = None) -> None:
        self.index = index or ConceptIndex.empty()
        self.calls: CallIndex = {}

    def __call__(self, doc: Doc) -> Doc:
        doc._.concept_hits = find_hits(doc, self.index)
        doc._.call_hits = find_calls(doc, self.calls, self.index.keys)
        return doc


class TermFinder:
    """Pipeline component: open-vocabulary candidates outside concept names → `doc._.term_hits`."""

    def __init__(self) -> None:
        self.stop = load_stopwords()
        self.known: Any = lambda _name: False

    def __call__(self, doc: Doc) -> Doc:
        taken = [(h.start, h.end) for h in doc._.concept_hits or ()]
        doc._.term_hits = find_terms(list(doc), taken, self.stop, self.known)
        return doc


@Language.factory("notegraph_concepts")
def _make_matcher(nlp: Language, name: str) -> ConceptMatcher:
    return ConceptMatcher()


@Language.factory("notegraph_terms")
def _make_terms(nlp: Language, name: str) -> TermFinder:
    return TermFinder()


def load_nlp(ontology: Ontology, *, user_words: bool = False) -> Language:
    """The pipeline for `ontology` (cached per process by ontology version).

    `user_words` registers Korean ontology names as Kiwi user words. Off by default: matching on
    concatenated keys already joins Kiwi's splits, and on the dev corpus + reference note user words
    changed 13 of ~5000 mentions, mostly for the worse ("선형회귀" inside "비선형회귀", "연산자"
    inside "연산자원", "시그모이드 함수" cut to "시그모이드")."""
    key = (ontology.version, user_words)
    if key not in _CACHE:
        _CACHE[key] = _build(ontology, user_words)
    return _CACHE[key]


def _build(ontology: Ontology, user_words: bool) -> Language:
    # the multi-word and typo dictionaries double Kiwi's load and first-call time (~1.5 s → ~0.8 s,
    # ~2.5 s → ~1 s); names are matched on concatenated keys, so they changed no score on the
    # reference note or the dev corpus
    kiwi = Kiwi(load_multi_dict=False, load_typo_dict=False)
    if user_words:
        for word in korean_user_words(ontology):
            kiwi.add_user_word(word, "NNP", 0.0)
    known = {w.casefold() for spec in ontology.concepts.values()
             for n in spec.names for w in _WORD.findall(n)}
    nlp = KiwiLanguage()
    nlp.tokenizer = KiwiTokenizer(nlp.vocab, kiwi, known)
    matcher = nlp.add_pipe("notegraph_concepts")
    matcher.index = cached_index(nlp.tokenizer, ontology)
    matcher.calls = call_index(ontology)
    terms = nlp.add_pipe("notegraph_terms")
    terms.known = lambda name: ontology.lookup(name) is not None
    return nlp


def cached_index(tokenizer: KiwiTokenizer, ontology: Ontology) -> ConceptIndex:
    """`build_index` runs ~20k names through Kiwi (~8 s); its result depends only on the ontology and
    this package's nlp code, so it is kept in the user's cache folder (`notegraph.usercache`) and a
    later process (a one-note rebuild) reads it back."""
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in sorted(Path(__file__).parent.glob("*.py"))))
    for spec in sorted(ontology.concepts.values(), key=lambda c: c.id):  # the names themselves, not a
        digest.update("\0".join((spec.id, *spec.names, *spec.guard)).encode())  # version label
    name = f"concept-index-{digest.hexdigest()[:20]}.json"
    data = usercache.read_json(name)
    try:
        return ConceptIndex.from_keys(data["keys"], data["spaced"])
    except (KeyError, TypeError):
        pass
    index = build_index(tokenizer, ontology)
    usercache.write_json(name, {"keys": index.keys, "spaced": sorted(index.spaced)},
                         replaces="concept-index-*.json")  # indexes of earlier ontology/code versions
    return index


def korean_user_words(ontology: Ontology) -> list[str]:
    """Korean names (spaces removed) of 3+ syllables: the forms Kiwi must not split or swallow."""
    words = set()
    for spec in ontology.concepts.values():
        for name in spec.names:
            if _HANGUL_NAME.match(name):
                joined = name.replace(" ", "")
                if len(joined) >= 3:
                    words.add(joined)
    return sorted(words)
