"""Errors at the HTTP boundary: our own errors are 4xx that say what to fix; anything else is a logged 500."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator

import networkx as nx
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from api.main import create_app
from graph.errors import ParameterError
from graph.store.embedded import GraphStore
from tests.test_api.conftest import make_settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

SECRET = "/srv/samverkan/var/store: internal detail"


@pytest.fixture
def failing_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, list[BaseException]]]:
    """A client whose analysis route calls a graph function that raises what the test puts in the list."""
    raised: list[BaseException] = []

    def run_measure(*_: object, **__: object) -> None:
        raise raised[0]

    monkeypatch.setattr("api.routes.analysis.run_measure", run_measure)
    app = create_app(make_settings(), store=GraphStore.open(None))
    # The server's answer, not the exception: Starlette re-raises it for the server's log after answering.
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, raised


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(ValueError(SECRET), id="plain-value-error"),
        pytest.param(nx.NetworkXError(SECRET), id="networkx-error"),
        pytest.param(TypeError(SECRET), id="type-error"),
    ],
)
def test_read_measure_unexpected_error_is_a_500_without_its_text(failing_client, caplog, error):
    client, raised = failing_client
    raised.append(error)
    with caplog.at_level(logging.ERROR, logger="samverkan.api"):
        r = client.get("/api/analysis/degree")
    assert r.status_code == 500
    assert r.json() == {"error": "internal", "message": "an unexpected error occurred; it was logged"}
    assert SECRET not in r.text
    assert any(rec.exc_info and rec.exc_info[1] is error for rec in caplog.records)  # logged, with its trace


def test_read_measure_parameter_error_is_a_400_with_its_text(failing_client):
    client, raised = failing_client
    raised.append(ParameterError("parameter top: 'many' is not int"))
    r = client.get("/api/analysis/degree")
    assert r.status_code == 400
    assert r.json() == {"error": "bad-parameter", "message": "parameter top: 'many' is not int"}


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        pytest.param("/api/analysis/degree", {"network": "towns"}, "network", id="measure-parameter"),
        pytest.param("/api/analysis/degree", {"format": "xml"}, "json or csv", id="analysis-format"),
        pytest.param(
            "/viz/collaboration",
            {"grouping": "actor/sodertorn", "constellation": "constellation/2020-nacka"},
            "not both",
            id="view-filters",
        ),
        pytest.param("/viz/ego", {}, "centre", id="view-without-centre"),
    ],
)
def test_parameter_errors_of_graph_are_400(path, params, message):
    with TestClient(create_app(make_settings(), store=GraphStore.open(None))) as client:
        r = client.get(path, params=params)
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "bad-parameter"
    assert message in r.json()["message"]
