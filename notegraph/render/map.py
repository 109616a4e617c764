"""The concept map: one self-contained, offline HTML file per week and for the whole course.

The vis-network node/edge/option objects are the ones pyvis's add_node/add_edge would build (made
directly: pyvis checks every add against a list of all ids), and our own template renders them,
because pyvis 0.3.2's templates link bootstrap and vis from CDNs and inject raw HTML (heading,
titles with "href", node ids in select menus). Here every piece of note text travels as JSON inside
<script type="application/json"> and the page's script builds the DOM with textContent, so a note
can never become markup. vis-network's JS and CSS are inlined from the copy pyvis ships, and a
Content-Security-Policy forbids any network request and any script but ours.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import html
import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import networkx as nx
import yaml

from ..export import write_text_atomic
from ..graph import weeks as graph_weeks
from .layout import MapLayout, compute_layout, layout_to_json, load_layout

HERE = Path(__file__).parent
# pyvis is only the source of vis-network's files: found, not imported (the import costs ~0.3 s)
VIS_DIR = Path(find_spec("pyvis").submodule_search_locations[0]) / "templates" / "lib" / "vis-9.1.2"
DAYS_SHOWN_MAX = 14  # above this many days, day nodes start hidden (they would swamp the concepts)
EVIDENCE_TIP_CHARS = 160
DIM_LIMIT = 4000  # above this many drawn nodes + edges, a click does not fade the rest (too slow)
FONT_FACE = ("'Noto Sans CJK KR', 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', "
             "'Segoe UI', Roboto, sans-serif")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def render_map(G: nx.MultiDiGraph, path: Path, *, title: str, layout_file: Path | None = None,
               max_concepts: int = 500) -> Path:
    """Write the concept map of `G` to `path` and return it.

    Positions are read from `layout_file` when it exists (so concepts stay put between builds) and the
    updated positions are written back to it. The same graph and layout give a byte-identical file.
    """
    with _gc_paused():
        facts = _concept_facts(G)
        layout = compute_layout(G, load_layout(layout_file), boxes=_boxes(facts))
        text = _page(G, title, layout, max_concepts, facts)
    write_text_atomic(path, text)
    if layout_file is not None:
        write_text_atomic(layout_file, layout_to_json(layout))
    return path


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the page data is made. It makes a few hundred
    thousand small, acyclic dicts and lists (reference counting frees them), and the full
    collections they trigger walk every object of the course graph: at 1,000 notes that was half
    of the render's CPU time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def map_html(G: nx.MultiDiGraph, *, title: str, layout: MapLayout | None = None,
             max_concepts: int = 500) -> str:
    """The map as HTML text (what `render_map` writes)."""
    with _gc_paused():
        facts = _concept_facts(G)
        return _page(G, title, layout or compute_layout(G, boxes=_boxes(facts)), max_concepts, facts)


def _page(G: nx.MultiDiGraph, title: str, layout: MapLayout, max_concepts: int, facts: dict[str, _Facts]) -> str:
    nodes, edges, payload = _network(G, layout, max(1, max_concepts), facts)
    payload.update(title=title, nodes=nodes, edges=edges, options=_vis_options(len(facts)))
    scripts = {"vis_js": _vis_js(), "map_js": _asset("map.js")}
    csp = ("default-src 'none'; script-src " + " ".join(_csp_hash(s) for s in scripts.values())
           + "; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
           "form-action 'none'; base-uri 'none'")
    return _template().render(title=html.escape(title), csp=csp, data=_script_json(payload),
                              vis_css=_asset_text(VIS_DIR / "vis-network.css"),
                              map_css=_asset("map.css"), **scripts)


def _network(G: nx.MultiDiGraph, layout: MapLayout, max_concepts: int,
             facts: dict[str, _Facts]) -> tuple[list[dict[str, Any]], list[list[Any]], dict[str, Any]]:
    """vis-network nodes (the objects pyvis's add_node would make), edge rows (see EDGE_KINDS) and
    the side data the page needs: info per node, whose concept hits point into one evidence table.
    map.js unpacks rows and hits into the objects pyvis's add_edge and the panel used to get."""
    pos = layout.positions
    colors = _palette()
    days = _days(G)
    day_index = {d: i for i, d in enumerate(days)}
    concepts = sorted(facts)
    covering = {c: sorted(facts[c].covering, key=lambda hit: day_index.get(hit[0], 0)) for c in concepts}
    ranked = sorted(concepts, key=lambda c: (-len(covering[c]), -facts[c].degree, _label(G, c), c))
    rank = {c: i for i, c in enumerate(ranked)}

    nodes: list[dict[str, Any]] = []
    info: dict[str, dict[str, Any]] = {}
    for d in days:
        data = G.nodes[d]
        label = str(data.get("label") or d)
        x, y = pos.get(d, (day_index[d] * layout.day_gap, 0.0))
        nodes.append({"id": d, "label": label + (f"\n{data['date']}" if data.get("date") else ""),
                      "shape": "box", "x": x, "y": y, "fixed": True,
                      "color": _DAY_COLORS[bool(data.get("is_review"))],
                      "font": {"color": "#ffffff", "size": 18, "strokeWidth": 0}, "margin": 10})
        info[d] = {"kind": "day", "label": label, "date": data.get("date"), "week": data.get("week"),
                   "source": data.get("source"), "order": day_index[d],
                   "isReview": bool(data.get("is_review")),
                   "sections": list(data.get("sections") or []),
                   "concepts": sorted((v for v, keys in G._succ[d].items() if "covers" in keys),
                                      key=lambda c: rank.get(c, 0))}
    categories: dict[str, dict[str, Any]] = {}
    evidence: dict[tuple[Any, ...], int] = {}
    for c in concepts:
        data = G.nodes[c]
        f = facts[c]
        cat_id = str(data.get("category_id") or data.get("category") or "uncategorised")
        color = colors(cat_id)
        cat = categories.setdefault(cat_id, {"id": cat_id, "label": str(data.get("category") or cat_id),
                                             "color": color, "count": 0})
        cat["count"] += 1
        review, ring = _review_marks([str(r) for r in (data.get("review") or [])])
        x, y = pos.get(c, (0.0, 0.0))
        nodes.append({"id": c, "label": f.look.label, "shape": "dot", "x": x, "y": y, "size": f.look.size,
                      "font": {"size": f.look.font},
                      "color": {"background": color, "border": ring or _darker(color),
                                "highlight": {"background": color, "border": "#111827"},
                                "hover": {"background": color, "border": "#111827"}},
                      "borderWidth": 3.5 if ring else 1.5})
        info[c] = {"kind": "concept", "label": _label(G, c), "aliases": list(data.get("aliases") or []),
                   "category": cat_id, "origin": data.get("origin"), "review": review, "rank": rank[c],
                   "mentions": data.get("mentions"),
                   "days": [_day_hit(d, e, day_index, evidence) for d, e in covering[c]],
                   **_neighbours(f, rank)}
    node_index = {n["id"]: i for i, n in enumerate(nodes)}
    kind_edges: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for u, nbrs in G._succ.items():  # the raw adjacency, read only (see _concept_facts)
        for v, keys in nbrs.items():
            for k, d in keys.items():
                if k in _EDGE_STYLE:
                    kind_edges.setdefault(k, []).append((u, v, d))
    edges: list[list[Any]] = []
    for kind_no, k in enumerate(EDGE_KINDS):
        for u, v, d in sorted(kind_edges.get(k, ())):
            if u not in node_index or v not in node_index:
                continue
            if k == "prerequisite":  # drawn as "learn v before u"
                u, v = v, u
            row = [kind_no, node_index[u], node_index[v]]
            if k == "co_occurs":
                row.append(round(1.0 + math.log(max(1, int(d.get("weight", 1)))), 2))
            edges.append(row)
    rings = {v["label"]: v["ring"] for v in (_style().get("review") or {}).values() if "ring" in v}
    payload = {"info": info, "days": days, "evidence": [list(ev) for ev in evidence],
               "edgeKinds": list(EDGE_KINDS), "edgeStyles": _EDGE_STYLE, "weeks": graph_weeks(G),
               "rings": [[k, rings[k]] for k in sorted(rings)],
               "categories": sorted(categories.values(), key=lambda c: (-c["count"], c["label"])),
               "settings": {"maxConcepts": max_concepts, "showDays": len(days) <= DAYS_SHOWN_MAX,
                            "tipChars": EVIDENCE_TIP_CHARS, "dimLimit": DIM_LIMIT}}
    return nodes, edges, payload


_CONCEPT_LINKS = {"co_occurs", "prerequisite", "related"}
_DAY_COLORS = {False: {"background": "#1e293b", "border": "#0f172a",
                       "highlight": {"background": "#334155", "border": "#f59f00"}},
               True: {"background": "#64748b", "border": "#334155",
                      "highlight": {"background": "#64748b", "border": "#f59f00"}}}
_NO_ARROW = {"to": {"enabled": False}}
# Edges travel as rows [kind (index into EDGE_KINDS), from, to (indices into "nodes"), width if
# co_occurs] and map.js adds the kind's style: the same vis objects, a tenth of the bytes.
_EDGE_STYLE: dict[str, dict[str, Any]] = {
    "next": {"color": {"color": "#334155", "opacity": 0.9}, "width": 4, "arrows": _NO_ARROW},
    "covers": {"color": {"color": "#94a3b8", "opacity": 0.35}, "width": 1, "arrows": _NO_ARROW,
               "dashes": [2, 5]},
    "co_occurs": {"color": {"color": "#64748b", "opacity": 0.4}, "arrows": _NO_ARROW},
    "related": {"color": {"color": "#7048e8", "opacity": 0.6}, "width": 1.5, "arrows": _NO_ARROW,
                "dashes": [6, 4]},
    "prerequisite": {"color": {"color": "#e8590c", "opacity": 0.6}, "width": 1.5,
                     "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}},
}

EDGE_KINDS = tuple(sorted(_EDGE_STYLE))  # also the drawing order


def _vis_options(n_concepts: int) -> dict[str, Any]:
    big = n_concepts > 800
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "keyboard": False, "multiselect": False, "navigationButtons": False},
        "nodes": {"font": {"face": FONT_FACE, "size": 14, "color": "#1f2937", "strokeWidth": 4,
                           "strokeColor": "#ffffff"},
                  "scaling": {"label": {"drawThreshold": 6, "maxVisible": 30}}},
        "edges": {"smooth": False, "selectionWidth": 1.5, "hoverWidth": 0.5},
    }


class _Look(NamedTuple):
    label: str
    size: float  # dot radius
    font: int


class _Facts(NamedTuple):
    """What the map needs of one concept's edges, gathered in a single pass over its adjacency
    (the edge views' per-call overhead was the largest cost of a big map)."""

    look: _Look
    degree: int  # co_occurs, prerequisite and related edges, both directions
    covering: list[tuple[str, dict[str, Any]]]  # (day, covers edge data), in adjacency order
    prerequisites: set[str]
    leads_to: set[str]
    related: set[str]
    cooccurs: dict[str, int]  # neighbour -> summed weight


def _concept_facts(G: nx.MultiDiGraph) -> dict[str, _Facts]:
    facts = {}
    for c, data in G.nodes(data=True):
        if data.get("kind") != "concept":
            continue
        degree = 0
        covering: list[str] = []
        prereq: set[str] = set()
        leads: set[str] = set()
        related: set[str] = set()
        co: dict[str, int] = {}
        surfaces: dict[str, int] = {}
        # the raw adjacency dicts (read only): the views' per-item wrappers cost half of this loop
        for out, adjacency in ((True, G._succ[c]), (False, G._pred[c])):
            for other, keys in adjacency.items():
                for k, d in keys.items():
                    if k in _CONCEPT_LINKS:
                        degree += 1
                    if k == "co_occurs":
                        co[other] = co.get(other, 0) + int(d.get("weight", 1))
                    elif k == "prerequisite":
                        (prereq if out else leads).add(other)
                    elif k == "related":
                        related.add(other)
                    elif k == "covers" and not out:
                        covering.append((other, d))
                        for s in d.get("surfaces") or []:
                            surfaces[s] = surfaces.get(s, 0) + int(d.get("count", 1))
        days = max(1, int(data.get("days") or 1))
        look = _Look(_display_label(str(data.get("label") or c), surfaces),
                     round(min(36.0, 10.0 + 5.0 * math.sqrt(days - 1)), 1), min(22, 14 + 2 * (days - 1)))
        facts[c] = _Facts(look, degree, covering, prereq, leads, related, co)
    return facts


def label_boxes(G: nx.MultiDiGraph) -> dict[str, tuple[float, float, float]]:
    """Approximate (width, height, centre's offset below the node) in pixels of each concept's dot
    plus the label drawn under it, for the layout's overlap removal."""
    return _boxes(_concept_facts(G))


def _boxes(facts: dict[str, _Facts]) -> dict[str, tuple[float, float, float]]:
    """Hangul is about one em wide, Latin a little over half."""
    boxes = {}
    for c, f in facts.items():
        look = f.look
        lines = look.label.split("\n")
        text_w = max(sum(1.0 if ord(ch) > 0x2e80 else 0.58 for ch in line) for line in lines) * look.font
        text_h = len(lines) * look.font * 1.2 + 6
        boxes[c] = (round(max(2 * look.size, text_w) + 14, 1), round(2 * look.size + text_h, 1),
                    round(text_h / 2, 1))
    return boxes


def _label(G: nx.MultiDiGraph, node: str) -> str:
    return str(G.nodes[node].get("label") or node)


def _days(G: nx.MultiDiGraph) -> list[str]:
    return sorted((n for n, d in G.nodes(data=True) if d.get("kind") == "day"),
                  key=lambda n: (G.nodes[n].get("order", 0), n))


def _display_label(label: str, surfaces: dict[str, int]) -> str:
    """Canonical label, plus the Korean name the learner wrote most (if any) when the label has no
    Hangul: the map should speak the learner's words, not only the ontology's."""
    if HANGUL.search(label):
        return label
    korean = sorted((s for s in surfaces if HANGUL.search(s)), key=lambda s: (-surfaces[s], s))
    return f"{label}\n{korean[0]}" if korean else label


def _day_hit(day: str, e: dict[str, Any], day_index: dict[str, int],
             evidence: dict[tuple[Any, ...], int]) -> list[Any]:
    """[day (index into "days"), count, sections, evidence rows (indices into "evidence")] of one
    covers edge `e`. A line naming three concepts is evidence for each: the table holds it once."""
    rows = []
    for ev in e.get("evidence") or ():
        key = (ev.get("source"), ev.get("line"), ev.get("text", ""), ev.get("section"))
        row = evidence.get(key)
        if row is None:
            row = evidence[key] = len(evidence)
        rows.append(row)
    return [day_index.get(day, day), e.get("count", 1), list(e.get("sections") or []), rows]


def _neighbours(f: _Facts, rank: dict[str, int]) -> dict[str, list[Any]]:
    """Concept neighbours by kind, most important first (the panel's "related concepts")."""
    def order(ids: set[str]) -> list[str]:
        return sorted((n for n in ids if n in rank), key=lambda n: (rank[n], n))

    co = {n: w for n, w in f.cooccurs.items() if n in rank}
    return {"prerequisites": order(f.prerequisites), "leadsTo": order(f.leads_to), "related": order(f.related),
            "cooccurs": [[n, co[n]] for n in sorted(co, key=lambda n: (-co[n], rank[n], n))]}


def _darker(color: str, factor: float = 0.72) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(v * factor) for v in (r, g, b)))


@cache
def _style() -> dict[str, Any]:
    return yaml.safe_load(_asset("style.yaml"))


def _review_key(mark: str) -> str:
    return "-".join(mark.casefold().split())


def _review_marks(marks: list[str]) -> tuple[list[str], str | None]:
    """Panel names of the review stage's marks, and the ring colour of the first mark that has one."""
    styles: dict[str, dict[str, str]] = _style().get("review") or {}
    names = [styles.get(_review_key(m), {}).get("label", m) for m in marks]
    rings = [styles[_review_key(m)]["ring"] for m in marks if "ring" in styles.get(_review_key(m), {})]
    return list(dict.fromkeys(names)), (rings[0] if rings else None)


def _palette():
    data = _style()
    fixed: dict[str, str] = data.get("categories") or {}
    fallback: list[str] = data.get("fallback") or ["#999999"]

    def color(cat_id: str) -> str:
        if cat_id in fixed:
            return fixed[cat_id]
        return fallback[int(hashlib.sha1(cat_id.encode("utf-8")).hexdigest(), 16) % len(fallback)]
    return color


def _script_json(payload: dict[str, Any]) -> str:
    """JSON that is safe inside <script type="application/json">: no "<", ">" or "&" survives, so
    "</script>" or "<!--" in a note cannot end the element."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


@cache
def _vis_js() -> str:
    """vis-network as shipped by pyvis, without the source-map comment (it names a file we lack)."""
    text = _asset_text(VIS_DIR / "vis-network.min.js")
    return re.sub(r"//# sourceMappingURL=\S*\s*$", "", text).rstrip() + "\n"


@cache
def _asset(name: str) -> str:
    return _asset_text(HERE / "assets" / name)


def _asset_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template("map.html.j2")
