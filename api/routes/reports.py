"""Each round's report on the web (``/rapporter/2020``) with a round selector, and as one file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.i18n import translator
from api.routes.kept import kept_snapshot
from api.routes.web import Links, cached, selector, site_nav
from graph.errors import UnknownResourceError
from graph.namespaces import ID
from graph.queries import workspace as ws
from graph.views import load_assets
from graph.views.html import render_template

if TYPE_CHECKING:
    from graph.views.report import ReportData

router = APIRouter(prefix="/rapporter", tags=["pages"], include_in_schema=False)


def _report(request: Request, year: str) -> ReportData:
    if not year.isdigit():
        msg = f"no round {year!r}: a report's address is /rapporter/YEAR"
        raise UnknownResourceError(msg)
    from graph.views.report import make_report  # matplotlib and igraph: loaded when a report is asked for

    lang = translator(request).data_lang
    store = request.app.state.store
    round_iri = f"{ID}round/{year}"
    if not ws.read_round_rows(selector(request), "en" if lang == "en" else "sv", only=round_iri):
        # Said before the store is read whole for the report (seconds at a million triples).
        msg = f"no dialogue round round/{year} in the store"
        raise UnknownResourceError(msg)
    return cached(
        store,
        ("report", year, lang),
        lambda: make_report(
            store,
            round_iri,
            lang=lang,  # type: ignore[arg-type]
            snapshot=kept_snapshot(store),  # read once per write for every report and the analysis page
        ),
    )


def _rounds(request: Request, lang: ws.Lang) -> list[ws.Record]:
    """Every round, newest first (the selector and the newest report): kept until the next write."""
    select = selector(request)
    return cached(request.app.state.store, ("report-rounds", lang), lambda: ws.read_round_rows(select, lang))


def _title(report: ReportData) -> str:
    if report.lang == "sv":
        return f"{report.round_label}: sammanställning och analys"
    return f"{report.round_label}: summary and analysis"


def _headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": load_assets().content_security_policy,
        "X-Content-Type-Options": "nosniff",
    }


@router.get("", response_class=RedirectResponse)
def read_latest_report(request: Request) -> RedirectResponse:
    """Go to the newest round's report."""
    t = translator(request)
    rounds = _rounds(request, "en" if t.data_lang == "en" else "sv")
    year = next((str(r["year"])[:4] for r in rounds if r["year"]), None)
    if year is None:
        msg = "no dialogue round in the store, so no report"
        raise UnknownResourceError(msg)
    return RedirectResponse(Links(request, t)(f"/rapporter/{year}"), status_code=307)


@router.get("/{year}.html", response_class=Response)
def download_report(request: Request, year: str) -> Response:
    """Download the round's report as one self-contained HTML file (works offline)."""
    report = _report(request, year)
    html = render_template(
        "report.html.j2", {"lang": report.lang, "report": report, "page_title": _title(report)}
    )
    name = f"rapport-{year}.html" if report.lang == "sv" else f"report-{year}.html"
    headers = {**_headers(), "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)


@router.get("/{year}", response_class=HTMLResponse)
def read_report(request: Request, year: str) -> HTMLResponse:
    """Show the round's report, with the other rounds a click away and a download of the file."""
    t = translator(request)
    # The page (a megabyte and more, its pictures inlined) depends on the round, the language and the store
    # only: rendered once per write, not per request.
    return HTMLResponse(
        cached(request.app.state.store, ("report-page", year, t.lang), lambda: _render_report(request, year)),
        headers=_headers(),
    )


def _render_report(request: Request, year: str) -> str:
    t = translator(request)
    links = Links(request, t)
    report = _report(request, year)
    rounds = _rounds(request, "en" if t.data_lang == "en" else "sv")
    nav = site_nav(request)
    this = [(t("report_download"), links(f"/rapporter/{year}.html"))]
    this += [
        (t(f"lang_name_{code}"), f"/rapporter/{year}?lang={code}") for code in ("sv", "en") if code != t.lang
    ]
    others = [
        (str(r["year"])[:4], links(f"/rapporter/{str(r['year'])[:4]}"))
        for r in rounds
        if r["year"] and str(r["year"])[:4] != year
    ]
    # The report's own links (its file, its other language, the other rounds) on lines of their own under
    # the workspace's navigation, so they do not read as more sections of the site.
    groups = [(t("report_page_links"), this), (t("report_other_rounds"), others)]
    nav = {**nav, "page_groups": [(label, group) for label, group in groups if group]}
    return render_template(
        "report.html.j2",
        {"lang": report.lang, "report": report, "page_title": _title(report), "site_nav": nav},
    )


__all__ = ["router"]
