"""Communities: a known two-community split, modularity against networkx, components and isolates."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analysis import run_measure
from graph.analysis.communities import detect_communities
from graph.namespaces import ID
from graph.store.embedded import GraphStore


def two_cliques() -> nx.Graph:
    G = nx.Graph()
    west = ["Solna", "Sundbyberg", "Järfälla", "Sollentuna"]
    east = ["Nacka", "Värmdö", "Tyresö", "Haninge"]
    for group in (west, east):
        G.add_edges_from(((a, b) for i, a in enumerate(group) for b in group[i + 1 :]), weight=2.0)
    G.add_edge("Solna", "Nacka", weight=1.0)
    return G


def test_louvain_finds_the_two_community_split() -> None:
    membership, q = detect_communities(two_cliques(), seed=1)
    west = {membership[n] for n in ["Solna", "Sundbyberg", "Järfälla", "Sollentuna"]}
    east = {membership[n] for n in ["Nacka", "Värmdö", "Tyresö", "Haninge"]}
    assert len(west) == len(east) == 1
    assert west != east
    expected = nx.community.modularity(
        two_cliques(),
        [{"Solna", "Sundbyberg", "Järfälla", "Sollentuna"}, {"Nacka", "Värmdö", "Tyresö", "Haninge"}],
    )
    assert q == pytest.approx(expected)


@pytest.mark.parametrize(
    "G",
    [
        pytest.param(nx.karate_club_graph(), id="karate"),
        pytest.param(nx.les_miserables_graph(), id="les-mis"),
    ],
)
def test_louvain_modularity_matches_networkx(G: nx.Graph) -> None:
    membership, q = detect_communities(G, seed=7)
    groups: dict[int, set[str]] = {}
    for n, m in membership.items():
        groups.setdefault(m, set()).add(n)
    assert q == pytest.approx(nx.community.modularity(G, groups.values(), weight="weight"))
    theirs = nx.community.louvain_communities(G, weight="weight", seed=7)
    assert q == pytest.approx(nx.community.modularity(G, theirs, weight="weight"), abs=0.02)


def test_louvain_is_reproducible_with_a_seed() -> None:
    G = nx.les_miserables_graph()
    assert detect_communities(G, seed=3) == detect_communities(G, seed=3)


def test_components_and_isolates(region: GraphStore) -> None:
    isolates = run_measure("isolates", region)
    assert [r[0] for r in isolates.rows] == [str(ID["actor/klys"]), str(ID["municipality/0183"])]
    components = run_measure("components", region)
    assert [r[1] for r in components.rows] == [5, 2, 1, 1]
    munis = run_measure("isolates", region, params={"network": "municipalities"})
    assert munis.rows == ()


def test_communities_result_reports_modularity(region: GraphStore) -> None:
    result = run_measure("communities", region, params={"seed": "5"})
    assert result.parameters["seed"] == 5
    assert 0 < result.parameters["modularity"] < 1
    assert "modularity" in result.notes[0]
