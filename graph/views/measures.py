"""Node measures and communities for drawing, taken from ``graph.analysis`` so views and tables agree.

Betweenness reads a heavy tie as a short path (distance = 1/weight), exact up to the analysis modules'
limit and sampled (seeded) above it; communities are Louvain with a fixed seed, numbered from the largest.
"""

from __future__ import annotations

import math

import networkx as nx

from graph.analysis.centrality import compute_betweenness as analysis_betweenness
from graph.analysis.centrality import compute_pagerank
from graph.analysis.communities import detect_communities as analysis_communities
from graph.errors import ParameterError
from graph.views.model import SizeBy


def compute_betweenness(G: nx.Graph[str]) -> dict[str, float]:
    """Normalised betweenness centrality with distance = 1/weight (``graph.analysis.centrality``).

    Example:
        >>> G = nx.path_graph(["Nacka", "Solna", "Sundbyberg"])
        >>> compute_betweenness(G)["Solna"]
        1.0
    """
    values, _method = analysis_betweenness(G)
    return {str(k): float(v) for k, v in values.items()}


def compute_measure(G: nx.Graph[str], measure: SizeBy) -> dict[str, float]:
    """Compute one node measure for every node (``none`` gives every node 1).

    Raises:
        ParameterError: an unknown measure.
    """
    if measure == "betweenness":
        return compute_betweenness(G)
    if measure == "degree":
        return {str(u): float(d) for u, d in G.degree}
    if measure == "strength":
        return {str(u): float(d) for u, d in G.degree(weight="weight")}
    if measure == "pagerank":
        return {str(k): float(v) for k, v in compute_pagerank(G).items()}
    if measure == "none":
        return {str(u): 1.0 for u in G}
    msg = f"unknown measure {measure!r}"
    raise ParameterError(msg)


def detect_communities(G: nx.Graph[str], *, seed: int = 42) -> dict[str, int]:
    """Louvain communities (weight-aware, fixed seed), numbered from 0 by decreasing size."""
    membership, _modularity = analysis_communities(G, seed=seed)
    return {str(k): int(v) for k, v in membership.items()}


def scale_sizes(
    values: dict[str, float], *, smallest: float = 7.0, largest: float = 34.0
) -> dict[str, float]:
    """Map measure values to node radii: the square root keeps area proportional to the value."""
    top = max(values.values(), default=0.0)
    if top <= 0 or not math.isfinite(top):
        return dict.fromkeys(values, smallest)
    return {k: smallest + (largest - smallest) * math.sqrt(max(v, 0.0) / top) for k, v in values.items()}


__all__ = ["compute_betweenness", "compute_measure", "detect_communities", "scale_sizes"]
