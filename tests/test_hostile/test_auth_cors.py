"""Writes without a token, with a wrong one and with the right one; CORS for allowed and refused origins."""

from __future__ import annotations

import pytest

from api.main import create_app
from graph.store.embedded import GraphStore

from .conftest import TOKEN, TestClient, make_settings, snapshot

GRAPH = "https://w3id.org/samverkan/graph/source/upload"
TURTLE = (
    "<https://w3id.org/samverkan/id/actor/ny> a <https://w3id.org/samverkan/def#Association> ;"
    ' <http://www.w3.org/2004/02/skos/core#prefLabel> "Ny förening"@sv .\n'
)
UPDATE = (
    "INSERT DATA { GRAPH <https://w3id.org/samverkan/graph/source/upload> { "
    '<https://w3id.org/samverkan/id/actor/ny> a sv:Association ; skos:prefLabel "Ny förening"@sv } }'
)
ALLOWED = "https://kultur.example.se"


def writes(client: TestClient, headers: dict[str, str]) -> list[int]:
    return [
        client.post("/update", data={"update": UPDATE}, headers=headers).status_code,
        client.post("/sparql", data={"update": UPDATE}, headers=headers).status_code,
        client.put(
            "/rdf-graphs",
            params={"graph": GRAPH},
            content=TURTLE,
            headers={**headers, "Content-Type": "text/turtle"},
        ).status_code,
        client.post(
            "/rdf-graphs",
            params={"graph": GRAPH},
            content=TURTLE,
            headers={**headers, "Content-Type": "text/turtle"},
        ).status_code,
        client.delete("/rdf-graphs", params={"graph": GRAPH}, headers=headers).status_code,
        client.post("/api/queries/reload", headers=headers).status_code,
    ]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="none"),
        pytest.param({"Authorization": "Bearer wrong"}, id="wrong"),
        pytest.param({"Authorization": f"Bearer {TOKEN}x"}, id="longer"),
        pytest.param({"Authorization": f"Basic {TOKEN}"}, id="other-scheme"),
        pytest.param({"Authorization": "Bearer "}, id="empty"),
        pytest.param({"Authorization": TOKEN}, id="no-scheme"),
    ],
)
def test_writes_without_the_right_token_are_401(client, store: GraphStore, headers) -> None:
    before = snapshot(store)
    assert writes(client, headers) == [401] * 6
    r = client.post("/update", data={"update": UPDATE}, headers=headers)
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert TOKEN not in r.text
    assert snapshot(store) == before


def test_writes_with_the_token_succeed(client, store: GraphStore, auth) -> None:
    assert writes(client, auth) == [200, 200, 200, 200, 200, 200]


def test_read_only_server_refuses_every_write(store: GraphStore) -> None:
    before = snapshot(store)
    with TestClient(create_app(make_settings(token=None), store=store)) as c:
        assert writes(c, {"Authorization": f"Bearer {TOKEN}"}) == [403] * 6
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    assert snapshot(store) == before


def test_cors_allows_the_configured_origin(client) -> None:
    r = client.options(
        "/sparql",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == ALLOWED
    r = client.get("/api/municipalities", headers={"Origin": ALLOWED})
    assert r.headers["Access-Control-Allow-Origin"] == ALLOWED


@pytest.mark.parametrize("origin", ["https://evil.example", "https://kultur.example.se.evil.example", "null"])
def test_cors_refuses_other_origins(client, origin: str) -> None:
    r = client.options("/sparql", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert r.status_code == 400
    assert "Access-Control-Allow-Origin" not in r.headers
    r = client.get("/api/municipalities", headers={"Origin": origin})
    assert r.status_code == 200  # the answer is given, but the browser is not allowed to read it
    assert "Access-Control-Allow-Origin" not in r.headers


def test_cors_is_off_by_default(store: GraphStore) -> None:
    with TestClient(create_app(make_settings(cors_origins=[]), store=store)) as c:
        r = c.options("/sparql", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "GET"})
        assert "Access-Control-Allow-Origin" not in r.headers
        r = c.get("/api/municipalities", headers={"Origin": ALLOWED})
        assert "Access-Control-Allow-Origin" not in r.headers


def test_cors_wildcard_never_allows_credentials(store: GraphStore) -> None:
    with TestClient(create_app(make_settings(cors_origins=["*"]), store=store)) as c:
        r = c.options(
            "/sparql", headers={"Origin": "https://any.example", "Access-Control-Request-Method": "GET"}
        )
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in r.headers
        r = c.get("/api/municipalities", headers={"Origin": "https://any.example", "Cookie": "a=b"})
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in r.headers
