"""Multi-member collaborations drawn as what they are: one small node joined to its members (bipartite).

A projection turns an agreement of nine parties into 36 pairwise ties, which reads as a dense clique; here
each collaboration with at least ``MIN_MEMBERS`` parties in the view becomes its own node, and the pairwise
ties keep only what the other collaborations give them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import networkx as nx

from graph.views.words import short_iri

MIN_MEMBERS = 3


def expand_collaborations(
    H: nx.Graph[str], *, labels: Mapping[str, str], min_members: int = MIN_MEMBERS
) -> tuple[nx.Graph[str], int]:
    """A new graph where each collaboration of ``min_members`` or more parties is a node (``Collaboration``).

    Pair weights lose each expanded collaboration's share: 1/(k−1) under Newman weighting (k: its parties in
    the view), 1 under counting; a pair left with none is dropped. Returns the graph and how many
    collaborations became nodes.

    Example:
        >>> G = nx.Graph(weighting="count")
        >>> for a, b in [("Nacka", "Solna"), ("Nacka", "Täby"), ("Solna", "Täby")]:
        ...     G.add_edge(a, b, weight=1.0, count=1, collaborations=["c/x"], domains=[], sources=[])
        >>> E, n = expand_collaborations(G, labels={"c/x": "Bibliotekssamverkan"})
        >>> n, sorted(E.neighbors("c/x")), E.number_of_edges()
        (1, ['Nacka', 'Solna', 'Täby'], 3)
    """
    members: dict[str, set[str]] = defaultdict(set)
    domains: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    for u, v, d in H.edges(data=True):
        for c in d.get("collaborations", []):
            members[str(c)].update((str(u), str(v)))
            domains[str(c)].update(str(x) for x in d.get("domains", []))
            sources[str(c)].update(str(x) for x in d.get("sources", []))
    big = {c: ms for c, ms in members.items() if len(ms) >= min_members}
    if not big:
        return H, 0
    newman = H.graph.get("weighting") == "newman"
    E: nx.Graph[str] = nx.Graph()
    E.graph.update(H.graph)
    E.add_nodes_from(H.nodes(data=True))
    for u, v, d in H.edges(data=True):
        kept = [c for c in d.get("collaborations", []) if str(c) not in big]
        if not kept:
            continue
        gone = [c for c in d.get("collaborations", []) if str(c) in big]
        weight = float(d.get("weight", 1.0))
        weight -= sum(1.0 / (len(big[str(c)]) - 1) for c in gone) if newman else float(len(gone))
        E.add_edge(u, v, **{**d, "collaborations": kept, "count": len(kept), "weight": max(weight, 1e-6)})
    for c, ms in sorted(big.items()):
        E.add_node(
            c,
            label=labels.get(c) or short_iri(c),
            label_en=labels.get(c) or short_iri(c),
            category="Collaboration",
            municipality=None,
            sources=sorted(sources[c]),
            members=len(ms),
        )
        share = 1.0 / (len(ms) - 1) if newman else 1.0
        for m in sorted(ms):
            E.add_edge(
                m,
                c,
                weight=share,
                count=1,
                collaborations=[c],
                domains=sorted(domains[c]),
                sources=sorted(sources[c]),
            )
    return E, len(big)


__all__ = ["MIN_MEMBERS", "expand_collaborations"]
