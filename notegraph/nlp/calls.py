"""Bare method calls: learners list an API's methods without its object ("* cat() : 지정한 차원의
크기를 증가시킴", "squeeze(), unsqueeze()"). Such a call names the API concept whose dotted name ends
in it (torch.cat) when the day also names the library (data/api_context.yaml), so `cat()` in a
PyTorch day is torch.cat while `concat()` in a pandas day is pd.concat."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import yaml

from ..errors import OntologyError
from ..ontology import Ontology
from .matcher import ConceptHit
from .tokenizer import Tok

API_CONTEXT_FILE = Path(__file__).resolve().parent.parent / "data" / "api_context.yaml"


@dataclass(frozen=True)
class Library:
    name: str
    heads: frozenset[str]
    context: tuple[str, ...]


CallIndex = dict[str, tuple[tuple[str, str], ...]]  # method key → (library name, concept id) candidates


class CallHit(NamedTuple):
    """`name(` in a doc: offsets of the name, and the API concepts it may stand for, per library."""

    start: int
    end: int
    candidates: tuple[tuple[str, str], ...]  # (library name, concept id)


@cache
def load_libraries(path: Path = API_CONTEXT_FILE) -> tuple[Library, ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return tuple(Library(str(lib["name"]), frozenset(str(h).casefold() for h in lib["heads"]),
                             tuple(str(w) for w in lib["context"])) for lib in data["libraries"])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise OntologyError(f"cannot read the API libraries: {exc}", path=path,
                            hint="keep `libraries:` a list of {name, heads, context}") from exc


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def call_index(ontology: Ontology) -> CallIndex:
    """Method key → (library, concept id) for every dotted ontology name of a known library. A key
    claimed by several concepts of one library keeps only the concept whose id ends in it
    (`concat` → pd.concat, not np.concatenate's alias), or none."""
    libraries = load_libraries()
    claims: dict[tuple[str, str], set[str]] = defaultdict(set)
    for spec in ontology.concepts.values():
        for name in spec.names:
            head, dot, _ = name.partition(".")
            if not (dot and name.isascii()):
                continue
            for lib in libraries:
                if head.casefold() in lib.heads:
                    claims[(_key(name.rpartition(".")[2]), lib.name)].add(spec.id)
    index: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for (key, lib), ids in sorted(claims.items()):
        if len(ids) > 1:
            ids = {cid for cid in ids if _key(cid.rpartition(".")[2]) == key}
        if key and len(ids) == 1:
            index[key].append((lib, ids.pop()))
    return {key: tuple(v) for key, v in index.items()}


def find_calls(tokens: Sequence[Tok], calls: CallIndex, known: dict[str, str]) -> list[CallHit]:
    """Latin words written as a call (`cat(`, no space before the bracket) whose key is not
    already a concept name of its own."""
    out = []
    for tok, nxt in zip(tokens, tokens[1:], strict=False):
        if nxt.text.startswith("(") and not tok.whitespace_ and tok.tag_ == "SL" and "." not in tok.text:
            key = _key(tok.text)
            if key in calls and key not in known:
                out.append(CallHit(tok.idx, tok.idx + len(tok.text), calls[key]))
    return out


@cache
def _library_pattern(name: str) -> re.Pattern[str]:
    """A library's context words as whole words of the raw text: "pd." must not be found in "update"."""
    words = next(lib.context for lib in load_libraries() if lib.name == name)
    return re.compile("|".join(rf"(?<![A-Za-z0-9_]){re.escape(w)}" + (r"(?![A-Za-z0-9_])" if w[-1].isalnum() else "")
                               for w in words), re.IGNORECASE)


def resolve_call(hit: CallHit, line: str, day: str) -> ConceptHit | None:
    """The candidate whose library the line names, else the one the day names; none if the day
    names none of them (then `cat()` may be the shell's cat). `line` and `day` are raw text."""
    for context in (line, day):
        for lib, cid in hit.candidates:
            if _library_pattern(lib).search(context):
                return ConceptHit(hit.start, hit.end, cid)
    return None
