"""Node positions for the concept map, computed in Python so the browser never runs physics.

Why here and not in vis-network: its physics needed 144 s to settle 2,000 nodes in headless
Chromium, while drawing precomputed positions takes about a second. Positions are also saved next to
the map (layout.json) and reused, so a concept stays where the learner last saw it: only concepts
new since the previous build are placed, near the days and concepts they are linked to.

Day nodes sit on a horizontal timeline (x by `order`, y = 0); concepts are pulled toward the days
that cover them, so the map also reads left to right in time.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

LAYOUT_VERSION = 1
EDGE_LENGTH = 110.0  # ideal distance between linked nodes, in vis-network pixels
MIN_DAY_GAP, MAX_DAY_GAP = 170.0, 420.0
ITERATIONS = 80
# attraction weight of each edge kind; covers pulls a concept toward the timeline
EDGE_PULL = {"covers": 0.35, "co_occurs": 1.0, "prerequisite": 0.8, "related": 0.8, "links_to": 0.0}


class MapLayout(BaseModel):
    """Positions of one map, as saved in layout.json; `day_gap` is kept so that later builds extend
    the timeline to the right instead of squeezing it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = LAYOUT_VERSION
    day_gap: float
    positions: dict[str, tuple[float, float]]


def load_layout(path: Path | None) -> MapLayout | None:
    """The layout saved by a previous build, or None when there is none or it is unreadable
    (it is only a cache: a broken file means the map is laid out afresh, never a failed build)."""
    if path is None or not path.is_file():
        return None
    try:
        layout = MapLayout.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValidationError, ValueError):
        return None
    return layout if layout.version == LAYOUT_VERSION else None


def layout_to_json(layout: MapLayout) -> str:
    """Stable text for layout.json: sorted keys, one node per line, so diffs stay readable."""
    rows = [f"  {json.dumps(k, ensure_ascii=False)}: [{x!r}, {y!r}]"
            for k, (x, y) in sorted(layout.positions.items())]
    return ("{\n" f' "version": {layout.version},\n "day_gap": {layout.day_gap!r},\n "positions": {{\n'
            + ",\n".join(" " + r for r in rows) + "\n }\n}\n")


def compute_layout(G: nx.MultiDiGraph, previous: MapLayout | None = None, *, seed: int = 7) -> MapLayout:
    """Positions for every day and concept node of `G`.

    Days go on the timeline; concepts found in `previous` keep their position; new concepts start at
    the mean position of their already-placed neighbours and settle by a force-directed pass in which
    only they move. Same graph + same previous layout + same seed = same positions.
    """
    days = sorted((n for n, d in G.nodes(data=True) if d.get("kind") == "day"),
                  key=lambda n: (G.nodes[n].get("order", 0), n))
    concepts = sorted(n for n, d in G.nodes(data=True) if d.get("kind") == "concept")
    gap = previous.day_gap if previous else _day_gap(len(concepts), len(days))
    pos: dict[str, tuple[float, float]] = {d: (i * gap, 0.0) for i, d in enumerate(days)}
    old = previous.positions if previous else {}
    pos.update({c: tuple(old[c]) for c in concepts if c in old})
    new = [c for c in concepts if c not in pos]
    if new:
        pos.update(_place_new(G, new, pos, seed))
    return MapLayout(day_gap=gap, positions={n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()})


def _day_gap(n_concepts: int, n_days: int) -> float:
    """Spread days so the concept cloud is about twice as wide as high."""
    if n_days <= 1:
        return MIN_DAY_GAP
    width = EDGE_LENGTH * math.sqrt(2.0 * max(n_concepts, 1))
    return float(min(MAX_DAY_GAP, max(MIN_DAY_GAP, round(width / (n_days - 1), 1))))


def _links(G: nx.MultiDiGraph, nodes: set[str]) -> list[tuple[str, str, float]]:
    """Undirected weighted links between layout nodes, in a stable order."""
    weights: dict[tuple[str, str], float] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        pull = EDGE_PULL.get(k, 0.0)
        if not pull or u not in nodes or v not in nodes or u == v:
            continue
        if k == "co_occurs":
            pull *= min(3.0, 1.0 + math.log(max(1, int(d.get("weight", 1)))))
        a, b = (u, v) if u < v else (v, u)
        weights[(a, b)] = weights.get((a, b), 0.0) + pull
    return [(a, b, w) for (a, b), w in sorted(weights.items())]


def _place_new(G: nx.MultiDiGraph, new: list[str], placed: dict[str, tuple[float, float]],
               seed: int) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold with the placed nodes fixed (numpy only, float64, no scipy)."""
    rng = np.random.default_rng(seed)
    names = list(placed) + new
    index = {n: i for i, n in enumerate(names)}
    n_fixed = len(placed)
    links = _links(G, set(names))
    xy = np.zeros((len(names), 2))
    xy[:n_fixed] = np.array([placed[n] for n in placed]).reshape(-1, 2)

    nbrs: dict[str, list[str]] = {n: [] for n in new}
    for a, b, _ in links:
        if a in nbrs:
            nbrs[a].append(b)
        if b in nbrs:
            nbrs[b].append(a)
    center = xy[:n_fixed].mean(axis=0) if n_fixed else np.zeros(2)
    jitter = rng.uniform(-1.0, 1.0, size=(len(new), 2)) * EDGE_LENGTH
    for j, n in enumerate(new):  # start near placed neighbours (days first), else near the middle
        anchors = [placed[m] for m in nbrs[n] if m in placed]
        xy[n_fixed + j] = (np.mean(anchors, axis=0) if anchors else center) + jitter[j]

    src = np.array([index[a] for a, _, _ in links], dtype=int)
    dst = np.array([index[b] for _, b, _ in links], dtype=int)
    w = np.array([wt for _, _, wt in links], dtype=float)
    k = EDGE_LENGTH
    moving = np.arange(n_fixed, len(names))
    span = max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), k * math.sqrt(len(new)))
    temperature = span * 0.1
    cool = temperature / (ITERATIONS + 1)
    for _ in range(ITERATIONS):
        disp = _repulsion(xy, moving, k)
        if len(w):
            delta = xy[src] - xy[dst]
            dist = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 0.01)
            pull = delta * (dist * w / k)[:, None]
            for axis in (0, 1):
                disp[:, axis] += np.bincount(dst, pull[:, axis], len(names))
                disp[:, axis] -= np.bincount(src, pull[:, axis], len(names))
        disp = disp[moving]
        length = np.maximum(np.hypot(disp[:, 0], disp[:, 1]), 0.01)
        xy[moving] += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cool
    return {n: (float(xy[index[n], 0]), float(xy[index[n], 1])) for n in new}


def _repulsion(xy: np.ndarray, moving: np.ndarray, k: float, block: int = 512) -> np.ndarray:
    """k²/d push on every moving node from every node; float32 and in blocks, because this O(n²)
    step is nearly all of the layout time (about 30 ms a round at 2,000 nodes)."""
    disp = np.zeros_like(xy)
    pts = xy.astype(np.float32)
    for start in range(0, len(moving), block):
        rows = moving[start:start + block]
        dx = pts[rows, 0][:, None] - pts[None, :, 0]
        dy = pts[rows, 1][:, None] - pts[None, :, 1]
        f = dx * dx
        f += dy * dy
        np.maximum(f, np.float32(1e-2), out=f)
        np.divide(np.float32(k * k), f, out=f)
        disp[rows, 0] = (dx * f).sum(axis=1, dtype=np.float64)
        disp[rows, 1] = (dy * f).sum(axis=1, dtype=np.float64)
    return disp
