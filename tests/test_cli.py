"""The command line on the reference week: build, then ask which days covered a concept by any
alias, in Korean or English, with particles attached; unknown names get suggestions and exit 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from notegraph.cli import app

runner = CliRunner()


def _days(graph: Path, *args: str):
    return runner.invoke(app, ["days", *args, "--graph", str(graph), "--json"])


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "days"):
        assert command in result.output


def test_python_dash_m_works():
    proc = subprocess.run([sys.executable, "-m", "notegraph", "--help"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0 and "build" in proc.stdout


def test_build_prints_a_summary(tmp_path, reference_note):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / reference_note.name).write_bytes(reference_note.read_bytes())
    result = runner.invoke(app, ["build", str(notes), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "days: 6" in result.output
    assert (tmp_path / "out" / "week01" / "concept_map.html").is_file()


def test_days_by_korean_and_english_alias(reference_build):
    graph = reference_build / "all" / "graph.json"
    for name in ("노드 임베딩", "node embedding", "Node Embedding", "노드임베딩을"):
        result = _days(graph, name)
        assert result.exit_code == 0, f"{name}: {result.output}"
        hits = json.loads(result.output)
        assert [h["label"] for h in hits] == ["5일차"], name
        assert any("노드 임베딩" in ev["text"] for ev in hits[0]["evidence"])
    for name in ("GNN", "gnn", "그래프 신경망", "Graph Neural Network"):
        hits = json.loads(_days(graph, name).output)
        assert [h["label"] for h in hits] == ["5일차", "1주차 후기"], name


def test_days_are_oldest_first_with_evidence(reference_build):
    hits = json.loads(_days(reference_build / "all" / "graph.json", "github").output)
    labels = [h["label"] for h in hits]
    assert labels == sorted(labels, key=["1일차", "2일차", "3일차", "4일차", "5일차", "1주차 후기"].index)
    assert len(labels) >= 3
    assert all(h["evidence"] and h["evidence"][0]["line"] > 0 for h in hits)


def test_a_category_lists_its_members_days(reference_build):
    hits = json.loads(_days(reference_build / "all" / "graph.json", "tensor operations").output)
    assert {"1일차", "2일차"} <= {h["label"] for h in hits}


def test_unknown_concept_exits_1_with_suggestions(reference_build):
    result = runner.invoke(app, ["days", "노드 임베딩 방법론", "--graph", str(reference_build / "all" / "graph.json")])
    assert result.exit_code == 1
    assert "did you mean: node embedding" in " ".join(result.output.split())


def test_a_misspelt_name_resolves_to_the_clear_winner(reference_build):
    hits = json.loads(_days(reference_build / "all" / "graph.json", "sigmoud").output)
    assert [h["concept"] for h in hits] == ["sigmoid"]


def test_missing_graph_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["days", "GNN", "--graph", str(tmp_path / "nope.json")])
    assert result.exit_code == 1
    assert "notegraph build" in result.output
