"""Fixtures of the backend tests: a Virtuoso server for the session, and a store per backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.backends import AnyStore
from graph.remote import RemoteStore
from graph.store import GraphStore
from graph.virtuoso import VirtuosoServer, available, run_virtuoso


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso server on free 127.0.0.1 ports, stopped when the session ends."""
    if not available():
        pytest.skip("virtuoso-t is not installed (Debian/Ubuntu: apt-get install virtuoso-opensource)")
    with run_virtuoso(tmp_path_factory.mktemp("virtuoso"), memory_gb=0.5) as server:
        yield server


def open_remote(server: VirtuosoServer) -> RemoteStore:
    return RemoteStore.open(
        server.query_url,
        update_url=server.update_url,
        graph_store_url=server.graph_store_url,
        user=server.user,
        password=server.password,
        auth_scheme="digest",
        chunk_triples=7,  # tiny chunks, so that bulk loads take several requests
    )


@pytest.fixture
def remote(virtuoso: VirtuosoServer) -> Iterator[RemoteStore]:
    """An empty remote store on the session's Virtuoso server."""
    store = open_remote(virtuoso)
    store.replace_graphs([], everything=True)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=["embedded", "remote"])
def store(request: pytest.FixtureRequest) -> Iterator[AnyStore]:
    """An empty store of each backend: embedded Oxigraph, and Virtuoso with its graphs cleared."""
    if request.param == "embedded":
        yield GraphStore.open(None)
        return
    yield request.getfixturevalue("remote")
