"""queries: resolve names, days covering a concept, what a day/week covered, related concepts.

Graphs are built with the real graph builder from small dated notes written for the test; the
concept mentions are found by plain name matching (the nlp stage is not under test here).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from notegraph.errors import UnknownConcept
from notegraph.graph import build_graph
from notegraph.models import Analysis, Block, CategorySpec, ConceptSpec, Mention, Note, Segment
from notegraph.ontology import Ontology
from notegraph.queries import (
    UnknownDay,
    UnknownWeek,
    concepts_on,
    days_covering,
    related,
    resolve,
    select_days,
)

ROOT = Path(__file__).resolve().parent.parent


def small_ontology() -> Ontology:
    cats = [CategorySpec(id="tensor-operations", label="tensor operations", ko=("텐서 연산",)),
            CategorySpec(id="machine-learning", label="machine learning", ko=("머신러닝",)),
            CategorySpec(id="activation-functions", label="activation functions", ko=("활성화 함수",)),
            CategorySpec(id="graph-learning", label="graph learning", ko=("그래프 학습",)),
            CategorySpec(id="deep-learning", label="deep learning", ko=("딥러닝",))]
    concepts = [
        ConceptSpec(id="tensor", label="tensor", category="tensor-operations", ko=("텐서",)),
        ConceptSpec(id="tensor.view", label="view", category="tensor-operations", en=("view()",),
                    prerequisites=("tensor",)),
        ConceptSpec(id="reshape", label="reshape", category="tensor-operations", prerequisites=("tensor",)),
        ConceptSpec(id="sigmoid", label="sigmoid", category="activation-functions", ko=("시그모이드",)),
        ConceptSpec(id="linear-regression", label="linear regression", category="machine-learning",
                    ko=("선형회귀",)),
        ConceptSpec(id="logistic-regression", label="logistic regression", category="machine-learning",
                    ko=("로지스틱 회귀",), prerequisites=("linear-regression", "sigmoid")),
        ConceptSpec(id="mlp", label="MLP", category="deep-learning", en=("multilayer perceptron",),
                    related=("sigmoid",)),
        ConceptSpec(id="backpropagation", label="backpropagation", category="deep-learning",
                    ko=("역전파",), prerequisites=("chain-rule",)),
        ConceptSpec(id="chain-rule", label="chain rule", category="deep-learning", ko=("연쇄 법칙",)),
        ConceptSpec(id="gnn", label="graph neural network", category="graph-learning", en=("GNN",),
                    ko=("그래프 신경망",), prerequisites=("graph-theory",)),
        ConceptSpec(id="graph-theory", label="graph theory", category="graph-learning", ko=("그래프 이론",)),
        ConceptSpec(id="node-embedding", label="node embedding", category="graph-learning",
                    ko=("노드 임베딩",)),
    ]
    return Ontology(concepts={c.id: c for c in concepts}, categories={c.id: c for c in cats}, rules=[],
                    version="t")


def make_analysis(source: str, days: list[tuple[str, str | None, str | None, list[str]]],
                  ontology: Ontology) -> Analysis:
    """A note from (label, ISO date, week, lines) days; a line '## X' opens section X. Mentions are
    every case-insensitive occurrence of a concept name (English names on word boundaries)."""
    text_lines: list[str] = []
    plan = []
    for label, date, week, lines in days:
        text_lines.append(label)
        head = len(text_lines)
        rows = []
        for line in lines:
            text_lines.append(line)
            rows.append((len(text_lines), line))
        plan.append((label, date, week, head, rows))
    text = "\n".join(text_lines) + "\n"
    offsets = [0]
    for line in text_lines:
        offsets.append(offsets[-1] + len(line) + 1)
    segments, mentions = [], []
    for order, (label, date, week, head, rows) in enumerate(plan):
        blocks, section, sections = [], None, []
        for lineno, line in rows:
            if line.startswith("## "):
                section = line[3:].strip()
                sections.append(section)
                continue
            start = offsets[lineno - 1]
            body = line.lstrip("- ")
            bstart = start + len(line) - len(body)
            blocks.append(Block(text=body, line=lineno, start=bstart, end=bstart + len(body), section=section,
                                kind="list" if line.startswith("- ") else "prose"))
            for spec in ontology.concepts.values():
                taken: set[int] = set()
                for name in sorted(spec.names, key=len, reverse=True):
                    pat = re.escape(name.casefold())
                    if name.isascii():
                        pat = rf"(?<![a-z0-9]){pat}(?![a-z0-9])"
                    for m in re.finditer(pat, body.casefold()):
                        if taken & set(range(m.start(), m.end())):
                            continue
                        taken |= set(range(m.start(), m.end()))
                        mentions.append(Mention(concept_id=spec.id, surface=body[m.start():m.end()],
                                                source=source, segment_order=order, line=lineno,
                                                start=bstart + m.start(), end=bstart + m.end(),
                                                section=section, evidence=body))
        segments.append(Segment(label=label, order=order, date=dt.date.fromisoformat(date) if date else None,
                                week=week, line_start=head, line_end=rows[-1][0] if rows else head,
                                sections=tuple(sections), blocks=tuple(blocks)))
    note = Note(source=source, path=f"/notes/{source}", text=text, segments=tuple(segments))
    return Analysis(note=note, mentions=tuple(mentions))


WEEK1 = [
    ("1일차", "2024-03-04", "week01", [
        "## 강의",
        "- 텐서를 만들고 view()와 reshape의 차이를 배웠다",
        "- 텐서의 모양을 바꾸는 reshape 연습",
    ]),
    ("2일차", "2024-03-05", "week01", [
        "## 강의",
        "- 선형회귀를 pytorch로 구현했다",
        "- 로지스틱 회귀를 sigmoid를 활성함수로 쓰는 MLP로 볼 수 있다",
        "## 후기",
        "- 로지스틱 회귀의 손실이 아직 헷갈린다",
    ]),
    ("3일차", "2024-03-06", "week01", [
        "## 개인 학습",
        "- GNN 소개 글을 읽었다. 노드 임베딩이 GNN의 출력으로 쓰인다",
        "- GNN에서 어떤 모델이 최근에 쓰이는지 궁금하다",
    ]),
]
WEEK2 = [
    ("4일차", "2024-03-11", "week02", [
        "## 강의",
        "- 텐서 view() 복습",
        "- 역전파와 MLP",
    ]),
    ("5일차", "2024-03-12", "week02", [
        "## 강의",
        "- 로지스틱 회귀 다시 정리: 로지스틱 회귀의 손실은 BCE",
        "- 로지스틱 회귀와 sigmoid",
    ]),
]


@pytest.fixture(scope="module")
def G():
    onto = small_ontology()
    analyses = [make_analysis("week1.md", WEEK1, onto), make_analysis("week2.md", WEEK2, onto)]
    return build_graph(analyses, onto)


def test_resolve_any_alias_case_spacing_and_particles(G):
    assert resolve(G, "노드 임베딩을") == ["concept:node-embedding"]
    assert resolve(G, "Node Embedding") == ["concept:node-embedding"]
    assert resolve(G, "노드임베딩") == ["concept:node-embedding"]
    assert resolve(G, "gnn") == ["concept:gnn"]
    assert resolve(G, "로지스틱 회귀를") == ["concept:logistic-regression"]


def test_resolve_category_gives_its_members(G):
    members = resolve(G, "그래프 학습")
    assert set(members) == {"concept:gnn", "concept:node-embedding"}
    assert resolve(G, "Graph Learning") == members


def test_clear_misspelling_resolves_and_vague_name_suggests(G):
    assert resolve(G, "sigmoud") == ["concept:sigmoid"]
    assert resolve(G, "backpropagaton") == ["concept:backpropagation"]
    with pytest.raises(UnknownConcept) as exc:
        resolve(G, "regression")
    assert {"linear regression", "logistic regression"} <= set(exc.value.suggestions)
    with pytest.raises(UnknownConcept) as exc:
        resolve(G, "transformer attention")
    assert "did you mean" in str(exc.value) or "notegraph concepts" in str(exc.value)


def test_days_covering_oldest_first_with_evidence(G):
    hits = days_covering(G, "로지스틱 회귀")
    assert [h.label for h in hits] == ["2일차", "5일차"]
    assert [h.date for h in hits] == [dt.date(2024, 3, 5), dt.date(2024, 3, 12)]
    assert hits[0].evidence[0].text == "로지스틱 회귀를 sigmoid를 활성함수로 쓰는 MLP로 볼 수 있다"
    assert hits[0].evidence[0].line == 8 and hits[0].evidence[0].source == "week1.md"
    assert hits[1].count == 3


@pytest.mark.parametrize("week", ["2", "02", "week02", "W2"])
def test_days_covering_one_week(G, week):
    assert [h.label for h in days_covering(G, "tensor", week=week)] == ["4일차"]


def test_unknown_week_lists_the_weeks(G):
    with pytest.raises(UnknownWeek, match="week01, week02"):
        days_covering(G, "tensor", week="7")


def test_concepts_on_day_by_label_or_date_and_week(G):
    by_label = concepts_on(G, day="1일차")
    assert by_label == concepts_on(G, day="2024-03-04")
    assert [(r.label, r.count) for r in by_label] == [("reshape", 2), ("tensor", 2), ("view", 1)]
    assert all(r.new for r in by_label)
    week2 = {r.label: r for r in concepts_on(G, week="2")}
    assert not week2["tensor"].new and week2["backpropagation"].new
    assert week2["logistic regression"].days == ("5일차",)
    with pytest.raises(UnknownDay):
        select_days(G, day="9일차")


def test_related_orders_by_cooccurrence_then_ontology(G):
    rows = related(G, "logistic regression")
    labels = [r.label for r in rows]
    assert labels[0] == "sigmoid" and rows[0].weight == 2
    assert "prerequisite" in rows[0].relations
    lin = next(r for r in rows if r.label == "linear regression")
    assert lin.relations == ("prerequisite",) and lin.weight == 0 and lin.shared_days == 1


def test_graph_readers_do_not_import_nlp_or_pyvis(tmp_path):
    code = ("import sys, notegraph.queries, notegraph.review, notegraph.questions, notegraph.render.report\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'spacy', 'kiwipiepy', 'pyvis'})\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
