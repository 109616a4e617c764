"""Latency of the graph-reading queries (days, gaps, concepts, related, report) on a large,
realistic synthetic course: DAYS days x ~CONCEPTS_PER_DAY concepts, Zipf-like concept frequencies,
2-4 concepts per line, a few open questions a day, ontology prerequisites.

Run: python bench/bench_queries.py [--days 100] [--per-day 40] [--repeat 5]
The graph goes through graph.json (write + load) like the CLI does; times are medians in ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from notegraph.errors import UnknownConcept
from notegraph.export import load_graph, write_graph_json
from notegraph.graph import build_graph
from notegraph.models import Analysis, Block, CategorySpec, ConceptSpec, Mention, Note, Segment
from notegraph.ontology import Ontology
from notegraph.queries import concepts_on, days_covering, related
from notegraph.render.report import render_report
from notegraph.review import review

CUE_LINES = ["{a} 부분이 아직 헷갈린다", "{a}는 추가로 읽어볼 것", "{a}와 {b}의 차이가 궁금하다"]


def ontology(n: int, rng: random.Random) -> Ontology:
    cats = {f"cat{i}": CategorySpec(id=f"cat{i}", label=f"category {i}") for i in range(20)}
    concepts = {}
    for i in range(n):
        prereq = tuple(f"c{j}" for j in rng.sample(range(n), 2) if j != i) if i % 3 == 0 else ()
        concepts[f"c{i}"] = ConceptSpec(id=f"c{i}", label=f"concept {i}", category=f"cat{i % 20}",
                                        ko=(f"개념{i}",), prerequisites=prereq)
    return Ontology(concepts=concepts, categories=cats, rules=[], version="bench")


def course(days: int, per_day: int, vocab: int, rng: random.Random) -> list[Analysis]:
    weights = [1 / (i + 1) ** 0.8 for i in range(vocab)]
    out = []
    start = dt.date(2024, 3, 4)
    for d in range(days):
        date = start + dt.timedelta(days=d + 2 * (d // 5))  # five days a week
        chosen = list(dict.fromkeys(rng.choices(range(vocab), weights=weights, k=per_day * 2)))[:per_day]
        lines, mentions = [], []
        source = f"week{d // 5 + 1:02d}/day{d + 1:03d}.md"
        i = 0
        while i < len(chosen):
            group = chosen[i:i + rng.randint(2, 4)]
            i += len(group)
            names = [f"개념{c}" for c in group]
            text = ", ".join(names) + "을 배웠다"
            if rng.random() < 0.08:
                text = rng.choice(CUE_LINES).format(a=names[0], b=names[-1])
            line = len(lines) + 2
            lines.append(text)
            for c in group:
                pos = text.find(f"개념{c}")
                if pos >= 0:
                    mentions.append(Mention(concept_id=f"c{c}", surface=f"개념{c}", source=source,
                                            segment_order=0, line=line, start=pos, end=pos + len(f"개념{c}"),
                                            section="강의", evidence=text))
        text = f"{d + 1}일차\n" + "\n".join(lines) + "\n"
        blocks, offset = [], len(f"{d + 1}일차\n")
        for n, body in enumerate(lines):
            blocks.append(Block(text=body, line=n + 2, start=offset, end=offset + len(body), section="강의"))
            offset += len(body) + 1
        seg = Segment(label=f"{d + 1}일차", order=0, date=date, week=f"week{d // 5 + 1:02d}", line_start=1,
                      line_end=len(lines) + 1, sections=("강의",), blocks=tuple(blocks))
        note = Note(source=source, path=f"/bench/{source}", text=text, segments=(seg,))
        out.append(Analysis(note=note, mentions=tuple(mentions)))
    return out


def suggest(G, name: str) -> list[str]:
    try:
        days_covering(G, name)
    except UnknownConcept as exc:
        return exc.suggestions
    return []


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--per-day", type=int, default=40)
    ap.add_argument("--vocab", type=int, default=800)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rng = random.Random(7)
    onto = ontology(args.vocab, rng)
    analyses = course(args.days, args.per_day, args.vocab, rng)
    t = time.perf_counter()
    G0 = build_graph(analyses, onto)
    build_ms = (time.perf_counter() - t) * 1000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.json"
        write_graph_json(G0, path)
        size = path.stat().st_size
        load_ms = timed(lambda: load_graph(path), args.repeat)
        G = load_graph(path)
    kinds = {k: sum(1 for _, d in G.nodes(data=True) if d["kind"] == k) for k in ("day", "concept")}
    print(f"graph: {kinds['day']} days, {kinds['concept']} concepts, {G.number_of_edges()} edges, "
          f"graph.json {size / 1e6:.1f} MB; build_graph {build_ms:.0f} ms")
    rows = {
        "load_graph": load_ms,
        "days_covering (frequent concept)": timed(lambda: days_covering(G, "concept 0"), args.repeat),
        "days_covering (Korean + particle)": timed(lambda: days_covering(G, "개념17을"), args.repeat),
        "days_covering (unknown, suggestions)": timed(lambda: suggest(G, "concpt 123"), args.repeat),
        "days_covering --week": timed(lambda: days_covering(G, "concept 0", week="3"), args.repeat),
        "concepts_on --week": timed(lambda: concepts_on(G, week="3"), args.repeat),
        "related": timed(lambda: related(G, "concept 0"), args.repeat),
        "review (all kinds)": timed(lambda: review(G), args.repeat),
        "review --week": timed(lambda: review(G, week="10"), args.repeat),
        "render_report --week": timed(lambda: render_report(G, "10", review(G, week="10"), "m.html"),
                                      args.repeat),
    }
    for kind in ("question", "prerequisite", "due", "single-touch", "cluster"):
        rows[f"review kind={kind}"] = timed(lambda kind=kind: review(G, kinds=[kind]), args.repeat)
    for name, ms in rows.items():
        print(f"{name:36s} {ms:8.1f} ms")


if __name__ == "__main__":
    main()
