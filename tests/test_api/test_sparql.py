"""The SPARQL 1.1 Protocol endpoint, in process: forms of request, formats, negotiation and every error."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

MUNICIPALITIES = "SELECT ?m ?code WHERE { ?m a sv:Municipality ; sv:municipalityCode ?code } ORDER BY ?code"
CONSTRUCT = "CONSTRUCT { ?m skos:prefLabel ?l } WHERE { ?m a sv:Municipality ; skos:prefLabel ?l }"


def codes(response) -> list[str]:
    return [b["code"]["value"] for b in response.json()["results"]["bindings"]]


def test_query_sparql_get(client):
    r = client.get("/sparql", params={"query": MUNICIPALITIES})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    assert codes(r) == ["0120", "0180", "0182", "0183", "0184"]


def test_query_sparql_post_form(client):
    r = client.post("/sparql", data={"query": MUNICIPALITIES})
    assert r.status_code == 200
    assert codes(r)[0] == "0120"


def test_query_sparql_post_body(client):
    r = client.post(
        "/sparql", content=MUNICIPALITIES.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 200
    assert len(codes(r)) == 5


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        pytest.param(
            "application/sparql-results+json",
            "application/sparql-results+json",
            ox.QueryResultsFormat.JSON,
            id="json",
        ),
        pytest.param(
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            ox.QueryResultsFormat.XML,
            id="xml",
        ),
        pytest.param(
            "text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV, id="tsv"
        ),
    ],
)
def test_query_sparql_select_formats(client, accept, media, fmt):
    r = client.get("/sparql", params={"query": MUNICIPALITIES}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    rows = list(ox.parse_query_results(r.content, format=fmt))
    assert [row["code"].value for row in rows][:2] == ["0120", "0180"]


def test_query_sparql_select_csv(client):
    r = client.get("/sparql", params={"query": MUNICIPALITIES, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows[2] == {"m": "https://w3id.org/samverkan/id/municipality/0182", "code": "0182"}


def test_query_sparql_accept_q_values(client):
    r = client.get(
        "/sparql",
        params={"query": MUNICIPALITIES},
        headers={"Accept": "application/sparql-results+json;q=0.2, text/csv;q=0.9, */*;q=0.1"},
    )
    assert r.headers["content-type"].startswith("text/csv")


def test_query_sparql_browser_accept_gets_default(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = client.get("/sparql", params={"query": MUNICIPALITIES}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+xml")


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        pytest.param("text/turtle", "turtle", id="turtle"),
        pytest.param("application/n-triples", "nt", id="ntriples"),
        pytest.param("application/ld+json", "json-ld", id="jsonld"),
        pytest.param("application/rdf+xml", "xml", id="rdfxml"),
    ],
)
def test_query_sparql_construct_formats(client, accept, fmt):
    r = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.content, format=fmt)
    assert len(g) == 10


def test_query_sparql_ask(client):
    r = client.get(
        "/sparql",
        params={"query": "ASK { <https://w3id.org/samverkan/id/municipality/0182> a sv:Municipality }"},
    )
    assert r.json() == {"head": {}, "boolean": True}
    r = client.get(
        "/sparql",
        params={
            "query": "ASK { <https://w3id.org/samverkan/id/municipality/9999> a sv:Municipality }",
            "format": "xml",
        },
    )
    assert "<boolean>false</boolean>" in r.text


def test_query_sparql_describe(client):
    r = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/samverkan/id/actor/klys>"})
    assert r.status_code == 200
    assert "KLYS" in r.text


def test_query_sparql_service_description(client):
    r = client.get("/sparql")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(str(o) == sd + "SPARQL11Query" for o in g.objects())
    assert any(str(o) == "https://w3id.org/samverkan/graph/source/fixture" for o in g.objects())
    features = {str(o) for o in g.objects(None, URIRef(sd + "feature"))}
    assert features == {
        sd + "UnionDefaultGraph",
        sd + "EmptyGraphs",
    }  # no BasicFederatedQuery: SERVICE is refused


def test_query_sparql_dataset_selects_graphs(client):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s a sv:Municipality }"
    r = client.get(
        "/sparql", params={"query": q, "default-graph-uri": "https://w3id.org/samverkan/graph/source/fixture"}
    )
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "5"
    r = client.get("/sparql", params={"query": q, "default-graph-uri": "http://example.org/not-held"})
    assert r.json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_query_sparql_default_graph_uri_alone_names_no_named_graphs(client):
    """SPARQL 1.1 Protocol 2.1.4: the dataset is the graphs named, so GRAPH ?g sees none here."""
    fixture = "https://w3id.org/samverkan/graph/source/fixture"
    q = "ASK { GRAPH ?g { ?s ?p ?o } }"
    r = client.get("/sparql", params={"query": q, "default-graph-uri": fixture})
    assert r.json()["boolean"] is False
    assert client.get("/sparql", params={"query": q}).json()["boolean"] is True


def test_query_sparql_named_graph_uri(client):
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a sv:Municipality } }"
    r = client.get(
        "/sparql", params={"query": q, "named-graph-uri": "https://w3id.org/samverkan/graph/source/fixture"}
    )
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [
        "https://w3id.org/samverkan/graph/source/fixture"
    ]


def test_query_sparql_from_unknown_graph_is_empty(client):
    r = client.get("/sparql", params={"query": "SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == []


def test_query_sparql_truncated(store):
    from api.main import create_app
    from tests.test_api.conftest import TestClient, make_settings

    with TestClient(create_app(make_settings(max_results=3), store=store)) as client:
        r = client.get("/sparql", params={"query": MUNICIPALITIES})
        assert r.headers["X-Samverkan-Truncated"] == "max-results=3"
        assert len(codes(r)) == 3
        assert r.json()["samverkan"] == {"truncated": True, "max-results": 3}
        r = client.get("/sparql", params={"query": MUNICIPALITIES, "format": "csv"})
        assert r.headers["X-Samverkan-Truncated"] == "max-results=3"
        r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s a sv:Municipality } LIMIT 3"})
        assert "X-Samverkan-Truncated" not in r.headers


# Errors


def test_query_sparql_syntax_error(client):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "bad-query"
    assert "1:22" in body["message"] or "error at 1:" in body["message"]


def test_query_sparql_two_queries(client):
    r = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert r.status_code == 400
    assert "more than one" in r.json()["message"]


def test_query_sparql_query_in_url_and_body(client):
    r = client.post(
        "/sparql?query=ASK%7B%7D", content=b"ASK {}", headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 400
    assert "another in the body" in r.json()["message"]


def test_query_sparql_post_without_media_type(client):
    r = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": ""})
    assert r.status_code == 400
    assert "needs a Content-Type" in r.json()["message"]


def test_query_sparql_post_wrong_media_type(client):
    r = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 400
    assert "'text/plain' is not a SPARQL request" in r.json()["message"]


def test_query_sparql_body_not_utf8(client):
    body = 'ASK { ?s ?p "Södertörn" }'.encode("latin-1")
    r = client.post("/sparql", content=body, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400
    assert "not UTF-8" in r.json()["message"]


def test_query_sparql_form_not_utf8(client):
    r = client.post(
        "/sparql",
        content=b"query=ASK%20%7B%20%22S%F6dert%F6rn%22%20%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400
    assert "not UTF-8" in r.json()["message"]


def test_query_sparql_post_without_query(client):
    r = client.post("/sparql", data={"format": "json"})
    assert r.status_code == 400


def test_query_sparql_wrong_method(client):
    r = client.delete("/sparql")
    assert r.status_code == 405
    assert r.json()["error"] == "method-not-allowed"


def test_query_sparql_update_by_get(client):
    r = client.get("/sparql", params={"update": "CLEAR ALL"})
    assert r.status_code == 400
    assert "POST" in r.json()["message"]


def test_query_sparql_not_acceptable(client):
    r = client.get("/sparql", params={"query": MUNICIPALITIES}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "text/csv" in r.json()["message"]
    r = client.get("/sparql", params={"query": CONSTRUCT, "format": "csv"})
    assert r.status_code == 406


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", id="service"),
        pytest.param("select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }", id="lowercase"),
    ],
)
def test_query_sparql_service_refused(client, query):
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 400
    assert r.json()["error"] == "forbidden-operation"
    assert "SERVICE" in r.json()["message"]


def test_query_sparql_service_in_string_allowed(client):
    r = client.get(
        "/sparql", params={"query": 'SELECT ?x WHERE { BIND("SERVICE <http://x/>" AS ?x) } # SERVICE'}
    )
    assert r.status_code == 200


def test_query_sparql_bad_timeout(client):
    r = client.get("/sparql", params={"query": "ASK {}", "timeout": "soon"})
    assert r.status_code == 400
    assert "timeout" in r.json()["message"]


def heavy_count(size: int = 600, third: int = 100) -> str:
    """A count over a product of VALUES (36 M rows by default: seconds on any machine).

    An aggregate, so no row can come before the whole product is done: streaming the rows of a plain join
    can reach the row cap within the limit on a fast machine (CI answered 200 that way). Of VALUES, not the
    store's triples: the product does not grow with the ontology, and a thread that cannot be stopped stays
    short.
    """
    values = " ".join(str(i) for i in range(size))
    thirds = " ".join(str(i) for i in range(third))
    return (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }}"
        f" VALUES ?c {{ {thirds} }} }}"
    )


def test_query_sparql_timeout(store):
    from api.main import create_app
    from tests.test_api.conftest import TestClient, make_settings

    with TestClient(create_app(make_settings(query_timeout=0.3), store=store)) as client:
        r = client.get("/sparql", params={"query": heavy_count()})
        assert r.status_code == 503
        assert "time limit of 0.3 s" in r.json()["message"]
        assert r.json()["error"] == "time-limit"


def test_query_sparql_client_timeout_lower(client):
    r = client.get("/sparql", params={"query": heavy_count(), "timeout": "0.2"})
    assert r.status_code == 503
    assert "0.2 s" in r.json()["message"]


def test_query_sparql_body_too_large(store):
    from api.main import create_app
    from tests.test_api.conftest import TestClient, make_settings

    with TestClient(create_app(make_settings(max_body_bytes=100), store=store)) as client:
        r = client.post(
            "/sparql", content=b"ASK {}" + b" " * 200, headers={"Content-Type": "application/sparql-query"}
        )
        assert r.status_code == 413
        assert "100 bytes" in r.json()["message"]


def test_query_sparql_cors(client):
    r = client.options(
        "/sparql", headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"}
    )
    assert r.headers["access-control-allow-origin"] == "http://localhost:3000"
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_unexpected_error_is_500_without_internals(store, monkeypatch):
    from api import engine
    from api.main import create_app
    from tests.test_api.conftest import TestClient, make_settings

    def boom(*args, **kwargs):
        raise KeyError("secret internal detail")

    monkeypatch.setattr(engine, "evaluate", boom)
    with TestClient(create_app(make_settings(), store=store), raise_server_exceptions=False) as client:
        r = client.get("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 500
    assert "secret" not in r.text
    assert json.loads(r.text)["error"] == "internal"


def test_a_reading_past_the_row_cap_is_refused_not_cut(store):
    """A page's own query past the cap: 503 that says so, never counts from part of the rows."""
    from api.main import create_app
    from tests.test_api.conftest import TestClient, make_settings

    with TestClient(create_app(make_settings(max_results=3), store=store)) as client:
        r = client.get("/api/municipalities")
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "row-limit"
        assert "SAMVERKAN_MAX_RESULTS" in r.json()["message"]
        assert "Retry-After" not in r.headers
    with TestClient(create_app(make_settings(), store=store)) as client:
        assert client.get("/api/municipalities").status_code == 200
