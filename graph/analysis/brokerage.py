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
import numpy as np

from graph.analysis.context import NODE_COLUMNS, Context, IGraphCopy, Network, node_columns, to_igraph
from graph.analysis.result import Result
from graph.errors import ParameterError

ROLES = ("coordinator", "consultant", "gatekeeper_representative", "liaison")


def compute_constraint(G: nx.Graph[str], *, copy: IGraphCopy | None = None) -> dict[str, float]:
    """Burt's constraint with edge weights (igraph; the same values as ``networkx.constraint``)."""
    c = copy or to_igraph(G)
    values = c.graph.constraint(weights=c.weights or None) if c.graph.vcount() else []
    return {n: (float("nan") if G.degree(n) == 0 else v) for n, v in zip(c.nodes, values, strict=True)}


def compute_effective_size(G: nx.Graph[str], *, copy: IGraphCopy | None = None) -> dict[str, float]:
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


def count_brokerage_roles(
    G: nx.Graph[str], *, group: str = "municipality", copy: IGraphCopy | None = None
) -> dict[str, dict[str, int]]:
    """Count Gould–Fernandez roles of each node on the undirected reading, groups from a node attribute.

    Nodes without a group neither broker nor count as ends of a triad. All pairs of a broker's neighbours
    are counted by group (numpy), then every closed pair (a triangle, from igraph) is taken off again.

    Returns:
        node -> role -> number of open triads it brokers in that role.

    Example:
        >>> G = nx.path_graph(["a", "v", "c"])
        >>> nx.set_node_attributes(G, {"a": "x", "v": "y", "c": "x"}, "municipality")
        >>> count_brokerage_roles(G)["v"]["consultant"]
        1
    """
    c = copy or to_igraph(G)
    n = len(c.nodes)
    g, _values = c.codes(G, group)
    counts = np.zeros((n, len(ROLES)), dtype=np.int64)
    e = c.edge_array()
    if len(e):
        src = np.concatenate([e[:, 0], e[:, 1]])
        dst = np.concatenate([e[:, 1], e[:, 0]])
        keep = (g[src] >= 0) & (g[dst] >= 0)
        src, dst = src[keep], dst[keep]
        total = np.bincount(src, minlength=n)
        same = np.bincount(src, weights=(g[dst] == g[src]).astype(np.int64), minlength=n).astype(np.int64)
        # Neighbours per (broker, group): pairs inside one group other than the broker's own.
        ngroups = int(g.max()) + 1
        keys, per = np.unique(src * ngroups + g[dst], return_counts=True)
        broker, grp = keys // ngroups, keys % ngroups
        pairs = per * (per - 1) // 2
        other = np.bincount(broker, weights=np.where(grp != g[broker], pairs, 0), minlength=n).astype(
            np.int64
        )
        outside = total - same
        counts[:, 0] = same * (same - 1) // 2
        counts[:, 1] = other
        counts[:, 2] = same * outside
        counts[:, 3] = outside * (outside - 1) // 2 - other
        triangles = np.array(c.graph.list_triangles(), dtype=np.int64).reshape(-1, 3)
        for v, x, y in ((0, 1, 2), (1, 0, 2), (2, 0, 1)):
            gv, gx, gy = g[triangles[:, v]], g[triangles[:, x]], g[triangles[:, y]]
            ok = (gv >= 0) & (gx >= 0) & (gy >= 0)
            role = np.where(gx == gy, np.where(gx == gv, 0, 1), np.where((gv == gx) | (gv == gy), 2, 3))
            np.add.at(counts, (triangles[ok, v], role[ok]), -1)
    counts[g < 0] = 0
    return {
        node: dict(zip(ROLES, map(int, row), strict=True)) for node, row in zip(c.nodes, counts, strict=True)
    }


def rank_brokerage_roles(ctx: Context, *, by: str = "actor", top: int = 0) -> Result:
    """Gould–Fernandez brokerage roles by municipality, per actor or summed per municipality.

    Raises:
        ParameterError: ``by`` is neither ``actor`` nor ``municipality``.
    """
    if by not in {"actor", "municipality"}:
        msg = f"by must be 'actor' or 'municipality', not {by!r}"
        raise ParameterError(msg)
    G = ctx.actors()
    roles = count_brokerage_roles(G, copy=ctx.igraph("actors"))
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
