"""Pages for analysts and links: the query page (Avancerat), and every resource IRI dereferenced.

A browser asking for ``/id/…`` or ``/concept/…`` gets the resource's profile (api.routes.profiles);
Turtle, JSON-LD and the other RDF formats are chosen by ``Accept`` or ``?format=``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from api.engine import rdf_bytes
from api.i18n import Translator, translator
from api.negotiate import negotiate, parse_accept
from api.routes.profiles import compact, render_profile
from api.routes.web import cached, render, selector
from graph.errors import QueryError
from graph.namespaces import BASE, sparql_prefixes
from graph.queries.choices import Choice, read_choices
from graph.queries.library import NamedQuery, Parameter, bind_value
from graph.queries.resources import describe_resource
from graph.queries.workspace import Lang
from graph.store.protocol import Store

router = APIRouter(tags=["pages"])
EXAMPLE = """SELECT ?municipality ?code ?label WHERE {
  ?municipality a sv:Municipality ; sv:municipalityCode ?code ;
    skos:prefLabel ?label .
  FILTER(LANG(?label) = "sv")
}
ORDER BY ?code
LIMIT 50
"""


@router.get("/avancerat", response_class=HTMLResponse)
@router.get("/query", response_class=HTMLResponse)
def read_query_page(request: Request) -> HTMLResponse:
    """Show the query page: an editor, the named queries with forms for their parameters, results."""
    library: dict[str, NamedQuery] = request.app.state.library
    t = translator(request)
    lang: Lang = "en" if t.data_lang == "en" else "sv"
    select = selector(request)
    store: Store = request.app.state.store

    def choices(p: Parameter) -> list[Choice] | None:
        # One reading per kind of value, however many forms ask, kept until the store's next write.
        key = ("query-choices", p.kind, p.scheme, p.classes, lang)
        return cached(store, key, lambda: read_choices(select, p, lang))

    forms = [
        (q, [(p, choices(p), _selected(p, choices(p)), _hint(t, p)) for p in q.parameters])
        for q in library.values()
    ]
    words = {key: t(f"query_js_{key}") for key in JS_WORDS}  # raw, with {fields} the script fills in
    context = {
        "prefixes": sparql_prefixes(),
        "example": EXAMPLE,
        "queries": list(library.values()),
        "forms": forms,
        "words": {**words, "lang": lang},
    }
    return render(request, "query.html", context)


JS_WORDS = (  # the words query.js shows, from the catalogue (api/messages/*.toml: query_js_*)
    "running",
    "done",
    "answer",
    "yes",
    "no",
    "failed",
    "error",
    "truncated",
    "no_rows",
    "rows_one",
    "rows_other",
    "next",
)


def _hint(t: Translator, p: Parameter) -> str:
    """What a value of ``p`` looks like, in the page's language (the library's own words are English)."""
    if p.kind == "iri" and p.classes:
        return t("param_iri_of", classes=" / ".join(p.classes))
    return t(f"param_{p.kind}", scheme=p.scheme or "")


def _selected(p: Parameter, choices: list[Choice] | None) -> str | None:
    """The choice a parameter's default names, whatever its spelling (prefixed or full IRI, slug)."""
    if p.default is None or not choices:
        return None
    try:
        wanted = bind_value(p, p.default)
        return next((c.value for c in choices if bind_value(p, c.value) == wanted), None)
    except QueryError:
        return None


def wants_html(request: Request) -> bool:
    """Tell whether the client prefers HTML to RDF (a browser does)."""
    fmt = request.query_params.get("format")
    if fmt:
        return fmt.lower() == "html"
    ranges = dict(parse_accept(request.headers.get("accept")))
    return ranges.get("text/html", 0) > 0 and ranges.get("text/html", 0) >= max(
        (q for m, q in ranges.items() if m not in ("text/html", "*/*")), default=0
    )


def _describe(request: Request, iri: str) -> Response:
    if wants_html(request):
        return render_profile(request, iri)
    store: Store = request.app.state.store
    description = describe_resource(store, iri)
    choice = negotiate(
        "graph", accept=request.headers.get("accept"), format=request.query_params.get("format")
    )
    assert choice.rdf is not None
    body = rdf_bytes(description.triples, choice.rdf)
    return Response(body, media_type=choice.media_type, headers={"Vary": "Accept"})


@router.get("/id/{path:path}", response_class=Response)
def read_resource(request: Request, path: str) -> Response:
    """Dereference a resource IRI https://w3id.org/samverkan/id/...: HTML, Turtle or JSON-LD."""
    return _describe(request, f"{BASE}id/{path}")


@router.get("/concept/{path:path}", response_class=Response)
def read_concept(request: Request, path: str) -> Response:
    """Dereference a concept IRI https://w3id.org/samverkan/concept/...: HTML, Turtle or JSON-LD."""
    return _describe(request, f"{BASE}concept/{path}")


__all__ = ["compact", "router", "wants_html"]
