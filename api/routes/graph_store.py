"""The SPARQL 1.1 Graph Store HTTP Protocol at /rdf-graphs: read a graph freely, write it with the token."""

from __future__ import annotations

import re
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from functools import partial
from typing import Annotated, Any, cast

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import require_writer
from api.engine import rdf_bytes
from api.errors import BadRequestError
from api.negotiate import negotiate
from api.protocol import media_type, read_body
from api.routes.sparql import change_response
from api.settings import Settings
from graph.errors import QueryError, UnknownResourceError
from graph.ingest.rdf import parse_bytes
from graph.namespaces import GRAPH
from graph.queries.library import expand_iri
from graph.store.protocol import Store
from graph.writes import Writer

router = APIRouter(prefix="/rdf-graphs", tags=["graph store"])
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")

GraphParam = Annotated[str | None, Query(description="IRI of the graph (or use ?default)")]
DefaultParam = Annotated[str | None, Query(description="Present (empty) to mean the default graph")]
_BODY_DOC = {
    "requestBody": {
        "content": {
            t: {"schema": {"type": "string"}}
            for t in ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
        },
    },
}


def target_graph(graph: str | None, default: str | None) -> str | None:
    """Return the graph IRI a request names, or ``None`` for the default graph.

    Raises:
        BadRequestError: neither or both of ``graph`` and ``default`` were given, or the IRI is malformed.
    """
    if (graph is None) == (default is None):
        msg = "name exactly one graph: ?graph=IRI or ?default"
        raise BadRequestError(msg)
    if graph is None:
        return None
    try:
        return expand_iri(graph)
    except QueryError as exc:
        if _ABSOLUTE.match(graph.strip()):  # any absolute IRI, urn: included, as SPARQL Update creates them
            try:
                return ox.NamedNode(graph.strip()).value
            except ValueError:
                pass
        raise BadRequestError(str(exc)) from None


def _target(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(graph) if graph else ox.DefaultGraph()


# HEAD answers as GET does (RFC 9110); kept out of the OpenAPI schema so the operation ids stay unique.
@router.get("", response_class=Response)
@router.head("", response_class=Response, include_in_schema=False)
def read_graph(
    request: Request, graph: GraphParam = None, default: DefaultParam = None, format: str | None = None
) -> Response:
    """Return one graph of the store in the negotiated RDF format."""
    store: Store = request.app.state.store
    iri = target_graph(graph, default)
    if iri is not None and not store.has_graph(iri):
        msg = f"the store holds no graph <{iri}>; GET /sparql lists the graphs it holds"
        raise UnknownResourceError(msg)
    choice = negotiate("graph", accept=request.headers.get("accept"), format=format)
    assert choice.rdf is not None
    triples = store.triples(graph=iri)
    body = rdf_bytes(triples, choice.rdf)
    return Response(body, media_type=choice.media_type, headers={"Vary": "Accept"})


async def _read_quads(request: Request, iri: str | None) -> list[ox.Quad]:
    """Parse the body (one RDF document, or a multipart/form-data of them) into quads of the target graph.

    Raises:
        BadRequestError: a media type that is not an RDF graph format, or a body that does not parse.
    """
    settings: Settings = request.app.state.settings
    kind = media_type(request)
    body = await read_body(request, max_bytes=settings.max_body_bytes)
    if kind == "multipart/form-data":  # Graph Store Protocol 5.5: each part is a document to merge
        parts = _multipart_documents(request.headers.get("content-type", ""), body)
    else:
        parts = [(kind, body)]
    target = _target(iri)
    quads: list[ox.Quad] = []
    for i, (part_kind, data) in enumerate(parts):
        name = "request body" if len(parts) == 1 else f"part {i + 1} of the request body"
        fmt = _graph_format(part_kind, name)
        graph = iri or "urn:samverkan:default-graph"
        parsed = await run_in_threadpool(
            partial(parse_bytes, data, format=fmt, graph=graph, name=name, base_iri=iri)
        )
        fresh: dict[str, ox.BlankNode] = {}  # each document's blank nodes are its own

        def own(t: Any, fresh: dict[str, ox.BlankNode] = fresh) -> Any:
            return fresh.setdefault(t.value, ox.BlankNode()) if isinstance(t, ox.BlankNode) else t

        quads += [ox.Quad(own(q.subject), q.predicate, own(q.object), target) for q in parsed.quads]
    return quads


def _graph_format(kind: str, name: str) -> ox.RdfFormat:
    """The RDF graph format of a media type; JSON-LD may hold named graphs, but the target takes them all.

    Raises:
        BadRequestError: not an RDF graph format.
    """
    try:
        fmt = ox.RdfFormat.from_media_type(kind) if kind else None
    except ValueError:
        fmt = None
    if fmt is None or (fmt.supports_datasets and fmt != ox.RdfFormat.JSON_LD):
        msg = (
            f"the {name} has media type {kind or '(none)'!r}, not an RDF graph format; send text/turtle, "
            "application/n-triples, application/ld+json or application/rdf+xml"
        )
        raise BadRequestError(msg)
    return fmt


def _multipart_documents(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    """Split a multipart/form-data body into (media type, bytes) parts.

    Raises:
        BadRequestError: no parts (a missing boundary or a malformed body).
    """
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", errors="replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    parts = [
        (part.get_content_type(), cast(bytes, part.get_payload(decode=True) or b""))
        for part in message.walk()
        if not part.is_multipart()
    ]
    if not message.is_multipart() or not parts:
        msg = "the multipart/form-data body holds no parts: check its boundary"
        raise BadRequestError(msg)
    return parts


@router.put("", openapi_extra=_BODY_DOC, dependencies=[Depends(require_writer)], response_class=Response)
async def replace_graph(request: Request, graph: GraphParam = None, default: DefaultParam = None) -> Response:
    """Replace a graph by the body (bearer token), validated and atomic."""
    iri = target_graph(graph, default)
    quads = await _read_quads(request, iri)
    writer: Writer = request.app.state.writer
    existed = iri is None or writer.store.has_graph(iri)
    change = await run_in_threadpool(writer.replace_graph, iri, quads)
    return change_response(change, status=200 if existed else 201)


@router.post("", openapi_extra=_BODY_DOC, dependencies=[Depends(require_writer)], response_class=Response)
async def add_to_graph(request: Request, graph: GraphParam = None, default: DefaultParam = None) -> Response:
    """Merge the body into a graph (bearer token), validated and atomic.

    Without ``?graph`` or ``?default`` the body becomes a new graph of its own (Graph Store Protocol 5.5):
    201 Created, its IRI in ``Location``.
    """
    created = graph is None and default is None
    iri = str(GRAPH[f"posted/{uuid.uuid4()}"]) if created else target_graph(graph, default)
    quads = await _read_quads(request, iri)
    writer: Writer = request.app.state.writer
    existed = iri is None or writer.store.has_graph(iri)
    change = await run_in_threadpool(writer.add_to_graph, iri, quads)
    response = change_response(change, status=200 if existed else 201)
    if created:
        response.headers["Location"] = str(iri)
    return response


@router.delete("", dependencies=[Depends(require_writer)], response_class=Response)
def delete_graph(request: Request, graph: GraphParam = None, default: DefaultParam = None) -> Response:
    """Drop a graph (bearer token), validated and atomic."""
    writer: Writer = request.app.state.writer
    iri = target_graph(graph, default)
    if iri is not None and not writer.store.has_graph(iri):
        msg = f"the store holds no graph <{iri}>"
        raise UnknownResourceError(msg)
    change = writer.replace_graph(iri, [])
    return change_response(change)


# Direct graph identification (Graph Store Protocol 4.1): the request URL, without query, is the graph IRI.
def direct_graph(request: Request) -> str:
    """The IRI of the graph a request names directly: its own URL, without query or fragment."""
    return str(request.url.replace(query="", fragment=""))


@router.get("/{path:path}", response_class=Response, include_in_schema=False)
@router.head("/{path:path}", response_class=Response, include_in_schema=False)
def read_graph_direct(request: Request, path: str, format: str | None = None) -> Response:
    """GET or HEAD the graph whose IRI is the request URL."""
    return read_graph(request, graph=direct_graph(request), format=format)


@router.put("/{path:path}", dependencies=[Depends(require_writer)], response_class=Response)
async def replace_graph_direct(request: Request, path: str) -> Response:
    """Replace the graph whose IRI is the request URL (bearer token)."""
    return await replace_graph(request, graph=direct_graph(request))


@router.post("/{path:path}", dependencies=[Depends(require_writer)], response_class=Response)
async def add_to_graph_direct(request: Request, path: str) -> Response:
    """Merge the body into the graph whose IRI is the request URL (bearer token)."""
    return await add_to_graph(request, graph=direct_graph(request))


@router.delete("/{path:path}", dependencies=[Depends(require_writer)], response_class=Response)
def delete_graph_direct(request: Request, path: str) -> Response:
    """Drop the graph whose IRI is the request URL (bearer token)."""
    return delete_graph(request, graph=direct_graph(request))
