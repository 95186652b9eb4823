"""Fixtures of the API tests: a store from a TriG fixture plus the ontology, clients, a real server.

Every test that uses a store or a server runs twice: over the embedded Oxigraph store and over the remote
backend on a real Virtuoso server (skipped where Virtuoso is not installed). Virtuoso is the session's;
each test reloads the fixture into it, so tests stay independent as over a fresh embedded store.
"""

from __future__ import annotations

import os
import subprocess
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from api.bench.measure import free_port, uvicorn_command
from api.bench.virtuoso import VirtuosoServer
from api.main import create_app
from api.settings import PROJECT_ROOT, Settings
from graph.ingest.build import read_ontology
from graph.store.embedded import GraphStore
from graph.store.protocol import Store

with warnings.catch_warnings():
    # Starlette deprecates TestClient on httpx in favour of httpx2, which the project does not depend on yet.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

FIXTURE = Path(__file__).parent / "fixture.trig"
TOKEN = "s3cret-test-token"
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"


def fixture_quads() -> list[ox.Quad]:
    """The fixture data plus the ontology, shapes and vocabularies (the writes are validated against them)."""
    return [*ox.parse(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG), *read_ontology(ONTOLOGY_DIR).quads]


@pytest.fixture(scope="session")
def quads() -> list[ox.Quad]:
    return fixture_quads()


BACKENDS = ["embedded", "virtuoso"]


def load_virtuoso(server: VirtuosoServer, quads: list[ox.Quad]) -> None:
    """Replace everything on the server with ``quads`` (bulk, through the Graph Store Protocol).

    Waits first (up to 90 s, beyond the server's 60 s query ceiling) until the server answers at once: a
    query a failed test left running would otherwise make this test fail too, and the next.
    """
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the session's Virtuoso at {server.query_url} has not answered for 90 s")
        time.sleep(1)
    with server.connect(timeout=120) as remote:
        remote.replace_graphs([], everything=True)
        remote.bulk_add(quads)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, quads: list[ox.Quad]) -> Iterator[Store]:
    """The fixture data in a fresh embedded store, or freshly loaded into the session's Virtuoso."""
    if request.param == "embedded":
        gs = GraphStore.open(None)
        gs.add(quads)
        yield gs
        return
    server: VirtuosoServer = request.getfixturevalue("virtuoso")
    load_virtuoso(server, quads)
    with server.connect() as remote:
        yield remote


def make_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {"store": None, "token": TOKEN, "cors_origins": ["http://localhost:3000"]}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(), store=store)) as c:
        yield c


@pytest.fixture
def readonly_client(store: GraphStore) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(token=None), store=store)) as c:
        yield c


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def backend_environment(
    request: pytest.FixtureRequest, quads: list[ox.Quad], directory: Path
) -> dict[str, str]:
    """Settings that point a server process at the fixture data on the requested backend."""
    if request.param == "embedded":
        path = directory / "store"
        with GraphStore.open(path) as gs:  # closing releases the store's lock before the server opens it
            gs.add(quads)
        return {"SAMVERKAN_STORE": str(path)}
    server: VirtuosoServer = request.getfixturevalue("virtuoso")
    load_virtuoso(server, quads)
    return dict(request.getfixturevalue("virtuoso_environment"))


def wait_ready(base: str, seconds: float = 120.0) -> None:
    """Wait until the server's query workers can answer at once (``/health/ready``).

    A server listens before its first worker has forked and before the memory copy takes over; on a loaded
    machine a query sent in that window may spend its whole time limit waiting for a worker.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if httpx.get(base + "/health/ready", timeout=5).status_code == 200:
            return
        time.sleep(0.1)
    health = httpx.get(base + "/health").text
    pytest.fail(f"the server's query workers were not ready within {seconds:.0f} s: {health}")


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, quads: list[ox.Quad]
) -> Iterator[str]:
    """A real uvicorn process on 127.0.0.1 over the fixture data, on each backend.

    Module-scoped: the slow-query tests leave an aggregate running in the server (it cannot be interrupted),
    so the process ends with the module rather than burning a core through the rest of the session.
    """
    port = free_port()
    env = {
        **os.environ,
        **backend_environment(request, quads, tmp_path_factory.mktemp("store")),
        "SAMVERKAN_TOKEN": TOKEN,
        "SAMVERKAN_QUERY_TIMEOUT": "5",
        "SAMVERKAN_MAX_RESULTS": "1000",
    }
    # The server's output goes to a file: a pipe nobody reads would block the server once it is full.
    log_path = tmp_path_factory.mktemp("log") / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        uvicorn_command(port), env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if proc.poll() is not None:
                pytest.fail(f"the server exited: {log_path.read_text(errors='replace')}")
            try:
                if httpx.get(base + "/sparql", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            pytest.fail("the server did not start within 10 s")
        wait_ready(base)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
