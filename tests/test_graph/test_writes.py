"""The write path: validated against the shapes, atomic, reported (graph.writes)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.errors import DefaultGraphWriteError, LimitExceededError, QueryError, ValidationError
from graph.ingest.build import read_ontology
from graph.ingest.rdf import parse_bytes
from graph.store.embedded import GraphStore
from graph.writes import Writer

SOURCE = "https://w3id.org/samverkan/graph/source/test"
NEW = "https://w3id.org/samverkan/graph/source/test-upload"
PREFIXES = b"""@prefix sv: <https://w3id.org/samverkan/def#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix municipality: <https://w3id.org/samverkan/id/municipality/> .
@prefix territory: <https://w3id.org/samverkan/id/territory/> .
@prefix actor: <https://w3id.org/samverkan/id/actor/> .
"""
NACKA = (
    PREFIXES
    + b"""
municipality:0182 a sv:Municipality ; skos:prefLabel "Nacka kommun"@sv ; sv:municipalityCode "0182" ;
    sv:territory territory:0182 .
territory:0182 a sv:MunicipalTerritory ; skos:prefLabel "Nacka"@sv ; sv:municipalityCode "0182" .
"""
)
KULTURSKOLAN = (
    PREFIXES
    + b"""
actor:kulturskolan-nacka a sv:CultureSchool ;
    skos:prefLabel "Kulturskolan Nacka"@sv ;
    sv:basedIn municipality:0182 .
"""
)
# Based in a territory, not a municipality: breaks the shapes (shapes.ttl).
IN_TERRITORY = KULTURSKOLAN.replace(b"sv:basedIn municipality:0182", b"sv:basedIn territory:0182")
RENAME = (
    f"DELETE {{ GRAPH <{SOURCE}> {{ municipality:0182 skos:prefLabel ?l }} }}"
    f' INSERT {{ GRAPH <{SOURCE}> {{ municipality:0182 skos:prefLabel "Nacka kommun, Stockholm"@sv }} }}'
    f" WHERE {{ GRAPH <{SOURCE}> {{ municipality:0182 skos:prefLabel ?l }} }}"
)
# A municipality code has four digits (shapes.ttl): this update breaks the shapes.
BAD_CODE = (
    f"DELETE {{ GRAPH <{SOURCE}> {{ municipality:0182 sv:municipalityCode ?c }} }}"
    f' INSERT {{ GRAPH <{SOURCE}> {{ municipality:0182 sv:municipalityCode "182" }} }}'
    f" WHERE {{ GRAPH <{SOURCE}> {{ municipality:0182 sv:municipalityCode ?c }} }}"
)


def parse(text: bytes, graph: str = NEW, name: str = "kulturskolan.ttl") -> list[ox.Quad]:
    return parse_bytes(text, format=ox.RdfFormat.TURTLE, graph=graph, name=name).quads


@pytest.fixture(scope="module")
def ontology(ontology_dir) -> list[ox.Quad]:
    return read_ontology(ontology_dir).quads


@pytest.fixture
def writer(ontology) -> Writer:
    store = GraphStore.open(None)
    store.add([*ontology, *parse(NACKA, graph=SOURCE)])
    return Writer(store)


def test_update_applies_a_valid_change(writer):
    change = writer.update(RENAME)
    assert (change.added, change.removed) == (1, 1)
    rows = writer.store.select("SELECT ?l WHERE { municipality:0182 skos:prefLabel ?l }")
    assert [r["l"].value for r in rows] == ["Nacka kommun, Stockholm"]


def test_update_violating_shapes_writes_nothing(writer):
    before = writer.store.count()
    with pytest.raises(ValidationError, match="the request"):
        writer.update(BAD_CODE)
    assert writer.store.count() == before


@pytest.mark.parametrize(
    ("sparql", "error", "message"),
    [
        pytest.param(
            "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
            DefaultGraphWriteError,
            "named graph",
            id="default-graph",
        ),
        pytest.param(
            "MOVE SILENT GRAPH <https://w3id.org/samverkan/graph/ontology> TO DEFAULT",
            DefaultGraphWriteError,
            "named graph",
            id="move-to-default",
        ),
        pytest.param("INSERT DATA { GRAPH <x:g> { <x:a> <x:b> }", QueryError, "syntax", id="syntax"),
        pytest.param("LOAD <http://example.org/data.ttl>", QueryError, "LOAD", id="load"),
    ],
)
def test_update_refused(writer, sparql, error, message):
    before = writer.store.count()
    with pytest.raises(error, match=message):
        writer.update(sparql)
    assert writer.store.count() == before


def test_update_on_a_store_too_large_to_copy(writer, monkeypatch):
    monkeypatch.setattr("graph.writes.MAX_COPY_QUADS", 10)
    with pytest.raises(LimitExceededError, match="Graph Store Protocol"):
        writer.update(RENAME)


def test_replace_graph_then_drop_it(writer):
    change = writer.replace_graph(NEW, parse(KULTURSKOLAN))
    assert (change.added, change.removed) == (3, 0)
    assert writer.store.has_graph(NEW)
    change = writer.replace_graph(NEW, [])
    assert (change.added, change.removed) == (0, 3)
    assert not writer.store.has_graph(NEW)


def test_replace_graph_violation_writes_nothing(writer):
    with pytest.raises(ValidationError) as caught:
        writer.replace_graph(NEW, parse(IN_TERRITORY))
    assert any("basedIn" in (v.path or "") for v in caught.value.violations)
    assert not writer.store.has_graph(NEW)


@pytest.mark.parametrize("write", ["replace_graph", "add_to_graph"])
def test_default_graph_write_refused(writer, write):
    with pytest.raises(DefaultGraphWriteError, match="merge"):
        getattr(writer, write)(None, parse(KULTURSKOLAN))


def test_add_counts_only_new_statements(writer):
    assert writer.add_to_graph(NEW, parse(KULTURSKOLAN)).added == 3
    assert writer.add_to_graph(NEW, parse(KULTURSKOLAN)).added == 0


def test_add_violation_names_file_and_line(writer):
    parsed = parse_bytes(IN_TERRITORY, format=ox.RdfFormat.TURTLE, graph=NEW, name="kulturskolan.ttl")
    with pytest.raises(ValidationError, match=r"kulturskolan\.ttl:\d+") as caught:
        writer.add(parsed.quads, parsed=parsed, source="kulturskolan.ttl")
    assert str(caught.value).startswith("kulturskolan.ttl: 1 SHACL violation")
    assert not writer.store.has_graph(NEW)


def test_add_writes_its_record_with_the_statements(writer):
    meta = ox.NamedNode("https://w3id.org/samverkan/graph/meta/imports")
    record = [
        ox.Quad(ox.NamedNode(NEW), ox.NamedNode("http://purl.org/dc/terms/source"), ox.Literal("x"), meta)
    ]
    change = writer.add(parse(KULTURSKOLAN), record=record)
    assert change.added == 3
    assert writer.store.has_graph(meta.value)


def test_add_without_validation_writes_what_breaks_the_shapes(writer):
    change = writer.add(parse(IN_TERRITORY), validate=False)
    assert (change.added, change.warnings) == (3, [])
    assert writer.store.has_graph(NEW)


def test_add_actor_category_outside_the_scheme_names_actor_and_property(writer):
    theatre = PREFIXES + (
        b"@prefix org: <http://www.w3.org/ns/org#> .\n"
        b"@prefix category: <https://w3id.org/samverkan/concept/actor-category/> .\n"
        b"actor:teater-nacka a sv:Actor ; org:classification category:theatre ;\n"
        b'    skos:prefLabel "Teater Nacka"@sv .\n'
    )
    before = writer.store.count()
    with pytest.raises(ValidationError) as caught:
        writer.add(parse(theatre, name="teater.ttl"), source="teater.ttl")
    message = str(caught.value)
    assert "actor:teater-nacka" in message
    assert "org:classification" in message
    assert "actor-categories scheme" in message
    assert writer.store.count() == before
