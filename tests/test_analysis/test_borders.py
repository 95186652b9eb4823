"""Borders: share and trend of cross-border collaboration, E–I index, assortativity, neighbours."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analysis import Context, run_measure
from graph.analysis.borders import attribute_assortativity, compute_ei_index
from graph.analysis.trend import mann_kendall
from graph.namespaces import ID
from graph.project import Filters
from graph.store.embedded import GraphStore


def test_ei_index_is_minus_one_when_every_tie_stays_inside() -> None:
    G = nx.Graph([("kulturskolan-solna", "solna-if"), ("nacka-teater", "kulturskolan-nacka")])
    nx.set_node_attributes(
        G,
        {
            "kulturskolan-solna": "Solna",
            "solna-if": "Solna",
            "nacka-teater": "Nacka",
            "kulturskolan-nacka": "Nacka",
        },
        "municipality",
    )
    parts, (e, i) = compute_ei_index(G)
    assert (e - i) / (e + i) == -1
    assert parts["Solna"] == (2, 1, 0)


def test_ei_index_on_the_region(region: GraphStore) -> None:
    rows = {r["municipality"]: r for r in run_measure("ei_index", region).records()}
    assert rows["(all)"]["internal_ties"] == 1  # Nacka kommun – Kulturskolan Nacka
    assert rows["(all)"]["external_ties"] == 5
    assert rows["(all)"]["ei_index"] == pytest.approx(4 / 6)
    assert rows[str(ID["municipality/0182"])]["ei_index"] == pytest.approx((3 - 1) / 4)


def test_ei_index_is_plus_one_for_neighbour_only_ties(region: GraphStore) -> None:
    result = run_measure("ei_index", region, filters=Filters(domain="idrott"))
    assert result.records()[0]["ei_index"] == 1.0


def test_attribute_assortativity_matches_networkx() -> None:
    G = nx.karate_club_graph()
    expected = nx.attribute_assortativity_coefficient(G, "club")
    assert attribute_assortativity(G, "club")[0] == pytest.approx(expected)


def test_border_share_per_domain_and_year(region: GraphStore) -> None:
    rows = {(r["domain"], r["year"]): r for r in run_measure("border_share", region).records()}
    # 2020: Solna–Sundbyberg and Nacka–Värmdö and the trio cross, Kulturskolan Nacka–Nacka stays inside.
    assert (rows[("(all)", 2020)]["cross_border"], rows[("(all)", 2020)]["within"]) == (3, 1)
    assert rows[("kulturskola", 2018)]["share_cross_border"] == 0.5
    assert ("idrott", 2018) not in rows
    started = {
        (r["domain"], r["year"]): r
        for r in run_measure("border_share", region, params={"basis": "started"}).records()
    }
    assert started[("(all)", 2019)]["collaborations"] == 1


def test_border_trend_says_when_data_are_too_few(region: GraphStore) -> None:
    rows = {r["domain"]: r for r in run_measure("border_trend", region).records()}
    assert rows["idrott"]["share_trend"].startswith("too few points")
    assert rows["(all)"]["years"] == 7


def test_mann_kendall_detects_a_clear_rise_and_not_noise() -> None:
    years = [2015.0, 2016, 2017, 2018, 2019, 2020]
    assert mann_kendall(years, [0.2, 0.25, 0.3, 0.32, 0.4, 0.45]).verdict == "rising"
    assert mann_kendall(years, [0.3, 0.2, 0.35, 0.25, 0.3, 0.28]).verdict == "no clear trend"
    assert mann_kendall(years[:4], [0.1, 0.2, 0.3, 0.4]).verdict.startswith("too few points")


def test_neighbour_ties(region: GraphStore) -> None:
    rows = {r["domain"]: r for r in run_measure("neighbour_ties", Context(region)).records()}
    # Trio: Solna–Stockholm and Stockholm–Nacka touch, Solna–Nacka do not.
    assert (rows["scenkonst"]["ties_neighbours"], rows["scenkonst"]["ties_non_neighbours"]) == (2, 1)
    assert rows["(all)"]["share_if_random"] == 0.5


def test_assortativity_rows(region: GraphStore) -> None:
    rows = {r["attribute"]: r for r in run_measure("assortativity", region).records()}
    assert set(rows) == {"municipality", "category", "degree"}
    assert rows["municipality"]["ties"] == 6
