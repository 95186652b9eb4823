"""The lists of the workspace: municipalities, actors, collaborations, issues, rounds and meetings, sources.

Each list is sortable (``?sort=column&dir=desc``), filterable (``?q=`` text, plus its own choices), paged
(``?page=``, 50 rows) and downloadable whole as CSV (``?format=csv``) with the same filters and order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.i18n import Translator, translator
from api.routes.web import Links, render, selector
from graph.errors import UnknownResourceError
from graph.queries import workspace as ws
from graph.queries.resources import read_actors, read_dialogues
from graph.queries.search import fold
from graph.queries.workspace import Lang
from graph.views.words import category_label

router = APIRouter(prefix="/listor", tags=["pages"], include_in_schema=False)
PAGE_SIZE = 50


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, a link, and the value it sorts by."""

    text: str
    href: str | None = None
    sort: Any = None
    numeric: bool = False


@dataclass
class Table:
    """One list: its columns (key, heading) and rows of cells, and the choices it can be filtered by."""

    title: str
    intro: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Cell]]
    choices: dict[str, tuple[str, list[tuple[str, str]]]] = field(default_factory=dict)


def _text(value: Any) -> str:
    return "–" if value is None or value == "" else str(value)


def _num(value: Any) -> Cell:
    return Cell(_text(value), sort=value if isinstance(value, int | float) else -1, numeric=True)


def municipalities(request: Request, t: Translator, link: Links) -> Table:
    """Municipalities with population, cross-border collaborations and issues raised."""
    rows = ws.read_municipality_rows(selector(request), _lang(t))
    return Table(
        t("list_municipalities"),
        t("list_municipalities_intro"),
        [
            ("code", t("col_code")),
            ("name", t("col_name")),
            ("population", t("col_population")),
            ("population_date", t("col_population_date")),
            ("cross_border", t("col_cross_border_collaborations")),
            ("issues", t("col_issues_raised")),
        ],
        [
            {
                "code": Cell(r["code"]),
                "name": Cell(_text(r["mLabel"]), link.iri(r["m"])),
                "population": _num(r["population"]),
                "population_date": Cell(_text(r["populationDate"])),
                "cross_border": _num(r["crossBorder"]),
                "issues": _num(r["issues"]),
            }
            for r in rows
        ],
    )


def actors(request: Request, t: Translator, link: Links) -> Table:
    """Actors with category and municipality."""
    page = read_actors(selector(request), limit=1_000_000)
    en = _lang(t) == "en"
    rows = [
        {
            "name": Cell(_text((a.label_en if en else None) or a.label or a.id), link.iri(a.iri)),
            "category": Cell(category_label(a.category, _lang(t))),
            "municipality": Cell(
                _text(a.municipality.label if a.municipality else None),
                link.iri(a.municipality.iri) if a.municipality else None,
            ),
        }
        for a in page.data
    ]
    cats = sorted({r["category"].text for r in rows})
    return Table(
        t("list_actors"),
        t("list_actors_intro"),
        [("name", t("col_name")), ("category", t("col_category")), ("municipality", t("col_municipality"))],
        rows,
        {"category": (t("col_category"), [(c, c) for c in cats])},
    )


def collaborations(request: Request, t: Translator, link: Links) -> Table:
    """Collaborations with domain, period, participants and whether they cross a border."""
    data = ws.read_all_collaborations(selector(request), _lang(t))
    rows = []
    for c in data:
        period = f"{c['start'] or '?'}–{c['end'] or ''}" if c["start"] or c["end"] else "–"
        rows.append(
            {
                "name": Cell(_text(c["label"]), link.iri(c["iri"])),
                "domain": Cell(", ".join(c["domains"]) or "–"),
                "period": Cell(period, sort=str(c["start"] or "")),
                "participants": Cell(
                    ", ".join(sorted(c["members"].values())), sort=len(c["members"]), numeric=False
                ),
                "crosses": Cell(t("yes") if c["crosses_border"] else t("no")),
            }
        )
    domains = sorted({d for c in data for d in c["domains"]})
    return Table(
        t("list_collaborations"),
        t("list_collaborations_intro"),
        [
            ("name", t("col_name")),
            ("domain", t("col_domain")),
            ("period", t("col_period")),
            ("participants", t("col_participants")),
            ("crosses", t("col_crosses_border")),
        ],
        rows,
        {
            "domain": (t("col_domain"), [(d, d) for d in domains]),
            "crosses": (t("col_crosses_border"), [(t("yes"), t("yes")), (t("no"), t("no"))]),
        },
    )


def issues(request: Request, t: Translator, link: Links) -> Table:
    """Issues with strategy area, rounds raised and mentions by stance."""
    data = ws.read_issue_rows(selector(request), _lang(t))
    rows = [
        {
            "name": Cell(_text(i["label"]), link.iri(i["iri"])),
            "area": Cell(", ".join(i["areas"]) or "–"),
            "rounds": Cell(", ".join(i["years"]) or "–", sort=",".join(reversed(i["years"]))),
            "mentions": _num(i["mentions"]),
            "stances": Cell(", ".join(f"{k}: {v}" for k, v in i["stances"].items()) or "–"),
        }
        for i in data
    ]
    areas = sorted({a for i in data for a in i["areas"]})
    years = sorted({y for i in data for y in i["years"]}, reverse=True)
    return Table(
        t("list_issues"),
        t("list_issues_intro"),
        [
            ("name", t("col_issue")),
            ("area", t("col_strategy_area")),
            ("rounds", t("col_rounds")),
            ("mentions", t("col_mentions")),
            ("stances", t("col_stances")),
        ],
        rows,
        {
            "area": (t("col_strategy_area"), [(a, a) for a in areas]),
            "rounds": (t("col_rounds"), [(y, y) for y in years]),
        },
    )


def rounds(request: Request, t: Translator, link: Links) -> Table:
    """Rounds and their meetings, one row per meeting."""
    select = selector(request)
    data = read_dialogues(select)
    labels = ws.read_labels_in(
        select, [m.iri for r in data for m in r.meetings] + [r.iri for r in data], _lang(t)
    )
    rows = []
    for r in data:
        for m in [*r.meetings] or [None]:  # type: ignore[list-item]
            rows.append(
                {
                    "round": Cell(_text(labels.get(r.iri, r.label)), link.iri(r.iri), sort=r.year),
                    "report": Cell(t("report"), link(f"/rapporter/{str(r.year)[:4]}"))
                    if r.year
                    else Cell("–"),
                    "meeting": Cell(labels.get(m.iri, "–"), link.iri(m.iri)) if m else Cell("–"),
                    "date": Cell(_text(m.date if m else None)),
                    "host": Cell(_text(m.host.label if m and m.host else None)),
                    "participants": _num(len(m.participants) if m else 0),
                }
            )
    return Table(
        t("list_rounds"),
        t("list_rounds_intro"),
        [
            ("round", t("col_round")),
            ("report", t("col_report")),
            ("meeting", t("col_meeting")),
            ("date", t("col_date")),
            ("host", t("col_host")),
            ("participants", t("col_participants_count")),
        ],
        rows,
    )


def sources(request: Request, t: Translator, link: Links) -> Table:
    """Sources with publisher, date, address and the number of statements they back."""
    rows = [
        {
            "title": Cell(_text(r["title"]), link.iri(r["s"])),
            "publisher": Cell(_text(r["publisher"])),
            "date": Cell(_text(r["date"])),
            "url": Cell(t("open_source") if r["url"] else "–", link.iri(r["url"])),
            "statements": _num(r["statements"] if r["g"] else 0),
        }
        for r in ws.read_source_rows(selector(request))
    ]
    return Table(
        t("list_sources"),
        t("list_sources_intro"),
        [
            ("title", t("col_title")),
            ("publisher", t("col_publisher")),
            ("date", t("col_date")),
            ("url", t("col_address")),
            ("statements", t("col_statements")),
        ],
        rows,
    )


LISTS: dict[str, tuple[str, Callable[[Request, Translator, Links], Table]]] = {
    "kommuner": ("municipalities", municipalities),
    "aktorer": ("actors", actors),
    "samarbeten": ("collaborations", collaborations),
    "fragor": ("issues", issues),
    "rundor": ("rounds", rounds),
    "kallor": ("sources", sources),
}


def _lang(t: Translator) -> Lang:
    return "en" if t.data_lang == "en" else "sv"


def _sort_key(cell: Cell) -> tuple[int, Any]:
    value = cell.sort if cell.sort is not None else cell.text
    if isinstance(value, int | float):
        return (0, value)
    return (1, fold(str(value)))


def _filter(table: Table, request: Request) -> list[dict[str, Cell]]:
    needle = fold(request.query_params.get("q", "").strip())
    rows = table.rows
    if needle:
        rows = [r for r in rows if any(needle in fold(c.text) for c in r.values())]
    for key in table.choices:
        wanted = request.query_params.get(key)
        if wanted:
            rows = [r for r in rows if wanted in [p.strip() for p in r[key].text.split(",")]]
    return rows


@router.get("", response_class=HTMLResponse)
def read_lists(request: Request) -> HTMLResponse:
    """Show the lists there are."""
    t = translator(request)
    items = [(slug, t(f"list_{name}"), t(f"list_{name}_intro")) for slug, (name, _) in LISTS.items()]
    return render(request, "lists.html", {"items": items})


@router.get("/{slug}", response_class=Response)
def read_list(
    request: Request,
    slug: str,
    sort: Annotated[str | None, Query()] = None,
    dir: Annotated[Literal["asc", "desc"], Query()] = "asc",
    page: Annotated[int, Query(ge=1)] = 1,
    format: Annotated[Literal["html", "csv"], Query()] = "html",
) -> Response:
    """Show one list (or download it as CSV): sorted, filtered, paged."""
    if slug not in LISTS:
        msg = f"no list {slug!r}; the lists are {', '.join('/listor/' + s for s in LISTS)}"
        raise UnknownResourceError(msg)
    t = translator(request)
    name, make = LISTS[slug]
    table = make(request, t, Links(request, t))
    rows = _filter(table, request)
    keys = [k for k, _ in table.columns]
    if sort in keys:
        rows = sorted(rows, key=lambda r: _sort_key(r[sort]), reverse=dir == "desc")
    if format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([h for _, h in table.columns])
        writer.writerows([[r[k].text for k in keys] for r in rows])
        filename = f"{slug}.csv"
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(page, pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    params = {k: v for k, v in request.query_params.items() if k not in ("page", "lang", "format")}
    return render(
        request,
        "list.html",
        {
            "slug": slug,
            "name": name,
            "table": table,
            "rows": shown,
            "count": len(rows),
            "total": len(table.rows),
            "page": page,
            "pages": pages,
            "sort": sort,
            "dir": dir,
            "params": params,
            "q": request.query_params.get("q", ""),
        },
    )


__all__ = ["LISTS", "router"]
