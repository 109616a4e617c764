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
EDGE_LENGTH = 80.0  # ideal distance between linked nodes, in vis-network pixels
MIN_DAY_GAP, MAX_DAY_GAP = 130.0, 420.0
ITERATIONS = 80
REPULSION_REACH = 2.5  # in edge lengths; farther nodes do not push (keeps big maps fast)
# attraction weight of each edge kind; covers pulls a concept toward the timeline
EDGE_PULL = {"covers": 1.0, "co_occurs": 1.0, "prerequisite": 0.8, "related": 0.8, "links_to": 0.0}


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


def compute_layout(G: nx.MultiDiGraph, previous: MapLayout | None = None, *, seed: int = 7,
                   boxes: dict[str, tuple[float, float, float]] | None = None) -> MapLayout:
    """Positions for every day and concept node of `G`.

    Days go on the timeline; concepts found in `previous` keep their position; new concepts start at
    the mean position of their already-placed neighbours and settle by a force-directed pass in which
    only they move, then are nudged apart until their `boxes` (width, height and centre offset below
    the node of dot plus label, in pixels) no longer overlap each other or the timeline.
    Same inputs and seed = same positions.
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
        placed = _place_new(G, new, pos, seed)
        placed = _separate(placed, pos, boxes or {}, gap, set(days))
        pos.update(placed)
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
    """Fruchterman-Reingold with the placed nodes fixed (numpy only, no scipy). Repulsion acts
    between nodes closer than REPULSION_REACH edge lengths, found by a sweep along x, so a round
    costs O(n·neighbours) rather than O(n²)."""
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
    mobile = np.arange(len(names)) >= n_fixed
    reach = math.inf if len(names) <= 400 else REPULSION_REACH * k
    span = max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), k * math.sqrt(len(new)))
    rounds = ITERATIONS if len(names) <= 500 else ITERATIONS * 5 // 8
    temperature = span * 0.1
    cool = temperature / (rounds + 1)
    for _ in range(rounds):
        disp = np.zeros_like(xy)
        a, b = _near_pairs(xy, reach, mobile)
        delta = xy[a] - xy[b]
        d2 = np.maximum((delta * delta).sum(axis=1), 1e-2)
        keep = d2 < reach * reach
        push = delta[keep] * (k * k / d2[keep])[:, None]
        a, b = a[keep], b[keep]
        for axis in (0, 1):
            disp[:, axis] += np.bincount(a, push[:, axis], len(names))
            disp[:, axis] -= np.bincount(b, push[:, axis], len(names))
        if len(w):
            delta = xy[src] - xy[dst]
            dist = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 0.01)
            pull = delta * (dist * w / k)[:, None]
            for axis in (0, 1):
                disp[:, axis] += np.bincount(dst, pull[:, axis], len(names))
                disp[:, axis] -= np.bincount(src, pull[:, axis], len(names))
        disp = disp[mobile]
        length = np.maximum(np.hypot(disp[:, 0], disp[:, 1]), 0.01)
        xy[mobile] += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cool
    return {n: (float(xy[index[n], 0]), float(xy[index[n], 1])) for n in new}


def _near_pairs(xy: np.ndarray, reach: float, mobile: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (a, b), a != b, each pair once, whose x (or y, `axis` 1) differ by less than
    `reach` and of which at least one node may move. A sort and searchsorted: no Python loop."""
    n = len(xy)
    order = np.argsort(xy[:, axis], kind="stable")
    xs = xy[order, axis]
    hi = np.searchsorted(xs, xs + reach, side="right") if math.isfinite(reach) else np.full(n, n)
    counts = np.maximum(hi - np.arange(n) - 1, 0)
    first = np.repeat(np.arange(n), counts)
    step = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    a, b = order[first], order[first + 1 + step]
    keep = mobile[a] | mobile[b]
    return a[keep], b[keep]


def _sweep_size(values: np.ndarray, reach: float) -> int:
    """How many pairs a sweep along these coordinates would list (before the mobile filter)."""
    xs = np.sort(values)
    return int((np.searchsorted(xs, xs + reach, side="right") - np.arange(len(xs)) - 1).sum())


def _separate(new: dict[str, tuple[float, float]], fixed: dict[str, tuple[float, float]],
              boxes: dict[str, tuple[float, float, float]], gap: float, days: set[str],
              rounds: int = 300) -> dict[str, tuple[float, float]]:
    """Push new nodes apart along the axis of least overlap so labels stay readable; a day's box
    spans the whole gap to the next day, which keeps the timeline itself clear of concepts.
    Candidate pairs come from a sweep along x or y, whichever lists fewer: sweeping the tall
    whole-course map along x tested ~200,000 pairs a round."""
    names = list(fixed) + list(new)
    n_fixed = len(fixed)
    xy = np.array([*fixed.values(), *new.values()], dtype=float).reshape(-1, 2)
    default = (EDGE_LENGTH * 0.8, EDGE_LENGTH * 0.45, 0.0)
    box = np.array([(gap, 64.0, 0.0) if n in days else boxes.get(n, default) for n in names], dtype=float)
    wh, lift = box[:, :2], box[:, 2]
    mobile = np.arange(len(names)) >= n_fixed
    spine = np.array([n in days for n in names], dtype=bool)
    reach = wh.max(axis=0) if len(names) else np.zeros(2)
    for _ in range(rounds):
        centre = xy + np.column_stack([np.zeros_like(lift), lift])  # of each box
        # sweep along whichever axis gives fewer candidate pairs (the whole-course map is tall)
        axis = min((0, 1), key=lambda ax: _sweep_size(centre[:, ax], float(reach[ax])))
        a, b = _near_pairs(centre, float(reach[axis]), mobile, axis)
        dx = xy[a, 0] - xy[b, 0]
        dy = (xy[a, 1] + lift[a]) - (xy[b, 1] + lift[b])
        ox = (wh[a, 0] + wh[b, 0]) / 2 - np.abs(dx)
        oy = (wh[a, 1] + wh[b, 1]) / 2 - np.abs(dy)
        hit = (ox > 0) & (oy > 0)
        if not hit.any():
            break
        a, b, dx, dy, ox, oy = a[hit], b[hit], dx[hit], dy[hit], ox[hit], oy[hit]
        tie = np.where(a > b, 1.0, -1.0)  # coincident nodes part to a stable side
        along_x = (ox < oy) & ~(spine[a] | spine[b])  # the timeline only ever pushes up or down
        px = np.where(along_x, np.where(dx != 0, np.sign(dx), tie) * ox, 0.0)
        py = np.where(along_x, 0.0, np.where(dy != 0, np.sign(dy), tie) * oy)
        both = mobile[a] & mobile[b]
        share_a = np.where(both, 0.5, mobile[a].astype(float))  # a fixed node never moves
        share_b = np.where(both, 0.5, mobile[b].astype(float))
        shift = np.zeros_like(xy)
        for axis, p in ((0, px), (1, py)):
            shift[:, axis] += np.bincount(a, p * share_a, len(names))
            shift[:, axis] -= np.bincount(b, p * share_b, len(names))
        xy += 0.8 * shift
    return {n: (float(xy[i, 0]), float(xy[i, 1])) for i, n in enumerate(names) if i >= n_fixed}
