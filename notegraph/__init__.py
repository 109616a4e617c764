"""notegraph: a learner's study notes in, a knowledge graph of concepts and days out.

Library API (the CLI is a thin layer over these)::

    from notegraph import build, load_graph, days_covering, gaps
    build(["notes"], Path("outputs"))                  # → BuildSummary
    G = load_graph("outputs/all/graph.json")           # networkx MultiDiGraph
    days_covering(G, "노드 임베딩")                      # → [DayHit, ...]
    gaps(G)                                            # → [ReviewItem, ...] (notegraph.review.review)

Names are imported lazily, so reading a graph never loads spaCy, Kiwi or pyvis.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "build": "notegraph.pipeline",
    "load_notes": "notegraph.ingest",
    "load_ontology": "notegraph.ontology",
    "build_graph": "notegraph.graph",
    "load_graph": "notegraph.export",
    "export_graph": "notegraph.export",
    "days_covering": "notegraph.queries",
    "concepts_on": "notegraph.queries",
    "related": "notegraph.queries",
    "resolve": "notegraph.queries",
    "gaps": "notegraph.review",
    "render_map": "notegraph.render.map",
    "render_report": "notegraph.render.report",
    "NotegraphError": "notegraph.errors",
}

__all__ = sorted(_EXPORTS)


# exported names that differ from the function's own name (a package attribute cannot be both the
# `notegraph.review` submodule and its `review` function)
_RENAMED = {"gaps": "review"}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'notegraph' has no attribute {name!r}")
    return getattr(import_module(module), _RENAMED.get(name, name))
