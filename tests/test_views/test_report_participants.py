"""The report's participants: each with its category (org:classification), never the class sv:Actor."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.store.embedded import GraphStore
from graph.views.report import Table, make_report

TRIG = """
PREFIX sv: <https://w3id.org/samverkan/def#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX concept: <https://w3id.org/samverkan/concept/>
PREFIX category: <https://w3id.org/samverkan/concept/actor-category/>
PREFIX muni: <https://w3id.org/samverkan/id/municipality/>
PREFIX actor: <https://w3id.org/samverkan/id/actor/>
PREFIX round: <https://w3id.org/samverkan/id/round/>
PREFIX meeting: <https://w3id.org/samverkan/id/meeting/>
PREFIX graph: <https://w3id.org/samverkan/graph/>

graph:ontology {
  category:umbrella-organisation a skos:Concept ; skos:inScheme concept:actor-categories ;
      skos:prefLabel "Paraplyorganisation"@sv, "Umbrella organisation"@en ;
      skos:notation "UmbrellaOrganisation" .
  category:civil-society-alliance a skos:Concept ; skos:inScheme concept:actor-categories ;
      skos:prefLabel "Civilsamhällesallians"@sv, "Civil society alliance"@en ;
      skos:notation "CivilSocietyAlliance" .
  category:culture-school a skos:Concept ; skos:inScheme concept:actor-categories ;
      skos:prefLabel "Kulturskola"@sv, "Culture school"@en ; skos:notation "CultureSchool" .
  sv:CultureSchool dcterms:isReplacedBy category:culture-school .
}

graph:dialog-2020 {
  muni:0182 a sv:Municipality ; skos:prefLabel "Nacka kommun"@sv, "Nacka Municipality"@en .
  actor:klys a sv:Actor, org:FormalOrganization ; org:classification category:umbrella-organisation ;
      skos:prefLabel "KLYS"@sv .
  actor:ika-stockholm a sv:Actor, org:FormalOrganization ;
      org:classification category:civil-society-alliance ;
      skos:prefLabel "Ideell kulturallians i region Stockholm"@sv .
  actor:kulturskolan-solna a sv:CultureSchool ; skos:prefLabel "Kulturskolan Solna"@sv .
  actor:okand a sv:Actor ; skos:prefLabel "Okänd aktör"@sv .
  round:2020 a sv:DialogueRound ; sv:year "2020"^^xsd:gYear ; skos:prefLabel "Dialogrundan 2020"@sv .
  meeting:2020-nacka a sv:DialogueMeeting ; sv:inRound round:2020 ; skos:prefLabel "Dialogmöte Nacka"@sv ;
      sv:participant muni:0182, actor:klys, actor:ika-stockholm, actor:kulturskolan-solna, actor:okand .
}
"""


def _participants(lang: str) -> dict[str, str]:
    store = GraphStore.open(None)
    store.add(ox.parse(TRIG.encode("utf-8"), format=ox.RdfFormat.TRIG))
    report = make_report(store, "2020", lang=lang)  # type: ignore[arg-type]
    table = next(i for _, _, items in report.sections for i in items if i.key == "participants")
    assert isinstance(table, Table)
    return {row[0]: row[1] for row in table.rows}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        pytest.param(
            "sv",
            {
                "KLYS": "Paraplyorganisation",
                "Ideell kulturallians i region Stockholm": "Civilsamhällesallians",
                "Kulturskolan Solna": "Kulturskola",  # a 0.1 class: the concept replacing it
                "Nacka kommun": "Kommun",  # no classification: its class
                "Okänd aktör": "Aktör",  # nothing more specific known
            },
            id="sv",
        ),
        pytest.param(
            "en",
            {
                "KLYS": "Umbrella organisation",
                "Ideell kulturallians i region Stockholm": "Civil society alliance",
                "Kulturskolan Solna": "Culture school",
                "Nacka Municipality": "Municipality",
                "Okänd aktör": "Actor",
            },
            id="en",
        ),
    ],
)
def test_report_participants_show_their_category(lang: str, expected: dict[str, str]) -> None:
    assert _participants(lang) == expected
