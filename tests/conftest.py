"""Fixtures shared by every test package: the project's own data and ontology, and a Virtuoso server."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.bench.chromium import CHROMIUM, CHROMIUM_ARGS
from api.bench.virtuoso import VirtuosoServer, available, run_virtuoso

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return ROOT / "data"


@pytest.fixture(scope="session")
def ontology_dir() -> Path:
    return ROOT / "ontology"


@pytest.fixture(scope="session")
def named_world(data_dir: Path, ontology_dir: Path) -> bytes:
    """The curated data (real names, å, ä and ö) and a generated world of 400 actors, as N-Quads.

    For the label search within a region: the generated regions name their territory, the curated Region
    Stockholm does not (yet), so the curated data alone answers nothing there.
    """
    import pyoxigraph as ox

    from graph.ingest.build import build_store
    from graph.store.embedded import GraphStore
    from graph.synthetic.generate import generate

    store = GraphStore.open(None)
    build_store(store, data_dir=data_dir, ontology_dir=ontology_dir)
    store.bulk_add(generate(actors=400, seed=3))
    return store.inner.dump(format=ox.RdfFormat.N_QUADS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright, one per test module (pages, views, the map)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso server on free 127.0.0.1 ports, shared by the session and stopped when it ends.

    Tests that use it clear its graphs first; none may leave work running in it.
    """
    if not available():
        pytest.skip("virtuoso-t is not installed (Debian/Ubuntu: apt-get install virtuoso-opensource)")
    # 60 s: no test query needs more, and a stray one must not hold the shared server (and so every later
    # test's load) for Virtuoso's default of ten minutes.
    with run_virtuoso(tmp_path_factory.mktemp("virtuoso"), memory_gb=0.5, max_query_seconds=60) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_environment(virtuoso: VirtuosoServer) -> dict[str, str]:
    """The settings that point a server process (``samverkan serve``, uvicorn) at the session's Virtuoso."""
    return {
        "SAMVERKAN_BACKEND": "remote",
        "SAMVERKAN_SPARQL_QUERY_URL": virtuoso.query_url,
        "SAMVERKAN_SPARQL_UPDATE_URL": virtuoso.update_url,
        "SAMVERKAN_SPARQL_GRAPH_STORE_URL": virtuoso.graph_store_url,
        "SAMVERKAN_SPARQL_USER": virtuoso.user,
        "SAMVERKAN_SPARQL_PASSWORD": virtuoso.password,
        "SAMVERKAN_SPARQL_AUTH": "digest",
        "SAMVERKAN_SPARQL_TIME_LIMIT_PARAMETER": "timeout={ms}",
    }


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config._samverkan_exit = int(exitstatus)  # type: ignore[attr-defined]  # read at unconfigure


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Fail at once, naming them, if threads would keep the finished run from exiting.

    The interpreter joins every non-daemon thread at exit: a query left running in one (an engine step that
    cannot be interrupted) once held a finished run open for an hour. Threads that end within a grace period
    (idle AnyIO workers, closing clients) are waited for; any still running then are reported and the process
    ends with exit code 3 instead of hanging.
    """
    deadline = time.monotonic() + 30
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [t.name for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if stuck:
        print(f"\nnon-daemon threads still run (they would hold the run open): {stuck}", file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        status = getattr(config, "_samverkan_exit", 0)
        os._exit(status or 3)
