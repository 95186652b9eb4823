"""Network views over HTTP: ``/viz/{view}`` is a self-contained page for an iframe; PNG and SVG for print."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import get_store
from api.html_policy import EMBEDDABLE
from api.routes.web import site_nav
from graph.store.protocol import Store
from graph.views import (
    VIEWS,
    ViewData,
    ViewOptions,
    ViewQuery,
    load_assets,
    make_view,
    render_page,
)

router = APIRouter(prefix="/viz", tags=["views"])


def _picture(data: ViewData, fmt: Any, *, paper: Any) -> bytes:
    # matplotlib is imported on the first picture, so that the server starts without it.
    from graph.views.picture import render_picture

    return render_picture(data, fmt, paper=paper)


class ViewParams:
    """The query string of a view: what to show (filters, centre) and how (colour, size, language)."""

    def __init__(
        self,
        year: Annotated[
            int | None, Query(ge=1900, le=2200, description="Collaborations active that year.")
        ] = None,
        round: Annotated[str | None, Query(description="Dialogue round: a year or id:round/… .")] = None,
        domain: Annotated[str | None, Query(description="Domain slug, e.g. kulturskola.")] = None,
        grouping: Annotated[str | None, Query(description="Only the members of this grouping.")] = None,
        constellation: Annotated[
            str | None, Query(description="Only the members of this constellation.")
        ] = None,
        category: Annotated[str | None, Query(description="Actor category, e.g. culture-school.")] = None,
        center: Annotated[str | None, Query(description="Ego view: the actor or municipality.")] = None,
        radius: Annotated[int, Query(ge=1, le=2, description="Ego view: steps out.")] = 1,
        network: Annotated[Literal["actors", "municipalities"], Query()] = "actors",
        colour: Annotated[Literal["category", "community"], Query()] = "category",
        size: Annotated[
            Literal["betweenness", "degree", "strength", "pagerank", "none"], Query()
        ] = "betweenness",
        lang: Annotated[Literal["sv", "en"], Query()] = "sv",
        max_nodes: Annotated[int, Query(ge=10, le=50_000, description="Aggregate above this size.")] = 3000,
        multi: Annotated[
            Literal["bipartite", "pairs"],
            Query(description="Collaborations of 3+ parties: own node or pairs."),
        ] = "bipartite",
        measure: Annotated[
            Literal["collaborations", "partners", "issues", "population"],
            Query(description="The map's colour."),
        ] = "collaborations",
        star: Annotated[
            bool, Query(description="The map: agreements of 3+ municipalities as stars.")
        ] = False,
        paper: Annotated[
            Literal["a4-landscape", "a4-portrait"], Query(description="Pictures: A4.")
        ] = "a4-landscape",
        focus: Annotated[
            str | None, Query(description="The page: the node in focus (read by the page).")
        ] = None,
    ) -> None:
        self.query = dict(
            year=year,
            round=round,
            domain=domain,
            grouping=grouping,
            constellation=constellation,
            category=category,
            center=center,
            radius=radius,
            network=network,
        )
        self.options = dict(
            colour_by=colour,
            size_by=size,
            lang=lang,
            max_nodes=max_nodes,
            multi=multi,
            measure=measure,
            star=star,
        )
        self.paper = paper


def _make(store: Store, view: str, params: ViewParams) -> ViewData:
    """Make a view; a malformed filter is a ParameterError, which the app's handlers answer with 400."""
    query: Any = ViewQuery(**params.query)  # type: ignore[arg-type]
    options: Any = ViewOptions(**params.options)  # type: ignore[arg-type]
    return make_view(store, view, query=query, options=options)


def _headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": f"{load_assets().content_security_policy}; {EMBEDDABLE}",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


@router.get("")
def list_views(request: Request) -> dict[str, list[dict[str, str]]]:
    """List the views, with their addresses as page, PNG and SVG."""
    base = str(request.url_for("read_view", view="x"))[:-1]
    return {
        "views": [
            {
                "name": name,
                "title": spec.title_en,
                "summary": spec.summary,
                "page": base + name,
                "png": base + name + ".png",
                "svg": base + name + ".svg",
                "pdf": base + name + ".pdf",
            }
            for name, spec in VIEWS.items()
        ]
    }


def _picture_response(store: Store, view: str, params: ViewParams, fmt: str, media_type: str) -> Response:
    data = _make(store, view, params)
    # SVG can hold scripts and links: it gets the page's policy; PNG and PDF only nosniff.
    headers = _headers() if fmt == "svg" else {"X-Content-Type-Options": "nosniff"}
    return Response(_picture(data, fmt, paper=params.paper), media_type=media_type, headers=headers)


@router.get("/{view}.png", response_class=Response, responses={200: {"content": {"image/png": {}}}})
def read_view_png(
    view: str, params: Annotated[ViewParams, Depends()], store: Annotated[Store, Depends(get_store)]
) -> Response:
    """Draw a view as a PNG picture (same positions, colours and legend as the page)."""
    return _picture_response(store, view, params, "png", "image/png")


@router.get("/{view}.pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def read_view_pdf(
    view: str, params: Annotated[ViewParams, Depends()], store: Annotated[Store, Depends(get_store)]
) -> Response:
    """Draw a view as an A4 PDF (same positions, colours and legend as the page)."""
    return _picture_response(store, view, params, "pdf", "application/pdf")


@router.get("/{view}.svg", response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
def read_view_svg(
    view: str, params: Annotated[ViewParams, Depends()], store: Annotated[Store, Depends(get_store)]
) -> Response:
    """Draw a view as an SVG picture (same positions, colours and legend as the page)."""
    return _picture_response(store, view, params, "svg", "image/svg+xml")


@router.get("/{view}", response_class=HTMLResponse)
def read_view(
    view: str,
    request: Request,
    params: Annotated[ViewParams, Depends()],
    store: Annotated[Store, Depends(get_store)],
) -> HTMLResponse:
    """Draw a view as a self-contained page (for an iframe): no request leaves it."""
    data = _make(store, view, params)
    query = request.url.query
    suffix = f"?{query}" if query else ""
    pictures = [
        ("PNG", f"{view}.png{suffix}"),
        ("SVG", f"{view}.svg{suffix}"),
        ("PDF (A4)", f"{view}.pdf{suffix}"),
    ]
    html = render_page(data, embed_src=str(request.url), pictures=pictures, site_nav=site_nav(request))
    return HTMLResponse(html, headers=_headers())


__all__ = ["ViewParams", "router"]
