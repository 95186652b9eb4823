"""What several bench commands share: the CLI as a fresh process, and a store of the curated data."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

CLI = [sys.executable, "-c", "from api.cli import main; main()"]
console = Console(stderr=True)


@contextmanager
def curated_store(store: Path | None) -> Iterator[tuple[Path, bool]]:
    """Yield ``store`` (default: SAMVERKAN_STORE) and False; if it is missing, a build of data/ and True.

    Raises:
        subprocess.CalledProcessError: ``samverkan build`` failed.
    """
    from api.settings import get_settings

    chosen = store or get_settings().store
    if chosen is not None and chosen.exists():
        yield chosen, False
        return
    work = Path(tempfile.mkdtemp(prefix="samverkan-bench-"))
    try:
        built = work / "store"
        with console.status(f"Building the curated data into {built}"):
            subprocess.run([*CLI, "build", "--store", str(built)], check=True, capture_output=True)
        yield built, True
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_dir(workdir: Path | None) -> Path:
    """A new directory for one bench run, in ``workdir`` (made if it does not exist yet) or the temp dir."""
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="samverkan-bench-", dir=workdir))


__all__ = ["CLI", "console", "curated_store", "run_dir"]
