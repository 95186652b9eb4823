"""Communities and components: Louvain with a fixed seed and its modularity; who is left out."""

from __future__ import annotations

import random
from collections import Counter

import networkx as nx

from graph.analysis.context import NODE_COLUMNS, Context, IGraphCopy, Network, node_columns, to_igraph
from graph.analysis.result import Result


def detect_communities(
    G: nx.Graph[str], *, seed: int = 42, resolution: float = 1.0, copy: IGraphCopy | None = None
) -> tuple[dict[str, int], float]:
    """Louvain communities (igraph's multilevel, seeded), numbered 0, 1, … from the largest.

    Returns:
        node -> community, and the weighted modularity of that partition.
    """
    c = copy or to_igraph(G)
    if c.graph.vcount() == 0:
        return {}, 0.0
    weights = c.weights or None
    import igraph as ig  # slow to import: only when a measure runs

    ig.set_random_number_generator(random.Random(seed))
    try:
        clustering = c.graph.community_multilevel(weights=weights, resolution=resolution)
    finally:
        ig.set_random_number_generator(random)
    membership = list(clustering.membership)
    sizes = Counter(membership)
    # Number communities by size (largest first), ties by their first node's position.
    first: dict[int, int] = {}
    for i, m in enumerate(membership):
        first.setdefault(m, i)
    order = sorted(sizes, key=lambda m: (-sizes[m], first[m]))
    renumber = {m: i for i, m in enumerate(order)}
    modularity = c.graph.modularity(membership, weights=weights, resolution=resolution) if c.weights else 0.0
    return {n: renumber[m] for n, m in zip(c.nodes, membership, strict=True)}, float(modularity)


def find_communities(
    ctx: Context, *, network: Network = "actors", seed: int = 42, resolution: float = 1.0, top: int = 0
) -> Result:
    """Louvain communities of the network, with modularity (fixed seed, reproducible)."""
    G = ctx.network(network)
    membership, q = detect_communities(G, seed=seed, resolution=resolution, copy=ctx.igraph(network))
    sizes = Counter(membership.values())
    order = sorted(G, key=lambda n: (membership[n], n))
    rows = [(*node_columns(G, n), membership[n], sizes[membership[n]]) for n in order]
    multi = sum(1 for s in sizes.values() if s > 1)
    return ctx.result(
        "communities",
        (*NODE_COLUMNS, "community", "community_size"),
        rows[:top] if top > 0 else rows,
        G=G,
        parameters={"network": network, "seed": seed, "resolution": resolution, "modularity": q, "top": top},
        notes=[
            f"Louvain (python-igraph multilevel, seed {seed}): modularity {q:.4f}, "
            f"{len(sizes)} communities of which {multi} have more than one node",
        ],
    )


def find_components(ctx: Context, *, network: Network = "actors") -> Result:
    """Connected components: their sizes and how many municipalities each spans."""
    G = ctx.network(network)
    copy = ctx.igraph(network)
    members: dict[int, list[str]] = {}
    for n, m in zip(copy.nodes, copy.graph.connected_components().membership, strict=True):
        members.setdefault(m, []).append(n)
    comps = sorted(members.values(), key=lambda c: (-len(c), min(c)))
    rows = []
    for i, comp in enumerate(comps):
        munis = {G.nodes[n].get("municipality") for n in comp} - {None}
        hubs = sorted(comp, key=lambda n: (-G.degree(n), n))[:3]
        rows.append((i, len(comp), len(munis), "; ".join(str(G.nodes[n]["label"]) for n in hubs)))
    isolated = sum(1 for c in comps if len(c) == 1)
    return ctx.result(
        "components",
        ("component", "size", "municipalities", "best_connected"),
        rows,
        G=G,
        parameters={"network": network},
        notes=[f"{len(comps)} components, {isolated} of them single nodes with no tie"],
    )


def list_isolates(ctx: Context, *, network: Network = "actors") -> Result:
    """Who is left out: the actors (or municipalities) in scope with no collaboration."""
    G = ctx.network(network)
    # A municipality a county-wide collaboration reaches has no edge for it, yet is not left out.
    rows = [node_columns(G, n) for n in sorted(nx.isolates(G)) if not G.nodes[n].get("cross_border")]
    notes = [f"{len(rows)} of {G.number_of_nodes()} nodes in scope share no collaboration"]
    if network == "municipalities":
        notes.append(
            "a municipality reached by a county-wide collaboration (its stated scope) is not left out"
        )
    return ctx.result("isolates", NODE_COLUMNS, list(rows), G=G, parameters={"network": network}, notes=notes)


__all__ = ["detect_communities", "find_communities", "find_components", "list_isolates"]
