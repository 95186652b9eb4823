"""Commands of the scale family: ``samverkan bench scale`` (import, memory, named queries against peers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from api.settings import get_settings

console = Console(stderr=True)
out = Console(highlight=False)
PEERS = ("http", "virtuoso", "rdflib")


def _count(text: str) -> int:
    return int(text.strip().replace("_", "").replace(",", ""))


def bench_scale(
    sizes: Annotated[str, typer.Option(help="Comma-separated triple counts, e.g. 100000,1000000.")] = (
        "100000,1000000"
    ),
    runs: Annotated[int, typer.Option(min=1, help="Runs per query; the median is reported.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 1,
    peers: Annotated[str, typer.Option(help=f"Comma-separated peers among {', '.join(PEERS)}.")] = ",".join(
        PEERS
    ),
    rdflib_max: Annotated[
        str, typer.Option(help="Largest size (triples) given to rdflib-endpoint; above it, a stated skip.")
    ] = "1000000",
    analysis_max: Annotated[
        str, typer.Option(help="Largest size (triples) whose analysis is timed; above it, a stated skip.")
    ] = "2000000",
    workdir: Annotated[
        Path | None, typer.Option(help="Where data and stores go (default: a temp dir).")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the results and tables as JSON here.")
    ] = None,
) -> None:
    """Import rate, memory, named-query latency against rdflib-endpoint and Virtuoso, analysis, targets."""
    from api.bench.scale import Options, run_scale_bench, tables

    chosen = {p.strip() for p in peers.split(",") if p.strip()}
    unknown = chosen - set(PEERS)
    if unknown:
        msg = f"unknown peer(s) {', '.join(sorted(unknown))}; choose among {', '.join(PEERS)}"
        raise typer.BadParameter(msg, param_hint="--peers")
    try:
        size_list = [_count(s) for s in sizes.split(",") if s.strip()]
        limits = _count(rdflib_max), _count(analysis_max)
    except ValueError:
        msg = "sizes are triple counts, e.g. 100000,1000000 or 1_000_000"
        raise typer.BadParameter(msg) from None
    results = run_scale_bench(
        size_list,
        queries_dir=get_settings().queries_dir,
        work=workdir,
        options=Options(
            runs=runs, seed=seed, peers=frozenset(chosen), rdflib_max=limits[0], analysis_max=limits[1]
        ),
        progress=console.print,
    )
    built = tables(results)
    for table in built:
        out.print(table.to_rich())
    if json_out is not None:
        json_out.write_text(
            json.dumps({"results": results, "tables": [t.to_dict() for t in built]}, indent=2),
            encoding="utf-8",
        )


__all__ = ["bench_scale"]
