"""Errors on the strategists' pages as a page: in the page's language, with the way on, not a JSON body.

A browser that asks a page (``Accept`` preferring HTML, no other ``format``) and meets an error gets the
same status and headers as an API client would, with a page that says what happened in words, the
server's own message (English, escaped) kept for whoever reports it. The data endpoints (/api, /sparql,
/update, the Graph Store) always answer JSON: their clients are programs.
"""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.routes.pages import wants_html
from api.routes.web import render

log = logging.getLogger("samverkan.api")
DATA_PATHS = ("/api/", "/sparql", "/update", "/rdf-graphs", "/health", "/static/", "/docs", "/openapi.json")
# The words of a code, or of its status when the code has none of its own (api/messages: error_*).
KNOWN_CODES = (
    "not-found",
    "bad-parameter",
    "time-limit",
    "row-limit",
    "read-only",
    "unauthorized",
    "internal",
)
BY_STATUS = {400: "bad-request", 404: "not-found", 500: "internal", 503: "unavailable"}


def wants_page(request: Request) -> bool:
    """Tell whether the request is a browser's, for a page (not a data endpoint's client)."""
    path = request.url.path
    return (
        request.method in ("GET", "HEAD")
        and not any(path == p.rstrip("/") or path.startswith(p) for p in DATA_PATHS)
        and wants_html(request)
    )


def words_of(status: int, code: str) -> str:
    """The message key stem (``error_<stem>_title``, ``error_<stem>_text``) of an error."""
    stem = code if code in KNOWN_CODES else BY_STATUS.get(status, "other")
    return stem.replace("-", "_")


def error_page(
    request: Request, status: int, code: str, message: str, headers: dict[str, str]
) -> HTMLResponse | None:
    """The error as a page if a browser asked for a page, else None (answer JSON).

    A page that cannot be rendered (the templates or catalogues broken) falls back to JSON, logged.
    """
    if not wants_page(request):
        return None
    stem = words_of(status, code)
    # A value in the address the page cannot take: the same page without the values is a way on.
    chosen = [k for k in request.query_params if k not in ("lang", "format")]
    plain = request.url.path if status == 400 and chosen else None
    context = {"status": status, "code": code, "stem": stem, "message": message, "plain": plain}
    try:
        response = render(request, "error.html", context, status_code=status)
    except Exception:  # the error must still be answered: as JSON
        log.exception("the error page for %s could not be rendered", request.url.path)
        return None
    for name, value in headers.items():
        response.headers[name] = value
    return response


__all__ = ["error_page", "wants_page", "words_of"]
