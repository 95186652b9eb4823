"""The load benchmark: ``samverkan bench load`` (concurrent clients on loopback, printed as a table)."""

from __future__ import annotations

import math
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console(stderr=True, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True, width=120)


def parse_clients(value: str) -> list[int]:
    """Read a comma-separated list of client counts ("1,8,64").

    Raises:
        typer.BadParameter: a count is not a positive integer.
    """
    try:
        counts = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or any(n < 1 or n > 1024 for n in counts):
        msg = f"{value!r}: give client counts between 1 and 1024, separated by commas (1,8,64)"
        raise typer.BadParameter(msg)
    return counts


def _ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.0f}"


def bench_load(
    clients: Annotated[str, typer.Option(help="Concurrent clients per round, comma-separated.")] = "1,8,64",
    seconds: Annotated[float, typer.Option(min=0.5, max=600, help="Seconds per round.")] = 10.0,
    store: Annotated[
        Path | None, typer.Option("--store", help="Store to serve (default: SAMVERKAN_STORE or var/store).")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="A server already running on loopback (http://127.0.0.1:PORT).")
    ] = None,
    heavy: Annotated[bool, typer.Option(help="Run each round again beside a heavy SPARQL aggregate.")] = True,
) -> None:
    """Load a server on loopback with 1, 8, 64 clients on a mix of routes; print p50/p99 and errors."""
    from api.bench.load import check_loopback, percentile, run_load, serve_store

    counts = parse_clients(clients)
    if url is not None:
        try:
            check_loopback(url)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    context = nullcontext(url.rstrip("/")) if url is not None else serve_store(store)
    with context as base:
        console.print(f"Loading {base} for {seconds:g} s per round with {clients} client(s).")
        results = run_load(base, clients=counts, seconds=seconds, heavy=heavy)
    table = Table(
        "clients",
        "heavy query",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "4xx",
        "5xx",
        "errors",
        title=f"Mix of named queries, resources, pages and views ({seconds:g} s per round)",
    )
    families = Table("clients", "heavy query", "family", "requests", "p50 ms", "p99 ms", title="By family")
    heavy_rows = Table("clients", "heavy runs", "p50 ms", "max ms", "statuses", title="The heavy query")
    for r in results:
        m = r.mix
        table.add_row(
            str(r.clients),
            "beside" if r.heavy else "-",
            str(m.requests),
            f"{r.rate:.1f}",
            _ms(percentile(m.seconds, 50)),
            _ms(percentile(m.seconds, 99)),
            _ms(max(m.seconds, default=math.nan)),
            str(m.refused),
            str(m.server_errors),
            str(sum(m.errors.values())),
        )
        for family, values in sorted(m.by_family.items()):
            families.add_row(
                str(r.clients),
                "beside" if r.heavy else "-",
                family,
                str(len(values)),
                _ms(percentile(values, 50)),
                _ms(percentile(values, 99)),
            )
        if r.heavy_tally is not None:
            h = r.heavy_tally
            statuses = ", ".join(f"{s}: {n}" for s, n in sorted(h.statuses.items())) or "none finished"
            heavy_rows.add_row(
                str(r.clients),
                str(h.requests),
                _ms(percentile(h.seconds, 50)),
                _ms(max(h.seconds, default=math.nan)),
                statuses,
            )
    out.print(table)
    out.print(families)
    if heavy:
        out.print(heavy_rows)
    failures = [f for r in results for f in r.mix.failures]
    for failure in failures[:10]:
        console.print(f"[yellow]failed:[/] {failure}", highlight=False)


__all__ = ["bench_load", "parse_clients"]
