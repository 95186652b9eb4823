"""The overview's counts of actors by category: org:classification first, else the most specific class."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph.ingest.build import read_ontology
from graph.namespaces import GRAPH, ID, ORG, RDF, SV
from graph.queries.workspace import read_counts
from graph.store.embedded import GraphStore

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology"
CATEGORY = "https://w3id.org/samverkan/concept/actor-category/"


def test_categories_count_each_actor_once_by_its_most_specific_kind() -> None:
    g = ox.NamedNode(str(GRAPH["test/counts"]))
    rdf_type, actor, municipality, classification = (
        ox.NamedNode(str(x)) for x in (RDF.type, SV.Actor, SV.Municipality, ORG.classification)
    )

    def quad(s: str, p: ox.NamedNode, o: ox.NamedNode) -> ox.Quad:
        return ox.Quad(ox.NamedNode(f"{ID}{s}"), p, o, g)

    store = GraphStore.open(None)
    store.add(read_ontology(ONTOLOGY).quads)
    store.add(
        [
            # typed with a class and its superclass: counted once, under the narrower class
            quad("municipality/9901", rdf_type, municipality),
            quad("municipality/9901", rdf_type, actor),
            quad("actor/plain", rdf_type, actor),  # no narrower class: counted as an actor
            quad("actor/school", rdf_type, actor),  # classified: counted by its concept, not its class
            quad(
                "actor/school",
                classification,
                ox.NamedNode(f"{CATEGORY}culture-school"),
            ),
        ]
    )
    counts = read_counts(lambda q, subs=None: store.select(q), "sv")
    by_code = {c["code"]: int(c["n"]) for c in counts["categories"]}
    assert by_code == {"Municipality": 1, "Actor": 1, "CultureSchool": 1}
    assert counts["actors"] == 3
