"""Resource readers (graph.queries.resources) straight on a small store, without the API."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import ParameterError, UnknownResourceError
from graph.queries.resources import (
    describe_resource,
    read_actor,
    read_actors,
    read_collaborations,
    store_select,
)
from graph.store.embedded import GraphStore

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"

TRIG = """
@prefix sv: <https://w3id.org/samverkan/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix municipality: <https://w3id.org/samverkan/id/municipality/> .
@prefix actor: <https://w3id.org/samverkan/id/actor/> .
@prefix collaboration: <https://w3id.org/samverkan/id/collaboration/> .
@prefix domain: <https://w3id.org/samverkan/concept/domain/> .
@prefix category: <https://w3id.org/samverkan/concept/actor-category/> .

<https://w3id.org/samverkan/graph/source/test> {
  municipality:0182 a sv:Municipality ; skos:prefLabel "Nacka kommun"@sv, "Nacka Municipality"@en .
  municipality:0183 a sv:Municipality ; skos:prefLabel "Sundbybergs stad"@sv .
  actor:kulturskolan-nacka a sv:Actor, org:OrganizationalUnit ; org:classification category:culture-school ;
      skos:prefLabel "Kulturskolan Nacka"@sv ;
      sv:basedIn municipality:0182 .
  # as ontology 0.1 wrote it: a class per category (deprecated), still read as its category
  actor:teatercentrum-ostra a sv:Centrumbildning ; skos:prefLabel "Teatercentrum Östra"@sv ;
      skos:altLabel "TCÖ"@sv .
  collaboration:kulturskola-nacka-sundbyberg a sv:Collaboration ;
      skos:prefLabel "Kulturskoleutbyte Nacka–Sundbyberg"@sv ; org:purpose domain:kulturskola ;
      org:hasMember actor:kulturskolan-nacka, municipality:0183 .
}
"""


@pytest.fixture(scope="module")
def store() -> GraphStore:
    gs = GraphStore.open(None)
    gs.add(ox.parse(TRIG.encode(), format=ox.RdfFormat.TRIG))
    ontology = ox.NamedNode("https://w3id.org/samverkan/graph/ontology")
    for name in ("samverkan.ttl", "scheme-actor-categories.ttl"):  # the category codes, the old classes
        triples = ox.parse(path=str(ONTOLOGY / name), format=ox.RdfFormat.TURTLE)
        gs.add(ox.Quad(s.subject, s.predicate, s.object, ontology) for s in triples)
    return gs


@pytest.mark.parametrize("text", ["östra", "ÖSTRA", "tcö", "o\u0308stra"])  # the last one decomposed
def test_read_actors_finds_swedish_names_in_any_case(store, text):
    page = read_actors(store_select(store), text=text)
    assert [a.id for a in page.data] == ["teatercentrum-ostra"]


def test_read_actors_pages_by_swedish_name(store):
    page = read_actors(store_select(store), limit=2, offset=1)
    assert page.count == 4
    assert [a.label for a in page.data] == ["Nacka kommun", "Sundbybergs stad"]


@pytest.mark.parametrize(
    "category",
    ["culture-school", "category:culture-school", "CultureSchool", "cultureschool", "sv:CultureSchool"],
)
def test_read_actors_by_category_and_municipality(store, category):
    page = read_actors(store_select(store), category=category, municipality="0182")
    assert [(a.id, a.category, a.municipality.label if a.municipality else None) for a in page.data] == [
        ("kulturskolan-nacka", "CultureSchool", "Nacka kommun")
    ]


@pytest.mark.parametrize("category", ["centrumbildning", "sv:Centrumbildning"])
def test_read_actors_of_a_deprecated_class_by_its_category(store, category):
    page = read_actors(store_select(store), category=category)
    assert [(a.id, a.category) for a in page.data] == [("teatercentrum-ostra", "Centrumbildning")]


def test_read_actors_municipalities_by_class(store):
    page = read_actors(store_select(store), category="Municipality")
    assert [a.id for a in page.data] == ["municipality/0182", "municipality/0183"]


def test_read_actors_unknown_category_lists_the_classes(store):
    with pytest.raises(ParameterError, match="CultureSchool"):
        read_actors(store_select(store), category="Bakery")


def test_read_actor_with_its_ties(store):
    detail = read_actor(store_select(store), "teatercentrum-ostra")
    assert (detail.actor.label, detail.alt_labels) == ("Teatercentrum Östra", ["TCÖ"])
    nacka = read_actor(store_select(store), "municipality/0182")
    assert (nacka.actor.label, nacka.actor.label_en) == ("Nacka kommun", "Nacka Municipality")


@pytest.mark.parametrize("actor", ["no-such-actor", "with space"])
def test_read_actor_not_found(store, actor):
    with pytest.raises(UnknownResourceError, match="/api/actors"):
        read_actor(store_select(store), actor)


def test_read_collaborations_crossing_a_border(store):
    (found,) = read_collaborations(store_select(store), domain="kulturskola")
    assert found.crosses_border
    assert [m.label for m in found.members] == ["Kulturskolan Nacka", "Sundbybergs stad"]
    assert read_collaborations(store_select(store), crosses_border=False) == []


def test_describe_resource_unknown(store):
    with pytest.raises(UnknownResourceError, match="nothing is known"):
        describe_resource(store, "https://w3id.org/samverkan/id/actor/nobody")
    assert describe_resource(store, "https://w3id.org/samverkan/id/municipality/0183").incoming
