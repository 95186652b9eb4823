"""Write a result back into the store as a named graph, next to the facts, with its provenance.

The RDF shape (queryable with SPARQL):

    # in graph:meta
    graph:analysis/betweenness/20200301T120000.000000Z a sv:AnalysisResult, prov:Entity ;
        sv:measure "betweenness" ; sv:parameters "{...json...}" ; dcterms:date "2021-03-01" ;
        prov:generatedAtTime "2020-03-01T12:00:00Z"^^xsd:dateTime ; prov:wasGeneratedBy <…/activity> ;
        rdfs:comment "a note" .
    <…/activity> a prov:Activity ; prov:used graph:source/register, … ; prov:endedAtTime "…"^^xsd:dateTime .

    # in the result's own graph: one resource per row, one property per column
    <…/row/1> sv:measure "betweenness" ; schema:position 1 ;
        col:node id:municipality/0182 ; col:label "Nacka kommun" ; col:betweenness 0.18 .

``col:`` is ``https://w3id.org/samverkan/def/column#``; a cell that is an IRI becomes a resource, numbers
and booleans typed literals, empty cells are left out.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pyoxigraph as ox

from graph.analysis.result import Cell, Result
from graph.namespaces import BASE, DCTERMS, GRAPH, META_GRAPH, PROV, RDF, RDFS, SCHEMA, SV, XSD
from graph.store.protocol import Store

COLUMN = BASE + "def/column#"


def _node(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _cell(value: Cell) -> ox.NamedNode | ox.Literal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_node(XSD.boolean))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_node(XSD.integer))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=_node(XSD.double))
    if value.startswith(("http://", "https://")) and not any(c in value for c in ' <>"{}|\\^`'):
        return ox.NamedNode(value)
    return ox.Literal(value)


def result_graph_iri(measure: str, at: datetime) -> str:
    """The IRI of the named graph that holds one written result."""
    return str(GRAPH[f"analysis/{measure}/{at.astimezone(UTC).strftime('%Y%m%dT%H%M%S.%fZ')}"])


def render_result_quads(result: Result, *, at: datetime) -> tuple[str, list[ox.Quad]]:
    """Render a result as quads: its description in graph:meta and its rows in a graph of its own.

    Returns:
        The result graph's IRI and the quads.
    """
    iri = result_graph_iri(result.measure, at)
    g, meta = ox.NamedNode(iri), _node(META_GRAPH)
    activity = ox.NamedNode(iri + "/activity")
    when = ox.Literal(at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), datatype=_node(XSD.dateTime))
    measure = ox.Literal(result.measure)
    quads = [
        ox.Quad(g, _node(RDF.type), _node(SV.AnalysisResult), meta),
        ox.Quad(g, _node(RDF.type), _node(PROV.Entity), meta),
        ox.Quad(g, _node(SV.measure), measure, meta),
        ox.Quad(g, _node(SV.parameters), ox.Literal(json.dumps(result.parameters, sort_keys=True)), meta),
        ox.Quad(g, _node(PROV.generatedAtTime), when, meta),
        ox.Quad(g, _node(PROV.wasGeneratedBy), activity, meta),
        ox.Quad(activity, _node(RDF.type), _node(PROV.Activity), meta),
        ox.Quad(activity, _node(PROV.endedAtTime), when, meta),
        ox.Quad(activity, _node(RDFS.label), ox.Literal(f"samverkan analyse {result.measure}"), meta),
    ]
    if result.data_date:
        quads.append(ox.Quad(g, _node(DCTERMS.date), ox.Literal(result.data_date), meta))
    quads += [ox.Quad(activity, _node(PROV.used), ox.NamedNode(u), meta) for u in result.graphs]
    quads += [ox.Quad(g, _node(RDFS.comment), ox.Literal(n, language="en"), meta) for n in result.notes]
    columns = [ox.NamedNode(COLUMN + c) for c in result.columns]
    for i, row in enumerate(result.rows, start=1):
        r = ox.NamedNode(f"{iri}/row/{i}")
        quads.append(ox.Quad(r, _node(SV.measure), measure, g))
        quads.append(ox.Quad(r, _node(SCHEMA.position), ox.Literal(str(i), datatype=_node(XSD.integer)), g))
        for col, value in zip(columns, row, strict=True):
            term = _cell(value)
            if term is not None:
                quads.append(ox.Quad(r, col, term, g))
    return iri, quads


def write_result(store: Store, result: Result, *, at: datetime | None = None) -> str:
    """Add a result to the store in one transaction; return the IRI of its graph.

    Raises:
        StoreError: the store is read-only.
    """
    iri, quads = render_result_quads(result, at=at or datetime.now(UTC))
    store.add(quads)
    return iri


__all__ = ["COLUMN", "render_result_quads", "result_graph_iri", "write_result"]
