"""Reproduce the quality figures: build a corpus with notegraph and score it with the evaluation's
score.py, per author folder and overall.

    python scripts/evaluate.py                      # reference note + dev corpus (../shared)
    python scripts/evaluate.py --verbose            # also list misses and wrong concepts
    python scripts/evaluate.py --corpus DIR --gold DIR --score PATH/score.py

The gold files stay where they are (../shared/eval/gold); nothing here copies them.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

from notegraph.pipeline import build

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("notegraph_eval_score", path)
    if spec is None or spec.loader is None:
        sys.exit(f"cannot load the scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(name: str, corpus: Path, gold: Path, scorer, verbose: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        summary = build([corpus], Path(tmp) / "out", use_cache=False)
        seconds = time.perf_counter() - started
        graph = Path(tmp) / "out" / "all" / "graph.json"
        print(f"== {name}: {summary.notes} notes, {summary.days} days, {summary.concepts} concepts, "
              f"built in {seconds:.1f}s")
        groups = sorted(p for p in gold.iterdir() if p.is_dir()) if gold.is_dir() else []
        for g in groups:
            res = scorer.score(str(graph), scorer.gold_files([str(g)]))
            print(f"   {g.name:28s} P {res['precision']:.3f}  R {res['recall']:.3f}  F1 {res['f1']:.3f}  "
                  f"(required {res['required']}, extracted {res['extracted']})")
        res = scorer.score(str(graph), scorer.gold_files([str(gold)]))
        if verbose:
            for s in res["segments"]:
                print(f"   {s['source']} | {s['segment']}: R {s['recall']} P {s['precision']}"
                      f"{'' if s['segment_found'] else '  (segment not found)'}")
                if s["missed"]:
                    print("      missed:", ", ".join(s["missed"]))
                if s["wrong"]:
                    print("      wrong: ", ", ".join(s["wrong"]))
        print(f"   {'OVERALL':28s} P {res['precision']:.3f}  R {res['recall']:.3f}  F1 {res['f1']:.3f}  "
              f"(required {res['required']}, extracted {res['extracted']})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--score", type=Path, default=SHARED / "eval" / "score.py")
    ap.add_argument("--corpus", type=Path, help="a notes folder to build (with --gold)")
    ap.add_argument("--gold", type=Path, help="gold file or folder for --corpus")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if not args.score.is_file():
        sys.exit(f"no scorer at {args.score}: pass --score PATH")
    scorer = load_scorer(args.score)
    if args.corpus:
        run(args.corpus.name, args.corpus, args.gold, scorer, args.verbose)
        return 0
    run("reference week", REPO / "notes", SHARED / "eval" / "gold" / "000_19bc4f7d3c089dca.json",
        scorer, args.verbose)
    run("dev corpus", SHARED / "corpora" / "dev", SHARED / "eval" / "gold" / "dev", scorer, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
