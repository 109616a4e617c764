"""English lemmas for Latin-script tokens inside Korean notes (Kiwi tags them SL and stops there).

A small rule set instead of a lemma table: plurals always fold ("embeddings" → "embedding",
"LLMs" → "LLM"), while -ed/-ing only fold when the base is a word the ontology knows, because
"embedding" or "padding" are concept names in their own right and must not become "embed"/"pad".
"""

from __future__ import annotations

from collections.abc import Collection

# endings where a final "s" is not a plural marker (loss, focus, axis, analysis, physics, ...)
_NOT_PLURAL = ("ss", "us", "is", "ics", "ous", "ness", "sis", "xis")
_IRREGULAR = {"indices": "index", "matrices": "matrix", "vertices": "vertex", "data": "data",
              "axes": "axis", "analyses": "analysis", "hypotheses": "hypothesis", "children": "child",
              "biases": "bias", "series": "series", "species": "species", "aliases": "alias",
              "statuses": "status"}


def english_lemma(word: str, known: Collection[str] = ()) -> str:
    """Base form of one English word; `known` holds case-folded ontology words that -ed/-ing
    forms may fold to. Case is kept for acronyms ("LLMs" → "LLM"), folded otherwise."""
    low = word.casefold()
    if not word.isascii() or not word.isalpha() or len(word) < 3:
        return word if word.isupper() else low
    if word.isupper():  # DBMS, HDFS, VITS: an acronym's final S is a letter, not a plural
        return word
    if word[:-1].isupper() and word[-1] == "s":  # LLMs, CNNs, GPUs
        return word[:-1]
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    # plurals fold even when the plural itself appears in some name ("weights and biases"): names and
    # text go through this same function, so both sides fold alike
    plural = _plural_base(low, known)
    if plural:
        return plural
    if low in known:  # "embedding", "padding" are names themselves: no -ing stripping
        return word if word.isupper() else low
    for base in _inflection_bases(low):
        if base in known:
            return base
    return word if word.isupper() else low


def _plural_base(low: str, known: Collection[str]) -> str | None:
    if not low.endswith("s") or low.endswith(_NOT_PLURAL) or len(low) < 4:
        return None
    candidates = []
    if low.endswith("ies"):
        candidates.append(low[:-3] + "y")
    if low.endswith(("sses", "xes", "ches", "shes", "zzes")):
        candidates.append(low[:-2])
    candidates.append(low[:-1])
    for base in candidates:
        if base in known:
            return base
    return candidates[0]


def _inflection_bases(low: str) -> list[str]:
    """Candidate bases for -ed/-ing/-er forms, most specific first."""
    out: list[str] = []
    for suffix in ("ing", "ed"):
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            stem = low[: -len(suffix)]
            out += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:  # stopped → stop
                out.append(stem[:-1])
            if stem.endswith("i"):  # studied → study
                out.append(stem[:-1] + "y")
    return out
