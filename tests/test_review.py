"""review: each gap kind on small dated notes, FSRS ordering, open questions of the reference week."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from notegraph.graph import build_graph
from notegraph.questions import find_questions
from notegraph.review import annotate, load_syllabus, retrievability, review

try:
    from .test_queries import WEEK1, WEEK2, make_analysis, small_ontology
except ImportError:
    from test_queries import WEEK1, WEEK2, make_analysis, small_ontology

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "notes" / "000_19bc4f7d3c089dca.txt"


@pytest.fixture(scope="module")
def onto():
    return small_ontology()


@pytest.fixture(scope="module")
def G(onto):
    return build_graph([make_analysis("week1.md", WEEK1, onto), make_analysis("week2.md", WEEK2, onto)], onto)


def labels(items, kind):
    return [it.concept for it in items if it.kind == kind]


def test_question_is_open_until_a_later_day_covers_it_in_depth(G):
    before = review(G, as_of=dt.date(2024, 3, 6), kinds=["question"])
    assert labels(before, "question") == ["logistic regression", "graph neural network"]
    confused = before[0]
    assert confused.day == "2일차" and confused.evidence[0].text == "로지스틱 회귀의 손실이 아직 헷갈린다"
    assert "unsure" in confused.why
    after = review(G, kinds=["question"])  # 5일차 explains logistic regression (3 mentions)
    assert labels(after, "question") == ["graph neural network"]


def test_questions_on_the_line_or_borrowed_from_the_list_it_opens(onto):
    a = make_analysis("n.md", [("6일차", "2024-03-13", "week02", [
        "## 개인 학습",
        "- 추가로 이어서 읽어볼 만한 블로그 글:",
        "- GNN 입문과 노드 임베딩",
        "- view와 reshape가 헷갈렸는데 예제로 정리가 되었다",
        "- 불편추정량이란?",
        "- sigmoid는 왜 0과 1 사이지?",
        "- I am not sure how backpropagation uses the chain rule",
        "- BCE 손실이 0.69보다 높으면 무작위 예측보다 못함",
        "- [ ] 역전파 예제 다시 풀기",
        "- view는 알겠는데 reshape는 헷갈린다. MLP 예제에서 다시",
    ])], onto)
    qs = {q.line: q for q in find_questions(a)}
    assert set(qs) == {3, 7, 8, 10, 11}  # "보다 못함" (worse than) is no cue
    assert qs[10].kind == "to-read" and qs[10].concepts == ("backpropagation",)
    assert qs[11].concepts == ("reshape", "tensor.view", "mlp")  # the one named just before the cue first
    assert qs[3].kind == "to-read" and qs[3].concepts == ("gnn", "node-embedding") and qs[3].nearby
    assert qs[7].kind == "curious" and qs[7].concepts == ("sigmoid",)
    assert qs[8].kind == "confused" and set(qs[8].concepts) == {"backpropagation", "chain-rule"}


def test_single_touch_and_missing_prerequisites(G):
    items = review(G, kinds=["single-touch", "prerequisite"])
    single = labels(items, "single-touch")
    assert {"reshape", "node embedding", "linear regression"} <= set(single)
    assert "tensor" not in single and "logistic regression" not in single
    missing = {it.concept: it for it in items if it.kind == "prerequisite"}
    assert set(missing) == {"graph theory", "chain rule"}  # linear regression and sigmoid are covered
    assert missing["chain rule"].also == ("backpropagation",)
    assert missing["chain rule"].evidence[0].text == "역전파와 MLP"


def test_forgetting_curve_ranks_old_single_touch_above_recent_repeats(onto):
    days = [("옛날", "2024-01-02", "w1", ["- 그래프 이론 입문"])]
    days += [(f"{i}일차", f"2024-03-0{i}", "w9", ["- GNN 복습", "- GNN과 노드 임베딩"]) for i in range(1, 6)]
    G = build_graph([make_analysis("fsrs.md", days, onto)], onto)
    due = labels(review(G, as_of=dt.date(2024, 3, 8), kinds=["due"]), "due")
    assert due[0] == "graph theory"
    assert "graph neural network" not in due
    start = dt.date(2024, 1, 1)
    once = retrievability([start], start + dt.timedelta(days=30))
    thrice = retrievability([start, start + dt.timedelta(days=3), start + dt.timedelta(days=10)],
                            start + dt.timedelta(days=30))
    assert 0 < once < thrice < 1


def test_unbridged_clusters_in_the_same_week(onto):
    week = [("1일차", "2024-05-06", "week01", ["- 텐서의 view와 reshape", "- 텐서 reshape 연습"]),
            ("2일차", "2024-05-07", "week01", ["- GNN과 노드 임베딩", "- GNN 구조와 노드 임베딩"]),
            ("3일차", "2024-05-08", "week01", ["- 텐서 view 복습", "- GNN 복습과 노드 임베딩"])]
    G = build_graph([make_analysis("c.md", week, onto)], onto)
    [item] = [it for it in review(G, kinds=["cluster"])]
    assert {item.concept, *item.also} & {"tensor", "view", "reshape"}
    assert {item.concept, *item.also} & {"graph neural network", "node embedding"}
    assert "week01" in item.why and "1 shared day" in item.why
    bridged = week + [("4일차", "2024-05-09", "week01", ["- GNN 입력은 텐서"])]
    G2 = build_graph([make_analysis("c.md", bridged, onto)], onto)
    assert review(G2, kinds=["cluster"]) == []


def test_syllabus_topics_never_covered(G, tmp_path):
    plain = tmp_path / "syllabus.txt"
    plain.write_text("# week 2 plan\n역전파\nattention | 어텐션\n- graph theory\n", encoding="utf-8")
    yml = tmp_path / "syllabus.yaml"
    yml.write_text("- 역전파\n- {topic: attention, aliases: [어텐션]}\n- graph theory\n", encoding="utf-8")
    assert load_syllabus(plain) == load_syllabus(yml) == ["역전파", "attention | 어텐션", "graph theory"]
    items = review(G, kinds=["syllabus"], syllabus=load_syllabus(plain))
    assert labels(items, "syllabus") == ["attention", "graph theory"]
    early = review(G, as_of=dt.date(2024, 3, 6), kinds=["syllabus"], syllabus=["역전파"])
    assert labels(early, "syllabus") == ["역전파"]  # backpropagation only comes on 4일차


def test_annotate_marks_concepts_for_the_map(onto):
    G = build_graph([make_analysis("week1.md", WEEK1, onto), make_analysis("week2.md", WEEK2, onto)], onto)
    annotate(G)
    assert "question" in G.nodes["concept:gnn"]["review"]
    assert "single-touch" in G.nodes["concept:reshape"]["review"]
    assert "prerequisite" in G.nodes["concept:backpropagation"]["review"]
    assert "question" not in G.nodes["concept:logistic-regression"]["review"]  # answered on 5일차
    assert all(isinstance(d["review"], list) for _, d in G.nodes(data=True) if d["kind"] == "concept")


@pytest.mark.slow
def test_reference_week_open_questions(tmp_path):
    from notegraph.export import load_graph
    from notegraph.pipeline import build

    build([REFERENCE], tmp_path / "out", use_cache=False)
    G = load_graph(tmp_path / "out" / "all" / "graph.json")
    items = review(G, kinds=["question"])
    found = [(it.day, it.evidence[0].text) for it in items]

    def has(day, *words):
        return any(d == day and all(w in text for w in words) for d, text in found)

    assert has("1주차 후기", "최근에는 어떤 모델이 쓰이는지 궁금")
    assert has("1주차 후기", "다른 분야에서는 어떤 식으로 비지도학습을 하는지 궁금")
    assert has("2일차", "논문 리딩", "못한")
    assert has("3일차", "추가로 이어서 읽어볼 만한 블로그 글")
    gnn = next(it for it in items if "최근에는 어떤 모델" in it.evidence[0].text)
    assert gnn.concept == "GNN" or "GNN" in gnn.also or "graph neural network" in (gnn.concept or "")
    reading = next(it for it in items if "이어서 읽어볼" in it.evidence[0].text)
    assert reading.concept is not None  # tied to the concepts of the list it opens
    assert not any("reshape와 view" in text for _, text in found)  # confusion resolved on the line
    paper = next(it for it in items if "논문 리딩" in it.evidence[0].text)
    unsupervised = next(it for it in items if "비지도학습" in it.evidence[0].text)
    if "concept:paper-reading" in G:  # the concept named right before "못한", not jekyll after it
        assert paper.concept_id == "concept:paper-reading"
    if "concept:unsupervised-learning" in G:
        assert unsupervised.concept_id == "concept:unsupervised-learning"


def test_questions_are_the_lines_with_a_cue(onto):
    """find_questions looks for cue phrases once per note; it flags exactly the lines find_cue flags."""
    from notegraph.questions import find_cue, load_cues, visible_text

    a = make_analysis("w.md", WEEK1, onto)
    cues = load_cues()
    expected = {b.line for s in a.note.segments for b in s.blocks
                if b.kind != "heading" and find_cue(visible_text(b), cues) is not None}
    assert expected and {q.line for q in find_questions(a)} == expected
