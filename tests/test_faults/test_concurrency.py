"""Concurrent readers and writers: readers see whole writes, writers serialise, a second writer is refused."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter

import pytest

from graph.errors import StoreError
from graph.store.embedded import GraphStore

from .conftest import HELPER, assert_merge_consistent_exactly, count_in_one_query
from .helper import statements

GRAPH = "https://w3id.org/samverkan/graph/import/kulturskolan"


def test_second_process_cannot_open_the_store_for_writing(tmp_path):
    code = (
        "import sys; from pathlib import Path; from graph.store.embedded import GraphStore\n"
        "try:\n    GraphStore.open(Path(sys.argv[1]))\n"
        "except Exception as exc:\n    print(type(exc).__name__, exc); sys.exit(3)"
    )
    with GraphStore.open(tmp_path / "store"):
        result = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / "store")], capture_output=True, text=True, check=False
        )
    assert result.returncode == 3, result.stderr
    assert result.stdout.startswith("StoreError")
    assert "the store is in use by another process" in result.stdout
    assert "open it read-only" in result.stdout


def test_same_process_cannot_open_the_store_twice_for_writing(tmp_path):
    with GraphStore.open(tmp_path / "store"), pytest.raises(StoreError, match="in use by another process"):
        GraphStore.open(tmp_path / "store")


@pytest.mark.parametrize("mirror", [pytest.param(False, id="disk"), pytest.param(True, id="disk-and-memory")])
def test_two_threads_writing_through_one_store_both_land(tmp_path, mirror):
    errors: list[BaseException] = []
    with GraphStore.open(tmp_path / "store", mirror=mirror) as gs:

        def write(name: str) -> None:
            try:
                for i in range(30):
                    gs.add(statements(f"{GRAPH}-{name}-{i}", 40, f"{name}-{i}"))
                    if i % 10 == 9:
                        gs.update(f"DELETE WHERE {{ GRAPH <{GRAPH}-{name}-{i - 5}> {{ ?s ?p ?o }} }}")
            except BaseException as exc:  # reported below, in the main thread
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(name,)) for name in ("nacka", "solna")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert len({q.graph_name for q in gs.quads()}) == 2 * 27  # 3 of each 30 emptied
        assert gs.count() == 2 * 27 * 40
        assert_merge_consistent_exactly(gs)
        if mirror:  # the memory copy took the same writes as the disk
            assert set(gs.inner) == set(gs.reader)


@pytest.mark.parametrize("mirror", [pytest.param(False, id="disk"), pytest.param(True, id="disk-and-memory")])
def test_reader_thread_sees_a_replaced_graph_before_or_after(tmp_path, mirror):
    seen: Counter[tuple[int, int]] = Counter()
    with GraphStore.open(tmp_path / "store", mirror=mirror) as gs:
        gs.add(statements(f"{GRAPH}-other", 50, "other"))
        before, after = statements(GRAPH, 400, "a"), statements(GRAPH, 900, "b")
        gs.replace_graphs(before, graphs=[GRAPH])
        done = threading.Event()

        def read() -> None:
            while not done.is_set():
                seen[count_in_one_query(gs, GRAPH)] += 1

        reader = threading.Thread(target=read)
        reader.start()
        for i in range(20):
            gs.replace_graphs(after if i % 2 == 0 else before, graphs=[GRAPH])
        done.set()
        reader.join()
    assert set(seen) <= {(400, 450), (900, 950)}, seen
    assert sum(seen.values()) > 5


def test_reader_process_sees_a_replaced_graph_before_or_after(tmp_path):
    store = tmp_path / "store"
    writer = subprocess.Popen(
        [sys.executable, str(HELPER), "replace", str(store), GRAPH, "300", "700"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        seen: Counter[int] = Counter()
        deadline = time.monotonic() + 4
        refused: list[str] = []
        while time.monotonic() < deadline:
            # A read-only view beside a writing process is a snapshot of the moment it opens; RocksDB may
            # remove files under it, which must surface as a clear StoreError, never as a half-written count.
            try:
                with GraphStore.open(store, read_only=True) as gs:
                    seen[gs.count(GRAPH)] += 1
            except StoreError as exc:
                refused.append(str(exc))
    finally:
        writer.kill()
        writer.communicate()
    assert set(seen) <= {300, 700}, seen
    assert sum(seen.values()) >= 3, (seen, refused)
    assert all("open it again" in m or "cannot open" in m for m in refused), refused
