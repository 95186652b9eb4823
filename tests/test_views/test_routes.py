"""The /viz routes: a page for an iframe, PNG and SVG, errors a client can act on."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from api.main import create_app
from api.routes import viz
from api.settings import Settings
from graph.store.embedded import GraphStore

with warnings.catch_warnings():
    # Starlette deprecates TestClient on httpx in favour of httpx2, which the project does not depend on yet.
    from starlette.exceptions import StarletteDeprecationWarning

    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


def make_app(store: GraphStore) -> FastAPI:
    app = create_app(Settings(store=None, token=None), store=store)
    if not any(getattr(r, "path", "").startswith("/viz") for r in app.routes):
        app.include_router(viz.router)
    return app


@pytest.fixture
def client(store: GraphStore) -> Iterator[TestClient]:
    with TestClient(make_app(store)) as c:
        yield c


def test_read_view_page(client: TestClient) -> None:
    r = client.get("/viz/collaboration", params={"domain": "scenkonst", "colour": "community"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "&lt;iframe src=&#34;http://testserver/viz/collaboration?domain=scenkonst" in r.text
    assert 'href="collaboration.png?domain=scenkonst&amp;colour=community"' in r.text
    assert "<img" not in r.text


@pytest.mark.parametrize(
    ("suffix", "media_type", "magic"),
    [
        pytest.param("png", "image/png", b"\x89PNG", id="png"),
        pytest.param("svg", "image/svg+xml", b"<?xml", id="svg"),
    ],
)
def test_read_view_picture(client: TestClient, suffix: str, media_type: str, magic: bytes) -> None:
    r = client.get(f"/viz/municipalities.{suffix}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media_type)
    assert r.content.startswith(magic)


def test_read_view_ego(client: TestClient) -> None:
    r = client.get("/viz/ego", params={"center": "0182", "radius": 2})
    assert r.status_code == 200
    assert "Nätverket kring Nacka kommun" in r.text


def test_read_view_not_found(client: TestClient) -> None:
    r = client.get("/viz/hairball")
    assert r.status_code == 404
    assert "collaboration" in r.json()["message"]


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"radius": 3}, id="radius"),
        pytest.param({"size": "eigen"}, id="measure"),
        pytest.param({"grouping": "a", "constellation": "b"}, id="two-groups"),
    ],
)
def test_read_view_bad_query(client: TestClient, params: dict[str, object]) -> None:
    r = client.get("/viz/collaboration", params=params)
    assert r.status_code == 400  # create_app answers malformed queries with 400
    assert r.json()["message"]


def test_read_view_ego_needs_center(client: TestClient) -> None:
    r = client.get("/viz/ego")
    assert r.status_code == 400
    assert "centre" in r.text


def test_list_views(client: TestClient) -> None:
    views = client.get("/viz").json()["views"]
    assert [v["name"] for v in views][:2] == ["collaboration", "municipalities"]
    assert views[0]["png"] == "http://testserver/viz/collaboration.png"
