"""CLI commands that read a built graph: days, gaps, report, concepts, related, export."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest
from typer.testing import CliRunner

from notegraph.cli import app
from notegraph.export import write_graph_json
from notegraph.graph import build_graph

try:
    from .test_queries import WEEK1, WEEK2, make_analysis, small_ontology
except ImportError:
    from test_queries import WEEK1, WEEK2, make_analysis, small_ontology

runner = CliRunner()


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory):
    onto = small_ontology()
    G = build_graph([make_analysis("week1.md", WEEK1, onto), make_analysis("week2.md", WEEK2, onto)], onto)
    path = tmp_path_factory.mktemp("out") / "all" / "graph.json"
    write_graph_json(G, path)
    return path


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_days_with_particle_and_json(graph_file):
    res = run("days", "노드 임베딩을", "--graph", graph_file)
    assert res.exit_code == 0 and "3일차" in res.stdout and "노드 임베딩이 GNN의 출력으로" in res.stdout
    rows = json.loads(run("days", "sigmoud", "--graph", graph_file, "--json").stdout)
    assert [r["label"] for r in rows] == ["2일차", "5일차"] and rows[0]["concept"] == "sigmoid"


def test_unknown_concept_exits_1_with_suggestions(graph_file):
    res = run("related", "regression", "--graph", graph_file)
    assert res.exit_code == 1
    assert "did you mean" in res.stderr and "logistic regression" in res.stderr


def test_gaps_text_json_kinds_and_syllabus(graph_file, tmp_path):
    res = run("gaps", "--graph", graph_file, "--as-of", "2024-03-06")
    assert res.exit_code == 0
    assert "question" in res.stdout and "로지스틱 회귀의 손실이 아직 헷갈린다" in res.stdout
    items = json.loads(run("gaps", "--graph", graph_file, "--kind", "prerequisite", "--json").stdout)
    assert {i["concept"] for i in items} == {"graph theory", "chain rule"}
    syllabus = tmp_path / "plan.txt"
    syllabus.write_text("역전파\n어텐션\n", encoding="utf-8")
    items = json.loads(run("gaps", "-g", graph_file, "--syllabus", syllabus, "-k", "syllabus", "--json").stdout)
    assert [i["concept"] for i in items] == ["어텐션"]
    limited = json.loads(run("gaps", "-g", graph_file, "-k", "single-touch", "--limit", "2", "--json").stdout)
    assert len(limited) == 2
    assert run("gaps", "--graph", graph_file, "--as-of", "yesterday").exit_code == 2
    assert run("gaps", "--graph", graph_file, "--kind", "vibes").exit_code == 1


def test_report_writes_markdown_next_to_graph(graph_file):
    res = run("report", "--week", "2", "--graph", graph_file)
    assert res.exit_code == 0, res.output
    text = (graph_file.parent / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# Study report: week02") and "## Review list" in text
    assert "(concept_map.html)" in text


def test_concepts_by_day_and_week(graph_file):
    rows = json.loads(run("concepts", "--day", "1일차", "--graph", graph_file, "--json").stdout)
    assert {r["label"] for r in rows} == {"tensor", "view", "reshape"}
    res = run("concepts", "--week", "2", "--graph", graph_file)
    assert res.exit_code == 0 and "backpropagation" in res.stdout
    assert run("concepts", "--day", "9일차", "--graph", graph_file).exit_code == 1


def test_related_lists_neighbours(graph_file):
    rows = json.loads(run("related", "로지스틱 회귀", "--graph", graph_file, "--json").stdout)
    assert rows[0]["label"] == "sigmoid" and "prerequisite" in rows[0]["relations"]
    assert "linear regression" in run("related", "logistic regression", "-g", graph_file).stdout


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_formats(graph_file, tmp_path, fmt, reader):
    out = tmp_path / f"g.{fmt}"
    res = run("export", "--format", fmt, "--out", out, "--graph", graph_file)
    assert res.exit_code == 0 and out.exists()
    H = reader(out)
    assert "concept:logistic-regression" in H and H.nodes["concept:logistic-regression"]["label"] == \
        "logistic regression"


def test_missing_graph_is_a_user_error(tmp_path):
    res = run("gaps", "--graph", tmp_path / "nope.json")
    assert res.exit_code == 1 and "notegraph build" in res.stderr


def test_query_commands_do_not_load_nlp_or_pyvis(graph_file, tmp_path):
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom notegraph.cli import app\n"
        f"g = {str(graph_file)!r}\n"
        "for args in (['days', 'tensor'], ['gaps'], ['concepts'], ['related', 'view'], ['report']):\n"
        "    r = CliRunner().invoke(app, [*args, '--graph', g])\n"
        "    assert r.exit_code == 0, (args, r.output)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'spacy', 'kiwipiepy', 'pyvis'})\n"
        "print(bad); sys.exit(1 if bad else 0)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
