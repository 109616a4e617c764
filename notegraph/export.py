"""Write and read the graph: node-link JSON (graph.json, stable order so that unchanged notes give
byte-identical files), GraphML and GEXF for Gephi/Cytoscape.

Reading a graph needs only networkx and the standard library, so query commands start fast.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

import networkx as nx

from .errors import GraphNotFound, OutputError

FORMAT_VERSION = 1


def graph_to_json(G: nx.MultiDiGraph) -> str:
    """Node-link JSON with nodes sorted by id and edges by (source, target, key): the document of
    `nx.node_link_data(G, edges="edges")`, one node or edge per line (diffable like indent=1, but
    indent forces json's pure-Python encoder)."""
    return "".join(graph_json_pieces(G))


def graph_json_pieces(G: nx.MultiDiGraph) -> list[str]:
    """graph.json as the pieces `graph_to_json` joins. Rows are made straight from the graph and
    encoded by one reused C encoder: node_link_data's copies and json.dumps' per-call set-up were most
    of the time (~2.1 s CPU for a 1,000-note course). Writing and hashing the pieces instead of the
    joined text keeps memory low: the rows stay narrow strings, while one emoji makes the joined text
    4 bytes a character (~147 MB as str for a 46 MB graph.json)."""
    encode = _ENCODER.encode
    scalars = {"directed": G.is_directed(), "multigraph": G.is_multigraph(),
               "graph": {**G.graph, "format": "notegraph", "format_version": FORMAT_VERSION}}
    pieces = ["{\n"]
    for i, key in enumerate(sorted([*scalars, "edges", "nodes"])):
        if i:
            pieces.append(",\n")
        if key == "nodes":
            rows = [encode({**d, "id": n}) for n, d in sorted(G._node.items(), key=_first)]
        elif key == "edges":
            rows = [encode({**d, "source": u, "target": v} if k is _NO_KEY else
                           {**d, "source": u, "target": v, "key": k})
                    for u, v, k, d in sorted(_edges(G), key=_edge_order)]
        else:
            pieces.append(f" {encode(key)}: {encode(scalars[key])}")
            continue
        if rows:
            pieces.append(f" {encode(key)}: [\n  ")
            for j, row in enumerate(rows):
                if j:
                    pieces.append(",\n  ")
                pieces.append(row)
            pieces.append("\n ]")
        else:
            pieces.append(f" {encode(key)}: []")
    pieces.append("\n}\n")
    return pieces


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(", ", ": "), default=str)


_NO_KEY = object()


def _edges(G: nx.Graph) -> Iterator[tuple]:
    """(u, v, key, data) of every edge; networkx's adjacency read directly for a MultiDiGraph."""
    if isinstance(G, nx.MultiDiGraph):
        return ((u, v, k, d) for u, nbrs in G._succ.items() for v, keys in nbrs.items() for k, d in keys.items())
    if G.is_multigraph():
        return iter(G.edges(keys=True, data=True))
    return ((u, v, _NO_KEY, d) for u, v, d in G.edges(data=True))


def _first(item: tuple) -> object:
    return item[0]


def _edge_order(e: tuple) -> tuple:
    return e[0], e[1], "" if e[2] is _NO_KEY else e[2]


def write_text_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write `text` (or its pieces, in order) via a temporary file in the same folder and rename, so a
    crash never leaves half a file."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, output_mode())  # mkstemp makes 0600; outputs are ordinary files (blogs serve them)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            if isinstance(text, str):
                f.write(text)
            else:
                f.writelines(text)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)  # never leave half a file behind
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}", path=path,
                          hint="choose a writable folder with --out") from exc


def output_mode() -> int:
    """Permissions of an output file: what the user's umask gives an ordinary new file."""
    return 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_graph_json(G: nx.MultiDiGraph, path: Path) -> None:
    write_text_atomic(path, graph_to_json(G))


def load_graph(path: Path | str) -> nx.MultiDiGraph:
    """Read a graph.json written by notegraph."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GraphNotFound("no graph here", path=path,
                            hint="run `notegraph build` first, or pass --graph PATH") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GraphNotFound(f"not a readable graph.json: {exc}", path=path,
                            hint="rebuild it with `notegraph build`") from exc
    if not isinstance(data, dict) or data.get("graph", {}).get("format") != "notegraph":
        raise GraphNotFound("this JSON was not written by notegraph", path=path,
                            hint="pass the graph.json from a `notegraph build` output folder")
    return _graph_from(data, path)


def _graph_from(data: dict, path: Path) -> nx.MultiDiGraph:
    """The graph of node-link `data`, filled straight into networkx's adjacency dicts: `add_edges_from`
    spends ~20 µs per edge on checks a graph we wrote does not need, which was most of a query's
    load time (same graph: tests/test_graph.py compares it with `nx.node_link_graph`)."""
    G = nx.MultiDiGraph()
    G.graph.update(data.get("graph", {}))
    nodes, succ, pred = G._node, G._succ, G._pred
    for n in data.get("nodes", []):
        node = n.pop("id")
        nodes[node] = n
        succ[node], pred[node] = {}, {}
    for e in data.get("edges", []):
        u, v, key = e.pop("source"), e.pop("target"), e.pop("key", None)
        if u not in nodes or v not in nodes:
            raise GraphNotFound(f"edge {u!r} → {v!r} names a node the graph does not have", path=path,
                                hint="rebuild it with `notegraph build`")
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys[key if key is not None else len(keys)] = e
    return G


def _flat_copy(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML/GEXF hold only scalars: lists and dicts become JSON strings, None is dropped."""
    H = nx.MultiDiGraph()
    H.graph.update({k: v for k, v in G.graph.items() if isinstance(v, str | int | float | bool)})

    def flat(attrs: dict) -> dict:
        out = {}
        for k, v in attrs.items():
            if v is None:
                continue
            out[k] = v if isinstance(v, str | int | float | bool) else json.dumps(v, ensure_ascii=False)
        return out

    for n, d in G.nodes(data=True):
        H.add_node(n, **flat(d))
    for u, v, k, d in G.edges(keys=True, data=True):
        H.add_edge(u, v, key=k, **flat(d))
    return H


def export_graph(G: nx.MultiDiGraph, path: Path, fmt: Literal["json", "graphml", "gexf"]) -> Path:
    """Write `G` to `path` in `fmt`; returns the path written."""
    if fmt == "json":
        write_graph_json(G, path)
    elif fmt == "graphml":
        write_text_atomic(path, "\n".join(nx.generate_graphml(_flat_copy(G))) + "\n")
    elif fmt == "gexf":
        write_text_atomic(path, "\n".join(nx.generate_gexf(_flat_copy(G))) + "\n")
    else:
        raise OutputError(f"unknown export format {fmt!r}", hint="use json, graphml or gexf")
    return path
