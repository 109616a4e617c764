"""Build and query speed on generated corpora of 10, 100 and 1,000 day-notes.

    python bench/bench_build.py [--sizes 10 100 1000] [--corpus ../shared/corpora/dev]

Day-notes are made from the dev corpus's own text (its paragraphs, dealt round-robin into notes of
roughly the dev corpus's average day length, each with a date), so the figures reflect real Korean/
English notes. For each size it prints: cold full build, warm no-change build, one-note-changed
build, `days`/`gaps` latency as a user sees it (a fresh `notegraph` process), peak memory of the cold
build, and raw Kiwi tokenisation throughput on the same text as the reference limit.
Each build runs in its own process so that peak memory and model loading are counted honestly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpora" / "dev"
DAY_CHARS = 6000


def paragraphs(corpus: Path) -> list[str]:
    out: list[str] = []
    for f in sorted(corpus.rglob("*.md")):
        text = f.read_text(encoding="utf-8", errors="replace")
        text = "\n".join(line for line in text.splitlines() if not line.startswith("---"))
        out += [p.strip() for p in text.split("\n\n") if len(p.strip()) > 40]
    return out


def make_corpus(folder: Path, n_days: int, paras: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    start = dt.date(2025, 1, 6)
    k = 0
    for i in range(n_days):
        day = start + dt.timedelta(days=i + 2 * (i // 5))  # weekdays, weekends skipped
        body, size = [], 0
        while size < DAY_CHARS:
            p = paras[k % len(paras)]
            k += 1
            body.append(p)
            size += len(p)
        week = i // 5 + 1
        text = f"---\ndate: {day.isoformat()}\ntitle: {week}주차 {i % 5 + 1}일차\n---\n" + "\n\n".join(body) + "\n"
        (folder / f"week{week:02d}" / f"{day.isoformat()}-day{i + 1:04d}.md").parent.mkdir(exist_ok=True)
        (folder / f"week{week:02d}" / f"{day.isoformat()}-day{i + 1:04d}.md").write_text(text, encoding="utf-8")


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS of the child in MiB, stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024, proc.stdout


def kiwi_throughput(folder: Path) -> float:
    code = (
        "import sys,time,pathlib\n"
        "from kiwipiepy import Kiwi\n"
        "k=Kiwi()\n"
        "lines=[l for f in sorted(pathlib.Path(sys.argv[1]).rglob('*.md')) "
        "for l in f.read_text(encoding='utf-8').splitlines() if l.strip()]\n"
        "k.tokenize('warm up')\n"
        "t=time.perf_counter(); n=sum(1 for _ in k.tokenize(lines)); s=time.perf_counter()-t\n"
        "print(sum(map(len,lines))/s)\n"
    )
    return float(run([sys.executable, "-c", code, str(folder)])[2])


def notegraph(*args: str) -> list[str]:
    return [sys.executable, "-m", "notegraph", *args]


def bench(n_days: int, paras: list[str], tmp: Path) -> dict:
    notes, out = tmp / f"notes{n_days}", tmp / f"out{n_days}"
    make_corpus(notes, n_days, paras)
    chars = sum(len(f.read_text(encoding="utf-8")) for f in notes.rglob("*.md"))
    cold, peak, _ = run(notegraph("build", str(notes), "--out", str(out), "--quiet"))
    warm, _, _ = run(notegraph("build", str(notes), "--out", str(out), "--quiet"))
    victim = sorted(notes.rglob("*.md"))[n_days // 2]
    victim.write_text(victim.read_text(encoding="utf-8") + "\nGNN과 노드 임베딩을 복습했다.\n", encoding="utf-8")
    changed, _, _ = run(notegraph("build", str(notes), "--out", str(out), "--quiet"))
    graph = str(out / "all" / "graph.json")
    days_s = min(run(notegraph("days", "tensor", "--graph", graph, "--json"))[0] for _ in range(3))
    gaps_s = min(run(notegraph("gaps", "--graph", graph, "--json"))[0] for _ in range(3))
    kiwi = kiwi_throughput(notes)
    return {"days": n_days, "chars": chars, "cold_s": cold, "warm_s": warm, "one_changed_s": changed,
            "days_query_s": days_s, "gaps_query_s": gaps_s, "peak_mib": peak,
            "build_chars_per_s": chars / cold, "kiwi_chars_per_s": kiwi}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    ap.add_argument("--corpus", type=Path, default=DEV)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    paras = paragraphs(args.corpus)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            rows.append(bench(n, paras, Path(tmp)))
            if args.json:
                continue
            r = rows[-1]
            print(f"{r['days']:>5} days {r['chars'] / 1e6:6.2f} Mchars | cold {r['cold_s']:6.1f}s  "
                  f"warm {r['warm_s']:5.1f}s  one-changed {r['one_changed_s']:5.1f}s | days {r['days_query_s']:.2f}s  "
                  f"gaps {r['gaps_query_s']:.2f}s | peak {r['peak_mib']:6.0f} MiB | build "
                  f"{r['build_chars_per_s'] / 1e3:6.0f}k chars/s vs raw Kiwi {r['kiwi_chars_per_s'] / 1e3:6.0f}k "
                  f"({r['build_chars_per_s'] / r['kiwi_chars_per_s']:.0%})", flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
