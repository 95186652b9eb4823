"""Fixtures of the view tests: a small store from inline TriG (Nacka, Solna, Sundbyberg), stand-in graphs."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from graph.store.embedded import GraphStore

XSS = "<img src=x onerror=alert(1)>"
TRIG = """
PREFIX sv: <https://w3id.org/samverkan/def#>
PREFIX id: <https://w3id.org/samverkan/id/>
PREFIX concept: <https://w3id.org/samverkan/concept/>
PREFIX graph: <https://w3id.org/samverkan/graph/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX muni: <https://w3id.org/samverkan/id/municipality/>
PREFIX terr: <https://w3id.org/samverkan/id/territory/>
PREFIX geom: <https://w3id.org/samverkan/id/geometry/>
PREFIX actor: <https://w3id.org/samverkan/id/actor/>
PREFIX collab: <https://w3id.org/samverkan/id/collaboration/>
PREFIX round: <https://w3id.org/samverkan/id/round/>
PREFIX meeting: <https://w3id.org/samverkan/id/meeting/>
PREFIX const: <https://w3id.org/samverkan/id/constellation/>
PREFIX issue: <https://w3id.org/samverkan/concept/issue/>
PREFIX stance: <https://w3id.org/samverkan/concept/stance/>
PREFIX mention: <https://w3id.org/samverkan/id/mention/>
PREFIX source: <https://w3id.org/samverkan/id/source/>
PREFIX domain: <https://w3id.org/samverkan/concept/domain/>
PREFIX sgraph: <https://w3id.org/samverkan/graph/source/>

sgraph:test-source {
  muni:0182 a sv:Municipality ; skos:prefLabel "Nacka kommun"@sv, "Nacka Municipality"@en ;
      sv:municipalityCode "0182" ; sv:territory terr:0182 .
  muni:0184 a sv:Municipality ; skos:prefLabel "Solna stad"@sv, "Solna Municipality"@en ;
      sv:municipalityCode "0184" ; sv:territory terr:0184 .
  muni:0183 a sv:Municipality ; skos:prefLabel "Sundbybergs stad"@sv, "Sundbyberg Municipality"@en ;
      sv:municipalityCode "0183" ; sv:territory terr:0183 .
  muni:0180 a sv:Municipality ; skos:prefLabel "Stockholms stad"@sv, "City of Stockholm"@en ;
      sv:municipalityCode "0180" ; sv:territory terr:0180 .
  terr:0182 a sv:MunicipalTerritory ; geo:hasGeometry geom:0182 ; geo:sfTouches terr:0180 .
  terr:0180 a sv:MunicipalTerritory ; geo:hasGeometry geom:0180 ;
      geo:sfTouches terr:0182, terr:0184, terr:0183 .
  terr:0184 a sv:MunicipalTerritory ; geo:hasGeometry geom:0184 ;
      geo:sfTouches terr:0180, terr:0183 .
  terr:0183 a sv:MunicipalTerritory ; geo:hasGeometry geom:0183 ;
      geo:sfTouches terr:0180, terr:0184 .
  geom:0182 geo:asWKT "POINT(18.161225 59.309115)"^^geo:wktLiteral .
  geom:0180 geo:asWKT "POINT(18.0686 59.3293)"^^geo:wktLiteral .
  geom:0184 geo:asWKT "POINT(18.0009 59.3600)"^^geo:wktLiteral .
  geom:0183 geo:asWKT "POINT(17.9714 59.3617)"^^geo:wktLiteral .

  actor:kulturskolan-nacka a sv:CultureSchool ; skos:prefLabel "Kulturskolan Nacka"@sv ;
      sv:basedIn muni:0182 .
  actor:xss-forening a sv:Association ; skos:prefLabel "<img src=x onerror=alert(1)>"@sv ;
      sv:basedIn muni:0184 .
  actor:klys a sv:ProfessionalOrganisation ; skos:prefLabel "KLYS"@sv .

  collab:kulturskola-solna-sundbyberg a sv:Collaboration ;
      skos:prefLabel "Kulturskoleutbyte Solna–Sundbyberg"@sv ;
      org:hasMember muni:0184, muni:0183 ;
      sv:domain domain:kulturskola ; schema:startDate "2015"^^xsd:gYear .
  collab:nacka-scen a sv:Collaboration ;
      org:hasMember actor:kulturskolan-nacka, actor:xss-forening, muni:0182 ;
      sv:domain domain:scenkonst ; schema:startDate "2019"^^xsd:gYear ; schema:endDate "2021"^^xsd:gYear .
  collab:klys-stockholm a sv:Collaboration ;
      org:hasMember actor:klys, muni:0180 ;
      sv:domain domain:bibliotek ; sv:observedIn "2020"^^xsd:gYear .

  round:2020 a sv:DialogueRound ; sv:year "2020"^^xsd:gYear ; sv:constellationCount 4 ;
      skos:prefLabel "Dialogrundan 2020"@sv, "Dialogue round 2020"@en ; sv:organisedBy actor:klys .
  meeting:2020-nacka a sv:DialogueMeeting ; sv:inRound round:2020 ;
      schema:startDate "2020-02"^^xsd:gYearMonth ;
      skos:prefLabel "Dialogmöte Nacka kommun"@sv ;
      sv:host muni:0182 ; sv:constellation const:2020-nacka ;
      sv:participant muni:0180, muni:0182, muni:0184 .
  const:2020-nacka a sv:Constellation ; sv:inRound round:2020 ;
      skos:prefLabel "Konstellationen Nacka 2020"@sv ;
      org:hasMember muni:0180, muni:0182, muni:0184 .
  issue:arms-length a skos:Concept ;
      skos:prefLabel "Principen om armlängds avstånd under tryck"@sv,
          "The arm's-length principle under strain"@en .
  issue:premises a skos:Concept ; skos:prefLabel "Brist på lokaler"@sv .
  stance:concern skos:prefLabel "Oro"@sv, "Concern"@en .
  mention:2020-arms-length a sv:IssueMention ; sv:issue issue:arms-length ; sv:inRound round:2020 ;
      sv:atMeeting meeting:2020-nacka ; sv:raisedBy muni:0182 ; sv:stance stance:concern ;
      sv:quote "Mer oroande är fortsatta utmaningar med principen om armlängds avstånd"@sv .
  mention:2020-premises a sv:IssueMention ; sv:issue issue:premises ; sv:inRound round:2020 ;
      sv:atMeeting meeting:2020-nacka ; sv:raisedBy muni:0184 ; sv:stance stance:concern .
}

graph:meta {
  source:test-source a sv:Source ; dcterms:title "Dialogmöten med regionens kommuner"@sv ;
      schema:url "https://www.kultur.sll.se/artikel/dialogmoten-med-regionens-26-kommuner" ;
      dcterms:issued "2020"^^xsd:gYear .
  sgraph:test-source a sv:SourceGraph ; prov:wasDerivedFrom source:test-source .
}
"""


def make_store() -> GraphStore:
    store = GraphStore.open(None)
    store.add(ox.parse(TRIG.encode("utf-8"), format=ox.RdfFormat.TRIG))
    return store


@pytest.fixture
def store() -> GraphStore:
    return make_store()


@pytest.fixture
def trig_path(tmp_path: Path) -> Path:
    path = tmp_path / "fixture.trig"
    path.write_text(TRIG, encoding="utf-8")
    return path


def make_standin() -> nx.Graph:
    """A tiny actor projection built with networkx directly, with the projection's attributes."""
    G = nx.Graph(
        projection="actors",
        filters={},
        graphs=["https://w3id.org/samverkan/graph/source/x"],
        data_date="2020",
    )
    base = "https://w3id.org/samverkan/id/"
    rows = [
        ("municipality/0182", "Nacka kommun", "Municipality", "municipality/0182"),
        ("municipality/0184", "Solna stad", "Municipality", "municipality/0184"),
        ("municipality/0183", "Sundbybergs stad", "Municipality", "municipality/0183"),
        ("actor/kulturskolan-nacka", "Kulturskolan Nacka", "CultureSchool", "municipality/0182"),
        ("actor/xss", XSS, "Association", "municipality/0184"),
        ("actor/ensam", "Ensamma föreningen", "Association", None),
    ]
    for slug, label, cat, muni in rows:
        G.add_node(
            base + slug,
            label=label,
            label_en=label,
            category=cat,
            municipality=base + muni if muni else None,
            sources=["https://w3id.org/samverkan/graph/source/x"],
        )

    def tie(a: str, b: str, w: float, domains: list[str]) -> None:
        G.add_edge(
            base + a,
            base + b,
            weight=w,
            count=int(w),
            collaborations=[base + "collaboration/" + a.split("/")[1]],
            domains=domains,
            sources=["https://w3id.org/samverkan/graph/source/x"],
        )

    tie("municipality/0184", "municipality/0183", 2.0, ["kulturskola"])
    tie("municipality/0182", "actor/kulturskolan-nacka", 1.0, ["kulturskola"])
    tie("actor/kulturskolan-nacka", "actor/xss", 1.0, ["scenkonst"])
    tie("actor/xss", "municipality/0184", 3.0, ["scenkonst", "bibliotek"])
    return G


@pytest.fixture
def standin() -> nx.Graph:
    return make_standin()
