"""Questions a learner asks of the built graph: which concept is this name, which days covered it,
what did a day or week cover, what is it related to.

Graph-first functions over the networkx graph (schema in notegraph/graph.py). Only networkx, yaml
and (for misspellings) rapidfuzz are imported, so `notegraph days` answers without loading spaCy or Kiwi.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import networkx as nx
import yaml

from .errors import NotegraphError
from .models import ConceptRow, DayHit, Evidence, RelatedRow
from .names import normalize_name, resolve_name, week_key
from .questions import load_cues
from .records import DayHitRecord, EvidenceRecord

CATEGORIES_FILE = Path(__file__).parent / "data" / "categories.yaml"


class UnknownWeek(NotegraphError):
    """A --week that no day in the graph belongs to."""


class UnknownDay(NotegraphError):
    """A --day that matches no day label or date in the graph."""


def concept_nodes(G: nx.MultiDiGraph) -> list[str]:
    return [n for n, d in G.nodes(data=True) if d.get("kind") == "concept"]


def day_nodes(G: nx.MultiDiGraph) -> list[str]:
    """Day node ids in timeline order."""
    return sorted((n for n, d in G.nodes(data=True) if d.get("kind") == "day"),
                  key=lambda n: G.nodes[n].get("order", 0))


def covering_days(G: nx.MultiDiGraph, node: str) -> list[str]:
    """Day ids with a `covers` edge to the concept node, in timeline order."""
    return sorted((u for u, _, k in G.in_edges(node, keys=True) if k == "covers"),
                  key=lambda n: G.nodes[n].get("order", 0))


def evidence_of(edge: dict) -> tuple[Evidence, ...]:
    """The `evidence` list of a covers edge as models (unknown keys ignored)."""
    return tuple(Evidence(source=e.get("source", ""), line=e.get("line", 0), text=e.get("text", ""),
                          section=e.get("section")) for e in edge.get("evidence") or ())


@cache
def _category_names() -> dict[str, tuple[str, ...]]:
    try:
        entries = yaml.safe_load(CATEGORIES_FILE.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError):
        return {}
    return {e["id"]: (e.get("label", e["id"]), *e.get("ko", ())) for e in entries if isinstance(e, dict)}


def name_index(G: nx.MultiDiGraph) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """normalised name → concept nodes, and normalised category name → member concept nodes."""
    concepts: dict[str, set[str]] = defaultdict(set)
    categories: dict[str, set[str]] = defaultdict(set)
    members: dict[str, set[str]] = defaultdict(set)
    for n in concept_nodes(G):
        d = G.nodes[n]
        for name in (d.get("label", ""), *(d.get("aliases") or ()), n.split(":", 1)[-1]):
            key = normalize_name(name)
            if key:
                concepts[key].add(n)
        if d.get("category_id"):
            members[d["category_id"]].add(n)
    extra = _category_names()
    for cat_id, nodes in members.items():
        cat = G.nodes.get(f"category:{cat_id}", {})
        for name in (cat_id, cat.get("label", ""), *extra.get(cat_id, ())):
            key = normalize_name(name)
            if key:
                categories[key] |= nodes
    return concepts, categories


class _GraphNames:
    """The graph's concept and category names as a names.NameTable."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G = G
        self.concepts, self.categories = name_index(G)

    def find(self, key: str) -> frozenset[str] | None:
        hit = self.concepts.get(key) or self.categories.get(key)
        return frozenset(hit) if hit else None

    def all_names(self) -> dict[str, frozenset[str]]:
        table = {k: frozenset(v) for k, v in self.categories.items()}
        table.update({k: frozenset(v) for k, v in self.concepts.items()})
        return table

    def facts(self, ids: frozenset[str]) -> dict[str, tuple[str, str | None]]:
        return {n: (self.G.nodes[n].get("label", n), self.G.nodes[n].get("category")) for n in ids}

    def particles(self) -> tuple[str, ...]:
        return load_cues().particles


def resolve(G: nx.MultiDiGraph, name: str, *, fuzzy: bool = True) -> list[str]:
    """Concept node ids for `name`: any label or alias, Korean or English, any case or spacing,
    trailing Korean particles ignored; a category name gives all its member concepts; a clear
    misspelling resolves to the one concept far ahead of the rest (unless `fuzzy` is False).

    Raises UnknownConcept with the closest names otherwise.
    """
    return resolve_name(_GraphNames(G), name, fuzzy=fuzzy)


def week_keys(G: nx.MultiDiGraph) -> list[str]:
    return sorted({d["week"] for _, d in G.nodes(data=True) if d.get("kind") == "day" and d.get("week")})


def match_week(G: nx.MultiDiGraph, week: str) -> str:
    """The graph's week key for `week` given as "1", "01", "week01", "W49" or "2024-W49"."""
    keys = week_keys(G)
    found = week_key(keys, week)
    if found is None:
        raise UnknownWeek(f"no day in this graph belongs to week {week!r}",
                          hint="weeks here: " + (", ".join(keys) or "none (the notes have no week markers)"))
    return found


def days_covering(G: nx.MultiDiGraph, name: str, week: str | None = None) -> list[DayHit]:
    """Days whose notes mention the concept called `name` (any alias, any language), oldest first,
    with the lines as evidence; `week` keeps only that week's days."""
    wk = match_week(G, week) if week else None
    hits = [(order, hit["concept"].casefold(), hit) for node in resolve(G, name)
            for order, hit in day_hit_records(G, node) if not wk or hit["week"] == wk]
    return [DayHit.model_validate(h) for *_, h in sorted(hits, key=lambda t: (t[0], t[1]))]


def day_hit_records(G: nx.MultiDiGraph, node: str) -> list[tuple[int, DayHitRecord]]:
    """(timeline order, DayHit as JSON) for every day covering the concept node, in timeline order.
    JSON first: the query index stores these rows as they are, without a pydantic round trip."""
    label = G.nodes[node].get("label", node)
    out = []
    for day in covering_days(G, node):
        dd = G.nodes[day]
        edge = G.edges[day, node, "covers"]
        out.append((dd.get("order", 0), DayHitRecord(
            day_id=day, label=dd.get("label", day), source=dd.get("source", ""), date=dd.get("date"),
            week=dd.get("week"), concept=label, count=edge.get("count", 1),
            sections=list(edge.get("sections") or ()),
            evidence=[EvidenceRecord(source=e.get("source", ""), line=e.get("line", 0), text=e.get("text", ""),
                                     section=e.get("section")) for e in edge.get("evidence") or ()])))
    return out


def select_days(G: nx.MultiDiGraph, day: str | None = None, week: str | None = None) -> list[str]:
    """Day ids for a day (label as written, ISO date, or day node id) and/or a week, timeline order."""
    days = day_nodes(G)
    if week:
        wk = match_week(G, week)
        days = [d for d in days if G.nodes[d].get("week") == wk]
    if day:
        key = normalize_name(day)
        picked = [d for d in days if d == day or G.nodes[d].get("date") == day.strip()
                  or normalize_name(G.nodes[d].get("label", "")) == key]
        if not picked and key.isdigit():
            picked = [d for d in days if re.findall(r"\d+", G.nodes[d].get("label", "")) == [str(int(key))]]
        if not picked:
            labels = ", ".join(dict.fromkeys(G.nodes[d].get("label", d) for d in days[:12]))
            raise UnknownDay(f"no day called {day!r} in this graph", hint=f"days here: {labels}")
        days = picked
    return days


def concepts_on(G: nx.MultiDiGraph, day: str | None = None, week: str | None = None) -> list[ConceptRow]:
    """Concepts the selected day(s) covered, most mentioned first; `new` marks those first seen there.
    With neither `day` nor `week`, the whole graph."""
    days = select_days(G, day, week)
    chosen = set(days)
    rows: dict[str, dict] = {}
    for d in days:
        for _, node, k, edge in G.out_edges(d, keys=True, data=True):
            if k != "covers":
                continue
            row = rows.setdefault(node, {"count": 0, "days": [], "evidence": evidence_of(edge)[:3]})
            row["count"] += edge.get("count", 1)
            row["days"].append(G.nodes[d].get("label", d))
    out = []
    for node, row in rows.items():
        nd = G.nodes[node]
        out.append(ConceptRow(concept_id=node, label=nd.get("label", node), category=nd.get("category"),
                              origin=nd.get("origin"), count=row["count"],
                              days=tuple(dict.fromkeys(row["days"])), new=nd.get("first_seen") in chosen,
                              evidence=row["evidence"]))
    return sorted(out, key=lambda r: (-r.count, r.label.casefold()))


def related(G: nx.MultiDiGraph, name: str) -> list[RelatedRow]:
    """Neighbours of the concept: by co-occurrence weight, then ontology relations, then shared days."""
    rows = []
    for node in resolve(G, name):
        own_days = set(covering_days(G, node))
        links: dict[str, dict] = defaultdict(lambda: {"weight": 0, "relations": []})
        edges = [*G.out_edges(node, keys=True, data=True), *G.in_edges(node, keys=True, data=True)]
        for u, v, k, data in edges:
            other = v if u == node else u
            if other == node or G.nodes[other].get("kind") != "concept":
                continue
            if k == "co_occurs":
                links[other]["weight"] += data.get("weight", 1)
                rel = "co_occurs"
            elif k == "prerequisite":
                rel = "prerequisite" if u == node else "needed-by"
            elif k == "related":
                rel = "related"
            else:
                continue
            if rel not in links[other]["relations"]:
                links[other]["relations"].append(rel)
        of = G.nodes[node].get("label", node)
        for other, link in links.items():
            rows.append(RelatedRow(concept_id=other, label=G.nodes[other].get("label", other), of=of,
                                   weight=link["weight"], relations=tuple(link["relations"]),
                                   shared_days=len(own_days & set(covering_days(G, other)))))
    ontology = {"prerequisite", "needed-by", "related"}
    return sorted(rows, key=lambda r: (-r.weight, -len(ontology & set(r.relations)), -r.shared_days,
                                       r.label.casefold()))
