"""The ``samverkan`` command line: one module per family of commands, each registering itself.

Start-up stays cheap: the modules here import only typer, rich and the standard library at the top, and
each command imports what it needs (rdflib, the store, networkx, the views) when it runs. ``samverkan bench``
lives in api/bench/cli and is imported only when that sub-app is used.

May import: graph, api (api.bench only lazily, inside a function).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import typer
from typer import _click as click  # the click that typer's classes are built on (typer vendors it)
from typer.core import TyperGroup

BENCH_HELP = "Benchmarks that print a table (timings live here, not in tests)."


class LazyGroup(TyperGroup):
    """A sub-app whose commands are imported the first time it is used, not when the CLI starts.

    Listing it in ``samverkan --help`` reads only its name and help; ``samverkan bench …`` loads it.
    """

    def __init__(self, *, load: Callable[[], typer.Typer], **kwargs: Any) -> None:
        super().__init__(no_args_is_help=True, **kwargs)
        self._load = load
        self._loaded = False

    def _load_commands(self) -> None:
        if not self._loaded:
            self._loaded = True
            group = typer.main.get_command(self._load())
            assert isinstance(group, TyperGroup), "a lazy sub-app must have several commands"
            self.commands.update(group.commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the sub-app's commands, loading them first."""
        self._load_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return one command of the sub-app, loading them first."""
        self._load_commands()
        return super().get_command(ctx, cmd_name)


def _bench_app() -> typer.Typer:
    from api.bench.cli import bench

    return bench


class RootGroup(TyperGroup):
    """The root command: the product's commands, then ``bench``, loaded lazily."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_command(
            LazyGroup(name="bench", help=BENCH_HELP, load=_bench_app, rich_markup_mode=self.rich_markup_mode)
        )


app = typer.Typer(
    name="samverkan",
    cls=RootGroup,
    help="A knowledge graph of a region's cultural life: build, query, analyse, serve and draw it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module defines register(app); the order is the order of `samverkan --help`.
COMMAND_MODULES = ("store", "record", "backup", "aggregates", "generate", "serve", "analyse", "viz")

for _name in COMMAND_MODULES:
    importlib.import_module(f"api.cli.{_name}").register(app)


def main() -> None:
    """Run the command line."""
    app()


__all__ = ["app", "main"]
