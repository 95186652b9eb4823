"""Brokerage: Burt's structural holes (constraint, effective size) and Gould–Fernandez roles.

Gould–Fernandez roles are read on the undirected collaboration network (a shared collaboration has no
direction), with the municipality as the group. For every open triad a–v–c (a and c not tied), the broker v is
a coordinator (a, v, c in one municipality), a consultant or itinerant broker (a and c share a municipality
that is not v's), a liaison (three municipalities), or a gatekeeper/representative (v shares a municipality
with one of the two). Without a direction, gatekeeper and representative cannot be told apart and are
counted together.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import networkx as nx

from graph.analysis.context import NODE_COLUMNS, Context, IGraphCopy, Network, node_columns, to_igraph
from graph.analysis.result import Result

ROLES = ("coordinator", "consultant", "gatekeeper_representative", "liaison")


def compute_constraint(G: nx.Graph, *, copy: IGraphCopy | None = None) -> dict[str, float]:
    """Burt's constraint with edge weights (igraph; the same values as ``networkx.constraint``)."""
    c = copy or to_igraph(G)
    values = c.graph.constraint(weights=c.weights or None) if c.graph.vcount() else []
    return {n: (float("nan") if G.degree(n) == 0 else v) for n, v in zip(c.nodes, values, strict=True)}


def compute_effective_size(G: nx.Graph, *, copy: IGraphCopy | None = None) -> dict[str, float]:
    """Burt's effective size in Borgatti's unweighted form: degree − 2·(ties among neighbours)/degree."""
    c = copy or to_igraph(G)
    if c.graph.vcount() == 0:
        return {}
    local = c.graph.transitivity_local_undirected(mode="zero")
    out = {}
    for n, cc, d in zip(c.nodes, local, c.graph.degree(), strict=True):
        # ties among neighbours t = cc·d(d−1)/2, so degree − 2t/d = d − cc·(d−1)
        out[n] = float("nan") if d == 0 else d - cc * (d - 1)
    return out


def rank_constraint(ctx: Context, *, network: Network = "actors", top: int = 0) -> Result:
    """Structural holes: Burt's constraint (low = spans holes) and effective size (high = non-redundant)."""
    G = ctx.network(network)
    copy = ctx.igraph(network)
    constraint = compute_constraint(G, copy=copy)
    esize = compute_effective_size(G, copy=copy)

    def key(n: str) -> tuple[float, str]:
        v = constraint[n]
        return (math.inf if math.isnan(v) else v, n)

    order = sorted(G, key=key)
    rows = [(*node_columns(G, n), G.degree(n), constraint[n], esize[n]) for n in order]
    return ctx.result(
        "constraint",
        (*NODE_COLUMNS, "degree", "constraint", "effective_size"),
        rows[:top] if top > 0 else rows,
        G=G,
        parameters={"network": network, "top": top},
        notes=[
            "constraint is weighted by shared collaborations; isolated nodes have none (empty)",
            "effective size is unweighted (Borgatti): degree - 2 * ties among neighbours / degree",
        ],
    )


def count_brokerage_roles(G: nx.Graph, *, group: str = "municipality") -> dict[str, dict[str, int]]:
    """Count Gould–Fernandez roles of each node on the undirected reading, groups from a node attribute.

    Nodes without a group neither broker nor count as ends of a triad.

    Returns:
        node -> role -> number of open triads it brokers in that role.

    Example:
        >>> G = nx.path_graph(["a", "v", "c"])
        >>> nx.set_node_attributes(G, {"a": "x", "v": "y", "c": "x"}, "municipality")
        >>> count_brokerage_roles(G)["v"]["consultant"]
        1
    """
    g = {n: d.get(group) for n, d in G.nodes(data=True)}
    roles: dict[str, dict[str, int]] = {}
    for v in G:
        gv = g[v]
        counts = Counter(g[u] for u in G[v] if g[u] is not None and u != v)
        if gv is None:
            roles[v] = dict.fromkeys(ROLES, 0)
            continue
        total = sum(counts.values())
        same = counts.get(gv, 0)
        other_pairs_same_group = sum(m * (m - 1) // 2 for grp, m in counts.items() if grp != gv)
        roles[v] = {
            "coordinator": same * (same - 1) // 2,
            "consultant": other_pairs_same_group,
            "gatekeeper_representative": same * (total - same),
            "liaison": (total - same) * (total - same - 1) // 2 - other_pairs_same_group,
        }
    # Closed pairs (a and c tied) are not brokerage: remove every triangle from its three corners.
    for a, b, c in _triangles(G):
        for v, x, y in ((a, b, c), (b, a, c), (c, a, b)):
            if g[v] is None or g[x] is None or g[y] is None:
                continue
            roles[v][_role(g[v], g[x], g[y])] -= 1
    return roles


def _role(gv: object, gx: object, gy: object) -> str:
    if gx == gy:
        return "coordinator" if gx == gv else "consultant"
    return "gatekeeper_representative" if gv in (gx, gy) else "liaison"


def _triangles(G: nx.Graph) -> list[tuple[str, str, str]]:
    if G.number_of_edges() == 0:
        return []
    c = to_igraph(G)
    return [(c.nodes[i], c.nodes[j], c.nodes[k]) for i, j, k in c.graph.list_triangles()]


def rank_brokerage_roles(ctx: Context, *, by: str = "actor", top: int = 0) -> Result:
    """Gould–Fernandez brokerage roles by municipality, per actor or summed per municipality.

    Raises:
        ValueError: ``by`` is neither ``actor`` nor ``municipality``.
    """
    if by not in {"actor", "municipality"}:
        msg = f"by must be 'actor' or 'municipality', not {by!r}"
        raise ValueError(msg)
    G = ctx.actors()
    roles = count_brokerage_roles(G)
    notes = [
        "undirected reading: collaborations have no direction, so gatekeeper and representative are counted "
        "together; groups are municipalities (actors without one are left out)",
    ]
    if by == "municipality":
        sums: dict[str, Counter[str]] = defaultdict(Counter)
        for n, r in roles.items():
            m = G.nodes[n].get("municipality")
            if m is not None:
                sums[m].update(r)
        label = {m: G.nodes[m]["label"] if m in G else m for m in sums}
        mrows = [(m, label[m], *(sums[m][r] for r in ROLES), sum(sums[m].values())) for m in sums]
        mrows.sort(key=lambda row: (-int(str(row[-1])), str(row[0])))
        return ctx.result(
            "brokerage_roles",
            ("municipality", "label", *ROLES, "total"),
            mrows[:top] if top > 0 else mrows,
            G=G,
            parameters={"by": by, "top": top, "reading": "undirected"},
            notes=notes,
        )
    rows = [(*node_columns(G, n), *(roles[n][r] for r in ROLES), sum(roles[n].values())) for n in G]
    rows.sort(key=lambda row: (-int(str(row[-1])), str(row[0])))
    return ctx.result(
        "brokerage_roles",
        (*NODE_COLUMNS, *ROLES, "total"),
        rows[:top] if top > 0 else rows,
        G=G,
        parameters={"by": by, "top": top, "reading": "undirected"},
        notes=notes,
    )


__all__ = [
    "ROLES",
    "compute_constraint",
    "compute_effective_size",
    "count_brokerage_roles",
    "rank_brokerage_roles",
    "rank_constraint",
]
