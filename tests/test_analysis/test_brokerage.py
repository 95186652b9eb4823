"""Brokerage: Burt's measures against networkx, Gould–Fernandez roles by hand."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analysis import run_measure
from graph.analysis.brokerage import compute_constraint, compute_effective_size, count_brokerage_roles
from graph.namespaces import ID
from graph.store.embedded import GraphStore


def test_constraint_matches_networkx() -> None:
    G = nx.les_miserables_graph()
    assert compute_constraint(G) == pytest.approx(nx.constraint(G, weight="weight"))


def test_effective_size_matches_networkx_unweighted() -> None:
    G = nx.Graph(nx.karate_club_graph().edges())
    assert compute_effective_size(G) == pytest.approx(nx.effective_size(G))


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        pytest.param(("Solna", "Solna", "Solna"), "coordinator", id="coordinator"),
        pytest.param(("Solna", "Nacka", "Solna"), "consultant", id="consultant"),
        pytest.param(
            ("Solna", "Solna", "Nacka"), "gatekeeper_representative", id="gatekeeper-representative"
        ),
        pytest.param(("Solna", "Nacka", "Värmdö"), "liaison", id="liaison"),
    ],
)
def test_brokerage_role_of_an_open_triad(groups: tuple[str, str, str], role: str) -> None:
    G = nx.path_graph(["a", "v", "c"])
    nx.set_node_attributes(G, dict(zip("avc", groups, strict=True)), "municipality")
    roles = count_brokerage_roles(G)
    assert roles["v"] == {r: int(r == role) for r in roles["v"]}
    assert sum(roles["a"].values()) == 0


def test_closed_triads_broker_nothing() -> None:
    G = nx.complete_graph(["a", "v", "c"])
    nx.set_node_attributes(G, {"a": "Solna", "v": "Nacka", "c": "Värmdö"}, "municipality")
    assert all(sum(r.values()) == 0 for r in count_brokerage_roles(G).values())


def test_brokerage_roles_by_municipality(region: GraphStore) -> None:
    result = run_measure("brokerage_roles", region, params={"by": "municipality"})
    nacka = next(r for r in result.records() if r["municipality"] == str(ID["municipality/0182"]))
    # Nacka kommun ties Kulturskolan Nacka (own), Värmdö, Stockholm and Solna (the last two tied):
    # own–other pairs: 3, none closed; other–other: Värmdö–Stockholm, Värmdö–Solna -> liaison 2.
    assert (nacka["gatekeeper_representative"], nacka["liaison"], nacka["coordinator"]) == (3, 2, 0)
    assert "undirected" in result.notes[0]


def brute_force_roles(G: nx.Graph) -> dict[str, dict[str, int]]:
    from itertools import combinations

    from graph.analysis.brokerage import ROLES

    out = {v: dict.fromkeys(ROLES, 0) for v in G}
    g = nx.get_node_attributes(G, "municipality")
    for v in G:
        for a, c in combinations(G[v], 2):
            if G.has_edge(a, c) or v not in g or a not in g or c not in g:
                continue
            if g[a] == g[c]:
                role = "coordinator" if g[a] == g[v] else "consultant"
            else:
                role = "gatekeeper_representative" if g[v] in (g[a], g[c]) else "liaison"
            out[v][role] += 1
    return out


def test_brokerage_roles_match_a_brute_force_count() -> None:
    import random

    rng = random.Random(4)
    G = nx.gnm_random_graph(60, 200, seed=4)
    G = nx.relabel_nodes(G, {i: f"actor-{i}" for i in G})
    towns = ["Solna", "Nacka", "Värmdö", "Tyresö"]
    nx.set_node_attributes(G, {n: rng.choice(towns) for n in G if rng.random() > 0.1}, "municipality")
    assert count_brokerage_roles(G) == brute_force_roles(G)
