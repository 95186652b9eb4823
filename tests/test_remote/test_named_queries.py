"""Every named query gives the same rows on both backends, over the API tests' fixture data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from api.bench.virtuoso import VirtuosoServer
from graph.queries.library import bind_parameters, read_named_queries
from graph.store.embedded import GraphStore
from graph.store.remote import RemoteStore

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "test_api" / "fixture.trig"
LIBRARY = read_named_queries(ROOT / "graph" / "queries")


def rows(result: object) -> list[str]:
    if isinstance(result, ox.QueryBoolean):
        return [str(bool(result))]
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted(" ".join(str(row[n]) for n in names) for row in result)


@pytest.fixture(scope="module")
def both(virtuoso: VirtuosoServer) -> Iterator[tuple[GraphStore, RemoteStore]]:
    quads = list(ox.parse(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG))
    embedded = GraphStore.open(None)
    embedded.add(quads)
    remote = virtuoso.connect()
    remote.replace_graphs([], everything=True)
    remote.bulk_add(quads)
    yield embedded, remote
    remote.close()


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_named_query_same_rows(both: tuple[GraphStore, RemoteStore], name: str) -> None:
    embedded, remote = both
    query = LIBRARY[name]
    bound = bind_parameters(query, {})
    expected = rows(embedded.query(query.sparql, substitutions=bound))
    assert rows(remote.query(query.sparql, substitutions=bound)) == expected
