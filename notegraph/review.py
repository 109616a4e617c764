"""The review list: what a learner should look at again, and why.

Six kinds of gap, each read off the built graph (schema in notegraph/graph.py):
- question      an open question (confused / curious / not done / to read) that no later day
                answered by covering its concept in depth
- prerequisite  an ontology prerequisite of a studied concept that no day covers
- due           spaced repetition: every covering day counts as a review; the FSRS forgetting
                curve estimates recall at `as_of`; lowest recall x highest centrality first
- single-touch  a concept covered on one day only
- cluster       two groups of concepts studied in the same weeks with no line linking them
- syllabus      a syllabus topic no day covers

Only networkx, fsrs and the ontology data are imported, so `notegraph gaps` starts fast.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import networkx as nx
import yaml
from fsrs import Card, Rating, Scheduler, State

from .errors import NotegraphError, UnknownConcept
from .models import Evidence, ReviewItem, ReviewKind
from .queries import day_nodes, evidence_of, match_week, resolve

KINDS: tuple[ReviewKind, ...] = ("question", "prerequisite", "due", "single-touch", "cluster", "syllabus")
DEEP_COUNT = 2  # a later day "covers in depth" with this many mentions or evidence lines
RETENTION = 0.9  # FSRS desired retention: below it a concept is due
LOUVAIN_SEED = 7
MAX_CLUSTER_PAIRS = 6
MAX_PAIRS_PER_CLUSTER = 2
EPOCH = dt.date(2000, 1, 3)  # timeline base for notes without any date

QUESTION_WEIGHT = {"confused": 1.0, "not-done": 0.9, "curious": 0.8, "to-read": 0.7}
QUESTION_WHY = {"confused": "you were unsure about this", "curious": "you wondered about this",
                "not-done": "you did not get to this", "to-read": "you meant to read more on this"}
QUESTION_ACTION = {
    "confused": "Re-read the lines below, then explain {c} in your own words or ask a peer.",
    "curious": "Look up {c} and write the answer under the question.",
    "not-done": "Schedule it: set aside time for {c} this week.",
    "to-read": "Read the material you listed on {c} and note one takeaway.",
}


class SyllabusError(NotegraphError):
    """The syllabus file is missing or not a list of topics."""


def _memo(fn):
    """Cache a whole-graph scan per graph object (checked against its node count: graphs are built
    whole, then only read), so the per-week review of a long course does not rescan it once per week."""
    memo: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def wrapper(G: nx.MultiDiGraph):
        size = G.number_of_nodes()  # O(1); counting a MultiDiGraph's edges walks them all (9 s per 300-note build)
        hit = memo.get(G)
        if hit is None or hit[0] != size:
            hit = memo[G] = (size, fn(G))
        return hit[1]

    wrapper.__doc__ = fn.__doc__
    return wrapper


@_memo
def _dates(G: nx.MultiDiGraph) -> dict[str, dt.date]:
    """A date for every day: its own, else the previous dated day's, else the next one's; notes
    without any date get one day per timeline step from EPOCH."""
    days = day_nodes(G)
    known = {d: dt.date.fromisoformat(str(G.nodes[d]["date"])) for d in days if G.nodes[d].get("date")}
    if not known:
        return {d: EPOCH + dt.timedelta(days=G.nodes[d].get("order", i)) for i, d in enumerate(days)}
    out: dict[str, dt.date] = {}
    last: dt.date | None = None
    for d in days:
        last = known.get(d, last)
        if last is not None:
            out[d] = last
    first = next(iter(known.values()))
    for d in days:
        out.setdefault(d, first)
    return out


def default_as_of(G: nx.MultiDiGraph, week: str | None = None) -> dt.date:
    """The last day's date in G (or in `week`)."""
    dates = _dates(G)
    days = [d for d in dates if week is None or G.nodes[d].get("week") == week]
    return max((dates[d] for d in days), default=dt.date.today())


CoPair = tuple[str, str, float, tuple[str, ...]]  # concept, concept, lines naming both, on which days


@_memo
def _scan(G: nx.MultiDiGraph) -> tuple[dict[str, list[str]], list[CoPair]]:
    """One pass over the edges: covering days per concept, and the co-occurrence pairs."""
    cover: dict[str, list[str]] = defaultdict(list)
    pairs: list[CoPair] = []
    for u, v, k, d in G.edges(keys=True, data=True):
        if k == "covers":
            cover[v].append(u)
        elif k == "co_occurs" and u != v:
            pairs.append((u, v, float(d.get("weight", 1)), tuple(d.get("days") or ())))
    return cover, pairs


def _centrality(cover: dict[str, list[str]], co: dict[str, float]) -> dict[str, float]:
    """Weighted degree in the co-occurrence graph plus days covered, scaled to [0, 1]."""
    raw = {n: co.get(n, 0) + len(days) for n, days in cover.items()}
    top = max(raw.values(), default=0) or 1
    return {n: v / top for n, v in raw.items()}


class _View:
    """The graph as of a date: which days count, which concepts they cover, and when."""

    def __init__(self, G: nx.MultiDiGraph, as_of: dt.date, week: str | None) -> None:
        self.G = G
        self.as_of = as_of
        self.dates = _dates(G)
        self.real_dates = any(G.nodes[d].get("date") for d in self.dates)
        self.days = [d for d in day_nodes(G) if self.dates.get(d, as_of) <= as_of]
        self.selected = [d for d in self.days if week is None or G.nodes[d].get("week") == week]
        order = {d: i for i, d in enumerate(self.days)}
        all_cover, all_pairs = _scan(G)
        self.cover: dict[str, list[str]] = {}
        for n in sorted(all_cover):
            days = sorted((d for d in all_cover[n] if d in order), key=order.__getitem__)
            if days and G.nodes[n].get("kind") == "concept":
                self.cover[n] = days
        chosen = set(self.selected)
        self.concepts = [n for n, days in self.cover.items() if chosen.intersection(days)]
        # co-occurrence as of `as_of` too: a week's review never depends on the weeks after it
        self.pairs: list[tuple[str, str, float]] = []
        co: dict[str, float] = defaultdict(float)
        for u, w, weight, days in all_pairs:
            kept = sum(1 for d in days if d in order) if days else 1
            if kept and u in self.cover and w in self.cover:
                share = weight * kept / (len(days) or 1)
                self.pairs.append((u, w, share))
                co[u] += share
                co[w] += share
        self.central = _centrality(self.cover, co)

    def label(self, node: str) -> str:
        return str(self.G.nodes[node].get("label", node))

    def when(self, day: str) -> str:
        """'2일차 (2024-03-05)', or just the label when the notes carry no dates."""
        label = self.G.nodes[day].get("label", day)
        return f"{label} ({self.dates[day].isoformat()})" if self.real_dates else str(label)

    def now(self) -> str:
        return self.as_of.isoformat() if self.real_dates else "the last day"

    def day_fields(self, day: str) -> dict:
        dd = self.G.nodes[day]
        return {"day_id": day, "day": dd.get("label"), "date": dd.get("date")}

    def evidence(self, day: str, node: str, n: int = 2) -> tuple[Evidence, ...]:
        return evidence_of(self.G.edges[day, node, "covers"])[:n]

    def deep(self, day: str, node: str) -> bool:
        edge = self.G.edges[day, node, "covers"]
        return edge.get("count", 1) >= DEEP_COUNT or len(edge.get("evidence") or ()) >= DEEP_COUNT


def _questions(v: _View) -> list[ReviewItem]:
    items = []
    order = {d: i for i, d in enumerate(v.days)}
    for day in v.selected:
        dd = v.G.nodes[day]
        for q in dd.get("questions") or ():
            named = [c for c in q.get("concepts", ()) if c in v.G]
            open_ = [c for c in named
                     if not any(order[d] > order[day] and v.deep(d, c) for d in v.cover.get(c, ()))]
            if named and not open_:
                continue
            kind = q.get("kind", "curious")
            head = open_[0] if open_ else None  # questions list the concept nearest the cue first
            label = v.label(head) if head else None
            ev = Evidence(source=dd.get("source", ""), line=q.get("line", 0), text=q.get("text", ""),
                          section=q.get("section"))
            items.append(ReviewItem(
                kind="question", concept_id=head, concept=label,
                also=tuple(v.label(c) for c in open_ if c != head),
                why=f"{QUESTION_WHY.get(kind, 'an open question')} on {dd.get('label')} "
                    f"({kind}, cue {q.get('cue', '?')!r}) and "
                    + ("no later day covers it in depth" if head else "the line names no concept"),
                action=QUESTION_ACTION.get(kind, QUESTION_ACTION["curious"]).format(c=label or "it"),
                score=round(QUESTION_WEIGHT.get(kind, 0.5) + 0.1 * v.central.get(head, 0), 4) if head
                else round(QUESTION_WEIGHT.get(kind, 0.5) - 0.2, 4),
                evidence=(ev,), **v.day_fields(day)))
    return items


def _prerequisites(v: _View) -> list[ReviewItem]:
    missing: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    for node in v.concepts:
        data = v.G.nodes[node]
        ids = list(data.get("prerequisite_ids") or ())
        names = list(data.get("prerequisites") or ())
        names = names if len(names) == len(ids) else ids
        for pid, pname in zip(ids, names, strict=True):
            if f"concept:{pid}" not in v.cover:
                missing[pid].append(node)
                labels[pid] = pname
    items = []
    for pid, deps in missing.items():
        deps = sorted(deps, key=lambda n: -v.central.get(n, 0))
        first = v.cover[deps[0]][0]
        dep_labels = [v.label(n) for n in deps]
        items.append(ReviewItem(
            kind="prerequisite", concept_id=f"concept:{pid}" if f"concept:{pid}" in v.G else None,
            concept=labels[pid], also=tuple(dep_labels),
            why=f"{', '.join(dep_labels)} build{'s' if len(deps) == 1 else ''} on {labels[pid]}, "
                "which no day in your notes covers",
            action=f"Study {labels[pid]} (a prerequisite), then revisit {dep_labels[0]}.",
            score=round(len(deps) + max(v.central.get(n, 0) for n in deps), 4),
            evidence=v.evidence(first, deps[0], 1), **v.day_fields(first)))
    return items


_BASE = dt.datetime(2000, 1, 3, 12, tzinfo=dt.UTC)


@cache
def _memory_state(gaps: tuple[int, ...]) -> tuple[float, float]:
    """(stability, difficulty) after "Good" reviews separated by `gaps` days (first review = ()).
    Iterative (a concept may be reviewed on hundreds of days); memoised on the whole gap sequence,
    so concepts studied on the same rhythm share the work."""
    scheduler = _scheduler()
    card, _ = scheduler.review_card(Card(card_id=1), Rating.Good, review_datetime=_BASE)
    for gap in gaps:
        card = Card(card_id=1, state=State.Review, stability=card.stability, difficulty=card.difficulty,
                    last_review=_BASE, due=_BASE)
        card, _ = scheduler.review_card(card, Rating.Good, review_datetime=_BASE + dt.timedelta(days=gap))
    return float(card.stability or 0), float(card.difficulty or 0)


@cache
def _scheduler() -> Scheduler:
    return Scheduler(learning_steps=(), enable_fuzzing=False)


def retrievability(review_dates: Iterable[dt.date], as_of: dt.date) -> float:
    """FSRS recall probability at `as_of` when each (distinct) date was a successful ("Good")
    review, from the fsrs package's forgetting curve."""
    dates = sorted(set(review_dates))
    if not dates:
        return 0.0
    gaps = tuple((b - a).days for a, b in zip(dates, dates[1:], strict=False))
    stability, difficulty = _memory_state(gaps)
    card = Card(card_id=1, state=State.Review, stability=stability, difficulty=difficulty,
                last_review=_BASE, due=_BASE)
    return _scheduler().get_card_retrievability(card, _BASE + dt.timedelta(days=(as_of - dates[-1]).days))


def _due(v: _View) -> list[ReviewItem]:
    items = []
    for node in v.concepts:
        days = v.cover[node]
        r = retrievability((v.dates[d] for d in days), v.as_of)
        if r >= RETENTION:
            continue
        last = days[-1]
        items.append(ReviewItem(
            kind="due", concept_id=node, concept=v.label(node),
            why=f"seen on {len(days)} day{'s' if len(days) > 1 else ''}, last on {v.when(last)}; "
                f"estimated recall on {v.now()}: {r:.0%}",
            action=f"Review {v.label(node)}: re-read the line below, then recall one example without notes.",
            score=round((1 - r) * (1 + v.central.get(node, 0)), 4),
            evidence=v.evidence(last, node, 1), **v.day_fields(last)))
    return items


def _single_touch(v: _View) -> list[ReviewItem]:
    items = []
    for node in v.concepts:
        days = v.cover[node]
        if len(days) != 1:
            continue
        age = (v.as_of - v.dates[days[0]]).days
        items.append(ReviewItem(
            kind="single-touch", concept_id=node, concept=v.label(node),
            why=f"covered only on {v.when(days[0])}, {age} day{'s' if age != 1 else ''} before {v.now()}",
            action=f"Come back to {v.label(node)} once more: use it in an exercise or connect it to a "
                   "related concept.",
            score=round(0.5 * min(age / 7, 1) + 0.5 * v.central.get(node, 0), 4),
            evidence=v.evidence(days[0], node, 2), **v.day_fields(days[0])))
    return items


def _period(v: _View, day: str) -> str:
    week = v.G.nodes[day].get("week")
    if week:
        return str(week)
    year, wk, _ = v.dates[day].isocalendar()
    return f"{year}-W{wk:02d}"


def _clusters(v: _View) -> list[ReviewItem]:
    H = nx.Graph()
    H.add_nodes_from(v.concepts)
    for u, w, weight in v.pairs:
        if u in H and w in H:
            H.add_edge(u, w, weight=H.get_edge_data(u, w, {}).get("weight", 0) + weight)
    comms = nx.community.louvain_communities(H, weight="weight", seed=LOUVAIN_SEED)
    comms = [c for c in comms if len(c) >= 2]
    comms.sort(key=lambda c: (-len(c), min(c)))
    comm_of = {n: i for i, c in enumerate(comms) for n in c}
    linked = {frozenset((comm_of[u], comm_of[w])) for u, w in H.edges if u in comm_of and w in comm_of}
    ontology_links: dict[frozenset[int], list[tuple[str, str]]] = defaultdict(list)
    for u, w, k in v.G.edges(keys=True):
        if k in ("prerequisite", "related") and u in comm_of and w in comm_of and comm_of[u] != comm_of[w]:
            ontology_links[frozenset((comm_of[u], comm_of[w]))].append((u, w))
    days_of = [{d for n in c for d in v.cover[n]} for c in comms]
    periods = [{_period(v, d) for d in days} for days in days_of]
    pairs = []
    for i in range(len(comms)):
        for j in range(i + 1, len(comms)):
            if frozenset((i, j)) in linked or not periods[i] & periods[j]:
                continue
            pairs.append((len(days_of[i] & days_of[j]), len(comms[i]) + len(comms[j]), i, j))
    pairs.sort(key=lambda p: (-p[0], -p[1], p[2], p[3]))
    items = []
    used: dict[int, int] = defaultdict(int)
    for shared, _, i, j in pairs:
        if len(items) >= MAX_CLUSTER_PAIRS:
            break
        if used[i] >= MAX_PAIRS_PER_CLUSTER or used[j] >= MAX_PAIRS_PER_CLUSTER:
            continue
        used[i] += 1
        used[j] += 1
        a, b, reason = _bridge(v, comms[i], comms[j], ontology_links.get(frozenset((i, j)), []))
        names = [", ".join(v.label(n) for n in sorted(c, key=lambda n: (-v.central[n], n))[:3])
                 for c in (comms[i], comms[j])]
        common = sorted(periods[i] & periods[j])
        weeks = ", ".join(common[:3]) + (f" and {len(common) - 3} more" if len(common) > 3 else "")
        first = v.cover[a][0]
        items.append(ReviewItem(
            kind="cluster", concept_id=a, concept=v.label(a), also=(v.label(b),),
            why=f"two groups studied in the same week{'s' if len(common) > 1 else ''} ({weeks}) are never "
                "linked in one line: "
                f"[{names[0]}] and [{names[1]}]; {shared} shared day{'s' if shared != 1 else ''}",
            action=f"Connect them: write how {v.label(a)} relates to {v.label(b)} ({reason}).",
            score=round(shared + v.central[a] + v.central[b], 4),
            evidence=v.evidence(first, a, 1) + v.evidence(v.cover[b][0], b, 1), **v.day_fields(first)))
    return items


def _bridge(v: _View, ca: set[str], cb: set[str], ontology: list[tuple[str, str]]) -> tuple[str, str, str]:
    """The pair that would bridge two clusters best: an ontology link, else most shared days,
    else highest combined centrality."""
    if ontology:
        a, b = max(ontology, key=lambda p: (v.central[p[0]] + v.central[p[1]], p))
        return a, b, "the ontology links them"
    top_a = sorted(ca, key=lambda n: (-v.central[n], n))[:6]
    top_b = sorted(cb, key=lambda n: (-v.central[n], n))[:6]
    a, b = max(((x, y) for x in top_a for y in top_b),
               key=lambda p: (len(set(v.cover[p[0]]) & set(v.cover[p[1]])), v.central[p[0]] + v.central[p[1]],
                              p[0], p[1]))
    shared = len(set(v.cover[a]) & set(v.cover[b]))
    return a, b, f"studied on {shared} same day{'s' if shared != 1 else ''}" if shared else "both central"


def load_syllabus(path: Path) -> list[str]:
    """Topics from a plain list (one a line, '#' comments) or YAML (a list of names, or of
    {topic, aliases}); aliases are kept as 'topic | alias | alias'."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SyllabusError(f"cannot read the syllabus: {exc.strerror or exc}", path=path,
                            hint="pass a text file with one topic per line") from exc
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text) or []
        except yaml.YAMLError as exc:
            raise SyllabusError(f"not valid YAML: {exc}", path=path, hint="fix the YAML syntax") from exc
        if isinstance(data, dict):
            data = data.get("topics", [])
        if not isinstance(data, list):
            raise SyllabusError("expected a list of topics", path=path, hint="- topic or - {topic, aliases}")
        topics = []
        for entry in data:
            if isinstance(entry, dict) and entry.get("topic"):
                topics.append(" | ".join([str(entry["topic"]), *map(str, entry.get("aliases") or ())]))
            elif isinstance(entry, str | int | float):
                topics.append(str(entry))
        return topics
    return [line.split("#", 1)[0].strip().lstrip("-* ").strip() for line in text.splitlines()
            if line.split("#", 1)[0].strip()]


def _syllabus(v: _View, topics: list[str]) -> list[ReviewItem]:
    items = []
    for i, topic in enumerate(topics):
        names = [n.strip() for n in topic.split("|") if n.strip()]
        if not names:
            continue
        nodes: set[str] = set()
        for name in names:  # concept nodes carry every ontology name as an alias, so no ontology load
            try:
                nodes.update(resolve(v.G, name, fuzzy=False))
            except UnknownConcept:
                continue
        if any(n in v.cover for n in nodes):
            continue
        items.append(ReviewItem(
            kind="syllabus", concept=names[0], also=tuple(names[1:]),
            why=f"on your syllabus, but no day up to {v.as_of.isoformat()} covers it",
            action=f"Plan a session on {names[0]}.", score=round(1 - i / max(len(topics), 1), 4)))
    return items


def review(G: nx.MultiDiGraph, as_of: dt.date | None = None, kinds: Iterable[str] | None = None,
           syllabus: list[str] | None = None, *, week: str | None = None,
           limit: int | None = None) -> list[ReviewItem]:
    """The ranked review list: kinds in KINDS order, each ranked by urgency, at most `limit` per kind.

    `as_of` defaults to the last day's date in G; days after it are ignored. `week` keeps the
    items about concepts and questions of that week (history still counts earlier weeks).
    Syllabus gaps need `syllabus` (topics, aliases as 'topic | alias').
    """
    wk = match_week(G, week) if week else None
    as_of = as_of or default_as_of(G, wk)
    wanted = list(kinds) if kinds else [k for k in KINDS if k != "syllabus" or syllabus]
    unknown = [k for k in wanted if k not in KINDS]
    if unknown:
        raise NotegraphError(f"unknown review kind {unknown[0]!r}", hint="use one of: " + ", ".join(KINDS))
    v = _View(G, as_of, wk)
    finders = {"question": _questions, "prerequisite": _prerequisites, "due": _due,
               "single-touch": _single_touch, "cluster": _clusters,
               "syllabus": lambda v: _syllabus(v, syllabus or [])}
    out: list[ReviewItem] = []
    for kind in KINDS:
        if kind in wanted:
            ranked = sorted(finders[kind](v), key=lambda it: (-it.score, str(it.date), it.concept or ""))
            out += ranked[:limit] if limit else ranked
    return out


def annotate(G: nx.MultiDiGraph, as_of: dt.date | None = None) -> list[ReviewItem]:
    """Set concept attribute `review` (the kinds of gap it is part of) for the map's side panel."""
    items = review(G, as_of)
    mark(G, items)
    return items


def mark(G: nx.MultiDiGraph, items: list[ReviewItem], source: nx.MultiDiGraph | None = None) -> None:
    """Concept attribute `review` of G from `items` (reviewed on `source`, default G): the kinds of
    gap each concept is part of."""
    source = source if source is not None else G
    by_label = {str(d.get("label")): n for n, d in source.nodes(data=True) if d.get("kind") == "concept"}
    marks: dict[str, list[str]] = defaultdict(list)
    for it in items:
        nodes = [it.concept_id] if it.concept_id else []
        if it.kind == "prerequisite":  # mark the concepts that miss it
            nodes = [by_label[a] for a in it.also if a in by_label]
        elif it.kind == "cluster":  # both ends of the suggested bridge
            nodes += [by_label[a] for a in it.also if a in by_label]
        for n in nodes:
            if n in G and it.kind not in marks[n]:
                marks[n].append(it.kind)
    for n, d in G.nodes(data=True):
        if d.get("kind") == "concept":
            d["review"] = marks.get(n, [])
