"""How terms travel to a SPARQL server and back unchanged: blank nodes and WKT literals in disguise.

A server does not keep every term the way the embedded store does:

- **Blank nodes.** Virtuoso refuses them in ``INSERT DATA`` ("Blank node ... is not allowed in a constant
  clause"), and each Graph Store Protocol request is a document of its own, so a blank node sent in two
  chunks, or into its graph and into the merge, would become two nodes. RDF 1.1 (§3.5) allows replacing
  blank nodes by Skolem IRIs: ``_:b0`` travels as ``<https://w3id.org/samverkan/.well-known/genid/b0>``,
  the same IRI in every request, so a statement in its graph and its copy in the merge stay one node. The
  label is kept, as the embedded store keeps it: two writes using one label name one node on both backends.
- **WKT literals.** Virtuoso turns ``"POINT(17.833 59.2)"^^geo:wktLiteral`` into its own geometry type and
  gives back ``"POINT(17.833000183105 59.200000762939)"^^virtrdf:Geometry`` (single precision, measured on
  7.2.5): coordinates and datatype change. They travel under a datatype of ours, which no server interprets.

- **Booleans.** Virtuoso answers a stored ``"true"^^xsd:boolean`` as ``"1"^^xsd:boolean`` in query results:
  the same value in another lexical form, which pyoxigraph (comparing terms by their text) takes for another.
  They are read back in the canonical form, ``true`` or ``false``.

Everything read back (query results, graph reads) is turned back into the original terms, so both backends
answer with the same terms. What stays different: a query's own text is sent as written, so ``isBlank()``
or a WKT constant in a query sees the travelling form on a server, and Virtuoso gives a boolean the query
computes (``BIND(EXISTS {…} AS ?b)``) as ``1``/``0`` typed xsd:integer (docs/backends.md).
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from graph.namespaces import PREFIXES

GENID = "https://w3id.org/samverkan/.well-known/genid/"
WKT = PREFIXES["geo"] + "wktLiteral"
WKT_ON_THE_WIRE = "https://w3id.org/samverkan/wire#wktLiteral"
BOOLEAN = PREFIXES["xsd"] + "boolean"
_CANONICAL_BOOLEAN = {"1": "true", "0": "false"}
_MARKERS = (GENID.encode(), WKT_ON_THE_WIRE.encode(), BOOLEAN.encode())

Object = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def encode_term(term: Object) -> Object:
    """A term as it is sent to a server: a blank node as its Skolem IRI, a WKT literal under our datatype.

    Example:
        >>> encode_term(ox.BlankNode("b0"))
        <NamedNode value=https://w3id.org/samverkan/.well-known/genid/b0>
    """
    if isinstance(term, ox.BlankNode):
        return ox.NamedNode(GENID + term.value)
    if isinstance(term, ox.Literal) and term.datatype.value == WKT:
        return ox.Literal(term.value, datatype=ox.NamedNode(WKT_ON_THE_WIRE))
    return term


def decode_term(term: Object) -> Object:
    """A term as a server gives it back, turned into the term that was sent.

    Example:
        >>> decode_term(ox.NamedNode(GENID + "b0"))
        <BlankNode value=b0>
    """
    if isinstance(term, ox.NamedNode) and term.value.startswith(GENID):
        return ox.BlankNode(term.value[len(GENID) :])
    if isinstance(term, ox.Literal) and term.datatype.value == WKT_ON_THE_WIRE:
        return ox.Literal(term.value, datatype=ox.NamedNode(WKT))
    if isinstance(term, ox.Literal) and term.datatype.value == BOOLEAN and term.value in _CANONICAL_BOOLEAN:
        return ox.Literal(_CANONICAL_BOOLEAN[term.value], datatype=term.datatype)
    return term


def encode_quad(q: ox.Quad) -> ox.Quad:
    """A quad as it is sent to a server."""
    subject: Any = encode_term(q.subject)
    return ox.Quad(subject, q.predicate, encode_term(q.object), q.graph_name)


def decode_triple(t: ox.Triple) -> ox.Triple:
    """A triple a server gave back, with the terms that were sent."""
    subject: Any = decode_term(t.subject)
    return ox.Triple(subject, t.predicate, decode_term(t.object))


def decode_results(content: bytes) -> bytes:
    """SPARQL 1.1 JSON results with the terms that were sent (not parsed at all if none travelled)."""
    if not any(marker in content for marker in _MARKERS):
        return content
    data = json.loads(content)
    for row in data.get("results", {}).get("bindings", []):
        for cell in row.values():
            value = cell.get("value", "")
            if cell.get("type") == "uri" and value.startswith(GENID):
                cell["type"], cell["value"] = "bnode", value[len(GENID) :]
            elif cell.get("datatype") == WKT_ON_THE_WIRE:
                cell["datatype"] = WKT
            elif cell.get("datatype") == BOOLEAN and value in _CANONICAL_BOOLEAN:
                cell["value"] = _CANONICAL_BOOLEAN[value]
    return json.dumps(data).encode()


__all__ = [
    "GENID",
    "WKT_ON_THE_WIRE",
    "decode_results",
    "decode_term",
    "decode_triple",
    "encode_quad",
    "encode_term",
]
