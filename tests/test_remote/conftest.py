"""Fixtures of the backend tests: a store per backend (the Virtuoso server is the session's)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.bench.virtuoso import VirtuosoServer
from graph.store.embedded import GraphStore
from graph.store.protocol import Store
from graph.store.remote import RemoteStore


def open_remote(server: VirtuosoServer) -> RemoteStore:
    return server.connect(chunk_triples=7)  # tiny chunks, so that bulk loads take several requests


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
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store of each backend: embedded Oxigraph, and Virtuoso with its graphs cleared."""
    if request.param == "embedded":
        yield GraphStore.open(None)
        return
    yield request.getfixturevalue("remote")
