"""``samverkan analyse MEASURE``: a network measure over the store as a table, CSV or JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperCommand

from api.cli.store import StoreOption, fail, open_store
from graph.errors import SamverkanError

if TYPE_CHECKING:
    from graph.analysis import Result

console = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)

OutputFormat = Literal["table", "csv", "json"]


def measures_help() -> str:
    """The list of measures for ``samverkan analyse --help`` (one paragraph each, so rich keeps the lines)."""
    from graph.analysis import list_measures

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


def render_table(result: Result, *, limit: int) -> Table:
    """A rich table of the first ``limit`` rows, with notes and provenance as its caption."""
    caption = [*result.notes, f"data date {result.data_date}; {len(result.rows)} rows"]
    table = Table(title=result.measure, caption="\n".join(caption), caption_justify="left")
    for c in result.columns:
        table.add_column(c, overflow="fold")
    for row in result.rows[: limit if limit > 0 else None]:
        table.add_row(*("" if c is None else f"{c:.4g}" if isinstance(c, float) else str(c) for c in row))
    return table


class MeasuresEpilog(TyperCommand):
    """``analyse``: the list of measures is built when its help is shown, not when the CLI starts."""

    @property
    def epilog(self) -> str:
        """The list of measures (reading it imports the analysis package)."""
        return measures_help()

    @epilog.setter
    def epilog(self, value: str | None) -> None:
        pass  # click sets it in __init__; ours is always the list of measures


def register(app: typer.Typer) -> None:
    """Add this family's commands to the command line."""

    @app.command("analyse", cls=MeasuresEpilog)
    def analyse(
        measure: Annotated[str, typer.Argument(help="Which measure (listed below).")],
        year: Annotated[
            int | None, typer.Option(help="Collaborations active that year; that year's round.")
        ] = None,
        round: Annotated[
            str | None, typer.Option("--round", help="Round: a year, round/2020 or an IRI.")
        ] = None,
        domain: Annotated[str | None, typer.Option(help="Domain: a slug (kulturskola) or an IRI.")] = None,
        grouping: Annotated[
            str | None, typer.Option(help="Only members of a grouping: slug (storsthlm), kind/slug or IRI.")
        ] = None,
        constellation: Annotated[
            str | None, typer.Option(help="Only members of a constellation: slug (2020-nacka) or IRI.")
        ] = None,
        category: Annotated[str | None, typer.Option(help="Actor category, e.g. culture-school.")] = None,
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
        from graph.analysis import run_measure
        from graph.analysis.writeback import write_result
        from graph.project import Filters
        from graph.project.filters import group_option

        if format not in {"table", "csv", "json"}:
            msg = "use table, csv or json"
            raise typer.BadParameter(msg, param_hint="--format")
        try:
            filters = Filters(
                year=year,
                round=round,
                domain=domain,
                grouping=group_option(grouping, constellation),
                category=category,
            )
            with open_store(store, read_only=not write_back) as graph_store:
                params = parse_params(param or [])
                result = run_measure(measure, graph_store, filters=filters, params=params)
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


__all__ = ["measures_help", "parse_params", "register", "render_table"]
