"""The concept map file: one offline UTF-8 HTML page, note text escaped, byte-stable, layout reused.

The graphs here are built with the real `build_graph` from hand-made analyses of the reference note
(five days and a week review, week01) and a short second note (two days, week02): about 45 concepts
with Korean aliases and real evidence lines. `synthetic_graph` makes large graphs for performance.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import networkx as nx
import pytest

from notegraph.export import load_graph, write_graph_json
from notegraph.graph import build_graph
from notegraph.models import Analysis, Block, CategorySpec, ConceptSpec, Mention, Note, Segment
from notegraph.ontology import Ontology
from notegraph.render.layout import compute_layout, load_layout
from notegraph.render.map import map_html, render_map

REFERENCE = Path(__file__).resolve().parents[1] / "notes" / "000_19bc4f7d3c089dca.txt"

WEEK02_NOTE = """2주차 학습 정리
6일차
부캠 강의
- 노드 임베딩을 행렬 분해 관점에서 다시 봤다. GNN의 메시지 전달과 비교하면 이해가 쉽다.
- 어텐션 메커니즘이 결국 가중 평균이라는 점, transformer의 self-attention으로 이어진다.
피어 세션
- GNN 논문을 같이 읽기로 했다. 링크 예측 실습은 다음 주에.
7일차
부캠 강의
- transformer 인코더 구조와 positional encoding을 배웠다. 어텐션 계산이 아직 헷갈린다.
- 드롭아웃과 layer normalization이 왜 필요한지 정리함
개인 학습
- 추천 시스템에 GNN을 쓰는 사례를 찾아봄 (노드 임베딩 + 링크 예측)
"""

# id, label, category, names (en and ko together), prerequisites, related
CONCEPTS: list[tuple[str, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    ("pytorch", "PyTorch", "pytorch", ("pytorch", "파이토치"), (), ()),
    ("tensor", "tensor", "pytorch", ("텐서",), (), ()),
    ("type-casting", "type casting", "tensor-operations", ("타입 캐스팅",), ("tensor",), ()),
    ("cuda", "CUDA", "pytorch", ("cuda",), (), ()),
    ("cpu", "CPU", "computer-basics", ("cpu",), (), ()),
    ("tensor.detach", "detach", "tensor-operations", ("detach",), ("tensor",), ("tensor.clone",)),
    ("tensor.clone", "clone", "tensor-operations", ("clone",), ("tensor",), ()),
    ("torch.reshape", "reshape", "tensor-operations", ("reshape",), ("tensor",), ("tensor.view",)),
    ("tensor.view", "view", "tensor-operations", ("view",), ("tensor",), ()),
    ("contiguous", "contiguous", "tensor-operations", ("contiguous", "continguous"), ("tensor.view",), ()),
    ("torch.stack", "stack", "tensor-operations", ("stack은",), ("tensor",), ("torch.cat",)),
    ("numpy", "NumPy", "data-libraries", ("numpy", "넘파이"), (), ()),
    ("numpy.vstack", "vstack", "data-libraries", ("vstack",), ("numpy",), ()),
    ("numpy.hstack", "hstack", "data-libraries", ("hstack",), ("numpy",), ()),
    ("torch.cat", "torch.cat", "tensor-operations", ("torch.cat", "concatenation"), ("tensor",), ()),
    ("tensor.expand", "expand", "tensor-operations", ("expand",), ("tensor",), ("tensor.repeat",)),
    ("tensor.repeat", "repeat", "tensor-operations", ("repeat",), ("tensor",), ()),
    ("memory", "memory", "computer-basics", ("메모리",), (), ()),
    ("linear-regression", "linear regression", "machine-learning", ("선형회귀", "선형 회귀"), (), ()),
    ("normalization", "normalization", "data-preprocessing", ("normalization", "스케일 조정"), (), ()),
    ("llm", "LLM", "llm", ("llm", "거대 언어 모델"), (), ()),
    ("self-supervised-learning", "self-supervised learning", "machine-learning",
     ("self-supervised", "자기지도 학습"), (), ()),
    ("chatgpt", "ChatGPT", "llm", ("chatgpt",), ("llm",), ()),
    ("human-feedback", "human feedback", "llm", ("휴먼 피드백",), (), ()),
    ("reward-model", "reward model", "reinforcement-learning", ("보상 모델",), (), ()),
    ("reinforcement-learning", "reinforcement learning", "reinforcement-learning", ("강화 학습",), (), ()),
    ("logistic-regression", "logistic regression", "machine-learning", ("로지스틱 회귀",),
     ("linear-regression", "sigmoid"), ()),
    ("sigmoid", "sigmoid", "activation-functions", ("sigmoid", "시그모이드"), (), ()),
    ("activation-function", "activation function", "activation-functions", ("활성함수", "활성화 함수"), (), ()),
    ("mlp", "MLP", "deep-learning", ("mlp", "다층 퍼셉트론"), ("activation-function",), ()),
    ("binary-cross-entropy", "binary cross entropy", "loss-functions", ("바이너리 크로스 엔트로피",),
     ("probability-statistics",), ("sigmoid",)),
    ("probability-statistics", "probability and statistics", "probability-statistics", ("확률통계",), (), ()),
    ("github", "GitHub", "dev-tools", ("github", "깃허브"), (), ()),
    ("jekyll", "Jekyll", "web-backend", ("jekyll",), ("github",), ()),
    ("pull-request", "pull request", "dev-tools", ("pull request",), ("github",), ()),
    ("gnn", "GNN", "graph-learning", ("gnn", "graph neural network", "그래프 신경망"), ("node-embedding",), ()),
    ("node-embedding", "node embedding", "graph-learning", ("노드 임베딩", "node embedding"), (), ()),
    ("supervised-learning", "supervised learning", "machine-learning", ("지도 학습",), (), ()),
    ("unsupervised-learning", "unsupervised learning", "machine-learning", ("비지도 학습", "비지도학습"), (), ()),
    ("node-classification", "node classification", "graph-learning", ("노드 분류",), ("gnn",), ()),
    ("link-prediction", "link prediction", "graph-learning", ("링크 예측",), ("gnn",), ()),
    ("graph-classification", "graph classification", "graph-learning", ("그래프 분류",), ("gnn",), ()),
    ("recommender-system", "recommender system", "recommender-systems", ("추천 시스템",), (), ()),
    ("colab", "Colab", "dev-tools", ("코랩", "colab"), (), ()),
    ("blog", "blog", "study-life", ("블로그",), (), ()),
    ("portfolio", "portfolio", "study-life", ("포트폴리오", "이력서"), (), ()),
    ("matrix-factorization", "matrix factorization", "linear-algebra", ("행렬 분해",), (), ()),
    ("message-passing", "message passing", "graph-learning", ("메시지 전달",), (), ("gnn",)),
    ("attention", "attention", "transformers", ("어텐션",), (), ()),
    ("transformer", "transformer", "transformers", ("transformer", "트랜스포머"), ("attention",), ()),
    ("self-attention", "self-attention", "transformers", ("self-attention", "셀프 어텐션"), ("attention",), ()),
    ("positional-encoding", "positional encoding", "transformers", ("positional encoding",), (), ()),
    ("dropout", "dropout", "regularization", ("드롭아웃",), (), ()),
    ("layer-normalization", "layer normalization", "regularization", ("layer normalization",), (), ()),
]
CATEGORY_LABELS = {
    "pytorch": "PyTorch", "tensor-operations": "tensor operations", "computer-basics": "computer basics",
    "data-libraries": "data libraries", "machine-learning": "machine learning",
    "data-preprocessing": "data preprocessing", "llm": "LLMs and prompting",
    "reinforcement-learning": "reinforcement learning", "activation-functions": "activation functions",
    "deep-learning": "deep learning", "loss-functions": "loss functions",
    "probability-statistics": "probability and statistics", "dev-tools": "developer tools",
    "web-backend": "web and backend", "graph-learning": "graph learning",
    "recommender-systems": "recommender systems", "study-life": "study and career",
    "linear-algebra": "linear algebra", "transformers": "attention and transformers",
    "regularization": "regularization",
}
DAY = re.compile(r"^(\d+일차|\d+주차 후기)$")
SECTION_MAX_CHARS = 14


def fixture_ontology() -> Ontology:
    concepts = {}
    for cid, label, cat, names, prereq, related in CONCEPTS:
        ko = tuple(n for n in names if re.search(r"[가-힣]", n))
        en = tuple(n for n in names if n not in ko)
        concepts[cid] = ConceptSpec(id=cid, label=label, category=cat, en=en, ko=ko,
                                    prerequisites=prereq, related=related)
    cats = {cid: CategorySpec(id=cid, label=label) for cid, label in CATEGORY_LABELS.items()}
    return Ontology(concepts=concepts, categories=cats, rules=[], version="map-fixture")


def analyse(source: str, text: str, week: str, ontology: Ontology,
            extra: dict[int, list[str]] | None = None) -> Analysis:
    """Split a note into days (…일차 / …주차 후기 lines), sections (short lines) and blocks, and find
    every concept name in each block as a plain substring (the fixture's stand-in for the nlp stage)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    starts = [i for i, line in enumerate(lines) if DAY.match(line.strip())]
    segments, mentions = [], []
    for order, start in enumerate(starts):
        end = (starts[order + 1] if order + 1 < len(starts) else len(lines)) - 1
        blocks, sections, section = [], [], None
        for i in range(start + 1, end + 1):
            line = lines[i]
            if not line.strip():
                continue
            if not line.startswith("- ") and len(line) <= SECTION_MAX_CHARS:
                section = line.strip()
                sections.append(section)
                continue
            blocks.append(Block(text=line, line=i + 1, start=offsets[i], end=offsets[i] + len(line),
                                section=section, kind="list" if line.startswith("- ") else "prose"))
        for block in blocks:
            folded = block.text.casefold()
            for spec in ontology.concepts.values():
                for name in spec.names:
                    at = folded.find(name.casefold())
                    if at >= 0:
                        mentions.append(Mention(
                            concept_id=spec.id, surface=block.text[at:at + len(name)], source=source,
                            segment_order=order, line=block.line, start=block.start + at,
                            end=block.start + at + len(name), section=block.section,
                            evidence=block.text))
                        break
        label = lines[start].strip()
        segments.append(Segment(label=label, order=order, week=week, is_review="후기" in label,
                                line_start=start + 1, line_end=end + 1, sections=tuple(sections),
                                blocks=tuple(blocks)))
    note = Note(source=source, path=f"/notes/{source}", text=text, segments=tuple(segments))
    return Analysis(note=note, mentions=tuple(mentions))


def realistic_graph(extra_note: str | None = None) -> nx.MultiDiGraph:
    """The reference week (week01) plus a two-day week02 note, through the real build_graph."""
    onto = fixture_ontology()
    analyses = [analyse("000_19bc4f7d3c089dca.txt", REFERENCE.read_text(encoding="utf-8"), "week01", onto),
                analyse("week02.md", WEEK02_NOTE + (extra_note or ""), "week02", onto)]
    G = build_graph(analyses, onto)
    G.nodes["concept:gnn"]["review"] = ["open question", "due"]
    G.nodes["concept:attention"]["review"] = ["open question"]
    G.nodes["concept:binary-cross-entropy"]["review"] = ["prerequisite"]
    G.nodes["concept:tensor"]["review"] = ["due", "single-touch"]
    return G


def synthetic_graph(n_concepts: int = 2000, n_edges: int = 6000, n_days: int = 60,
                    seed: int = 3) -> nx.MultiDiGraph:
    """A large graph in the same schema: concepts spread over `n_days` days in weeks of five, each
    covered one to three times; `n_edges` co_occurs edges, mostly between concepts of nearby days
    (as in real notes), some between any two."""
    rng = random.Random(seed)
    cats = sorted(CATEGORY_LABELS)
    G = nx.MultiDiGraph(week="all")
    days = []
    for i in range(n_days):
        week = f"week{i // 5 + 1:02d}"
        d = f"day:{week}.md#{i % 5}"
        G.add_node(d, kind="day", label=f"{i % 5 + 1}일차", source=f"{week}.md", order=i, note_order=i % 5,
                   date=f"2024-{1 + i // 28:02d}-{1 + i % 28:02d}", week=week, sections=["부캠 강의"],
                   is_review=False)
        days.append(d)
    for a, b in zip(days, days[1:], strict=False):
        G.add_edge(a, b, key="next", kind="next")
    concepts = [f"concept:c{i:04d}" for i in range(n_concepts)]
    home: dict[str, int] = {}
    by_day: dict[int, list[str]] = {i: [] for i in range(n_days)}
    for i, c in enumerate(concepts):
        cat = cats[i % len(cats)]
        home[c] = rng.randrange(n_days)
        by_day[home[c]].append(c)
        covered = sorted({min(n_days - 1, home[c] + rng.randrange(4)) for _ in range(rng.randint(1, 3))})
        G.add_node(c, kind="concept", label=f"개념 {i}", aliases=[f"concept {i}", f"개념{i}번"],
                   category=CATEGORY_LABELS[cat], category_id=cat, origin="ontology", days=len(covered),
                   mentions=len(covered))
        for d in covered:
            text = f"개념 {i}을(를) 배웠다 — concept {i} in context"
            G.add_edge(days[d], c, key="covers", kind="covers", count=1, sections=["부캠 강의"],
                       evidence=[{"source": G.nodes[days[d]]["source"], "line": 3 + i % 40, "text": text,
                                  "section": "부캠 강의"}])
    added = 0
    while added < n_edges:
        a = rng.choice(concepts)
        near = [c for d in range(home[a] - 2, home[a] + 3) for c in by_day.get(d, ()) if c != a]
        b = rng.choice(near) if near and rng.random() < 0.85 else rng.choice(concepts)
        a, b = sorted((a, b))
        if a != b and not G.has_edge(a, b, "co_occurs"):
            G.add_edge(a, b, key="co_occurs", kind="co_occurs", weight=rng.randint(1, 3), days=[])
            added += 1
    return G


def page_data(html: str) -> dict:
    """The JSON the page reads (inside <script type="application/json" id="ng-data">), unpacked as
    map.js unpacks it: edge rows into vis edge objects, hits' evidence indices into the evidence."""
    m = re.search(r'<script type="application/json" id="ng-data">(.*?)</script>', html, re.S)
    assert m, "no data block"
    data = json.loads(m.group(1))
    nodes, styles = data["nodes"], data["edgeStyles"]
    data["edges"] = [{**styles[data["edgeKinds"][r[0]]], **({"width": r[3]} if len(r) > 3 else {}),
                      "from": nodes[r[1]]["id"], "to": nodes[r[2]]["id"]} for r in data["edges"]]
    evidence = [dict(zip(("source", "line", "text", "section"), r, strict=True)) for r in data["evidence"]]
    for n in data["info"].values():
        if n["kind"] == "concept":
            n["days"] = [{"day": data["days"][h[0]] if isinstance(h[0], int) else h[0], "count": h[1],
                          "sections": h[2], "evidence": [evidence[i] for i in h[3]]} for h in n["days"]]
    return data


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return realistic_graph()


@pytest.fixture(scope="module")
def page(graph: nx.MultiDiGraph) -> str:
    return map_html(graph, title="1주차 · week01")


def test_fixture_is_realistic(graph: nx.MultiDiGraph) -> None:
    kinds = [d["kind"] for _, d in graph.nodes(data=True)]
    assert 35 <= kinds.count("concept") <= 60 and kinds.count("day") == 8
    assert graph.nodes["concept:node-embedding"]["days"] == 3
    assert "노드 임베딩" in graph.nodes["concept:node-embedding"]["aliases"]


def test_page_is_one_offline_utf8_file(tmp_path: Path, graph: nx.MultiDiGraph) -> None:
    out = render_map(graph, tmp_path / "concept_map.html", title="week01")
    raw = out.read_bytes()
    html = raw.decode("utf-8")  # valid UTF-8 or this raises
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert "노드 임베딩" in html and "\\u" not in page_data(html)["info"]["concept:tensor"]["label"]
    # no external script, stylesheet, font, image or frame: every src/href is absent or inline
    assert not re.search(r"<(script|img|iframe|link|source|audio|video)\b[^>]*\b(src|href)\s*=", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I)
    assert not re.search(r"@import", html)
    assert not re.search(r"(cdnjs|jsdelivr|unpkg)\.", html)  # pyvis's CDN links are gone
    assert "bootstrap" not in html and "tom-select" not in html
    assert "sourceMappingURL" not in html
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline" not in csp.split(
        "script-src")[1].split(";")[0]
    # vis-network itself is inlined
    assert "vis.Network" in html or "Network=" in html
    assert len(re.findall(r"^<script", html, re.M)) == 3  # the data block, vis-network, the page


def test_day_and_concept_nodes_look_different(page: str) -> None:
    data = page_data(page)
    nodes = {n["id"]: n for n in data["nodes"]}
    day, concept = nodes["day:000_19bc4f7d3c089dca.txt#0"], nodes["concept:tensor"]
    assert day["shape"] == "box" and concept["shape"] == "dot"
    assert day["fixed"] is True and day["color"]["background"] != concept["color"]["background"]
    # concepts are sized by days covered and coloured by category
    assert nodes["concept:gnn"]["size"] > nodes["concept:tensor"]["size"] > nodes["concept:cpu"]["size"]
    assert nodes["concept:gnn"]["color"]["background"] == nodes["concept:node-embedding"]["color"]["background"]
    assert nodes["concept:gnn"]["color"]["background"] != nodes["concept:tensor"]["color"]["background"]
    # the label carries the Korean name the learner wrote
    assert nodes["concept:node-embedding"]["label"] == "node embedding\n노드 임베딩"
    # days lie on a timeline: x grows with order, y is the same
    days = data["days"]
    xs = [nodes[d]["x"] for d in days]
    assert xs == sorted(xs) and len(set(xs)) == len(xs) and {nodes[d]["y"] for d in days} == {0.0}


def test_panel_data_lists_days_evidence_and_neighbours(page: str) -> None:
    info = page_data(page)["info"]
    gnn = info["concept:gnn"]
    assert [info[h["day"]]["label"] for h in gnn["days"]] == ["5일차", "1주차 후기", "6일차", "7일차"]
    assert any("GNN의 면모들을" in ev["text"] for ev in gnn["days"][0]["evidence"])
    assert gnn["review"] == ["open question", "due for review"]
    assert "concept:node-embedding" in gnn["prerequisites"]
    assert {"concept:link-prediction", "concept:node-classification"} <= set(gnn["leadsTo"])
    assert "concept:message-passing" in gnn["related"]
    assert gnn["cooccurs"][0][0] == "concept:node-embedding"
    assert info["concept:tensor"]["review"] == ["due for review", "seen on one day only"]
    assert info["concept:cpu"]["review"] == []
    assert info["day:week02.md#1"]["week"] == "week02"


def test_only_actionable_review_marks_draw_a_ring(page: str) -> None:
    nodes = {n["id"]: n for n in page_data(page)["nodes"]}
    assert nodes["concept:gnn"]["color"]["border"] == "#d6336c"  # open question
    # due, seen once, missing prerequisite: listed in the panel, no ring (a first week lacks most prerequisites)
    assert nodes["concept:binary-cross-entropy"]["borderWidth"] < 3
    assert nodes["concept:tensor"]["borderWidth"] == nodes["concept:cpu"]["borderWidth"] < 3


def test_few_days_are_shown_many_are_hidden_by_default(page: str) -> None:
    assert page_data(page)["settings"]["showDays"] is True
    big = map_html(synthetic_graph(60, 80, n_days=30), title="all")
    assert page_data(big)["settings"]["showDays"] is False


def test_note_text_is_never_markup() -> None:
    evil = ("- <script>alert(1)</script> GNN 정리 <img src=x onerror=alert(1)> </script><!-- "
            "& \"quotes\" 'single' \u2028\n")
    G = realistic_graph(extra_note=evil)
    G.nodes["concept:gnn"]["review"] = ["<b onmouseover=alert(1)>due</b>"]
    html = map_html(G, title="<script>alert('title')</script>")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b onmouseover" not in html
    assert html.count("</script>") == 3  # the data block, vis-network and the page script
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    info = page_data(html)["info"]
    evidence = [ev["text"] for h in info["concept:gnn"]["days"] for ev in h["evidence"]]
    assert evil.rstrip("\n") in evidence  # the text itself survives, as data
    assert "innerHTML" not in html.split('id="ng-data"')[1].split("</script>", 2)[2]  # our script


def test_empty_and_tiny_graphs_still_give_a_page(tmp_path: Path) -> None:
    G = nx.MultiDiGraph(week="all")
    assert page_data(map_html(G, title="empty"))["nodes"] == []
    G.add_node("day:a.md#0", kind="day", label="1일차", source="a.md", order=0, date=None, week=None,
               sections=[], is_review=False)
    G.add_node("concept:x", kind="concept", label="x", aliases=[], category="c", category_id="c",
               origin="ontology", days=1)
    G.add_edge("day:a.md#0", "concept:x", key="covers", kind="covers", count=1, evidence=[], sections=[])
    out = render_map(G, tmp_path / "m.html", title="tiny", layout_file=tmp_path / "layout.json")
    assert [n["id"] for n in page_data(out.read_text(encoding="utf-8"))["nodes"]] == ["day:a.md#0", "concept:x"]


def test_same_graph_gives_byte_identical_html(tmp_path: Path) -> None:
    a = render_map(realistic_graph(), tmp_path / "a.html", title="all", layout_file=tmp_path / "a.json")
    b = render_map(realistic_graph(), tmp_path / "b.html", title="all", layout_file=tmp_path / "b.json")
    assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    # rebuilding on top of its own layout changes nothing either
    render_map(realistic_graph(), tmp_path / "a.html", title="all", layout_file=tmp_path / "a.json")
    assert a.read_bytes() == b.read_bytes()


def test_a_graph_read_back_from_graph_json_draws_the_same_map(tmp_path: Path) -> None:
    G = realistic_graph()
    write_graph_json(G, tmp_path / "graph.json")
    assert map_html(load_graph(tmp_path / "graph.json"), title="all") == map_html(G, title="all")


def test_layout_is_reused_and_new_concepts_settle_near_neighbours(tmp_path: Path) -> None:
    layout_file = tmp_path / "layout.json"
    onto = fixture_ontology()
    week1 = build_graph([analyse("000_19bc4f7d3c089dca.txt", REFERENCE.read_text(encoding="utf-8"),
                                 "week01", onto)], onto)
    render_map(week1, tmp_path / "map.html", title="all", layout_file=layout_file)
    first = load_layout(layout_file)
    both = realistic_graph()
    render_map(both, tmp_path / "map.html", title="all", layout_file=layout_file)
    second = load_layout(layout_file)
    old = [n for n in first.positions if n.startswith("concept:")]
    assert old and all(second.positions[n] == first.positions[n] for n in old)
    assert second.day_gap == first.day_gap
    new = sorted(set(second.positions) - set(first.positions))
    assert "concept:transformer" in new and "day:week02.md#0" in new
    # week02 days extend the timeline to the right; its new concepts sit toward those days
    x_last_old_day = max(second.positions[d][0] for d in first.positions if d.startswith("day:"))
    x_new_day = second.positions["day:week02.md#0"][0]
    assert x_new_day > x_last_old_day
    x_old = sum(first.positions[n][0] for n in old) / len(old)
    assert second.positions["concept:transformer"][0] > x_old
    # what the page draws is what the layout file holds
    nodes = {n["id"]: n for n in page_data((tmp_path / "map.html").read_text(encoding="utf-8"))["nodes"]}
    assert (nodes["concept:tensor"]["x"], nodes["concept:tensor"]["y"]) == second.positions["concept:tensor"]


def test_broken_layout_file_is_laid_out_afresh(tmp_path: Path, graph: nx.MultiDiGraph) -> None:
    layout_file = tmp_path / "layout.json"
    layout_file.write_text("{not json", encoding="utf-8")
    render_map(graph, tmp_path / "map.html", title="w", layout_file=layout_file)
    assert load_layout(layout_file).positions.keys() >= {"concept:tensor", "day:week02.md#1"}


def test_layout_spreads_concepts_apart(graph: nx.MultiDiGraph) -> None:
    pos = compute_layout(graph).positions
    concepts = [p for n, p in pos.items() if n.startswith("concept:")]
    closest = min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
                  for i, a in enumerate(concepts) for b in concepts[i + 1:])
    assert closest > 15  # no two dots on top of each other


def test_large_graphs_start_with_the_most_covered_concepts() -> None:
    G = synthetic_graph(900, 2000, n_days=30)
    data = page_data(map_html(G, title="all", max_concepts=300))
    assert data["settings"]["maxConcepts"] == 300
    info = data["info"]
    ranked = sorted((v for v in info.values() if v["kind"] == "concept"), key=lambda v: v["rank"])
    assert len(ranked) == 900  # every concept is in the file (search finds them), 300 shown first
    assert len(ranked[0]["days"]) >= len(ranked[299]["days"]) >= len(ranked[-1]["days"])
