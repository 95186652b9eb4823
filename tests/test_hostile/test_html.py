"""Every HTML output shows hostile labels as text: escaped in the raw HTML, inert in a real browser."""

from __future__ import annotations

import re
from typing import Any

import pytest

from api.bench.chromium import CHROMIUM, CHROMIUM_ARGS
from api.settings import PROJECT_ROOT
from graph.store.embedded import GraphStore
from graph.views.report import make_report, render_report

from .conftest import IMG, SCRIPT

PAGES = [
    "/id/actor/xss-img",
    "/id/actor/xss-script",
    "/id/collaboration/xss",
    "/id/municipality/0182",  # hostile labels arrive as incoming links
    "/query",
    "/viz/collaboration",
    "/viz/ego?center=id:actor/xss-img",
    "/viz/actor-issues",
]


def assert_inert(html: str) -> None:
    """No hostile markup survives as markup: neither the tag nor the attribute breakout."""
    assert "<img src=x" not in html
    assert "<script>alert(1)</script>" not in html
    assert '"><script>' not in html
    assert not re.search(r"<img[^>]*onerror", html)


@pytest.mark.parametrize("path", PAGES)
def test_html_pages_escape_hostile_labels(client, path: str) -> None:
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert_inert(r.text)
    if path != "/query":
        assert "xss" in r.text  # the hostile resources are on the page, escaped
    if path.startswith("/id/actor/xss-img"):
        assert "&lt;img src=x onerror=alert(1)&gt;" in r.text  # shown, as text


def test_views_send_a_content_security_policy(client) -> None:
    r = client.get("/viz/collaboration")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src" in csp
    assert "'unsafe-eval'" not in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_round_report_escapes_hostile_labels(store: GraphStore) -> None:
    html = render_report(make_report(store, "2020"))
    assert_inert(html)


def test_query_page_script_writes_text_only() -> None:
    """The query page draws results with textContent, never innerHTML: labels from the store stay text."""
    script = (PROJECT_ROOT / "api" / "static" / "query.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script
    assert "insertAdjacentHTML" not in script
    assert "document.write" not in script


@pytest.mark.browser
@pytest.mark.slow
def test_resource_page_opens_no_dialog_in_chromium(client) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium for browser tests")
    from playwright.sync_api import sync_playwright

    pages = {
        p: client.get(p, headers={"Accept": "text/html"}).text
        for p in ("/id/actor/xss-img", "/id/actor/xss-script", "/viz/ego?center=id:actor/xss-img")
    }
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page: Any = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.route("**/*", lambda route: route.abort())  # offline: nothing leaves the page
            for html in pages.values():
                page.set_content(html, wait_until="load")
                page.wait_for_timeout(300)
                assert page.locator("img[onerror]").count() == 0
            page.set_content(pages["/id/actor/xss-img"])
            assert IMG in page.locator("body").inner_text()
            page.set_content(pages["/id/actor/xss-script"])
            assert SCRIPT in page.locator("body").inner_text()
        finally:
            browser.close()
    assert dialogs == []
