"""``samverkan bench hardening``: the query workers' costs and guarantees against issue 17's targets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

out = Console(highlight=False, soft_wrap=True)


def bench_hardening(
    actors: Annotated[
        int,
        typer.Option(help="Actors in the generated graph (about 25 triples each; 40 000 give a million)."),
    ] = 5_000,
    seed: Annotated[int, typer.Option(help="Seed of the generator.")] = 1,
    work_dir: Annotated[
        Path | None, typer.Option(help="Where the generated data and store go (kept; default: a temp dir).")
    ] = None,
    virtuoso: Annotated[
        bool, typer.Option(help="Also measure Virtuoso's throughput on the same data.")
    ] = True,
) -> None:
    """Time a real server: start-up, latency beside heavy queries, CPU after their limit, throughput."""
    import os

    from rich.table import Table

    from api.bench.hardening import run_hardening_bench

    rows = run_hardening_bench(actors=actors, seed=seed, work_dir=work_dir, virtuoso=virtuoso)
    table = Table(title=f"Query workers ({actors} actors, {os.cpu_count()} cores)")
    for name in ("measure", "value", "target", "met"):
        table.add_column(name)
    for r in rows:
        table.add_row(r.what, r.value, r.target, "" if r.met is None else "yes" if r.met else "NO")
    out.print(table)


__all__ = ["bench_hardening"]
