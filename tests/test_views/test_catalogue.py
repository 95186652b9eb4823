"""Views made from a store: filters, ego networks, geography, sources and dates in the caption."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.errors import UnknownResourceError
from graph.namespaces import ID
from graph.store.embedded import GraphStore
from graph.views import VIEWS, ViewQuery, expand_iri, make_view, make_view_from_graph

# Typed actors in the fixture that are not groupings: four municipalities and three other actors.
ACTOR_COUNT = 7


def test_make_view_collaboration(store: GraphStore) -> None:
    view = make_view(store, "collaboration")
    assert len(view.nodes) + len(view.isolates) == ACTOR_COUNT + 1  # one three-party collaboration node
    assert view.data_date == "2020"
    assert view.sources[0].title == "Dialogmöten med regionens kommuner"
    assert view.choices["domain"] == ["bibliotek", "kulturskola", "scenkonst"]
    assert "2020" in view.choices["year"]


def test_make_view_edge_years_for_the_year_filter(store: GraphStore) -> None:
    view = make_view(store, "collaboration")
    spans = {tuple(s) for e in view.edges for s in e["yrs"]}
    assert (2019, 2021) in spans
    assert (2020, 2020) in spans  # sv:observedIn


def test_make_view_filtered_by_domain(store: GraphStore) -> None:
    view = make_view(store, "collaboration", query=ViewQuery(domain="kulturskola"))
    assert len(view.edges) == 1
    assert "kulturskola" in view.subtitle


def test_make_view_filtered_by_constellation(store: GraphStore) -> None:
    view = make_view(store, "collaboration", query=ViewQuery(constellation="2020-nacka"))
    assert {n["id"] for n in view.nodes} == {str(ID[f"municipality/{c}"]) for c in ("0180", "0182", "0184")}


def test_make_view_municipalities_on_the_map(store: GraphStore) -> None:
    view = make_view(store, "municipalities")
    pos = {n["id"].rsplit("/", 1)[1]: (n["x"], n["y"]) for n in view.nodes}
    assert pos["0182"][0] > pos["0183"][0]  # Nacka lies east of Sundbyberg
    assert pos["0182"][1] > pos["0183"][1]  # and south of it (y grows downwards)
    assert {e.key for e in view.edge_legend} == {"neighbours", "distant"}


@pytest.mark.parametrize(
    ("radius", "expected"),
    [pytest.param(1, 2, id="one-step"), pytest.param(2, 3, id="two-steps")],
)
def test_make_view_ego_steps(standin: nx.Graph, radius: int, expected: int) -> None:
    view = make_view_from_graph(standin, "ego", query=ViewQuery(center="0182", radius=radius))
    assert len(view.nodes) == expected
    center = next(n for n in view.nodes if n["id"].endswith("/0182"))
    assert center["borderWidth"] == 4


def test_make_view_ego(store: GraphStore) -> None:
    view = make_view(store, "ego", query=ViewQuery(center="0182"))
    assert len(view.nodes) == 4  # Nacka, its two partners and the collaboration that joins the three
    assert view.title == "Nätverket kring Nacka kommun"


def test_make_view_ego_unknown_center(store: GraphStore) -> None:
    with pytest.raises(UnknownResourceError, match="not in this network"):
        make_view(store, "ego", query=ViewQuery(center="actor/finns-inte"))


def test_make_view_issue_views(store: GraphStore) -> None:
    assert len(make_view(store, "actor-issues").nodes) == 4
    comention = make_view(store, "issue-comentions")
    assert len(comention.nodes) == 2
    assert len(comention.edges) == 1


def test_make_view_unknown(store: GraphStore) -> None:
    with pytest.raises(UnknownResourceError, match="collaboration"):
        make_view(store, "hairball")


def test_expand_iri() -> None:
    assert expand_iri("klys", "actor") == str(ID["actor/klys"])
    assert expand_iri("id:municipality/0182", "actor") == str(ID["municipality/0182"])
    with pytest.raises(ValueError, match="not an IRI"):
        expand_iri("a> <b", "actor")


def test_views_are_listed() -> None:
    assert set(VIEWS) == {"collaboration", "municipalities", "ego", "actor-issues", "issue-comentions"}
