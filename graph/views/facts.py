"""What a view reads from the store beyond its projection: outlines and short names, and the panel's facts.

Each function asks the store once and returns plain dicts keyed by IRI; ``attach_*`` copies them onto the
nodes of a projection (a graph the view made for itself, never the analysis graph).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.errors import ParameterError
from graph.store.protocol import Store
from graph.views.geo import Polygon, parse_wkt_polygons

_GEOMETRY = ("POLYGON", "MULTIPOLYGON")


@dataclass
class Place:
    """A municipality on the map: short name, outline and latest population, as the store has them."""

    short: str | None = None
    outline: list[Polygon] = field(default_factory=list)
    population: int | None = None


def _value(row: Mapping[str, Any], key: str) -> str | None:
    term = row.get(key)
    return None if term is None else str(term.value)


def read_places(store: Store) -> dict[str, Place]:
    """Municipality IRI → its territory's short name, outline (GeoSPARQL WKT) and latest population."""
    places: dict[str, Place] = defaultdict(Place)
    for row in store.select(
        """SELECT ?m ?short WHERE { ?m a sv:Municipality ; sv:territory ?t .
             ?t skos:prefLabel ?short FILTER(LANG(?short) = "sv") }"""
    ):
        m, short = _value(row, "m"), _value(row, "short")
        if m and short:
            places[m].short = short
    for row in store.select(
        """SELECT ?m ?wkt WHERE { ?m a sv:Municipality ; sv:territory ?t .
             ?t geo:hasGeometry ?g . ?g geo:asWKT ?wkt }"""
    ):
        m, wkt = _value(row, "m"), _value(row, "wkt")
        if m and wkt and wkt.lstrip().upper().startswith(_GEOMETRY):
            try:
                places[m].outline.extend(parse_wkt_polygons(wkt))
            except ParameterError:
                continue  # a malformed outline is left out; the shapes report it on import
    latest: dict[str, str] = {}
    for row in store.select(
        """SELECT ?m ?date ?count WHERE { ?m a sv:Municipality ; sv:territory ?t .
             ?t sv:population ?p . ?p dcterms:date ?date ; sv:count ?count }"""
    ):
        m, date, count = _value(row, "m"), _value(row, "date") or "", _value(row, "count")
        if m and count and count.isdigit() and date >= latest.get(m, ""):
            latest[m] = date
            places[m].population = int(count)
    return dict(places)


def attach_places(G: nx.Graph[str], places: Mapping[str, Place]) -> None:
    """Give the municipality nodes of ``G`` their short name, outline and population."""
    for u, d in G.nodes(data=True):
        place = places.get(str(u))
        if place is None:
            continue
        if place.short:
            d["short"] = place.short
        if place.outline:
            d["outline"] = place.outline
        if place.population is not None:
            d["population"] = place.population


def read_labels(store: Store, kind: str) -> dict[str, str]:
    """IRI → Swedish label (else any) of every instance of ``sv:{kind}`` (``Collaboration``…)."""
    if not kind.isidentifier():
        msg = f"not a class name: {kind!r}"
        raise ParameterError(msg)
    out: dict[str, str] = {}
    for row in store.select(
        f"""SELECT ?x ?label WHERE {{ ?x a sv:{kind} ; skos:prefLabel ?label }}
            ORDER BY DESC(LANG(?label) = "sv")"""
    ):
        x, label = _value(row, "x"), _value(row, "label")
        if x and label and x not in out:
            out[x] = label
    return out


def read_issues_raised(store: Store) -> dict[str, list[dict[str, str]]]:
    """Actor IRI → the issues it raised: issue, stance, round year and quote (Swedish labels)."""
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in store.select(
        """SELECT ?a ?issue ?stance ?year ?quote WHERE {
             ?x a sv:IssueMention ; sv:raisedBy ?a ; sv:issue ?i .
             OPTIONAL { ?i skos:prefLabel ?issue FILTER(LANG(?issue) = "sv") }
             OPTIONAL { ?x sv:stance ?s . ?s skos:prefLabel ?stance FILTER(LANG(?stance) = "sv") }
             OPTIONAL { ?x sv:inRound ?r . ?r sv:year ?year }
             OPTIONAL { ?x sv:quote ?quote } }
           ORDER BY ?a DESC(?year) ?issue"""
    ):
        a = _value(row, "a")
        if not a:
            continue
        out[a].append(
            {
                "issue": _value(row, "issue") or "",
                "stance": _value(row, "stance") or "",
                "year": (_value(row, "year") or "")[:4],
                "quote": _value(row, "quote") or "",
            }
        )
    # Sorted here, not by ORDER BY: engines order language-tagged labels differently (Virtuoso vs Oxigraph).
    for raised in out.values():
        raised.sort(key=lambda r: (-int(r["year"] or 0), r["issue"], r["stance"], r["quote"]))
    return dict(out)


def attach_issues(G: nx.Graph[str], issues: Mapping[str, list[dict[str, str]]]) -> None:
    """Give each node of ``G`` the issues it raised (for the panel) and their number (for the map)."""
    for u, d in G.nodes(data=True):
        raised = issues.get(str(u), [])
        d["issues_raised"] = raised
        d["issue_count"] = len({r["issue"] for r in raised})


__all__ = ["Place", "attach_issues", "attach_places", "read_issues_raised", "read_labels", "read_places"]
