"""Open-vocabulary terms: concepts the ontology does not know yet (FAISS, LangGraph, torch.gather,
"노드 분류"). Precision over recall: a junk node makes the map useless, a missed term only leaves
a gap. Per note we collect candidates (`find_terms`); the corpus-level `filter_discovered` admits
them, because recurrence across blocks and days is the best evidence a phrase is a term.

Pure Python: tokens are read duck-typed (text, idx, tag_, lemma_, whitespace_), so the filter runs
without spaCy or Kiwi.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

import yaml

from ..errors import OntologyError
from ..models import Analysis, ConceptSpec
from ..ontology import DATA, normalize_name

STOPWORDS_FILE: Path = DATA / "stopwords.yaml"
DISCOVERED = "discovered"

TermKind = Literal["api", "identifier", "camel", "acronym", "compound"]
STRONG: frozenset[str] = frozenset({"api", "camel", "acronym"})

_API = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$")
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$")
_CAMEL = re.compile(r"^[A-Za-z][a-z0-9]*[a-z][A-Z][A-Za-z0-9]*$|^[A-Z][a-z]+[A-Z]{2,}[a-z0-9]*$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*$")
_HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")
_ROMAN = re.compile(r"^(?=[IVX]{2,}$)X{0,3}(?:IX|IV|V?I{0,3})$")
_NOUN_TAGS = frozenset({"NNG", "NNP"})
_GLUE_TAGS = frozenset({"SN", "SL", "XPN", "SH", "NR", "MM"})
MAX_COMPOUND = 4


class TermHit(NamedTuple):
    """A candidate term in one doc: character offsets into the doc text."""

    start: int
    end: int
    label: str
    kind: str


@dataclass(frozen=True)
class StopWords:
    words: frozenset[str]
    file_extensions: frozenset[str]
    domains: frozenset[str]
    api_heads: frozenset[str] = frozenset()

    def __contains__(self, word: str) -> bool:
        return _normalized(word) in self.words


# the same few thousand words are looked up for every token of a corpus
_normalized = lru_cache(maxsize=1 << 16)(normalize_name)


@cache
def load_stopwords(path: Path = STOPWORDS_FILE) -> StopWords:
    """The generic-word lists of data/stopwords.yaml (every list except the two suffix lists)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise OntologyError(f"cannot read stop words: {exc}", path=path,
                            hint="keep it a YAML mapping of lists of words") from exc
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise OntologyError("stop words must be a mapping of lists", path=path,
                            hint="e.g. korean: [생각, 오늘]")
    words = {normalize_name(str(w)) for key, values in data.items()
             if key not in ("file_extensions", "domains", "api_heads") for w in values}
    return StopWords(frozenset(words), frozenset(str(w).casefold() for w in data.get("file_extensions", [])),
                     frozenset(str(w).casefold() for w in data.get("domains", [])),
                     frozenset(str(w).casefold() for w in data.get("api_heads", [])))


def term_id(label: str) -> str:
    """Stable id of a discovered or linked concept."""
    return "x:" + normalize_name(label)


def classify(text: str, stop: StopWords) -> TermKind | None:
    """The kind of term a single Latin token looks like, or None for ordinary words and junk."""
    if text in stop or len(_normalized(text)) < 2:
        return None
    if _API.match(text):
        parts = text.split(".")
        last = parts[-1].casefold()
        if last in stop.file_extensions or last in stop.domains or len(last) < 2:
            return None
        if all(len(p) <= 2 for p in parts) or parts[0].casefold() in ("www", "http", "https"):
            return None
        if len(parts[0]) == 1 and parts[0].islower():  # x.view, a.matrix: a variable, not an API
            return None
        if stop.api_heads and parts[0].casefold() not in stop.api_heads:
            return None  # A_matrix.dot, courses.TheoryContent: the learner's own variables and modules
        return "api"
    if _IDENT.match(text) and "_" in text and len(text) >= 5:
        return "identifier"
    if _ACRONYM.match(text):
        if _ROMAN.match(text) or _normalized(text.rstrip("0123456789")) in stop.words:
            return None  # "그래프 신경망 II" numbers a part; it names nothing
        return "acronym"
    if _CAMEL.match(text) and text[0].isupper() and len(re.findall(r"[A-Z][a-z]", text)) <= 3:
        return "camel"  # lower-initial camelCase is a code variable (startIndex), not a term
    return None


def kind_of_label(label: str, stop: StopWords) -> TermKind | None:
    """The kind of an already collected label (the corpus filter only sees labels)."""
    if _HANGUL.match(label.replace(" ", "")):
        return "compound"
    return classify(label, stop)


def find_terms(tokens: Sequence[Any], taken: Sequence[tuple[int, int]], stop: StopWords,
               known: Callable[[str], bool] = lambda _: False) -> list[TermHit]:
    """Candidate terms in one doc's tokens; tokens overlapping `taken` (concept names, masked
    spans) are never part of a candidate, nor is anything `known` (an ontology name)."""
    free = _free(tokens, taken)
    hits: list[TermHit] = []
    for t, ok in zip(tokens, free, strict=True):
        if ok and t.tag_ == "SL":
            label = t.lemma_ if _ACRONYM.match(t.lemma_ or "") else t.text
            kind = classify(label, stop)
            if kind and not known(label):
                hits.append(TermHit(t.idx, t.idx + len(t.text), label, kind))
    hits += _compounds(tokens, free, stop, known)
    return sorted(hits)


def _free(tokens: Sequence[Any], taken: Sequence[tuple[int, int]]) -> list[bool]:
    """Per token: overlaps none of the `taken` spans. Tokens follow each other without overlap, so
    a span's tokens are one slice, found by bisection (a scan of every span per token was quadratic)."""
    free = [True] * len(tokens)
    if not taken:
        return free
    starts = [t.idx for t in tokens]
    ends = [t.idx + len(t.text) for t in tokens]
    for s, e in taken:
        for i in range(bisect_right(ends, s), bisect_left(starts, e)):
            free[i] = False
    return free


def _compounds(tokens: Sequence[Any], free: list[bool], stop: StopWords,
               known: Callable[[str], bool]) -> list[TermHit]:
    """Runs of 2-4 Korean nouns (NNG/NNP of 2+ syllables, or a 1-syllable noun or suffix glued to the
    previous one) written together or one space apart; a generic noun ends the run ("노드 분류 문제" → "노드 분류")."""
    hits: list[TermHit] = []
    run: list[Any] = []

    def flush() -> None:
        if not run:
            return
        nouns = [t for t in run if t.tag_ in _NOUN_TAGS]
        if 2 <= len(nouns) <= MAX_COMPOUND and len({t.text for t in nouns}) > 1:  # not 중간중간
            start, end = run[0].idx, run[-1].idx + len(run[-1].text)
            label = "".join(t.text + t.whitespace_ for t in run).strip()
            if not known(label) and label not in stop:
                hits.append(TermHit(start, end, label, "compound"))
        run.clear()

    prev: Any = None
    for t, ok in zip(tokens, free, strict=True):
        tag = t.tag_
        noun = ok and tag in _NOUN_TAGS and bool(_HANGUL.match(t.text)) and t.text not in stop and (
            len(t.text) >= 2 or bool(run) and run[-1].whitespace_ == "")  # 경사하강+법, 학습+률
        suffix = ok and tag == "XSN" and bool(run) and run[-1].whitespace_ == ""  # 학습+률, 정규+화
        if (noun or suffix) and run and run[-1].whitespace_ in ("", " "):
            run.append(t)
        else:
            flush()
            # a run never starts glued to a number or prefix: "2차원 배열", "비선형 회귀" are not terms here
            if noun and not (prev is not None and prev.whitespace_ == "" and prev.tag_ in _GLUE_TAGS):
                run.append(t)
        prev = t
    flush()
    return hits


def discovered_spec(label: str) -> ConceptSpec:
    return ConceptSpec(id=term_id(label), label=label, category=DISCOVERED)


def admit(label: str, stop: StopWords, blocks: int, days: int, linked: bool = False) -> bool:
    """Strong forms (dotted API, CamelCase, acronym of 3+ letters) need one occurrence; two-letter
    acronyms two days (one day's "XY 연산" or "DS group" is that day's shorthand); snake_case
    identifiers two days; Korean compounds two days (a phrase repeated inside one day is usually
    that day's wording, not a term: 데이터 공간, 모델 예측); a name the learner linked explicitly
    ([[...]], #tag) is always kept."""
    if linked:
        return True
    kind = kind_of_label(label, stop)
    if kind == "acronym" and len(label) < 3:
        return days >= 2
    if kind in STRONG:
        return True
    if kind == "identifier":  # batch_first, full_matrices: API arguments, kept when they recur
        return days >= 2
    return kind == "compound" and days >= 2


def filter_discovered(analyses: list[Analysis], stop: StopWords | None = None) -> list[Analysis]:
    """Corpus-level admission of discovered terms: drop the candidates that do not recur or do not
    look like terms, from both the mentions and the notes' `discovered` specs."""
    stop = stop or load_stopwords()
    blocks: dict[str, set[tuple[str, int]]] = defaultdict(set)
    days: dict[str, set[tuple[str, int]]] = defaultdict(set)
    linked: set[str] = set()
    labels: dict[str, str] = {}
    for a in analyses:
        for spec in a.discovered:
            labels.setdefault(spec.id, spec.label)
        for m in a.mentions:
            if m.origin in ("discovered", "linked"):
                blocks[m.concept_id].add((m.source, m.line))
                days[m.concept_id].add((m.source, m.segment_order))
                if m.origin == "linked":
                    linked.add(m.concept_id)
    admitted = {cid for cid, label in labels.items()
                if admit(label, stop, len(blocks[cid]), len(days[cid]), cid in linked)}
    out = []
    for a in analyses:
        mentions = tuple(m for m in a.mentions
                         if m.origin not in ("discovered", "linked") or m.concept_id in admitted)
        specs = tuple(s for s in a.discovered if s.id in admitted)
        out.append(a.model_copy(update={"mentions": mentions, "discovered": specs}))
    return out
