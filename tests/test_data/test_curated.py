"""The curated data of data/: complete, sourced, and hypotheses kept out of the source graphs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pyoxigraph import Quad
from rdflib import Graph, Literal

from graph.ingest.quads import Parsed
from graph.ingest.tables import load_mapping, read_tables
from graph.namespaces import CONCEPT, GEO, GRAPH, ID, META_GRAPH, ORG, OWL, RDF, SKOS, SV, source_graph

DATA = Path(__file__).resolve().parents[2] / "data"
ONTOLOGY = DATA.parent / "ontology"
SOURCE_PREFIX = str(GRAPH["source/"])
INFERRED_PREFIX = str(GRAPH["inferred/"])


@pytest.fixture(scope="module")
def parsed() -> Parsed:
    return read_tables(DATA, load_mapping(DATA / "mapping.toml"))


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def objects(quads: list[Quad], subject: str, predicate: str) -> set[str]:
    return {q.object.value for q in quads if q.subject.value == subject and q.predicate.value == predicate}


def in_source_graphs(parsed: Parsed) -> list[Quad]:
    return [q for q in parsed.quads if q.graph_name.value.startswith(SOURCE_PREFIX)]


def test_municipalities_have_code_coordinates_and_source(parsed: Parsed) -> None:
    sourced = in_source_graphs(parsed)
    codes = [r["code"] for r in rows("municipalities.csv")]
    assert len(codes) == len(set(codes)) == 26
    for code in codes:
        municipality = str(ID[f"municipality/{code}"])
        graphs = {q.graph_name.value for q in sourced if q.subject.value == municipality}
        assert graphs, code
        assert objects(sourced, municipality, str(SV.municipalityCode)) == {code}
        territory = str(ID[f"territory/{code}"])
        assert objects(sourced, territory, str(GEO.hasCentroid)) == {str(ID[f"geometry/{code}"])}, code
        wkt = objects(sourced, str(ID[f"geometry/{code}"]), str(GEO.asWKT))
        assert len(wkt) == 1, code
        assert next(iter(wkt)).startswith("POINT(1"), code
        assert objects(sourced, territory, str(GEO.hasGeometry)) == {str(ID[f"geometry/{code}-outline"])}, (
            code
        )
        (outline,) = objects(sourced, str(ID[f"geometry/{code}-outline"]), str(GEO.asWKT))
        assert outline.startswith("POLYGON((1"), code


def test_every_quad_lies_in_a_source_meta_or_inferred_graph(parsed: Parsed) -> None:
    for q in parsed.quads:
        name = q.graph_name.value
        assert name.startswith((SOURCE_PREFIX, INFERRED_PREFIX)) or name == str(META_GRAPH), q


def test_every_source_graph_is_described_and_every_source_used(parsed: Parsed) -> None:
    meta = [q for q in parsed.quads if q.graph_name.value == str(META_GRAPH)]
    described = {q.subject.value for q in meta if q.object.value == str(SV.Source)}
    used = {q.graph_name.value for q in in_source_graphs(parsed)}
    used |= {
        q.object.value.replace(str(ID["source/"]), SOURCE_PREFIX)
        for q in meta
        if q.subject.value.startswith(INFERRED_PREFIX) and "source/" in q.object.value
    }
    ids = {r["id"] for r in rows("sources.csv")}
    assert {str(ID[f"source/{i}"]) for i in ids} == described
    assert {str(source_graph(i)) for i in ids} == used


def test_inferred_constellations_stay_out_of_source_graphs(parsed: Parsed) -> None:
    inferred = {
        q.subject.value
        for q in parsed.quads
        if q.graph_name.value == str(GRAPH["inferred/constellations-2020"])
    }
    assert str(ID["constellation/2020-sodertorn"]) in inferred
    assert not [q for q in in_source_graphs(parsed) if q.subject.value in inferred]
    basis = [
        q
        for q in parsed.quads
        if q.graph_name.value == str(META_GRAPH)
        and q.subject.value == str(GRAPH["inferred/constellations-2020"])
        and q.predicate.value == str(SV.inferenceBasis)
    ]
    assert basis


def test_inferred_constellations_with_nacka_cover_the_county_once() -> None:
    members = [r["member"] for r in rows("inferred/constellations-2020.csv")]
    members += [r["member"] for r in rows("constellation_members.csv")]
    assert sorted(members) == sorted(r["code"] for r in rows("municipalities.csv"))


def test_nacka_constellation_has_its_five_municipalities(parsed: Parsed) -> None:
    sourced = in_source_graphs(parsed)
    members = objects(sourced, str(ID["constellation/2020-nacka"]), str(ORG.hasMember))
    assert members == {str(ID[f"municipality/{c}"]) for c in ("0180", "0184", "0186", "0182", "0120")}
    meeting = str(ID["meeting/2020-nacka"])
    assert objects(sourced, meeting, str(SV.host)) == {str(ID["municipality/0182"])}
    assert objects(sourced, meeting, str(SV.participant)) == members


def partners_in(parsed: Parsed, year: str) -> set[str]:
    sourced = in_source_graphs(parsed)
    dated = {
        q.subject.value for q in sourced if q.predicate.value == str(SV.observedIn) and q.object.value == year
    }
    return {
        q.object.value for q in sourced if q.subject.value in dated and q.predicate.value == str(SV.partner)
    }


@pytest.mark.parametrize(
    ("year", "groups"),
    [
        pytest.param("2020", {"klys", "centrumbildningar-stockholm", "ika-stockholm"}, id="2020"),
        pytest.param(
            "2023",
            {"klys", "centrumbildningar-stockholm", "ika-stockholm", "stockholms-lans-bildningsforbund",
             "studieforbundens-distrikt"},
            id="2023-with-folkbildning",
        ),
    ],
)  # fmt: skip
def test_designated_partners_by_year(parsed: Parsed, year: str, groups: set[str]) -> None:
    expected = {str(ID[f"municipality/{r['code']}"]) for r in rows("municipalities.csv")}
    expected |= {str(ID[f"actor/{a}"]) for a in groups}
    assert partners_in(parsed, year) == expected


def test_populations_2016_sum_to_county_total() -> None:
    counts = [int(r["count"]) for r in rows("populations.csv") if r["date"] == "2016-12-31"]
    assert len(counts) == 26
    assert sum(counts) == 2_269_060


def test_centrumbildningar_twelve_are_a_count_and_the_nine_a_reading(parsed: Parsed) -> None:
    sourced = in_source_graphs(parsed)
    group = str(ID["actor/centrumbildningar-stockholm"])
    assert objects(sourced, group, str(ORG.hasMember)) == set()
    assert objects(sourced, group, str(SV.statedMemberCount)) == {"12"}
    read = [q for q in parsed.quads if q.graph_name.value == str(GRAPH["inferred/memberships-read"])]
    assert len(objects(read, group, str(ORG.hasMember))) == 9
    assert len(objects(sourced, str(ID["actor/klys"]), str(ORG.hasMember))) == 15


def test_only_stockholm_has_a_wikidata_item() -> None:
    assert [r["code"] for r in rows("municipalities.csv") if r["wikidata"]] == ["0180"]


def test_every_actor_has_a_class(parsed: Parsed) -> None:
    typed = {q.subject.value for q in parsed.quads if q.predicate.value == str(RDF.type)}
    assert all(any(s.endswith("/" + r["id"]) for s in typed) for r in rows("actors.csv"))


def test_every_actor_has_exactly_one_category_of_the_scheme(parsed: Parsed) -> None:
    """Each actor of actors.csv is classified (org:classification) once, by a concept of the category scheme;
    a facility is a place, not an actor, and has none."""
    scheme = Graph().parse(ONTOLOGY / "scheme-actor-categories.ttl")
    concepts = {str(c) for c in scheme.subjects(SKOS.inScheme, CONCEPT["actor-categories"])}
    for r in rows("actors.csv"):
        kind = r["category"] if r["category"] in {"facility", "region"} else "actor"
        subject = str(ID[f"{kind}/{r['id']}"])
        categories = objects(parsed.quads, subject, str(ORG.classification))
        if kind == "facility":
            assert categories == set(), r["id"]
            assert objects(parsed.quads, subject, str(RDF.type)) == {str(SV.Facility)}
        else:
            assert categories == {str(CONCEPT[f"actor-category/{r['category']}"])}, r["id"]
            assert categories <= concepts, r["id"]


def test_no_actor_typed_with_a_deprecated_class(parsed: Parsed) -> None:
    ontology = Graph().parse(ONTOLOGY / "samverkan.ttl")
    deprecated = {str(c) for c in ontology.subjects(OWL.deprecated, Literal(True))}
    assert not [
        q for q in parsed.quads if q.predicate.value == str(RDF.type) and q.object.value in deprecated
    ]
