"""Value checks over the same targets run as one query, and report what they report one by one."""

import pyoxigraph as ox
from rdflib import Graph

from graph.validate.sparql_check import ShapeChecker, run_check, run_checks

X = "http://example.org/"
G = ox.NamedNode(f"{X}graph/import")
SHAPES = f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{X}ActorShape> a sh:NodeShape ; sh:targetClass <{X}Actor> ;
    sh:property [ sh:path <{X}code> ; sh:pattern "^[0-9]{{4}}$" ] ,
        [ sh:path <{X}founded> ; sh:datatype xsd:gYear ] ,
        [ sh:path <{X}basedIn> ; sh:class <{X}Municipality> ] .
"""


def quad(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"{X}{s}"), ox.NamedNode(p if ":" in p else f"{X}{p}"), o, G)


def test_shared_targets_give_the_findings_of_one_by_one():
    kind = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    gyear = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
    store = ox.Store()
    store.extend(
        [
            quad("municipality/nacka", kind, ox.NamedNode(f"{X}Municipality")),
            quad("actor/kulturskolan", kind, ox.NamedNode(f"{X}Actor")),
            quad("actor/kulturskolan", "code", ox.Literal("182")),  # against the pattern
            quad("actor/kulturskolan", "founded", ox.Literal("1985", datatype=gyear)),
            quad("actor/kulturskolan", "basedIn", ox.NamedNode(f"{X}municipality/nacka")),
            quad("actor/biblioteket", kind, ox.NamedNode(f"{X}Actor")),
            quad("actor/biblioteket", "code", ox.Literal("0182")),
            quad("actor/biblioteket", "founded", ox.Literal("förr")),  # not an xsd:gYear
            quad(
                "actor/biblioteket", "basedIn", ox.NamedNode(f"{X}actor/kulturskolan")
            ),  # not a municipality
        ]
    )
    checks = ShapeChecker(Graph().parse(data=SHAPES, format="turtle")).compile(store, focus_graphs=[G.value])
    assert sum(c.targets is not None for c in checks) == 3  # the three share their targets

    def results(findings):
        return {(f.focus.value, f.path, f.component, f.value.value) for f in findings}

    one_by_one = results(f for c in checks for f in run_check(store, c))
    assert (
        results(run_checks(store, checks))
        == one_by_one
        == {
            (f"{X}actor/kulturskolan", f"{X}code", "PatternConstraintComponent", "182"),
            (f"{X}actor/biblioteket", f"{X}founded", "DatatypeConstraintComponent", "förr"),
            (f"{X}actor/biblioteket", f"{X}basedIn", "ClassConstraintComponent", f"{X}actor/kulturskolan"),
        }
    )
