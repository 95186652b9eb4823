"""The rounds' rows: meetings and mentions counted apart, each mention once, a round without any at 0."""

from __future__ import annotations

import pyoxigraph as ox

from graph.queries.workspace import read_round_rows
from graph.store.embedded import GraphStore, bind_values

TRIG = """
PREFIX sv: <https://w3id.org/samverkan/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX round: <https://w3id.org/samverkan/id/round/>
PREFIX meeting: <https://w3id.org/samverkan/id/meeting/>
PREFIX mention: <https://w3id.org/samverkan/id/mention/>
PREFIX issue: <https://w3id.org/samverkan/concept/issue/>
PREFIX graph: <https://w3id.org/samverkan/graph/>

graph:dialog {
  round:2020 a sv:DialogueRound ; sv:year "2020"^^xsd:gYear ; skos:prefLabel "Dialogrundan 2020"@sv ;
      sv:constellationCount 4 .
  round:2021 a sv:DialogueRound ; sv:year "2021"^^xsd:gYear ; skos:prefLabel "Dialogrundan 2021"@sv .
  meeting:2020-nacka a sv:DialogueMeeting ; sv:inRound round:2020 .
  meeting:2020-solna a sv:DialogueMeeting ; sv:inRound round:2020 .
  # in the round and at one of its meetings: one mention, counted once
  mention:a a sv:IssueMention ; sv:issue issue:premises ; sv:inRound round:2020 ;
      sv:atMeeting meeting:2020-nacka .
  mention:b a sv:IssueMention ; sv:issue issue:premises ; sv:atMeeting meeting:2020-solna .  # by its meeting
  mention:c a sv:IssueMention ; sv:issue issue:arms-length ; sv:inRound round:2020 .
}
"""


def _select(store: GraphStore):  # type: ignore[no-untyped-def]
    return lambda q, subs=None: store.select(bind_values(q, subs) if subs else q)


def test_read_round_rows_counts_meetings_and_mentions_apart() -> None:
    store = GraphStore.open(None)
    store.add(ox.parse(TRIG.encode("utf-8"), format=ox.RdfFormat.TRIG))
    rows = read_round_rows(_select(store), "sv")
    assert [(r["rLabel"], r["meetings"], r["mentions"], r["constellations"]) for r in rows] == [
        ("Dialogrundan 2021", 0, 0, None),  # newest first; nothing held for it: zero, not missing
        ("Dialogrundan 2020", 2, 3, 4),
    ]
    one = read_round_rows(_select(store), "sv", only="https://w3id.org/samverkan/id/round/2020")
    assert [(r["meetings"], r["mentions"]) for r in one] == [(2, 3)]
