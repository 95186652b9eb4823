"""What every workspace page shares: the language, links that keep it, the navigation, the template call."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.html_policy import link_target
from api.i18n import COOKIE, DEFAULT_LANG, Translator, languages, translator
from api.routes.resources import _selector, local_url
from graph.namespaces import BASE
from graph.queries.resources import Select

templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")  # autoescape on
NAV = (  # (message key, route name or path, view parameters)
    ("nav_overview", "read_overview", None),
    ("nav_municipalities", "/listor/kommuner", None),
    ("nav_actors", "/listor/aktorer", None),
    ("nav_collaborations", "/listor/samarbeten", None),
    ("nav_issues", "/listor/fragor", None),
    ("nav_rounds", "/listor/rundor", None),
    ("nav_reports", "/rapporter", None),
    ("nav_analysis", "/analys", None),
    ("nav_map", "/viz/municipalities", None),
    ("nav_network", "/viz/collaboration", None),
    ("nav_advanced", "/avancerat", None),
)
CACHE_SECONDS = 60.0
T = TypeVar("T")
_cache: dict[tuple[Any, ...], tuple[float, Any]] = {}
_cache_lock = Lock()


def cached(key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """Keep a slow result (measures, reports) for a minute: figures may lag a write by that much."""
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        value: T = hit[1]
        return value
    value = make()
    with _cache_lock:
        _cache[key] = (now, value)
    return value


def selector(request: Request) -> Select:
    """Run the readers' queries as the resource routes do: in the app's query runner, under its limits."""
    return _selector(request.app.state.runner, request.app.state.settings)


class Links:
    """Addresses for one request: keep a non-default language in every link, link IRIs to their profile."""

    def __init__(self, request: Request, t: Translator) -> None:
        self.request = request
        self.t = t

    def __call__(self, path: str, **params: Any) -> str:
        """The address of ``path`` (a path or a route name) with ``params`` and the page's language."""
        if not path.startswith("/"):
            path = self.request.app.url_path_for(path)
        query = {k: v for k, v in params.items() if v is not None and v != ""}
        if self.t.lang != DEFAULT_LANG or path.startswith("/viz/"):
            query.setdefault("lang", self.t.data_lang if path.startswith("/viz/") else self.t.lang)
        return f"{path}?{urlencode(query)}" if query else path

    def iri(self, iri: str | None) -> str | None:
        """A link to the profile of an IRI of ours, the IRI itself if http(s), else None (shown as text)."""
        if not iri:
            return None
        if iri.startswith(BASE):
            return self(local_url(self.request, iri).removeprefix(str(self.request.base_url)[:-1]))
        return link_target(iri)

    def switch(self, lang: str) -> str:
        """This page in another language."""
        params = dict(self.request.query_params)
        params["lang"] = lang
        return f"{self.request.url.path}?{urlencode(params)}"


def site_nav(request: Request) -> dict[str, Any]:
    """The workspace's navigation for pages of our own templates (the views, the reports)."""
    t = translator(request)
    links = Links(request, t)
    return {"label": t("nav_label"), "links": [(t(key), links(path)) for key, path, _ in NAV]}


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """Render a workspace page with the navigation, language switch and words of the request's language."""
    t = translator(request)
    links = Links(request, t)
    full = {
        "t": t,
        "lang": t.lang,
        "link": links,
        "languages": [(lang, links.switch(lang)) for lang in languages() if lang != t.lang],
        "nav": [(t(key), links(path), path) for key, path, _ in NAV],
        "current": request.url.path,
        **context,
    }
    response = templates.TemplateResponse(request, template, full, status_code=status_code)
    chosen = request.query_params.get("lang")
    if chosen and chosen == t.lang:
        response.set_cookie(COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax")
    return response


__all__ = ["CACHE_SECONDS", "Links", "cached", "render", "selector", "site_nav", "templates"]
