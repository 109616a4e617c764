"""The graph built from analysed notes follows the schema that graph.json promises (DESIGN.md,
score.py): day/concept/category nodes, covers/next/co_occurs/is_a/prerequisite edges, evidence."""

from __future__ import annotations

import datetime as dt
import json

import networkx as nx
import pytest

from notegraph.errors import GraphNotFound
from notegraph.export import export_graph, graph_to_json, load_graph
from notegraph.graph import build_graph, weeks
from notegraph.models import Analysis, Block, CategorySpec, ConceptSpec, Mention, Note, Segment
from notegraph.ontology import Ontology

TEXT = "1일차\n텐서를 만들고 view와 reshape 비교\n2일차\nreshape 복습, 로지스틱 회귀\n"


def _ontology() -> Ontology:
    cats = {c.id: c for c in [CategorySpec(id="tensor-operations", label="tensor operations"),
                              CategorySpec(id="pytorch", label="PyTorch"),
                              CategorySpec(id="machine-learning", label="machine learning")]}
    concepts = {c.id: c for c in [
        ConceptSpec(id="tensor", label="tensor", category="pytorch", ko=("텐서",)),
        ConceptSpec(id="tensor.view", label="view", category="tensor-operations", prerequisites=("tensor",)),
        ConceptSpec(id="reshape", label="reshape", category="tensor-operations", prerequisites=("tensor",)),
        ConceptSpec(id="logistic-regression", label="logistic regression", category="machine-learning",
                    ko=("로지스틱 회귀",), prerequisites=("linear-regression",)),
        ConceptSpec(id="linear-regression", label="linear regression", category="machine-learning"),
    ]}
    return Ontology(concepts=concepts, categories=cats, rules=[], version="test")


def _mention(cid: str, surface: str, seg: int, line: int) -> Mention:
    start = TEXT.index(surface, sum(len(x) + 1 for x in TEXT.split("\n")[: line - 1]))
    evidence = TEXT.split("\n")[line - 1]
    return Mention(concept_id=cid, surface=surface, source="w1.md", segment_order=seg, line=line,
                   start=start, end=start + len(surface), section=None, evidence=evidence)


def _analysis() -> Analysis:
    lines = TEXT.split("\n")
    offs = [sum(len(x) + 1 for x in lines[:i]) for i in range(len(lines))]

    def block(i: int) -> Block:
        return Block(text=lines[i], line=i + 1, start=offs[i], end=offs[i] + len(lines[i]))

    segs = (Segment(label="1일차", order=0, date=dt.date(2024, 8, 5), week="week01", line_start=1, line_end=2,
                    blocks=(block(1),)),
            Segment(label="2일차", order=1, date=dt.date(2024, 8, 6), week="week01", line_start=3, line_end=4,
                    blocks=(block(3),)))
    note = Note(source="w1.md", path="/tmp/w1.md", text=TEXT, segments=segs, sha256="x")
    mentions = (_mention("tensor", "텐서", 0, 2), _mention("tensor.view", "view", 0, 2),
                _mention("reshape", "reshape", 0, 2), _mention("reshape", "reshape", 1, 4),
                _mention("logistic-regression", "로지스틱 회귀", 1, 4))
    return Analysis(note=note, mentions=mentions)


def test_days_cover_concepts_with_evidence():
    G = build_graph([_analysis()], _ontology())
    day1, day2 = "day:w1.md#0", "day:w1.md#1"
    assert G.nodes[day1]["kind"] == "day" and G.nodes[day1]["label"] == "1일차"
    assert G.nodes[day2]["date"] == "2024-08-06"
    assert G.has_edge(day1, day2, key="next")
    cover = G.edges[day1, "concept:tensor.view", "covers"]
    assert cover["count"] == 1
    assert cover["evidence"] == [{"source": "w1.md", "line": 2, "text": "텐서를 만들고 view와 reshape 비교",
                                  "section": None}]
    reshape = G.nodes["concept:reshape"]
    assert reshape["days"] == 2 and reshape["first_seen"] == day1 and reshape["last_seen"] == day2
    assert reshape["category"] == "tensor operations"
    assert G.has_edge("concept:reshape", "category:tensor-operations", key="is_a")


def test_co_occurrence_and_prerequisites():
    G = build_graph([_analysis()], _ontology())
    assert G.edges["concept:reshape", "concept:tensor.view", "co_occurs"]["weight"] == 1
    assert G.has_edge("concept:tensor.view", "concept:tensor", key="prerequisite")
    lr = G.nodes["concept:logistic-regression"]
    # the prerequisite is named even though the notes never covered it (the review uses this)
    assert lr["prerequisites"] == ["linear regression"]
    assert "concept:linear-regression" not in G


def test_aliases_include_surfaces_seen():
    G = build_graph([_analysis()], _ontology())
    assert "텐서" in G.nodes["concept:tensor"]["aliases"]
    assert "로지스틱 회귀" in G.nodes["concept:logistic-regression"]["aliases"]


def test_week_subgraph_and_week_list():
    G = build_graph([_analysis()], _ontology(), week="week01")
    assert weeks(G) == ["week01"]
    assert build_graph([_analysis()], _ontology(), week="week02").number_of_nodes() == 0


def test_json_round_trip_is_stable(tmp_path):
    G = build_graph([_analysis()], _ontology())
    text = graph_to_json(G)
    assert text == graph_to_json(build_graph([_analysis()], _ontology()))
    data = json.loads(text)
    assert [n["id"] for n in data["nodes"]] == sorted(n["id"] for n in data["nodes"])
    assert {e["kind"] for e in data["edges"]} >= {"covers", "next", "co_occurs", "is_a", "prerequisite"}
    path = tmp_path / "graph.json"
    export_graph(G, path, "json")
    H = load_graph(path)
    assert nx.utils.graphs_equal(G, H) or (set(G.nodes) == set(H.nodes) and G.number_of_edges() == H.number_of_edges())


def test_graphml_and_gexf_export(tmp_path):
    G = build_graph([_analysis()], _ontology())
    for fmt in ("graphml", "gexf"):
        path = export_graph(G, tmp_path / f"g.{fmt}", fmt)
        H = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        assert H.number_of_nodes() == G.number_of_nodes()
        assert "로지스틱 회귀" in H.nodes["concept:logistic-regression"]["aliases"]


def test_loading_fills_the_same_graph_networkx_would(tmp_path, reference_graph):
    """load_graph writes networkx's adjacency dicts directly (for query speed): it must give exactly
    the graph `nx.node_link_graph` gives, shared edge dicts included, and reject dangling edges."""
    path = tmp_path / "graph.json"
    export_graph(reference_graph, path, "json")
    data = json.loads(path.read_text(encoding="utf-8"))
    expected = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    H = load_graph(path)
    assert nx.utils.graphs_equal(H, expected)
    assert sorted(H.edges(keys=True)) == sorted(expected.edges(keys=True))
    u, v, k = next(iter(H.edges(keys=True)))
    assert H.succ[u][v][k] is H.pred[v][u][k]
    H.add_edge(u, v, key="extra")  # and it stays an ordinary, mutable networkx graph
    assert H.has_edge(u, v, key="extra") and H.number_of_edges() == expected.number_of_edges() + 1
    data["edges"].append({"source": u, "target": "concept:nowhere", "key": "covers", "kind": "covers"})
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(GraphNotFound, match="does not have"):
        load_graph(path)


@pytest.mark.parametrize("kind", [nx.DiGraph, nx.MultiGraph, nx.MultiDiGraph])
def test_graph_json_is_node_link_data_of_any_graph(kind):
    G = kind(name="g")
    G.add_edge("b", "a", weight=1, days=["d1"])
    G.add_edge("a", "b", note="한글")
    G.add_node("c", kind="concept", aliases=["x"])
    data = nx.node_link_data(G, edges="edges")
    data["graph"] = {**data["graph"], "format": "notegraph", "format_version": 1}
    data["nodes"].sort(key=lambda n: n["id"])
    data["edges"].sort(key=lambda e: (e["source"], e["target"], e.get("key", "")))
    assert json.loads(graph_to_json(G)) == data
