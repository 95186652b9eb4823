"""Injection through named-query parameters, oversize bodies and pathological queries: refused, server up."""

from __future__ import annotations

import pytest

from api.main import create_app
from graph.store.embedded import GraphStore
from graph.store.guard import MAX_NESTING

from .conftest import TestClient, make_settings, snapshot

INJECTIONS = [
    "> } ; DROP ALL ; #",
    "id:municipality/0182> } UNION { ?actor ?p ?o",
    '" } ; DROP ALL ; SELECT * { "',
    "'; DELETE WHERE { ?s ?p ?o } #",
    "<https://w3id.org/samverkan/id/municipality/0182> } GRAPH ?g { ?actor ?p ?o",
    "https://w3id.org/samverkan/id/x>\n} SERVICE <http://127.0.0.1:1/> {",
    "\u0000",
]


@pytest.mark.parametrize("value", [pytest.param(v, id=f"injection-{i}") for i, v in enumerate(INJECTIONS)])
def test_named_query_parameter_never_changes_the_query(client, store: GraphStore, value: str) -> None:
    before = snapshot(store)
    normal = client.get("/api/queries/actors-in-municipality")
    assert normal.status_code == 200
    r = client.get("/api/queries/actors-in-municipality", params={"municipality": value})
    assert r.status_code in (400, 422), r.text  # not an IRI: refused
    r = client.get("/api/queries/who-raised-issue", params={"issue": value})
    assert r.status_code in (400, 422), r.text
    assert snapshot(store) == before


def test_string_parameter_is_bound_as_a_literal(client) -> None:
    """A value that is a valid IRI binds as that one term: the result has the query's own columns, no more."""
    normal = client.get("/api/queries/actors-in-municipality").json()
    r = client.get(
        "/api/queries/actors-in-municipality",
        params={"municipality": "https://w3id.org/samverkan/id/x?q=%7D%20UNION%20%7B%20?s%20?p%20?o"},
    )
    # One IRI, checked as one term: not a municipality the store knows, so a 400 naming the parameter
    # (an unknown filter value is an error, never an empty answer), not a query with more columns.
    assert r.status_code == 400, r.text
    assert "municipality" in r.json()["message"]
    assert normal["columns"]


def test_oversize_bodies_are_413(store: GraphStore) -> None:
    app = create_app(make_settings(max_body_bytes=1000), store=store)
    big = "x" * 2000
    with TestClient(app, raise_server_exceptions=False) as c:
        auth = {"Authorization": "Bearer hostile-test-token"}
        for path, kwargs in [
            (
                "/sparql",
                {
                    "content": "SELECT * {}" + " " * 2000,
                    "headers": {"Content-Type": "application/sparql-query"},
                },
            ),
            ("/sparql", {"data": {"query": big}}),
            ("/update", {"content": big, "headers": {**auth, "Content-Type": "application/sparql-update"}}),
        ]:
            assert c.post(path, **kwargs).status_code == 413
        r = c.put(
            "/rdf-graphs",
            params={"graph": "https://w3id.org/samverkan/graph/source/x"},
            content=big,
            headers={**auth, "Content-Type": "text/turtle"},
        )
        assert r.status_code == 413
        # A body streamed without Content-Length is cut off at the limit too.
        r = c.post(
            "/sparql",
            content=iter([b"SELECT * {}", b" " * 600, b" " * 600]),
            headers={"Content-Type": "application/sparql-query"},
        )
        assert r.status_code == 413


def _nested_groups(n: int) -> str:
    return "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n


PATHOLOGICAL = {
    "nested-groups-10000": _nested_groups(10_000),
    "nested-parens-10000": "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10_000 + "true" + ")" * 10_000 + ") }",
    "nested-optional-1000": "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 1000 + "}" * 1001,
    "nested-lists-10000": "SELECT * WHERE { ?s ?p " + "(" * 10_000 + "1" + ")" * 10_000 + " }",
}


@pytest.mark.parametrize("query", [pytest.param(q, id=k) for k, q in PATHOLOGICAL.items()])
def test_deep_nesting_is_refused_before_the_parser(client, query: str) -> None:
    """A few thousand nested groups overflow Oxigraph's parser stack and kill the process; refused first."""
    r = client.post("/sparql", data={"query": query})
    assert r.status_code == 400
    assert "nests" in r.json()["message"]
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_nesting_within_the_limit_is_answered(client) -> None:
    r = client.post("/sparql", data={"query": _nested_groups(MAX_NESTING - 1)})
    assert r.status_code == 200


def test_deep_update_is_refused(client, store: GraphStore, auth) -> None:
    before = snapshot(store)
    u = "INSERT { <http://e/a> <http://e/p> 1 } WHERE " + "{" * 5000 + "}" * 5000
    r = client.post("/update", data={"update": u}, headers=auth)
    assert r.status_code == 400
    assert snapshot(store) == before


def test_expensive_queries_stop_at_the_limits(store: GraphStore) -> None:
    """A huge VALUES and a cartesian product answer within the result limits; the server stays up.

    How long they take is in `samverkan bench limits`."""
    app = create_app(make_settings(query_timeout=2.0, max_results=1000), store=store)
    values = " ".join(f'"{i}"' for i in range(200_000))
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/sparql", data={"query": f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"})
        assert r.status_code == 200
        assert len(r.json()["results"]["bindings"]) == 1000
        assert r.headers["X-Samverkan-Truncated"] == "max-results=1000"
        r = c.post("/sparql", data={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"})
        assert r.status_code == 200
        assert len(r.json()["results"]["bindings"]) == 1000
        # An aggregate cannot stream: answered 503 at the deadline. Its thread cannot be stopped, so the
        # product is of VALUES (36 M rows, seconds), not of the store's triples, which grow with the ontology.
        values = " ".join(str(i) for i in range(600))
        product = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }}"
            f" VALUES ?c {{ {' '.join(str(i) for i in range(100))} }} }}"
        )
        r = c.post("/sparql", data={"query": product, "timeout": "0.5"})
        assert r.status_code == 503
        assert r.json()["error"] == "time-limit"
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200
