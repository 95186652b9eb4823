"""The reference page renders every class, escapes what it shows and stays self-contained."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal

from graph.namespaces import OWL, RDF, RDFS, SH, SKOS, SV
from graph.reference import render_reference, write_reference

HOSTILE = "<img src=x onerror=alert(1)>"


def test_render_reference_with_every_class_label(ontology_files: dict[str, Graph]) -> None:
    page = render_reference(ontology_files)
    assert page.startswith("<!DOCTYPE html>")
    ontology = ontology_files["samverkan.ttl"]
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(str(SV)):
            for label in ontology.objects(cls, RDFS.label):
                assert str(label) in page, label
    assert 'id="sv-Municipality"' in page
    assert "A municipality needs exactly one four-digit SCB municipality code" in page
    assert "Principen om armlängds avstånd under tryck" in page


def test_render_reference_without_external_assets(ontology_files: dict[str, Graph]) -> None:
    page = render_reference(ontology_files)
    assert "<script" not in page
    assert "<link" not in page
    assert 'src="' not in page


def test_escape_hostile_label() -> None:
    g = Graph()
    g.add((SV.Actor, RDF.type, OWL.Class))
    g.add((SV.Actor, RDFS.label, Literal(HOSTILE, lang="sv")))
    g.add((SV.Actor, SKOS.definition, Literal(HOSTILE, lang="en")))
    g.add((SV.Actor, RDFS.label, Literal("actor", lang="en")))
    page = render_reference({"hostile.ttl": g})
    assert HOSTILE not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_escape_hostile_shape_message(ontology_files: dict[str, Graph]) -> None:
    g = Graph()
    g += ontology_files["shapes.ttl"]
    for ps in set(g.objects(None, SH.property)):
        g.add((ps, SH.message, Literal(HOSTILE, lang="en")))
    page = render_reference({"shapes.ttl": g, "samverkan.ttl": ontology_files["samverkan.ttl"]})
    assert HOSTILE not in page
    assert "&lt;img" in page


def test_write_reference(tmp_path: Path) -> None:
    ontology_dir = Path(__file__).resolve().parents[2] / "ontology"
    out = tmp_path / "ontology.html"
    write_reference(ontology_dir, out)
    assert "samverkan: ontology reference" in out.read_text(encoding="utf-8")
