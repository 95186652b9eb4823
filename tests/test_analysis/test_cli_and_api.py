"""The analysis from the command line and over HTTP."""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning
from typer.testing import CliRunner

from api.cli import app
from api.errors import add_error_handlers
from api.routes.analysis import make_router
from graph.analysis import MEASURES
from graph.namespaces import ID
from graph.store.embedded import GraphStore
from tests.test_analysis.conftest import REGION_TRIG, expand

with warnings.catch_warnings():
    # Starlette deprecates TestClient on httpx in favour of httpx2, which the project does not depend on yet.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    store = GraphStore.open(path)
    store.add(ox.parse(expand(REGION_TRIG).encode(), format=ox.RdfFormat.TRIG))
    store.flush()
    del store
    return path


def test_analyse_help_lists_every_measure() -> None:
    result = CliRunner().invoke(app, ["analyse", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    for name in MEASURES:
        assert name in result.output


def test_analyse_prints_csv_and_json(store_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["analyse", "betweenness", "--store", str(store_dir), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["node"] == str(ID["municipality/0182"])
    result = runner.invoke(
        app,
        [
            "analyse",
            "border_share",
            "--store",
            str(store_dir),
            "-f",
            "json",
            "--domain",
            "kulturskola",
            "--round",
            "2020",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["parameters"]["filters"]["round"] == str(ID["round/2020"])
    assert [r["year"] for r in data["rows"]] == [2020, 2020]


def test_analyse_writes_a_file_and_writes_back(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "ei.csv"
    result = CliRunner().invoke(
        app, ["analyse", "ei_index", "--store", str(store_dir), "-f", "csv", "-o", str(out), "--write-back"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("municipality,label,actors")
    store = GraphStore.open(store_dir, read_only=True)
    assert any(
        g.startswith("https://w3id.org/samverkan/graph/analysis/ei_index/") for g in store.graph_names()
    )


def test_analyse_reports_unknown_measures_and_bad_parameters(store_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["analyse", "closeness", "--store", str(store_dir)])
    assert result.exit_code == 1
    assert "unknown measure" in result.output
    result = runner.invoke(app, ["analyse", "degree", "--store", str(store_dir), "-p", "network=towns"])
    assert result.exit_code == 1


@pytest.fixture
def client(region: GraphStore) -> TestClient:
    api = FastAPI()
    add_error_handlers(api)  # our errors become 4xx there, as in create_app
    api.include_router(make_router(lambda: region))
    return TestClient(api)


def test_api_lists_measures(client: TestClient) -> None:
    data = client.get("/api/analysis").json()
    assert [m["name"] for m in data["measures"]] == list(MEASURES)
    assert "year" in data["filters"]


def test_api_serves_json_and_csv(client: TestClient) -> None:
    response = client.get("/api/analysis/betweenness", params={"network": "municipalities", "top": 2})
    assert response.status_code == 200
    data = response.json()
    assert data["parameters"]["network"] == "municipalities"
    assert len(data["rows"]) == 2
    response = client.get("/api/analysis/degree", headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.startswith("node,label,category,municipality,degree,strength")
    response = client.get("/api/analysis/degree", params={"format": "json"}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("application/json")


def test_api_applies_filters(client: TestClient) -> None:
    data = client.get("/api/analysis/isolates", params={"grouping": "constellation/2020-nacka"}).json()
    assert data["parameters"]["filters"]["grouping"] == str(ID["constellation/2020-nacka"])
    assert data["rows"] == []


def test_api_errors(client: TestClient) -> None:
    assert client.get("/api/analysis/closeness").status_code == 404
    assert client.get("/api/analysis/degree", params={"network": "towns"}).status_code == 400
    assert client.get("/api/analysis/degree", params={"format": "xml"}).status_code == 400
