"""Positions computed on the server with a fixed seed: force-directed (igraph) or geographic."""

from __future__ import annotations

import math
import random
import threading

import networkx as nx
import numpy as np

# igraph draws from one process-wide random source; a layout holds it for its run (seeded, then restored).
_RNG_LOCK = threading.Lock()

#: Average distance between neighbouring nodes on the page, in vis-network units (pixels at zoom 1).
SPACING = 70.0
#: The smallest drawing: vis-network does not zoom past 1 when it fits a view, so small networks are spread.
MIN_SPAN = 700.0


def layout_force(G: nx.Graph[str], *, seed: int = 42) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold positions (igraph, grid variant above 500 nodes), the same for the same seed.

    Each connected component is laid out on its own (heavier ties pull harder) and the components are
    packed: the large ones side by side, the small ones in a grid below them, and the nodes without ties
    in rows at the bottom (who is left out stays visible, without stretching the picture).

    Example:
        >>> pos = layout_force(nx.path_graph(["Nacka", "Solna", "Sundbyberg"]))
        >>> pos == layout_force(nx.path_graph(["Nacka", "Solna", "Sundbyberg"]))
        True
    """
    components = sorted(
        (sorted(map(str, c)) for c in nx.connected_components(G)), key=lambda c: (-len(c), c[0])
    )
    isolated = [c[0] for c in components if len(c) == 1]
    large = [c for c in components if len(c) > _SMALL]
    small = [c for c in components if 1 < len(c) <= _SMALL]
    out: dict[str, tuple[float, float]] = {}
    pieces = [
        _layout_component(G, c, seed=seed, span=max(SPACING * math.sqrt(len(c)) * 1.3, 400.0)) for c in large
    ]
    x = 0.0
    for piece in pieces:  # side by side, top-aligned
        lo_x = min(p[0] for p in piece.values())
        lo_y = min(p[1] for p in piece.values())
        hi_x = max(p[0] for p in piece.values())
        out.update({k: (px - lo_x + x, py - lo_y) for k, (px, py) in piece.items()})
        x += hi_x - lo_x + 2 * SPACING
    width = max(x - 2 * SPACING, MIN_SPAN if not out else 0.0)
    bottom = max((p[1] for p in out.values()), default=-2 * SPACING) + 2 * SPACING
    if small:
        cell = SPACING * (math.sqrt(_SMALL) + 1.5)
        per_row = max(1, int(width / cell) + 1, math.ceil(math.sqrt(len(small)) * 1.6))
        for i, c in enumerate(small):
            row, col = divmod(i, per_row)
            piece = _layout_component(G, c, seed=seed, span=SPACING * math.sqrt(len(c)))
            cx, cy = col * cell, bottom + row * cell
            lo_x = min(p[0] for p in piece.values())
            lo_y = min(p[1] for p in piece.values())
            out.update({k: (px - lo_x + cx, py - lo_y + cy) for k, (px, py) in piece.items()})
        width = max(width, (min(per_row, len(small)) - 1) * cell)
        bottom = max(p[1] for p in out.values()) + 2 * SPACING
    if isolated:
        step = 0.6 * SPACING
        per_row = max(int(width / step) + 1 if out else 1, math.ceil(math.sqrt(len(isolated)) * 1.6))
        for i, u in enumerate(isolated):
            row, col = divmod(i, per_row)
            out[u] = (col * step, bottom + row * step)
    if not out:
        return {}
    names = list(out)
    return _fit(names, np.array([out[k] for k in names], dtype=float), _span(out))


_SMALL = 8  # components up to this size are packed in a grid


def _span(out: dict[str, tuple[float, float]]) -> float:
    xy = np.array(list(out.values()), dtype=float)
    return max(float(max(xy.max(axis=0) - xy.min(axis=0))), MIN_SPAN)


def _layout_component(
    G: nx.Graph[str], nodes: list[str], *, seed: int, span: float | None = None
) -> dict[str, tuple[float, float]]:
    """Lay out one connected component with Fruchterman–Reingold, scaled to ``SPACING·√n``."""
    n = len(nodes)
    index = {u: i for i, u in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.subgraph(nodes).edges if u != v]
    weights = [float(G.edges[nodes[a], nodes[b]].get("weight", 1.0) or 1.0) for a, b in edges]
    import igraph as ig  # here, not at the top: the server starts without it

    g = ig.Graph(n=n, edges=edges)
    extent = math.sqrt(n)
    start = np.random.default_rng(seed).uniform(-extent, extent, (n, 2)).tolist()
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            coords = g.layout_fruchterman_reingold(
                seed=start,
                weights=weights or None,
                niter=300 if n > 500 else 500,
                grid=n > 500,
            ).coords
        finally:
            ig.set_random_number_generator(random)
    return _fit(nodes, np.asarray(coords, dtype=float), span or SPACING * math.sqrt(n))


def layout_geo(G: nx.Graph[str], *, size: float = 1000.0) -> dict[str, tuple[float, float]]:
    """Place nodes at their ``lat``/``lon`` (equirectangular, north up); nodes without both in a row below."""
    placed = {
        str(u): (float(d["lon"]), float(d["lat"]))
        for u, d in G.nodes(data=True)
        if d.get("lat") is not None and d.get("lon") is not None
    }
    rest = sorted((str(u) for u in G.nodes if str(u) not in placed), key=str)
    out: dict[str, tuple[float, float]] = {}
    if placed:
        names = sorted(placed)
        lon = np.array([placed[k][0] for k in names])
        lat = np.array([placed[k][1] for k in names])
        xy = np.column_stack([lon * math.cos(math.radians(float(lat.mean()))), -lat])
        out = _fit(names, xy, size)
    bottom = max((y for _, y in out.values()), default=0.0) + 120.0
    for i, k in enumerate(rest):
        out[k] = (-size / 2 + (i % 20) * size / 19, bottom + (i // 20) * 60.0)
    return out


def _fit(nodes: list[str], xy: np.ndarray, span: float) -> dict[str, tuple[float, float]]:
    """Centre ``xy`` on 0 and scale its longer side to ``span``."""
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    side = float(max(hi - lo)) or 1.0
    centred = (xy - (lo + hi) / 2) * (span / side)
    return {
        str(u): (round(float(x), 2), round(float(y), 2)) for u, (x, y) in zip(nodes, centred, strict=True)
    }


__all__ = ["MIN_SPAN", "SPACING", "layout_force", "layout_geo"]
