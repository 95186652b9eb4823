"""Fixtures of the fault tests: a built store to copy, consistency checks, tmpfs and read-only mounts."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph.ingest.build import build_store
from graph.store.embedded import GraphStore

HERE = Path(__file__).parent
HELPER = HERE / "helper.py"


@pytest.fixture(scope="session")
def built_store(tmp_path_factory, data_dir, ontology_dir) -> Path:
    """A store built from data/ and ontology/, closed; copy it with ``copy_store`` before writing."""
    path = tmp_path_factory.mktemp("faults") / "built"
    with GraphStore.open(path) as gs:
        build_store(gs, data_dir=data_dir, ontology_dir=ontology_dir)
    return path


def copy_store(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def count_in_one_query(store: GraphStore, graph: str) -> tuple[int, int]:
    """Count one graph and the default graph in a single query, so both come from one snapshot."""
    rows = store.select(
        f"SELECT ?g ?all WHERE {{ {{ SELECT (COUNT(*) AS ?g) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} }}"
        " { SELECT (COUNT(*) AS ?all) WHERE { ?s ?p ?o } } }"
    )
    return int(rows[0]["g"].value), int(rows[0]["all"].value)


def assert_merge_consistent(store: GraphStore) -> None:
    """The default graph is exactly the de-duplicated merge of the named graphs (checked by Oxigraph)."""
    rows = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    )
    merged = int(rows[0]["n"].value)
    stray = store.query("ASK { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }")
    assert not bool(stray), "the default graph holds a statement no named graph holds"
    assert store.count() == merged


def assert_merge_consistent_exactly(store: GraphStore) -> None:
    """The same check in Python, over every quad (slower; for small stores and final checks)."""
    assert store.count() == len({q.triple for q in store.quads()})


def mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(
            f"cannot mount here ({result.stderr.strip() or result.returncode}): needs root in a sandbox"
        )


def unmount(path: Path) -> None:
    subprocess.run(["umount", str(path)], capture_output=True, check=False)
    if path.is_mount():
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextmanager
def tmpfs(path: Path, *, size: str) -> Iterator[Path]:
    """A tiny filesystem of its own at ``path``, to fill up."""
    path.mkdir(parents=True, exist_ok=True)
    mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    try:
        yield path
    finally:
        unmount(path)


@contextmanager
def read_only_view(source: Path, path: Path) -> Iterator[Path]:
    """``source`` seen through a read-only bind mount at ``path`` (chmod does not stop root)."""
    path.mkdir(parents=True, exist_ok=True)
    mount("--bind", str(source), str(path))
    try:
        mount("-o", "remount,bind,ro", str(path))
        yield path
    finally:
        unmount(path)
