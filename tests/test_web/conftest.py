"""Fixtures of the workspace tests: the curated data of data/ (read, not validated), a client, a server."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from api.bench.measure import free_port, serving
from api.main import create_app
from api.settings import PROJECT_ROOT, Settings
from graph.ingest.build import read_data, read_ontology
from graph.store.embedded import GraphStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

SERVER = """
import sys
import pyoxigraph as ox
import uvicorn
from api.main import create_app
from api.settings import Settings
from graph.store.embedded import GraphStore

store = GraphStore.open(None)
store.add(ox.parse(path=sys.argv[1], format=ox.RdfFormat.N_QUADS))
app = create_app(Settings(store=None, token=None, query_workers=0), store=store)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def curated_quads() -> list[ox.Quad]:
    return [*read_ontology(PROJECT_ROOT / "ontology").quads, *read_data(PROJECT_ROOT / "data").quads]


@pytest.fixture(scope="session")
def curated_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("curated") / "curated.nq"
    with path.open("wb") as f:
        ox.serialize(curated_quads(), f, format=ox.RdfFormat.N_QUADS)
    return path


WRITE_TOKEN = "web-write-token"  # the token of ``writable``


def curated_client(curated_path: Path, token: str | None) -> Iterator[TestClient]:
    """A client of the curated data in a fresh in-memory store (writes allowed with ``token``)."""
    store = GraphStore.open(None)
    store.add(ox.parse(path=str(curated_path), format=ox.RdfFormat.N_QUADS))
    settings = Settings(store=None, token=token, query_workers=0)  # type: ignore[call-arg]
    with TestClient(create_app(settings, store=store)) as c:
        yield c


@pytest.fixture(scope="module")
def web(curated_path: Path) -> Iterator[TestClient]:
    """Read-only, shared by a module's tests."""
    yield from curated_client(curated_path, None)


@pytest.fixture
def writable(curated_path: Path) -> Iterator[TestClient]:
    """Writable with ``WRITE_TOKEN``, fresh for each test."""
    yield from curated_client(curated_path, WRITE_TOKEN)


@pytest.fixture(scope="module")
def site(curated_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    script = tmp_path_factory.mktemp("site") / "serve_site.py"
    script.write_text(SERVER, encoding="utf-8")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    args = [sys.executable, str(script), str(curated_path), str(port)]
    with serving(args, url=origin + "/listor", env=dict(os.environ), wait=90, cwd=PROJECT_ROOT):
        yield origin
