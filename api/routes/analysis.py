"""Routes of the network analysis: the list of measures and each measure's table, as JSON or CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from api.deps import get_store
from api.negotiate import parse_accept
from graph.analysis import get_measure, list_measures, run_measure
from graph.errors import ParameterError
from graph.project import Filters
from graph.project.filters import group_option
from graph.store.protocol import Store

FILTER_NAMES = ("year", "round", "domain", "grouping", "constellation", "category", "format")


def _wants_csv(request: Request, format: str | None) -> bool:
    """The ``format`` parameter wins; else the Accept header's preferred of JSON and CSV (JSON by default).

    Raises:
        ParameterError: ``format`` is neither json nor csv.
    """
    if format is not None:
        if format not in {"json", "csv"}:
            msg = f"format must be json or csv, not {format!r}"
            raise ParameterError(msg)
        return format == "csv"
    best: tuple[float, int] = (-1.0, 0)
    choice = "json"
    for i, (media, q) in enumerate(parse_accept(request.headers.get("accept"))):
        kind = {"text/csv": "csv", "application/json": "json"}.get(media)
        if kind and (q, -i) > best:
            best, choice = (q, -i), kind
    return choice == "csv"


def make_router(store_dependency: Callable[..., Store] = get_store) -> APIRouter:
    """Build the analysis router around a dependency that returns the Store."""
    router = APIRouter(prefix="/api/analysis", tags=["analysis"])

    @router.get("")
    def read_measures() -> dict[str, Any]:
        """List every measure with its description and parameters (besides the common filters)."""
        return {
            "filters": {
                "year": "collaborations active that year; mentions in that year's round",
                "round": "round: a year, round/2020 or an IRI",
                "domain": "domain: a slug (kulturskola) or an IRI",
                "grouping": "only members of a grouping: slug (storsthlm), kind/slug or IRI",
                "constellation": "only members of a constellation: slug (2020-nacka) or IRI",
                "category": "actor category: slug (culture-school), code (CultureSchool) or concept IRI",
                "format": "json or csv (else the Accept header decides)",
            },
            "measures": [m.describe() for m in list_measures()],
        }

    @router.get("/{measure}", response_model=None)
    def read_measure(
        measure: str,
        request: Request,
        # A default, not Annotated: the dependency is a local name, which a string annotation cannot reach.
        store: Store = Depends(store_dependency),
        year: Annotated[int | None, Query(description="Collaborations active that year; that round.")] = None,
        round: Annotated[str | None, Query(description="Round: a year, round/2020 or an IRI.")] = None,
        domain: Annotated[str | None, Query(description="Domain: a slug (kulturskola) or an IRI.")] = None,
        grouping: Annotated[
            str | None, Query(description="Grouping: slug (storsthlm), kind/slug or IRI.")
        ] = None,
        constellation: Annotated[
            str | None, Query(description="Constellation: slug (2020-nacka) or IRI.")
        ] = None,
        category: Annotated[str | None, Query(description="Actor category, e.g. culture-school.")] = None,
        format: Annotated[str | None, Query(description="json or csv.")] = None,
    ) -> Response:
        """Run one measure under the filters; other query parameters are the measure's own."""
        get_measure(measure)  # an unknown measure is a 404 before the filters are read
        csv = _wants_csv(request, format)
        params = {k: v for k, v in request.query_params.items() if k not in FILTER_NAMES}
        filters = Filters(
            year=year,
            round=round,
            domain=domain,
            grouping=group_option(grouping, constellation),
            category=category,
        )
        result = run_measure(measure, store, filters=filters, params=params)
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
