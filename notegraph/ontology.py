"""The concept ontology: package data (data/ontology/*.yaml, data/categories.yaml,
data/inference.yaml) plus the user's own notes/concepts.yaml, loaded and validated.

Pure data: no spaCy or Kiwi here, so graph-reading commands can use it cheaply.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from . import usercache
from .errors import OntologyError
from .models import CategorySpec, ConceptSpec, InferenceRule
from .names import normalize_name as normalize_name  # re-exported: the nlp stages key names with it

DATA = Path(__file__).parent / "data"


@dataclass
class Ontology:
    concepts: dict[str, ConceptSpec]
    categories: dict[str, CategorySpec]
    rules: list[InferenceRule]
    version: str
    user_ids: frozenset[str] = frozenset()
    _by_name: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for spec in self.concepts.values():
            for name in spec.names:
                self._by_name.setdefault(normalize_name(name), spec.id)

    def lookup(self, name: str) -> ConceptSpec | None:
        """The concept any of whose names normalises like `name`, if any."""
        cid = self._by_name.get(normalize_name(name))
        return self.concepts.get(cid) if cid else None

    def category_label(self, category_id: str) -> str:
        cat = self.categories.get(category_id)
        return cat.label if cat else category_id

    def __len__(self) -> int:
        return len(self.concepts)


def _read_yaml(path: Path | Any, what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OntologyError(f"cannot read {what}: {exc}", path=str(path)) from exc
    packaged = Path(str(path)).resolve().is_relative_to(DATA.resolve())
    if packaged:  # PyYAML builds Python objects slowly (~1.5 s for the ontology); JSON reads back in 30 ms
        name = hashlib.sha256(str(path).encode()).hexdigest()[:8]
        entry = f"yaml-{name}-{hashlib.sha256(text.encode()).hexdigest()[:24]}.json"
        cached = usercache.read_json(entry)
        if cached is not None:
            return cached
    try:
        # libyaml's loader when present: the ontology is ~1 MB of YAML, 10x faster than pure Python
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []  # noqa: S506
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise OntologyError(f"{what} is not valid YAML: {exc}", path=str(path),
                            line=line + 1 if line is not None else None,
                            hint="fix the YAML syntax") from exc
    if packaged:
        usercache.write_json(entry, data, replaces=f"yaml-{name}-*.json")
    return data


def _parse_concepts(entries: Any, path: Path | Any) -> list[ConceptSpec]:
    if isinstance(entries, dict):
        entries = entries.get("concepts", [])
    if not isinstance(entries, list):
        raise OntologyError("expected a list of concepts", path=str(path),
                            hint="each entry: {id, label, category, en: [...], ko: [...]}")
    out = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise OntologyError(f"entry {i + 1} is not a mapping", path=str(path))
        entry = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
        entry.setdefault("id", _slug(str(entry.get("label", ""))))
        try:
            out.append(ConceptSpec(**entry))
        except ValidationError as exc:
            raise OntologyError(f"entry {i + 1} ({entry.get('id')!r}) is invalid: {exc.errors()[0]['msg']}",
                                path=str(path), hint="see notegraph/data/README.md for the format") from exc
    return out


def _slug(label: str) -> str:
    return "-".join("".join(ch if ch.isalnum() or ch in "._+" else " " for ch in label.casefold()).split())


def package_files() -> list[Any]:
    """Ontology data files shipped in the package, in a stable order."""
    folder = DATA / "ontology"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def validate(concepts: Iterable[ConceptSpec], categories: dict[str, CategorySpec]) -> list[str]:
    """Problems that make an ontology ambiguous: duplicate ids, one name on two concepts,
    unknown categories or prerequisites. Returns messages; empty means valid."""
    problems: list[str] = []
    seen_ids: set[str] = set()
    owner: dict[str, str] = {}
    concepts = list(concepts)
    ids = {c.id for c in concepts}
    for c in concepts:
        if c.id in seen_ids:
            problems.append(f"duplicate id {c.id!r}")
        seen_ids.add(c.id)
        if c.category not in categories:
            problems.append(f"{c.id}: unknown category {c.category!r}")
        for name in c.names:
            key = normalize_name(name)
            if not key:
                problems.append(f"{c.id}: empty name {name!r}")
                continue
            if key in owner and owner[key] != c.id:
                problems.append(f"name {name!r} is on both {owner[key]!r} and {c.id!r}")
            owner.setdefault(key, c.id)
        for p in (*c.prerequisites, *c.related):
            if p not in ids:
                problems.append(f"{c.id}: unknown prerequisite/related id {p!r}")
            if p == c.id:
                problems.append(f"{c.id}: refers to itself")
    return problems


def load_ontology(user_file: Path | None = None) -> Ontology:
    """Package ontology plus `user_file` (same format; its entries add concepts or replace the
    package entry with the same id). Raises OntologyError on malformed data."""
    return _load(str(user_file) if user_file else None, _user_stamp(user_file))


def _user_stamp(user_file: Path | None) -> str:
    if not user_file or not Path(user_file).is_file():
        return ""
    return hashlib.sha256(Path(user_file).read_bytes()).hexdigest()


@cache
def _load(user_file: str | None, _stamp: str) -> Ontology:
    digest = hashlib.sha256()
    categories: dict[str, CategorySpec] = {}
    cat_path = DATA / "categories.yaml"
    for entry in _read_yaml(cat_path, "categories"):
        entry = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
        cat = CategorySpec(**entry)
        categories[cat.id] = cat
    digest.update(cat_path.read_bytes())

    concepts: dict[str, ConceptSpec] = {}
    all_specs: list[ConceptSpec] = []
    for f in package_files():
        digest.update(f.name.encode() + f.read_bytes())
        specs = _parse_concepts(_read_yaml(f, "ontology file"), f)
        all_specs += specs
        for spec in specs:
            concepts[spec.id] = spec
    # validity (no shared names, known ids) is enforced by tests/test_ontology.py; loading stays
    # tolerant so that a half-edited data file degrades matching instead of stopping every build
    for cid, spec in list(concepts.items()):
        if spec.category not in categories:
            raise OntologyError(f"concept {cid!r} has unknown category {spec.category!r}",
                                hint="use an id from notegraph/data/categories.yaml")

    user_ids: set[str] = set()
    if user_file and Path(user_file).is_file():
        path = Path(user_file)
        digest.update(path.read_bytes())
        for spec in _parse_concepts(_read_yaml(path, "user concepts"), path):
            if spec.category not in categories:
                categories[spec.category] = CategorySpec(id=spec.category, label=spec.category)
            concepts[spec.id] = spec
            user_ids.add(spec.id)
        # a user entry takes its names away from any package concept that also had them
        taken = {normalize_name(n): sid for sid in user_ids for n in concepts[sid].names}
        for cid, spec in list(concepts.items()):
            if cid in user_ids:
                continue
            keep_en = tuple(n for n in spec.en if taken.get(normalize_name(n), cid) == cid)
            keep_ko = tuple(n for n in spec.ko if taken.get(normalize_name(n), cid) == cid)
            if (keep_en, keep_ko) != (spec.en, spec.ko):
                concepts[cid] = spec.model_copy(update={"en": keep_en, "ko": keep_ko})
    known = set(concepts)
    for sid, spec in list(concepts.items()):
        if any(p not in known for p in (*spec.prerequisites, *spec.related)):
            concepts[sid] = spec.model_copy(update={
                "prerequisites": tuple(p for p in spec.prerequisites if p in known),
                "related": tuple(p for p in spec.related if p in known)})

    rules_path = DATA / "inference.yaml"
    rules: list[InferenceRule] = []
    if rules_path.is_file():
        digest.update(rules_path.read_bytes())
        for entry in _read_yaml(rules_path, "inference rules"):
            entry["all_of"] = tuple(tuple(g) if isinstance(g, list) else (g,) for g in entry["all_of"])
            rule = InferenceRule(**entry)
            missing = [c for g in rule.all_of for c in g if c not in concepts] + (
                [rule.concept] if rule.concept not in concepts else [])
            if missing:
                raise OntologyError(f"inference rule for {rule.concept!r} names unknown concepts {missing}",
                                    path=str(rules_path))
            rules.append(rule)
    return Ontology(concepts=concepts, categories=categories, rules=rules,
                    version=digest.hexdigest()[:16], user_ids=frozenset(user_ids))
