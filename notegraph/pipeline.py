"""`build`: notes in, per-week and whole-course graph.json, concept_map.html and report.md out.

The one place that strings the stages together (ingest → nlp → graph → review → render/export).
Analysis of each note is cached by the note's content, its path and the versions of the pipeline
code and ontology, so re-running after editing one note re-analyses only that note.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path

import networkx as nx

from . import __version__
from .cache import AnalysisCache
from .errors import OutputError
from .export import graph_json_pieces, write_text_atomic
from .graph import build_graph, weeks
from .ingest import load_notes
from .ingest.fingerprint import fingerprints
from .models import Analysis, BuildSummary, Note
from .ontology import Ontology, load_ontology
from .query_index import index_path, write_index

OUTPUT_MARKER = ".notegraph-output"
USER_CONCEPTS = "concepts.yaml"
ALL = "all"


def code_version() -> str:
    """Hash of the code that decides what an analysis contains; part of every cache key."""
    root = Path(__file__).parent
    digest = hashlib.sha256(__version__.encode())
    for sub in ("ingest", "nlp"):
        for f in sorted((root / sub).glob("*.py")):
            digest.update(f.name.encode() + f.read_bytes())
    digest.update((root / "models.py").read_bytes())
    for f in sorted((root / "data").glob("*.yaml")):
        digest.update(f.name.encode() + f.read_bytes())
    return digest.hexdigest()[:16]


def user_concepts_file(paths: Sequence[Path]) -> Path | None:
    """`concepts.yaml` in the first notes folder that has one."""
    for p in paths:
        folder = p if p.is_dir() else p.parent
        if (folder / USER_CONCEPTS).is_file():
            return folder / USER_CONCEPTS
    return None


def check_output_dir(out_dir: Path, note_paths: Sequence[Path]) -> None:
    """Refuse to write into the notes themselves or over a folder notegraph did not create."""
    out = out_dir.resolve()
    for p in note_paths:
        if not p.exists():
            continue  # a missing path holds no notes; load_notes names it in a warning
        root = (p if p.is_dir() else p.parent).resolve()
        if out == root or root in out.parents:
            raise OutputError("the output folder is inside the notes folder", path=out_dir,
                              hint="pass --out to a folder outside your notes, e.g. --out outputs")
    if out.exists() and not out.is_dir():
        raise OutputError("the output path is a file", path=out_dir, hint="pass --out to a folder")
    existing = next(p for p in (out, *out.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write the output folder ({existing} is not a writable folder)",
                          path=out_dir, hint="choose a writable folder with --out")
    if out.is_dir() and not (out / OUTPUT_MARKER).exists():
        foreign = [f.name for f in out.iterdir() if not f.name.startswith(".") and f.name != "README.md"]
        if foreign:
            raise OutputError(f"the output folder already holds files notegraph did not write "
                              f"({', '.join(sorted(foreign)[:3])})", path=out_dir,
                              hint="choose an empty or new folder with --out")


def analyse(notes: Sequence[Note], ontology: Ontology, cache: AnalysisCache | None,
            on_progress: Callable[[int], None] | None = None, jobs: int = 1) -> tuple[list[Analysis], int]:
    """Analyses in note order, from the cache where possible; returns (analyses, reused count)."""
    results: dict[int, Analysis] = {}
    todo: list[int] = []
    for i, note in enumerate(notes):
        hit = cache.get(note) if cache else None
        if hit is not None:
            results[i] = hit
            if on_progress:
                on_progress(1)
        else:
            todo.append(i)
    reused = len(results)
    batches = [todo[start:start + BATCH] for start in range(0, len(todo), BATCH)]
    for idx, analyses in zip(batches, _run_batches([[notes[i] for i in b] for b in batches], ontology, jobs),
                             strict=True):
        for i, a in zip(idx, analyses, strict=True):
            results[i] = a
            if cache:
                cache.put(a)
        if on_progress:
            on_progress(len(idx))
    return [results[i] for i in range(len(notes))], reused


BATCH = 16
RELEASE_AFTER = 4  # batches; an edit or two keeps the models loaded for the next build in the process


def _run_batches(batches: list[list[Note]], ontology: Ontology, jobs: int) -> Iterator[list[Analysis]]:
    """Analyse batches in this process, or in `jobs` worker processes that each load the models once."""
    if not batches:
        return
    if jobs <= 1 or len(batches) == 1:
        from .nlp import analyze_notes, load_nlp

        nlp = load_nlp(ontology)
        for batch in batches:
            yield analyze_notes(batch, nlp, ontology)
        if len(batches) > RELEASE_AFTER:  # a big (cold) build: free Kiwi before the outputs are made
            from .nlp import release_nlp

            del nlp
            release_nlp()
            gc.collect()
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn, not fork: a forked child inherits Kiwi's and the progress bar's threads mid-lock and hangs
    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init, initargs=(ontology,),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(_worker_analyze, batches)


_WORKER: dict[str, object] = {}


def _worker_init(ontology: Ontology) -> None:
    from .nlp import load_nlp

    _WORKER["ontology"] = ontology
    _WORKER["nlp"] = load_nlp(ontology)


def _worker_analyze(batch: list[Note]) -> list[Analysis]:
    from .nlp import analyze_notes

    return analyze_notes(batch, _WORKER["nlp"], _WORKER["ontology"])


class _Graphs(Mapping[str, nx.MultiDiGraph]):
    """The whole-course graph under "all" and one graph per week. Each week's graph is built when
    asked for and not kept: at 1,000 notes holding ~200 week graphs at once costs hundreds of MB."""

    def __init__(self, analyses: Sequence[Analysis], ontology: Ontology) -> None:
        self.analyses, self.ontology = analyses, ontology
        self.all = build_graph(analyses, ontology)
        self.keys_ = [ALL, *weeks(self.all)]

    def __getitem__(self, key: str) -> nx.MultiDiGraph:
        if key == ALL:
            return self.all
        return build_graph(self.notes_of(key), self.ontology, week=key)

    def notes_of(self, key: str) -> list[Analysis]:
        """The analyses that hold a day of this week: the whole course is not re-read per week."""
        if key not in self.keys_:
            raise KeyError(key)
        return [a for a in self.analyses if any(seg.week == key for seg in a.note.segments)]

    def week_stamps(self, as_of: dt.date | None) -> dict[str, str]:
        """Per week, a hash of what its outputs are made of — hashed without building anything, so
        an unchanged week of a long course costs nothing. A week is reviewed as of its own end, so
        only the notes with a day up to then (their mentions after corpus-wide discovery), `as_of`,
        the ontology and this notegraph count: adding today's note leaves every earlier week as it was."""
        notes = {}
        for a in self.analyses:
            digest = hashlib.sha256(f"{a.note.source}\0{a.note.sha256}".encode())
            for m in a.mentions:
                digest.update(f"\0{m.concept_id}:{m.start}:{m.origin}".encode())
            notes[a.note.source] = digest.hexdigest()
        first: dict[str, int] = {}
        end: dict[str, int] = {}
        for _, d in self.all.nodes(data=True):
            if d.get("kind") == "day":
                first[d["source"]] = min(first.get(d["source"], d["order"]), d["order"])
                if d.get("week"):
                    end[d["week"]] = max(end.get(d["week"], d["order"]), d["order"])
        head = f"{_package_version()}\0{self.ontology.version}\0{as_of}"
        return {week: hashlib.sha256("\0".join(
                    [head, week, *sorted(notes[src] for src, o in first.items() if o <= last and src in notes)]
                ).encode()).hexdigest() for week, last in end.items()}

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_)

    def __len__(self) -> int:
        return len(self.keys_)


def build(paths: Sequence[Path], out_dir: Path, *, jobs: int = 1, use_cache: bool = True,
          progress: bool = False, as_of: dt.date | None = None) -> BuildSummary:
    """Build everything for the notes under `paths` into `out_dir`."""
    started = time.perf_counter()
    paths = [Path(p) for p in paths]
    check_output_dir(out_dir, paths)
    ontology = load_ontology(user_concepts_file(paths))
    inputs = _inputs_stamp(paths, out_dir, ontology, as_of) if use_cache else None
    previous = _previous_build(out_dir, inputs)
    if previous is not None:  # nothing changed since the last build: its outputs stand
        return previous.model_copy(update={"reused": previous.notes, "seconds": time.perf_counter() - started})
    cache = AnalysisCache(out_dir / ".cache", f"{code_version()}-{ontology.version}") if use_cache else None
    notes, warnings = load_notes(paths, cache.note if cache else None)

    from .nlp import filter_discovered

    with _progress(progress and len(notes) > 5, len(notes)) as advance:
        analyses, reused = analyse(notes, ontology, cache, advance, jobs)
    analyses = filter_discovered(analyses)
    graphs = _Graphs(analyses, ontology)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / OUTPUT_MARKER).touch()
    except OSError as exc:
        raise OutputError(f"cannot write the output folder: {exc.strerror or exc}", path=out_dir,
                          hint="choose a writable folder with --out") from exc
    files = _write_outputs(graphs, out_dir, as_of)
    if cache:
        cache.prune()
    G = graphs[ALL]
    n_days = sum(1 for _, d in G.nodes(data=True) if d["kind"] == "day")
    n_concepts = sum(1 for _, d in G.nodes(data=True) if d["kind"] == "concept")
    warnings = [*warnings, *(w for n in notes for w in n.warnings)]
    summary = BuildSummary(notes=len(notes), reused=reused, days=n_days, concepts=n_concepts,
                           weeks=tuple(k for k in graphs if k != ALL), out_dir=str(out_dir),
                           files=tuple(str(f) for f in files), warnings=tuple(warnings),
                           seconds=time.perf_counter() - started)
    if inputs:
        write_text_atomic(out_dir / LAST_BUILD, json.dumps({"inputs": inputs, "summary": summary.model_dump(
            mode="json")}, ensure_ascii=False))
    return summary


LAST_BUILD = ".notegraph-build.json"


def _inputs_stamp(paths: Sequence[Path], out_dir: Path, ontology: Ontology, as_of: dt.date | None) -> str | None:
    """Hash of everything a build's outputs are made of: the note files (where they are and their
    bytes), the output folder, the ontology, this notegraph and `as_of`; None if a file cannot be read."""
    prints = fingerprints(paths)
    if prints is None:
        return None
    digest = hashlib.sha256(f"{_package_version()}\0{ontology.version}\0{as_of}".encode())
    for p in (out_dir, *paths):
        digest.update(f"\0{Path(p).resolve()}".encode())
    for source, sha in prints:
        digest.update(f"\0{source}\0{sha}".encode())
    return digest.hexdigest()


def _previous_build(out_dir: Path, inputs: str | None) -> BuildSummary | None:
    """The last build's summary if it was made from exactly `inputs` and its files are all there."""
    if inputs is None:
        return None
    try:
        last = json.loads((out_dir / LAST_BUILD).read_text(encoding="utf-8"))
        if last.get("inputs") != inputs:
            return None
        summary = BuildSummary.model_validate(last["summary"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return summary if all(Path(f).is_file() for f in summary.files) else None


def _write_outputs(graphs: _Graphs, out_dir: Path, as_of: dt.date | None) -> list[Path]:
    """graph.json, concept_map.html and report.md per key. The whole course is reviewed as of the
    last day (or `as_of`); each week as of its own end, with the earlier weeks as its history."""
    from .render.map import render_map
    from .render.report import render_report
    from .review import annotate, mark, review

    files: list[Path] = []
    G_all = graphs.all
    stamps = graphs.week_stamps(as_of)
    for key in graphs:
        folder = out_dir / key
        files += [folder / "graph.json", folder / "concept_map.html", folder / "report.md"]
        if key == ALL:
            items = annotate(G_all, as_of)
            pieces = graph_json_pieces(G_all)  # hashed and written piece by piece: never one big text
            digest = hashlib.sha256()
            for piece in pieces:
                digest.update(piece.encode())
            sha = digest.hexdigest()
            stamp = hashlib.sha256(f"{sha}\0{_package_version()}".encode()).hexdigest()
            changed = not _unchanged(folder, stamp) or not index_path(folder / "graph.json").is_file()
            if changed:
                write_text_atomic(folder / "graph.json", pieces)
            del pieces  # before the map, the other big allocation
            if changed:
                # the index answers `gaps` as shown by default: as of the last day, not `as_of`
                write_index(G_all, folder / "graph.json", items if as_of is None else review(G_all),
                            graph_sha256=sha)
                render_map(G_all, folder / "concept_map.html", title="notegraph — all weeks",
                           layout_file=folder / "layout.json")
                write_text_atomic(folder / STAMP, stamp)
            write_text_atomic(folder / "report.md", render_report(G_all, None, items, "concept_map.html"))
            continue
        stamp = stamps.get(key)
        if _unchanged(folder, stamp):
            continue
        items = review(G_all, as_of, week=key)
        G = graphs[key]
        mark(G, items, source=G_all)
        write_text_atomic(folder / "graph.json", graph_json_pieces(G))
        render_map(G, folder / "concept_map.html", title=f"notegraph — {key}", layout_file=folder / "layout.json")
        write_text_atomic(folder / "report.md", render_report(G_all, key, items, "concept_map.html"))
        if stamp:
            write_text_atomic(folder / STAMP, stamp)
    return files


STAMP = ".notegraph-stamp"


def _unchanged(folder: Path, stamp: str | None) -> bool:
    """True when the folder's outputs were written from these very inputs by this notegraph."""
    try:
        return stamp is not None and (folder / STAMP).read_text(encoding="utf-8") == stamp and all(
            (folder / f).is_file() for f in ("graph.json", "concept_map.html", "report.md"))
    except OSError:
        return False


@cache
def _package_version() -> str:
    """Hash of this package's code, data and render assets: a new notegraph rewrites every output."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
        digest.update(str(f.relative_to(root)).encode() + f.read_bytes())
    return digest.hexdigest()


class _progress:
    """A rich progress bar when there are more than a handful of notes; a no-op otherwise."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled, self.total = enabled, total
        self._bar = None

    def __enter__(self) -> Callable[[int], None]:
        if not self.enabled:
            return lambda n: None
        from rich.progress import Progress

        self._bar = Progress(transient=True)
        self._bar.start()
        task = self._bar.add_task("analysing notes", total=self.total)
        return lambda n: self._bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
