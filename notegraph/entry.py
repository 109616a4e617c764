"""The `notegraph` command: answers `days` and `gaps` from the query index when it can, else hands
the command line to the full CLI (notegraph.cli).

A learner's most frequent commands are `days CONCEPT` and `gaps`; importing the full CLI (typer,
rich, pydantic, networkx) takes longer than answering them from the index written by `build`. This
entry point reads only the options it understands; anything else (--help, --as-of, --syllabus, a
missing or stale index, an unknown week or kind) goes to the full CLI, which gives the same answers
and all the messages. Both print through notegraph.render.text, so the output is the same.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple, TextIO

DEFAULT_GRAPH = Path("outputs/all/graph.json")
DEFAULT_LIMIT = 10

_OPTIONS = {"--graph": "graph", "-g": "graph", "--week": "week", "-w": "week",
            "--kind": "kind", "-k": "kind", "--limit": "limit", "-n": "limit"}
_ALLOWED = {"days": {"graph", "week"}, "gaps": {"graph", "kind", "limit"}}


class FastQuery(NamedTuple):
    command: str
    concept: str | None
    graph: Path
    week: str | None
    kinds: tuple[str, ...]
    limit: int
    as_json: bool


def parse_fast(argv: list[str]) -> FastQuery | None:
    """The query if `argv` is a `days`/`gaps` command using only options the fast path knows."""
    if not argv or argv[0] not in _ALLOWED:
        return None
    command, rest = argv[0], argv[1:]
    values: dict[str, list[str]] = {}
    positional: list[str] = []
    as_json = False
    i = 0
    while i < len(rest):
        arg = rest[i]
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if arg == "--json":
            as_json = True
        elif name in _OPTIONS and _OPTIONS[name] in _ALLOWED[command]:
            if not eq:
                if i + 1 >= len(rest):
                    return None
                i += 1
                value = rest[i]
            values.setdefault(_OPTIONS[name], []).append(value)
        elif arg.startswith("-"):
            return None  # --help, an option only the full CLI has, or a value it must reject
        else:
            positional.append(arg)
        i += 1
    if len(positional) != (1 if command == "days" else 0):
        return None
    if any(len(v) > 1 for k, v in values.items() if k != "kind"):
        return None
    try:
        limit = int(values["limit"][0]) if "limit" in values else DEFAULT_LIMIT
    except ValueError:
        return None
    if limit < 0:
        return None
    return FastQuery(command, positional[0] if positional else None,
                     Path(values["graph"][0]) if "graph" in values else DEFAULT_GRAPH,
                     values["week"][0] if "week" in values else None, tuple(values.get("kind", ())),
                     limit, as_json)


def answer_fast(argv: list[str], out: TextIO, err: TextIO) -> int | None:
    """Answer `argv` from the query index: the exit code, or None when the full CLI must answer."""
    query = parse_fast(argv)
    if query is None:
        return None
    from .errors import NotegraphError
    from .query_index import open_index
    from .render.text import as_text, day_hit_lines, error_line, json_text, review_lines, use_style

    index = open_index(query.graph)
    if index is None:
        return None
    try:
        if query.command == "days":
            hits = index.days(query.concept or "", query.week)
            if hits is None:
                return None
            out.write(json_text(hits) if query.as_json else as_text(
                day_hit_lines(query.concept or "", hits, use_style(out))))
        else:
            items = index.gaps(query.kinds, query.limit or None)
            if items is None:
                return None
            out.write(json_text(items) if query.as_json else as_text(review_lines(items, use_style(out))))
    except NotegraphError as exc:
        err.write(error_line(str(exc), use_style(err)) + "\n")
        return exc.exit_code
    finally:
        index.close()
    return 0


def main() -> None:
    """Console script `notegraph`."""
    code = answer_fast(sys.argv[1:], sys.stdout, sys.stderr)
    if code is None:
        from .cli import app

        app()
    else:
        sys.exit(code)
