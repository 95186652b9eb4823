"""The HTTP API over Virtuoso answers as it does over the embedded store (curated data, real servers)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.bench.measure import free_port, uvicorn_command
from api.bench.virtuoso import VirtuosoServer
from graph.analysis import MEASURES
from graph.ingest.build import build_store
from graph.queries.library import read_named_queries
from graph.store.embedded import GraphStore
from graph.views.catalogue import VIEWS

from .conftest import open_remote

ROOT = Path(__file__).resolve().parents[2]


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        uvicorn_command(port),
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/sparql", timeout=2)
            return process, url
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("the server did not start within 90 s")


@pytest.fixture(scope="module")
def servers(
    virtuoso: VirtuosoServer, virtuoso_environment: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    path = tmp_path_factory.mktemp("api") / "store"
    with GraphStore.open(path) as local:
        build_store(local, data_dir=ROOT / "data", ontology_dir=ROOT / "ontology")
        quads = list(local.quads())
    remote = open_remote(virtuoso)
    remote.replace_graphs([], everything=True)
    remote.bulk_add(quads)
    remote.close()
    embedded, embedded_url = serve({"SAMVERKAN_STORE": str(path)})
    over_virtuoso, remote_url = serve(virtuoso_environment)
    try:
        yield {"embedded": embedded_url, "remote": remote_url}
    finally:
        for process in (embedded, over_virtuoso):
            process.terminate()
            process.wait(timeout=30)


NAMED = sorted(read_named_queries(ROOT / "graph" / "queries"))


@pytest.mark.parametrize("name", NAMED)
def test_named_query_answers_the_same_over_virtuoso(servers: dict[str, str], name: str) -> None:
    answers = {
        backend: httpx.get(f"{url}/api/queries/{name}", params={"format": "csv", "limit": 1000}, timeout=60)
        for backend, url in servers.items()
    }
    assert answers["remote"].status_code == answers["embedded"].status_code == 200, answers["remote"].text
    lines = {backend: sorted(r.text.splitlines()) for backend, r in answers.items()}
    assert lines["remote"] == lines["embedded"]


def canonical(value: object) -> object:
    """Sort nested lists, since a server may give equal rows in another order."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


@pytest.mark.parametrize(
    "path",
    [
        "/api/municipalities",
        "/api/actors?search=%C3%B6stra",
        "/api/actors?search=%C3%96STRA",
        "/api/collaborations",
        "/api/issues",
    ],
)
def test_resources_answer_the_same_over_virtuoso(servers: dict[str, str], path: str) -> None:
    texts = {backend: httpx.get(url + path, timeout=60).text for backend, url in servers.items()}
    embedded = json.loads(texts["embedded"].replace(servers["embedded"], servers["remote"]))
    remote = json.loads(texts["remote"])
    assert remote["count"] == embedded["count"] > 0
    assert canonical(remote["data"]) == canonical(embedded["data"])


def test_sparql_endpoint_over_virtuoso_counts_each_statement_once(servers: dict[str, str]) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?m a sv:Municipality ; sv:municipalityCode ?code }"
    counts = {
        backend: httpx.post(
            f"{url}/sparql", data={"query": query}, headers={"Accept": "text/csv"}, timeout=120
        ).text
        for backend, url in servers.items()
    }
    assert counts["remote"] == counts["embedded"] == "n\r\n26\r\n"


def rounded(value: object) -> object:
    """Round floats, since the two engines may sum weights in another order."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


@pytest.mark.parametrize("measure", sorted(MEASURES))
def test_analysis_answers_the_same_over_virtuoso(servers: dict[str, str], measure: str) -> None:
    answers = {
        backend: httpx.get(f"{url}/api/analysis/{measure}", timeout=120) for backend, url in servers.items()
    }
    assert answers["remote"].status_code == answers["embedded"].status_code == 200, answers["remote"].text
    texts = {b: r.text.replace(servers[b], "http://host") for b, r in answers.items()}
    embedded, remote = (canonical(rounded(json.loads(texts[b]))) for b in ("embedded", "remote"))
    assert remote == embedded


VIEW_DATA = re.compile(r'<script type="application/json" id="[^"]*-data">(.*?)</script>', re.DOTALL)


@pytest.mark.parametrize("view", sorted(set(VIEWS) - {"ego"}))
def test_views_draw_the_same_graph_over_virtuoso(servers: dict[str, str], view: str) -> None:
    graphs = {}
    for backend, url in servers.items():
        r = httpx.get(f"{url}/viz/{view}", timeout=120)
        assert r.status_code == 200, r.text
        found = VIEW_DATA.search(r.text)
        assert found, "the page carries no view data"
        data = json.loads(found.group(1))
        graphs[backend] = (
            sorted(n["id"] for n in data["nodes"]),
            sorted(tuple(sorted((str(e["from"]), str(e["to"])))) for e in data["edges"]),
        )
    assert graphs["remote"] == graphs["embedded"]
    assert graphs["embedded"][0], "the view has no nodes"
