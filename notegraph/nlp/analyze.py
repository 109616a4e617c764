"""Notes in, mentions out: run every block of every note through the pipeline in one batch, then
decide per day (guards, longest match, masked spans, links, inference) what each note names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.language import Language

from ..models import Analysis, Block, ConceptSpec, Mention, Note, Segment
from ..ontology import Ontology, normalize_name
from .calls import CallHit, CallIndex, resolve_call
from .inference import infer
from .links import link_mentions
from .matcher import ConceptHit, guard_ok, select_longest
from .pipeline import TextHits, find_all
from .terms import StopWords, discovered_spec, load_stopwords, term_id

_CALL = re.compile(r"\s*\(.*\)\s*$")


def analyze_notes(notes: Sequence[Note], nlp: Language, ontology: Ontology) -> list[Analysis]:
    """Mentions (reading order) and discovered-term candidates of each note; all blocks of all
    notes go through Kiwi as one batch. Candidates still need `filter_discovered`."""
    stop = load_stopwords()
    calls = nlp.get_pipe("notegraph_concepts").calls if "notegraph_concepts" in nlp.pipe_names else {}
    blocks = [b for note in notes for seg in note.segments for b in seg.blocks]
    found = find_all(nlp, [b.text for b in blocks])
    out = []
    for note in notes:
        mentions: list[Mention] = []
        specs: dict[str, ConceptSpec] = {}
        for seg in note.segments:
            seg_hits = [next(found) for _ in seg.blocks]
            mentions += _segment(note, seg, seg_hits, ontology, stop, specs, calls)
        mentions.sort(key=lambda m: (m.start, m.end, m.concept_id))
        out.append(Analysis(note=note, mentions=tuple(mentions), discovered=tuple(specs.values())))
    return out


def _segment(note: Note, seg: Segment, texts: list[TextHits], ontology: Ontology, stop: StopWords,
             specs: dict[str, ConceptSpec], calls: CallIndex) -> list[Mention]:
    day_text = "\n".join(b.text for b in seg.blocks)
    context = normalize_name(day_text)
    named: list[Mention] = []
    found: list[Mention] = []
    for block, th in zip(seg.blocks, texts, strict=True):
        if th.text != block.text or note.text[block.start:block.end] != block.text:
            continue  # offsets we cannot trust: better no mention than a wrong one
        masked = _relative_masks(block)
        hits = [h for h in th.concept_hits
                if not _overlaps(h.start, h.end, masked) and _guarded_ok(h, block.text, ontology, context)]
        code_hits, code_calls = _code_hits(block, note.text, ontology, calls)
        hits += [h for h in code_hits if _guarded_ok(h, block.text, ontology, context)]
        bare = [c for c in th.call_hits if not _overlaps(c.start, c.end, masked)]
        hits += [h for h in (resolve_call(c, block.text, day_text) for c in bare + code_calls) if h is not None]
        for h in select_longest(hits):
            origin = "user" if h.concept_id in ontology.user_ids else "ontology"
            named.append(_mention(note, seg, block, h.start, h.end, h.concept_id, origin))
        links, link_specs = link_mentions(block, note.text, seg.order, note.source, ontology, stop)
        named += [m for m in links if not any(_same(m, n) for n in named)]
        for spec in link_specs:
            specs.setdefault(spec.id, spec)
        linked = [(m.start - block.start, m.end - block.start) for m in links]
        for t in th.term_hits:
            if not _overlaps(t.start, t.end, masked + linked):
                found.append(_mention(note, seg, block, t.start, t.end, term_id(t.label), "discovered"))
                specs.setdefault(term_id(t.label), discovered_spec(t.label))
    return named + infer(named, ontology.rules) + found


def _mention(note: Note, seg: Segment, block: Block, start: int, end: int, cid: str, origin: str) -> Mention:
    s, e = block.start + start, block.start + end
    return Mention(concept_id=cid, surface=note.text[s:e], source=note.source, segment_order=seg.order,
                   line=block.line, start=s, end=e, section=block.section, origin=origin,  # type: ignore[arg-type]
                   evidence=block.text)


def _same(a: Mention, b: Mention) -> bool:
    return a.concept_id == b.concept_id and a.start < b.end and b.start < a.end


def _relative_masks(block: Block) -> list[tuple[int, int]]:
    """Block.masked holds note offsets; hits are offsets into the block text."""
    return [(max(s, block.start) - block.start, min(e, block.end) - block.start)
            for s, e in block.masked if s < block.end and e > block.start]


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


# several words or a dotted/underscored API name: specific enough to need no guard ("batch normalization",
# "torch.cat"); guards exist for the single everyday words of a concept (view, stack, 정규화)
_SPECIFIC = re.compile(r"\w[\s\-_.·/]+\w")


def _guarded_ok(hit: ConceptHit, text: str, ontology: Ontology, context: str) -> bool:
    spec = ontology.concepts.get(hit.concept_id)
    if spec is None:
        return False
    return not spec.guard or bool(_SPECIFIC.search(text[hit.start:hit.end])) or guard_ok(spec.guard, context)


def _code_hits(block: Block, text: str, ontology: Ontology,
               calls: CallIndex) -> tuple[list[ConceptHit], list[CallHit]]:
    """Inline code that is itself an ontology name (`torch.cat`, `nn.Module()`) or a bare method
    call (`squeeze()`): prose naming an API in backticks names the concept. Other masked text (URLs,
    link targets) is never read."""
    hits = []
    bare: list[CallHit] = []
    for s, e in block.masked:
        raw = text[s:e]
        inner, offset = raw, 0
        if raw.startswith("`"):
            inner = raw.strip("`")
            offset = raw.index(inner) if inner else 0
        elif not (s > 0 and text[s - 1] == "`"):
            continue
        name = _CALL.sub("", inner).strip()
        spec = ontology.lookup(name) if name else None
        start = s + offset + (len(inner) - len(inner.lstrip())) - block.start
        if spec is not None:
            hits.append(ConceptHit(start, start + len(name), spec.id))
        elif name != inner.strip() and name.isidentifier() and name.casefold() in calls:
            bare.append(CallHit(start, start + len(name), calls[name.casefold()]))
    return hits, bare
