"""Routes of the network analysis: the list of measures and each measure's table, as JSON or CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from api.deps import get_store
from graph.analysis import get_measure, list_measures, run_measure
from graph.errors import UnknownResourceError
from graph.namespaces import ID
from graph.project import Filters
from graph.store.embedded import GraphStore

FILTER_NAMES = ("year", "round", "domain", "grouping", "category", "format")


def _expand(value: str | None, kind: str = "") -> str | None:
    """Accept a full IRI, ``kind/slug`` (as in design.md), or for rounds a bare year."""
    if value is None or value.startswith(("http://", "https://")):
        return value
    if kind == "round" and value.isdigit():
        return str(ID[f"round/{value}"])
    return str(ID[value.removeprefix("id:")])


def _wants_csv(request: Request, format: str | None) -> bool:
    """The ``format`` parameter wins; else the Accept header's preferred of JSON and CSV (JSON by default)."""
    if format is not None:
        if format not in {"json", "csv"}:
            raise HTTPException(status_code=400, detail=f"format must be json or csv, not {format!r}")
        return format == "csv"
    best: tuple[float, int] = (-1.0, 0)
    choice = "json"
    for i, part in enumerate(request.headers.get("accept", "").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        kind = {"text/csv": "csv", "application/json": "json"}.get(media)
        if kind and (q, -i) > best:
            best, choice = (q, -i), kind
    return choice == "csv"


def make_router(store_dependency: Callable[..., GraphStore] = get_store) -> APIRouter:
    """Build the analysis router around a dependency that returns the GraphStore."""
    router = APIRouter(prefix="/api/analysis", tags=["analysis"])

    @router.get("")
    def read_measures() -> dict[str, Any]:
        """List every measure with its description and parameters (besides the common filters)."""
        return {
            "filters": {
                "year": "collaborations active that year; mentions in that year's round",
                "round": "round: a year, round/2020 or an IRI",
                "domain": "domain slug, e.g. kulturskola",
                "grouping": "only members of a grouping or constellation: IRI or kind/slug",
                "category": "actor class local name, e.g. CultureSchool",
                "format": "json or csv (else the Accept header decides)",
            },
            "measures": [m.describe() for m in list_measures()],
        }

    @router.get("/{measure}", response_model=None)
    def read_measure(
        measure: str,
        request: Request,
        # A default, not Annotated: the dependency is a local name, which a string annotation cannot reach.
        store: GraphStore = Depends(store_dependency),
        year: Annotated[int | None, Query(description="Collaborations active that year; that round.")] = None,
        round: Annotated[str | None, Query(description="Round: a year, round/2020 or an IRI.")] = None,
        domain: Annotated[str | None, Query(description="Domain slug, e.g. kulturskola.")] = None,
        grouping: Annotated[
            str | None, Query(description="Grouping or constellation: IRI or kind/slug.")
        ] = None,
        category: Annotated[str | None, Query(description="Actor class, e.g. CultureSchool.")] = None,
        format: Annotated[str | None, Query(description="json or csv.")] = None,
    ) -> Response:
        """Run one measure under the filters; other query parameters are the measure's own."""
        try:
            get_measure(measure)
        except UnknownResourceError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from None
        csv = _wants_csv(request, format)
        params = {k: v for k, v in request.query_params.items() if k not in FILTER_NAMES}
        filters = Filters(
            year=year,
            round=_expand(round, "round"),
            domain=domain,
            grouping=_expand(grouping),
            category=category,
        )
        try:
            result = run_measure(measure, store, filters=filters, params=params)
        except ValueError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None
        if csv:
            return Response(
                result.to_csv(),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'inline; filename="{measure}.csv"'},
            )
        return JSONResponse(result.to_dict())

    return router


router = make_router()

__all__ = ["make_router", "router"]
