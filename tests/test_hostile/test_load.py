"""The load test, short and bounded: a real server on 127.0.0.1, 8 clients for 2 s, no 5xx, no errors."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import typer
from typer.testing import CliRunner

from api.bench.cli import load
from api.bench.load import check_loopback, discover_mix, percentile, run_round, serve_store
from graph.store.embedded import GraphStore

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, quads: list[ox.Quad]) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("load") / "store"
    with GraphStore.open(path) as gs:
        gs.add(quads)
    with serve_store(path, wait=60) as url:
        yield url


@pytest.mark.slow
def test_mix_under_load_has_no_server_errors(base: str) -> None:
    targets = discover_mix(base)
    assert {t.family for t in targets} == {"query", "resource", "page", "view"}
    result = asyncio.run(run_round(base, targets, clients=8, seconds=2, heavy=True))
    assert result.mix.requests > 0
    assert result.mix.server_errors == 0, result.mix.failures
    assert result.mix.refused == 0, result.mix.failures
    assert not result.mix.errors, result.mix.errors
    assert result.heavy_tally is not None
    assert result.heavy_tally.requests > 0
    assert set(result.heavy_tally.statuses) == {200}


def test_bench_load_prints_a_table(base: str) -> None:
    from api.cli import app

    result = CliRunner().invoke(
        app, ["bench", "load", "--url", base, "--clients", "1,2", "--seconds", "1", "--no-heavy"]
    )
    assert result.exit_code == 0, result.output
    assert "p99 ms" in result.output
    assert "By family" in result.output


@pytest.mark.parametrize("url", ["http://10.0.0.1:8000", "http://example.org", "http://192.168.1.10"])
def test_load_refuses_anything_but_loopback(url: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        check_loopback(url)


@pytest.mark.parametrize("value", ["", "0", "a,b", "1,-8", "2000"])
def test_parse_clients_refuses_bad_counts(value: str) -> None:
    with pytest.raises(typer.BadParameter):
        load.parse_clients(value)


def test_percentile_is_nearest_rank() -> None:
    assert load.parse_clients("1,8,64") == [1, 8, 64]
    assert percentile([5.0, 1.0, 3.0], 50) == 3.0
    assert percentile([float(i) for i in range(1, 101)], 99) == 99.0
