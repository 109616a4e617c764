"""The package ontology is unambiguous (every problem is reported at once, so a data editor sees the
whole list), inference rules name real concepts, and a user's concepts.yaml adds and overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from notegraph.errors import OntologyError
from notegraph.models import CategorySpec, ConceptSpec
from notegraph.ontology import DATA, _parse_concepts, _read_yaml, load_ontology, package_files, validate


def _categories() -> dict[str, CategorySpec]:
    out = {}
    for entry in _read_yaml(DATA / "categories.yaml", "categories"):
        entry = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
        out[entry["id"]] = CategorySpec(**entry)
    return out


def _package_specs() -> list[ConceptSpec]:
    return [s for f in package_files() for s in _parse_concepts(_read_yaml(f, "ontology file"), f)]


def test_package_ontology_is_valid() -> None:
    """No duplicate ids, no name on two concepts, known categories, prerequisites and related ids.
    Fails listing every problem (expected to fail while the data files are mid-edit)."""
    problems = validate(_package_specs(), _categories())
    assert not problems, f"{len(problems)} ontology problems:\n" + "\n".join(problems)


def test_package_entries_follow_the_data_rules() -> None:
    """README rules the validator does not check: kebab/dotted ids, no particles or plurals listed,
    guards only as lists of words, entries sorted by id inside each file."""
    problems = []
    for f in package_files():
        specs = _parse_concepts(_read_yaml(f, "ontology file"), f)
        ids = [s.id for s in specs]
        if ids != sorted(ids):
            problems.append(f"{f.name}: entries are not sorted by id")
        for s in specs:
            if s.id != s.id.strip() or " " in s.id:
                problems.append(f"{f.name}: id {s.id!r} has spaces")
            for name in s.ko:
                if name.endswith(("를", "을", "는", "은", "이가", "에서")) and len(name) > 2:
                    problems.append(f"{f.name}: {s.id}: {name!r} looks like it carries a particle")
    assert not problems, "\n".join(problems)


def test_package_ontology_loads_with_rules_that_name_known_concepts() -> None:
    onto = load_ontology()
    assert len(onto) > 0
    for rule in onto.rules:
        assert rule.concept in onto.concepts
        assert all(c in onto.concepts for group in rule.all_of for c in group)


def test_every_name_is_matched_back_to_its_own_concept() -> None:
    """Through the real tokenizer, each name's matcher key belongs to its own concept: a name that
    another concept's name shadows (after lemma folding: "embeddings" ~ "embedding") is unreachable."""
    from notegraph.nlp.matcher import build_index, name_keys
    from notegraph.nlp.pipeline import load_nlp

    onto = load_ontology()
    nlp = load_nlp(onto)
    index = build_index(nlp.tokenizer, onto)
    lost = [f"{cid}: {name!r} → {index.keys[key]!r}" for cid, name, key in name_keys(nlp.tokenizer, onto)
            if key in index.keys and index.keys[key] != cid]
    assert not lost, f"{len(lost)} names are shadowed:\n" + "\n".join(lost)


def _write(path: Path, entries: list[dict]) -> Path:
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


def test_user_concepts_add_and_override(tmp_path: Path) -> None:
    package = load_ontology()
    victim = next(s for s in package.concepts.values() if s.ko)
    user = _write(tmp_path / "concepts.yaml", [
        {"id": "my-flashcards", "label": "flashcards", "category": "study-life", "ko": ["플래시카드"]},
        {"id": victim.id, "label": victim.label, "category": victim.category, "en": ["my own alias"]},
        {"id": "faiss", "label": "FAISS", "category": "my-own-category", "en": [victim.ko[0]]},
    ])
    onto = load_ontology(user)
    assert onto.lookup("플래시 카드").id == "my-flashcards"
    assert onto.concepts[victim.id].en == ("my own alias",)          # replaced, not merged
    assert onto.lookup("my own alias").id == victim.id
    assert onto.lookup(victim.ko[0]).id == "faiss"                   # a user name wins over the package
    assert victim.ko[0] not in onto.concepts[victim.id].ko
    assert "my-own-category" in onto.categories
    assert {"my-flashcards", victim.id, "faiss"} <= onto.user_ids
    assert onto.version != package.version
    assert len(load_ontology()) == len(package)                      # the package ontology is untouched


def test_user_file_errors_say_where(tmp_path: Path) -> None:
    bad = tmp_path / "concepts.yaml"
    bad.write_text("- id: x\n  label: [unclosed\n", encoding="utf-8")
    with pytest.raises(OntologyError) as err:
        load_ontology(bad)
    assert str(bad) in str(err.value)
    missing_label = _write(tmp_path / "c2.yaml", [{"id": "y", "category": "python"}])
    with pytest.raises(OntologyError, match="entry 1"):
        load_ontology(missing_label)
