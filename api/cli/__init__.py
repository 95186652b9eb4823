"""The ``samverkan`` command line: one module per family of commands, each registering itself."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="samverkan",
    help="A knowledge graph of a region's cultural life: build, query, analyse, serve and draw it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
bench = typer.Typer(
    help="Benchmarks that print a table (timings live here, not in tests).", no_args_is_help=True
)
app.add_typer(bench, name="bench")

# Each module defines register(app, bench); the order is the order of `samverkan --help`.
COMMAND_MODULES = ("store", "backup", "generate", "serve", "analyse", "viz", "scale", "load")

for _name in COMMAND_MODULES:
    importlib.import_module(f"api.cli.{_name}").register(app, bench)


def main() -> None:
    """Run the command line."""
    app()


__all__ = ["app", "main"]
