"""``samverkan aggregates status|rebuild`` on a built store, and a named query answered from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("aggregates") / "store"
    result = runner.invoke(app, ["build", "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_build_makes_the_aggregates_and_status_lists_them(store_dir: Path) -> None:
    result = runner.invoke(app, ["aggregates", "status", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    for name in ("crossings", "partners", "issue-reach", "actor-degree"):
        assert name in result.output
    assert "never" not in result.output


def test_rebuild_says_how_many_rows(store_dir: Path) -> None:
    result = runner.invoke(app, ["aggregates", "rebuild", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert "Rebuilt the aggregates" in result.output
    status = runner.invoke(app, ["aggregates", "status", "--store", str(store_dir)])
    assert "rebuild" in status.output  # the last activity (the table may wrap its words)


def test_named_query_from_the_aggregates_gives_the_partners(store_dir: Path) -> None:
    result = runner.invoke(
        app, ["query", "partners-of-municipality", "--store", str(store_dir), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert "partner" in result.output.splitlines()[0]
    assert len(result.output.splitlines()) > 2


def test_bench_write_on_an_existing_store_leaves_it_as_it_was(store_dir: Path) -> None:
    from graph.store.embedded import GraphStore

    meta = "https://w3id.org/samverkan/graph/meta"  # the aggregates' last activity is stamped there

    def held() -> set[str]:  # every quad but the stamps, and every graph's name (an empty one too)
        store = GraphStore.open(store_dir)
        try:
            rows = store.select(f"SELECT ?g ?s ?p ?o {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{meta}>) }}")
            quads = {" ".join(str(r[k]) for k in ("g", "s", "p", "o")) for r in rows}
            return quads | set(store.graph_names())
        finally:
            store.close()

    before = held()
    result = runner.invoke(app, ["bench", "aggregates", "--store", str(store_dir), "--parts"])
    assert result.exit_code == 0, result.output
    assert "held" in result.output  # the store holds every aggregate: not rebuilt
    assert held() == before
    assert not any("bench-aggregates" in quad for quad in before)


def test_build_if_stale_rebuilds_aggregates_another_version_built(store_dir: Path) -> None:
    from graph.store.embedded import GraphStore

    store = GraphStore.open(store_dir)
    try:  # as a store whose actor-degree rows an earlier samverkan shaped
        store.update(
            "DELETE { GRAPH ?g { ?a sv:aggregateDefinition ?d } }"
            ' INSERT { GRAPH ?g { ?a sv:aggregateDefinition "earlier" } }'
            " WHERE { GRAPH ?g { ?a sv:aggregateDefinition ?d }"
            " FILTER(STRENDS(STR(?a), '/aggregate/actor-degree')) }"
        )
    finally:
        store.close()
    status = runner.invoke(app, ["aggregates", "status", "--store", str(store_dir)])
    assert "outdated" in status.output
    result = runner.invoke(app, ["build", "--if-stale", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    assert (
        "Rebuilt the aggregates another version built, or none built: actor-degree; and those derived from"
        " them: cross-border-degrees." in " ".join(result.output.split())
    )
    status = runner.invoke(app, ["aggregates", "status", "--store", str(store_dir)])
    assert "outdated" not in status.output
    assert "current" in status.output


def test_rebuild_outdated_rebuilds_only_those_and_what_derives_from_them(store_dir: Path) -> None:
    from graph.aggregates.define import ISSUE_GROUPS
    from graph.store.embedded import GraphStore

    result = runner.invoke(app, ["aggregates", "rebuild", "--outdated", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert "none rebuilt" in result.output
    store = GraphStore.open(store_dir)
    try:  # as a store an earlier samverkan built, before issue-groups existed
        store.update(f"DELETE WHERE {{ GRAPH ?g {{ <{ISSUE_GROUPS.graph}> ?p ?o }} }}")
    finally:
        store.close()
    result = runner.invoke(app, ["aggregates", "rebuild", "--outdated", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert "Rebuilt the aggregates (issue-groups, issue-order) of" in " ".join(result.output.split())
    assert "rows in" in result.output
    status = runner.invoke(app, ["aggregates", "status", "--store", str(store_dir)])
    assert "outdated" not in status.output
    assert "never" not in status.output
    assert "alone" in status.output  # the two rebuilt say so; the table may wrap the activity's words


def test_bench_write_parts_name_every_aggregate_the_write_touches(store_dir: Path) -> None:
    from api.bench.aggregates import measure_write_parts
    from graph.aggregates.define import AGGREGATES
    from graph.store.embedded import GraphStore

    store = GraphStore.open(store_dir, mirror=True)
    try:
        keys_ms, parts = measure_write_parts(store, repeats=1)
    finally:
        store.close()
    names = [p.part for p in parts]
    assert names[0] == "the statements"
    # A meeting, its collaboration across borders and mentions: every aggregate has an input in it, and
    # their provenance is stamped last.
    assert sorted(names[1:-1]) == sorted(a.name for a in AGGREGATES)
    assert names[-1] == "provenance"
    assert keys_ms > 0
    assert all(p.operations >= 1 and p.disk_ms > 0 and p.copy_ms > 0 for p in parts)
