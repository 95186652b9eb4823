"""Network views over HTTP: ``/viz/{view}`` is a self-contained page for an iframe; PNG and SVG for print."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import get_store
from graph.errors import SamverkanError
from graph.store.embedded import GraphStore
from graph.views import (
    VIEWS,
    ViewData,
    ViewOptions,
    ViewQuery,
    load_assets,
    make_view,
    render_page,
    render_picture,
)

router = APIRouter(prefix="/viz", tags=["views"])


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
        category: Annotated[str | None, Query(description="Actor category, e.g. CultureSchool.")] = None,
        center: Annotated[str | None, Query(description="Ego view: the actor or municipality.")] = None,
        radius: Annotated[int, Query(ge=1, le=2, description="Ego view: steps out.")] = 1,
        network: Annotated[Literal["actors", "municipalities"], Query()] = "actors",
        colour: Annotated[Literal["category", "community"], Query()] = "category",
        size: Annotated[
            Literal["betweenness", "degree", "strength", "pagerank", "none"], Query()
        ] = "betweenness",
        lang: Annotated[Literal["sv", "en"], Query()] = "sv",
        max_nodes: Annotated[int, Query(ge=10, le=50_000, description="Aggregate above this size.")] = 3000,
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
        self.options = dict(colour_by=colour, size_by=size, lang=lang, max_nodes=max_nodes)


def _make(store: GraphStore, view: str, params: ViewParams) -> ViewData:
    """Make a view; a malformed filter is the client's to fix (400), our errors go to the app's handlers."""
    try:
        query: Any = ViewQuery(**params.query)  # type: ignore[arg-type]
        options: Any = ViewOptions(**params.options)  # type: ignore[arg-type]
        return make_view(store, view, query=query, options=options)
    except SamverkanError:
        raise
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc


def _headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": load_assets().content_security_policy,
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
            }
            for name, spec in VIEWS.items()
        ]
    }


@router.get("/{view}.png", response_class=Response, responses={200: {"content": {"image/png": {}}}})
def read_view_png(
    view: str, params: Annotated[ViewParams, Depends()], store: Annotated[GraphStore, Depends(get_store)]
) -> Response:
    """Draw a view as a PNG picture (same positions, colours and legend as the page)."""
    data = _make(store, view, params)
    return Response(
        render_picture(data, "png"), media_type="image/png", headers={"X-Content-Type-Options": "nosniff"}
    )


@router.get("/{view}.svg", response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
def read_view_svg(
    view: str, params: Annotated[ViewParams, Depends()], store: Annotated[GraphStore, Depends(get_store)]
) -> Response:
    """Draw a view as an SVG picture (same positions, colours and legend as the page)."""
    data = _make(store, view, params)
    return Response(render_picture(data, "svg"), media_type="image/svg+xml", headers=_headers())


@router.get("/{view}", response_class=HTMLResponse)
def read_view(
    view: str,
    request: Request,
    params: Annotated[ViewParams, Depends()],
    store: Annotated[GraphStore, Depends(get_store)],
) -> HTMLResponse:
    """Draw a view as a self-contained page (for an iframe): no request leaves it."""
    data = _make(store, view, params)
    query = request.url.query
    suffix = f"?{query}" if query else ""
    pictures = [("PNG", f"{view}.png{suffix}"), ("SVG", f"{view}.svg{suffix}")]
    html = render_page(data, embed_src=str(request.url), pictures=pictures)
    return HTMLResponse(html, headers=_headers())


__all__ = ["ViewParams", "router"]
