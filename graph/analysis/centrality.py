"""Centrality over the collaboration network: degree and strength, betweenness, PageRank.

The heavy kernels run in python-igraph on a copy converted once; networkx stays the model. Betweenness reads
edge weights as distances, so a strong tie (many shared collaborations) is a short one: distance = 1/weight.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import networkx as nx

from graph.analysis.context import NODE_COLUMNS, Context, IGraphCopy, Network, node_columns, to_igraph
from graph.analysis.result import Result

EXACT_BETWEENNESS_MAX_NODES = 5000
SAMPLE_SOURCES = 256


def _top(rows: Sequence[tuple[object, ...]], top: int) -> list[tuple[object, ...]]:
    return list(rows[:top] if top > 0 else rows)


def _ranked(G: nx.Graph[str], values: dict[str, float], top: int) -> list[tuple[object, ...]]:
    order = sorted(values, key=lambda n: (-values[n], n))
    return _top([(*node_columns(G, n), values[n]) for n in order], top)


def compute_betweenness(
    G: nx.Graph[str],
    *,
    exact_max_nodes: int = EXACT_BETWEENNESS_MAX_NODES,
    k: int = SAMPLE_SOURCES,
    seed: int = 42,
    copy: IGraphCopy | None = None,
) -> tuple[dict[str, float], str]:
    """Normalised betweenness with distance = 1/weight: exact up to ``exact_max_nodes``, else sampled.

    Sampling follows networkx's ``k``: paths from ``k`` sources drawn with ``seed``, scaled by n/k.
    Values are normalised as networkx does for undirected graphs, by 2/((n−1)(n−2)).

    Returns:
        The value of each node, and ``"exact"`` or ``"sampled"``.
    """
    c = copy or to_igraph(G)
    n = c.graph.vcount()
    if n < 3:
        return dict.fromkeys(c.nodes, 0.0), "exact"
    distances = [1.0 / w if w > 0 else float("inf") for w in c.weights]
    if n <= exact_max_nodes or k >= n:
        raw = c.graph.betweenness(directed=False, weights=distances)
        method, scale = "exact", 1.0
    else:
        sources = sorted(random.Random(seed).sample(range(n), k))
        raw = c.graph.betweenness(directed=False, weights=distances, sources=sources, targets=None)
        method, scale = "sampled", n / k
    norm = scale * 2.0 / ((n - 1) * (n - 2))
    return {node: value * norm for node, value in zip(c.nodes, raw, strict=True)}, method


def rank_betweenness(
    ctx: Context,
    *,
    network: Network = "actors",
    exact_max_nodes: int = EXACT_BETWEENNESS_MAX_NODES,
    k: int = SAMPLE_SOURCES,
    seed: int = 42,
    top: int = 0,
) -> Result:
    """Who holds the network together: betweenness, with distance = 1/strength of the tie."""
    G = ctx.network(network)
    values, method = compute_betweenness(
        G, exact_max_nodes=exact_max_nodes, k=k, seed=seed, copy=ctx.igraph(network)
    )
    n = G.number_of_nodes()
    note = (
        f"exact betweenness over all {n} nodes"
        if method == "exact"
        else f"sampled betweenness: shortest paths from {k} of {n} sources (seed {seed}), scaled by n/k"
    )
    return ctx.result(
        "betweenness",
        (*NODE_COLUMNS, "betweenness"),
        _ranked(G, values, top),
        G=G,
        parameters={
            "network": network,
            "method": method,
            "k": k,
            "seed": seed,
            "exact_max_nodes": exact_max_nodes,
            "top": top,
        },
        notes=[note, "distance = 1/weight (weight = shared collaborations); normalised by 2/((n-1)(n-2))"],
    )


def rank_degree(ctx: Context, *, network: Network = "actors", top: int = 0) -> Result:
    """Degree (partners) and strength (shared collaborations, summed) of every node."""
    G = ctx.network(network)
    c = ctx.igraph(network)
    degree = dict(zip(c.nodes, c.graph.degree(), strict=True))
    strength = dict(zip(c.nodes, c.graph.strength(weights=c.weights or None), strict=True))
    order = sorted(G, key=lambda n: (-degree[n], -strength[n], n))
    rows = [(*node_columns(G, n), degree[n], float(strength[n])) for n in order]
    isolated = sum(1 for d in degree.values() if d == 0)
    return ctx.result(
        "degree",
        (*NODE_COLUMNS, "degree", "strength"),
        _top(rows, top),
        G=G,
        parameters={"network": network, "top": top},
        notes=[f"{isolated} of {G.number_of_nodes()} nodes have no tie (degree 0)"],
    )


def compute_pagerank(
    G: nx.Graph[str], *, damping: float = 0.85, copy: IGraphCopy | None = None
) -> dict[str, float]:
    """PageRank with edge weights (igraph's PRPACK); dangling nodes jump uniformly, as in networkx."""
    c = copy or to_igraph(G)
    if c.graph.vcount() == 0:
        return {}
    values = c.graph.pagerank(directed=False, damping=damping, weights=c.weights or None)
    return dict(zip(c.nodes, values, strict=True))


def rank_pagerank(
    ctx: Context, *, network: Network = "actors", damping: float = 0.85, top: int = 0
) -> Result:
    """PageRank: influence through well-connected partners, weighted by shared collaborations."""
    G = ctx.network(network)
    values = compute_pagerank(G, damping=damping, copy=ctx.igraph(network))
    return ctx.result(
        "pagerank",
        (*NODE_COLUMNS, "pagerank"),
        _ranked(G, values, top),
        G=G,
        parameters={"network": network, "damping": damping, "top": top},
        notes=["weighted PageRank (python-igraph PRPACK); sums to 1 over the nodes"],
    )


__all__ = [
    "EXACT_BETWEENNESS_MAX_NODES",
    "SAMPLE_SOURCES",
    "compute_betweenness",
    "compute_pagerank",
    "rank_betweenness",
    "rank_degree",
    "rank_pagerank",
]
