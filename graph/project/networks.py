"""Building networkx graphs from a snapshot: actors, municipalities, actors and issues, issue co-mentions."""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from typing import ParamSpec

import networkx as nx

from graph.namespaces import GRAPH
from graph.project.records import Collaboration, Filters, Mention, Snapshot, Weighting
from graph.project.scope import best_class, resolve, select_collaborations, select_mentions
from graph.project.snapshot import _COLLECTIVE, paused_gc, read_snapshot
from graph.store.protocol import Store


def _graph_meta(name: str, filters: Filters, snap: Snapshot, graphs: set[str]) -> dict[str, object]:
    dates = [snap.data_dates[g] for g in graphs if g in snap.data_dates]
    # The sources' latest date, else the time of the build, else now.
    data_date = max(dates) if dates else snap.data_dates.get(str(GRAPH["build"]))
    data_date = data_date or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"projection": name, "filters": asdict(filters), "graphs": sorted(graphs), "data_date": data_date}


def _actor_node(snap: Snapshot, a: str) -> dict[str, object]:
    x = snap.actors.get(a)
    if x is None:
        return {"label": a, "label_en": a, "category": None, "municipality": None, "sources": []}
    return {
        "label": x.label,
        "label_en": x.label_en or x.label,
        "category": x.category,
        "municipality": x.municipality,
        "sources": sorted(x.sources),
    }


# Projections.

P = ParamSpec("P")


def _building(fn: Callable[P, nx.Graph[str]]) -> Callable[P, nx.Graph[str]]:
    """Run a projection with the garbage collector paused (see :func:`paused_gc`)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> nx.Graph[str]:
        with paused_gc():
            return fn(*args, **kwargs)

    return wrapper


@_building
def project_actors(
    store: Store | Snapshot, *, filters: Filters = Filters(), weighting: Weighting = "count"
) -> nx.Graph[str]:
    """Project actors × actors through shared collaborations.

    Every actor in scope is a node (degree 0 when it shares no collaboration: who is left out); two actors
    are joined when they take part in the same collaboration. ``weight`` is the number of shared
    collaborations (``count``) or Newman's collaboration weight, the sum of 1/(n−1) over shared
    collaborations of n participants (``newman``).

    Args:
        store: the store, or a snapshot already read from it.
        filters: year or round, domain, grouping and actor category.
        weighting: ``count`` or ``newman``.

    Returns:
        An undirected graph; ``G.graph`` says which projection, filters and source graphs it came from.

    Example:
        >>> from graph.store.embedded import GraphStore
        >>> G = project_actors(GraphStore.open(None))
        >>> G.number_of_nodes(), G.graph["projection"]
        (0, 'actors')
    """
    snap = store if isinstance(store, Snapshot) else read_snapshot(store)
    scope = resolve(snap, filters)
    G: nx.Graph[str] = nx.Graph()
    graphs: set[str] = set()
    if scope.actors is not None:
        nodes = set(scope.actors)
    else:
        nodes = {a for a, x in snap.actors.items() if best_class(x) not in _COLLECTIVE}
    edges: dict[tuple[str, str], list[Collaboration]] = defaultdict(list)
    for c in select_collaborations(snap, scope):
        members = [m for m in c.members if scope.actors is None or m in scope.actors]
        if scope.actors is None:
            nodes.update(members)
        for pair in itertools.combinations(members, 2):
            edges[pair].append(c)
    G.add_nodes_from((a, _actor_node(snap, a)) for a in sorted(nodes))
    for a in nodes:
        if a in snap.actors:
            graphs |= snap.actors[a].sources
    G.add_edges_from(_edge_rows(edges, weighting, graphs))
    G.graph.update(_graph_meta("actors", filters, snap, graphs))
    G.graph["weighting"] = weighting
    return G


def _edge_rows(
    edges: dict[tuple[str, str], list[Collaboration]], weighting: Weighting, graphs: set[str]
) -> Iterator[tuple[str, str, dict[str, object]]]:
    """Edge attributes in bulk; most edges have one collaboration, whose sorted lists are made once."""
    once: dict[str, tuple[list[str], list[str]]] = {}
    for (a, b), cs in edges.items():
        if len(cs) == 1:
            c = cs[0]
            if c.iri not in once:
                once[c.iri] = (sorted(c.domains), sorted(c.sources))
                graphs |= c.sources
            domains, sources = once[c.iri]
            collaborations = [c.iri]
        else:
            src: set[str] = set().union(*(c.sources for c in cs))
            graphs |= src
            domains = sorted(set().union(*(c.domains for c in cs)))
            sources = sorted(src)
            collaborations = sorted(c.iri for c in cs)
        weight = sum(1.0 / (len(c.members) - 1) for c in cs) if weighting == "newman" else float(len(cs))
        yield (
            a,
            b,
            {
                "weight": weight,
                "count": len(cs),
                "collaborations": collaborations,
                "domains": list(domains),
                "sources": list(sources),
            },
        )


@_building
def project_municipalities(store: Store | Snapshot, *, filters: Filters = Filters()) -> nx.Graph[str]:
    """Project municipalities × municipalities across borders, by the one crossing rule.

    Each collaboration that crosses a border (``graph.queries.borders``) joins every pair of distinct
    municipalities it reaches through its parties or their base, or a stated scope that is one municipality;
    ``count`` is the number of such collaborations, ``neighbours`` tells whether the two territories touch.
    A county-wide scope reaches every municipality of the county but draws no edge (it would join every
    pair): such collaborations are listed in ``G.graph["county_wide"]``. Every node lists the crossing
    collaborations that reach it, edge or not, in ``cross_border``. With a category filter only parties of
    that category count (a collaboration without one is left out); with a grouping, only municipalities that
    are members (or home to members).

    Returns:
        An undirected graph of every municipality in scope, isolated ones included.
    """
    snap = store if isinstance(store, Snapshot) else read_snapshot(store)
    scope = resolve(snap, filters)
    munis = set(snap.municipalities())
    if scope.grouping is not None and scope.actors is not None:
        members = snap.members.get(scope.grouping, set())
        munis = {m for m in munis if m in members} | {
            x.municipality for a in members if (x := snap.actors.get(a)) and x.municipality
        }
    graphs: set[str] = set()
    G: nx.Graph[str] = nx.Graph()
    for m in sorted(munis):
        attrs = _actor_node(snap, m)
        x = snap.actors[m]
        lat, lon = snap.points.get(m, (None, None))
        G.add_node(m, **attrs, code=x.code, lat=lat, lon=lon, cross_border=[])
        graphs |= x.sources
    edges: dict[tuple[str, str], list[Collaboration]] = defaultdict(list)
    county_wide: set[str] = set()
    for c in select_collaborations(snap, scope):
        parties: list[str] | None = None
        if scope.category is not None:
            parties = [
                a for a in c.members if (x := snap.actors.get(a)) is not None and x.category == scope.category
            ]
            if not parties:
                continue
        crossing = snap.crossing(c.iri).restrict(members=parties)
        if not crossing.crosses:
            continue
        reached = crossing.municipalities & munis
        for m in sorted(reached):
            G.nodes[m]["cross_border"].append(c.iri)
        if crossing.scopes and reached:
            county_wide.add(c.iri)
            graphs |= c.sources
        drawn = sorted({r.municipality for r in crossing.reaches if not r.county_wide} & munis)
        for pair in itertools.combinations(drawn, 2):
            edges[pair].append(c)
    G.add_edges_from(
        (a, b, {**d, "neighbours": frozenset((a, b)) in snap.neighbours})
        for a, b, d in _edge_rows(edges, "count", graphs)
    )
    G.graph.update(_graph_meta("municipalities", filters, snap, graphs))
    G.graph["county_wide"] = sorted(county_wide)
    return G


def _issue_node(snap: Snapshot, i: str) -> dict[str, object]:
    assert snap.issues is not None
    x = snap.issues[i]
    return {
        "label": x.label,
        "label_en": x.label_en or x.label,
        "category": "Issue",
        "municipality": None,
        "sources": sorted(x.sources),
        "strategy_areas": sorted(x.areas),
        "bipartite": 1,
    }


def _mention_snapshot(store: Store | Snapshot) -> Snapshot:
    if isinstance(store, Snapshot):
        if store.mentions is None:
            msg = "this snapshot was read without mentions; use read_snapshot(store, mentions=True)"
            raise ValueError(msg)
        return store
    return read_snapshot(store, mentions=True)


@_building
def project_actor_issues(store: Store | Snapshot, *, filters: Filters = Filters()) -> nx.Graph[str]:
    """Project actors × issues (bipartite): an edge for each actor that raised an issue.

    Actor nodes have ``bipartite=0``, issue nodes ``bipartite=1`` and ``category="Issue"``. Edge ``count``
    and ``weight`` are the number of mentions; ``mentions`` lists them.
    """
    snap = _mention_snapshot(store)
    scope = resolve(snap, filters)
    G: nx.Graph[str] = nx.Graph()
    graphs: set[str] = set()
    edges: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for x in select_mentions(snap, scope):
        for a in x.raisers:
            if scope.actors is None or a in scope.actors:
                edges[(a, x.issue)].append(x)
    for (a, i), ms in sorted(edges.items()):
        if a not in G:
            G.add_node(a, **_actor_node(snap, a), bipartite=0)
        if i not in G:
            G.add_node(i, **_issue_node(snap, i))
        sources = set().union(*(m.sources for m in ms))
        graphs |= sources
        G.add_edge(
            a,
            i,
            weight=float(len(ms)),
            count=len(ms),
            collaborations=[],
            domains=sorted(snap.issues[i].domains) if snap.issues else [],
            sources=sorted(sources),
            mentions=sorted(m.iri for m in ms),
        )
    G.graph.update(_graph_meta("actor_issues", filters, snap, graphs))
    return G


@_building
def project_issue_comentions(store: Store | Snapshot, *, filters: Filters = Filters()) -> nx.Graph[str]:
    """Project issues × issues by co-mention: raised at the same meeting, or by the same actor in a round.

    Edge ``count``/``weight`` is the number of contexts (meetings, or actor-in-round) where both were raised.
    """
    snap = _mention_snapshot(store)
    scope = resolve(snap, filters)
    contexts: dict[tuple[str, ...], set[str]] = defaultdict(set)
    sources_of: dict[tuple[str, ...], set[str]] = defaultdict(set)
    issues: set[str] = set()
    for x in select_mentions(snap, scope):
        issues.add(x.issue)
        keys: list[tuple[str, ...]] = (
            [("meeting", x.meeting)]
            if x.meeting
            else [
                ("raiser", a, x.round or "") for a in x.raisers if scope.actors is None or a in scope.actors
            ]
        )
        for k in keys:
            contexts[k].add(x.issue)
            sources_of[k] |= x.sources
    G: nx.Graph[str] = nx.Graph()
    for i in sorted(issues):
        G.add_node(i, **_issue_node(snap, i))
    graphs: set[str] = set()
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for k, iss in contexts.items():
        for pair in itertools.combinations(sorted(iss), 2):
            counts[pair] += 1
            edges[pair] |= sources_of[k]
    assert snap.issues is not None
    for (a, b), n in counts.items():
        graphs |= edges[(a, b)]
        G.add_edge(
            a,
            b,
            weight=float(n),
            count=n,
            collaborations=[],
            domains=sorted(snap.issues[a].domains & snap.issues[b].domains),
            sources=sorted(edges[(a, b)]),
        )
    G.graph.update(_graph_meta("issue_comentions", filters, snap, graphs))
    return G
