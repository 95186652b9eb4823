"""Fixtures shared by every test package: the project's own data and ontology, and a Virtuoso server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.bench.virtuoso import VirtuosoServer, available, run_virtuoso

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return ROOT / "data"


@pytest.fixture(scope="session")
def ontology_dir() -> Path:
    return ROOT / "ontology"


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso server on free 127.0.0.1 ports, shared by the session and stopped when it ends.

    Tests that use it clear its graphs first; none may leave work running in it.
    """
    if not available():
        pytest.skip("virtuoso-t is not installed (Debian/Ubuntu: apt-get install virtuoso-opensource)")
    with run_virtuoso(tmp_path_factory.mktemp("virtuoso"), memory_gb=0.5) as server:
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
