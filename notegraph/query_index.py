"""The query index: a small SQLite file next to graph.json (`graph.index.sqlite`) that answers
`days` and the default `gaps` without reading the graph.

A learner asks `notegraph days attention` many times a week; reading a multi-megabyte graph.json
into networkx (and importing networkx, pydantic and friends) costs more than the answer. `build`
writes the answers' ingredients once — every name → concept, every concept → its days as
ready-made answer records, the review list as of the last day — and a query reads only its rows.
The index names the exact graph.json it was made from (size, mtime, SHA-256), so a graph edited or
replaced by hand is never answered from a stale index: `open_index` returns None and the caller
reads the graph itself. Reading needs only the standard library (rapidfuzz on a misspelling).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from .names import resolve_name, week_key
from .records import DayHitRecord, ReviewRecord

if TYPE_CHECKING:
    import networkx as nx

    from .models import ReviewItem

FORMAT = 1
SUFFIX = ".index.sqlite"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE names (key TEXT NOT NULL, is_category INTEGER NOT NULL, concept TEXT NOT NULL);
CREATE TABLE concepts (id TEXT PRIMARY KEY, label TEXT NOT NULL, category TEXT);
CREATE TABLE hits (concept TEXT NOT NULL, ord INTEGER NOT NULL, week TEXT, record TEXT NOT NULL);
CREATE TABLE review (rank INTEGER PRIMARY KEY, kind TEXT NOT NULL, record TEXT NOT NULL);
"""
_INDEXES = """
CREATE INDEX names_key ON names (key);
CREATE INDEX hits_concept ON hits (concept, ord);
"""


_encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for every row, not one per call


def index_path(graph_path: Path) -> Path:
    """Where the index of `graph_path` lives: `graph.json` → `graph.index.sqlite`."""
    return graph_path.with_name(graph_path.stem + SUFFIX)


def write_index(G: nx.MultiDiGraph, graph_path: Path, review: Sequence[ReviewItem] | None, *,
                graph_sha256: str | None = None) -> Path:
    """Write the index of the graph just written to `graph_path` (G is that graph); `review` is its
    review list as `gaps` shows it by default (every kind, no limit, as of the last day);
    `graph_sha256` is the file's hash when the caller has it (else the file is read)."""
    from .errors import OutputError
    from .export import output_mode
    from .queries import concept_nodes, day_hit_records, name_index, week_keys
    from .questions import load_cues
    from .review import KINDS

    stat = graph_path.stat()
    sha = graph_sha256 or hashlib.sha256(graph_path.read_bytes()).hexdigest()
    concepts, categories = name_index(G)
    meta = {"format": FORMAT, "graph_size": stat.st_size, "graph_mtime_ns": stat.st_mtime_ns,
            "graph_sha256": sha, "weeks": week_keys(G),
            "particles": list(load_cues().particles), "has_review": review is not None, "kinds": list(KINDS)}
    nodes = concept_nodes(G)
    tables = {
        "meta": [(k, json.dumps(v)) for k, v in meta.items()],
        "names": [(k, 0, n) for k, ids in concepts.items() for n in ids]
                 + [(k, 1, n) for k, ids in categories.items() for n in ids],
        "concepts": [(n, str(G.nodes[n].get("label", n)), G.nodes[n].get("category")) for n in nodes],
        "hits": [(n, order, hit["week"], _encode(hit))
                 for n in nodes for order, hit in day_hit_records(G, n)],
        "review": [(i, it.kind, it.model_dump_json()) for i, it in enumerate(review or ())],
    }
    target = index_path(graph_path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        with closing(_connect(tmp)) as db:
            # a private temp file, renamed into place when complete: no journal, no fsync
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(_SCHEMA)
            for table, rows in tables.items():
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            db.executescript(_INDEXES)
            db.commit()
        os.chmod(tmp, output_mode())
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError(f"cannot write the query index: {exc}", path=target,
                          hint="choose a writable folder with --out") from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return target


def _connect(path: str | Path, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    return sqlite3.connect(path)


class QueryIndex:
    """An open, up-to-date index; also the names.NameTable of its graph."""

    def __init__(self, db: sqlite3.Connection, meta: dict[str, object]) -> None:
        self.db, self.meta = db, meta

    # --- answers -------------------------------------------------------------------------------
    def days(self, name: str, week: str | None = None) -> list[DayHitRecord] | None:
        """`days_covering` from the index; None when `week` names no week of the graph (the caller
        reads the graph to explain). Raises UnknownConcept as `days_covering` does."""
        wk = None
        if week:
            wk = week_key(self.meta["weeks"], week)  # type: ignore[arg-type]
            if wk is None:
                return None
        hits = []
        for node in resolve_name(self, name):
            rows = self.db.execute("SELECT ord, week, record FROM hits WHERE concept = ? ORDER BY ord",
                                   (node,)).fetchall()
            for order, hit_week, record in rows:
                if not wk or hit_week == wk:
                    hit: DayHitRecord = json.loads(record)
                    hits.append((order, hit["concept"].casefold(), hit))
        return [h for *_, h in sorted(hits, key=lambda t: (t[0], t[1]))]

    def gaps(self, kinds: Sequence[str] | None = None, limit: int | None = 10) -> list[ReviewRecord] | None:
        """The default review list (as of the last day), only `kinds`, at most `limit` per kind;
        None when the index holds no review list or a kind is unknown (the caller explains)."""
        if not self.meta.get("has_review"):
            return None
        if kinds and any(k not in self.meta["kinds"] for k in kinds):  # type: ignore[operator]
            return None
        out: list[ReviewRecord] = []
        taken: dict[str, int] = {}
        for kind, record in self.db.execute("SELECT kind, record FROM review ORDER BY rank"):
            if kinds and kind not in kinds:
                continue
            if limit and taken.get(kind, 0) >= limit:
                continue
            taken[kind] = taken.get(kind, 0) + 1
            out.append(json.loads(record))
        return out

    # --- names.NameTable -----------------------------------------------------------------------
    def find(self, key: str) -> frozenset[str] | None:
        rows = self.db.execute("SELECT is_category, concept FROM names WHERE key = ?", (key,)).fetchall()
        for wanted in (0, 1):
            hit = frozenset(c for is_cat, c in rows if is_cat == wanted)
            if hit:
                return hit
        return None

    def all_names(self) -> dict[str, frozenset[str]]:
        table: dict[str, set[str]] = {}
        own: dict[str, set[str]] = {}
        for key, is_cat, concept in self.db.execute("SELECT key, is_category, concept FROM names"):
            (table if is_cat else own).setdefault(key, set()).add(concept)
        table.update(own)  # a concept's own name wins over a category's
        return {k: frozenset(v) for k, v in table.items()}

    def facts(self, ids: frozenset[str]) -> dict[str, tuple[str, str | None]]:
        marks = ",".join("?" * len(ids))
        return {i: (label, cat) for i, label, cat in
                self.db.execute(f"SELECT id, label, category FROM concepts WHERE id IN ({marks})", tuple(ids))}

    def particles(self) -> list[str]:
        return list(self.meta["particles"])  # type: ignore[call-overload]

    def close(self) -> None:
        self.db.close()


def open_index(graph_path: Path) -> QueryIndex | None:
    """The index of `graph_path` if it exists and was made from this very file, else None."""
    path = index_path(graph_path)
    try:
        stat = graph_path.stat()
        if not path.is_file():
            return None
        db = _connect(path, readonly=True)
    except (OSError, sqlite3.Error):
        return None
    try:
        meta = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
        if meta.get("format") != FORMAT or meta.get("graph_size") != stat.st_size:
            raise LookupError
        # copied or touched: compare the bytes
        if meta.get("graph_mtime_ns") != stat.st_mtime_ns and meta.get("graph_sha256") != hashlib.sha256(
                graph_path.read_bytes()).hexdigest():
            raise LookupError
    except (LookupError, OSError, sqlite3.Error, ValueError):
        db.close()
        return None
    return QueryIndex(db, meta)
