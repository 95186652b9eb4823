"""The front door (``/``): what the graph holds, the latest round at a glance, and the ways in."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.i18n import translator
from api.routes.web import cached, render, selector
from graph.queries import workspace as ws
from graph.queries.resources import Select

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def read_overview(request: Request) -> HTMLResponse:
    """Show the overview: counts, the latest round, and links to every part of the workspace."""
    t = translator(request)
    lang: ws.Lang = "en" if t.data_lang == "en" else "sv"
    select = selector(request)
    # Counts over the whole graph (a second at a million triples): read once per write, not per request.
    facts = cached(request.app.state.store, ("overview", lang), lambda: _read_overview(select, lang))
    return render(request, "overview.html", facts)


def _read_overview(select: Select, lang: ws.Lang) -> dict[str, Any]:
    counts = ws.read_counts(select, lang)
    rounds = ws.read_round_rows(select, lang)
    latest = rounds[0] if rounds else None
    top: list[tuple[str, str, int]] = []
    if latest:
        mentions = ws.read_mentions(select, lang, var="r", iri=latest["r"])
        seen = Counter((m["i"], m["iLabel"] or m["i"]) for m in {m["x"]: m for m in mentions}.values())
        top = [(iri, label, n) for (iri, label), n in seen.most_common(5)]
        latest = {**latest, "mention_count": len({m["x"] for m in mentions})}
    return {"counts": counts, "latest": latest, "top_issues": top, "rounds": rounds}


__all__ = ["router"]
