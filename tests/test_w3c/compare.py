"""Compare results as the SPARQL specification does.

Solutions are a bag (a multiset) unless the query orders them; blank nodes match under one consistent
renaming across the whole answer; literals compare as RDF terms (rdflib normalises well-formed typed
literals on both sides, so ``"01"^^xsd:integer`` and ``"1"^^xsd:integer`` are the same value). Graphs compare
by isomorphism (rdflib's ``compare.isomorphic``).
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result
from rdflib.term import Node

logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # ill-typed literals of the suites, on purpose

RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
Row = dict[str, Node]
_RESULT_FORMATS = {"srx": "xml", "srj": "json", "csv": "csv", "tsv": "tsv"}
_GRAPH_FORMATS = {"ttl": "turtle", "nt": "nt", "rdf": "xml"}


@dataclass
class Answer:
    """A query's answer in one shape: solutions, a boolean, or a graph."""

    kind: str  # "solutions", "boolean" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


def parse_results(data: bytes, fmt: str, *, base: str = "urn:w3c-result:") -> Answer:
    """Parse a results document (``srx``, ``srj``, ``csv``, ``tsv``) or a graph (``ttl``, ``nt``, ``rdf``).

    A graph that encodes a result set in the DAWG result-set vocabulary (``rs:ResultSet``) is read as one.
    """
    if fmt in _GRAPH_FORMATS:
        g = Graph()
        g.parse(data=data, format=_GRAPH_FORMATS[fmt], publicID=base)
        if (None, RDF.type, RS.ResultSet) in g:
            return _result_set(g)
        return Answer("graph", graph=g)
    result = Result.parse(io.BytesIO(data), format=_RESULT_FORMATS[fmt])
    if result.type == "ASK":
        return Answer("boolean", boolean=bool(result.askAnswer))
    variables = [str(v) for v in result.vars or []]
    rows = [{str(k): v for k, v in binding.items() if v is not None} for binding in result.bindings]
    return Answer("solutions", variables=variables, rows=rows)


def _result_set(g: Graph) -> Answer:
    rs = next(iter(g.subjects(RDF.type, RS.ResultSet)))
    boolean = g.value(rs, RS.boolean)
    if boolean is not None:
        return Answer("boolean", boolean=bool(boolean.toPython()))
    variables = [str(v) for v in g.objects(rs, RS.resultVariable)]
    indexed = []
    for solution in g.objects(rs, RS.solution):
        row: Row = {}
        for binding in g.objects(solution, RS.binding):
            var, value = g.value(binding, RS.variable), g.value(binding, RS.value)
            if var is not None and value is not None:
                row[str(var)] = value
        index = g.value(solution, RS["index"])  # RS.index is str.index
        indexed.append((int(index.toPython()) if isinstance(index, Literal) else 0, row))
    indexed.sort(key=lambda pair: pair[0])
    return Answer("solutions", variables=variables, rows=[row for _, row in indexed])


def is_ordered(query: str) -> bool:
    """Tell whether a query orders its solutions (then the order of the answer counts)."""
    return re.search(r"ORDER\s+BY", query, re.IGNORECASE) is not None


def same_answer(expected: Answer, actual: Answer, *, ordered: bool, csv: bool = False) -> str | None:
    """Return ``None`` when the answers are the same, else what differs (short, for a report)."""
    if expected.kind != actual.kind:
        return f"expected a {expected.kind} answer, got a {actual.kind} answer"
    if expected.kind == "boolean":
        return None if expected.boolean == actual.boolean else f"expected {expected.boolean}"
    if expected.kind == "graph":
        assert expected.graph is not None
        assert actual.graph is not None
        if isomorphic(expected.graph, actual.graph):
            return None
        return f"graphs differ ({len(expected.graph)} triples expected, {len(actual.graph)} returned)"
    rows = [_as_csv(r) for r in actual.rows] if csv else actual.rows
    if len(expected.rows) != len(rows):
        return f"{len(expected.rows)} solutions expected, {len(rows)} returned"
    if _match_rows(expected.rows, rows, ordered=ordered):
        return None
    return "solutions differ" + (" (in order)" if ordered else "")


def _as_csv(row: Row) -> Row:
    """What CSV keeps of a solution: the text of every term, blank nodes as blank nodes."""
    return {k: v if isinstance(v, BNode) else Literal(str(v)) for k, v in row.items()}


def _match_rows(expected: list[Row], actual: list[Row], *, ordered: bool) -> bool:
    if not any(isinstance(v, BNode) for r in (*expected, *actual) for v in r.values()):
        if ordered:
            return expected == actual
        return Counter(_key(r) for r in expected) == Counter(_key(r) for r in actual)
    return _match_with_blanks(expected, actual, ordered=ordered)


def _key(row: Row) -> frozenset[tuple[str, Node]]:
    return frozenset(row.items())


def _match_with_blanks(expected: list[Row], actual: list[Row], *, ordered: bool) -> bool:
    """Backtracking search for a blank-node bijection under which the rows match (as bags, or in order)."""

    def unify(e: Row, a: Row, m: dict[Node, Node], used: dict[Node, Node]) -> list[tuple[Node, Node]] | None:
        if e.keys() != a.keys():
            return None
        new: list[tuple[Node, Node]] = []
        for k, ev in e.items():
            av = a[k]
            if isinstance(ev, BNode) and isinstance(av, BNode):
                bound = m.get(ev) or dict(new).get(ev)
                if bound is None:
                    if av in used or av in {b for _, b in new}:
                        return None
                    new.append((ev, av))
                elif bound != av:
                    return None
            elif ev != av:
                return None
        return new

    def search(i: int, free: list[int], m: dict[Node, Node], used: dict[Node, Node]) -> bool:
        if i == len(expected):
            return True
        candidates = [free[0]] if ordered else free
        for j in candidates:
            new = unify(expected[i], actual[j], m, used)
            if new is None:
                continue
            for ev, av in new:
                m[ev], used[av] = av, ev
            if search(i + 1, [f for f in free if f != j], m, used):
                return True
            for ev, av in new:
                del m[ev], used[av]
        return False

    return search(0, list(range(len(actual))), {}, {})


def same_graph(expected: Graph, actual: Graph) -> bool:
    """Tell whether two graphs are isomorphic."""
    return isomorphic(expected, actual)


def named(iri: str) -> URIRef:
    """An rdflib IRI."""
    return URIRef(iri)


__all__ = ["Answer", "is_ordered", "named", "parse_results", "same_answer", "same_graph"]
