"""A spaCy tokenizer backed by Kiwi, so Korean particles and endings become their own tokens
("텐서를" → 텐서 + 를) while the Doc text stays exactly the input text.

Token attributes: `lemma_` = Kiwi morpheme form (an English base form for SL tokens), `tag_` =
Kiwi tag (NNG, NNP, SL, JKO, ...; "SP" for whitespace runs), `norm_` = case-folded lemma.
Kiwi contractions (했 → 하+었) cover one surface span with several morphemes: they become one
token whose lemma/tag join the morphemes with "+".
Latin runs (identifiers, dotted API names) are handed to Kiwi pre-tokenized, because Kiwi alone
splits "tensor.is_contiguous" into "t" + "ensor.is" and "probabilities." into "probabil" + "ities.".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from kiwipiepy import Kiwi
from spacy.lang.xx import MultiLanguage
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .english import english_lemma

# identifiers and dotted names: torch.cat, nn.Module, is_contiguous, F.relu, LangGraph, GPT4; never
# starting or ending with "_", which in notes is markdown emphasis (_Python_) more often than code
LATIN = re.compile(r"[A-Za-z](?:\w*[A-Za-z0-9])?(?:\.[A-Za-z_](?:\w*[A-Za-z0-9])?)*", re.ASCII)
_SPACE_RUN = re.compile(r"\s+|\S+")


class Tok(NamedTuple):
    """One token as the matcher and term finder read it, under spaCy's attribute names: the
    analysis of a whole corpus reads these instead of spaCy `Token`s, which are built anew (and
    slowly) on every iteration over a Doc."""

    text: str
    idx: int
    tag_: str
    lemma_: str
    norm_: str
    whitespace_: str


class KiwiTokenizer:
    """Callable spaCy tokenizer; `pipe` feeds Kiwi whole batches (about 2x faster than one call per text)."""

    def __init__(self, vocab: Vocab, kiwi: Kiwi, known_words: Collection[str] = ()) -> None:
        self.vocab = vocab
        self.kiwi = kiwi
        self.known_words = frozenset(known_words)
        self._english_lemmas: dict[str, str] = {}  # english_lemma is pure given known_words

    def __call__(self, text: str) -> Doc:
        return self._make_doc(text, self.kiwi.tokenize(text, pretokenized=_pretokenize))

    def pipe(self, texts: Iterable[str | Doc], batch_size: int = 512) -> Iterator[Doc]:
        batch: list[str | Doc] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def pipe_tokens(self, texts: Iterable[str], batch_size: int = 512) -> Iterator[list[Tok]]:
        """The tokens `pipe` would put in each text's Doc, without building the Doc (whole batches
        through Kiwi, as `pipe`)."""
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= batch_size:
                yield from map(self.tokens, batch, self.kiwi.tokenize(batch, pretokenized=_pretokenize))
                batch = []
        if batch:
            yield from map(self.tokens, batch, self.kiwi.tokenize(batch, pretokenized=_pretokenize))

    def _batch(self, batch: list[str | Doc]) -> Iterator[Doc]:
        strings = [t for t in batch if isinstance(t, str)]
        analysed = iter(self.kiwi.tokenize(strings, pretokenized=_pretokenize)) if strings else iter(())
        for item in batch:
            yield item if isinstance(item, Doc) else self._make_doc(item, next(analysed))

    def _make_doc(self, text: str, morphs: list[Any]) -> Doc:
        toks = self.tokens(text, morphs)
        doc = Doc(self.vocab, words=[t.text for t in toks], spaces=[bool(t.whitespace_) for t in toks],
                  tags=[t.tag_ for t in toks], lemmas=[t.lemma_ for t in toks])
        for token, tok in zip(doc, toks, strict=True):
            token.norm_ = tok.norm_
        return doc

    def tokens(self, text: str, morphs: list[Any]) -> list[Tok]:
        """Kiwi's morphemes for `text` as tokens covering the text exactly (gaps become tokens)."""
        words: list[str] = []
        spaces: list[bool] = []
        lemmas: list[str] = []
        tags: list[str] = []
        cursor = 0
        lemma_of = self._english_lemmas
        for start, end, forms, ktags in _group(text, morphs):
            if start > cursor:
                if words and not spaces[-1] and start == cursor + 1 and text[cursor] == " ":
                    spaces[-1] = True  # the usual gap: one space (what `_fill_gap` does, inlined)
                else:
                    _fill_gap(text[cursor:start], words, spaces, lemmas, tags)
            surface = text[start:end]
            if len(forms) == 1:
                tag = ktags[0]
                if tag == "SL":
                    lemma = lemma_of.get(surface)
                    if lemma is None:
                        lemma = lemma_of[surface] = english_lemma(surface, self.known_words)
                else:
                    lemma = forms[0]
            else:
                tag = "+".join(ktags)
                lemma = "+".join(forms)
            words.append(surface)
            spaces.append(False)
            lemmas.append(lemma)
            tags.append(tag)
            cursor = end
        if cursor < len(text):
            _fill_gap(text[cursor:], words, spaces, lemmas, tags)
        out: list[Tok] = []
        idx = 0
        for word, space, lemma, tag in zip(words, spaces, lemmas, tags, strict=True):
            out.append(Tok(word, idx, tag, lemma, _norm(word if "+" in tag else lemma), " " if space else ""))
            idx += len(word) + space
        return out

    # spaCy serialisation hooks (nothing to save: the tokenizer is rebuilt from the ontology)
    def to_bytes(self, **_: Any) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_: Any) -> KiwiTokenizer:
        return self

    def to_disk(self, _path: Any, **_: Any) -> None:
        return None

    def from_disk(self, _path: Any, **_: Any) -> KiwiTokenizer:
        return self


def doc_tokens(doc: Doc) -> list[Tok]:
    """A Doc's tokens as `Tok`s (what `KiwiTokenizer.tokens` gave for its text)."""
    return [Tok(t.text, t.idx, t.tag_, t.lemma_, t.norm_, t.whitespace_) for t in doc]


class KiwiLanguage(MultiLanguage):
    """Blank multi-language ("xx") pipeline whose `pipe` batches texts through Kiwi before the
    components run (spaCy's own `pipe` tokenizes one text at a time)."""

    def pipe(self, texts: Iterable[Any], *, as_tuples: bool = False, batch_size: int | None = None,
             **kwargs: Any) -> Iterator[Any]:
        if not as_tuples and isinstance(self.tokenizer, KiwiTokenizer):
            texts = self.tokenizer.pipe(texts, batch_size=batch_size or 512)
        return super().pipe(texts, as_tuples=as_tuples, batch_size=batch_size, **kwargs)


def fold(text: str) -> str:
    """NFKC + case folding: the `norm_` of a token."""
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=1 << 16)
def _norm(text: str) -> str:
    """`fold`, remembered: a corpus repeats the same few thousand morphemes."""
    return fold(text)


def _pretokenize(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "SL") for m in LATIN.finditer(text)]


def _group(text: str, morphs: list[Any]) -> list[list[Any]]:
    """Morphemes whose spans overlap (contractions) merged into one [start, end, forms, tags]."""
    groups: list[list[Any]] = []
    n = len(text)
    spans = [(m.start, m.start + m.len, m.form, m.tag) for m in morphs]
    spans.sort(key=_SPAN)  # stable: morphemes of one span keep Kiwi's order
    last_end = -1
    for start, end, form, tag in spans:
        if start < 0 or start > n:
            start = 0 if start < 0 else n
        if end > n:
            end = n
        if start < last_end:
            last = groups[-1]
            if end > last_end:
                last[1] = last_end = end
            last[2].append(form)
            last[3].append(tag)
        elif end > start:
            groups.append([start, end, [form], [tag]])
            last_end = end
    return groups


_SPAN = itemgetter(0, 1)


def _fill_gap(gap: str, words: list[str], spaces: list[bool], lemmas: list[str], tags: list[str]) -> None:
    """Text Kiwi did not cover: one space becomes the previous token's trailing space, anything
    else (runs of whitespace, characters Kiwi skipped) becomes tokens, so the Doc text is exact."""
    if not gap:
        return
    if words and gap[0] == " " and not spaces[-1]:
        spaces[-1] = True
        gap = gap[1:]
    for m in _SPACE_RUN.finditer(gap):
        piece = m.group()
        words.append(piece)
        spaces.append(False)
        lemmas.append(piece)
        tags.append("SP" if piece.isspace() else "SW")
