"""Synthetic data: ``samverkan generate`` (the import benchmarks are under ``samverkan bench``)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from graph.synthetic.generate import GenerateReport, OutputFormat

console = Console(stderr=True)
out = Console(highlight=False)

PROGRESS_ABOVE = 300_000  # triples: about a second of work; smaller runs show no bar


class FormatChoice(StrEnum):
    """Output formats of ``samverkan generate``."""

    nq = "nq"
    trig = "trig"
    ttl = "ttl"


def generate(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write (.nq, .trig or .ttl).")],
    actors: Annotated[
        int, typer.Option(help="Actors besides the fixed skeleton; 51 000 give ~1 M triples.")
    ] = 50_000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same bytes.")] = 1,
    format: Annotated[
        FormatChoice | None, typer.Option(help="Format (default from the suffix, else N-Quads).")
    ] = None,
) -> None:
    """Generate a synthetic national-size graph (not facts) into a file."""
    from api.bench.measure import format_rate, format_seconds
    from graph.synthetic.generate import MIN_ACTORS, graph_name

    if actors < MIN_ACTORS:
        msg = f"{actors} is less than {MIN_ACTORS}, the fewest actors a generated graph can have"
        raise typer.BadParameter(msg, param_hint="--actors")
    fmt: OutputFormat = format.value if format else _format_from_suffix(output)
    report = _write_with_progress(output, actors=actors, seed=seed, fmt=fmt)
    out.print(
        f"Wrote {report.triples:,} triples to {output} in {format_seconds(report.seconds)} "
        f"({format_rate(report.rate, 'triples')}); graph <{graph_name(actors=actors, seed=seed)}>."
    )


def _format_from_suffix(path: Path) -> OutputFormat:
    from graph.synthetic.generate import format_for

    try:
        return format_for(path)
    except ValueError:
        return "nq"


def _write_with_progress(path: Path, *, actors: int, seed: int, fmt: OutputFormat) -> GenerateReport:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    from graph.synthetic.generate import estimate_triples, write_generated

    expected = estimate_triples(actors)
    if expected < PROGRESS_ABOVE or not console.is_terminal:
        return write_generated(path, actors=actors, seed=seed, format=fmt)
    columns = (TextColumn("Generating"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("generate", total=expected)
        report = write_generated(
            path, actors=actors, seed=seed, format=fmt, progress=lambda n: progress.update(task, completed=n)
        )
    return report


def register(app: typer.Typer) -> None:
    """Add ``generate``."""
    app.command()(generate)


__all__ = ["generate", "register"]
