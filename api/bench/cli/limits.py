"""``samverkan bench limits``: how fast the limits act (deadlines, a slow query beside cheap ones, stops).

These timings were once asserted in tests; the tests now check the behaviour and this table shows the times.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from api.bench.cli.common import curated_store

out = Console(highlight=False, soft_wrap=True, width=140)
T = TypeVar("T")

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "PREFIX sv: <https://w3id.org/samverkan/def#> ASK { ?m a sv:Municipality }"
VALUES = "SELECT ?x WHERE { VALUES ?x { " + " ".join(f'"{i}"' for i in range(200_000)) + " } }"
PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
AGGREGATE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g a sv:Municipality }"


def _timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[float, T]:
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - started, value


def bench_limits(
    store: Annotated[
        Path | None,
        typer.Option(help="Store to serve (default: SAMVERKAN_STORE; built from data/ if missing)."),
    ] = None,
    cheap_runs: Annotated[int, typer.Option(min=5, help="Cheap queries per phase (median shown).")] = 100,
) -> None:
    """Time the limits of a real server: answers at the deadline, caps, cheap queries beside a slow one."""
    import httpx

    from api.bench.measure import BenchTable, run_isolated, serve_read_only
    from graph.errors import LimitExceededError

    table = BenchTable("samverkan bench limits", ["what", "status", "ms", "bound ms", "within"])

    def row(what: str, status: str, seconds: float, bound: float | None) -> None:
        within = None if bound is None else ("yes" if seconds < bound else "no")
        bound_ms = None if bound is None else round(bound * 1000, 1)
        table.add_row(what, status, round(seconds * 1000, 1), bound_ms, within)

    with curated_store(store) as (path, built):
        with serve_read_only(path, query_timeout=5, max_results=1000, wait=60) as base:
            sparql = base + "/sparql"
            with httpx.Client(timeout=60) as http:
                seconds, r = _timed(http.get, sparql, params={"query": SLOW, "timeout": "1"})
                row("slow aggregate, timeout=1", str(r.status_code), seconds, 3.0)
                started = time.perf_counter()
                statuses = [
                    http.post(sparql, data={"query": VALUES}).status_code,
                    http.post(sparql, data={"query": PRODUCT}).status_code,
                    http.post(sparql, data={"query": AGGREGATE, "timeout": "0.5"}).status_code,
                ]
                row(
                    "200k VALUES, 4-way product, aggregate at timeout=0.5",
                    " ".join(map(str, statuses)),
                    time.perf_counter() - started,
                    30.0,
                )

                def cheap() -> None:
                    http.get(sparql, params={"query": CHEAP}).raise_for_status()

                idle = [_timed(cheap)[0] for _ in range(cheap_runs)]
                slow = threading.Thread(target=lambda: httpx.get(sparql, params={"query": SLOW}, timeout=30))
                slow.start()
                time.sleep(0.2)
                beside = [_timed(cheap)[0] for _ in range(cheap_runs)]
                slow.join()
        idle_median, beside_median = statistics.median(idle), statistics.median(beside)
        row(f"cheap ASK, median of {cheap_runs}, idle", "200", idle_median, None)
        row(
            f"cheap ASK, median of {cheap_runs}, beside a slow query",
            "200",
            beside_median,
            max(0.05, 10 * idle_median),
        )
    started = time.perf_counter()
    try:
        run_isolated(time.sleep, 30, timeout=0.5)
        status = "not stopped"
    except LimitExceededError:
        status = "stopped"
    row("run_isolated: a 30 s call, timeout=0.5", status, time.perf_counter() - started, 20.0)
    load = os.getloadavg()
    table.notes += [
        f"A uvicorn process over {'data/ built for this run' if built else path}, query timeout 5 s, "
        "1000 results at most. Bounds are the ones the tests once asserted.",
        f"Machine: {os.cpu_count()} cores, load average {load[0]:.2f} at the end.",
    ]
    out.print(table.to_rich())


__all__ = ["bench_limits"]
