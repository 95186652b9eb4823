"""Read the W3C SPARQL test manifests (rdflib) into plain test records.

The suites live in ``suites/sparql/`` as copied from w3c/rdf-tests; their files are named by the IRIs the
suites publish them under (``https://w3c.github.io/rdf-tests/sparql/...``), so a query's relative IRIs and a
test's graph names resolve exactly as in every other implementation's runner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

SUITES = Path(__file__).resolve().parent / "suites" / "sparql"
BASE_URL = "https://w3c.github.io/rdf-tests/sparql/"
ROOT_MANIFESTS = ("sparql10/manifest.ttl", "sparql11/manifest-all.ttl")

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")

CATEGORIES = {
    MF.QueryEvaluationTest: "query evaluation",
    MF.CSVResultFormatTest: "query evaluation",
    MF.UpdateEvaluationTest: "update evaluation",
    UT.UpdateEvaluationTest: "update evaluation",
    MF.PositiveSyntaxTest: "query syntax",
    MF.NegativeSyntaxTest: "query syntax",
    MF.PositiveSyntaxTest11: "query syntax",
    MF.NegativeSyntaxTest11: "query syntax",
    MF.PositiveUpdateSyntaxTest11: "update syntax",
    MF.NegativeUpdateSyntaxTest11: "update syntax",
    MF.ProtocolTest: "protocol",
    MF.GraphStoreProtocolTest: "graph store protocol",
    MF.ServiceDescriptionTest: "service description",
}
NEGATIVE = {MF.NegativeSyntaxTest, MF.NegativeSyntaxTest11, MF.NegativeUpdateSyntaxTest11}


@dataclass
class W3CTest:
    """One test of a manifest: what to load, what to run, what to expect."""

    iri: str
    kind: str  # the local name of its rdf:type (QueryEvaluationTest, ...)
    category: str
    manifest: Graph = field(repr=False)
    node: URIRef = field(repr=False)
    action: str | None = None  # the query, update or syntax-test file
    data: list[str] = field(default_factory=list)  # files of the default graph
    graph_data: list[tuple[str, str]] = field(default_factory=list)  # (graph name, file)
    result: str | None = None  # the expected results file (query evaluation)
    result_data: list[str] = field(default_factory=list)  # the default graph after an update
    result_graph_data: list[tuple[str, str]] = field(default_factory=list)

    @property
    def negative(self) -> bool:
        """Whether the test expects the text to be rejected."""
        return self.kind in {str(t).rsplit("#", 1)[1] for t in NEGATIVE}


def local_path(iri: str) -> Path:
    """Return the copied file that a suite IRI names.

    Raises:
        ValueError: the IRI is not one of the suites' files.
    """
    if not iri.startswith(BASE_URL):
        msg = f"{iri} is not a file of the W3C SPARQL suites"
        raise ValueError(msg)
    return SUITES / iri[len(BASE_URL) :]


def read_text(iri: str) -> str:
    """Return the text of a suite file, by its IRI."""
    return local_path(iri).read_text(encoding="utf-8")


def read_tests(roots: tuple[str, ...] = ROOT_MANIFESTS) -> list[W3CTest]:
    """Walk the manifests from ``roots`` (paths under ``suites/sparql``), following ``mf:include``.

    Withdrawn tests and manifests whose files were not copied (entailment, SERVICE evaluation) are left out.
    """
    tests: list[W3CTest] = []
    seen: set[str] = set()
    pending = [BASE_URL + r for r in roots]
    while pending:
        url = pending.pop(0)
        if url in seen or not local_path(url).exists():
            continue
        seen.add(url)
        g = Graph()
        g.parse(local_path(url), format="turtle", publicID=url)
        for manifest in g.subjects(RDF.type, MF.Manifest):
            for head in g.objects(manifest, MF.include):
                pending.extend(str(i) for i in Collection(g, head))
            for head in g.objects(manifest, MF.entries):
                tests.extend(t for t in (_read_test(g, n) for n in Collection(g, head)) if t is not None)
    return tests


def _read_test(g: Graph, node: Node) -> W3CTest | None:
    if not isinstance(node, URIRef) or (node, DAWGT.approval, DAWGT.Withdrawn) in g:
        return None
    kinds = [t for t in g.objects(node, RDF.type) if t in CATEGORIES]
    if not kinds:
        return None
    kind = kinds[0]
    test = W3CTest(str(node), str(kind).rsplit("#", 1)[1], CATEGORIES[kind], g, node)
    action = g.value(node, MF.action)
    if isinstance(action, URIRef):
        test.action = str(action)
    elif isinstance(action, BNode):
        request = g.value(action, QT.query) or g.value(action, UT.request)
        test.action = str(request) if request is not None else None
        test.data = sorted(str(d) for p in (QT.data, UT.data) for d in g.objects(action, p))
        for p in (QT.graphData, UT.graphData):
            test.graph_data += [_graph_data(g, d) for d in g.objects(action, p)]
    # The protocol tests name their graphs on the test itself.
    test.graph_data += [_graph_data(g, d) for d in g.objects(node, UT.graphData)]
    result = g.value(node, MF.result)
    if isinstance(result, URIRef):
        test.result = str(result)
    elif isinstance(result, BNode):
        test.result_data = sorted(str(d) for d in g.objects(result, UT.data))
        test.result_graph_data = [_graph_data(g, d) for d in g.objects(result, UT.graphData)]
    return test


def _graph_data(g: Graph, node: Node) -> tuple[str, str]:
    """Return (graph name, file) of a ``graphData``: a file IRI, or a node with ``ut:graph`` and a label."""
    if isinstance(node, URIRef):
        return str(node), str(node)
    file = g.value(node, UT.graph)
    label = g.value(node, RDFS.label)
    return (str(label) if label is not None else str(file)), str(file)


__all__ = ["BASE_URL", "CATEGORIES", "SUITES", "W3CTest", "local_path", "read_tests", "read_text"]
