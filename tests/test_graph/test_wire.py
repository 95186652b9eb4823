"""Terms on their way to a SPARQL server and back: blank nodes and WKT literals come back as they left."""

from __future__ import annotations

import json

import pyoxigraph as ox

from graph.namespaces import GEO, GRAPH, ID, RDFS, XSD
from graph.store.wire import GENID, WKT_ON_THE_WIRE, decode_results, decode_triple, encode_quad

NOTE = ox.BlankNode("b7")
POINT = ox.Literal("POINT(17.833 59.2)", datatype=ox.NamedNode(str(GEO.wktLiteral)))
NACKA = ox.NamedNode(str(ID["municipality/0182"]))
LABEL = ox.NamedNode(str(RDFS.label))


def test_encode_quad_leaves_no_blank_node_and_no_wkt_literal() -> None:
    q = encode_quad(ox.Quad(NOTE, LABEL, POINT, ox.NamedNode(str(GRAPH["source/x"]))))
    assert q.subject == ox.NamedNode(GENID + "b7")
    assert isinstance(q.object, ox.Literal)
    assert q.object.datatype == ox.NamedNode(WKT_ON_THE_WIRE)
    assert q.object.value == POINT.value
    assert q.graph_name == ox.NamedNode(str(GRAPH["source/x"]))


def test_decode_triple_gives_back_what_was_encoded() -> None:
    for triple in (
        ox.Triple(NOTE, LABEL, POINT),
        ox.Triple(NACKA, LABEL, NOTE),
        ox.Triple(NACKA, LABEL, NACKA),
    ):
        sent = encode_quad(ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph()))
        assert decode_triple(sent.triple) == triple


def test_decode_results_turns_json_cells_back() -> None:
    answer = {
        "head": {"vars": ["x", "wkt", "m"]},
        "results": {
            "bindings": [
                {
                    "x": {"type": "uri", "value": GENID + "b7"},
                    "wkt": {"type": "typed-literal", "value": POINT.value, "datatype": WKT_ON_THE_WIRE},
                    "m": {"type": "uri", "value": NACKA.value},
                }
            ]
        },
    }
    decoded = ox.parse_query_results(
        decode_results(json.dumps(answer).encode()), format=ox.QueryResultsFormat.JSON
    )
    assert isinstance(decoded, ox.QuerySolutions)
    row = next(iter(decoded))
    assert (row["x"], row["wkt"], row["m"]) == (NOTE, POINT, NACKA)


def test_decode_results_passes_an_answer_without_travelling_terms_untouched() -> None:
    content = b'{"head": {"vars": []}, "results": {"bindings": []}}'
    assert decode_results(content) is content


def test_booleans_come_back_in_their_canonical_form() -> None:
    boolean = ox.NamedNode(str(XSD.boolean))
    assert decode_triple(ox.Triple(NACKA, LABEL, ox.Literal("1", datatype=boolean))).object == ox.Literal(
        "true", datatype=boolean
    )
    answer = {
        "head": {"vars": ["b"]},
        "results": {
            "bindings": [{"b": {"type": "typed-literal", "value": "0", "datatype": str(XSD.boolean)}}]
        },
    }
    decoded = ox.parse_query_results(
        decode_results(json.dumps(answer).encode()), format=ox.QueryResultsFormat.JSON
    )
    assert isinstance(decoded, ox.QuerySolutions)
    assert next(iter(decoded))["b"] == ox.Literal("false", datatype=boolean)
