"""Projections from the store into networkx, on a small region written after docs/design.md."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from graph.errors import ParameterError
from graph.namespaces import CONCEPT, GRAPH, ID
from graph.project import (
    Filters,
    project_actor_issues,
    project_actors,
    project_issue_comentions,
    project_municipalities,
)
from graph.store.embedded import GraphStore

BASES = {
    "id": "https://w3id.org/samverkan/id/",
    "concept": "https://w3id.org/samverkan/concept/",
    "graph": "https://w3id.org/samverkan/graph/",
}
PREFIXES = """
@prefix id: <https://w3id.org/samverkan/id/> .
@prefix concept: <https://w3id.org/samverkan/concept/> .
@prefix graph: <https://w3id.org/samverkan/graph/> .
@prefix sv: <https://w3id.org/samverkan/def#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

REGION = """
graph:source/register {
  id:municipality/0184 a sv:Municipality ; skos:prefLabel "Solna kommun"@sv, "Solna Municipality"@en ;
      sv:municipalityCode "0184" ; sv:territory id:territory/0184 .
  id:territory/0184 a sv:MunicipalTerritory ; geo:hasGeometry id:geometry/0184 ;
      geo:sfTouches id:territory/0183 .
  id:geometry/0184 geo:asWKT "POINT(18.0 59.36)"^^geo:wktLiteral .
  id:municipality/0183 a sv:Municipality ; skos:prefLabel "Sundbybergs kommun"@sv ;
      sv:municipalityCode "0183" ; sv:territory id:territory/0183 .
  id:territory/0183 a sv:MunicipalTerritory ; geo:sfTouches id:territory/0184 .
  id:municipality/0182 a sv:Municipality ; skos:prefLabel "Nacka kommun"@sv ;
      sv:municipalityCode "0182" ; sv:territory id:territory/0182 .
  id:territory/0182 a sv:MunicipalTerritory .
  id:actor/kulturskolan-solna a sv:CultureSchool ; skos:prefLabel "Kulturskolan Solna"@sv ;
      sv:basedIn id:municipality/0184 .
  id:actor/kulturskolan-sundbyberg a sv:CultureSchool ; skos:prefLabel "Kulturskolan Sundbyberg"@sv ;
      sv:basedIn id:territory/0183 .
  id:actor/klys a sv:ProfessionalOrganisation ; skos:prefLabel "KLYS"@sv .
  id:actor/sodertorn a sv:Grouping ; skos:prefLabel "Södertörn"@sv ; org:hasMember id:municipality/0182 .
  id:collaboration/kulturskola-solna-sundbyberg a sv:Collaboration ;
      org:hasMember id:actor/kulturskolan-solna, id:actor/kulturskolan-sundbyberg ;
      sv:domain concept:domain/kulturskola ; schema:startDate "2015"^^xsd:gYear .
  id:collaboration/scenkonst-trio a sv:Collaboration ;
      org:hasMember id:municipality/0184, id:municipality/0183, id:municipality/0182 ;
      sv:domain concept:domain/scenkonst ; schema:startDate "2019-05-01"^^xsd:date ;
      schema:endDate "2020"^^xsd:gYear .
}
graph:source/press-release-2020 {
  id:collaboration/scenkonst-trio a sv:Collaboration ;
      org:hasMember id:municipality/0184, id:municipality/0183, id:municipality/0182 .
  id:round/2020 a sv:DialogueRound ; sv:year "2020"^^xsd:gYear .
  id:round/2019 a sv:DialogueRound ; sv:year "2019"^^xsd:gYear .
  id:meeting/2020-nacka a sv:DialogueMeeting ; sv:inRound id:round/2020 ;
      sv:constellation id:constellation/2020-nacka .
  id:constellation/2020-nacka a sv:Constellation ; org:hasMember id:municipality/0182, id:municipality/0184 .
  id:mention/a a sv:IssueMention ; sv:issue concept:issue/arms-length ; sv:atMeeting id:meeting/2020-nacka ;
      sv:raisedBy id:municipality/0182 .
  id:mention/b a sv:IssueMention ; sv:issue concept:issue/folkbildning ; sv:atMeeting id:meeting/2020-nacka ;
      sv:raisedBy id:municipality/0184 .
  id:mention/c a sv:IssueMention ; sv:issue concept:issue/arms-length ; sv:inRound id:round/2019 ;
      sv:raisedBy id:actor/klys .
}
graph:vocabulary {
  concept:issue/arms-length skos:inScheme concept:issues ;
      skos:prefLabel "Principen om armlängds avstånd under tryck"@sv, "The arm's-length principle"@en .
  concept:issue/folkbildning skos:inScheme concept:issues ; skos:prefLabel "Folkbildningens stöd"@sv ;
      sv:domain concept:domain/folkbildning .
}
graph:meta {
  graph:source/register prov:wasDerivedFrom id:source/register .
  id:source/register dcterms:issued "2021-03-01"^^xsd:date .
  graph:source/press-release-2020 prov:wasDerivedFrom id:source/press-release-2020 .
  id:source/press-release-2020 dcterms:issued "2020"^^xsd:gYear .
}
"""


def expand(trig: str) -> str:
    return re.sub(
        r"\b(id|concept|graph):([\w-]+/[\w/-]+)", lambda m: f"<{BASES[m.group(1)]}{m.group(2)}>", trig
    )


@pytest.fixture
def store() -> GraphStore:
    s = GraphStore.open(None)
    s.add(ox.parse(expand(PREFIXES + REGION).encode(), format=ox.RdfFormat.TRIG))
    return s


SOLNA, SUNDBYBERG, NACKA = (str(ID[f"municipality/{c}"]) for c in ("0184", "0183", "0182"))
KS_SOLNA, KS_SUNDBYBERG, KLYS = (
    str(ID[f"actor/{s}"]) for s in ("kulturskolan-solna", "kulturskolan-sundbyberg", "klys")
)
TRIO = str(ID["collaboration/scenkonst-trio"])
ARMS, FOLK = str(CONCEPT["issue/arms-length"]), str(CONCEPT["issue/folkbildning"])


def test_project_actors_keeps_iris_labels_and_sources(store: GraphStore) -> None:
    G = project_actors(store)
    assert G.nodes[KS_SUNDBYBERG] == {
        "label": "Kulturskolan Sundbyberg",
        "label_en": "Kulturskolan Sundbyberg",
        "category": "CultureSchool",
        "municipality": SUNDBYBERG,  # sv:basedIn a territory is read as its municipality
        "sources": [str(GRAPH["source/register"])],
    }
    assert G.nodes[SOLNA]["label_en"] == "Solna Municipality"
    edge = G.edges[SOLNA, NACKA]
    assert edge["weight"] == 1.0
    assert edge["count"] == 1
    assert edge["collaborations"] == [TRIO]
    assert edge["domains"] == ["scenkonst"]
    assert edge["sources"] == sorted([str(GRAPH["source/register"]), str(GRAPH["source/press-release-2020"])])


def test_project_actors_keeps_isolated_actors_but_not_groupings(store: GraphStore) -> None:
    G = project_actors(store)
    assert G.degree(KLYS) == 0
    assert str(ID["actor/sodertorn"]) not in G
    assert G.number_of_nodes() == 6
    assert G.number_of_edges() == 4


def test_project_actors_newman_weighting(store: GraphStore) -> None:
    G = project_actors(store, weighting="newman")
    assert G.edges[SOLNA, NACKA]["weight"] == pytest.approx(0.5)  # 3 members: 1/(3-1)
    assert G.edges[KS_SOLNA, KS_SUNDBYBERG]["weight"] == pytest.approx(1.0)
    assert G.graph["weighting"] == "newman"


@pytest.mark.parametrize(
    ("filters", "edges"),
    [
        pytest.param(Filters(year=2016), 1, id="year-before-trio"),
        pytest.param(Filters(year=2020), 4, id="year-both"),
        pytest.param(Filters(year=2021), 1, id="year-after-trio-ended"),
        pytest.param(Filters(round=str(ID["round/2019"])), 4, id="round"),
        pytest.param(Filters(domain="kulturskola"), 1, id="domain"),
        pytest.param(Filters(category="Municipality"), 3, id="category"),
        pytest.param(Filters(grouping=str(ID["constellation/2020-nacka"])), 1, id="grouping"),
    ],
)
def test_project_actors_filters(store: GraphStore, filters: Filters, edges: int) -> None:
    G = project_actors(store, filters=filters)
    assert G.number_of_edges() == edges
    assert G.graph["filters"]["year"] == filters.year


def test_project_actors_grouping_keeps_only_members(store: GraphStore) -> None:
    G = project_actors(store, filters=Filters(grouping=str(ID["constellation/2020-nacka"])))
    assert set(G) == {NACKA, SOLNA}


def test_project_actors_graph_metadata(store: GraphStore) -> None:
    G = project_actors(store, filters=Filters(domain="kulturskola"))
    assert G.graph["projection"] == "actors"
    assert G.graph["filters"] == {
        "year": None,
        "round": None,
        "domain": "kulturskola",
        "grouping": None,
        "category": None,
    }
    assert G.graph["graphs"] == [str(GRAPH["source/register"])]
    assert G.graph["data_date"] == "2021-03-01"


def test_project_municipalities_across_borders(store: GraphStore) -> None:
    G = project_municipalities(store)
    assert set(G) == {SOLNA, SUNDBYBERG, NACKA}
    assert G.nodes[SOLNA]["code"] == "0184"
    assert (G.nodes[SOLNA]["lat"], G.nodes[SOLNA]["lon"]) == (59.36, 18.0)
    assert G.nodes[NACKA]["lat"] is None
    # Solna–Sundbyberg: the culture schools and the trio; Solna–Nacka: the trio only.
    assert G.edges[SOLNA, SUNDBYBERG]["count"] == 2
    assert G.edges[SOLNA, SUNDBYBERG]["domains"] == ["kulturskola", "scenkonst"]
    assert G.edges[SOLNA, SUNDBYBERG]["neighbours"] is True
    assert G.edges[SOLNA, NACKA]["neighbours"] is False


def test_project_municipalities_per_domain_and_category(store: GraphStore) -> None:
    G = project_municipalities(store, filters=Filters(domain="kulturskola"))
    assert list(G.edges) == [(SOLNA, SUNDBYBERG)] or list(G.edges) == [(SUNDBYBERG, SOLNA)]
    G = project_municipalities(store, filters=Filters(category="CultureSchool"))
    assert G.number_of_edges() == 1
    assert G.number_of_nodes() == 3  # isolated municipalities stay


def test_project_actor_issues_is_bipartite(store: GraphStore) -> None:
    G = project_actor_issues(store)
    assert G.nodes[ARMS]["category"] == "Issue"
    assert G.nodes[ARMS]["bipartite"] == 1
    assert G.nodes[KLYS]["bipartite"] == 0
    assert set(G[ARMS]) == {NACKA, KLYS}
    assert G.edges[KLYS, ARMS]["mentions"] == [str(ID["mention/c"])]
    G = project_actor_issues(store, filters=Filters(year=2020))
    assert set(G[ARMS]) == {NACKA}
    G = project_actor_issues(store, filters=Filters(domain="folkbildning"))
    assert set(G) == {FOLK, SOLNA}


def test_project_issue_comentions_at_the_same_meeting(store: GraphStore) -> None:
    G = project_issue_comentions(store)
    assert G.nodes[ARMS]["label"] == "Principen om armlängds avstånd under tryck"
    assert G.edges[ARMS, FOLK]["count"] == 1
    assert project_issue_comentions(store, filters=Filters(year=2019)).number_of_edges() == 0


def test_project_runs_a_fixed_number_of_queries(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = GraphStore.query

    def counting(self: GraphStore, sparql: str, **kwargs: object) -> object:
        calls.append(sparql)
        return original(self, sparql, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(GraphStore, "query", counting)
    project_actors(store)
    small = len(calls)
    extra = "".join(
        f"""graph:source/register {{ id:collaboration/x{i} a sv:Collaboration ;
            org:hasMember id:actor/a{i}, id:actor/b{i} . id:actor/a{i} a sv:Association .
            id:actor/b{i} a sv:Association . }}"""
        for i in range(50)
    )
    store.add(ox.parse(expand(PREFIXES + extra).encode(), format=ox.RdfFormat.TRIG))
    calls.clear()
    G = project_actors(store)
    assert G.number_of_edges() == 54
    # 15: the crossing rule (graph.queries.borders) and the classifications (two) came with ontology 0.2
    assert len(calls) == small <= 15


CLASSIFIED = """
graph:ontology {
  concept:actor-category/culture-school skos:inScheme concept:actor-categories ;
      skos:notation "CultureSchool" .
  concept:actor-category/network skos:inScheme concept:actor-categories ; skos:notation "Network" .
}
graph:source/register {
  id:actor/kulturskolan-nacka a sv:Actor, org:OrganizationalUnit ;
      org:classification concept:actor-category/culture-school ;
      skos:prefLabel "Kulturskolan Nacka"@sv ; sv:basedIn id:municipality/0182 .
  id:actor/fskf a sv:Actor, org:OrganizationalCollaboration ;
      org:classification concept:actor-category/network ;
      skos:prefLabel "FSKF"@sv ; org:hasMember id:municipality/0182, id:municipality/0184 .
  id:collaboration/nacka-solna a sv:Collaboration ; org:purpose concept:domain/kulturskola ;
      org:hasMember id:actor/kulturskolan-nacka, id:municipality/0184 .
}
"""


@pytest.mark.parametrize(
    "category",
    ["culture-school", "category:culture-school", "CultureSchool", "sv:CultureSchool",
     str(CONCEPT["actor-category/culture-school"])],
)  # fmt: skip
def test_project_actors_by_classification(store: GraphStore, category: str) -> None:
    """0.2 data: the category is the org:classification (read as its code), a domain the org:purpose."""
    store.add(ox.parse(expand(PREFIXES + CLASSIFIED).encode(), format=ox.RdfFormat.TRIG))
    nacka_school = str(ID["actor/kulturskolan-nacka"])
    assert project_actors(store).nodes[nacka_school]["category"] == "CultureSchool"
    G = project_actors(store, filters=Filters(category=category, domain="kulturskola"))
    assert set(G.nodes) == {
        nacka_school,
        KS_SOLNA,
        KS_SUNDBYBERG,
    }  # the last two typed sv:CultureSchool (0.1)


def test_project_a_classified_network_as_a_grouping(store: GraphStore) -> None:
    store.add(ox.parse(expand(PREFIXES + CLASSIFIED).encode(), format=ox.RdfFormat.TRIG))
    G = project_municipalities(store, filters=Filters(grouping="fskf"))
    assert set(G.nodes) == {NACKA, SOLNA}


def test_project_unknown_category_names_the_known(store: GraphStore) -> None:
    store.add(ox.parse(expand(PREFIXES + CLASSIFIED).encode(), format=ox.RdfFormat.TRIG))
    with pytest.raises(ParameterError, match=r"unknown category 'theatre'.*culture-school"):
        project_actors(store, filters=Filters(category="theatre"))
