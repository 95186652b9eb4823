"""Pages for people: the query page, and every resource IRI dereferenced (HTML, Turtle or JSON-LD)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.engine import rdf_bytes
from api.negotiate import negotiate, parse_accept
from api.routes.resources import local_url
from graph.errors import UnknownResourceError
from graph.namespaces import BASE, PREFIXES, sparql_prefixes
from graph.store.embedded import GraphStore

router = APIRouter(tags=["pages"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")  # autoescape on
EXAMPLE = """SELECT ?municipality ?code ?label WHERE {
  ?municipality a sv:Municipality ; sv:municipalityCode ?code ;
    skos:prefLabel ?label .
  FILTER(LANG(?label) = "sv")
}
ORDER BY ?code
LIMIT 50
"""


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
@router.get("/query", response_class=HTMLResponse)
def read_query_page(request: Request) -> HTMLResponse:
    """Show the query page: an editor, the named queries as examples, a results table and downloads."""
    library = request.app.state.library
    return templates.TemplateResponse(
        request,
        "query.html",
        {"prefixes": sparql_prefixes(), "example": EXAMPLE, "queries": list(library.values())},
    )


def compact(iri: str) -> str:
    """Write an IRI as a prefixed name when one of our prefixes fits."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(ns) and re.fullmatch(r"[\w./-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def wants_html(request: Request) -> bool:
    """Tell whether the client prefers HTML to RDF (a browser does)."""
    fmt = request.query_params.get("format")
    if fmt:
        return fmt.lower() == "html"
    ranges = dict(parse_accept(request.headers.get("accept")))
    return ranges.get("text/html", 0) > 0 and ranges.get("text/html", 0) >= max(
        (q for m, q in ranges.items() if m not in ("text/html", "*/*")), default=0
    )


def _view(request: Request, term: Any) -> dict[str, str | None]:
    if isinstance(term, ox.NamedNode):
        return {"text": compact(term.value), "href": local_url(request, term.value)}
    if isinstance(term, ox.Literal):
        return {"text": term.value, "href": None, "lang": term.language}
    return {"text": str(term), "href": None}


def _describe(request: Request, iri: str) -> Response:
    store: GraphStore = request.app.state.store
    try:
        node = ox.NamedNode(iri)
    except ValueError:  # spaces or control characters: no resource can have this IRI
        msg = f"nothing is known about {iri!r}: it is not a valid IRI"
        raise UnknownResourceError(msg) from None
    triples = sorted(set(store.triples(node)), key=str)
    incoming = sorted(set(store.triples(object=node)), key=str)
    if not triples and not incoming:
        msg = f"nothing is known about <{iri}>"
        raise UnknownResourceError(msg)
    if wants_html(request):
        labels = [
            t.object.value
            for t in triples
            if t.predicate.value.endswith("#prefLabel") and isinstance(t.object, ox.Literal)
        ]
        rows = [{"p": _view(request, t.predicate), "o": _view(request, t.object)} for t in triples]
        back = [{"s": _view(request, t.subject), "p": _view(request, t.predicate)} for t in incoming[:500]]
        return templates.TemplateResponse(
            request,
            "resource.html",
            {
                "iri": iri,
                "title": labels[0] if labels else compact(iri),
                "rows": rows,
                "incoming": back,
            },
        )
    choice = negotiate(
        "graph", accept=request.headers.get("accept"), format=request.query_params.get("format")
    )
    assert choice.rdf is not None
    body = rdf_bytes(triples, choice.rdf)
    return Response(body, media_type=choice.media_type, headers={"Vary": "Accept"})


@router.get("/id/{path:path}", response_class=Response)
def read_resource(request: Request, path: str) -> Response:
    """Dereference a resource IRI https://w3id.org/samverkan/id/...: HTML, Turtle or JSON-LD."""
    return _describe(request, f"{BASE}id/{path}")


@router.get("/concept/{path:path}", response_class=Response)
def read_concept(request: Request, path: str) -> Response:
    """Dereference a concept IRI https://w3id.org/samverkan/concept/...: HTML, Turtle or JSON-LD."""
    return _describe(request, f"{BASE}concept/{path}")
