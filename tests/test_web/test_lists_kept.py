"""Lists read from the crossings aggregate where the store keeps it: the same rows as by the rule itself."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.aggregates.reading import CROSSINGS_READ
from graph.aggregates.rebuild import rebuild
from graph.queries import lists as lq
from graph.queries.borders import read_crossings
from graph.queries.resources import Select, store_select
from graph.store.embedded import GraphStore

KEPT = {lq.KEPT_CROSSINGS: CROSSINGS_READ}


@pytest.fixture(scope="module")
def select(curated_path: Path) -> Select:
    store = GraphStore.open(None)
    store.add(ox.parse(path=str(curated_path), format=ox.RdfFormat.N_QUADS))
    rebuild(store)
    return store_select(store)


def test_crossing_counts_from_the_aggregate_as_from_the_rule(select: Select) -> None:
    by_rule = lq.crossing_counts(read_crossings(select))
    assert lq.read_crossing_counts(select, kept=CROSSINGS_READ) == by_rule
    assert by_rule


@pytest.mark.parametrize(
    ("sort", "choices"),
    [
        pytest.param("name", {"crosses": "yes"}, id="crossing-by-name"),
        pytest.param("name", {"crosses": "no"}, id="not-crossing-by-name"),
        pytest.param("crosses", {}, id="sorted-by-crossing"),
        pytest.param("participants", {"crosses": "yes"}, id="crossing-by-participants"),
    ],
)
def test_collaborations_list_from_the_aggregate_as_from_the_rule(
    select: Select, sort: str, choices: dict[str, str]
) -> None:
    spec = lq.LISTS["collaborations"]
    asked = {"sort": sort, "direction": "asc", "page": 1, "size": 500, "choices": choices}
    by_rule = lq.read_list_page(select, spec, "sv", **asked)  # type: ignore[arg-type]
    kept = lq.read_list_page(select, spec, "sv", labels=KEPT, **asked)  # type: ignore[arg-type]
    assert kept.count == by_rule.count > 0
    assert [(r["item"], r["crosses"]) for r in kept.rows] == [(r["item"], r["crosses"]) for r in by_rule.rows]
