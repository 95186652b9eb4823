"""``samverkan bench plans``: each aggregate text beside the library's, per parameter shape.

The measuring is in api/bench/plans.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.cli.store import StoreOption, open_store, run

if TYPE_CHECKING:
    from api.bench.plans import Timing

console = Console(stderr=True)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)


def bench_plans(
    store: StoreOption = None,
    runs: Annotated[int, typer.Option(min=1, help="Runs per text after the first; the median is shown.")] = 3,
    cap: Annotated[
        float,
        typer.Option(min=0.1, help="Seconds: a text whose first run takes longer is not run again."),
    ] = 60.0,
    slower: Annotated[
        float,
        typer.Option(min=1.0, help="Name an aggregate text slower than the library's by more than this."),
    ] = 1.5,
    floor_ms: Annotated[
        float, typer.Option("--floor-ms", min=0.0, help="Never call a text under this many ms slow (noise).")
    ] = 20.0,
    queries: Annotated[
        Path | None, typer.Option(help="The query library (default: SAMVERKAN_QUERIES_DIR).")
    ] = None,
    memory: Annotated[
        bool,
        typer.Option(
            "--memory/--disk",
            help="An embedded store: load its memory copy, as the server does, and time each text in a"
            " process forked from it, ended at the cap. --disk: on the store on disk, in this process.",
        ),
    ] = True,
) -> None:
    """Time each named query's aggregate text beside the library's, with its parameters bound and unbound.

    Exits with 1 when a text is slower than the library's by more than --slower, or their rows differ.
    """
    from api.bench.plans import check_plans, time_text, time_text_forked
    from api.settings import get_settings
    from graph.queries.library import read_named_queries
    from graph.store.embedded import GraphStore

    library = read_named_queries(queries or get_settings().queries_dir)
    opened = open_store(store, read_only=True)
    timer, where = time_text, "in this process"
    if memory and isinstance(opened, GraphStore) and opened.path is not None:
        path = opened.path
        opened.close()
        with console.status(f"Loading the memory copy of {path}"):
            opened = run(lambda: GraphStore.open(path, read_only=True, mirror=True))
        timer, where = time_text_forked, "its memory copy, each text in a process forked from it"
    elif isinstance(opened, GraphStore):
        where = "on disk, in this process"
    else:
        where = "a SPARQL server, from this process"
    console.print("aggregate text / library text, ms:")
    try:
        checks = run(
            lambda: check_plans(opened, library, runs=runs, cap=cap, progress=console.print, timer=timer)
        )
    finally:
        opened.close()
    table = Table(
        "query",
        "values given",
        "aggregates ms",
        "library ms",
        "ratio",
        "rows",
        "verdict",
        title="Aggregate texts against the library's, in-process on one store (every row; median of"
        f" {runs} after a first run)",
    )
    flagged = []
    for c in checks:
        verdict = c.verdict(slower=slower, floor_ms=floor_ms)
        if verdict is not None:
            flagged.append(f"{c.query} ({c.shape}): {verdict}")
        values = ", ".join(f"{k}={v}" for k, v in c.values.items()) or "(none: defaults, or every value)"
        table.add_row(
            c.query,
            values,
            _time_cell(c.aggregate),
            _time_cell(c.library),
            "-" if c.aggregate.failure or c.library.failure else f"{c.ratio:.2f}",
            f"{c.aggregate.rows:,}",
            verdict or "ok",
        )
    out.print(table)
    load = os.getloadavg()
    out.print(
        f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}. The store: {where};"
        " values picked from the data as `bench questions` picks them; '> ': the first run passed the cap of"
        f" {cap:g} s (forked: it was ended there). Verdicts: rows that differ, or a text over {floor_ms:g} ms"
        f" and {slower:g}x the library's."
    )
    if flagged:
        console.print("[bold red]Texts to look at:[/]\n  " + "\n  ".join(flagged))
        raise typer.Exit(1)


def _time_cell(timing: Timing) -> str:
    if timing.failure is not None:
        return f"no answer: {timing.failure}"
    return f"{'> ' if timing.capped else ''}{timing.ms:,.1f}"


__all__ = ["bench_plans"]
