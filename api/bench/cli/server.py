"""``samverkan bench api``: the named queries timed over HTTP, in process and through rdflib-endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def bench_api(
    actors: Annotated[
        int,
        typer.Option(help="Actors in the generated graph (about 19.5 triples each; 52 000 give a million)."),
    ] = 52_000,
    seed: Annotated[int, typer.Option(help="Seed of the generator.")] = 1,
    runs: Annotated[int, typer.Option(help="Runs per query (the median is printed).")] = 5,
    work_dir: Annotated[
        Path | None, typer.Option(help="Where the generated data and store go (default: a temp dir).")
    ] = None,
    peer: Annotated[bool, typer.Option(help="Also measure rdflib-endpoint on the same data.")] = True,
) -> None:
    """Time the named queries over HTTP, in process and through rdflib-endpoint; print a table."""
    from api.bench.api import run_api_bench

    run_api_bench(actors=actors, seed=seed, runs=runs, work_dir=work_dir, peer=peer)


__all__ = ["bench_api"]
