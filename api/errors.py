"""Our errors as HTTP answers: a status and a JSON body that says what to fix; else a logged 500.

Only our own errors (graph.errors, ApiError) become 4xx, here and nowhere else: a plain ValueError, or any
other exception from a library (networkx, pyoxigraph), is a fault of ours, answered 500 without its text.
A browser asking for a page gets the same status as a page instead (``add_error_handlers(page=...)``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    DefaultGraphWriteError,
    ForbiddenOperationError,
    IngestError,
    LimitExceededError,
    ParameterError,
    QueryError,
    RowLimitError,
    StoreError,
    UnknownResourceError,
    ValidationError,
)

log = logging.getLogger("samverkan.api")


class ApiError(Exception):
    """An HTTP-level refusal (auth, media types, sizes) with its status and a message for the client."""

    status = 400
    code = "bad-request"

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None) -> None:
        # ``class ReadOnlyError(ApiError, status=403, code="read-only")``; unsaid, the parent's.
        super().__init_subclass__()
        cls.status = cls.status if status is None else status
        cls.code = cls.code if code is None else code

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        self.message = message
        self.headers = headers or {}
        super().__init__(message)


class BadRequestError(ApiError):
    """400: the request is malformed (two queries, no query, wrong media type, not UTF-8)."""


class UnauthorizedError(ApiError, status=401, code="unauthorized"):
    """401: a write without a token, or with a wrong one."""

    def __init__(self, message: str) -> None:
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer realm="samverkan"'})


class ReadOnlyError(ApiError, status=403, code="read-only"):
    """403: this server takes no writes (no token configured)."""


class NotAcceptableError(ApiError, status=406, code="not-acceptable"):
    """406: nothing the client accepts can be produced for this answer."""


class EngineCrashedError(ApiError, status=500, code="engine-crashed"):
    """500: the query engine crashed or failed on this query; its worker process ended, nothing else did."""


class MemoryLimitError(ApiError, status=503, code="memory-limit"):
    """503: the query needed more memory than a query worker may use; its worker ended."""


class PayloadTooLargeError(ApiError, status=413, code="payload-too-large"):
    """413: the request body is larger than the server takes."""


class ErrorPublic(BaseModel):
    """The body of every error: a code, a message that says what to fix, and details if there are any."""

    model_config = ConfigDict(extra="allow")

    error: str
    message: str


def _described(text: str) -> dict[str, object]:
    # The schema inline, not as ``model``: FastAPI would file a model under the route's own media type
    # (text/html for pages), but errors are always JSON.
    schema = ErrorPublic.model_json_schema()
    return {"description": text, "content": {"application/json": {"schema": schema}}}


# Declared on every route (FastAPI(responses=...)): the statuses our handlers answer with, for OpenAPI.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    400: _described("The request, a parameter or the query is malformed, or the operation is forbidden"),
    401: _described("A write without the bearer token, or with a wrong one"),
    403: _described("This server is read-only (no token configured)"),
    404: _described("No such resource, graph, view or measure"),
    405: _described("Method not allowed here"),
    406: _described("No acceptable format for this answer"),
    413: _described("The request body is larger than the server takes"),
    500: _described("The query crashed the worker process that evaluated it (only this request failed)"),
    422: _described("The change breaks the shapes; nothing was written"),
    503: _described("The time limit was reached, or the store is unavailable; try again"),
}


def error_body(code: str, message: str, **extra: object) -> dict[str, object]:
    """Return the JSON body every error shares: a code, a message, and details where there are some."""
    return {"error": code, "message": message, **extra}


def _json(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: object
) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extra), status_code=status, headers=headers)


# Our errors whose own text says what to fix: their status and code.
_ANSWERED_WITH_THEIR_TEXT: dict[type[Exception], tuple[int, str]] = {
    ForbiddenOperationError: (400, "forbidden-operation"),
    QueryError: (400, "bad-query"),
    DefaultGraphWriteError: (400, "bad-request"),
    ParameterError: (400, "bad-parameter"),
    IngestError: (400, "bad-rdf"),
    UnknownResourceError: (404, "not-found"),
}


# An error as a page (status, code, message, headers), or None where the request wants JSON.
PageRenderer = Callable[[Request, int, str, str, dict[str, str]], Response | None]


def add_error_handlers(app: FastAPI, *, page: PageRenderer | None = None) -> None:
    """Install the mapping from our errors to statuses on ``app``; ``page`` renders them for browsers."""

    def answer(
        request: Request,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: object,
    ) -> Response:
        shown = page(request, status, code, message, headers or {}) if page is not None else None
        return shown if shown is not None else _json(status, code, message, headers, **extra)

    def with_text(status: int, code: str) -> Callable[[Request, Exception], Awaitable[Response]]:
        async def handler(request: Request, exc: Exception) -> Response:
            return answer(request, status, code, str(exc))

        return handler

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> Response:
        return answer(request, exc.status, exc.code, exc.message, exc.headers)

    for error, (status, code) in _ANSWERED_WITH_THEIR_TEXT.items():
        app.add_exception_handler(error, with_text(status, code))

    @app.exception_handler(ValidationError)
    async def _validation(request: Request, exc: ValidationError) -> Response:
        violations = [
            {
                "focus": v.focus,
                "property": v.path,
                "message": v.message,
                "value": v.value,
                "severity": v.severity,
            }
            for v in exc.violations
        ]
        message = f"the change breaks {len(violations)} shape(s); nothing was written"
        return answer(request, 422, "validation", message, violations=violations)

    @app.exception_handler(LimitExceededError)
    async def _limit(request: Request, exc: LimitExceededError) -> Response:
        # As Fuseki does: a query stopped by the time limit is 503 Service Unavailable. A reading past the
        # row cap is refused too (not answered from part of the rows), but asking again won't help.
        if isinstance(exc, RowLimitError):
            return answer(request, 503, "row-limit", str(exc))
        return answer(request, 503, "time-limit", str(exc), {"Retry-After": "1"})

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> Response:
        log.error("store error: %s", exc)
        message = "the store cannot be read or written now; try again later"
        return answer(request, 503, "store-unavailable", message)

    @app.exception_handler(RequestValidationError)
    async def _params(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"parameter": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        text = "; ".join(f"{p['parameter']}: {p['message']}" for p in problems)
        return answer(request, 400, "bad-parameter", text or "a parameter is malformed", problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not-found", 405: "method-not-allowed"}
        message = str(exc.detail) if exc.detail else "error"
        if exc.status_code == 405:
            message = "method not allowed here; see the Allow header and /docs"
        code = codes.get(exc.status_code, "error")
        return answer(request, exc.status_code, code, message, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return answer(request, 500, "internal", "an unexpected error occurred; it was logged")


__all__ = [
    "ERROR_RESPONSES",
    "ApiError",
    "BadRequestError",
    "EngineCrashedError",
    "ErrorPublic",
    "MemoryLimitError",
    "NotAcceptableError",
    "PayloadTooLargeError",
    "ReadOnlyError",
    "UnauthorizedError",
    "add_error_handlers",
    "error_body",
]
