"""The fast query path: `days`/`gaps` answered from the query index written by `build` must print
exactly what the full CLI prints from graph.json, import none of the heavy libraries, and step aside
whenever the index cannot answer (stale, missing, options it does not know)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notegraph.cli import app
from notegraph.entry import answer_fast, parse_fast
from notegraph.models import DayHit, Evidence, ReviewItem
from notegraph.query_index import index_path, open_index
from notegraph.records import DayHitRecord, EvidenceRecord, ReviewRecord

runner = CliRunner()

QUERIES = [
    ["days", "GNN"],
    ["days", "노드 임베딩을"],  # a particle on the name
    ["days", "node embedding", "--json"],
    ["days", "GNN", "--week", "1"],
    ["days", "embedding"],  # a category or a family name
    ["days", "grpah neural network"],  # a misspelling
    ["days", "양자역학 파동함수"],  # unknown: exit 1 with a message
    ["gaps"],
    ["gaps", "--json"],
    ["gaps", "-k", "question", "-k", "due", "-n", "2"],
    ["gaps", "--kind=single-touch", "--limit=0", "--json"],
]


def fast(argv: list[str]) -> tuple[int | None, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = answer_fast(argv, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def graph(reference_build: Path) -> Path:
    return reference_build / "all" / "graph.json"


def test_build_writes_an_index_next_to_the_whole_course_graph(graph):
    assert index_path(graph).is_file()
    index = open_index(graph)
    assert index is not None
    index.close()


@pytest.mark.parametrize("argv", QUERIES, ids=" ".join)
def test_fast_answers_equal_the_full_cli(graph, argv):
    code, out, err = fast([*argv, "--graph", str(graph)])
    full = runner.invoke(app, [*argv, "--graph", str(graph)])
    assert code == full.exit_code, (err, full.output)
    if code == 0:
        assert out == full.stdout and out.strip()
    else:
        assert "no concept called" in err and "no concept called" in full.output


def test_reference_week_answers(graph):
    code, out, _ = fast(["days", "GNN", "--graph", str(graph)])
    assert code == 0 and "일차" in out and "GNN" in out
    code, out, _ = fast(["gaps", "--kind", "question", "--graph", str(graph)])
    assert code == 0 and "question" in out and "→" in out


def test_fast_path_imports_no_heavy_library(graph):
    code = ("import sys, io\nfrom notegraph.entry import answer_fast\n"
            f"for argv in (['days', 'GNN'], ['days', 'grpah neural network'], ['gaps']):\n"
            f"    assert answer_fast([*argv, '--graph', {str(graph)!r}], io.StringIO(), io.StringIO()) == 0\n"
            "heavy = {'networkx', 'pydantic', 'spacy', 'kiwipiepy', 'typer', 'rich', 'pyvis', 'yaml'}\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"


def test_stale_or_missing_index_hands_over_to_the_full_cli(graph, tmp_path):
    copy = tmp_path / "all"
    shutil.copytree(graph.parent, copy)
    moved = copy / "graph.json"
    assert fast(["days", "GNN", "--graph", str(moved)])[0] == 0  # a copy (new mtime, same bytes) is fine
    os.utime(moved, ns=(0, 0))
    assert fast(["days", "GNN", "--graph", str(moved)])[0] == 0
    moved.write_text(moved.read_text(encoding="utf-8").replace('"GNN"', '"GNN "', 1), encoding="utf-8")
    assert open_index(moved) is None and fast(["days", "GNN", "--graph", str(moved)])[0] is None
    full = runner.invoke(app, ["days", "GNN", "--graph", str(moved)])
    assert full.exit_code == 0 and "GNN" in full.stdout  # the full CLI still answers from the graph
    index_path(moved).unlink()
    assert fast(["gaps", "--graph", str(moved)])[0] is None


@pytest.mark.parametrize("argv", [
    ["days", "GNN", "--help"], ["gaps", "--as-of", "2024-01-01"], ["gaps", "--today"],
    ["gaps", "--syllabus", "topics.txt"], ["gaps", "--week", "1"], ["days"], ["days", "a", "b"],
    ["days", "GNN", "--week"], ["gaps", "-n", "many"], ["gaps", "-n", "-1"], ["concepts"], [],
])
def test_options_only_the_full_cli_knows_are_handed_over(argv):
    assert parse_fast(argv) is None


def test_unknown_week_or_kind_is_explained_by_the_full_cli(graph):
    assert fast(["days", "GNN", "--week", "99", "--graph", str(graph)])[0] is None
    assert fast(["gaps", "--kind", "everything", "--graph", str(graph)])[0] is None
    full = runner.invoke(app, ["gaps", "--kind", "everything", "--graph", str(graph)])
    assert full.exit_code == 1 and "unknown review kind" in full.output


@pytest.mark.parametrize(("record", "model"), [(DayHitRecord, DayHit), (ReviewRecord, ReviewItem),
                                                (EvidenceRecord, Evidence)])
def test_record_types_match_the_models(record, model):
    assert list(record.__annotations__) == list(model.model_fields)


def test_index_rows_equal_the_graph_answers_for_every_concept(graph, reference_graph):
    from notegraph.queries import concept_nodes, days_covering

    index = open_index(graph)
    assert index is not None
    try:
        for node in concept_nodes(reference_graph):
            label = reference_graph.nodes[node]["label"]
            want = [h.model_dump(mode="json") for h in days_covering(reference_graph, label)]
            assert index.days(label) == want, label
    finally:
        index.close()


def test_an_unwritable_index_is_a_clear_output_error(graph, tmp_path, monkeypatch):
    from notegraph import query_index
    from notegraph.errors import OutputError
    from notegraph.export import load_graph

    copy = tmp_path / "graph.json"
    copy.write_bytes(graph.read_bytes())

    def no_temp(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(query_index.tempfile, "mkstemp", no_temp)
    with pytest.raises(OutputError, match="query index"):
        query_index.write_index(load_graph(copy), copy, None)
    assert not index_path(copy).exists()
