"""The nlp stage on real learners' text: Kiwi-backed tokens stay aligned, concepts are found through
particles, spacing, transliterations and inflection, and masked text, guards, inference and links
behave as the map needs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notegraph.models import Block, CategorySpec, ConceptSpec, InferenceRule, Mention, Note, Segment
from notegraph.nlp import analyze_notes, load_nlp
from notegraph.nlp.english import english_lemma
from notegraph.nlp.matcher import select_longest
from notegraph.nlp.pipeline import find_all
from notegraph.ontology import Ontology

REFERENCE = Path(__file__).resolve().parent.parent / "notes" / "000_19bc4f7d3c089dca.txt"
DAY = re.compile(r"^(\d+일차|\d+주차 후기)$")


def _c(cid: str, label: str, en: tuple[str, ...] = (), ko: tuple[str, ...] = (), **kw: object) -> ConceptSpec:
    return ConceptSpec(id=cid, label=label, category="ml", en=en, ko=ko, **kw)  # type: ignore[arg-type]


CONCEPTS = [
    _c("tensor", "tensor", ("torch.Tensor",), ("텐서",)),
    _c("tensor.view", "view", ("tensor.view", ".view()"), guard=("torch", "tensor", "텐서", "reshape")),
    _c("tensor.reshape", "reshape", ("torch.reshape",), guard=("torch", "tensor", "텐서", "view")),
    _c("torch.cat", "torch.cat", ("concatenate", "cat"), guard=("torch", "tensor", "텐서")),
    _c("nn.module", "nn.Module", ("torch.nn.Module",)),
    _c("sigmoid", "sigmoid", ("logistic function",), ("시그모이드",)),
    _c("logistic-regression", "logistic regression", (), ("로지스틱 회귀",)),
    _c("activation-function", "activation function", (), ("활성함수", "활성화 함수")),
    _c("mlp", "MLP", ("multilayer perceptron",), ("다층 퍼셉트론",)),
    _c("binary-cross-entropy", "binary cross entropy", ("BCE", "Binary Cross-Entropy", "BCELoss"),
       ("바이너리 크로스 엔트로피", "이진 교차 엔트로피")),
    _c("embedding", "embedding", (), ("임베딩",)),
    _c("node-embedding", "node embedding", (), ("노드 임베딩",)),
    _c("gnn", "GNN", ("graph neural network",), ("그래프 신경망",)),
    _c("normalization", "normalization", ("normalize",), ("정규화",)),
    _c("human-feedback", "human feedback", (), ("휴먼 피드백", "인간 피드백")),
    _c("reward-model", "reward model", (), ("보상 모델",)),
    _c("reinforcement-learning", "reinforcement learning", ("RL",), ("강화 학습",)),
    _c("rlhf", "RLHF", ("reinforcement learning from human feedback",)),
    _c("llm", "LLM", ("large language model",), ("거대 언어 모델",)),
    _c("supervised-learning", "supervised learning", (), ("지도 학습",)),
    _c("unsupervised-learning", "unsupervised learning", (), ("비지도 학습",)),
    _c("l1-norm", "L1 norm", (), ("L1 노름",)),
    _c("l2-norm", "L2 norm", (), ("L2 노름",)),
]
RLHF = InferenceRule(concept="rlhf", all_of=(("human-feedback",), ("reward-model",), ("reinforcement-learning",)))


def make_ontology(rules: tuple[InferenceRule, ...] = (), tag: str = "") -> Ontology:
    return Ontology(concepts={c.id: c for c in CONCEPTS}, categories={"ml": CategorySpec(id="ml", label="ML")},
                    rules=list(rules), version=f"test-nlp{tag}")


def make_note(text: str, source: str = "note.md", links: dict[int, tuple[str, ...]] | None = None,
              masked: dict[int, list[str]] | None = None) -> Note:
    """A note whose non-empty lines are blocks; lines like "3일차" start a new day. `masked`
    maps a 1-based line to substrings of it that ingest would mask (inline code, URLs)."""
    segments: list[Segment] = []
    blocks: list[Block] = []
    label, first = "note", 1
    offset = 0
    lines = text.split("\n")

    def close(last: int) -> None:
        if blocks or segments:
            segments.append(Segment(label=label, order=len(segments), line_start=first,
                                    line_end=max(first, last), blocks=tuple(blocks)))

    for i, line in enumerate(lines, start=1):
        if DAY.match(line.strip()):
            close(i - 1)
            blocks, label, first = [], line.strip(), i
        elif line.strip():
            spans = tuple((offset + line.index(s), offset + line.index(s) + len(s))
                          for s in (masked or {}).get(i, []))
            blocks.append(Block(text=line, line=i, start=offset, end=offset + len(line), section=None,
                                masked=spans, links=(links or {}).get(i, ())))
        offset += len(line) + 1
    close(len(lines))
    return Note(source=source, path="/" + source, text=text, segments=tuple(segments))


@pytest.fixture(scope="session")
def ontology() -> Ontology:
    return make_ontology((RLHF,))


@pytest.fixture(scope="session")
def nlp(ontology: Ontology):
    return load_nlp(ontology)


def found(nlp, ontology: Ontology, text: str, **kw: object) -> list[Mention]:
    [analysis] = analyze_notes([make_note(text, **kw)], nlp, ontology)  # type: ignore[arg-type]
    return list(analysis.mentions)


def concept_ids(mentions: list[Mention], origins: tuple[str, ...] = ("ontology",)) -> set[str]:
    return {m.concept_id for m in mentions if m.origin in origins}


# --- tokenizer ---------------------------------------------------------------------------------

def _assert_aligned(doc, text: str) -> None:
    assert doc.text == text
    for t in doc:
        assert text[t.idx:t.idx + len(t.text)] == t.text


def test_doc_text_is_the_input_on_every_reference_line(nlp) -> None:
    lines = REFERENCE.read_text(encoding="utf-8").split("\n")
    for line, doc in zip(lines, nlp.pipe(lines), strict=True):
        _assert_aligned(doc, line)


@pytest.mark.parametrize("text", [
    "detach와 clone의 차이에 대해 따로 공부함 했다",           # contractions 함 = 하+ㅁ, 했 = 하+었
    "팀 회고 시간을 가지던 과정에서 유용한 코랩 단축키(alt+shft+L)을 알게 되었다. 😀🔥",
    "  두 칸\t탭  그리고\n줄바꿈 ",                               # whitespace runs become SP tokens
    "tensor.is_contiguous()는 x.view()와 probabilities.",         # Kiwi alone splits these mid-word
    "한글English混合テキスト ①② ㅋㅋㅋ",
    "",
])
def test_tokens_are_aligned_for_mixed_script(nlp, text: str) -> None:
    _assert_aligned(nlp(text), text)


@given(st.text(alphabet=st.sampled_from(list("텐서를 했다 view() ab.cd_e 😀\t\n-ㅋ가힣A1.")), max_size=40))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_round_trips(nlp, text: str) -> None:
    _assert_aligned(nlp(text), text)


def test_contraction_is_one_token_with_joined_lemma(nlp) -> None:
    doc = nlp("메모리를 복사했다")
    tok = next(t for t in doc if t.text == "했")
    assert tok.lemma_ == "하+었" and tok.tag_ in ("XSV+EP", "VV+EP")


def test_particles_are_separate_tokens_with_kiwi_tags(nlp) -> None:
    doc = nlp("텐서를 생성하고 Tensor가")
    assert [(t.text, t.tag_) for t in doc][:2] == [("텐서", doc[0].tag_), ("를", "JKO")]
    assert doc[0].tag_ in ("NNG", "NNP") and doc[-1].tag_.startswith("J")


def test_dotted_api_names_stay_one_token(nlp) -> None:
    doc = nlp("np.vstack과 torch.cat, nn.Module을")
    assert {"np.vstack", "torch.cat", "nn.Module"} <= {t.text for t in doc}


def test_pipe_gives_the_same_docs_as_one_call_per_text(nlp) -> None:
    lines = [ln for ln in REFERENCE.read_text(encoding="utf-8").split("\n") if ln][:30]
    piped = [[(t.text, t.tag_, t.lemma_) for t in d] for d in nlp.pipe(lines)]
    single = [[(t.text, t.tag_, t.lemma_) for t in nlp(ln)] for ln in lines]
    assert piped == single


def test_analysis_tokens_and_hits_are_the_docs(nlp) -> None:
    """The analysis skips spaCy Docs for speed; it must see exactly what `nlp.pipe` puts in them."""
    lines = [*REFERENCE.read_text(encoding="utf-8").split("\n"), "", "  두 칸\t탭  그리고 ", "메모리를 복사했다 😀"]
    docs = list(nlp.pipe(lines))
    toks = list(nlp.tokenizer.pipe_tokens(lines))
    assert [[tuple(t) for t in ts] for ts in toks] == [
        [(t.text, t.idx, t.tag_, t.lemma_, t.norm_, t.whitespace_) for t in d] for d in docs]
    found = list(find_all(nlp, lines))
    assert [h.text for h in found] == lines
    assert [(h.concept_hits, h.call_hits, h.term_hits) for h in found] == [
        (d._.concept_hits, d._.call_hits, d._.term_hits) for d in docs]


def test_pipe_batches_texts_through_kiwi(nlp) -> None:
    """Kiwi is ~2x faster on a list than on one text at a time: nlp.pipe must hand it whole batches."""
    calls: list[int] = []
    kiwi = nlp.tokenizer.kiwi

    class Counting:
        def tokenize(self, text, **kw):
            calls.append(1 if isinstance(text, str) else len(text))
            return kiwi.tokenize(text, **kw)

    nlp.tokenizer.kiwi = Counting()
    try:
        docs = list(nlp.pipe(["텐서를 생성하고"] * 300))
    finally:
        nlp.tokenizer.kiwi = kiwi
    assert len(docs) == 300 and calls == [300]


def test_english_plural_and_known_inflections_fold() -> None:
    assert english_lemma("embeddings") == "embedding"
    assert english_lemma("probabilities") == "probability"
    assert english_lemma("losses") == "loss"
    assert english_lemma("LLMs") == "LLM"
    assert english_lemma("normalized", {"normalize"}) == "normalize"
    assert english_lemma("padding", {"padding", "pad"}) == "padding"  # a concept name stays itself
    assert english_lemma("loss") == "loss" and english_lemma("axis") == "axis"


# --- matcher -----------------------------------------------------------------------------------

def test_particles_do_not_hide_concepts(nlp, ontology) -> None:
    ms = found(nlp, ontology, "로지스틱 회귀를 sigmoid를 활성함수로 쓰는 MLP로 생각할 수 있다는 점을 깨달았다")
    assert {"logistic-regression", "sigmoid", "activation-function", "mlp"} <= concept_ids(ms)
    assert {m.surface for m in ms} >= {"로지스틱 회귀", "sigmoid", "활성함수", "MLP"}


def test_surface_is_always_the_note_text(nlp, ontology) -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    [a] = analyze_notes([make_note(text)], nlp, ontology)
    assert a.mentions
    for m in a.mentions:
        assert text[m.start:m.end] == m.surface and m.evidence.split("\n")[0] in text


@pytest.mark.parametrize("text", ["텐서를 생성하고", "Tensor가 생성된다", "tensors are arrays",
                                  "pytorch 텐서와 데이터"])
def test_tensor_through_particles_case_and_plural(nlp, ontology, text: str) -> None:
    assert "tensor" in concept_ids(found(nlp, ontology, text))


@pytest.mark.parametrize("text", ["노드임베딩을 배움", "노드 임베딩이 GNN의 아웃풋으로 쓰이기 때문에"])
def test_spacing_variants_hit_the_specific_concept(nlp, ontology, text: str) -> None:
    ids = concept_ids(found(nlp, ontology, text))
    assert "node-embedding" in ids and "embedding" not in ids


def test_longest_match_keeps_the_umbrella_elsewhere(nlp, ontology) -> None:
    ms = found(nlp, ontology, "임베딩을 통해 지도 학습보다 좋고, 노드 임베딩 개념을 소개")
    ids = [m.concept_id for m in ms if m.origin == "ontology"]
    assert ids == ["embedding", "supervised-learning", "node-embedding"]


@pytest.mark.parametrize("text", ["바이너리 크로스 엔트로피를 직접 유도하여", "Binary Cross-Entropy loss",
                                  "binary cross entropy", "nn.BCELoss 대신 BCELoss를", "이진교차엔트로피"])
def test_transliterations_and_spellings_of_bce(nlp, ontology, text: str) -> None:
    assert "binary-cross-entropy" in concept_ids(found(nlp, ontology, text))


def test_english_inflection_reaches_the_concept(nlp, ontology) -> None:
    ms = found(nlp, ontology, "Today I learned how embeddings and LLMs are normalized")
    assert {"embedding", "llm", "normalization"} <= concept_ids(ms)
    assert {"embeddings", "LLMs", "normalized"} <= {m.surface for m in ms}


def test_dotted_api_names_match_whole_or_by_attribute(nlp, ontology) -> None:
    ms = found(nlp, ontology, "늘리지 않고 붙이려면 torch.cat(concatenation), 모델은 torch.nn.Module 상속")
    assert {"torch.cat", "nn.module"} <= concept_ids(ms)


def test_masked_url_is_never_read_but_inline_code_naming_an_api_is(nlp, ontology) -> None:
    line = "참고 https://pytorch.org/docs/sigmoid 그리고 `torch.cat` 와 `y = sigmoid(x) * 2` 로 텐서 연결"
    ms = found(nlp, ontology, line,
               masked={1: ["https://pytorch.org/docs/sigmoid", "`torch.cat`", "`y = sigmoid(x) * 2`"]})
    assert "torch.cat" in concept_ids(ms)
    assert "sigmoid" not in concept_ids(ms)
    code = next(m for m in ms if m.concept_id == "torch.cat")
    assert code.surface == "torch.cat"


def test_guard_words_gate_ambiguous_names_per_day(nlp, ontology) -> None:
    text = ("1일차\n화면의 view가 예쁘다\n2일차\n메모리 공간에서의 차이, 따라서 view가 더 효율적\n"
            "reshape는 새로운 메모리를 할당")
    ms = found(nlp, ontology, text)
    views = [m for m in ms if m.concept_id == "tensor.view"]
    assert [m.segment_order for m in views] == [1]


def test_select_longest_prefers_the_specific_name() -> None:
    from notegraph.nlp.matcher import ConceptHit
    hits = [ConceptHit(0, 6, "node-embedding"), ConceptHit(3, 6, "embedding"), ConceptHit(8, 10, "x")]
    assert select_longest(hits) == [hits[0], hits[2]]


# --- inference and links -----------------------------------------------------------------------

RLHF_DAY = ("3일차\nChatGPT는 이에 더해 기억 능력(휴먼 피드백)을 가지고 있는데, 이는 위의 LLM을 부가적 "
            "보상 모델로 쓰고, 강화 학습 개념을 추가하여 사용자의 기대를 충족할만한 답변들에 점수를 매긴다고 한다.")


def test_rlhf_is_inferred_from_its_description_with_evidence(nlp, ontology) -> None:
    ms = found(nlp, ontology, RLHF_DAY)
    inferred = [m for m in ms if m.origin == "inferred"]
    assert {m.concept_id for m in inferred} == {"rlhf"}
    assert inferred[0].evidence == RLHF_DAY.split("\n")[1]
    assert inferred[0].surface in {"휴먼 피드백", "보상 모델", "강화 학습"}


def test_inference_needs_every_group_and_skips_named_concepts(nlp, ontology) -> None:
    assert not [m for m in found(nlp, ontology, "1일차\n휴먼 피드백과 보상 모델") if m.origin == "inferred"]
    named = found(nlp, ontology, RLHF_DAY + "\n이것이 RLHF이다")
    assert not [m for m in named if m.origin == "inferred"]
    assert "rlhf" in concept_ids(named)


def test_inference_scope_block_requires_one_line(nlp) -> None:
    onto = make_ontology((InferenceRule(concept="rlhf", all_of=RLHF.all_of, scope="block"),), tag="-block")
    split = "1일차\n휴먼 피드백을 모으고\n보상 모델과 강화 학습"
    assert not [m for m in found(load_nlp(onto), onto, split) if m.origin == "inferred"]
    assert [m for m in found(load_nlp(onto), onto, RLHF_DAY) if m.origin == "inferred"]


def test_wikilinks_and_tags_become_mentions(nlp, ontology) -> None:
    line = "오늘은 [[Node Embedding]] 정리, #FAISS 로 검색 #2024-01-05"
    ms = found(nlp, ontology, line, links={1: ("Node Embedding", "FAISS", "2024-01-05")})
    by_id = {m.concept_id: m for m in ms}
    assert by_id["node-embedding"].origin == "ontology" and by_id["node-embedding"].surface == "Node Embedding"
    assert by_id["x:faiss"].origin == "linked" and by_id["x:faiss"].surface == "FAISS"
    assert not any(m.concept_id.startswith("x:2024") for m in ms)



def test_a_tag_after_a_letter_that_case_folds_longer_keeps_its_offsets(nlp, ontology) -> None:
    # "ß".casefold() == "ss": searching the folded line put the tag one character too far right
    line = "Straße ß [[Node Embedding]] #FAISS"
    ms = found(nlp, ontology, line, links={1: ("Node Embedding", "FAISS")})
    by_id = {m.concept_id: m for m in ms if m.origin in ("ontology", "linked")}
    assert by_id["node-embedding"].surface == "Node Embedding" and by_id["x:faiss"].surface == "FAISS"

@pytest.mark.parametrize("text", ["What is Supervised and Unsupervised Learning?", "지도/비지도 학습 비교",
                                  "지도 및 비지도 학습"])
def test_a_shared_head_names_both_coordinated_concepts(nlp, ontology, text: str) -> None:
    assert {"supervised-learning", "unsupervised-learning"} <= concept_ids(found(nlp, ontology, text))


def test_coordination_needs_a_conjunction_and_a_real_concept(nlp, ontology) -> None:
    assert concept_ids(found(nlp, ontology, "L1, L2 노름을 비교했다")) >= {"l1-norm", "l2-norm"}
    assert "supervised-learning" not in concept_ids(found(nlp, ontology, "오늘 Unsupervised Learning 공부"))


def test_a_one_word_name_is_not_assembled_from_two_words(nlp, ontology) -> None:
    onto = Ontology(concepts={**ontology.concepts, "logit": _c("logit", "logit")}, categories=ontology.categories,
                    rules=[], version="test-nlp-logit")
    nlp2 = load_nlp(onto)
    assert "logit" not in concept_ids(found(nlp2, onto, "I set up the env and log it"))
    assert "logit" in concept_ids(found(nlp2, onto, "softmax 전의 logit 값"))
    assert "binary-cross-entropy" in concept_ids(found(nlp2, onto, "Binary Cross Entropy loss"))


def test_guards_gate_single_everyday_words_not_specific_names(nlp, ontology) -> None:
    onto = Ontology(concepts={**ontology.concepts,
                              "normal": _c("normal", "batch normalization", ("batchnorm",), ("배치 정규화", "정규화층"),
                                           guard=("신경망",))},
                    categories=ontology.categories, rules=[], version="test-nlp-guard2")
    nlp2 = load_nlp(onto)
    assert "normal" in concept_ids(found(nlp2, onto, "오늘은 batch normalization 을 배웠다"))
    assert "normal" not in concept_ids(found(nlp2, onto, "정규화층 이야기"))
    assert "normal" in concept_ids(found(nlp2, onto, "신경망의 정규화층 이야기"))


def test_a_bare_method_call_names_the_api_of_the_library_the_day_names() -> None:
    onto = Ontology(concepts={c.id: c for c in [
        _c("torch.transpose", "torch.transpose", ("tensor.transpose",)),
        _c("np.transpose", "np.transpose", ("numpy.transpose",)),
        _c("pd.concat", "pd.concat", ()),
        _c("tensor", "tensor", (), ("텐서",))]},
        categories={"ml": CategorySpec(id="ml", label="ML")}, rules=[], version="test-nlp-calls")
    nlp2 = load_nlp(onto)
    torch_day = "1일차\n텐서의 차원 다루기\n* transpose() : 주어진 차원을 교환, 메모리 공유\n* `transpose()` 도 같다"
    ms = [m for m in found(nlp2, onto, torch_day) if m.concept_id == "torch.transpose"]
    assert [m.surface for m in ms] == ["transpose", "transpose"]
    assert "np.transpose" not in concept_ids(found(nlp2, onto, torch_day))
    # the line's library wins over the day's; a day naming no library gets nothing
    mixed = "1일차\n텐서 연산\nnumpy 에서는 transpose() 로 축 교환, pandas 에서는 concat() 으로 합친다"
    assert concept_ids(found(nlp2, onto, mixed)) & {"np.transpose", "pd.concat", "torch.transpose"} == {
        "np.transpose", "pd.concat"}
    assert not concept_ids(found(nlp2, onto, "1일차\n리눅스에서 transpose() 라는 함수를 짰다"))
    # a call needs the bracket right after the name
    assert "torch.transpose" not in concept_ids(found(nlp2, onto, "1일차\n텐서를 transpose 하기 (차원 교환)"))


def test_an_adnominal_ending_inside_a_name_is_spelling_not_meaning() -> None:
    onto = Ontology(concepts={c.id: c for c in [
        _c("convex-function", "convex function", (), ("볼록 함수",)),
        _c("sparse-matrix", "sparse matrix", (), ("희소 행렬",)),
        _c("sgd", "stochastic gradient descent", (), ("확률적 경사 하강법",)),
        _c("scale-in", "scale-in", (), ("스케일 인",))]},
        categories={"ml": CategorySpec(id="ml", label="ML")}, rules=[], version="test-nlp-adnominal")
    nlp2 = load_nlp(onto)
    ms = found(nlp2, onto, "경사하강법은 볼록한 함수에서 수렴한다. 희소한 행렬은 확률적인 경사하강법에 쓰인다")
    assert {m.surface: m.concept_id for m in ms} == {
        "볼록한 함수": "convex-function", "희소한 행렬": "sparse-matrix", "확률적인 경사하강법": "sgd"}
    # a name that ends in such a syllable keeps it: "스케일 인" is not every "스케일"
    assert not concept_ids(found(nlp2, onto, "각 좌표 성분으로의 스케일 변환"))


def test_a_full_stop_ends_a_name_but_a_dot_inside_an_api_name_does_not(nlp, ontology) -> None:
    stopped = found(nlp, ontology, "오늘은 여기서 binary cross. Entropy 는 다음에")
    assert "binary-cross-entropy" not in concept_ids(stopped)
    assert "binary-cross-entropy" in concept_ids(found(nlp, ontology, "binary cross-entropy 와 torch.cat"))
    assert "torch.cat" in concept_ids(found(nlp, ontology, "binary cross-entropy 와 torch.cat"))
