"""The label search route answers from the name index while it is current, and from SPARQL otherwise."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from api.main import create_app
from api.routes.name_search import NameIndexReader, NameSearch
from graph.store.embedded import GraphStore
from tests.test_api.conftest import TestClient, make_settings

ROUTE = "/api/queries/actors-by-name-in-region"
ID = "https://w3id.org/samverkan/id/"
SOURCE = "https://w3id.org/samverkan/graph/source/name-search-test"
SV = "https://w3id.org/samverkan/def#"


@pytest.fixture
def store(named_world: bytes) -> GraphStore:
    gs = GraphStore.open(None)
    gs.inner.load(named_world, format=ox.RdfFormat.N_QUADS)
    return gs


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(), store=store)) as c:
        yield c


def region(store: GraphStore) -> str:
    """The region with most actors, as the benchmark picks it."""
    (row,) = store.select(
        "SELECT ?r WHERE { ?r a sv:Region ; sv:territory ?c . ?t schema:containedInPlace ?c . "
        "?m sv:territory ?t . ?a sv:basedIn ?m } GROUP BY ?r ORDER BY DESC(COUNT(?a)) ?r LIMIT 1"
    )
    assert isinstance(row["r"], ox.NamedNode)
    return row["r"].value


def municipality_in(store: GraphStore, where: str) -> str:
    rows = store.select(
        f"SELECT ?m WHERE {{ <{where}> sv:territory ?c . ?t schema:containedInPlace ?c ."
        " ?m sv:territory ?t } ORDER BY ?m LIMIT 1"
    )
    assert isinstance(rows[0]["m"], ox.NamedNode)
    return rows[0]["m"].value


def names(client: TestClient) -> NameSearch:
    found = client.app.state.name_search  # type: ignore[attr-defined]
    assert isinstance(found, NameSearch)
    return found


def ask(client: TestClient, text: str, where: str, **params: object) -> dict[str, Any]:
    response = client.get(ROUTE, params={"text": text, "region": where, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def new_actor(name: str, municipality: str) -> str:
    return (
        f"INSERT DATA {{ GRAPH <{SOURCE}> {{ <{ID}actor/name-test> a <{SV}Actor> ;"
        f' <http://www.w3.org/2004/02/skos/core#prefLabel> "{name}"@sv ; <{SV}basedIn> <{municipality}> }} }}'
    )


def test_the_index_answers_as_the_sparql_text_did(client: TestClient, store: GraphStore) -> None:
    where = region(store)
    search = names(client)
    before = ask(client, "Förening", where)  # the index is not read yet: SPARQL
    assert search.searches == 0
    assert before["rows"]
    search.read()
    assert search.current
    after = ask(client, "Förening", where)
    assert search.searches == 1
    assert after["columns"] == before["columns"] == ["region", "municipality", "actor", "label"]
    assert [(r["municipality"], r["actor"]) for r in after["rows"]] == [
        (r["municipality"], r["actor"]) for r in before["rows"]
    ]
    # A page and the link to the next, as from SPARQL.
    first = ask(client, "Förening", where, limit=1)
    assert first["next"]
    assert first["rows"] == after["rows"][:1]
    # An unknown region is refused before the index is asked, as before.
    response = client.get(ROUTE, params={"text": "Förening", "region": ID + "region/nowhere"})
    assert response.status_code == 400
    assert "region" in response.text


def test_a_write_through_the_api_keeps_the_index_current(
    client: TestClient, store: GraphStore, auth: dict[str, str]
) -> None:
    where, search = region(store), names(client)
    search.read()
    response = client.post(
        "/update",
        content=new_actor("Zyxwå Ödeförening", municipality_in(store, where)),
        headers={**auth, "Content-Type": "application/sparql-update"},
    )
    assert response.status_code in (200, 204), response.text
    assert search.current  # refreshed by the write, not read again
    rows = ask(client, "zyxwÅ ÖDE", where)["rows"]
    assert search.searches == 1
    assert [(r["actor"], r["label"]) for r in rows] == [(ID + "actor/name-test", "Zyxwå Ödeförening")]


def test_an_index_behind_the_store_is_not_used(client: TestClient, store: GraphStore) -> None:
    where, search = region(store), names(client)
    search.read()
    store.update(
        new_actor("Qwertyförening", municipality_in(store, where))
    )  # not through the app's Writer: the index cannot follow
    assert not search.current
    rows = ask(client, "qwerty", where)["rows"]
    assert search.searches == 0  # SPARQL answered, and saw the write
    assert [r["actor"] for r in rows] == [ID + "actor/name-test"]


def test_the_reader_reads_again_once_writes_pause(store: GraphStore) -> None:
    search = NameSearch(store)
    reader = NameIndexReader(search)
    reader.settle, reader.poll = 0.2, 0.05
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not search.current and time.monotonic() < deadline:
            time.sleep(0.05)
        assert search.current  # read at start
        store.update(new_actor("Asdfgförening", municipality_in(store, region(store))))
        assert not search.current
        deadline = time.monotonic() + 30
        while not search.current and time.monotonic() < deadline:
            time.sleep(0.05)
        assert search.current  # and again after the write
        assert [r.actor for r in search._index.search("asdfg")] == [ID + "actor/name-test"]
    finally:
        reader.stop()


@pytest.mark.parametrize("text", ["\x00", '"', "*", "a OR b", "NEAR(a b)", "%", "_", "'; DROP TABLE names"])
def test_hostile_texts_get_the_sparql_answer(client: TestClient, store: GraphStore, text: str) -> None:
    where, search = region(store), names(client)
    search.read()
    response = client.get(ROUTE, params={"text": text, "region": where})
    sparql = sparql_rows(store, text, where)
    if response.status_code == 200:
        assert sorted(r["actor"] for r in response.json()["rows"]) == sorted(sparql)
    else:  # refused as SPARQL refuses it: a clear 400, never a 500
        assert response.status_code == 400, response.text
    assert search.current  # the index survived it


def sparql_rows(store: GraphStore, text: str, where: str) -> list[str]:
    from graph.queries.library import read_named_queries
    from graph.store.embedded import bind_values

    query = read_named_queries(Path(__file__).parents[2] / "graph" / "queries")["actors-by-name-in-region"]
    rows = store.select(bind_values(query.sparql, {"text": ox.Literal(text), "region": ox.NamedNode(where)}))
    return [r["actor"].value for r in rows]  # type: ignore[union-attr]


def test_a_text_of_invalid_utf8_is_no_server_error(client: TestClient, store: GraphStore) -> None:
    names(client).read()
    response = client.get(f"{ROUTE}?text=%ED%B2%80%FF&region={quote(region(store))}")
    assert response.status_code in (200, 400), response.text
    assert names(client).current
