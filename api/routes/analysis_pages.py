"""Analysis in plain words (``/analys``): who is left out, who brokers and between whom, which communities."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.i18n import Translator, translator
from api.routes.kept import kept_roles, kept_snapshot
from api.routes.profiles import community_name
from api.routes.web import Links, cached, render
from graph.queries.workspace import Lang
from graph.views.words import category_label

router = APIRouter(tags=["pages"], include_in_schema=False)
LEAST_CONNECTED = 5  # rows of "fewest partner municipalities"
NAMES_SHOWN = 4  # partner names in a row before "and N more"


@router.get("/analys", response_class=HTMLResponse)
def read_analysis_page(request: Request) -> HTMLResponse:
    """Show who is left out, who brokers (ranked, with what they connect) and the communities, in words."""
    t = translator(request)
    # What the page shows depends on the store and the language only (links keep the language): built once
    # per write. At a million triples it lists thousands of actors, a quarter of a second to build again.
    facts = cached(request.app.state.store, ("analysis-page", t.lang), lambda: _read_facts(request, t))
    return render(request, "analysis.html", facts)


def _read_facts(request: Request, t: Translator) -> dict[str, Any]:
    lang: Lang = "en" if t.data_lang == "en" else "sv"
    link = Links(request, t)
    # Both from the one snapshot kept until the next write (the report reads it too): each read its own
    # before, 20 s apiece at a million triples.
    roles = kept_roles(request, lang)
    store = request.app.state.store
    from graph.analysis.registry import run_measure  # networkx: loaded on first use, not at start

    isolates = cached(
        store,
        ("isolates",),
        lambda: run_measure("isolates", kept_snapshot(store), params={"network": "actors"}),
    )
    actors_out = [
        (
            str(r["label"] or r["node"]),
            link.iri(str(r["node"])),
            category_label(str(r["category"] or ""), lang),
        )
        for r in isolates.records()
        # An unnamed subset ("several of the county's municipalities") is not an actor that could collaborate.
        if r["category"] not in ("Municipality", "UnnamedSubset")
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
    # Region-wide programmes can reach every municipality, so "no collaboration" may be nobody: the
    # municipalities with the fewest partner municipalities are then who is closest to being left out.
    connected = [r for r in roles.roles.values() if r.partners]
    least = sorted(connected, key=lambda r: (len(r.partners), r.label))[:LEAST_CONNECTED]
    return {
        "left_out": [(label, link.iri(iri)) for iri, label in roles.left_out],
        "least_connected": [
            {
                "label": r.label,
                "href": link.iri(r.iri),
                "partners": len(r.partners),
                "names": _some_names([label for _, label in r.partners], t),
            }
            for r in least
        ],
        "municipalities": roles.municipalities,
        "actors_out": sorted(actors_out),
        "actors_total": len(isolates.records()) and isolates.notes,
        "brokers": brokers,
        "communities": communities,
        "data_date": roles.data_date,
    }


def _some_names(names: list[str], t: Translator) -> str:
    """The first few names, then how many more ("A, B, C, D och 3 till")."""
    names = sorted(names)
    shown, rest = names[:NAMES_SHOWN], len(names) - NAMES_SHOWN
    if rest > 0:
        return t("community_of_more", names=", ".join(shown), n=rest)
    return t("and_join", first=", ".join(shown[:-1]), last=shown[-1]) if len(shown) > 1 else shown[0]


__all__ = ["router"]
