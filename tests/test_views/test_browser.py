"""Views in a real browser (Debian's headless Chromium, playwright): drawn, not blank, inert labels, offline.

Skipped only when /usr/bin/chromium is absent (CI installs it); never downloads a browser.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import numpy as np
import pytest
from PIL import Image

from api.bench.measure import free_port, serving
from api.settings import PROJECT_ROOT
from graph.store.embedded import GraphStore
from graph.views import make_view_from_graph, render_page
from graph.views.report import make_report, render_report

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
XSS_ID = "https://w3id.org/samverkan/id/actor/xss"
FADED = "rgba(190,190,190,0.35)"
DRAWN = (
    "() => window.samverkan && Object.keys(window.samverkan.views).length > 0 && "
    "Object.values(window.samverkan.views).every(v => v.drawnAt)"
)
WATCH_CSP = (
    "document.addEventListener('securitypolicyviolation', e => "
    "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"
)
SERVER = """
import sys
import pyoxigraph as ox
import uvicorn
from api.main import create_app
from api.routes import viz
from api.settings import Settings
from graph.store.embedded import GraphStore

store = GraphStore.open(None)
with open(sys.argv[1], "rb") as f:
    store.add(ox.parse(f.read(), format=ox.RdfFormat.TRIG))
app = create_app(Settings(store=None, token=None), store=store)
if not any(getattr(r, "path", "").startswith("/viz") for r in app.routes):
    app.include_router(viz.router)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


@dataclass
class Visit:
    page: Any
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def views(self) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = self.page.evaluate(
            """() => Object.fromEntries(Object.entries(window.samverkan.views).map(([k, v]) =>
                 [k, {nodes: v.nodes.length, edges: v.edges.length, data: v.data.nodes.length}]))"""
        )
        return result

    def csp_violations(self) -> list[str]:
        result: list[str] = self.page.evaluate("() => window.__csp || []")
        return result


def visit(browser: Any, url: str) -> Visit:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    v = Visit(page)
    page.add_init_script(WATCH_CSP)
    page.on("request", lambda r: v.requests.append(r.url))
    page.on("dialog", lambda d: (v.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: v.errors.append(str(e)))
    page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=30_000)
    return v


def assert_not_blank(png: bytes) -> None:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int).reshape(-1, 3)
    coloured = int(((pixels.max(axis=1) - pixels.min(axis=1)) > 40).sum())  # node colours, not white or grey
    assert coloured > 500
    assert len(np.unique(pixels, axis=0)) > 20


def assert_xss_is_text(v: Visit, view_id: str, node_id: str) -> None:
    page = v.page
    label = page.evaluate(
        f"() => window.samverkan.views[{view_id!r}].data.nodes.find(n => n.id === {node_id!r}).label"
    )
    assert label == XSS
    tip = page.evaluate(f"() => window.samverkan.views[{view_id!r}].showTip({node_id!r}).textContent")
    assert XSS in tip
    search = page.locator(f"#{view_id} .sv-search")
    search.fill("onerror")
    hit = page.locator(f"#{view_id} .sv-results button").first
    assert hit.text_content() == XSS
    hit.click()
    assert page.evaluate("() => document.querySelectorAll('img:not(.sv-print)').length") == 0
    assert v.dialogs == []


def test_view_file_in_browser(browser: Any, standin: nx.Graph, tmp_path: Path) -> None:
    path = tmp_path / "natverk.html"
    path.write_text(render_page(make_view_from_graph(standin, "collaboration")), encoding="utf-8")
    v = visit(browser, path.as_uri())
    views = v.views()
    assert views == {"sv-view-1": {"nodes": 5, "edges": 4, "data": 5}}
    assert "Ensamma föreningen" in v.page.locator(".sv-isolates").text_content()
    assert_not_blank(v.page.locator(".sv-network").screenshot())
    assert_xss_is_text(v, "sv-view-1", XSS_ID)
    assert v.requests == [path.as_uri()]
    assert v.csp_violations() == []
    assert v.errors == []
    v.page.close()


def test_view_click_fades_all_but_neighbours(browser: Any, standin: nx.Graph, tmp_path: Path) -> None:
    path = tmp_path / "natverk.html"
    path.write_text(render_page(make_view_from_graph(standin, "collaboration")), encoding="utf-8")
    v = visit(browser, path.as_uri())
    page = v.page
    base = "https://w3id.org/samverkan/id/"
    target = base + "actor/kulturskolan-nacka"
    point = page.evaluate(
        f"""() => {{ const n = window.samverkan.views['sv-view-1'].network;
              return n.canvasToDOM(n.getPosition({target!r})); }}"""
    )
    box = page.locator(".sv-network").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    colours = page.evaluate(
        "() => Object.fromEntries(window.samverkan.views['sv-view-1'].nodes.get().map(n => [n.id, n.color]))"
    )
    assert colours[base + "municipality/0183"] == FADED
    assert page.locator(".sv-panel").is_visible()
    assert colours[XSS_ID] != FADED
    assert colours[target] != FADED
    page.select_option(".sv-view select[data-filter='domain']", "kulturskola")
    hidden = page.evaluate(
        "() => window.samverkan.views['sv-view-1'].edges.get().filter(e => e.hidden).length"
    )
    assert hidden == 2
    page.close()


@pytest.fixture
def server(trig_path: Path, tmp_path: Path) -> Iterator[str]:
    script = tmp_path / "serve_views.py"
    script.write_text(SERVER, encoding="utf-8")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    args = [sys.executable, str(script), str(trig_path), str(port)]
    with serving(args, url=origin + "/viz", env=dict(os.environ), wait=60, cwd=PROJECT_ROOT):
        yield origin


def test_view_page_from_server_in_browser(browser: Any, server: str) -> None:
    v = visit(browser, server + "/viz/collaboration?lang=sv")
    assert v.views() == {"sv-view-1": {"nodes": 8, "edges": 5, "data": 8}}
    assert_not_blank(v.page.locator(".sv-network").screenshot())
    assert_xss_is_text(v, "sv-view-1", "https://w3id.org/samverkan/id/actor/xss-forening")
    assert v.requests
    assert all(url.startswith(server + "/") for url in v.requests)
    assert v.csp_violations() == []
    assert v.errors == []
    snippet = v.page.locator(".sv-embed textarea").input_value()
    assert snippet.startswith(
        f'<iframe src="{server}/viz/collaboration?lang=sv&amp;focus='
    )  # carries the state
    v.page.close()


def test_view_embeds_in_iframe(browser: Any, server: str) -> None:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server + "/viz")  # a page of the same server, to embed from
    snippet = (
        httpx.get(server + "/viz/municipalities", timeout=120).text.split("<textarea", 1)[1].split(">", 1)[1]
    )
    snippet = (
        snippet.split("</textarea>", 1)[0].replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
    )
    page.set_content(f"<h1>Rapport</h1>{snippet}")
    frame = page.frame_locator("iframe")
    frame.locator(".sv-view[data-drawn='true']").wait_for(timeout=30_000)
    assert all(url.startswith(server + "/") for url in requests)
    page.close()


def test_report_in_browser(browser: Any, store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "rapport.html"
    path.write_text(render_report(make_report(store, "2020")), encoding="utf-8")
    v = visit(browser, path.as_uri())
    views = v.views()
    assert set(views) == {"sv-collaboration", "sv-municipalities", "sv-actor-issues"}
    assert views["sv-collaboration"]["nodes"] == views["sv-collaboration"]["data"] > 0
    assert v.requests == [path.as_uri()]
    assert v.csp_violations() == []
    assert v.dialogs == []
    v.page.close()
