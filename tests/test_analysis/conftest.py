"""A small region in TriG, after docs/design.md, with answers that can be checked by hand."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from graph.store.embedded import GraphStore

PREFIXES = """
@prefix sv: <https://w3id.org/samverkan/def#> .
@prefix id: <https://w3id.org/samverkan/id/> .
@prefix concept: <https://w3id.org/samverkan/concept/> .
@prefix graph: <https://w3id.org/samverkan/graph/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def municipality(code: str, name: str, lon: float, lat: float, touches: tuple[str, ...]) -> str:
    touch = " ; ".join(f"geo:sfTouches id:territory/{t}" for t in touches)
    return f"""
    id:municipality/{code} a sv:Municipality ; skos:prefLabel "{name} kommun"@sv, "{name} Municipality"@en ;
        sv:municipalityCode "{code}" ; sv:territory id:territory/{code} .
    id:territory/{code} a sv:MunicipalTerritory ; skos:prefLabel "{name}"@sv ; sv:municipalityCode "{code}" ;
        geo:hasGeometry id:geometry/{code} {"; " + touch if touch else ""} .
    id:geometry/{code} a geo:Geometry ; geo:asWKT "POINT({lon} {lat})"^^geo:wktLiteral .
    """


# Land neighbours: Solna–Sundbyberg, Solna–Stockholm, Sundbyberg–Stockholm, Stockholm–Nacka, Nacka–Värmdö.
PLACES = "".join(
    [
        municipality("0184", "Solna", 18.0, 59.36, ("0183", "0180")),
        municipality("0183", "Sundbyberg", 17.97, 59.36, ("0184", "0180")),
        municipality("0180", "Stockholm", 18.07, 59.33, ("0184", "0183", "0182")),
        municipality("0182", "Nacka", 18.16, 59.31, ("0180", "0120")),
        municipality("0120", "Värmdö", 18.52, 59.32, ("0182",)),
    ]
)

ACTORS = """
id:actor/kulturskolan-solna a sv:CultureSchool ; skos:prefLabel "Kulturskolan Solna"@sv ;
    sv:basedIn id:municipality/0184 .
id:actor/kulturskolan-sundbyberg a sv:CultureSchool ; skos:prefLabel "Kulturskolan Sundbyberg"@sv ;
    sv:basedIn id:municipality/0183 .
id:actor/kulturskolan-nacka a sv:CultureSchool ; skos:prefLabel "Kulturskolan Nacka"@sv ;
    sv:basedIn id:territory/0182 .
id:actor/klys a sv:ProfessionalOrganisation ; skos:prefLabel "KLYS"@sv ; sv:basedIn id:municipality/0180 .
id:actor/sodertorn a sv:Grouping ; skos:prefLabel "Södertörn"@sv ;
    org:hasMember id:municipality/0182, id:municipality/0120 .
"""

# c1 crosses Solna–Sundbyberg (neighbours); c2 crosses Nacka–Värmdö (neighbours), 2019–2021;
# c3 joins Stockholm, Solna and Nacka (Solna–Nacka are not neighbours), seen in 2020;
# c4 stays inside Nacka.
COLLABORATIONS = """
id:collaboration/kulturskola-solna-sundbyberg a sv:Collaboration ;
    skos:prefLabel "Kulturskoleutbyte Solna–Sundbyberg"@sv ;
    org:hasMember id:actor/kulturskolan-solna, id:actor/kulturskolan-sundbyberg ;
    sv:domain concept:domain/kulturskola ; schema:startDate "2015"^^xsd:gYear .
id:collaboration/idrott-nacka-varmdo a sv:Collaboration ;
    org:hasMember id:municipality/0182, id:municipality/0120 ;
    sv:domain concept:domain/idrott ; schema:startDate "2019"^^xsd:gYear ; schema:endDate "2021"^^xsd:gYear .
id:collaboration/scenkonst-trio a sv:Collaboration ;
    org:hasMember id:municipality/0180, id:municipality/0184, id:municipality/0182 ;
    sv:domain concept:domain/scenkonst ; sv:observedIn "2020"^^xsd:gYear .
id:collaboration/kulturskola-nacka a sv:Collaboration ;
    org:hasMember id:actor/kulturskolan-nacka, id:municipality/0182 ;
    sv:domain concept:domain/kulturskola ; schema:startDate "2018"^^xsd:gYear .
"""

DIALOGUES = """
id:round/2019 a sv:DialogueRound ; sv:year "2019"^^xsd:gYear .
id:round/2020 a sv:DialogueRound ; sv:year "2020"^^xsd:gYear .
id:constellation/2020-nacka a sv:Constellation ; sv:inRound id:round/2020 ;
    org:hasMember id:municipality/0180, id:municipality/0182, id:municipality/0120 .
id:meeting/2020-nacka a sv:DialogueMeeting ; sv:inRound id:round/2020 ;
    schema:startDate "2020-02"^^xsd:gYearMonth ;
    sv:host id:municipality/0182 ; sv:constellation id:constellation/2020-nacka .
id:mention/2020-arms-length-nacka a sv:IssueMention ; sv:issue concept:issue/arms-length ;
    sv:atMeeting id:meeting/2020-nacka ; sv:raisedBy id:municipality/0182 ; sv:stance concept:stance/concern .
id:mention/2020-folkbildning-nacka a sv:IssueMention ; sv:issue concept:issue/folkbildning-support ;
    sv:atMeeting id:meeting/2020-nacka ; sv:raisedBy id:municipality/0120 ; sv:stance concept:stance/concern .
id:mention/2020-arms-length-klys a sv:IssueMention ; sv:issue concept:issue/arms-length ;
    sv:inRound id:round/2020 ; sv:raisedBy id:actor/klys ; sv:stance concept:stance/concern .
id:mention/2019-arms-length-solna a sv:IssueMention ; sv:issue concept:issue/arms-length ;
    sv:inRound id:round/2019 ; sv:raisedBy id:municipality/0184 .
"""

VOCABULARY = """
concept:issue/arms-length a skos:Concept ; skos:inScheme concept:issues ;
    skos:prefLabel "Principen om armlängds avstånd under tryck"@sv,
        "The arm's-length principle under strain"@en ;
    sv:strategyArea concept:strategy-area/artistic-development .
concept:issue/folkbildning-support a skos:Concept ; skos:inScheme concept:issues ;
    skos:prefLabel "Svag stödstruktur för folkbildningen"@sv ; sv:domain concept:domain/folkbildning ;
    sv:strategyArea concept:strategy-area/participation .
concept:domain/kulturskola skos:prefLabel "Kulturskola"@sv ;
    sv:strategyArea concept:strategy-area/participation .
concept:domain/idrott skos:prefLabel "Idrott"@sv ; sv:strategyArea concept:strategy-area/planning .
concept:domain/scenkonst skos:prefLabel "Scenkonst"@sv ;
    sv:strategyArea concept:strategy-area/artistic-development .
"""

META = """
id:source/press-release-2020 a sv:Source ; dcterms:issued "2020"^^xsd:gYear .
id:source/register a sv:Source ; dcterms:issued "2021-03-01"^^xsd:date .
graph:source/press-release-2020 a sv:SourceGraph ; prov:wasDerivedFrom id:source/press-release-2020 .
graph:source/register a sv:SourceGraph ; prov:wasDerivedFrom id:source/register .
"""

REGION_TRIG = (
    PREFIXES
    + "graph:source/register {"
    + PLACES
    + ACTORS
    + COLLABORATIONS
    + "}\ngraph:source/press-release-2020 {"
    + DIALOGUES
    + "}\ngraph:vocabulary {"
    + VOCABULARY
    + "}\ngraph:meta {"
    + META
    + "}\n"
)


BASES = {
    "id": "https://w3id.org/samverkan/id/",
    "concept": "https://w3id.org/samverkan/concept/",
    "graph": "https://w3id.org/samverkan/graph/",
}


def expand(trig: str) -> str:
    """Write ``id:municipality/0182`` (design.md's shorthand, not legal Turtle) as a full IRI."""
    return re.sub(
        r"\b(id|concept|graph):([\w-]+/[\w/-]+)", lambda m: f"<{BASES[m.group(1)]}{m.group(2)}>", trig
    )


def load_store(trig: str) -> GraphStore:
    store = GraphStore.open(None)
    store.add(ox.parse(expand(trig).encode(), format=ox.RdfFormat.TRIG))
    return store


@pytest.fixture
def region() -> GraphStore:
    return load_store(REGION_TRIG)
