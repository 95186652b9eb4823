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


def bench_scale(
    sizes: Annotated[str, typer.Option(help="Comma-separated triple counts, e.g. 100000,1000000.")] = (
        "100000,1000000"
    ),
    runs: Annotated[int, typer.Option(min=1, help="Runs per query; the median is reported.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 1,
    peers: Annotated[str, typer.Option(help=f"Comma-separated peers among {', '.join(PEERS)}.")] = ",".join(
        PEERS
    ),
    workdir: Annotated[
        Path | None, typer.Option(help="Where data and stores go (default: a temp dir).")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the tables as JSON here.")
    ] = None,
) -> None:
    """Import rate, memory and named-query latency at scale, against rdflib-endpoint and Virtuoso."""
    from graph.scale_bench import run_scale_bench, tables

    chosen = {p.strip() for p in peers.split(",") if p.strip()}
    unknown = chosen - set(PEERS)
    if unknown:
        msg = f"unknown peer(s) {', '.join(sorted(unknown))}; choose among {', '.join(PEERS)}"
        raise typer.BadParameter(msg)
    results = run_scale_bench(
        [int(s.replace("_", "")) for s in sizes.split(",")],
        queries_dir=get_settings().queries_dir,
        work=workdir,
        runs=runs,
        seed=seed,
        peers=chosen,
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


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add ``bench scale``."""
    bench.command("scale")(bench_scale)


__all__ = ["bench_scale", "register"]
