"""Collaboration across municipal borders: share, trend, E–I index, assortativity, neighbours.

Per domain and year: the share of collaborations that cross a border, and a test of its trend; by
municipality: the E–I index and assortativity of actor ties; and ties between land neighbours and
non-neighbours.

A collaboration crosses a border by the one rule of ``graph.queries.borders``: it reaches two or more
municipalities through its participants (in scope), their base, or its stated geographic scope (a county-wide
programme such as RIK crosses). It stays inside when every participant in scope reaches one and the same
municipality; it is undetermined when a participant reaches none and what is reached does not already differ.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

import networkx as nx
import numpy as np

from graph.analysis.context import Context, IGraphCopy, to_igraph
from graph.analysis.result import Result
from graph.analysis.trend import MIN_POINTS, mann_kendall
from graph.errors import ParameterError
from graph.project import Collaboration, Filters, Snapshot, resolve, select_collaborations

ALL = "(all)"
Basis = Literal["active", "started"]


def crosses_border(snap: Snapshot, c: Collaboration, actors: frozenset[str] | None) -> bool | None:
    """True: crosses a border; False: stays inside one municipality; None: cannot tell or not a tie.

    With ``actors`` (a category or grouping filter) only participants in it count, and a collaboration with
    fewer than two of them is no tie; a stated scope counts whatever the filter.
    """
    members = [m for m in c.members if actors is None or m in actors]
    if actors is not None and len(members) < 2:
        return None
    crossing = snap.crossing(c.iri).restrict(members=None if actors is None else members)
    if crossing.crosses:
        return True
    if len(members) < 2:
        return None
    placed = {r.via for r in crossing.reaches if r.reason != "scope"}
    if len(crossing.municipalities) == 1 and all(m in placed for m in members):
        return False
    return None


def tabulate_border_share(ctx: Context, *, basis: Basis = "active") -> dict[tuple[str, int], list[int]]:
    """Count collaborations per (domain, year): [in scope, crossing, inside, undetermined].

    ``active`` counts a collaboration in every year it runs (an open end runs to the last year in the data);
    ``started`` counts it in the year it started.

    Raises:
        ParameterError: ``basis`` is unknown.
    """
    if basis not in {"active", "started"}:
        msg = f"basis must be 'active' or 'started', not {basis!r}"
        raise ParameterError(msg)
    key = f"border_table/{basis}"
    if key not in ctx.cache:
        ctx.cache[key] = _tabulate(ctx, basis)
    table: dict[tuple[str, int], list[int]] = ctx.cache[key]
    return table


def _tabulate(ctx: Context, basis: Basis) -> dict[tuple[str, int], list[int]]:
    snap = ctx.scoped_snapshot()
    scope = resolve(snap, ctx.filters)
    f = ctx.filters
    everything = resolve(snap, Filters(domain=f.domain, grouping=f.grouping, category=f.category))
    collabs = select_collaborations(snap, everything)
    years = [y for c in collabs for y in (c.start, c.end, *c.observed) if y is not None]
    years += list(snap.rounds.values())
    table: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    if not years:
        return table
    last = max(years)
    for c in collabs:
        crossing = crosses_border(snap, c, scope.actors)
        if crossing is None and len([m for m in c.members if scope.actors is None or m in scope.actors]) < 2:
            continue  # no tie, and nothing stated makes it cross
        col = 3 if crossing is None else (1 if crossing else 2)
        if basis == "started":
            start = c.start if c.start is not None else (min(c.observed) if c.observed else None)
            active: set[int] = {start} if start is not None else set()
        else:
            active = set(c.observed)
            if c.start is not None or c.end is not None:
                lo = c.start if c.start is not None else c.end
                hi = c.end if c.end is not None else last
                assert lo is not None
                active |= set(range(lo, hi + 1))
        if scope.year is not None:
            active &= {scope.year}
        for y in active:
            for d in (ALL, *sorted(c.domains)):
                row = table[(d, y)]
                row[0] += 1
                row[col] += 1
    return table


def measure_border_share(ctx: Context, *, basis: Basis = "active") -> Result:
    """The share of collaborations that cross a municipal border, per domain and year."""
    table = tabulate_border_share(ctx, basis=basis)
    rows = []
    for (d, y), (n, cross, inside, unknown) in sorted(table.items(), key=lambda kv: (kv[0][0] != ALL, kv[0])):
        determined = cross + inside
        rows.append((d, y, n, cross, inside, unknown, cross / determined if determined else None))
    return ctx.result(
        "border_share",
        ("domain", "year", "collaborations", "cross_border", "within", "undetermined", "share_cross_border"),
        rows,
        graphs=_collaboration_graphs(ctx),
        parameters={"basis": basis},
        notes=[
            f"basis '{basis}': "
            + (
                "a collaboration counts in every year it runs; an open end runs to the last year in the data"
                if basis == "active"
                else "a collaboration counts in the year it started"
            ),
            "share = cross_border / (cross_border + within); undated collaborations are in no year",
        ],
    )


def _collaboration_graphs(ctx: Context) -> set[str]:
    return (
        set().union(*(c.sources for c in ctx.snapshot().collaborations))
        if ctx.snapshot().collaborations
        else set()
    )


def measure_border_trend(ctx: Context, *, basis: Basis = "active", alpha: float = 0.05) -> Result:
    """Is collaboration across borders growing? Mann–Kendall on the yearly count and share, per domain."""
    table = tabulate_border_share(ctx, basis=basis)
    by_domain: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for (d, y), (_n, cross, inside, _u) in table.items():
        if cross + inside:
            by_domain[d].append((y, cross, cross / (cross + inside)))
    rows = []
    for d in sorted(by_domain, key=lambda d: (d != ALL, d)):
        series = sorted(by_domain[d])
        t = [float(y) for y, _, _ in series]
        count = mann_kendall(t, [float(c) for _, c, _ in series], alpha=alpha)
        share = mann_kendall(t, [s for _, _, s in series], alpha=alpha)
        rows.append(
            (
                d,
                len(series),
                int(t[0]),
                int(t[-1]),
                series[0][1],
                series[-1][1],
                series[0][2],
                series[-1][2],
                count.slope,
                count.p,
                count.verdict,
                share.slope,
                share.tau,
                share.p,
                share.verdict,
            )
        )
    return ctx.result(
        "border_trend",
        (
            "domain",
            "years",
            "first_year",
            "last_year",
            "cross_border_first",
            "cross_border_last",
            "share_first",
            "share_last",
            "cross_border_slope",
            "cross_border_p",
            "cross_border_trend",
            "share_slope",
            "share_tau",
            "share_p",
            "share_trend",
        ),
        rows,
        graphs=_collaboration_graphs(ctx),
        parameters={"basis": basis, "alpha": alpha},
        notes=[
            f"Mann-Kendall test (two-sided, alpha {alpha}) with Theil-Sen slope per year; fewer than "
            f"{MIN_POINTS} years cannot reach significance and say 'too few points'",
            "years of one collaboration are not independent under basis 'active' (it runs on): read p-values "
            "as a guide; basis 'started' tests new collaborations only",
        ],
    )


def compute_ei_index(
    G: nx.Graph[str], *, copy: IGraphCopy | None = None
) -> tuple[dict[str, tuple[int, int, int]], tuple[int, int]]:
    """E–I index parts by municipality: per municipality (actors, internal ties, external ties), and totals.

    A tie is external when its two actors belong to different municipalities; ties to actors of unknown
    municipality are left out.

    Example:
        >>> G = nx.Graph([("a", "b")]); nx.set_node_attributes(G, "m1", "municipality")
        >>> compute_ei_index(G)[1]
        (0, 1)
    """
    c = copy or to_igraph(G)
    g, values = c.codes(G, "municipality")
    k = len(values)
    actors = np.bincount(g[g >= 0], minlength=k)
    e = c.edge_array()
    gu, gv = (g[e[:, 0]], g[e[:, 1]]) if len(e) else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    known = (gu >= 0) & (gv >= 0)
    gu, gv = gu[known], gv[known]
    inside = gu == gv
    internal = np.bincount(gu[inside], minlength=k)
    external = np.bincount(gu[~inside], minlength=k) + np.bincount(gv[~inside], minlength=k)
    parts = {str(m): (int(actors[i]), int(internal[i]), int(external[i])) for i, m in enumerate(values)}
    return parts, (int((~inside).sum()), int(inside.sum()))


def _ei(e: int, i: int) -> float | None:
    return (e - i) / (e + i) if e + i else None


def measure_ei_index(ctx: Context) -> Result:
    """Krackhardt's E–I index by municipality over actor ties: (E−I)/(E+I), −1 all inside, +1 all across."""
    G = ctx.actors()
    parts, (e, i) = compute_ei_index(G, copy=ctx.igraph("actors"))
    rows = [(ALL, "hela nätverket", sum(a for a, _, _ in parts.values()), i, e, _ei(e, i))]
    for m in sorted(parts, key=lambda m: str(G.nodes[m]["label"]) if m in G else m):
        a, im, em = parts[m]
        rows.append((m, G.nodes[m]["label"] if m in G else m, a, im, em, _ei(em, im)))
    return ctx.result(
        "ei_index",
        ("municipality", "label", "actors", "internal_ties", "external_ties", "ei_index"),
        rows,
        G=G,
        notes=[
            "ties are actor pairs sharing at least one collaboration (unweighted); "
            "E = ties to actors of other municipalities, I = ties inside the municipality"
        ],
    )


def attribute_assortativity(
    G: nx.Graph[str], attribute: str, *, copy: IGraphCopy | None = None
) -> tuple[float | None, int]:
    """Newman's attribute assortativity over the ties whose two ends have the attribute.

    The same value as ``networkx.attribute_assortativity_coefficient`` on that subgraph, computed with numpy.

    Returns:
        The coefficient (None when every tie has one value), and the number of ties used.
    """
    c = copy or to_igraph(G)
    g, values = c.codes(G, attribute)
    e = c.edge_array()
    if not len(e):
        return None, 0
    a, b = g[e[:, 0]], g[e[:, 1]]
    known = (a >= 0) & (b >= 0)
    a, b = a[known], b[known]
    ties = len(a)
    if not ties:
        return None, 0
    k = len(values)
    # Symmetric mixing matrix: each tie counts both ways.
    mix = np.bincount(np.concatenate([a * k + b, b * k + a]), minlength=k * k).reshape(k, k) / (2.0 * ties)
    margin = mix.sum(axis=1)
    expected = float((margin * margin).sum())
    trace = float(np.trace(mix))
    return ((trace - expected) / (1 - expected) if expected < 1 - 1e-12 else None), ties


def measure_assortativity(ctx: Context) -> Result:
    """Do actors tie to their own kind? Assortativity by municipality, by category and by degree."""
    G = ctx.actors()
    rows: list[tuple[object, ...]] = []
    copy = ctx.igraph("actors")
    for attribute in ("municipality", "category"):
        r, ties = attribute_assortativity(G, attribute, copy=copy)
        rows.append((attribute, r, ties))
    degree_r = copy.graph.assortativity_degree(directed=False) if copy.graph.ecount() else None
    rows.append(("degree", degree_r, G.number_of_edges()))
    return ctx.result(
        "assortativity",
        ("attribute", "assortativity", "ties"),
        rows,
        G=G,
        notes=[
            "1 = ties only within the same value, 0 = as by chance, negative = ties across; "
            "ties with an end of unknown value are left out"
        ],
    )


def measure_neighbour_ties(ctx: Context) -> Result:
    """Cross-border ties between land neighbours and between non-neighbours, per domain."""
    G = ctx.municipalities()
    snap = ctx.snapshot()
    domains_of = {c.iri: c.domains for c in snap.collaborations}
    ties: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    pairs: dict[str, list[set[tuple[str, str]]]] = defaultdict(lambda: [set(), set()])
    for u, v, d in G.edges(data=True):
        k = 0 if d["neighbours"] else 1
        for c in d["collaborations"]:
            for dom in (ALL, *sorted(domains_of.get(c, ()))):
                if ctx.filters.domain is None or dom in (ALL, ctx.filters.domain):
                    ties[dom][k] += 1
                    pairs[dom][k].add((u, v))
    n = G.number_of_nodes()
    possible = n * (n - 1) // 2
    touching = sum(1 for p in snap.neighbours if all(m in G for m in p))
    expected = touching / possible if possible else None
    rows = []
    for dom in sorted(ties, key=lambda d: (d != ALL, d)):
        nb, non = ties[dom]
        rows.append(
            (
                dom,
                nb,
                non,
                len(pairs[dom][0]),
                len(pairs[dom][1]),
                nb / (nb + non) if nb + non else None,
                expected,
            )
        )
    return ctx.result(
        "neighbour_ties",
        (
            "domain",
            "ties_neighbours",
            "ties_non_neighbours",
            "pairs_neighbours",
            "pairs_non_neighbours",
            "share_neighbours",
            "share_if_random",
        ),
        rows,
        G=G,
        notes=[
            "a tie is one collaboration joining two municipalities; share_if_random is the share of all "
            f"municipality pairs in scope that touch ({touching} of {possible})"
        ],
    )


__all__ = [
    "ALL",
    "attribute_assortativity",
    "compute_ei_index",
    "measure_assortativity",
    "measure_border_share",
    "measure_border_trend",
    "measure_ei_index",
    "measure_neighbour_ties",
    "tabulate_border_share",
]
