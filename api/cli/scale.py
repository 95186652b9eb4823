"""Commands of the scale family (filled in by its issue)."""

from __future__ import annotations

import typer


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this family's commands to the command line."""
