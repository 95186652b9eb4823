"""The snapshot warmer reads the kept snapshot at start and again once writes pause, never mid-burst."""

from __future__ import annotations

import threading
import time

import pyoxigraph as ox

from api.routes import kept
from api.routes.kept import SnapshotWarmer
from graph.store.embedded import GraphStore

SV = "https://w3id.org/samverkan/def#"


def _quad(i: int) -> ox.Quad:
    return ox.Quad(
        ox.NamedNode(f"https://w3id.org/samverkan/id/actor/warm-{i}"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(SV + "Actor"),
        ox.NamedNode("https://w3id.org/samverkan/graph/source/warm-test"),
    )


def _wait(until, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if until():
            return True
        time.sleep(0.05)
    return False


def test_warmer_reads_at_start_and_after_writes_pause(monkeypatch) -> None:
    reads: list[int | None] = []
    store = GraphStore.open(None)
    monkeypatch.setattr(kept, "kept_snapshot", lambda s: reads.append(s.write_generation))
    warmer = SnapshotWarmer(store, settle=0.3, poll=0.05).start()
    try:
        assert _wait(lambda: len(reads) == 1)  # at start
        for i in range(5):  # a burst: one reading after it, not one per write
            store.add([_quad(i)])
            time.sleep(0.02)
        assert _wait(lambda: len(reads) == 2)
        time.sleep(0.5)
        assert len(reads) == 2
        assert reads[-1] == store.write_generation  # the reading saw the last write
    finally:
        warmer.stop()


def test_warmer_is_not_started_for_a_store_handed_in() -> None:
    from api.main import create_app
    from tests.test_api.conftest import TestClient, make_settings

    store = GraphStore.open(None)
    with TestClient(create_app(make_settings(), store=store)):
        assert not any(t.name == "samverkan-snapshot-warmer" for t in threading.enumerate())
