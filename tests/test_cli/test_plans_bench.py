"""``samverkan bench plans``: each aggregate text timed beside the library's, per parameter shape.

The timings themselves are the command's to print; here, which shapes are timed, when a shape is named for a
look (rows that differ, a text slower than the library's past the noise floor), and that a slow text makes
the command fail, on a built store.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.bench import plans
from api.bench.plans import ShapeCheck, Timing, check_plans, shapes, time_text_forked
from api.cli import app
from graph.queries.library import read_named_queries
from graph.store.embedded import GraphStore

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = read_named_queries(ROOT / "graph" / "queries")
runner = CliRunner()


def check(aggregate: Timing, library: Timing) -> ShapeCheck:
    return ShapeCheck("q", "picked values", {}, aggregate, library)


def test_a_text_slower_than_the_library_past_the_floor_is_named() -> None:
    assert (
        check(Timing(300.0, 5), Timing(100.0, 5)).verdict(slower=1.5, floor_ms=20)
        == "3.0x the library text's time"
    )
    assert check(Timing(120.0, 5), Timing(100.0, 5)).verdict(slower=1.5, floor_ms=20) is None
    assert check(Timing(9.0, 5), Timing(1.0, 5)).verdict(slower=1.5, floor_ms=20) is None  # noise
    assert check(Timing(10.0, 5), Timing(900.0, 5)).verdict(slower=1.5, floor_ms=20) is None


def test_rows_that_differ_are_named_unless_a_run_was_cut_at_the_cap() -> None:
    found = check(Timing(1.0, 4), Timing(1.0, 5)).verdict(slower=1.5, floor_ms=20)
    assert found == "rows differ: 4 from the aggregates, 5 from the base data"
    assert check(Timing(1.0, 4), Timing(61_000.0, 5, capped=True)).verdict(slower=1.5, floor_ms=20) is None


def test_a_query_with_a_picked_value_is_timed_with_it_and_without() -> None:
    picked = {"issue": "https://w3id.org/samverkan/concept/issue/x"}
    assert shapes(LIBRARY["issue-raisers-by-round"], picked) == [
        ("picked values", {"issue": picked["issue"]}),
        ("no value given", {}),
    ]
    assert shapes(LIBRARY["cross-border-by-domain"], picked) == [("picked values", {})]


def test_a_forked_timing_is_ended_at_the_cap() -> None:
    started = time.monotonic()
    found = time_text_forked(lambda: time.sleep(30) or 1, runs=1, cap=0.5)
    assert found == Timing(500.0, 0, capped=True)
    assert time.monotonic() - started < 10


def test_a_forked_timing_within_the_cap_gives_the_median_and_the_rows() -> None:
    found = time_text_forked(lambda: 7, runs=3, cap=5.0)
    assert (found.rows, found.capped) == (7, False)
    assert found.ms < 1000


def test_a_forked_timing_whose_child_the_kernel_ends_says_so() -> None:
    found = time_text_forked(lambda: os.kill(os.getpid(), signal.SIGKILL) or 1, runs=1, cap=5.0)
    assert found.failure is not None
    assert "out of memory" in found.failure
    gone = time_text_forked(lambda: os._exit(3), runs=1, cap=5.0)
    assert gone.failure == "ended with exit status 3"


def test_a_forked_timing_whose_text_fails_gives_its_error() -> None:
    def fails() -> int:
        raise ValueError("no such graph")

    assert time_text_forked(fails, runs=1, cap=5.0).failure == "ValueError: no such graph"


def test_a_text_that_gave_no_answer_is_named_only_if_it_is_the_aggregate_one() -> None:
    failed = Timing(10.0, 0, failure="ended by signal 9")
    assert check(failed, Timing(1.0, 5)).verdict(slower=1.5, floor_ms=20) == (
        "the aggregate text gave no answer: ended by signal 9"
    )
    assert check(Timing(1.0, 5), failed).verdict(slower=1.5, floor_ms=20) is None


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plans") / "store"
    result = runner.invoke(app, ["build", "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_every_aggregate_text_is_timed_on_every_shape_with_the_library_rows(store_dir: Path) -> None:
    with GraphStore.open(store_dir, read_only=True) as store:
        checks = check_plans(store, LIBRARY, runs=1, cap=60.0, progress=lambda _: None)
    timed = {(c.query, c.shape) for c in checks}
    assert ("issue-raisers-by-round", "picked values") in timed
    assert ("issue-raisers-by-round", "no value given") in timed
    assert ("cross-border-by-domain", "picked values") in timed
    assert {c.query for c in checks} >= {"municipalities-two-hops", "who-raised-issue", "round-issues"}
    for c in checks:
        assert c.aggregate.rows == c.library.rows, c


@pytest.mark.parametrize("where", ["--memory", "--disk"])
def test_the_command_prints_its_table_and_passes_on_the_shipped_texts(store_dir: Path, where: str) -> None:
    result = runner.invoke(app, ["bench", "plans", "--store", str(store_dir), "--runs", "1", where])
    assert result.exit_code == 0, result.output
    assert "issue-raisers-by-round" in result.output
    assert "library ms" in result.output
    said = " ".join(result.output.split())
    assert ("forked from it" in said) == (where == "--memory")


def test_a_text_whose_plan_lost_its_way_fails_the_command(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = plans.reading

    def slow_reading(query, store, bindings):  # type: ignore[no-untyped-def]
        text, bound = shipped(query, store, bindings)
        if query.name == "who-raised-issue":  # a cross product beside the rows: the same rows, slower
            text = text.replace(
                "WHERE {", "WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?a a ?c . ?d a ?f } } ", 1
            )
        return text, bound

    monkeypatch.setattr(plans, "reading", slow_reading)
    result = runner.invoke(
        app, ["bench", "plans", "--store", str(store_dir), "--runs", "1", "--cap", "30", "--floor-ms", "5"]
    )
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "who-raised-issue (picked values)" in said
    assert "the library text's time" in said


def test_a_store_without_aggregates_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with GraphStore.open(tmp_path / "empty"):
        pass
    result = runner.invoke(app, ["bench", "plans", "--store", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "samverkan aggregates rebuild" in " ".join(result.output.split())
