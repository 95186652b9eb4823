"""Errors met on a page are a page: the same status, in the page's language, the server's message escaped."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from api.main import create_app
from api.settings import Settings
from graph.store.embedded import GraphStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def h1(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert found, html[:500]
    return found.group(1).strip()


@pytest.fixture(scope="module")
def limited(curated_path: Path) -> Iterator[TestClient]:
    """The curated data behind a server that hands out at most 3 rows a query."""
    store = GraphStore.open(None)
    store.add(ox.parse(path=str(curated_path), format=ox.RdfFormat.N_QUADS))
    settings = Settings(store=None, token=None, query_workers=0, max_results=3)  # type: ignore[call-arg]
    with TestClient(create_app(settings, store=store)) as client:
        yield client


def test_a_missing_resource_is_a_page_in_swedish_then_english(web) -> None:
    r = web.get("/id/actor/finns-inte", headers=BROWSER)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="sv">' in r.text
    assert h1(r.text) == "Sidan finns inte"
    assert "https://w3id.org/samverkan/id/actor/finns-inte" in r.text  # the server's own message
    assert 'href="/listor' in r.text  # a way on
    english = web.get("/id/actor/finns-inte", params={"lang": "en"}, headers=BROWSER)
    web.cookies.clear()  # the switch is remembered; the module's other pages are asked in Swedish
    assert english.status_code == 404
    assert h1(english.text) == "No such page"
    assert '<html lang="en">' in english.text


def test_a_program_still_gets_json(web) -> None:
    for path, headers in [
        ("/id/actor/finns-inte", {"Accept": "text/turtle"}),
        ("/id/actor/finns-inte", {}),
        ("/api/actors/finns-inte", {**BROWSER}),  # a data endpoint answers JSON even to a browser
    ]:
        r = web.get(path, headers=headers, params={"iri": "https://w3id.org/samverkan/id/actor/finns-inte"})
        assert r.status_code in (400, 404), (path, r.text)
        assert r.headers["content-type"].startswith("application/json"), path
        assert r.json()["error"] in ("not-found", "bad-parameter")


def test_the_message_on_an_error_page_is_escaped(web) -> None:
    r = web.get("/id/actor/<script>alert(1)</script>", headers=BROWSER)
    assert r.status_code == 404
    assert "<script>alert(1)" not in r.text
    assert "&lt;script&gt;alert(1)" in r.text


def test_an_unknown_filter_value_names_the_value_on_the_page(web) -> None:
    r = web.get("/listor/samarbeten", params={"domain": "opera"}, headers=BROWSER)
    assert r.status_code == 400
    assert h1(r.text) == "Ett värde i adressen känns inte igen"
    assert "domain" in r.text
    assert "opera" in r.text
    assert 'href="/listor/samarbeten"' in r.text  # the way on: the list without the value


def test_a_page_past_the_row_cap_says_so_without_retry(limited) -> None:
    r = limited.get("/listor/kommuner", headers=BROWSER)
    assert r.status_code == 503
    assert h1(r.text) == "Svaret blev för stort"
    assert "SAMVERKAN_MAX_RESULTS" in r.text
    assert "Retry-After" not in r.headers
    assert limited.get("/api/municipalities").json()["error"] == "row-limit"
