"""Concept matching on normalised lemmas: a run of tokens names a concept when its tokens'
keys, concatenated, equal the key of one of the concept's names (tokenized the same way).

Why not spaCy's PhraseMatcher: it needs the same token sequence on both sides, but Kiwi splits the
same words differently by context and spacing ("노드임베딩" is one token, "노드 임베딩" is 노+드+임베딩),
and "Cross-Entropy" / "cross entropy" / "crossentropy" differ in tokens, not in letters. Comparing
concatenated keys at token boundaries matches all of them, and a match can never start or end inside
a token, so particles ("텐서를") stay outside the surface. Keys keep "+" and "#" (C++, C#).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from ..ontology import Ontology, normalize_name
from .english import english_lemma
from .tokenizer import LATIN, KiwiTokenizer, Tok, fold

if TYPE_CHECKING:
    from spacy.tokens import Token

# tokens without letters that may sit inside a name: Cross-Entropy, one_hot, Q/K/V, Doc2Vec·BERT
JOINERS = frozenset("-_/.·'’ @&–—")
MAX_TOKENS = 12


class ConceptHit(NamedTuple):
    """A concept name found in one doc: character offsets into the doc text."""

    start: int
    end: int
    concept_id: str


@dataclass(frozen=True)
class ConceptIndex:
    keys: dict[str, str]
    prefixes: frozenset[str]
    spaced: frozenset[str] = frozenset()  # keys of names written as several Latin words ("k means")

    @classmethod
    def empty(cls) -> ConceptIndex:
        return cls({}, frozenset())

    @classmethod
    def from_keys(cls, keys: dict[str, str], spaced: Iterable[str] = ()) -> ConceptIndex:
        prefixes = frozenset(k[:i] for k in keys for i in range(1, len(k) + 1))
        return cls(dict(keys), prefixes, frozenset(spaced))


def token_key(token: Tok | Token) -> str:
    """Letters, digits, '+' and '#' of the token's normalised lemma; nothing for the adnominal
    ending between a modifier and its noun, so "볼록한 함수" and "희소한 행렬" key like the names
    "볼록 함수" and "희소 행렬", and "확률적인 경사하강법" like "확률적 경사하강법"."""
    if token.text in _ADNOMINAL and token.tag_.endswith("+ETM"):
        return ""
    norm = token.norm_
    if norm.isalnum():  # most tokens: nothing to drop
        return norm
    return "".join(ch for ch in norm if ch.isalnum() or ch in "+#")


# 하다-adjective/verb and 이다 endings that only join a modifier to its noun: "볼록/한", "적/인"
_ADNOMINAL = frozenset({"한", "인"})


def name_key(tokenizer: KiwiTokenizer, name: str) -> str:
    """The key a name is matched under: its tokens' keys concatenated."""
    return _joined(list(tokenizer(name)))


def _joined(tokens: Sequence[Tok | Token]) -> str:
    """Tokens' keys concatenated; an adnominal ending only vanishes inside the name, as it does in
    a note's matched run ("스케일 인" keeps its 인, or it would be every "스케일")."""
    keys = [token_key(t) for t in tokens]
    for end in (0, -1):
        if keys and not keys[end] and tokens[end].text in _ADNOMINAL:
            keys[end] = tokens[end].norm_
    return "".join(keys)


def name_keys(tokenizer: KiwiTokenizer, ontology: Ontology) -> list[tuple[str, str, str]]:
    """(concept id, name, key) for every name of every concept, tokenized in one Kiwi batch."""
    pairs = [(spec.id, name) for spec in ontology.concepts.values() for name in spec.names]
    out = [(cid, name, ascii_key(name, tokenizer.known_words)) for cid, name in pairs if name.isascii()]
    korean = [(cid, name) for cid, name in pairs if not name.isascii()]
    tokens = tokenizer.pipe_tokens(name for _, name in korean)
    out += [(cid, name, _joined(toks)) for (cid, name), toks in zip(korean, tokens, strict=True)]
    return out


def ascii_key(name: str, known: Collection[str]) -> str:
    """The key of an ASCII name without Kiwi (10x faster, same result): Kiwi only ever sees Latin
    words as the pre-tokenized SL spans, whose lemma comes from `english_lemma`."""
    parts: list[str] = []
    pos = 0
    for m in LATIN.finditer(name):
        parts.append(_keep(name[pos:m.start()]))
        parts.append(_keep(fold(english_lemma(m.group(), known))))
        pos = m.end()
    parts.append(_keep(name[pos:]))
    return "".join(parts)


def _keep(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum() or ch in "+#")


def build_index(tokenizer: KiwiTokenizer, ontology: Ontology) -> ConceptIndex:
    """Key → concept id for every name of every concept. A name whose key is a single character
    (R, C) is only indexed when the concept has guard words; the first concept to claim a key keeps it."""
    keys: dict[str, str] = {}
    spaced: set[str] = set()
    for cid, name, key in name_keys(tokenizer, ontology):
        if len(key) >= 2 or (key and ontology.concepts[cid].guard):
            keys.setdefault(key, cid)
            if _SEPARATED.search(name):
                spaced.add(key)
    return ConceptIndex.from_keys(keys, spaced)


# a separator between two Latin letters/digits: the name is several words ("k-means", "log loss")
_SEPARATED = re.compile(r"[A-Za-z0-9][^A-Za-z0-9가-힣]+[A-Za-z0-9]")


def find_hits(tokens: Sequence[Tok], index: ConceptIndex) -> list[ConceptHit]:
    """Every (possibly overlapping) concept name in one text's tokens, in reading order."""
    hits: list[ConceptHit] = []
    keys = [token_key(t) for t in tokens]
    prefixes, names, spaced = index.prefixes, index.keys, index.spaced
    n = len(tokens)
    for i, tok in enumerate(tokens):
        acc = keys[i]
        if not acc:
            continue
        found = False
        if acc in prefixes:
            if acc in names:
                hits.append(ConceptHit(tok.idx, tok.idx + len(tok.text), names[acc]))
                found = True
            split_word = False  # the run crosses a gap between two Latin words
            for j in range(i + 1, min(n, i + MAX_TOKENS)):
                prev, cur, key = tokens[j - 1], tokens[j], keys[j]
                if not key and not _may_continue(prev, cur, key):
                    break
                if prev.whitespace_ and prev.tag_ == "SL" and cur.tag_ == "SL":
                    split_word = True
                acc += key
                if acc not in prefixes:
                    break
                # a one-word name is never assembled from two written words: "log it" is not "logit"
                if split_word and acc not in spaced:
                    continue
                if key and acc in names:
                    hits.append(ConceptHit(tok.idx, cur.idx + len(cur.text), names[acc]))
                    found = True
        if not found and "." in tok.text and tok.tag_ == "SL":
            hits += _dotted_tail(tok, index)
    hits += _coordinated(tokens, keys, hits, index)
    return sorted(set(hits))


CONJUNCTIONS = frozenset({"and", "or", "vs", "&", "/", ",", "·", "및", "와", "과", "나", "이나"})


def _coordinated(tokens: Sequence[Tok], keys: list[str], hits: list[ConceptHit],
                 index: ConceptIndex) -> list[ConceptHit]:
    """Shared heads in coordination: "Supervised and Unsupervised Learning", "Ridge/Lasso
    regression", "L1, L2 norm" name two concepts although the head word is written once. When a
    multi-token hit is preceded by `A <conjunction>`, "A + the hit's remaining tokens" is looked up."""
    starts = {t.idx: i for i, t in enumerate(tokens)}
    out: list[ConceptHit] = []
    for hit in hits:
        i = starts.get(hit.start)
        if i is None or i < 2:
            continue
        conj = tokens[i - 1]
        if conj.text.casefold() not in CONJUNCTIONS and conj.tag_ != "JC":
            continue
        a = i - 2
        if not keys[a] or "\n" in tokens[a].whitespace_:
            continue
        j = i
        while j < len(tokens) and tokens[j].idx < hit.end:
            j += 1
        for k in range(i + 1, j):  # A replaces the hit's first word, which may be several tokens (비+지도)
            rest = "".join(keys[k:j])
            cid = index.keys.get(keys[a] + rest) if rest else None
            if cid and cid != hit.concept_id:
                out.append(ConceptHit(tokens[a].idx, tokens[a].idx + len(tokens[a].text), cid))
                break
    return out


def _may_continue(prev: Tok, tok: Tok, key: str) -> bool:
    """A name may span a single space, joiner characters or an adnominal ending, never a line break
    or other punctuation."""
    if key:
        return True
    if tok.text == "." and tok.whitespace_:  # a full stop ends the sentence: "Dice coefficient. Loss"
        return False
    return (tok.text in JOINERS or tok.text in _ADNOMINAL) and "\n" not in prev.whitespace_


def _dotted_tail(tok: Tok, index: ConceptIndex) -> list[ConceptHit]:
    """`F.relu`, `x.view`, `torch.nn.Linear`: when the whole dotted name is unknown, its last
    attribute still names the concept."""
    head, _, tail = tok.text.rpartition(".")
    key = "".join(ch for ch in tail.casefold() if ch.isalnum())
    if head and key in index.keys:
        start = tok.idx + len(head) + 1
        return [ConceptHit(start, start + len(tail), index.keys[key])]
    return []


def select_longest(hits: Iterable[ConceptHit]) -> list[ConceptHit]:
    """Non-overlapping hits, longest first: "노드 임베딩" wins over the "임베딩" inside it."""
    chosen: list[ConceptHit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return sorted(chosen)


def guard_ok(guard: tuple[str, ...], context_key: str) -> bool:
    """An ambiguous name counts when one of its guard words occurs in the day (`context_key` is
    the day's text through `normalize_name`)."""
    return not guard or any(key in context_key for key in _guard_keys(guard))


@cache
def _guard_keys(guard: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k for k in map(normalize_name, guard) if k)
