"""What every workspace page shares: the language, links that keep it, the navigation, the template call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar
from urllib.parse import urlencode
from weakref import WeakKeyDictionary

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.html_policy import link_target
from api.i18n import COOKIE, DEFAULT_LANG, Translator, languages, translator
from api.routes.resources import _selector, local_url
from graph.namespaces import BASE
from graph.queries.resources import Select
from graph.store.protocol import Store

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
T = TypeVar("T")
MAX_KEPT = 2000  # results kept per store (list pages are small; reports and measures are few)
# Per store (weakly: a closed store's results go with it), the generation the results were read at.
_cache: WeakKeyDictionary[Store, tuple[int, dict[tuple[Any, ...], Any]]] = WeakKeyDictionary()
_cache_lock = Lock()


def cached(store: Store, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """Keep a slow result (measures, reports, list choices) until the store's next write.

    The generation is read before ``make`` runs: a result computed while a write lands is filed under the
    older generation, so no later read is served it. A store others write to unseen (a SPARQL server)
    has no generation: then nothing is kept, rather than something stale.
    """
    generation = store.write_generation
    if generation is None:
        return make()
    with _cache_lock:
        held = _cache.get(store)
        if held is not None and held[0] == generation and key in held[1]:
            value: T = held[1][key]
            return value
    value = make()
    with _cache_lock:
        held = _cache.get(store)
        if held is None or held[0] < generation:
            held = _cache[store] = (generation, {})
        if held[0] == generation:
            if len(held[1]) >= MAX_KEPT:  # many distinct pages or filters: forget the oldest
                del held[1][next(iter(held[1]))]
            held[1][key] = value
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


__all__ = ["Links", "cached", "render", "selector", "site_nav", "templates"]
