"""Build the spaCy pipeline once per process and ontology: Kiwi tokenizer, concept matcher,
term finder. Kiwi takes ~2 s to load, so `load_nlp` caches by `Ontology.version`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from kiwipiepy import Kiwi
from spacy.language import Language
from spacy.tokens import Doc

from .. import usercache
from ..ontology import Ontology
from .calls import CallHit, CallIndex, call_index, find_calls
from .matcher import ConceptHit, ConceptIndex, build_index, find_hits
from .terms import TermHit, find_terms, load_stopwords
from .tokenizer import KiwiLanguage, KiwiTokenizer, Tok, doc_tokens

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
        tokens = doc_tokens(doc)
        doc._.concept_hits, doc._.call_hits = self.find(tokens)
        return doc

    def find(self, tokens: Sequence[Tok]) -> tuple[list[ConceptHit], list[CallHit]]:
        """Concept hits and bare calls in one text's tokens."""
        return find_hits(tokens, self.index), find_calls(tokens, self.calls, self.index.keys)


class TermFinder:
    """Pipeline component: open-vocabulary candidates outside concept names → `doc._.term_hits`."""

    def __init__(self) -> None:
        self.stop = load_stopwords()
        self.known: Any = lambda _name: False

    def __call__(self, doc: Doc) -> Doc:
        doc._.term_hits = self.find(doc_tokens(doc), doc._.concept_hits or ())
        return doc

    def find(self, tokens: Sequence[Tok], concept_hits: Iterable[ConceptHit]) -> list[TermHit]:
        """Term candidates in one text's tokens, outside its concept hits."""
        return find_terms(tokens, [(h.start, h.end) for h in concept_hits], self.stop, self.known)


class TextHits(NamedTuple):
    """What the pipeline's components find in one text: a Doc's `._.concept_hits`, `._.call_hits`
    and `._.term_hits`, and the text as its tokens spell it."""

    text: str
    concept_hits: list[ConceptHit]
    call_hits: list[CallHit]
    term_hits: list[TermHit]


def find_all(nlp: Language, texts: Iterable[str]) -> Iterator[TextHits]:
    """`nlp.pipe(texts)` reduced to the hits: same tokens and components, but no spaCy Doc or
    Token objects, which cost more than Kiwi itself on a corpus (the analysis reads only the hits)."""
    matcher = nlp.get_pipe("notegraph_concepts") if "notegraph_concepts" in nlp.pipe_names else None
    finder = nlp.get_pipe("notegraph_terms") if "notegraph_terms" in nlp.pipe_names else None
    tokenizer = nlp.tokenizer
    stream = (tokenizer.pipe_tokens(texts) if isinstance(tokenizer, KiwiTokenizer)
              else (doc_tokens(nlp.make_doc(t)) for t in texts))
    for tokens in stream:
        concepts, calls = matcher.find(tokens) if matcher else ([], [])
        terms = finder.find(tokens, concepts) if finder else []
        yield TextHits("".join([t.text + t.whitespace_ for t in tokens]), concepts, calls, terms)


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
