"""``samverkan bench aggregates``: rebuild, one write kept in step, and the import overhead, per size."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from api.bench.cli.common import console

if TYPE_CHECKING:
    from api.bench.aggregates import AggregateFigures


def bench_aggregates(
    sizes: Annotated[
        str, typer.Option("--sizes", help="Generated triples per run, comma-separated.")
    ] = "100000,1000000",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated data.")] = 1,
    imports: Annotated[
        bool, typer.Option("--imports/--no-imports", help="Time the bulk import with and without them.")
    ] = True,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Time the write on this existing on-disk store instead (e.g. the one `bench questions` left"
            " in its work dir at 10 M); it is left as it was. --sizes and --imports are then not used.",
        ),
    ] = None,
    parts: Annotated[
        bool,
        typer.Option(
            "--parts",
            help="With --store: also say where the write's time goes, aggregate by aggregate, on disk and on"
            " the memory copy.",
        ),
    ] = False,
) -> None:
    """Time a full rebuild of the aggregates, one meeting write kept in step, and the import overhead."""
    from rich.console import Console

    from api.bench.aggregates import measure_size, measure_store
    from api.settings import PROJECT_ROOT
    from graph.synthetic.generate import actors_for_triples, write_generated

    table = Table(
        "triples",
        "aggregate rows",
        "rebuild (s)",
        "write plain (ms)",
        "write + aggregates (ms)",
        "aggregates' share (ms)",
        "bulk import (s)",
        "bulk import + aggregates (s)",
        "import overhead",
    )
    figures: list[AggregateFigures] = []
    if store is not None:
        if not store.is_dir():
            msg = f"{store}: no on-disk store here"
            raise typer.BadParameter(msg, param_hint="--store")
        imports = False
        with console.status(f"Opening {store} with its memory copy and measuring"):
            figures.append(measure_store(store, parts=parts))
    for size in (int(s) for s in sizes.split(",") if s.strip() and store is None):
        work = Path(tempfile.mkdtemp(prefix="samverkan-bench-aggregates-"))
        try:
            data = work / "data.nq"
            with console.status(f"Generating about {size:,} triples"):
                write_generated(data, actors=actors_for_triples(size), seed=seed)
            with console.status(f"Measuring at {size:,} triples"):
                figures.append(measure_size(data, work, PROJECT_ROOT / "ontology", imports=imports))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    for f in figures:
        table.add_row(
            f"{f.triples:,}",
            f"{f.rows:,}",
            "held" if f.rebuild_seconds != f.rebuild_seconds else f"{f.rebuild_seconds:.2f}",  # nan: held
            f"{f.write_plain_ms:.1f}",
            f"{f.write_kept_ms:.1f}",
            f"{f.write_overhead_ms:.1f}",
            f"{f.import_plain_seconds:.1f}" if imports else "-",
            f"{f.import_kept_seconds:.1f}" if imports else "-",
            f"{f.import_overhead:+.0%}" if imports else "-",
        )
    Console().print(table)
    for f in figures:
        if f.write_parts:
            Console().print(write_parts_table(f))
    load = os.getloadavg()
    console.print(
        f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}. Embedded store on"
        " disk with its memory copy; a write is a meeting with five participants, their collaboration and one"
        " mention each (median of 5). A bulk import above 20 000 statements rebuilds the aggregates."
    )


def write_parts_table(figures: AggregateFigures) -> Table:
    """Where one write's time goes: reading the keys, then each part's operations on disk and in memory."""
    table = Table(
        "part",
        "operations",
        "disk (ms)",
        "memory copy (ms)",
        "both (ms)",
        title=f"One write kept in step at {figures.triples:,} triples, part by part (median of 3)",
    )
    table.add_row("the keys reached, read before the write", "-", "-", f"{figures.keys_read_ms:.1f}", "-")
    for p in figures.write_parts:
        table.add_row(
            p.part, str(p.operations), f"{p.disk_ms:.1f}", f"{p.copy_ms:.1f}", f"{p.disk_ms + p.copy_ms:.1f}"
        )
    total = figures.keys_read_ms + sum(p.disk_ms + p.copy_ms for p in figures.write_parts)
    table.add_row("sum (one transaction per part)", "", "", "", f"{total:.1f}")
    return table


__all__ = ["bench_aggregates", "write_parts_table"]
