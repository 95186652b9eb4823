"""Who brokers, who is left out, and which communities there are, as data a sentence can be made from.

Over the municipality network (two municipalities are tied when they share a documented collaboration):
each municipality's rank by betweenness, the communities (Louvain) each broker's partners belong to, and a
name for every community a person can read: the grouping whose municipalities it matches, else its members.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from graph.analysis.context import Context
from graph.analysis.registry import run_measure
from graph.project import Filters, Snapshot
from graph.store.protocol import Store

MATCH = 0.6  # Jaccard overlap from which a community is named after a grouping


@dataclass(frozen=True)
class Community:
    """A community of municipalities: its members (most connected first) and the grouping it matches."""

    number: int
    members: list[tuple[str, str]]  # (IRI, label)
    grouping: tuple[str, str] | None = None


@dataclass(frozen=True)
class Role:
    """One municipality's place in the network."""

    iri: str
    label: str
    rank: int | None  # by betweenness among those with any; None: it brokers nothing
    betweenness: float
    partners: list[tuple[str, str]]
    community: int | None
    connects: list[int] = field(default_factory=list)  # other communities among its partners


@dataclass(frozen=True)
class NetworkRoles:
    """The municipality network in words' reach: roles by IRI, communities, and who is left out."""

    roles: dict[str, Role]
    communities: dict[int, Community]
    left_out: list[tuple[str, str]]
    municipalities: int
    data_date: str | None


def read_network_roles(store: Store | Snapshot, groupings: dict[str, tuple[str, set[str]]]) -> NetworkRoles:
    """Rank the municipalities as brokers, name their communities, and list those without a tie.

    Args:
        store: the store, or a snapshot already read from it.
        groupings: grouping IRI → (label, municipality IRIs), for naming communities.
    """
    ctx = Context(store, Filters())
    G = ctx.municipalities()
    params = {"network": "municipalities"}
    between = run_measure("betweenness", ctx, params=params)
    found = run_measure("communities", ctx, params=params)
    labels = {str(r["node"]): str(r["label"] or r["node"]) for r in between.records()}
    score = {str(r["node"]): float(r["betweenness"] or 0.0) for r in between.records()}
    community = {
        str(r["node"]): int(str(r["community"])) for r in found.records() if G.degree(str(r["node"])) > 0
    }
    ranked = sorted((n for n in score if score[n] > 0), key=lambda n: -score[n])
    rank = {n: i + 1 for i, n in enumerate(ranked)}
    members: dict[int, list[str]] = defaultdict(list)
    for node, c in community.items():
        members[c].append(node)
    communities = {}
    for c, nodes in members.items():
        nodes.sort(key=lambda n: (-G.degree(n), labels.get(n, n)))
        best, overlap = None, 0.0
        for iri, (label, held) in groupings.items():
            jaccard = len(held & set(nodes)) / len(held | set(nodes)) if held else 0.0
            if jaccard > overlap:
                best, overlap = (iri, label), jaccard
        named = best if overlap >= MATCH else None
        communities[c] = Community(c, [(n, labels.get(n, n)) for n in nodes], named)
    roles = {}
    for node in labels:
        partners = sorted(G.neighbors(node), key=lambda n: labels.get(n, n)) if node in G else []
        own = community.get(node)
        others = sorted({community[p] for p in partners if p in community and community[p] != own})
        roles[node] = Role(
            node,
            labels[node],
            rank.get(node),
            score.get(node, 0.0),
            [(p, labels.get(p, p)) for p in partners],
            own,
            others,
        )
    # Left out: no tie, and no county-wide collaboration reaching it either (it draws no tie).
    left_out = sorted(
        (
            (n, labels[n])
            for n in labels
            if n not in G or (G.degree(n) == 0 and not G.nodes[n].get("cross_border"))
        ),
        key=lambda x: x[1],
    )
    return NetworkRoles(roles, communities, left_out, len(labels), between.data_date)


__all__ = ["Community", "NetworkRoles", "Role", "read_network_roles"]
