"""Every file of ontology/ parses with both RDF toolkits we use."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
FILES = sorted(ONTOLOGY_DIR.glob("*.ttl"))
EXPECTED = {
    "samverkan.ttl",
    "shapes.ttl",
    "classification-strategy-areas.ttl",
    *(
        f"scheme-{s}.ttl"
        for s in (
            "issues",
            "domains",
            "strategy-areas",
            "stances",
            "meeting-modes",
            "audiences",
            "agreement-kinds",
            "actor-categories",
        )
    ),
}


def test_find_every_ontology_file() -> None:
    assert {p.name for p in FILES} >= EXPECTED


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_parse_ontology_file_with_rdflib(path: Path) -> None:
    assert len(Graph().parse(path, format="turtle")) > 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_parse_ontology_file_with_pyoxigraph(path: Path) -> None:
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(Graph().parse(path, format="turtle"))
