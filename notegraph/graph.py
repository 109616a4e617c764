"""Build the knowledge graph from analysed notes.

The graph is a `networkx.MultiDiGraph`; the edge key is the edge kind, so a concept pair can be
both `co_occurs` and `prerequisite`. Schema (also the contract of graph.json):

Nodes (attribute `kind` tells which):
- ``day:<source>#<n>`` kind="day": label (heading as written), source, order (global timeline
  position, 0-based), note_order (position inside its note), date (ISO or None), week, sections
  (list), is_review (bool), line_start, line_end.
- ``concept:<id>`` kind="concept": label, aliases (sorted, every other name incl. surfaces seen),
  category (label), category_id, origin (ontology | discovered | inferred | linked | user),
  first_seen / last_seen (day node ids), first_date / last_date (ISO or None), days (count),
  mentions (count), prerequisites (labels of ALL ontology prerequisites, present or not),
  prerequisite_ids.
- ``category:<id>`` kind="category": label.
Edges (attribute `kind` == key):
- covers    day→concept: count, sections, origin, surfaces, evidence [{source, line, text, section}]
- next      day→day along the timeline
- co_occurs concept→concept (ids sorted, stored once): weight (lines naming both), days (day ids)
- is_a      concept→category
- prerequisite concept→concept: the target is a prerequisite of the source (ontology)
- related   concept→concept (ontology `related`, both present)
- links_to  day→concept: an explicit [[wikilink]] or #tag on that day
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations

import networkx as nx

from .models import Analysis, ConceptSpec, Mention, Segment
from .ontology import Ontology
from .questions import questions_by_day

MAX_EVIDENCE = 3  # lines kept per day and concept: enough to recall the context, small graph.json
ORIGIN_RANK = {"ontology": 0, "user": 0, "linked": 1, "discovered": 2, "inferred": 3}


def day_id(source: str, order: int) -> str:
    return f"day:{source}#{order}"


def concept_node(concept_id: str) -> str:
    return f"concept:{concept_id}"


def category_node(category_id: str) -> str:
    return f"category:{category_id}"


def timeline(analyses: Iterable[Analysis]) -> list[tuple[str, Segment]]:
    """(source, segment) pairs in reading order of time: dated days by date, a note's undated days
    after its own last known date, ties by file path and position in the note."""
    rows = []
    for a in analyses:
        note = a.note
        known = [s.date for s in note.segments if s.date] or ([note.date] if note.date else [])
        last: dt.date | None = None
        for seg in note.segments:
            last = seg.date or last or (min(known) if known else None)
            rows.append(((last or dt.date.max), note.source, seg.order, seg))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return [(source, seg) for _, source, _, seg in rows]


def build_graph(analyses: Sequence[Analysis], ontology: Ontology, *, week: str | None = None) -> nx.MultiDiGraph:
    """The graph of all analysed notes, or of one `week` only (same schema, fewer days).

    The cyclic garbage collector is paused meanwhile: the build makes ~10^5 dicts and lists that
    never form cycles, and each full collection walks every analysis held in memory (~0.7 s of a
    1,000-note graph's ~3.6 s CPU)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_graph(analyses, ontology, week)
    finally:
        if enabled:
            gc.enable()


def _build_graph(analyses: Sequence[Analysis], ontology: Ontology, week: str | None) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(ontology_version=ontology.version, week=week or "all")
    days = [(src, seg) for src, seg in timeline(analyses) if week is None or seg.week == week]
    day_ids = {(src, seg.order): day_id(src, seg.order) for src, seg in days}
    for i, (src, seg) in enumerate(days):
        G.add_node(day_ids[(src, seg.order)], kind="day", label=seg.label, source=src, order=i,
                   note_order=seg.order, date=seg.date.isoformat() if seg.date else None, week=seg.week,
                   sections=list(seg.sections), is_review=seg.is_review,
                   line_start=seg.line_start, line_end=seg.line_end)
    for (a_src, a), (b_src, b) in zip(days, days[1:], strict=False):
        G.add_edge(day_ids[(a_src, a.order)], day_ids[(b_src, b.order)], key="next", kind="next")

    specs: dict[str, ConceptSpec] = dict(ontology.concepts)
    for a in analyses:
        for spec in a.discovered:
            specs.setdefault(spec.id, spec)

    by_day: dict[str, list[Mention]] = defaultdict(list)
    for a in analyses:
        for m in a.mentions:
            did = day_ids.get((m.source, m.segment_order))
            if did and m.concept_id in specs:
                by_day[did].append(m)

    for did in sorted(by_day, key=lambda d: G.nodes[d]["order"]):
        _add_day_mentions(G, did, by_day[did], specs, ontology)
    _add_concept_summaries(G)
    _add_ontology_edges(G, specs)
    _add_questions(G, analyses, day_ids)
    return G


def _add_questions(G: nx.MultiDiGraph, analyses: Sequence[Analysis],
                   day_ids: dict[tuple[str, int], str]) -> None:
    """Day attribute `questions`: the open questions on that day (see notegraph/questions.py)."""
    sources = {src for src, _ in day_ids}
    found = questions_by_day(a for a in analyses if a.note.source in sources)  # a week's notes only
    for key, did in day_ids.items():
        G.nodes[did]["questions"] = [
            {"line": q.line, "text": q.text, "section": q.section, "kind": q.kind, "cue": q.cue,
             "concepts": [concept_node(c) for c in q.concepts if concept_node(c) in G]}
            for q in found.get(key, [])]


def _add_day_mentions(G: nx.MultiDiGraph, did: str, mentions: list[Mention],
                      specs: dict[str, ConceptSpec], ontology: Ontology) -> None:
    per_concept: dict[str, list[Mention]] = defaultdict(list)
    per_line: dict[tuple[str, int], set[str]] = defaultdict(set)
    for m in mentions:
        per_concept[m.concept_id].append(m)
        per_line[(m.source, m.line)].add(m.concept_id)
    nodes = G._node
    for cid, ms in per_concept.items():
        node = concept_node(cid)
        if node not in nodes:
            spec = specs[cid]
            G.add_node(node, kind="concept", label=spec.label, category_id=spec.category,
                       category=ontology.category_label(spec.category),
                       origin="user" if cid in ontology.user_ids else None,
                       prerequisite_ids=list(spec.prerequisites),
                       prerequisites=[specs[p].label for p in spec.prerequisites if p in specs],
                       _names=set(spec.names), _origins=set())
        data = nodes[node]
        surfaces = {m.surface for m in ms}
        data["_names"].update(surfaces)
        origins = {m.origin for m in ms}
        # the first mention's origin among the best-ranked (a set alone would break rank ties at random)
        origin = next(iter(origins)) if len(origins) == 1 else min(
            (m.origin for m in ms), key=lambda o: ORIGIN_RANK.get(o, 9))
        data["_origins"].add(origin)
        evidence, seen_lines = [], set()
        for m in sorted(ms, key=_by_line):
            if len(evidence) >= MAX_EVIDENCE:
                break
            if (m.source, m.line) in seen_lines:
                continue
            seen_lines.add((m.source, m.line))
            evidence.append({"source": m.source, "line": m.line, "text": m.evidence, "section": m.section})
        _add_edge(G, did, node, "covers", {"kind": "covers", "count": len(ms), "origin": origin,
                                          "sections": sorted({m.section for m in ms if m.section}),
                                          "surfaces": sorted(surfaces), "evidence": evidence})
        if "linked" in origins:
            _add_edge(G, did, node, "links_to", {"kind": "links_to"})
    succ = G._succ
    for cids in per_line.values():
        if len(cids) < 2:
            continue
        for a, b in combinations(sorted(cids), 2):
            u, v = concept_node(a), concept_node(b)
            e = succ[u].get(v, {}).get("co_occurs")
            if e is not None:
                e["weight"] += 1
                if e["days"][-1] != did:  # days come in order, so this day can only be the last one
                    e["days"].append(did)
            else:
                _add_edge(G, u, v, "co_occurs", {"kind": "co_occurs", "weight": 1, "days": [did]})


def _by_line(m: Mention) -> tuple[str, int]:
    return m.source, m.line


def _add_edge(G: nx.MultiDiGraph, u: str, v: str, key: str, data: dict) -> None:
    """`G.add_edge(u, v, key=key, **data)` for nodes already in G and a new key, written straight
    into networkx's adjacency dicts (same order, same result): add_edge's checks and attribute copy
    were a third of building a 1,000-note graph."""
    keys = G._succ[u].get(v)
    if keys is None:
        keys = G._succ[u][v] = G._pred[v][u] = {}
    keys[key] = data


def _add_concept_summaries(G: nx.MultiDiGraph) -> None:
    for node, data in list(G.nodes(data=True)):
        if data.get("kind") != "concept":
            continue
        covers = {u: keys["covers"] for u, keys in G._pred[node].items() if "covers" in keys}
        day_nodes = sorted(covers, key=lambda d: G._node[d]["order"])
        names = data.pop("_names")
        origins = data.pop("_origins")
        if data["origin"] is None:
            data["origin"] = min(origins, key=lambda o: ORIGIN_RANK.get(o, 9)) if origins else "ontology"
        data["aliases"] = sorted(n for n in names if n != data["label"])
        data["days"] = len(day_nodes)
        data["mentions"] = sum(covers[d]["count"] for d in day_nodes)
        data["first_seen"], data["last_seen"] = day_nodes[0], day_nodes[-1]
        data["first_date"] = G.nodes[day_nodes[0]]["date"]
        data["last_date"] = G.nodes[day_nodes[-1]]["date"]
        cat = category_node(data["category_id"])
        if cat not in G:
            G.add_node(cat, kind="category", label=data["category"])
        G.add_edge(node, cat, key="is_a", kind="is_a")


def _add_ontology_edges(G: nx.MultiDiGraph, specs: dict[str, ConceptSpec]) -> None:
    for cid, spec in specs.items():
        u = concept_node(cid)
        if u not in G:
            continue
        for kind, targets in (("prerequisite", spec.prerequisites), ("related", spec.related)):
            for t in targets:
                v = concept_node(t)
                if v in G and v != u:
                    G.add_edge(u, v, key=kind, kind=kind)


def weeks(G: nx.MultiDiGraph) -> list[str]:
    """Week keys in timeline order."""
    seen: dict[str, None] = {}
    for _, d in sorted(((n, d) for n, d in G.nodes(data=True) if d.get("kind") == "day"),
                       key=lambda nd: nd[1]["order"]):
        if d.get("week"):
            seen.setdefault(d["week"], None)
    return list(seen)
