"""Open-vocabulary discovery on real dev-note lines: technical terms the ontology lacks are admitted,
generic words, logistics, people, dates, numbers, files and URLs never are."""

from __future__ import annotations

import pytest

from notegraph.models import Analysis, Block, CategorySpec, ConceptSpec, Note, Segment
from notegraph.nlp import analyze_notes, filter_discovered, load_nlp
from notegraph.nlp.terms import admit, classify, load_stopwords
from notegraph.ontology import Ontology

# a small ontology, so that what is "not in the ontology" does not change while the package data grows
KNOWN = [ConceptSpec(id="tensor", label="tensor", category="ml", ko=("텐서",)),
         ConceptSpec(id="gnn", label="GNN", category="ml", en=("graph neural network",)),
         ConceptSpec(id="node-embedding", label="node embedding", category="ml", ko=("노드 임베딩",))]


@pytest.fixture(scope="session")
def ontology() -> Ontology:
    return Ontology(concepts={c.id: c for c in KNOWN}, categories={"ml": CategorySpec(id="ml", label="ML")},
                    rules=[], version="test-discovery")


@pytest.fixture(scope="session")
def nlp(ontology: Ontology):
    return load_nlp(ontology)


def note_of_days(days: list[list[str]], source: str = "n.md") -> Note:
    """One segment per day, one block per line."""
    text, segments, line = "", [], 1
    for order, lines in enumerate(days):
        blocks = []
        for ln in lines:
            blocks.append(Block(text=ln, line=line, start=len(text), end=len(text) + len(ln)))
            text += ln + "\n"
            line += 1
        segments.append(Segment(label=f"{order + 1}일차", order=order, line_start=blocks[0].line,
                                line_end=blocks[-1].line, blocks=tuple(blocks)))
    return Note(source=source, path="/" + source, text=text, segments=tuple(segments))


def discovered(nlp, ontology, days: list[list[str]]) -> set[str]:
    analyses = filter_discovered(analyze_notes([note_of_days(days)], nlp, ontology))
    return {s.label for a in analyses for s in a.discovered}


# real lines from the dev corpus and the reference note
GENERIC = [
    "과제 제출이 생각보다 오래 걸렸으며, 다양한 관점에서 텐서를 써볼 수 있어서 좋았다. 기반을 탄탄히 한 느낌",
    "팀 회고 시간을 가지던 과정에서 유용한 코랩 단축키(alt+shft+L)을 알게 되었다.",
    "매주 금요일 회고 시간을 가지기로 했다.",
    "앞으로 매일 개인 공부-논문 1개 정독이나 그에 준하는 내용(블로그, 강의 자료)을 공부할 것으로 다짐함",
    "캠퍼님의 깃허브로부터 유용한 노션-깃허브 연동형 후기 남기는 방법을 발견하여 크게 도움이 되었다.",
    "자기소개 나누고, 그라운드룰을 정하고, 피어 세션 오리엔테이션 마스터클래스 퀴즈",
    "Today I learned about tf-idf: Term frequency - inverse document frequency",
    "2024년 1월 8일 수요일 (Wednesday, January 8, 2025) 오후 4시 전에 진행하고 싶다.",
    "이렇게 파일이 어느 디렉토리에 저장되게 되면 README.md 파일은 고유한 주소 혹은 main.py 와 github.com",
]


def test_generic_words_logistics_dates_and_files_are_never_discovered(nlp, ontology) -> None:
    # every line twice on two days: recurrence alone must not admit generic words
    assert discovered(nlp, ontology, [GENERIC, GENERIC]) == set()


def test_technical_terms_are_admitted(nlp, ontology) -> None:
    lines = ["OpenAI (chatGPT 회사)의 LangGraph 와 FAISS 로 RAG 파이프라인을 만들었다",
             "모르는 연산은 torch.gather 와 nn.Module 을 상속하는 방법"]
    found = discovered(nlp, ontology, [lines])
    assert {"LangGraph", "FAISS", "RAG", "torch.gather", "nn.Module", "OpenAI"} <= found


def test_korean_compounds_need_recurrence(nlp, ontology) -> None:
    day1 = ["이 글에서 소개하는 사용처는 노드 분류, 링크 예측, 그래프 분류가 있다."]
    day2 = ["GNN으로 링크 예측을 해보았다"]
    assert "링크 예측" in discovered(nlp, ontology, [day1, day2])
    assert "링크 예측" not in discovered(nlp, ontology, [day1])


def test_known_concepts_are_not_rediscovered(nlp, ontology) -> None:
    lines = ["노드 임베딩이 GNN의 아웃풋으로 쓰이기 때문에 Graph Neural Network"] * 3
    assert discovered(nlp, ontology, [lines, lines]) == set()


@pytest.mark.parametrize("text,kind", [
    ("torch.gather", "api"), ("np.linalg.inv", "api"), ("F.relu", "api"), ("nn.Module", "api"),
    ("FAISS", "acronym"), ("LangGraph", "camel"), ("PyCUDA", "camel"), ("batch_first", "identifier"),
    ("README.md", None), ("github.com", None), ("e.g", None), ("x.view", None), ("startIndex", None),
    ("Today", None), ("TODO", None), ("WARNING", None), ("2024", None), ("ok", None),
])
def test_term_shapes(text: str, kind: str | None) -> None:
    assert classify(text, load_stopwords()) == kind


def test_admission_rules_are_about_form_and_recurrence() -> None:
    stop = load_stopwords()
    assert admit("FAISS", stop, blocks=1, days=1)
    assert not admit("KL", stop, blocks=2, days=1) and admit("KL", stop, blocks=2, days=2)
    assert classify("II", stop) is None and classify("VIII", stop) is None  # part numbers, not acronyms
    assert not admit("확률 분포", stop, blocks=2, days=1) and admit("확률 분포", stop, blocks=2, days=2)
    assert not admit("배치 정규화", stop, blocks=5, days=1)  # repeated inside one day: that day's wording
    assert not admit("batch_first", stop, blocks=3, days=1) and admit("batch_first", stop, blocks=2, days=2)
    assert admit("그라운드룰", stop, blocks=1, days=1, linked=True)


def test_filter_is_corpus_level(nlp, ontology) -> None:
    """A compound seen once in each of two notes is admitted in both."""
    a = note_of_days([["그래프 분류 문제를 풀었다"]], "a.md")
    b = note_of_days([["그래프 분류 성능이 좋다"]], "b.md")
    alone = filter_discovered(analyze_notes([a], nlp, ontology))
    both = filter_discovered(analyze_notes([a, b], nlp, ontology))
    assert not alone[0].discovered
    assert [s.label for s in both[0].discovered] == ["그래프 분류"]
    assert all(isinstance(x, Analysis) for x in both)
    assert {m.concept_id for x in both for m in x.mentions if m.origin == "discovered"} == {"x:그래프분류"}


def test_stopwords_file_is_well_formed() -> None:
    stop = load_stopwords()
    assert {"생각", "오늘", "과제", "today", "problem", "idea", "thing", "오리엔테이션", "피어세션"} <= stop.words
    assert "py" in stop.file_extensions and "com" in stop.domains


def test_dotted_names_are_apis_only_with_a_library_head() -> None:
    stop = load_stopwords()
    assert classify("torch.gather", stop) == "api"
    assert classify("df.groupby", stop) == "api"
    assert classify("A_matrix.dot", stop) is None
    assert classify("courses.TheoryContent", stop) is None
