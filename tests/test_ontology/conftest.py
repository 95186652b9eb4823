"""Fixtures for the ontology tests: the files of ontology/ and the graphs the validator uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from graph.reference import read_ontology

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"


@pytest.fixture(scope="session")
def ontology_files() -> dict[str, Graph]:
    return read_ontology(ONTOLOGY_DIR)


@pytest.fixture(scope="session")
def shapes(ontology_files: dict[str, Graph]) -> Graph:
    return ontology_files["shapes.ttl"]


@pytest.fixture(scope="session")
def ontology(ontology_files: dict[str, Graph]) -> Graph:
    """The ontology plus the schemes and the classification: what the validator passes as ont_graph."""
    g = Graph()
    for name, part in ontology_files.items():
        if name != "shapes.ttl":
            g += part
    return g


@pytest.fixture(scope="session")
def schemes(ontology_files: dict[str, Graph]) -> Graph:
    g = Graph()
    for name, part in ontology_files.items():
        if name.startswith("scheme-"):
            g += part
    return g
