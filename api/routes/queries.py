"""Named queries: one route per .rq file of the library, typed parameters, JSON or CSV, paged."""

from __future__ import annotations

import csv
import inspect
import io
import json
import logging
import time
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from api.deps import LibraryDep, require_writer
from api.engine import PlainPage, QueryRunner, time_limit_message
from api.engine import Request as QueryRequest
from api.protocol import parse_timeout
from api.routes.name_search import NameSearch
from api.routes.resources import _selector
from api.settings import Settings
from graph.aggregates.model import Term
from graph.aggregates.reading import lists_blocks, reading
from graph.errors import LimitExceededError, UnknownResourceError
from graph.queries.choices import check_values
from graph.queries.library import NamedQuery, Parameter, bind_parameters, read_named_queries

log = logging.getLogger("samverkan.api")
router = APIRouter(prefix="/api/queries", tags=["named queries"])
ROUTE_PREFIX = "named_query:"
DEFAULT_PAGE = 100

_PYTHON_TYPES: dict[str, Any] = {"integer": int, "decimal": float, "boolean": bool, "date": date}


class ParameterPublic(BaseModel):
    """A parameter of a named query."""

    name: str
    type: str
    default: str | None
    description: str


class NamedQueryPublic(BaseModel):
    """A named query of the library."""

    name: str
    title: str
    description: str
    url: str
    parameters: list[ParameterPublic]
    sparql: str


class NamedQueriesPublic(BaseModel):
    """The library of named queries."""

    count: int
    data: list[NamedQueryPublic]


def to_public(q: NamedQuery, request: Request) -> NamedQueryPublic:
    """Describe a named query for clients."""
    return NamedQueryPublic(
        name=q.name,
        title=q.title,
        description=q.description,
        url=str(request.url_for(ROUTE_PREFIX + q.name)),
        parameters=[
            ParameterPublic(
                name=p.name,
                type=(
                    f"concept({p.scheme})"
                    if p.scheme
                    else f"iri({'|'.join(p.classes)})"
                    if p.classes
                    else p.kind
                ),
                default=p.default,
                description=p.describe(),
            )
            for p in q.parameters
        ],
        sparql=q.sparql,
    )


@router.get("", response_model=NamedQueriesPublic)
def read_named_queries_list(request: Request, library: LibraryDep) -> NamedQueriesPublic:
    """List the named queries with their parameters."""
    data = [to_public(q, request) for q in library.values()]
    return NamedQueriesPublic(count=len(data), data=data)


@router.post("/reload", response_model=NamedQueriesPublic, dependencies=[Depends(require_writer)])
def reload_named_queries(request: Request) -> NamedQueriesPublic:
    """Read the query library again (bearer token) and publish its routes."""
    settings: Settings = request.app.state.settings
    library = read_named_queries(settings.queries_dir)
    install_named_queries(request.app, library)
    data = [to_public(q, request) for q in library.values()]
    return NamedQueriesPublic(count=len(data), data=data)


def page_response(
    request: Request, query: NamedQuery, page: PlainPage, *, limit: int, offset: int, fmt: str
) -> Response:
    """Answer one page of a named query as JSON (with a next link) or CSV (next link in the Link header).

    The JSON rows are the bytes the query worker wrote (``PlainPage``), set into the body as they are.
    """
    next_url = None
    if page.more:
        params = dict(request.query_params)
        params.update(limit=str(limit), offset=str(offset + limit))
        next_url = f"{request.url.path}?{urlencode(params)}"
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=page.variables, lineterminator="\n")
        writer.writeheader()
        writer.writerows(page.rows())
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
    head = {"query": query.name, "title": query.title, "columns": page.variables}
    tail = {"limit": limit, "offset": offset, "next": next_url, "seconds": round(page.seconds, 6)}
    body = b"".join((_json(head)[:-1], b',"rows":', page.rows_json, b",", _json(tail)[1:]))
    return Response(body, media_type="application/json", headers=headers)


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


# Reads of a page from blocks before its library text is read instead (see ``read_page``).
BLOCK_READS = 2


def read_page(
    runner: QueryRunner,
    query: NamedQuery,
    substitutions: Mapping[str, Term],
    *,
    timeout: float,
    limit: int,
    offset: int,
) -> PlainPage:
    """A page of a named query, from the aggregates where the store holds them: its end and a row more.

    A text that lists blocks (``# @blocks``) is read in two places: its picker reads the blocks from this
    process's store, and a query worker reads the rows from its memory copy. A write between the two, or one
    still being applied to the copy, could leave them from different states and the page short of rows. So
    the page stands only if the store's settled generation is the same before and after; otherwise it is
    read again, and after ``BLOCK_READS`` tries with the library's text, which lists no blocks. All within
    the one time limit. A server others write to keeps no generation: its pages are read once.
    """
    deadline = time.monotonic() + timeout
    store = runner.store

    def run(text: str, bindings: Mapping[str, Term]) -> PlainPage:
        left = deadline - time.monotonic()
        if left <= 0:
            raise LimitExceededError(time_limit_message(timeout))
        request = QueryRequest(text, timeout=left, limit=limit, offset=offset, substitutions=bindings)
        return runner.run_plain(request)

    for _ in range(BLOCK_READS):
        before = store.settled_generation
        text, bindings = reading(query, store, substitutions, rows=offset + limit + 1)
        page = run(text, bindings)
        if not lists_blocks(text) or store.write_generation is None:
            return page
        if before is not None and store.settled_generation == before:
            return page
        log.info("%s: a write came between a page's blocks and its rows; reading it again", query.name)
    return run(query.sparql, substitutions)


def make_endpoint(query: NamedQuery) -> Any:
    """Build the handler of one named query, with its parameters in the signature for FastAPI and OpenAPI."""

    def endpoint(request: Request, **kwargs: Any) -> Response:
        settings: Settings = request.app.state.settings
        runner: QueryRunner = request.app.state.runner
        limit, offset, fmt = kwargs.pop("limit"), kwargs.pop("offset"), kwargs.pop("format")
        timeout = parse_timeout(kwargs.pop("timeout"), server=settings.query_timeout)
        current: NamedQuery | None = request.app.state.library.get(query.name)
        if current is None:
            msg = f"no named query {query.name!r}; GET /api/queries lists them"
            raise UnknownResourceError(msg)
        values = {
            k: (None if v is None else str(v).lower() if isinstance(v, bool) else str(v))
            for k, v in kwargs.items()
        }
        substitutions = bind_parameters(current, values)
        check_values(_selector(runner, settings), current, substitutions)  # an unknown value is a 400
        limit = min(limit, settings.max_results)
        names: NameSearch | None = request.app.state.name_search
        found = None
        if names is not None:
            found = names.answer(current, substitutions, limit=limit, offset=offset)
        if found is not None:  # the label search, from the name index (api/routes/name_search.py)
            return page_response(request, current, found, limit=limit, offset=offset, fmt=fmt)
        page = read_page(runner, current, substitutions, timeout=timeout, limit=limit, offset=offset)
        return page_response(request, current, page, limit=limit, offset=offset, fmt=fmt)

    params = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for p in query.parameters:
        params.append(_signature_parameter(p))
    params += [
        inspect.Parameter(
            "limit",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[int, Query(ge=1, description="Rows per page")],
            default=DEFAULT_PAGE,
        ),
        inspect.Parameter(
            "offset",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[int, Query(ge=0, description="Rows to skip")],
            default=0,
        ),
        inspect.Parameter(
            "format",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[Literal["json", "csv"], Query()],
            default="json",
        ),
        inspect.Parameter(
            "timeout",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[str | None, Query(description="Seconds, below the server's limit")],
            default=None,
        ),
    ]
    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    endpoint.__name__ = f"query_{query.name.replace('-', '_')}"
    endpoint.__doc__ = query.title
    return endpoint


def _signature_parameter(p: Parameter) -> inspect.Parameter:
    kind = _PYTHON_TYPES.get(p.kind, str)
    default_note = (
        f" (default {p.default})" if p.default is not None else " (optional: left out, matches any)"
    )
    annotation = Annotated[kind | None, Query(description=p.describe() + default_note)]  # type: ignore[valid-type]
    return inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=None)


def install_named_queries(app: FastAPI, library: dict[str, NamedQuery]) -> None:
    """Publish one GET route per named query, replacing those of an earlier library."""
    app.router.routes[:] = [
        r for r in app.router.routes if not (isinstance(r, APIRoute) and r.name.startswith(ROUTE_PREFIX))
    ]
    for query in library.values():
        app.router.add_api_route(
            f"/api/queries/{query.name}",
            make_endpoint(query),
            methods=["GET"],
            name=ROUTE_PREFIX + query.name,
            summary=query.title,
            description=query.description or query.title,
            tags=["named queries"],
            response_class=Response,
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
        )
    app.state.library = library
    app.openapi_schema = None


__all__ = ["install_named_queries", "make_endpoint", "router"]
