"""The views samverkan draws, and how each is made from the store: projection, filters, title, caption."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

import networkx as nx

from graph import project
from graph.errors import ParameterError, UnknownResourceError
from graph.namespaces import ID, META_GRAPH
from graph.project.filters import group_option
from graph.store.protocol import Store
from graph.views.build import YearSpan, build_view
from graph.views.facts import attach_issues, attach_places, read_issues_raised, read_labels, read_places
from graph.views.model import Lang, Layout, SourceRef, ViewData, ViewOptions
from graph.views.words import category_label, short_iri

Network = Literal["actors", "municipalities"]


@dataclass(frozen=True)
class ViewSpec:
    """One view: its name, headings, the projection it draws and how it is laid out."""

    name: str
    title_sv: str
    title_en: str
    summary: str
    projection: str
    layout: Layout = "force"
    mentions: bool = False

    def title(self, lang: Lang) -> str:
        """The heading in Swedish or English."""
        return self.title_sv if lang == "sv" else self.title_en


VIEWS: dict[str, ViewSpec] = {
    v.name: v
    for v in (
        ViewSpec(
            "collaboration",
            "Samverkansnätverket",
            "The collaboration network",
            "actors joined by shared collaborations, whole or filtered by domain, year, "
            "constellation or grouping, and category",
            "project_actors",
        ),
        ViewSpec(
            "municipalities",
            "Samverkan över kommungränser",
            "Collaboration across municipal borders",
            "municipalities joined by collaborations across their borders, on their coordinates",
            "project_municipalities",
            layout="geo",
        ),
        ViewSpec(
            "ego",
            "Nätverket kring {label}",
            "The network around {label}",
            "one actor or municipality and its partners, one or two steps out (--center, --radius)",
            "project_actors",
        ),
        ViewSpec(
            "actor-issues",
            "Aktörer och frågor",
            "Actors and issues",
            "who raised which issue (actors × issues)",
            "project_actor_issues",
            mentions=True,
        ),
        ViewSpec(
            "issue-comentions",
            "Frågor som lyfts tillsammans",
            "Issues raised together",
            "issues joined when raised at the same meeting or by the same actor in a round",
            "project_issue_comentions",
            mentions=True,
        ),
    )
}


def get_spec(name: str) -> ViewSpec:
    """Return a view's description.

    Raises:
        UnknownResourceError: no view has this name.
    """
    try:
        return VIEWS[name]
    except KeyError:
        msg = f"unknown view {name!r}; the views are: {', '.join(VIEWS)}"
        raise UnknownResourceError(msg) from None


_SAFE_IRI = re.compile(r"^[^\s<>\"{}|\\^`]+$")


def expand_iri(text: str, kind: str) -> str:
    """Read an IRI, an ``id:`` path (``actor/klys``) or a bare slug of ``kind`` (``klys``).

    Example:
        >>> expand_iri("0182", "municipality")
        'https://w3id.org/samverkan/id/municipality/0182'

    Raises:
        ParameterError: the text cannot be part of an IRI.
    """
    text = text.strip()
    if not text or not _SAFE_IRI.match(text):
        msg = f"not an IRI or slug: {text!r}"
        raise ParameterError(msg)
    if text.startswith(("http://", "https://", "urn:")):
        return text
    if text.startswith("id:"):
        text = text[3:]
    return str(ID[text if "/" in text else f"{kind}/{text}"])


@dataclass(frozen=True)
class ViewQuery:
    """What part of the graph a view shows; ``None`` means no restriction.

    ``grouping`` and ``constellation`` both restrict the view to the members of one group (a
    ``sv:Grouping`` or a ``sv:Constellation``); give one of them.
    """

    year: int | None = None
    round: str | None = None
    domain: str | None = None
    grouping: str | None = None
    constellation: str | None = None
    category: str | None = None
    center: str | None = None
    radius: int = 1
    network: Network = "actors"

    def __post_init__(self) -> None:
        """Check the values that arrive from query strings and the command line."""
        if self.radius not in (1, 2):
            msg = f"radius must be 1 or 2, not {self.radius}"
            raise ParameterError(msg)
        if self.network not in ("actors", "municipalities"):
            msg = f"network must be actors or municipalities, not {self.network!r}"
            raise ParameterError(msg)
        if self.grouping and self.constellation:
            msg = "give a grouping or a constellation, not both"
            raise ParameterError(msg)

    def filters(self) -> project.Filters:
        """The projection filters this query stands for (the projection reads each value against the data)."""
        return project.Filters(
            year=self.year,
            round=self.round or None,
            domain=self.domain or None,
            grouping=group_option(self.grouping, self.constellation),
            category=self.category or None,
        )

    def params(self) -> dict[str, str]:
        """The query as query-string parameters (only what is set)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            default = f.default
            if value is not None and value != default:
                out[f.name] = str(value)
        return out

    def describe(self, lang: Lang) -> str:
        """The filters in words, for the view's subtitle."""
        sv = lang == "sv"
        parts: list[str] = []
        if self.round:
            parts.append(("dialogrunda " if sv else "dialogue round ") + short_iri(self.round).split("/")[-1])
        if self.year is not None:
            parts.append(("år " if sv else "year ") + str(self.year))
        if self.domain:
            parts.append(("område " if sv else "domain ") + self.domain)
        if self.category:
            parts.append(("kategori " if sv else "category ") + category_label(self.category, lang))
        if self.grouping:
            parts.append(("gruppering " if sv else "grouping ") + short_iri(self.grouping))
        if self.constellation:
            parts.append(("konstellation " if sv else "constellation ") + short_iri(self.constellation))
        if self.center:
            steps = ("1 steg" if sv else "1 step") if self.radius == 1 else ("2 steg" if sv else "2 steps")
            parts.append(steps)
        if not parts:
            return "Hela nätverket" if sv else "The whole network"
        return ("Urval: " if sv else "Showing: ") + " · ".join(parts)


def read_edge_years(snapshot: project.Snapshot) -> dict[str, list[YearSpan]]:
    """Collaboration IRI → the (start, end) spans it runs in (``sv:observedIn`` years as one-year spans)."""
    out: dict[str, list[YearSpan]] = {}
    for c in snapshot.collaborations:
        spans: list[YearSpan] = []
        if c.start is not None or c.end is not None:
            spans.append((c.start, c.end))
        spans.extend((y, y) for y in sorted(c.observed))
        out[c.iri] = spans
    return out


def read_sources(store: Store, graphs: list[str]) -> list[SourceRef]:
    """Describe source graphs with the title, address and date of their source (from ``graph:meta``)."""
    safe = sorted({g for g in graphs if _SAFE_IRI.match(g)})
    if not safe:
        return []
    values = " ".join(f"<{g}>" for g in safe)
    rows = store.select(
        f"""SELECT ?g ?title ?url ?date WHERE {{ VALUES ?g {{ {values} }}
              OPTIONAL {{ GRAPH <{META_GRAPH}> {{ ?g prov:wasDerivedFrom ?s .
                OPTIONAL {{ ?s dcterms:title ?title }} OPTIONAL {{ ?s schema:url ?url }}
                OPTIONAL {{ ?s dcterms:issued ?date }} }} }} }}"""
    )
    found: dict[str, SourceRef] = {}
    for row in rows:
        g = row["g"]
        if g is None:
            continue
        title, url, date = row["title"], row["url"], row["date"]
        ref = SourceRef(
            graph=short_iri(g.value),
            title=title.value if title is not None else None,
            url=url.value if url is not None else None,
            date=date.value if date is not None else None,
        )
        # A graph derived from several sources shows one: the latest with a title, chosen by value, so that
        # the choice does not depend on the order in which the engine gives the rows.
        if g.value not in found or _rank(ref) > _rank(found[g.value]):
            found[g.value] = ref
    return [found[g] for g in safe if g in found]


def _rank(ref: SourceRef) -> tuple[bool, str, str, str]:
    return (ref.title is not None, ref.date or "", ref.title or "", ref.url or "")


def ego_graph(G: nx.Graph[str], center: str, radius: int) -> nx.Graph[str]:
    """The nodes within ``radius`` steps of ``center``, with their ties (a new graph).

    Raises:
        UnknownResourceError: ``center`` is not in the network.
    """
    if center not in G:
        msg = f"{short_iri(center)} is not in this network (check the filters, or the name)"
        raise UnknownResourceError(msg)
    H: nx.Graph[str] = nx.ego_graph(G, center, radius=radius).copy()
    H.graph.update(G.graph)
    return H


def make_view_from_graph(
    G: nx.Graph[str],
    name: str,
    *,
    query: ViewQuery = ViewQuery(),
    options: ViewOptions = ViewOptions(),
    edge_years: Mapping[str, list[YearSpan]] | None = None,
    sources: list[SourceRef] | None = None,
    collab_labels: Mapping[str, str] | None = None,
) -> ViewData:
    """Draw a view from a projection already made (pure: no store).

    Raises:
        UnknownResourceError: an unknown view, or an ego view whose centre is not in ``G``.
        ParameterError: an ego view without a centre.
    """
    spec = get_spec(name)
    title = spec.title(options.lang)
    layout = spec.layout
    center = None
    if name == "ego":
        if not query.center:
            msg = "the ego view needs a centre (--center / ?center=): an actor or a municipality"
            raise ParameterError(msg)
        center = expand_iri(query.center, "actor")
        if center not in G and expand_iri(query.center, "municipality") in G:
            center = expand_iri(query.center, "municipality")
        G = ego_graph(G, center, query.radius)
        d = G.nodes[center]
        label = (d.get("label_en") if options.lang == "en" else None) or d.get("label") or short_iri(center)
        title = title.format(label=label)
        layout = "geo" if query.network == "municipalities" else "force"
    if G.graph.get("synthetic"):
        title += " (syntetiska data)" if options.lang == "sv" else " (synthetic data)"
    notes = []
    if layout == "force":
        notes.append(
            f"Placering: Fruchterman–Reingold, frö {options.seed}."
            if options.lang == "sv"
            else f"Layout: Fruchterman–Reingold, seed {options.seed}."
        )
    else:
        notes.append(
            "Karta: kommungränser och kommunernas koordinater, Lamberts ytriktiga azimutalprojektion."
            if options.lang == "sv"
            else "Map: municipal outlines and coordinates, Lambert azimuthal equal-area projection."
        )
    return build_view(
        G,
        view=name,
        title=title,
        subtitle=query.describe(options.lang),
        options=options,
        layout=layout,
        edge_years=edge_years,
        sources=sources,
        notes=notes,
        params=query.params(),
        center=center,
        collab_labels=collab_labels,
    )


def project_for_view(store: Store, name: str, query: ViewQuery) -> tuple[nx.Graph[str], project.Snapshot]:
    """Read the store once and make the projection a view draws.

    Raises:
        UnknownResourceError: an unknown view.
        ParameterError: a filter names nothing the data know, or a year and a round disagree.
    """
    spec = get_spec(name)
    filters = query.filters()
    snapshot = project.read_snapshot(store, mentions=spec.mentions)
    projection = spec.projection
    if name == "ego" and query.network == "municipalities":
        projection = "project_municipalities"
    make: Any = getattr(project, projection)
    return make(snapshot, filters=filters), snapshot


def make_view(
    store: Store,
    name: str,
    *,
    query: ViewQuery = ViewQuery(),
    options: ViewOptions = ViewOptions(),
) -> ViewData:
    """Make a view from the store: project, then draw, with its sources described from ``graph:meta``.

    Raises:
        UnknownResourceError: an unknown view, or a centre that is not in the network.
        ParameterError: a filter names nothing the data know, or the filters contradict each other.
    """
    G, snapshot = project_for_view(store, name, query)
    sources = read_sources(store, [str(g) for g in G.graph.get("graphs", [])])
    attach_places(G, read_places(store))
    attach_issues(G, read_issues_raised(store))
    return make_view_from_graph(
        G,
        name,
        query=query,
        options=options,
        edge_years=read_edge_years(snapshot),
        sources=sources,
        collab_labels=read_labels(store, "Collaboration"),
    )


__all__ = [
    "VIEWS",
    "ViewQuery",
    "ViewSpec",
    "ego_graph",
    "expand_iri",
    "get_spec",
    "make_view",
    "make_view_from_graph",
    "project_for_view",
    "read_edge_years",
    "read_sources",
]
