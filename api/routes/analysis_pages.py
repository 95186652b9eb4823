"""Analysis in plain words (``/analys``): who is left out, who brokers and between whom, which communities."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.i18n import translator
from api.routes.profiles import community_name
from api.routes.web import Links, cached, render
from graph.queries.workspace import Lang
from graph.views.words import category_label

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/analys", response_class=HTMLResponse)
def read_analysis_page(request: Request) -> HTMLResponse:
    """Show who is left out, who brokers (ranked, with what they connect) and the communities, in words."""
    from api.routes.profiles import _network

    t = translator(request)
    lang: Lang = "en" if t.data_lang == "en" else "sv"
    link = Links(request, t)
    roles = _network(request, lang)
    store = request.app.state.store
    from graph.analysis.registry import run_measure  # networkx: loaded on first use, not at start

    isolates = cached(
        store, ("isolates",), lambda: run_measure("isolates", store, params={"network": "actors"})
    )
    actors_out = [
        (
            str(r["label"] or r["node"]),
            link.iri(str(r["node"])),
            category_label(str(r["category"] or ""), lang),
        )
        for r in isolates.records()
        if r["category"] != "Municipality"
    ]
    brokers = []
    for role in sorted((r for r in roles.roles.values() if r.rank), key=lambda r: r.rank or 0)[:10]:
        connects = [community_name(roles, c, t) for c in role.connects]
        brokers.append(
            {
                "rank": role.rank,
                "label": role.label,
                "href": link.iri(role.iri),
                "partners": len(role.partners),
                "connects": t("broker_connects", others="; ".join(connects))
                if connects
                else t("broker_within"),
            }
        )
    communities = [
        {
            "name": community_name(roles, c.number, t),
            "members": [(label, link.iri(iri)) for iri, label in c.members],
        }
        for c in sorted(roles.communities.values(), key=lambda c: -len(c.members))
        if len(c.members) > 1
    ]
    return render(
        request,
        "analysis.html",
        {
            "left_out": [(label, link.iri(iri)) for iri, label in roles.left_out],
            "municipalities": roles.municipalities,
            "actors_out": sorted(actors_out),
            "actors_total": len(isolates.records()) and isolates.notes,
            "brokers": brokers,
            "communities": communities,
            "data_date": roles.data_date,
        },
    )


__all__ = ["router"]
