"""The checker reports only the subjects of the focus graphs, whatever way it takes to find them."""

import pyoxigraph as ox
import pytest
from rdflib import Graph

from graph.validate import sparql_check
from graph.validate.sparql_check import ShapeChecker

X = "http://example.org/"
IMPORT, CONTEXT = ox.NamedNode(f"{X}graph/import"), ox.NamedNode(f"{X}graph/context")
SHAPES = f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
<{X}MunicipalityShape> a sh:NodeShape ; sh:targetClass <{X}Municipality> ;
    sh:property [ sh:path <{X}name> ; sh:minCount 1 ; sh:maxCount 1 ] .
<{X}CodeShape> a sh:NodeShape ; sh:targetSubjectsOf <{X}code> ;
    sh:property [ sh:path <{X}code> ; sh:pattern "^[0-9]{{4}}$" ] .
"""


def quad(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.Literal, g: ox.NamedNode) -> ox.Quad:
    return ox.Quad(s, ox.NamedNode(f"{X}{p}"), o, g)


def staged() -> ox.Store:
    """An import beside a context graph (the target store's statements), each with its own mistakes."""
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    municipality = ox.NamedNode(f"{X}Municipality")
    nacka, solna, sundbyberg = (
        ox.NamedNode(f"{X}municipality/{n}") for n in ("nacka", "solna", "sundbyberg")
    )
    blank = ox.BlankNode()
    store = ox.Store()
    store.extend(
        [
            ox.Quad(nacka, kind, municipality, CONTEXT),  # typed in the context, named twice by the import
            quad(nacka, "name", ox.Literal("Nacka kommun"), IMPORT),
            quad(nacka, "name", ox.Literal("Nacka"), IMPORT),
            ox.Quad(solna, kind, municipality, IMPORT),  # typed by the import, no name
            ox.Quad(sundbyberg, kind, municipality, CONTEXT),  # only in the context, no name: not reported
            quad(sundbyberg, "code", ox.Literal("12"), CONTEXT),
            ox.Quad(blank, kind, municipality, CONTEXT),  # a blank node only in the context: not reported
            quad(solna, "code", ox.Literal("184"), IMPORT),  # a subject of sv:code with a bad code
        ]
    )
    return store


def results(findings: list[sparql_check.Finding]) -> set[tuple[str, str]]:
    return {(str(f.focus), f.component) for f in findings}


@pytest.mark.parametrize("limit", [pytest.param(5000, id="minus"), pytest.param(0, id="plain-test")])
def test_check_reports_only_subjects_of_the_focus_graphs(monkeypatch, limit):
    monkeypatch.setattr(sparql_check, "OUTSIDE_LIMIT", limit)
    checker = ShapeChecker(Graph().parse(data=SHAPES, format="turtle"))
    store = staged()
    everything = checker.check(store)  # no focus: every target, the context's too
    subjects = {q.subject for q in store.quads_for_pattern(None, None, None, IMPORT)}
    expected = results([f for f in everything if f.focus in subjects])
    assert results(checker.check(store, focus_graphs=[IMPORT.value])) == expected
    assert expected == {
        (f"<{X}municipality/nacka>", "MaxCountConstraintComponent"),
        (f"<{X}municipality/solna>", "MinCountConstraintComponent"),
        (f"<{X}municipality/solna>", "PatternConstraintComponent"),
    }
    assert len(results(everything)) > len(expected)  # the context's own mistakes were there to leave out
