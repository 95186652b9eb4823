"""Tests of the measurement helpers behind ``samverkan bench`` (api.bench.measure)."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from api.bench.measure import (
    BenchTable,
    directory_size,
    format_bytes,
    format_rate,
    format_seconds,
    peak_rss_during,
    run_isolated,
)
from graph.errors import LimitExceededError


def test_bench_table_to_dict_keys_rows_by_column() -> None:
    table = BenchTable("import", ["triples", "rate"], notes=["2 cores"])
    table.add_row(100_000, 42_000.5)
    assert table.to_dict() == {
        "title": "import",
        "columns": ["triples", "rate"],
        "rows": [{"triples": 100_000, "rate": 42_000.5}],
        "notes": ["2 cores"],
    }


def test_bench_table_rejects_short_row() -> None:
    with pytest.raises(ValueError, match="2 cells"):
        BenchTable("import", ["triples", "rate"]).add_row(1)


def test_bench_table_to_rich_renders_cells() -> None:
    table = BenchTable("import", ["triples", "note"])
    table.add_row(1_000_000, None)
    rendered = table.to_rich()
    assert [c.header for c in rendered.columns] == ["triples", "note"]
    assert list(rendered.columns[0].cells) == ["1,000,000"]
    assert list(rendered.columns[1].cells) == ["-"]


def test_peak_rss_during_sees_allocation() -> None:
    measured = peak_rss_during(lambda: len(bytearray(64 * 1024 * 1024)))
    assert measured.value == 64 * 1024 * 1024
    assert measured.peak_rss > 64 * 1024 * 1024


def test_run_isolated_returns_value_and_peak() -> None:
    measured = run_isolated(math.factorial, 10)
    assert measured.value == 3_628_800
    assert measured.peak_rss > 1_000_000


def test_run_isolated_stops_at_timeout() -> None:
    # How soon it stops is measured by `samverkan bench limits`.
    with pytest.raises(LimitExceededError, match="longer than"):
        run_isolated(time.sleep, 30, timeout=0.5)


def test_run_isolated_reports_child_error() -> None:
    with pytest.raises(RuntimeError, match="math domain error"):
        run_isolated(math.sqrt, -1)


def test_directory_size_sums_files(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"x" * 10)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b").write_bytes(b"y" * 5)
    assert directory_size(tmp_path) == 15


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(format_bytes(512), "512 B", id="bytes"),
        pytest.param(format_bytes(1_500_000), "1.5 MB", id="megabytes"),
        pytest.param(format_rate(412_345.4), "412,345/s", id="rate"),
        pytest.param(format_seconds(0.421), "0.42 s", id="seconds"),
        pytest.param(format_seconds(245), "4 min 05 s", id="minutes"),
    ],
)
def test_format_for_people(text: str, expected: str) -> None:
    assert text == expected


def test_a_served_process_stops_with_its_bench() -> None:
    """A bench killed while it serves leaves no server behind (holding a store and its memory copy)."""
    import subprocess
    import sys

    import psutil

    script = (
        "import socket, sys, time\n"
        "from api.bench.measure import free_port, serving\n"
        "port = free_port()\n"
        "args = [sys.executable, '-m', 'http.server', str(port), '--bind', '127.0.0.1']\n"
        "with serving(args, url=f'http://127.0.0.1:{port}/', env={}, wait=30):\n"
        "    print('serving', flush=True)\n"
        "    time.sleep(60)\n"
    )
    bench = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert bench.stdout is not None
        assert bench.stdout.readline().strip() == "serving"
        servers = [c for c in psutil.Process(bench.pid).children() if "http.server" in " ".join(c.cmdline())]
        assert servers, "the server did not start"
        bench.kill()  # no finally runs in the bench: only the death signal stops its server
        bench.wait()
        _, alive = psutil.wait_procs(servers, timeout=10)
        assert alive == []
    finally:
        bench.kill()
        bench.wait()
        bench.stdout.close()  # type: ignore[union-attr]


def test_a_measured_child_dies_with_its_bench() -> None:
    """A bench stopped mid-run leaves no measuring process behind to write into its work dir."""
    import subprocess
    import sys

    import psutil

    bench = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nfrom api.bench.measure import run_isolated\nrun_isolated(time.sleep, 60)",
        ]
    )
    try:
        deadline = time.monotonic() + 30
        children: list[psutil.Process] = []
        while not children and time.monotonic() < deadline:
            time.sleep(0.2)
            children = [
                c for c in psutil.Process(bench.pid).children() if "spawn_main" in " ".join(c.cmdline())
            ]
        assert children, "the measured child did not start"
        time.sleep(1.0)  # past its start-up, into the call
        bench.kill()
        bench.wait()
        _, alive = psutil.wait_procs(children, timeout=10)
        assert alive == []
    finally:
        bench.kill()
