"""The SPARQL 1.1 Protocol endpoint: queries by GET and POST, updates by POST, the service description."""

from __future__ import annotations

import asyncio
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.deps import check_token
from api.engine import QueryRunner, Rendered, rdf_bytes, serialise, time_limit_message
from api.engine import Request as QueryRequest
from api.errors import BadRequestError
from api.negotiate import GRAPH_CHOICES, RESULT_CHOICES, negotiate
from api.protocol import (
    Operation,
    QueryForm,
    check_graph_iris,
    parse_timeout,
    query_form,
    read_operation,
    with_base,
    with_using,
)
from api.settings import Settings
from graph.errors import LimitExceededError
from graph.namespaces import RDF, SD
from graph.store.guard import check_query
from graph.writes import Change, Writer

router = APIRouter(tags=["sparql"])

TRUNCATED_HEADER = "X-Samverkan-Truncated"
# Texts longer than this are guarded and rewritten in a worker thread, off the event loop (a 9.6 MB query held
# the loop 1.6 s); shorter ones inline, where the thread hop would cost more than the reading.
OFF_LOOP_CHARS = 64 * 1024
_SPARQL_DOC = {
    "parameters": [
        {"name": "query", "in": "query", "schema": {"type": "string"}, "description": "A SPARQL 1.1 query"},
        {
            "name": "default-graph-uri",
            "in": "query",
            "schema": {"type": "array", "items": {"type": "string"}},
        },
        {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
        {
            "name": "format",
            "in": "query",
            "schema": {"type": "string"},
            "description": "json, xml, csv, tsv (SELECT, ASK); turtle, ntriples, jsonld, rdfxml (graphs)",
        },
        {
            "name": "timeout",
            "in": "query",
            "schema": {"type": "number"},
            "description": "Seconds; lower than the server's limit or ignored",
        },
    ],
}
_POST_DOC = {
    "requestBody": {
        "content": {
            "application/sparql-query": {"schema": {"type": "string"}},
            "application/sparql-update": {"schema": {"type": "string"}},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {"query": {"type": "string"}, "update": {"type": "string"}},
                },
            },
        },
    },
}


@router.get("/sparql", openapi_extra=_SPARQL_DOC, response_class=Response)
async def query_sparql(request: Request) -> Response:
    """Answer a SPARQL query (GET), or describe the service when no query is given."""
    settings: Settings = request.app.state.settings
    op = await read_operation(request, max_bytes=settings.max_body_bytes)
    if op.kind is None:
        return await run_in_threadpool(describe_service, request)
    return await answer_query(request, op)


@router.post("/sparql", openapi_extra=_POST_DOC, response_class=Response)
async def post_sparql(request: Request) -> Response:
    """Answer a SPARQL query or run an update sent by POST (form-encoded or as the body)."""
    settings: Settings = request.app.state.settings
    op = await read_operation(request, max_bytes=settings.max_body_bytes)
    if op.kind is None:
        msg = "the request holds no query: send a 'query' or 'update' form field, or the text as the body"
        raise BadRequestError(msg)
    if op.kind == "update":
        return await answer_update(request, op)
    return await answer_query(request, op)


async def answer_query(request: Request, op: Operation) -> Response:
    """Evaluate a query in a worker, answering at the deadline at the latest."""
    settings: Settings = request.app.state.settings
    runner: QueryRunner = request.app.state.runner
    if not op.text.strip():
        msg = "the query is empty"
        raise BadRequestError(msg)
    base = endpoint_url(request)
    if len(op.text) > OFF_LOOP_CHARS:  # reading a large text takes long enough to stall every other request
        op.text, form = await run_in_threadpool(checked_query, op.text, base)
    else:
        op.text, form = checked_query(op.text, base)
    check_graph_iris(op.default_graphs, "default-graph-uri")
    check_graph_iris(op.named_graphs, "named-graph-uri")
    timeout = parse_timeout(op.timeout, server=settings.query_timeout)
    accept, fmt = request.headers.get("accept"), op.format
    if form is not None:
        negotiate(form, accept=accept, format=fmt)  # a 406 before any work is done
    # Either parameter names the whole dataset (SPARQL 1.1 Protocol 2.1.4): the other part is then empty.
    named = bool(op.default_graphs or op.named_graphs)
    req = QueryRequest(
        op.text,
        timeout=timeout,
        limit=settings.max_results,
        default_graphs=op.default_graphs if named else None,
        named_graphs=op.named_graphs if named else None,
    )

    if runner.pool is not None:  # the worker stops at the deadline: ended by the pool, which then answers
        rendered = await run_in_threadpool(runner.render, req, accept=accept, format=fmt)
    else:
        future, cancel = runner.submit(req)
        try:
            result = await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except TimeoutError:
            cancel.set()
            raise LimitExceededError(time_limit_message(timeout)) from None
        choice = negotiate("graph" if result.kind == "graph" else "results", accept=accept, format=fmt)
        note = {"truncated": True, "max-results": settings.max_results} if result.more else None
        body = await run_in_threadpool(serialise, result, choice, note=note)
        rendered = Rendered(body, choice.media_type, result.more, result.seconds)
    body, media = rendered.body, rendered.media_type
    headers = {"Vary": "Accept", "X-Samverkan-Seconds": f"{rendered.seconds:.6f}"}
    if rendered.more:
        headers[TRUNCATED_HEADER] = f"max-results={settings.max_results}"
    charset = "" if media.endswith("+xml") or media == "application/rdf+xml" else "; charset=utf-8"
    return Response(body, media_type=media + charset, headers=headers)


async def answer_update(request: Request, op: Operation) -> Response:
    """Run a SPARQL update, after the token check, validated and atomic."""
    settings: Settings = request.app.state.settings
    check_token(settings, request.headers.get("authorization"))
    if not op.text.strip():
        msg = "the update is empty"
        raise BadRequestError(msg)
    check_graph_iris(op.default_graphs, "using-graph-uri")
    check_graph_iris(op.named_graphs, "using-named-graph-uri")
    if len(op.text) > OFF_LOOP_CHARS:
        text = await run_in_threadpool(with_using, op.text, op.default_graphs, op.named_graphs)
    else:
        text = with_using(op.text, op.default_graphs, op.named_graphs)
    writer: Writer = request.app.state.writer
    change = await run_in_threadpool(writer.update, text, base_iri=endpoint_url(request))
    return change_response(change)


def checked_query(text: str, base: str) -> tuple[str, QueryForm | None]:
    """Guard a query (SERVICE, nesting), give it the endpoint as base, and tell its form."""
    check_query(text)
    text = with_base(text, base)  # relative IRIs resolve against the endpoint
    return text, query_form(text)


def endpoint_url(request: Request) -> str:
    """The URL of the endpoint a request reached, without its query string: the base IRI of its text."""
    return str(request.url.replace(query="", fragment=""))


def change_response(change: Change, *, status: int = 200) -> Response:
    """Answer a write with what it changed and the warnings the shapes raised."""
    body: dict[str, Any] = {
        "added": change.added,
        "removed": change.removed,
        "warnings": [{"focus": w.focus, "property": w.path, "message": w.message} for w in change.warnings],
    }
    return JSONResponse(body, status_code=status)


def describe_service(request: Request) -> Response:
    """Build the SPARQL 1.1 Service Description of this endpoint, in the negotiated RDF format."""
    settings: Settings = request.app.state.settings
    store = request.app.state.store
    choice = negotiate(
        "graph", accept=request.headers.get("accept"), format=request.query_params.get("format")
    )
    endpoint = ox.NamedNode(str(request.url_for("query_sparql")))
    service, dataset, default = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")

    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(f"{SD}{local}")

    a = ox.NamedNode(str(RDF.type))
    triples = [
        ox.Triple(service, a, sd("Service")),
        ox.Triple(service, sd("endpoint"), endpoint),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, a, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, a, sd("Graph")),
    ]
    if settings.token:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    if settings.backend == "embedded":  # Oxigraph keeps an empty graph that CREATE GRAPH made; Virtuoso not
        triples.append(ox.Triple(service, sd("feature"), sd("EmptyGraphs")))
    # Not stated, as not offered: sd:BasicFederatedQuery (SERVICE is refused), sd:DereferencesURIs (FROM
    # names graphs of this store, never fetched); deliberate deviations: docs/conformance.md.
    for c in (*RESULT_CHOICES, *GRAPH_CHOICES):
        fmt = c.results or c.rdf
        if fmt is not None:
            triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(fmt.iri)))
    for i, g in enumerate(store.graph_names()):
        named = ox.BlankNode(f"g{i}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, sd("name"), ox.NamedNode(g)),
        ]
    assert choice.rdf is not None
    body = rdf_bytes(triples, choice.rdf, prefixes={"sd": str(SD), "rdf": str(RDF)})
    return Response(body, media_type=choice.media_type, headers={"Vary": "Accept"})


__all__ = ["TRUNCATED_HEADER", "answer_query", "answer_update", "change_response", "router"]
