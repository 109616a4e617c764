"""Shared fixtures: paths to the sample notes and the dev corpus, and one build of the reference
week per test session (building loads Kiwi and spaCy, which is the slow part)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTES = REPO / "notes"
REFERENCE = NOTES / "000_19bc4f7d3c089dca.txt"
DEV_CORPUS = REPO.parent / "shared" / "corpora" / "dev"


@pytest.fixture(scope="session")
def reference_note() -> Path:
    return REFERENCE


@pytest.fixture(scope="session")
def dev_corpus() -> Path:
    if not DEV_CORPUS.is_dir():
        pytest.skip(f"the dev corpus is not at {DEV_CORPUS}")
    return DEV_CORPUS


@pytest.fixture(scope="session")
def reference_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Output folder of `build` on a copy of notes/ (the sample week)."""
    from notegraph.pipeline import build

    notes = tmp_path_factory.mktemp("notes")
    (notes / REFERENCE.name).write_bytes(REFERENCE.read_bytes())
    out = tmp_path_factory.mktemp("build") / "outputs"
    build([notes], out)
    return out


@pytest.fixture(scope="session")
def reference_graph(reference_build: Path):
    from notegraph.export import load_graph

    return load_graph(reference_build / "all" / "graph.json")
