"""Build and query speed on generated corpora of 10, 100 and 1,000 day-notes.

    python bench/bench_build.py [--sizes 10 100 1000] [--corpus ../shared/corpora/dev] [--live]

Day-notes are made from the dev corpus's own text (its paragraphs, dealt round-robin into notes of
roughly the dev corpus's average day length, each with a date), so the figures reflect real Korean/
English notes. For each size it prints: cold full build, warm no-change build, one-note-changed
build (a fresh `notegraph` process, and in-process after a first build, i.e. without loading the
models), `days`/`gaps` latency as a user sees it (a fresh process), peak memory of the cold build,
and raw Kiwi tokenisation throughput on the same text as the reference limit.

Each command runs in its own process and is measured with `os.wait4`, so wall time, CPU time and
peak memory belong to that one process. CPU time is printed next to wall time because the machine
may be shared: CPU seconds are the fair figure for throughput. The package is copied to a snapshot
first (unless --live) so that edits made to the working tree during a long run cannot invalidate the
cache half-way; the warm/one-changed rows also print how many notes were reused, as a check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "corpora" / "dev"
DAY_CHARS = 6000
EDIT = "\nGNN과 노드 임베딩을 복습했다.\n"


class Run(NamedTuple):
    wall: float
    cpu: float
    peak_mib: float
    stdout: str


# lines that would start a day of their own inside a generated day-note (a heading, a dated line,
# "3일차"): without them each generated note is one day, as a learner's daily note is
_DAY_LIKE = re.compile(r"^\s*#|^---|\d{4}\s*년|\d{4}-\d{2}-\d{2}|\d+\s*일차|^\s*day\s*\d", re.IGNORECASE)


def paragraphs(corpus: Path) -> list[str]:
    out: list[str] = []
    for f in sorted(corpus.rglob("*.md")):
        text = f.read_text(encoding="utf-8", errors="replace")
        text = "\n".join(line for line in text.splitlines() if not _DAY_LIKE.search(line))
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
        path = folder / f"week{week:02d}" / f"{day.isoformat()}-day{i + 1:04d}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run(cmd: list[str], env: dict[str, str]) -> Run:
    """Wall and CPU seconds, peak RSS (MiB) and stdout of one child process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err.read().decode()[-2000:]}")
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read().decode())


KIWI = (
    "import sys,time,pathlib\n"
    "from kiwipiepy import Kiwi\n"
    "k=Kiwi(load_multi_dict=False, load_typo_dict=False)\n"
    "lines=[l for f in sorted(pathlib.Path(sys.argv[1]).rglob('*.md')) "
    "for l in f.read_text(encoding='utf-8').splitlines() if l.strip()]\n"
    "k.tokenize('warm up')\n"
    "t=time.perf_counter(); c=time.process_time(); n=sum(1 for _ in k.tokenize(lines))\n"
    "print(sum(map(len,lines))/(time.perf_counter()-t), sum(map(len,lines))/(time.process_time()-c))\n"
)

# one-note-changed builds in a process that already built once (the models are loaded once per
# process): the cost of an edit as a library user or a watcher sees it. The latest note is the usual
# edit (today's note: only its week and `all` are redrawn); a note in the middle of the course also
# redraws every later week, whose history it is.
IN_PROCESS = (
    "import sys,time,pathlib\n"
    "from notegraph.pipeline import build\n"
    "notes,out=map(pathlib.Path,sys.argv[1:3])\n"
    "files=sorted(notes.rglob('*.md'), key=lambda f: f.name)\n"  # names start with the date
    "def edit(f): f.write_text(f.read_text(encoding='utf-8')+sys.argv[3],encoding='utf-8')\n"
    "edit(files[-1]); build([notes],out)\n"
    "for victim in (files[-1], files[len(files)//2]):\n"
    "    edit(victim); t=time.perf_counter(); s=build([notes],out); print(time.perf_counter()-t, s.reused)\n"
)


def kiwi_throughput(folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """Raw Kiwi chars/s over all lines, (wall, CPU)."""
    wall, cpu = run([sys.executable, "-c", KIWI, str(folder)], env).stdout.split()
    return float(wall), float(cpu)


def notegraph(*args: str) -> list[str]:
    return [sys.executable, "-m", "notegraph", *args]


def reused(stdout: str) -> int:
    m = re.search(r"\((\d+) reused", stdout)
    return int(m.group(1)) if m else -1


def bench(n_days: int, paras: list[str], tmp: Path, env: dict[str, str]) -> dict:
    notes, out = tmp / f"notes{n_days}", tmp / f"out{n_days}"
    make_corpus(notes, n_days, paras)
    chars = sum(len(f.read_text(encoding="utf-8")) for f in notes.rglob("*.md"))
    files = sorted(notes.rglob("*.md"), key=lambda f: f.name)  # by date: week100 sorts before week11
    cold = run(notegraph("build", str(notes), "--out", str(out), "--quiet"), env)
    warm = run(notegraph("build", str(notes), "--out", str(out)), env)
    victim = files[-1]  # the usual edit: today's note
    victim.write_text(victim.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
    changed = run(notegraph("build", str(notes), "--out", str(out)), env)
    latest_s, latest_reused, middle_s, _ = run([sys.executable, "-c", IN_PROCESS, str(notes), str(out), EDIT],
                                               env).stdout.split()
    graph = str(out / "all" / "graph.json")
    days_s = min(run(notegraph("days", "tensor", "--graph", graph, "--json"), env).wall for _ in range(3))
    gaps_s = min(run(notegraph("gaps", "--graph", graph, "--json"), env).wall for _ in range(3))
    kiwi_wall, kiwi_cpu = kiwi_throughput(notes, env)
    return {"days": n_days, "chars": chars, "cold_s": cold.wall, "cold_cpu_s": cold.cpu,
            "warm_s": warm.wall, "warm_reused": reused(warm.stdout),
            "one_changed_s": changed.wall, "one_changed_reused": reused(changed.stdout),
            "one_changed_in_process_s": float(latest_s), "in_process_reused": int(latest_reused),
            "middle_changed_in_process_s": float(middle_s),
            "days_query_s": days_s, "gaps_query_s": gaps_s, "peak_mib": cold.peak_mib,
            "build_chars_per_s": chars / cold.wall, "build_chars_per_cpu_s": chars / cold.cpu,
            "kiwi_chars_per_s": kiwi_wall, "kiwi_chars_per_cpu_s": kiwi_cpu}


def snapshot(tmp: Path) -> dict[str, str]:
    """Environment whose `notegraph` is a frozen copy of the working tree's package."""
    shutil.copytree(REPO / "notegraph", tmp / "snapshot" / "notegraph",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return {**os.environ, "PYTHONPATH": str(tmp / "snapshot")}


def line(r: dict) -> str:
    return (f"{r['days']:>5} days {r['chars'] / 1e6:5.2f} Mchars | cold {r['cold_s']:6.1f}s "
            f"(cpu {r['cold_cpu_s']:6.1f}s) | warm {r['warm_s']:5.1f}s [{r['warm_reused']} reused] | "
            f"latest-changed {r['one_changed_s']:5.1f}s [{r['one_changed_reused']} reused], in-process latest "
            f"{r['one_changed_in_process_s']:5.2f}s middle {r['middle_changed_in_process_s']:5.1f}s | "
            f"days {r['days_query_s']:.2f}s gaps "
            f"{r['gaps_query_s']:.2f}s | peak {r['peak_mib']:5.0f} MiB | build "
            f"{r['build_chars_per_cpu_s'] / 1e3:5.1f}k chars/cpu-s vs raw Kiwi "
            f"{r['kiwi_chars_per_cpu_s'] / 1e3:5.1f}k ({r['build_chars_per_cpu_s'] / r['kiwi_chars_per_cpu_s']:.0%})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    ap.add_argument("--corpus", type=Path, default=DEV)
    ap.add_argument("--live", action="store_true", help="Run the working tree, not a snapshot of it.")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    paras = paragraphs(args.corpus)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ) if args.live else snapshot(Path(tmp))
        for n in args.sizes:
            rows.append(bench(n, paras, Path(tmp), env))
            if not args.json:
                print(line(rows[-1]), flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
