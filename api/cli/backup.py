"""Commands of the backup family: ``samverkan backup DIR`` and ``samverkan restore DIR``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli.store import StoreOption, console, open_store, run, step


def backup(
    directory: Annotated[
        Path, typer.Argument(help="New directory for the backup (must not exist or be empty).")
    ],
    store: StoreOption = None,
) -> None:
    """Back up every named graph (gzipped N-Quads) with a manifest of graphs, counts and checksum."""
    from graph.store.backup import write_backup

    def action() -> None:
        with open_store(store, read_only=True) as gs, step(f"Writing the backup {directory}"):
            manifest = write_backup(gs, directory)
        console.print(
            f"Backed up {manifest.total} quads in {len(manifest.graphs)} graphs to {directory}"
            f" ({manifest.bytes:,} bytes, sha256 {manifest.sha256[:12]}…)."
        )

    run(action)


def restore(
    directory: Annotated[Path, typer.Argument(help="A directory written by `samverkan backup`.")],
    store: StoreOption = None,
) -> None:
    """Replace the whole store with a backup, verified first (checksum, counts); all or nothing."""
    from graph.store.backup import restore_backup

    def action() -> None:
        with open_store(store) as gs, step(f"Verifying and restoring {directory}"):
            manifest = restore_backup(gs, directory)
            where = gs.location
        console.print(
            f"Restored {where} from {directory}: {manifest.total} quads in {len(manifest.graphs)}"
            f" graphs (backup of {manifest.created})."
        )

    run(action)


def register(app: typer.Typer) -> None:
    """Add this family's commands to the command line."""
    app.command()(backup)
    app.command()(restore)


__all__ = ["register"]
