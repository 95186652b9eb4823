"""``samverkan bench import`` and ``bench bulk-import``: generated graphs into fresh stores, timed."""

from __future__ import annotations

import json
import os
import platform
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from api.bench.cli.common import run_dir
from api.bench.imports import (
    bulk_load_file,
    validate_and_load_file,
    validated_bulk_import,
    validator_status,
)
from api.bench.measure import BenchTable, directory_size, format_rate, format_seconds, run_isolated
from api.settings import get_settings
from graph.errors import LimitExceededError
from graph.synthetic.generate import actors_for_triples, write_generated

console = Console(stderr=True)
out = Console(highlight=False)
MB = 1_000_000

# Options shared by the import benchmarks.
SizesOption = Annotated[str, typer.Option(help="Target sizes in triples, comma-separated.")]
SeedOption = Annotated[int, typer.Option(help="Seed of the generated graphs.")]
WorkdirOption = Annotated[
    Path | None, typer.Option(help="Where to put files and stores (default: a temp dir).")
]


def bench_import(
    sizes: SizesOption = "100000,1000000",
    json_file: Annotated[Path | None, typer.Option("--json", help="Also write the results as JSON.")] = None,
    seed: SeedOption = 1,
    validation_cap: Annotated[
        float, typer.Option(help="Seconds a validated import may run before it is stopped and extrapolated.")
    ] = 600.0,
    workdir: WorkdirOption = None,
    breakdown: Annotated[
        bool,
        typer.Option(
            help="Also time `import --bulk` phase by phase at the largest size (parallel and in turn)."
        ),
    ] = True,
) -> None:
    """Measure imports into a fresh on-disk store, with and without SHACL: rate, peak memory, disk size."""
    targets = sorted(int(s.replace("_", "")) for s in sizes.split(",") if s.strip())
    ontology_dir = get_settings().ontology_dir
    missing = validator_status(ontology_dir)
    table = BenchTable(
        "samverkan bench import",
        [
            "triples",
            "actors",
            "generate/s",
            "import/s",
            "import+SHACL/s",
            "SHACL",
            "peak RSS import (MB)",
            "peak RSS +SHACL (MB)",
            "store on disk (MB)",
        ],
    )
    root = run_dir(workdir)
    phase_tables: list[BenchTable] = []
    try:
        previous_rate: float | None = None
        for target in targets:
            row, previous_rate = _measure_size(
                target,
                root=root,
                seed=seed,
                ontology_dir=ontology_dir,
                missing=missing,
                cap=validation_cap,
                previous_rate=previous_rate,
            )
            table.add_row(*row)
        if breakdown and targets and missing is None:
            phase_tables = [
                _phase_table(targets[-1], root=root, seed=seed, ontology_dir=ontology_dir, parallel=parallel)
                for parallel in (True, False)
            ]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    table.notes += [
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"{platform.system()}; seed {seed}.",
        "No validation: the N-Quads file parsed and bulk-loaded (GraphStore.bulk_add: named graphs plus the "
        "merged default graph) into a fresh on-disk store.",
        "Validated: parse, validate_parsed against ontology/ (shapes loading not counted), "
        "then bulk add; "
        f"a run longer than {validation_cap:g} s is stopped and its rate extrapolated linearly from the "
        "next smaller size (marked).",
        "Rates in triples per second; SHACL: pySHACL time for the whole graph and its violations.",
        "Peak RSS: the measuring process's own maximum (getrusage), interpreter and imports included.",
    ]
    wide = out if out.is_terminal else Console(highlight=False, width=160)  # files and pipes: no wrapping
    wide.print(table.to_rich())
    for phases in phase_tables:
        wide.print(phases.to_rich())
    if json_file is not None:
        tables = [table.to_dict(), *(t.to_dict() for t in phase_tables)]
        json_file.write_text(
            json.dumps(tables if phase_tables else tables[0], indent=2) + "\n", encoding="utf-8"
        )
        console.print(f"Wrote {json_file}.")


def _measure_size(
    target: int,
    *,
    root: Path,
    seed: int,
    ontology_dir: Path,
    missing: str | None,
    cap: float,
    previous_rate: float | None,
) -> tuple[list[Any], float | None]:
    actors = actors_for_triples(target)
    path = root / f"generated-{target}.nq"
    with console.status(f"Generating ~{target:,} triples"):
        report = write_generated(path, actors=actors, seed=seed, format="nq")
    triples = report.triples
    with console.status(f"Bulk-loading {triples:,} triples"):
        bulk = run_isolated(bulk_load_file, str(path), str(root / f"store-{target}"))
    on_disk = directory_size(root / f"store-{target}")
    shutil.rmtree(root / f"store-{target}", ignore_errors=True)
    validated_rate: float | None = None
    validated_rss: float | None = None
    note = missing
    if missing is None:
        try:
            with console.status(f"Validating and loading {triples:,} triples (cap {cap:g} s)"):
                checked = run_isolated(
                    validate_and_load_file,
                    str(path),
                    str(root / f"checked-{target}"),
                    str(ontology_dir),
                    timeout=cap,
                )
            steps = checked.value
            validated_rate = triples / (steps["parse"] + steps["validate"] + steps["load"])
            validated_rss = checked.peak_rss / MB
            violations = int(checked.value["violations"])
            note = f"measured: {format_seconds(steps['validate'])}, {violations} violations"
            previous_rate = validated_rate
        except LimitExceededError:
            validated_rate = previous_rate
            note = f"extrapolated (> {cap:g} s cap)" if previous_rate is not None else f"> {cap:g} s cap"
        shutil.rmtree(root / f"checked-{target}", ignore_errors=True)
    path.unlink(missing_ok=True)
    row = [
        triples,
        actors,
        round(report.rate),
        round(triples / bulk.value["load"]),
        round(validated_rate) if validated_rate is not None else None,
        note,
        round(bulk.peak_rss / MB, 1),
        round(validated_rss, 1) if validated_rss is not None else None,
        round(on_disk / MB, 1),
    ]
    return row, previous_rate


def _phase_table(target: int, *, root: Path, seed: int, ontology_dir: Path, parallel: bool) -> BenchTable:
    """Where the time of one `samverkan import --bulk` goes: phase, seconds, share of the whole, rate."""
    path = root / f"phases-{target}.nq"
    report = write_generated(path, actors=actors_for_triples(target), seed=seed, format="nq")
    way = "checks in parallel with the write" if parallel else "checks, then the write"
    try:
        with console.status(f"Timing `import --bulk` of {report.triples:,} triples phase by phase ({way})"):
            run = run_isolated(
                validated_bulk_import, str(path), str(root / "phases"), str(ontology_dir), parallel
            )
    finally:
        shutil.rmtree(root / "phases", ignore_errors=True)
        path.unlink(missing_ok=True)
    steps, total = run.value, run.value["seconds"]
    table = BenchTable(
        f"where the time of `import --bulk` goes: {report.triples:,} triples, {way}",
        ["phase", "seconds", "CPU s", "share", "triples/s"],
    )
    for name, seconds, concurrent, cpu in steps["phases"]:
        label = f"  ‖ {name}" if concurrent else name
        cpu_cell = round(cpu, 2) if cpu is not None else None
        table.add_row(
            label, round(seconds, 2), cpu_cell, f"{seconds / total:.0%}", _rate(report.triples, seconds)
        )
    table.add_row("whole import (wall clock)", round(total, 2), None, "100%", _rate(report.triples, total))
    if "cpu" in steps:  # in parallel, an idle machine needs about the longer of the two processes' CPU
        own, checks = steps["cpu"]
        table.notes.append(
            f"CPU of the whole import: {own:.2f} s in the importing process, {checks:.2f} s in the checking"
            f" process (sum {own + checks:.2f} s)."
            if parallel
            else f"CPU of the whole import: {own:.2f} s (one process)."
        )
    load = os.getloadavg()
    table.notes += [
        f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} after the run; "
        f"peak RSS of the importing process {run.peak_rss / MB:,.0f} MB (the checking process not included).",
        "‖: runs in the checking process while the rows above it run here; shares are of the wall clock, "
        "so they add up past 100 %. CPU s: the process's CPU time in the phase, all its threads (the "
        "engine's loader uses several); other jobs on the machine stretch the seconds, hardly the CPU.",
    ]
    return table


def _rate(triples: int, seconds: float) -> int | None:
    return round(triples / seconds) if seconds >= 0.01 else None


def bench_bulk_import(
    sizes: SizesOption = "100000,1000000",
    seed: SeedOption = 1,
    pyshacl_max: Annotated[
        int, typer.Option(help="Run the pySHACL import only up to this many triples (it does ~1.4k/s).")
    ] = 110_000,
    mirror: Annotated[
        bool, typer.Option(help="Open the store with its in-memory copy, as the server does.")
    ] = False,
    workdir: WorkdirOption = None,
) -> None:
    """Compare the validated bulk import (SPARQL shapes) with bulk_add (no validation) and pySHACL."""
    from api.bench.measure import format_bytes
    from graph.ingest.bulk import measure_bulk_import

    targets = sorted(int(s.replace("_", "")) for s in sizes.split(",") if s.strip())
    ontology_dir = get_settings().ontology_dir
    table = BenchTable(
        "samverkan bench bulk-import",
        [
            "triples",
            "staging parse+load/s",
            "validate (SPARQL)",
            "write",
            "validated import/s",
            "peak RSS",
            "bulk_add/s (no SHACL)",
            "peak RSS bulk_add",
            "pySHACL import/s",
        ],
    )
    root = run_dir(workdir)
    try:
        for target in targets:
            path = root / f"generated-{target}.nq"
            report = write_generated(path, actors=actors_for_triples(target), seed=seed, format="nq")
            with console.status(f"Validated bulk import of {report.triples:,} triples"):
                new = run_isolated(
                    measure_bulk_import, str(path), str(root / "new"), str(ontology_dir), mirror
                )
            shutil.rmtree(root / "new", ignore_errors=True)
            with console.status(f"bulk_add of {report.triples:,} triples"):
                old = run_isolated(bulk_load_file, str(path), str(root / "old"))
            shutil.rmtree(root / "old", ignore_errors=True)
            shacl: str | None = None
            if report.triples <= pyshacl_max:
                with console.status(f"pySHACL import of {report.triples:,} triples"):
                    checked = run_isolated(
                        validate_and_load_file, str(path), str(root / "shacl"), str(ontology_dir)
                    )
                shacl = format_rate(
                    report.triples / sum(checked.value[k] for k in ("parse", "validate", "load"))
                )
                shutil.rmtree(root / "shacl", ignore_errors=True)
            steps = new.value
            table.add_row(
                report.triples,
                format_rate(report.triples / steps["parse"]),
                format_seconds(steps["validate"]),
                format_seconds(steps["write"]),
                format_rate(report.triples / steps["seconds"]),
                format_bytes(new.peak_rss),
                format_rate(report.triples / old.value["load"]),
                format_bytes(old.peak_rss),
                shacl,
            )
            path.unlink(missing_ok=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    load = os.getloadavg()
    table.notes += [
        f"Machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the"
        f" end; seed {seed}; fresh on-disk store{' with its memory copy' if mirror else ''} per run.",
        "Validated import: graph.ingest.bulk.bulk_import (N-Quads into an in-memory staging store, SPARQL"
        " shape checks, Oxigraph's bulk loader writing named graphs plus the merged default graph); rates in"
        " triples of the file per second.",
        "bulk_add: GraphStore.bulk_add, no validation. pySHACL: parse, graph.validate.shacl, bulk_add.",
    ]
    wide = out if out.is_terminal else Console(highlight=False, width=180)
    wide.print(table.to_rich())


__all__ = ["bench_bulk_import", "bench_import"]
