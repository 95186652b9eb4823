"""``samverkan aggregates rebuild|status``: the aggregates kept in step with the data (graph.aggregates)."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.table import Table

from api.cli.store import StoreOption, console, open_store, out, run, step

aggregates = typer.Typer(
    name="aggregates",
    help="The aggregates in graph:analysis/aggregate/… (kept in step by every write): rebuild, status.",
    no_args_is_help=True,
)


@aggregates.command()
def rebuild(
    store: StoreOption = None,
    outdated_only: Annotated[
        bool,
        typer.Option(
            "--outdated",
            help="Only those another version built, or none built (an upgrade), and what derives from them.",
        ),
    ] = False,
) -> None:
    """Derive every aggregate again from the base data, in one write (any backend)."""
    from graph.aggregates.rebuild import outdated, status
    from graph.aggregates.rebuild import rebuild as rebuild_aggregates

    def action() -> None:
        with open_store(store) as gs:
            names = outdated(gs) if outdated_only else None
            if names == []:
                console.print(
                    f"The aggregates of {gs.location} are as this version defines them: none rebuilt."
                )
                return
            with step("Rebuilding the aggregates"):
                started = time.perf_counter()
                rebuilt = rebuild_aggregates(gs, names)
                seconds = time.perf_counter() - started
                rows = sum(s.rows for s in status(gs, rebuilt))  # counting all took a minute at 10 M
        which = "" if names is None else f" ({', '.join(a.name for a in rebuilt)})"
        console.print(f"Rebuilt the aggregates{which} of {gs.location}: {rows:,} rows in {seconds:.2f} s.")

    run(action)


@aggregates.command("status")
def show_status(store: StoreOption = None) -> None:
    """Rows, statements and the last update of every aggregate."""
    from graph.aggregates.model import AGGREGATE_PREFIX
    from graph.aggregates.rebuild import status

    def action() -> None:
        with open_store(store, read_only=True) as gs:
            found = status(gs)
        # The graphs share one prefix, printed once: a column of full IRIs made the table wrap at 80 columns.
        table = Table("aggregate", "rows", "statements", "last update", "by", "definition")
        table.columns[0].no_wrap = True
        for s in found:
            definition = "" if s.updated is None else "current" if s.current else "outdated"
            table.add_row(
                s.name, f"{s.rows:,}", f"{s.triples:,}", s.updated or "never", s.activity or "", definition
            )
        out.print(table)
        out.print(f"Each aggregate is the named graph {AGGREGATE_PREFIX}NAME.", highlight=False)
        if any(s.updated is None for s in found):
            console.print(
                "Never built here: run `samverkan aggregates rebuild` (writes keep them in step after)."
            )
        elif not all(s.current for s in found):
            console.print(
                "Built by another version of samverkan: named queries read the base data (slower) until"
                " `samverkan aggregates rebuild`."
            )

    run(action)


def register(app: typer.Typer) -> None:
    """Add this family's commands to the command line."""
    app.add_typer(aggregates)


__all__ = ["register"]
