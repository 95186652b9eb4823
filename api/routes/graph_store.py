"""The SPARQL 1.1 Graph Store HTTP Protocol at /rdf-graphs: read a graph freely, write it with the token."""

from __future__ import annotations

from typing import Annotated

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
from api.writes import Writer
from graph.errors import UnknownResourceError
from graph.ingest.rdf import parse_bytes
from graph.queries.library import expand_iri
from graph.store.embedded import GraphStore

router = APIRouter(prefix="/rdf-graphs", tags=["graph store"])

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
    except ValueError as exc:
        raise BadRequestError(str(exc)) from None


def _target(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(graph) if graph else ox.DefaultGraph()


@router.get("", response_class=Response)
def read_graph(
    request: Request, graph: GraphParam = None, default: DefaultParam = None, format: str | None = None
) -> Response:
    """Return one graph of the store in the negotiated RDF format."""
    store: GraphStore = request.app.state.store
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
    settings: Settings = request.app.state.settings
    kind = media_type(request)
    try:
        fmt = ox.RdfFormat.from_media_type(kind) if kind else None
    except ValueError:
        fmt = None
    # JSON-LD may hold named graphs, but the protocol takes it as a graph format: all goes to the target.
    if fmt is None or (fmt.supports_datasets and fmt != ox.RdfFormat.JSON_LD):
        msg = (
            f"media type {kind or '(none)'!r} is not an RDF graph format; send text/turtle, "
            "application/n-triples, application/ld+json or application/rdf+xml"
        )
        raise BadRequestError(msg)
    body = await read_body(request, max_bytes=settings.max_body_bytes)
    placeholder = iri or "urn:samverkan:default-graph"
    parsed = await run_in_threadpool(parse_bytes, body, format=fmt, graph=placeholder, name="request body")
    target = _target(iri)
    return [ox.Quad(q.subject, q.predicate, q.object, target) for q in parsed.quads]


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
    """Merge the body into a graph (bearer token), validated and atomic."""
    iri = target_graph(graph, default)
    quads = await _read_quads(request, iri)
    writer: Writer = request.app.state.writer
    existed = iri is None or writer.store.has_graph(iri)
    change = await run_in_threadpool(writer.add_to_graph, iri, quads)
    return change_response(change, status=200 if existed else 201)


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
