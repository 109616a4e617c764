"""Command line: the only module that knows argv, exit codes and terminal formatting.

Every command parses its arguments, calls one library function, and prints the result. Exit codes:
0 success (warnings allowed), 1 a user error (the message says what to do), 2 usage.
Heavy imports (spaCy, Kiwi, pyvis) happen inside `build` only, so the query commands start fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from .entry import DEFAULT_GRAPH
from .errors import NotegraphError
from .render.text import as_text, day_hit_lines, json_text, review_lines, use_style

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn study notes into a knowledge graph: concept map, day queries, review gaps.")
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

GraphOpt = Annotated[Path, typer.Option("--graph", "-g", help="graph.json written by `notegraph build`.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _fail(exc: NotegraphError) -> None:
    err_console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, soft_wrap=True)
    raise typer.Exit(exc.exit_code)


def _user_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Every command: a NotegraphError becomes its message on stderr and its exit code."""

    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> None:
        try:
            command(*args, **kwargs)
        except NotegraphError as exc:
            _fail(exc)

    return run


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")


@app.command()
@_user_errors
def build(
    paths: Annotated[list[Path] | None, typer.Argument(help="Note files or folders (default: notes/).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("outputs"),
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes for analysis.")] = 1,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Re-analyse every note.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Build concept maps, graph.json and review reports, per week and for `all`."""
    from .pipeline import build as run_build

    summary = run_build(paths or [Path("notes")], out, jobs=jobs, use_cache=not no_cache,
                        progress=not quiet)
    if quiet:
        return
    for w in summary.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(w)}", markup=True, soft_wrap=True)
    console.print(f"notes: {summary.notes} ({summary.reused} reused from cache)  days: {summary.days}  "
                  f"concepts: {summary.concepts}  weeks: {', '.join(summary.weeks) or '-'}  "
                  f"({summary.seconds:.1f}s)")
    console.print(f"map:   {Path(summary.out_dir) / 'all' / 'concept_map.html'}")
    console.print(f"files: {len(summary.files)} written under {summary.out_dir}/")


@app.command()
@_user_errors
def days(
    concept: Annotated[str, typer.Argument(help="A concept name or alias, Korean or English, or a category.")],
    graph: GraphOpt = DEFAULT_GRAPH,
    week: Annotated[str | None, typer.Option("--week", "-w", help="Only this week (e.g. 1 or week01).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Which days covered CONCEPT, oldest first, with the lines as evidence."""
    from .export import load_graph
    from .queries import days_covering

    hits = [h.model_dump(mode="json") for h in days_covering(load_graph(graph), concept, week=week)]
    _print_lines(json_text(hits) if as_json else day_hit_lines(concept, hits, use_style(sys.stdout)))


def _print_lines(text: str | list[str]) -> None:
    sys.stdout.write(text if isinstance(text, str) else as_text(text))


AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Review as of this date (YYYY-MM-DD); "
                                             "default: the last day in the graph.")]


def _as_of(as_of: str | None, today: bool) -> object:
    import datetime as dt

    if as_of:
        try:
            return dt.date.fromisoformat(as_of)
        except ValueError:
            raise typer.BadParameter(f"{as_of!r} is not a date; use YYYY-MM-DD",
                                     param_hint="--as-of") from None
    return dt.date.today() if today else None


@app.command()
@_user_errors
def gaps(
    graph: GraphOpt = DEFAULT_GRAPH,
    as_of: AsOfOpt = None,
    today: Annotated[bool, typer.Option("--today", help="Review as of today.")] = False,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", "-k", help="Only these kinds: question, prerequisite, due, single-touch, cluster, "
        "syllabus (repeatable).")] = None,
    syllabus: Annotated[Path | None, typer.Option(
        "--syllabus", help="Topics to cover: one a line, or YAML (- topic / - {topic, aliases}).")] = None,
    week: Annotated[str | None, typer.Option("--week", "-w", help="Only this week's concepts.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="At most N per kind (0: all).")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """What to review: open questions, missing prerequisites, due, single touches, unconnected topics."""
    from .export import load_graph
    from .review import load_syllabus, review

    when = _as_of(as_of, today)
    topics = load_syllabus(syllabus) if syllabus else None
    items = review(load_graph(graph), when, kinds=kind, syllabus=topics, week=week, limit=limit or None)
    records = [it.model_dump(mode="json") for it in items]
    _print_lines(json_text(records) if as_json else review_lines(records, use_style(sys.stdout)))


@app.command()
@_user_errors
def report(
    week: Annotated[str | None, typer.Option("--week", "-w", help="The week (e.g. 1 or week01); "
                                             "default: every day in the graph.")] = None,
    graph: GraphOpt = DEFAULT_GRAPH,
    as_of: AsOfOpt = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Where to write (default: report.md "
                                             "next to the graph).")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="Review items per kind (0: all).")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Write the Markdown report (days, new and returning concepts, review list, map link)."""
    import os

    from .export import load_graph, write_text_atomic
    from .queries import match_week
    from .render.report import render_report
    from .review import review

    when = _as_of(as_of, False)
    target = out or graph.parent / "report.md"
    G = load_graph(graph)
    wk = match_week(G, week) if week else None
    week_map = graph.parent.parent / wk / "concept_map.html" if wk else None
    the_map = week_map if week_map and week_map.exists() else graph.parent / "concept_map.html"
    items = review(G, when, week=wk, limit=limit or None)
    text = render_report(G, wk, items, os.path.relpath(the_map, target.parent).replace(os.sep, "/"))
    write_text_atomic(target, text)
    if as_json:
        _print_json({"path": str(target), "week": wk, "items": len(items)})
        return
    console.print(f"report: {target} ({len(items)} review items)", markup=False)


@app.command()
@_user_errors
def concepts(
    day: Annotated[str | None, typer.Option("--day", "-d", help="A day label as written, or a date.")] = None,
    week: Annotated[str | None, typer.Option("--week", "-w", help="A week (e.g. 1 or week01).")] = None,
    graph: GraphOpt = DEFAULT_GRAPH,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="At most N rows (0: all).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Concepts a day or week covered (all concepts without --day/--week), most mentioned first."""
    from rich.table import Table

    from .export import load_graph
    from .queries import concepts_on

    rows = concepts_on(load_graph(graph), day=day, week=week)
    rows = rows[:limit] if limit else rows
    if as_json:
        _print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("concept", "category", "mentions", "days", "new")
    for r in rows:
        table.add_row(r.label, r.category or "", str(r.count), ", ".join(r.days), "new" if r.new else "")
    console.print(table)


@app.command()
@_user_errors
def related(
    concept: Annotated[str, typer.Argument(help="A concept name or alias, Korean or English.")],
    graph: GraphOpt = DEFAULT_GRAPH,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="At most N rows (0: all).")] = 15,
    as_json: JsonOpt = False,
) -> None:
    """Concepts linked to CONCEPT: named on the same lines, or prerequisite/related in the ontology."""
    from .export import load_graph
    from .queries import related as related_to

    rows = related_to(load_graph(graph), concept)
    rows = rows[:limit] if limit else rows
    if as_json:
        _print_json([r.model_dump(mode="json") for r in rows])
        return
    if not rows:
        console.print(f"{concept}: nothing linked to it in this graph", markup=False)
        return
    for r in rows:
        of = f" (of {r.of})" if len({x.of for x in rows}) > 1 else ""
        console.print(f"{r.label}{of}: same lines {r.weight}, same days {r.shared_days}; "
                      f"{', '.join(r.relations)}", markup=False, soft_wrap=True)


@app.command("export")
@_user_errors
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="graphml, gexf or json.")] = "graphml",
    graph: GraphOpt = DEFAULT_GRAPH,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write (default: next to "
                                             "the graph, e.g. graph.graphml).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the graph as GraphML or GEXF (Gephi, Cytoscape) or node-link JSON."""
    from .export import export_graph, load_graph

    fmt = fmt.lower()
    if fmt not in ("graphml", "gexf", "json"):
        raise typer.BadParameter(f"{fmt!r}: use graphml, gexf or json", param_hint="--format")
    target = out or graph.with_name(f"graph.{fmt}")
    written = export_graph(load_graph(graph), target, fmt)  # type: ignore[arg-type]
    if as_json:
        _print_json({"path": str(written), "format": fmt})
        return
    console.print(f"wrote {written}", markup=False)


def main() -> None:
    app()
