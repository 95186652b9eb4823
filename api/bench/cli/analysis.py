"""``samverkan bench analysis``: time and memory of each projection and measure on generated networks."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)


def bench_analysis(
    actors: Annotated[str, typer.Option(help="Network sizes (actors), comma-separated.")] = "10000,100000",
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 7,
    baseline_max: Annotated[
        int,
        typer.Option(help="Largest size at which to also time the rdflib row-by-row baseline (0: never)."),
    ] = 100_000,
    json_out: Annotated[bool, typer.Option("--json", help="Print the tables as JSON.")] = False,
) -> None:
    """Time and peak memory of each projection and measure on generated networks."""
    from api.bench.analysis import bench_analysis as run_bench

    try:
        sizes = [int(s.replace("_", "")) for s in actors.split(",") if s.strip()]
    except ValueError:
        msg = "sizes are integers, e.g. 10000,100000"
        raise typer.BadParameter(msg, param_hint="--actors") from None
    for n in sizes:
        table = run_bench(n, seed=seed, baseline=0 < n <= baseline_max, progress=console.print)
        if json_out:
            out.print_json(json.dumps(table.to_dict()))
        else:
            out.print(table.to_rich())


__all__ = ["bench_analysis"]
