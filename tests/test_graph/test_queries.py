"""The named-query library: header parsing and parameter binding (pure)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from api.settings import PROJECT_ROOT
from graph.errors import QueryError
from graph.queries.library import (
    bind_parameters,
    concept_iri,
    expand_iri,
    parse_named_query,
    read_named_queries,
)

TEXT = """# title: Partners of a municipality
# description: Every actor that shares a collaboration
# description: with the municipality.
# @param municipality: iri = id:municipality/0182
# @param k: integer = 2
# @param domain: concept(domains)
SELECT ?municipality ?k ?domain WHERE { }
"""


def test_parse_named_query():
    q = parse_named_query(TEXT, name="partners")
    assert q.title == "Partners of a municipality"
    assert q.description == "Every actor that shares a collaboration with the municipality."
    assert [(p.name, p.kind, p.default, p.scheme) for p in q.parameters] == [
        ("municipality", "iri", "id:municipality/0182", None),
        ("k", "integer", "2", None),
        ("domain", "concept", None, "domains"),
    ]


def test_bind_parameters_defaults_and_values():
    q = parse_named_query(TEXT, name="partners")
    bound = bind_parameters(q, {"domain": "kulturskola"})
    assert bound["municipality"] == ox.NamedNode("https://w3id.org/samverkan/id/municipality/0182")
    assert bound["k"] == ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert bound["domain"] == ox.NamedNode("https://w3id.org/samverkan/concept/domain/kulturskola")
    assert "domain" not in bind_parameters(q, {})  # optional: left unbound


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param({"k": "two"}, "parameter 'k'", id="integer"),
        pytest.param({"municipality": "Nacka"}, "is not an IRI", id="iri"),
        pytest.param({"domain": "concept:stance/concern"}, "concept:domains", id="scheme"),
        pytest.param({"domain": "kultur skola"}, "concept:domains", id="slug"),
        pytest.param({"nope": "1"}, "unknown parameter", id="unknown"),
    ],
)
def test_bind_parameters_refuses(values, message):
    q = parse_named_query(TEXT, name="partners")
    with pytest.raises(QueryError, match=message):
        bind_parameters(q, values)


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("# @param k: float = 1", id="unknown-type"),
        pytest.param("# @param k integer", id="no-colon"),
        pytest.param("# @param limit: integer", id="reserved"),
        pytest.param("# @param k: integer = two", id="bad-default"),
        pytest.param("# @param d: iri(domains)", id="scheme-on-iri"),
        pytest.param("# @param m: iri(nope:Municipality)", id="unknown-class-prefix"),
        pytest.param("# @param d: concept(sv:Domain)", id="class-on-concept"),
        pytest.param("# @param k: integer(sv:Municipality)", id="class-on-integer"),
    ],
)
def test_parse_named_query_refuses(header):
    with pytest.raises(QueryError):
        parse_named_query(f"{header}\nSELECT * {{}}", name="q")


def test_expand_iri():
    assert expand_iri("<https://example.org/x>") == "https://example.org/x"
    assert expand_iri("sv:CultureSchool") == "https://w3id.org/samverkan/def#CultureSchool"
    assert concept_iri("issues", "arms-length") == "https://w3id.org/samverkan/concept/issue/arms-length"


def test_read_named_queries_library():
    library = read_named_queries(PROJECT_ROOT / "graph" / "queries")
    assert len(library) >= 11
    for q in library.values():
        assert q.title
        for p in q.parameters:  # every parameter is used in the query's body, where its VALUES row goes
            assert f"?{p.name}" in q.sparql.split("WHERE", 1)[1]


def test_parse_named_query_iri_classes():
    text = "# @param group: iri(sv:Constellation|sv:Grouping) = id:constellation/2020-nacka\nSELECT * {}"
    (group,) = parse_named_query(text, name="members").parameters
    assert group.kind == "iri"
    assert group.classes == ("sv:Constellation", "sv:Grouping")
    assert group.default == "id:constellation/2020-nacka"
    assert "sv:Constellation or sv:Grouping" in group.describe()
