"""The store's write generation: every write advances it, a read does not (caches are keyed on it)."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest

from graph.errors import QueryError
from graph.store.embedded import GraphStore

G = ox.NamedNode("https://w3id.org/samverkan/graph/source/nacka")
NACKA = ox.NamedNode("https://w3id.org/samverkan/id/municipality/0182")
LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
QUAD = ox.Quad(NACKA, LABEL, ox.Literal("Nacka kommun", language="sv"), G)
OTHER = ox.Quad(NACKA, LABEL, ox.Literal("Nacka municipality", language="en"), G)


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda s: s.add([OTHER]), id="add"),
        pytest.param(lambda s: s.remove([QUAD]), id="remove"),
        pytest.param(lambda s: s.apply_change([OTHER], [QUAD]), id="apply_change"),
        pytest.param(lambda s: s.update(f"DELETE DATA {{ GRAPH {G} {{ {QUAD.triple} }} }}"), id="update"),
        pytest.param(lambda s: s.replace_graphs([OTHER], graphs=[G.value]), id="replace_graphs"),
        pytest.param(lambda s: s.replace_graphs([], everything=True), id="restore"),
        pytest.param(lambda s: s.bulk_add([OTHER]), id="bulk_add"),
    ],
)
def test_write_advances_generation(write) -> None:
    store = GraphStore.open(None)
    store.add([QUAD])
    before = store.write_generation
    store.select("SELECT * WHERE { ?s ?p ?o }")
    store.count()
    assert store.write_generation == before
    write(store)
    assert store.write_generation > before


def test_failed_update_still_advances_generation() -> None:
    # A failure part-way may have changed something: a cache must not trust what it kept.
    store = GraphStore.open(None)
    before = store.write_generation
    with pytest.raises(QueryError):
        store.update("INSERT DATA { nonsense")
    assert store.write_generation > before


def test_no_settled_generation_while_a_write_is_under_way() -> None:
    # A write holds the lock from its disk commit until the memory copies have it too: two reads that see
    # the same settled generation saw one state (api/routes/queries.py reads a page's blocks and rows so).
    store = GraphStore.open(None)
    assert store.settled_generation == store.write_generation
    holding, release = threading.Event(), threading.Event()

    def writer() -> None:
        with store.write_lock:
            holding.set()
            release.wait(10)
            store.add([OTHER])

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(10)
    assert store.settled_generation is None
    release.set()
    thread.join(10)
    assert store.settled_generation == store.write_generation > 0
