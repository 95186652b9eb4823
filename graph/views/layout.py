"""Positions computed on the server with a fixed seed: force-directed (igraph) or geographic."""

from __future__ import annotations

import math
import random
import threading

import igraph as ig
import networkx as nx
import numpy as np

# igraph draws from one process-wide random source; a layout holds it for its run (seeded, then restored).
_RNG_LOCK = threading.Lock()

#: Average distance between neighbouring nodes on the page, in vis-network units (pixels at zoom 1).
SPACING = 70.0
#: The smallest drawing: vis-network does not zoom past 1 when it fits a view, so small networks are spread.
MIN_SPAN = 700.0


def layout_force(G: nx.Graph, *, seed: int = 42) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold positions (igraph, grid variant above 500 nodes), the same for the same seed.

    Heavier ties pull harder. Connected nodes span about ``SPACING·√n`` units; nodes without ties are set
    in rows below the drawing (who is left out stays visible, without stretching the picture).

    Example:
        >>> pos = layout_force(nx.path_graph(["Nacka", "Solna", "Sundbyberg"]))
        >>> pos == layout_force(nx.path_graph(["Nacka", "Solna", "Sundbyberg"]))
        True
    """
    isolated = sorted((str(u) for u, d in G.degree if d == 0), key=str)
    nodes = sorted((u for u, d in G.degree if d > 0), key=str)
    n = len(nodes)
    out: dict[str, tuple[float, float]] = {}
    span = max(SPACING * math.sqrt(max(n, 1)), MIN_SPAN)
    if n == 1:
        out[str(nodes[0])] = (0.0, 0.0)
    elif n > 1:
        index = {u: i for i, u in enumerate(nodes)}
        edges = [(index[u], index[v]) for u, v in G.edges if u != v]
        weights = [float(G.edges[nodes[a], nodes[b]].get("weight", 1.0) or 1.0) for a, b in edges]
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
        out = _fit([str(u) for u in nodes], np.asarray(coords, dtype=float), span)
    if isolated:
        top = max((y for _, y in out.values()), default=-SPACING) + 2 * SPACING
        per_row = max(int(span / SPACING) + 1 if out else 1, math.ceil(math.sqrt(len(isolated)) * 1.6))
        width = (per_row - 1) * SPACING
        for i, u in enumerate(isolated):
            row, col = divmod(i, per_row)
            out[u] = (round(-width / 2 + col * SPACING, 2), round(top + row * SPACING, 2))
    return out


def layout_geo(G: nx.Graph, *, size: float = 1000.0) -> dict[str, tuple[float, float]]:
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
