"""The lists of the workspace: municipalities, actors, collaborations, issues, rounds and meetings, sources.

Each list is sorted (``?sort=column&dir=desc``), filtered (``?q=`` text, plus its own choices by key) and
paged (``?page=``, 50 rows) in SPARQL (graph.queries.lists): only the page's rows are read. Pages, counts and
choices are kept until the store's next write (``cached``): sorting fifty thousand actors takes a second or
more on a million triples, and a page read twice between writes is the same page. ``?format=csv`` streams
the whole filtered list in the same order, never from the cache. An unknown sort column or choice value is a
400 that names the known ones; a text that matches nothing is an empty page that says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from api.i18n import Translator, translator
from api.routes.web import Links, cached, render, selector
from graph.aggregates.maintain import has_aggregates
from graph.aggregates.reading import CROSSINGS_READ
from graph.errors import UnknownResourceError
from graph.queries import lists as lq
from graph.queries.borders import read_crossings
from graph.queries.collation import swedish_key
from graph.queries.workspace import Lang, Record
from graph.views.words import CATEGORY_LABELS, category_label

router = APIRouter(prefix="/listor", tags=["pages"], include_in_schema=False)
PAGE_SIZE = 50
PAGER_SPAN = 2  # page links shown either side of the current one


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, a link, whether it is a number (right-aligned), and its text in a CSV file.

    A number reads as the page's language writes it (``935 619``, ``935,619``); in CSV, plain digits.
    """

    text: str
    href: str | None = None
    numeric: bool = False
    plain: str | None = None

    @property
    def csv(self) -> str:
        """The cell's text in a CSV file."""
        return self.text if self.plain is None else self.plain


@dataclass
class Table:
    """One list as shown: columns (key, heading), rows of cells, and choices (key → label, options)."""

    title: str
    intro: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Cell]] = field(default_factory=list)
    choices: dict[str, tuple[str, list[tuple[str, str]]]] = field(default_factory=dict)


Cells = Callable[[Record, Translator, Links], dict[str, Cell]]


def _text(value: Any) -> str:
    return "–" if value is None or value == "" else str(value)


def _num(value: Any, t: Translator) -> Cell:
    if value is None or value == "":
        return Cell("–", numeric=True, plain="")
    return Cell(t.number(value), numeric=True, plain=str(value))


def _names(value: Any, separator: str = lq.SEPARATOR) -> str:
    """A multi-valued column (names joined by ``separator`` in no order) as a sorted, comma-separated text."""
    parts = sorted({p for p in str(value or "").split(separator) if p}, key=swedish_key)
    return ", ".join(parts) or "–"


def _municipality(r: Record, t: Translator, link: Links) -> dict[str, Cell]:
    return {
        "code": Cell(_text(r["code"])),
        "name": Cell(_text(r["name"]), link.iri(r["item"])),
        "population": _num(r.get("population"), t),
        "population_date": Cell(_text(r.get("populationDate"))),
        "cross_border": _num(r.get("crossBorder"), t),
        "issues": _num(r.get("issues"), t),
    }


def _actor(r: Record, t: Translator, link: Links) -> dict[str, Cell]:
    return {
        "name": Cell(_text(r["name"] or r["item"].rsplit("/", 1)[-1]), link.iri(r["item"])),
        "category": Cell(_text(r["category"])),
        "municipality": Cell(_text(r.get("municipalityName")), link.iri(r.get("municipality"))),
    }


def _collaboration(r: Record, t: Translator, link: Links) -> dict[str, Cell]:
    start, end = r.get("start"), r.get("end")
    return {
        "name": Cell(_text(r["name"]), link.iri(r["item"])),
        "domain": Cell(_names(r.get("domains"))),
        "period": Cell(f"{start or '?'}–{end or ''}" if start or end else "–"),
        "participants": Cell(_names(r.get("participants"))),
        "crosses": Cell(t("yes") if r.get("crosses") == "yes" else t("no")),
    }


def _issue(r: Record, t: Translator, link: Links) -> dict[str, Cell]:
    return {
        "name": Cell(_text(r["name"]), link.iri(r["item"])),
        "area": Cell(_names(r.get("areas"))),
        "rounds": Cell(_names(r.get("years"), lq.KEYS)),
        "mentions": _num(r.get("mentions"), t),
        "stances": Cell(_names(r.get("stances"))),
    }


def _round(r: Record, t: Translator, link: Links) -> dict[str, Cell]:
    year = str(r.get("year") or "")[:4]
    return {
        "round": Cell(_text(r["roundName"]), link.iri(r["round"])),
        "report": Cell(t("report"), link(f"/rapporter/{year}")) if year else Cell("–"),
        "meeting": Cell(_text(r.get("meetingName")), link.iri(r.get("meeting"))),
        "date": Cell(_text(r.get("date"))),
        "host": Cell(_text(r.get("hostName"))),
        "participants": _num(r.get("participants"), t),
    }


def _source(r: Record, t: Translator, link: Links) -> dict[str, Cell]:
    return {
        "title": Cell(_text(r.get("title")), link.iri(r["item"])),
        "publisher": Cell(_text(r.get("publisher"))),
        "date": Cell(_text(r.get("date"))),
        "url": Cell(t("open_source"), link.iri(r["url"])) if r.get("url") else Cell("–"),
        "statements": _num(r.get("statements"), t),
    }


# slug → (list name in graph.queries.lists and the messages, column headings' message keys, cells of a row)
LISTS: dict[str, tuple[str, list[tuple[str, str]], Cells]] = {
    "kommuner": (
        "municipalities",
        [
            ("code", "col_code"),
            ("name", "col_name"),
            ("population", "col_population"),
            ("population_date", "col_population_date"),
            ("cross_border", "col_cross_border_collaborations"),
            ("issues", "col_issues_raised"),
        ],
        _municipality,
    ),
    "aktorer": (
        "actors",
        [("name", "col_name"), ("category", "col_category"), ("municipality", "col_municipality")],
        _actor,
    ),
    "samarbeten": (
        "collaborations",
        [
            ("name", "col_name"),
            ("domain", "col_domain"),
            ("period", "col_period"),
            ("participants", "col_participants"),
            ("crosses", "col_crosses_border"),
        ],
        _collaboration,
    ),
    "fragor": (
        "issues",
        [
            ("name", "col_issue"),
            ("area", "col_strategy_area"),
            ("rounds", "col_rounds"),
            ("mentions", "col_mentions"),
            ("stances", "col_stances"),
        ],
        _issue,
    ),
    "rundor": (
        "rounds",
        [
            ("round", "col_round"),
            ("report", "col_report"),
            ("meeting", "col_meeting"),
            ("date", "col_date"),
            ("host", "col_host"),
            ("participants", "col_participants_count"),
        ],
        _round,
    ),
    "kallor": (
        "sources",
        [
            ("title", "col_title"),
            ("publisher", "col_publisher"),
            ("date", "col_date"),
            ("url", "col_address"),
            ("statements", "col_statements"),
        ],
        _source,
    ),
}
CHOICE_HEADINGS = {  # a choice's label: the heading of its column, or its own message
    "category": "col_category",
    "domain": "col_domain",
    "crosses": "col_crosses_border",
    "area": "col_strategy_area",
    "rounds": "col_rounds",
    "year": "col_round",
}


def _lang(t: Translator) -> Lang:
    return "en" if t.data_lang == "en" else "sv"


def _category_words(lang: Lang) -> dict[str, str]:
    return {k: category_label(k, lang) for k in CATEGORY_LABELS}


@dataclass(frozen=True)
class Asked:
    """A list request, checked: the list, its language, sort, direction, text and choices."""

    slug: str
    name: str
    spec: lq.ListSpec
    lang: Lang
    sort: str
    direction: lq.Direction
    text: str
    choices: dict[str, str]
    known: dict[str, list[tuple[str, str]]]
    given: dict[str, str]

    def query_args(self) -> dict[str, Any]:
        """The keyword arguments every reader of graph.queries.lists takes for this request."""
        return {"text": self.text, "choices": self.choices, "labels": self.given}


def _given(request: Request, name: str, lang: Lang) -> dict[str, str]:
    """What a list takes from the caller: actor categories' words, crossing counts, the crossings' pattern.

    Where the store keeps the crossings aggregate in step, the lists read it: it answers in the store what
    the fold of every collaboration's reach (``read_crossings``) answers in Python, in a second or two at a
    million triples against twenty.
    """
    store, select = request.app.state.store, selector(request)
    kept = cached(store, ("has-aggregates",), lambda: has_aggregates(store))
    if name == "actors":
        return _category_words(lang)
    if name == "municipalities" and kept:
        return cached(
            store, ("crossing-counts",), lambda: lq.read_crossing_counts(select, kept=CROSSINGS_READ)
        )
    if name == "municipalities":  # counted once per write too: folding 40 000 crossings took 0.1 s a page
        crossings = cached(store, ("crossings",), lambda: read_crossings(select))
        return cached(store, ("crossing-counts",), lambda: lq.crossing_counts(crossings))
    if name == "collaborations" and kept:
        return {lq.KEPT_CROSSINGS: CROSSINGS_READ}
    return {}


def _ask(request: Request, slug: str, sort: str | None, direction: lq.Direction | None) -> Asked:
    """Check the list, the sort column and the choices against what the store holds.

    Raises:
        UnknownResourceError: there is no list ``slug``.
        ParameterError: the sort column or a choice value is unknown (the message names the known ones).
    """
    if slug not in LISTS:
        msg = f"no list {slug!r}; the lists are {', '.join('/listor/' + s for s in LISTS)}"
        raise UnknownResourceError(msg)
    name = LISTS[slug][0]
    spec = lq.LISTS[name]
    lang = _lang(translator(request))
    column, chosen_dir = lq.check_sort(spec, sort, direction)
    store, select = request.app.state.store, selector(request)
    known = cached(store, ("list-choices", name, lang), lambda: lq.read_choices(select, spec, lang))
    wanted = {k: request.query_params.get(k, "").strip() for k in spec.choices}
    choices = lq.check_choices(spec, wanted, known)
    text = request.query_params.get("q", "").strip()
    return Asked(
        slug, name, spec, lang, column, chosen_dir, text, choices, known, _given(request, name, lang)
    )


def _count(request: Request, asked: Asked, *, filtered: bool = True) -> int:
    """The list's count (filtered, or all of it), kept until the store's next write."""
    text, choices = (asked.text, asked.choices) if filtered else ("", {})
    key = ("list-count", asked.name, asked.lang, text, tuple(sorted(choices.items())))
    select, labels = selector(request), asked.given
    return cached(
        request.app.state.store,
        key,
        lambda: lq.count_list(select, asked.spec, asked.lang, text=text, choices=choices, labels=labels),
    )


@router.get("", response_class=HTMLResponse)
def read_lists(request: Request) -> HTMLResponse:
    """Show the lists there are."""
    t = translator(request)
    items = [(slug, t(f"list_{name}"), t(f"list_{name}_intro")) for slug, (name, _, _) in LISTS.items()]
    return render(request, "lists.html", {"items": items})


@router.get("/{slug}", response_class=Response)
def read_list(
    request: Request,
    slug: str,
    sort: Annotated[str | None, Query()] = None,
    dir: Annotated[Literal["asc", "desc"] | None, Query()] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    format: Annotated[Literal["html", "csv"], Query()] = "html",
) -> Response:
    """Show one page of a list (or download all of it as CSV): sorted, filtered, paged in SPARQL."""
    asked = _ask(request, slug, sort, dir)
    t = translator(request)
    link = Links(request, t)
    _, headings, cells = LISTS[slug]
    hidden = _hidden_columns(request, asked)
    columns = [(key, t(heading)) for key, heading in headings if key not in hidden]
    if format == "csv":
        return _csv(request, asked, columns, cells, t, link)
    count = _count(request, asked)
    select = selector(request)
    key = (
        "list-page",
        asked.name,
        asked.lang,
        asked.sort,
        asked.direction,
        asked.text,
        *asked.choices.items(),
        page,
    )
    shown = cached(
        request.app.state.store,
        key,
        lambda: lq.read_list_page(
            select,
            asked.spec,
            asked.lang,
            sort=asked.sort,
            direction=asked.direction,
            page=page,
            size=PAGE_SIZE,
            count=count,
            **asked.query_args(),
        ),
    )
    choices = {
        name: (t(CHOICE_HEADINGS[name]), _choice_words(name, options, t, asked.lang))
        for name, options in asked.known.items()
    }
    table = Table(t(f"list_{asked.name}"), t(f"list_{asked.name}_intro"), columns, choices=choices)
    params = {k: v for k, v in request.query_params.items() if k not in ("page", "lang", "format")}
    return render(
        request,
        "list.html",
        {
            "slug": slug,
            "name": asked.name,
            "table": table,
            "rows": [cells(r, t, link) for r in shown.rows],
            "count": shown.count,
            "total": _count(request, asked, filtered=False),
            "page": shown.page,
            "pages": shown.pages,
            "pager": pager_numbers(shown.page, shown.pages),
            "sort": asked.sort,
            "dir": asked.direction,
            "params": params,
            "q": asked.text,
            "notes": [t(HIDDEN_NOTES[key]) for key in hidden],
        },
    )


HIDDEN_NOTES = {"issues": "issues_raised_none_named"}  # a column shown only where the data fill it: its note


def _hidden_columns(request: Request, asked: Asked) -> list[str]:
    """The columns the data leave empty everywhere: no municipality is named as raising an issue."""
    if asked.name != "municipalities":
        return []
    select = selector(request)
    named = cached(
        request.app.state.store, ("municipality-raised",), lambda: lq.any_municipality_raised(select)
    )
    return [] if named else ["issues"]


def _choice_words(
    name: str, options: list[tuple[str, str]], t: Translator, lang: Lang
) -> list[tuple[str, str]]:
    """The options of a choice as (key, words): categories and yes/no in the page's language."""
    if name == "category":
        return sorted(((k, category_label(k, lang)) for k, _ in options), key=lambda kv: swedish_key(kv[1]))
    if name == "crosses":
        return [(k, t(k)) for k, _ in options]
    if name in ("rounds", "year"):
        return sorted(options, reverse=True)
    return options


def pager_numbers(page: int, pages: int) -> list[int | None]:
    """The page numbers to link: the first, the last, and those near the current one (``None``: a gap).

    Example:
        >>> pager_numbers(6, 20)
        [1, None, 4, 5, 6, 7, 8, None, 20]
    """
    near = set(range(max(1, page - PAGER_SPAN), min(pages, page + PAGER_SPAN) + 1)) | {1, pages}
    out: list[int | None] = []
    last = 0
    for n in sorted(near):
        if last and n - last > 1:
            out.append(None)
        out.append(n)
        last = n
    return out


def _csv(
    request: Request, asked: Asked, columns: list[tuple[str, str]], cells: Cells, t: Translator, link: Links
) -> StreamingResponse:
    """The whole filtered list as CSV, in its order, read and sent a chunk of rows at a time."""
    select = selector(request)
    keys = [k for k, _ in columns]

    def lines() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([h for _, h in columns])
        rows = lq.iter_list_rows(
            select, asked.spec, asked.lang, sort=asked.sort, direction=asked.direction, **asked.query_args()
        )
        for n, r in enumerate(rows, 1):
            row = cells(r, t, link)
            writer.writerow([row[k].csv for k in keys])
            if n % 500 == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{asked.slug}.csv"'},
    )


__all__ = ["LISTS", "PAGE_SIZE", "pager_numbers", "router"]
