"""Wall time of `notegraph days` and `notegraph gaps` as a learner runs them: a fresh process on a
built graph (default: the dev corpus, built into a temporary folder), plus the in-process part
(load graph.json + answer) that the library API pays.

Run: python bench/bench_cli_queries.py [--graph outputs/all/graph.json] [--repeat 7]
Prints min and median seconds per command. Target (issue 4): under 0.5 s on the dev corpus.
`notegraph` answers days/gaps from the query index next to graph.json (notegraph/query_index.py);
the rows marked "full CLI" run the same commands through notegraph.cli, which reads graph.json with
networkx (what a query costs without the index, or with options the index cannot answer).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "corpora" / "dev"
QUERIES = [("days", "attention"), ("days", "노드임베딩을"), ("days", "sigmoud"), ("gaps",), ("gaps", "--json")]


def wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def in_process(graph: Path, repeat: int) -> dict[str, float]:
    from notegraph.export import load_graph
    from notegraph.queries import days_covering
    from notegraph.review import review

    load, days, gaps = [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        G = load_graph(graph)
        load.append(time.perf_counter() - t)
        t = time.perf_counter()
        days_covering(G, "attention")
        days.append(time.perf_counter() - t)
        t = time.perf_counter()
        review(G)
        gaps.append(time.perf_counter() - t)
    return {"load graph.json": statistics.median(load), "days": statistics.median(days),
            "gaps": statistics.median(gaps)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--graph", type=Path)
    ap.add_argument("--corpus", type=Path, default=DEV)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        graph = args.graph
        if graph is None:
            out = Path(tmp) / "out"
            subprocess.run([sys.executable, "-m", "notegraph", "build", str(args.corpus), "--out", str(out), "-q"],
                           check=True)
            graph = out / "all" / "graph.json"
        print(f"graph: {graph} ({graph.stat().st_size / 1e6:.1f} MB)")
        base = [sys.executable, "-m", "notegraph"]
        wall(base + ["--help"])  # warm the OS file cache
        empty = [wall([sys.executable, "-c", "pass"]) for _ in range(args.repeat)]
        print(f"{'python -c pass':32} min {min(empty):.3f}s  median {statistics.median(empty):.3f}s")
        for q in QUERIES:
            cmd = base + [q[0], *q[1:], "--graph", str(graph)]
            times = [wall(cmd) for _ in range(args.repeat)]
            print(f"{'notegraph ' + ' '.join(q):32} min {min(times):.3f}s  median {statistics.median(times):.3f}s")
        full = [sys.executable, "-c", "from notegraph.cli import app; app(prog_name='notegraph')"]
        for q in QUERIES[:1] + QUERIES[3:4]:
            times = [wall(full + [q[0], *q[1:], "--graph", str(graph)]) for _ in range(args.repeat)]
            print(f"{'full CLI: ' + ' '.join(q):32} min {min(times):.3f}s  median {statistics.median(times):.3f}s")
        for name, seconds in in_process(graph, args.repeat).items():
            print(f"{'in process: ' + name:32} median {seconds:.3f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
