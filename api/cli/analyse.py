"""Commands of the analyse family: ``samverkan analyse MEASURE`` and ``samverkan bench analysis``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from api.cli.store import StoreOption, fail, open_store
from graph.analysis import Result, list_measures, run_measure
from graph.analysis.writeback import write_result
from graph.errors import SamverkanError
from graph.namespaces import ID
from graph.project import Filters

console = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)

OutputFormat = Literal["table", "csv", "json"]


def measures_help() -> str:
    """The list of measures for ``samverkan analyse --help`` (one paragraph each, so rich keeps the lines)."""
    lines = []
    for m in list_measures():
        params = ", ".join(f"{p.name}={p.default}" for p in m.parameters)
        lines.append(f"{m.name}: {m.description}" + (f" [-p {params}]" if params else ""))
    return "Measures:\n\n" + "\n\n".join(lines)


def parse_params(items: list[str]) -> dict[str, str]:
    """Read ``-p name=value`` options.

    Raises:
        typer.BadParameter: an item has no ``=``.
    """
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            msg = f"expected NAME=VALUE, got {item!r}"
            raise typer.BadParameter(msg, param_hint="--param")
        params[key.strip()] = value.strip()
    return params


def expand_iri(value: str | None, kind: str = "") -> str | None:
    """Accept a full IRI, ``kind/slug`` (as in design.md), or for rounds a bare year."""
    if value is None or value.startswith(("http://", "https://")):
        return value
    if kind == "round" and value.isdigit():
        return str(ID[f"round/{value}"])
    return str(ID[value.removeprefix("id:")])


def render_table(result: Result, *, limit: int) -> Table:
    """A rich table of the first ``limit`` rows, with notes and provenance as its caption."""
    caption = [*result.notes, f"data date {result.data_date}; {len(result.rows)} rows"]
    table = Table(title=result.measure, caption="\n".join(caption), caption_justify="left")
    for c in result.columns:
        table.add_column(c, overflow="fold")
    for row in result.rows[: limit if limit > 0 else None]:
        table.add_row(*("" if c is None else f"{c:.4g}" if isinstance(c, float) else str(c) for c in row))
    return table


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this family's commands to the command line."""

    @app.command("analyse", epilog=measures_help())
    def analyse(
        measure: Annotated[str, typer.Argument(help="Which measure (listed below).")],
        year: Annotated[
            int | None, typer.Option(help="Collaborations active that year; that year's round.")
        ] = None,
        round: Annotated[
            str | None, typer.Option("--round", help="Round: a year, round/2020 or an IRI.")
        ] = None,
        domain: Annotated[str | None, typer.Option(help="Domain slug, e.g. kulturskola.")] = None,
        grouping: Annotated[
            str | None, typer.Option(help="Only members of a grouping or constellation: IRI or kind/slug.")
        ] = None,
        category: Annotated[str | None, typer.Option(help="Actor class, e.g. CultureSchool.")] = None,
        param: Annotated[
            list[str] | None, typer.Option("-p", "--param", help="Measure parameter NAME=VALUE.")
        ] = None,
        format: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
        output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
        limit: Annotated[int, typer.Option(help="Rows shown in a table (0: all).")] = 30,
        write_back: Annotated[
            bool, typer.Option("--write-back", help="Also store the result as graph:analysis/MEASURE/TIME.")
        ] = False,
        store: StoreOption = None,
    ) -> None:
        """Run a network measure over the store and print or save its table."""
        if format not in {"table", "csv", "json"}:
            msg = "use table, csv or json"
            raise typer.BadParameter(msg, param_hint="--format")
        filters = Filters(
            year=year,
            round=expand_iri(round, "round"),
            domain=domain,
            grouping=expand_iri(grouping),
            category=category,
        )
        try:
            graph_store = open_store(store, read_only=not write_back)
            result = run_measure(measure, graph_store, filters=filters, params=parse_params(param or []))
            if write_back:
                iri = write_result(graph_store, result)
                graph_store.flush()
                console.print(f"written to <{iri}>", highlight=False)
        except (SamverkanError, ValueError) as exc:
            raise fail(exc) from None
        if format == "table" and output is None:
            out.print(render_table(result, limit=limit))
            return
        # A table written to a file is written as CSV.
        text = result.to_json() + "\n" if format == "json" else result.to_csv()
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
            console.print(f"{len(result.rows)} rows written to {output}", highlight=False)

    @bench.command("analysis")
    def bench_analysis(
        actors: Annotated[
            str, typer.Option(help="Network sizes (actors), comma-separated.")
        ] = "10000,100000",
        seed: Annotated[int, typer.Option(help="Generator seed.")] = 7,
        baseline_max: Annotated[
            int,
            typer.Option(
                help="Largest size at which to also time the rdflib row-by-row baseline (0: never)."
            ),
        ] = 100_000,
        json_out: Annotated[bool, typer.Option("--json", help="Print the tables as JSON.")] = False,
    ) -> None:
        """Time and peak memory of each projection and measure on generated networks."""
        import json

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


__all__ = ["expand_iri", "measures_help", "parse_params", "register", "render_table"]
