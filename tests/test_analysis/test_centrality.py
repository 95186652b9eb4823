"""Centrality: hand-checked answers, and the igraph kernels against networkx on small graphs."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analysis import Context, run_measure
from graph.analysis.centrality import compute_betweenness, compute_pagerank
from graph.namespaces import ID
from graph.store.embedded import GraphStore


def two_towns_and_a_bridge() -> nx.Graph:
    """Two tight groups of actors (Solna, Nacka) that only Sundbyberg's culture school links."""
    G = nx.Graph()
    solna = [f"solna-{i}" for i in range(4)]
    nacka = [f"nacka-{i}" for i in range(4)]
    for group in (solna, nacka):
        G.add_edges_from(((a, b) for i, a in enumerate(group) for b in group[i + 1 :]), weight=1.0)
    G.add_edge("kulturskolan-sundbyberg", "solna-0", weight=1.0)
    G.add_edge("kulturskolan-sundbyberg", "nacka-0", weight=1.0)
    return G


def binary_weights(G: nx.Graph) -> nx.Graph:
    """Weights 1, 2, 4: distances 1/w add up exactly in floating point, so ties in path length are ties.

    (With weights such as 3, 1/3 + 1/3 + 1/3 != 1.0 and networkx and igraph break near-ties differently.)
    """
    for _u, _v, d in G.edges(data=True):
        d["weight"] = float(2 ** (int(d["weight"]) % 3))
    return G


def test_bridging_actor_has_the_highest_betweenness() -> None:
    values, method = compute_betweenness(two_towns_and_a_bridge())
    assert method == "exact"
    assert max(values, key=values.__getitem__) == "kulturskolan-sundbyberg"


def test_bridging_municipality_has_the_highest_betweenness(region: GraphStore) -> None:
    result = run_measure("betweenness", region)
    assert result.rows[0][0] == str(ID["municipality/0182"])  # Nacka joins Värmdö and its culture school
    assert result.parameters["method"] == "exact"


@pytest.mark.parametrize(
    "G",
    [
        pytest.param(binary_weights(nx.karate_club_graph()), id="karate-weighted"),
        pytest.param(nx.les_miserables_graph(), id="les-miserables-weighted"),
        pytest.param(two_towns_and_a_bridge(), id="bridge"),
        pytest.param(nx.disjoint_union(nx.path_graph(5), nx.cycle_graph(4)), id="disconnected"),
    ],
)
def test_betweenness_matches_networkx(G: nx.Graph) -> None:
    for _u, _v, d in G.edges(data=True):
        d.setdefault("weight", 1.0)
        d["distance"] = 1.0 / d["weight"]
    expected = nx.betweenness_centrality(G, weight="distance", normalized=True)
    values, _ = compute_betweenness(G)
    assert values == pytest.approx(expected, abs=1e-9)


def test_sampled_betweenness_is_seeded_and_says_so() -> None:
    G = nx.karate_club_graph()
    a, method = compute_betweenness(G, exact_max_nodes=10, k=20, seed=1)
    b, _ = compute_betweenness(G, exact_max_nodes=10, k=20, seed=1)
    assert method == "sampled"
    assert a == b
    exact = nx.betweenness_centrality(G, weight=None)
    sampled, _ = compute_betweenness(nx.Graph(G.edges()), exact_max_nodes=10, k=30, seed=3)
    # The estimate is unbiased; with 30 of 34 sources the top brokers stay on top.
    top = sorted(exact, key=exact.__getitem__)[-2:]
    assert set(sorted(sampled, key=sampled.__getitem__)[-2:]) == set(top)


def test_sampled_betweenness_with_every_source_is_exact() -> None:
    G = nx.Graph(nx.karate_club_graph().edges())
    _sampled, method = compute_betweenness(G, exact_max_nodes=10, k=33, seed=0)
    assert method == "sampled"
    from graph.analysis.context import to_igraph

    c = to_igraph(G)
    n = c.graph.vcount()
    raw = c.graph.betweenness(directed=False, sources=list(range(n)), targets=None)
    assert sum(raw) == pytest.approx(sum(nx.betweenness_centrality(G, normalized=False).values()))


def test_pagerank_matches_networkx() -> None:
    G = nx.karate_club_graph()
    G.add_node("isolated")
    # networkx's pagerank needs SciPy; its pure-Python version is the same algorithm.
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    assert compute_pagerank(G) == pytest.approx(_pagerank_python(G, weight="weight", tol=1e-12), abs=1e-6)


def test_degree_lists_strength_and_isolates(region: GraphStore) -> None:
    result = run_measure("degree", Context(region))
    rows = {r["node"]: r for r in result.records()}
    assert rows[str(ID["municipality/0182"])]["degree"] == 4
    assert rows[str(ID["actor/klys"])]["degree"] == 0
    assert "2 of 9 nodes have no tie" in result.notes[0]
