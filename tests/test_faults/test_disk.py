"""A read-only directory or a full disk: a clear error, and the store keeps its previous content."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.errors import StoreError
from graph.store.embedded import GraphStore
from graph.synthetic.generate import write_generated

from .conftest import assert_merge_consistent, copy_store, read_only_view, tmpfs

runner = CliRunner()
SAMVERKAN = str(Path(sys.executable).parent / "samverkan")


def test_read_only_directory_is_refused_for_writing_and_still_reads(built_store, tmp_path):
    source = copy_store(built_store, tmp_path / "store")
    with GraphStore.open(source, read_only=True) as gs:
        before = set(gs.quads())
    with read_only_view(source, tmp_path / "ro") as view:
        with pytest.raises(StoreError, match=r"not writable \(read-only file system\)"):
            GraphStore.open(view)
        with GraphStore.open(view, read_only=True) as gs:
            assert set(gs.quads()) == before
        result = runner.invoke(app, ["build", "--store", str(view)])
        assert result.exit_code == 1
        assert "not writable (read-only file system)" in result.output
        assert "Traceback" not in result.output
    with GraphStore.open(source, read_only=True) as gs:
        assert set(gs.quads()) == before


def test_full_disk_gives_a_clear_error_and_keeps_the_store(built_store, tmp_path):
    big = tmp_path / "synthetic.nq"
    write_generated(big, actors=1500, seed=7)  # ~35 000 quads: ~10 MB of transaction for a few MB of room
    with tmpfs(tmp_path / "disk", size="40m") as disk:
        store = copy_store(built_store, disk / "store")
        with GraphStore.open(store) as gs:
            gs.flush()
            before = set(gs.quads())
        filler = disk / "filler"
        with filler.open("wb") as out:  # leave about 3 MB free
            free = _free_bytes(disk) - 3 * 1024 * 1024
            out.write(b"\0" * max(free, 0))

        # In a process of its own, as a person runs it (in this process a failed close would keep the lock).
        result = subprocess.run(
            [SAMVERKAN, "import", str(big), "--store", str(store), "--no-validate"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 1, result.stderr
        assert "the disk is full (no space left on device)" in result.stderr
        assert "Traceback" not in result.stderr

        refused = None
        try:  # opening replays the log into a new file: with no room left it must say so
            GraphStore.open(store).close()
        except StoreError as exc:
            refused = str(exc)
        assert refused is None or "the disk is full" in refused
        filler.unlink()
        with GraphStore.open(store) as gs:
            assert set(gs.quads()) == before
            assert_merge_consistent(gs)


def _free_bytes(path) -> int:
    import os

    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize
