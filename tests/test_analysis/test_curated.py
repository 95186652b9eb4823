"""The analysis on the curated data of the region (built as `samverkan build` does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analysis import MEASURES, Context, run_measure
from graph.project import project_municipalities
from graph.store.embedded import GraphStore

build = pytest.importorskip("graph.ingest.build", reason="the curated build is not there yet")


@pytest.fixture(scope="module")
def curated(data_dir: Path, ontology_dir: Path) -> GraphStore:
    store = GraphStore.open(None)
    build.build_store(store, data_dir=data_dir, ontology_dir=ontology_dir)
    return store


def test_curated_municipalities_are_all_there_with_places(curated: GraphStore) -> None:
    G = project_municipalities(curated)
    assert G.number_of_nodes() == 26
    assert all(d["code"] and d["lat"] and d["lon"] for _n, d in G.nodes(data=True))
    assert any(d["neighbours"] for _u, _v, d in G.edges(data=True))


@pytest.mark.parametrize("name", list(MEASURES))
def test_every_measure_runs_on_the_curated_data(curated: GraphStore, name: str) -> None:
    result = run_measure(name, Context(curated))
    assert result.data_date
    assert result.graphs
    assert len(result.columns) == len(result.rows[0]) if result.rows else True


def test_the_regions_2020_reading_can_be_tested(curated: GraphStore) -> None:
    """'Growing collaboration across municipal borders, clearest in culture schools and sports facilities'."""
    rows = {r["domain"]: r for r in run_measure("border_trend", curated).records()}
    for domain in ("(all)", "kulturskola", "idrott"):
        assert domain in rows
        assert rows[domain]["cross_border_trend"] in {"rising", "falling", "no clear trend", "flat"} or str(
            rows[domain]["cross_border_trend"]
        ).startswith("too few points")
