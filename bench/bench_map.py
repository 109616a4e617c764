"""Concept-map speed at 2,000 concepts / 6,000 edges: Python render time and, in headless Chromium,
time to first paint with every concept drawn (positions precomputed, physics off).

    python bench/bench_map.py [--concepts 2000] [--edges 6000] [--days 60] [--runs 3]

Reference (issue "the concept map as a product"): pyvis defaults took 144 s to stabilise 2,000
nodes / 6,000 edges; 1.1 s with positions precomputed in Python and physics off.
Prints: layout CPU seconds (fresh, and with the saved layout reused), HTML size, and for each
run of the browser the time from navigation start to the first drawn frame (`firstPaintMs`, read from
`performance.now()` in vis-network's first afterDrawing) and the wall time of `goto` until ready.
Needs Debian's chromium at /usr/bin/chromium; all network requests are blocked.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def fixtures():
    """tests/test_map.py holds the graph builders the tests use; load it by path."""
    spec = importlib.util.spec_from_file_location("notegraph_map_fixtures", REPO / "tests" / "test_map.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=2000)
    parser.add_argument("--edges", type=int, default=6000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from notegraph.render.layout import compute_layout, layout_to_json
    from notegraph.render.map import label_boxes, render_map

    G = fixtures().synthetic_graph(args.concepts, args.edges, n_days=args.days)
    print(f"graph: {args.concepts} concepts, {args.days} days, {G.number_of_edges()} edges "
          f"({args.edges} co_occurs)")
    boxes = label_boxes(G)
    t = time.process_time()
    layout = compute_layout(G, boxes=boxes)
    print(f"layout, fresh:            {time.process_time() - t:6.2f} s CPU")
    t = time.process_time()
    compute_layout(G, layout, boxes=boxes)
    print(f"layout, previous reused:  {time.process_time() - t:6.2f} s CPU")

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "layout.json").write_text(layout_to_json(layout), encoding="utf-8")
        pages = {}
        for limit in (args.concepts, 500):
            t = time.process_time()
            path = render_map(G, Path(tmp) / f"map_{limit}.html", title="bench", max_concepts=limit,
                              layout_file=Path(tmp) / "layout.json")
            print(f"render_map (max_concepts={limit}, layout reused): {time.process_time() - t:5.2f} s CPU, "
                  f"{path.stat().st_size / 1e6:.1f} MB")
            pages[limit] = path
        if not CHROMIUM.exists():
            print(f"no browser figures: {CHROMIUM} is absent (apt-get install chromium)")
            return
        for limit, path in pages.items():
            paint, wall = browse(path, args.runs)
            print(f"chromium, {limit:>5} concepts drawn: first paint median {statistics.median(paint):6.0f} ms "
                  f"(runs: {', '.join(f'{p:.0f}' for p in paint)}); goto→ready median "
                  f"{statistics.median(wall):6.0f} ms")


def browse(path: Path, runs: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    paint, wall = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            t = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("window.notegraph && window.notegraph.ready", timeout=120_000)
            wall.append((time.perf_counter() - t) * 1000)
            paint.append(page.evaluate("window.notegraph.firstPaintMs"))
            page.close()
        browser.close()
    return paint, wall


if __name__ == "__main__":
    sys.exit(main())
