"""A named query's page is encoded as plain JSON values where it was evaluated, in a worker or a thread.

The rows leave a query worker as the page's own JSON (``PlainPage``) and are set into the body as they are,
instead of being written as SPARQL JSON, read back into terms and written again. These tests pin the values
(the same as report tools read before) and that a worker and a thread write the same bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from api.engine import QueryRunner, Request, encode_plain, plain_value
from api.workers.pool import WorkerPool
from graph.store.embedded import GraphStore

XSD = "http://www.w3.org/2001/XMLSchema#"


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (None, None),
        (ox.NamedNode("https://w3id.org/samverkan/id/m/0180"), "https://w3id.org/samverkan/id/m/0180"),
        (ox.BlankNode("b0"), "_:b0"),
        (ox.Literal("Södertälje"), "Södertälje"),
        (ox.Literal("Kulturskola", language="sv"), "Kulturskola"),
        (typed("42", "integer"), 42),
        (typed("7", "long"), 7),
        (typed("2.5", "decimal"), 2.5),
        (typed("1.0E2", "double"), 100.0),
        (typed("true", "boolean"), True),
        (typed("0", "boolean"), False),
        (typed("2024-03-01", "date"), "2024-03-01"),
        (typed("2024", "gYear"), "2024"),
    ],
)
def test_a_term_becomes_the_value_a_report_tool_reads(term: ox.Literal | None, expected: object) -> None:
    value = plain_value(term)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("lexical", ["NaN", "INF", "-INF"])
def test_a_number_json_cannot_write_stays_text(lexical: str) -> None:
    assert plain_value(typed(lexical, "double")) == lexical
    page = encode_plain(["x"], [[typed(lexical, "double")]], more=False, seconds=0.0)
    assert json.loads(page.rows_json) == [{"x": lexical}]  # strict JSON: no bare NaN or Infinity


def test_an_ill_formed_number_stays_text() -> None:
    assert plain_value(typed("many", "integer")) == "many"


def test_rows_keep_their_columns_unbound_values_and_letters() -> None:
    page = encode_plain(
        ["actor", "label"],
        [
            [ox.NamedNode("https://example.org/a"), None],
            [ox.BlankNode("b"), ox.Literal("Täby", language="sv")],
        ],
        more=True,
        seconds=0.25,
    )
    assert page.rows() == [
        {"actor": "https://example.org/a", "label": None},
        {"actor": "_:b", "label": "Täby"},
    ]
    assert "Täby".encode() in page.rows_json  # written as UTF-8, not escaped
    assert (page.variables, page.more, page.seconds) == (["actor", "label"], True, 0.25)


def test_a_row_of_another_length_is_refused() -> None:
    with pytest.raises(ValueError, match="zip"):
        encode_plain(["a", "b"], [[ox.NamedNode("https://example.org/a")]], more=False, seconds=0.0)


MIXED = """
SELECT ?thing ?count ?share ?flag ?name ?when ?none WHERE {
  VALUES (?thing ?count ?share ?flag ?name ?when) {
    (<https://example.org/a> 3 0.5 true "Nacka"@sv "2024-03-01"^^xsd:date)
    (<https://example.org/b> -1 "NaN"^^xsd:double false "Åre" "2020"^^xsd:gYear)
  }
} ORDER BY ?thing
"""


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plain") / "store"
    with GraphStore.open(path) as gs:
        source = ox.NamedNode("https://example.org/source")
        gs.add(
            [
                ox.Quad(
                    ox.NamedNode("https://example.org/a"),
                    ox.NamedNode("https://example.org/p"),
                    ox.Literal("x"),
                    source,
                )
            ]
        )
    return path


@pytest.fixture(scope="module")
def pool(store_dir: Path) -> Iterator[WorkerPool]:
    p = WorkerPool(store_dir, spare=1, memory_allowance=256 << 20, memory_copy=False)
    p.start()
    yield p
    p.close()


@pytest.mark.parametrize(("limit", "offset"), [(100, 0), (1, 0), (1, 1)])
def test_a_worker_and_a_thread_write_the_same_page(pool: WorkerPool, limit: int, offset: int) -> None:
    req = Request(MIXED, timeout=30, limit=limit, offset=offset)
    with GraphStore.open(None) as memory:
        in_thread = QueryRunner(memory).run_plain(req)
    in_worker = QueryRunner(memory, pool=pool).run_plain(req)
    assert in_worker.rows_json == in_thread.rows_json
    assert (in_worker.variables, in_worker.more) == (in_thread.variables, in_thread.more)
    assert in_worker.variables == ["thing", "count", "share", "flag", "name", "when", "none"]
    rows = in_worker.rows()
    assert len(rows) == min(limit, 2 - offset)
    assert in_worker.more == (offset + limit < 2)
    first = rows[0]
    if offset == 0:
        assert first == {
            "thing": "https://example.org/a",
            "count": 3,
            "share": 0.5,
            "flag": True,
            "name": "Nacka",
            "when": "2024-03-01",
            "none": None,
        }
    else:
        assert first["share"] == "NaN"
        assert not any(isinstance(v, float) and math.isnan(v) for v in first.values())
