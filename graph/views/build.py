"""Build a view's network data from a projection: copy, aggregate, measure, lay out, colour.

The graph handed in is never given to pyvis nor changed: we read its values into a fresh graph, and pyvis
only ever sees plain strings and numbers through ``Network.add_node``/``add_edge`` (its ``from_nx`` would
rename ``weight`` in place).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.views.labels import short_labels
from graph.views.layout import layout_force, layout_geo
from graph.views.mapdata import make_map, map_frame, place_on_map
from graph.views.measures import compute_measure, detect_communities, scale_sizes
from graph.views.model import Layout, LegendEntry, SourceRef, ViewData, ViewOptions
from graph.views.multi import MIN_MEMBERS, expand_collaborations
from graph.views.panel import make_panel
from graph.views.words import (
    DISTANT_EDGE_COLOUR,
    EDGE_COLOUR,
    NEIGHBOUR_EDGE_COLOUR,
    OTHER_COLOUR,
    PALETTE,
    category_label,
    say,
    short_iri,
)

if TYPE_CHECKING:
    from pyvis.network import Network

# Categories that keep their colour from view to view (the rest take the remaining colours by frequency).
FIXED_COLOURS: dict[str, str] = {
    "Municipality": PALETTE[0],
    "CultureSchool": PALETTE[1],
    "Association": PALETTE[2],
    "StudyAssociation": PALETTE[3],
    "Centrumbildning": PALETTE[4],
    "ProfessionalOrganisation": PALETTE[5],
    "Issue": PALETTE[6],
    "InterestOrganisation": PALETTE[7],
    "Administration": PALETTE[8],
}
_MAX_LIST = 6
YearSpan = tuple[int | None, int | None]


def copy_graph(G: nx.Graph[str]) -> nx.Graph[str]:
    """A new graph with copies of every attribute dict and list (the original is never touched)."""
    H: nx.Graph[str] = nx.Graph()
    H.graph.update({k: _copy_value(v) for k, v in G.graph.items()})
    H.add_nodes_from((str(u), {k: _copy_value(v) for k, v in d.items()}) for u, d in G.nodes(data=True))
    H.add_edges_from(
        (str(u), str(v), {k: _copy_value(x) for k, x in d.items()}) for u, v, d in G.edges(data=True)
    )
    return H


def _copy_value(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return [_copy_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy_value(v) for k, v in value.items()}
    return value


def aggregate(
    G: nx.Graph[str], groups: Mapping[str, str], labels: Mapping[str, str], category: str
) -> nx.Graph[str]:
    """Merge nodes into groups: one node per group, edge weights and counts summed, lists merged."""
    A: nx.Graph[str] = nx.Graph()
    members: dict[str, list[str]] = defaultdict(list)
    for u in G:
        members[groups[str(u)]].append(str(u))
    for key, ms in members.items():
        A.add_node(
            key,
            label=labels.get(key, short_iri(key)),
            label_en=labels.get(key, short_iri(key)),
            category=category,
            municipality=key if category == "Municipality" else None,
            sources=sorted({s for m in ms for s in G.nodes[m].get("sources", [])}),
            members=len(ms),
        )
    for u, v, d in G.edges(data=True):
        a, b = groups[str(u)], groups[str(v)]
        if a == b:
            continue
        if A.has_edge(a, b):
            e = A.edges[a, b]
            e["weight"] += float(d.get("weight", 1.0))
            e["count"] += int(d.get("count", 1))
            for key in ("collaborations", "domains", "sources"):
                e[key] = sorted(set(e[key]) | set(d.get(key, [])))
        else:
            A.add_edge(
                a,
                b,
                weight=float(d.get("weight", 1.0)),
                count=int(d.get("count", 1)),
                collaborations=sorted(d.get("collaborations", [])),
                domains=sorted(d.get("domains", [])),
                sources=sorted(d.get("sources", [])),
            )
    return A


def _aggregate_for_view(H: nx.Graph[str], options: ViewOptions) -> tuple[nx.Graph[str], str]:
    """Aggregate a graph above the size limit; returns the smaller graph and a note saying what was done."""
    lang = options.lang
    n = H.number_of_nodes()
    with_municipality = sum(1 for _, m in H.nodes(data="municipality") if m)
    if options.aggregate_by == "municipality" and with_municipality >= n / 2:
        none = "none"
        groups = {str(u): str(m) if m else none for u, m in H.nodes(data="municipality")}
        labels = {
            str(m): str(H.nodes[m].get("label" if lang == "sv" else "label_en") or short_iri(str(m)))
            for m in set(groups.values())
            if m in H
        }
        labels[none] = say("no_municipality", lang)
        A = aggregate(H, groups, labels, "Municipality")
        by = "kommun" if lang == "sv" else "municipality"
    else:
        communities = detect_communities(H, seed=options.seed)
        groups = {u: f"community/{c + 1}" for u, c in communities.items()}
        sizes = Counter(groups.values())
        word = say("community", lang)
        labels = {g: f"{word} {g.split('/')[1]} ({sizes[g]})" for g in sizes}
        A = aggregate(H, groups, labels, "Group")
        by = "gemenskap (Louvain)" if lang == "sv" else "community (Louvain)"
    if lang == "sv":
        note = (
            f"Nätverket har {n:,} noder, fler än gränsen {options.max_nodes:,}: varje nod här är en {by} "
            f"({A.number_of_nodes():,} noder), storleken räknad på det sammanslagna nätverket."
        ).replace(",", "\u00a0")
    else:
        note = (
            f"The network has {n:,} nodes, more than the limit of {options.max_nodes:,}: each node here is "
            f"one {by} ({A.number_of_nodes():,} nodes), sized on the aggregated network."
        )
    return A, note


def _colours(
    H: nx.Graph[str], options: ViewOptions
) -> tuple[dict[str, str], list[LegendEntry], dict[str, int]]:
    """Colour per node and the legend, by category or by community."""
    lang = options.lang
    if options.colour_by == "community":
        community = detect_communities(H, seed=options.seed)
        keys = {u: f"c{c + 1}" for u, c in community.items()}
        counts = Counter(keys.values())
        alone = {k for k, n in counts.items() if n == 1}  # one node is no community: drawn as "without ties"
        ranked = sorted((k for k in counts if k not in alone), key=lambda k: (-counts[k], int(k[1:])))
        by_rank = {k: PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR for i, k in enumerate(ranked)}
        by_rank.update(dict.fromkeys(alone, OTHER_COLOUR))
        names = _community_names(H, keys, lang)
        legend = [LegendEntry(k, names[k], by_rank[k], counts[k]) for k in ranked[: len(PALETTE)]]
        if len(ranked) > len(PALETTE):
            rest = sum(counts[k] for k in ranked[len(PALETTE) :])
            legend.append(LegendEntry("other", say("other", lang), OTHER_COLOUR, rest))
        if alone:
            word = "utan samverkan i urvalet" if lang == "sv" else "no tie in this selection"
            legend.append(LegendEntry("alone", word, OTHER_COLOUR, len(alone)))
        return {u: by_rank[k] for u, k in keys.items()}, legend, community
    cats = {str(u): str(c or "Actor") for u, c in H.nodes(data="category")}
    counts = Counter(cats.values())
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    free = [c for c in PALETTE if c not in {FIXED_COLOURS[k] for k in counts if k in FIXED_COLOURS}]
    colour_of: dict[str, str] = {}
    for k in ranked:
        if k in FIXED_COLOURS:
            colour_of[k] = FIXED_COLOURS[k]
        elif free:
            colour_of[k] = free.pop(0)
        else:
            colour_of[k] = OTHER_COLOUR
    legend = [
        LegendEntry(k, category_label(k, lang), colour_of[k], counts[k])
        for k in ranked
        if colour_of[k] != OTHER_COLOUR
    ]
    rest = sum(counts[k] for k in ranked if colour_of[k] == OTHER_COLOUR)
    if rest:
        legend.append(LegendEntry("other", say("other", lang), OTHER_COLOUR, rest))
    return {u: colour_of[c] for u, c in cats.items()}, legend, {}


def _community_names(H: nx.Graph[str], keys: Mapping[str, str], lang: Any) -> dict[str, str]:
    """Name each community by what it holds: its two best-connected members ("Solna, Sundbyberg m.fl.")."""
    short = short_labels(H, {str(u): _node_label(d, lang) for u, d in H.nodes(data=True)})
    members: dict[str, list[str]] = defaultdict(list)
    for u, k in keys.items():
        members[k].append(u)
    out = {}
    more = " m.fl." if lang == "sv" else " and others"
    for k, ms in members.items():
        top = sorted(ms, key=lambda u: (-H.degree(u), short[u]))
        out[k] = ", ".join(short[u] for u in top[:2]) + (more if len(ms) > 2 else "")
    return out


def _fmt(value: float) -> str:
    if value == int(value) and abs(value) < 1e9:
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _listed(items: Iterable[str]) -> str:
    values = [short_iri(str(i)) for i in items]
    head = ", ".join(values[:_MAX_LIST])
    return head + (f" … (+{len(values) - _MAX_LIST})" if len(values) > _MAX_LIST else "")


def _year_spans(
    d: Mapping[str, Any], edge_years: Mapping[str, list[YearSpan]] | None
) -> list[list[int | None]]:
    if not edge_years:
        return []
    spans = {tuple(s) for c in d.get("collaborations", []) for s in edge_years.get(str(c), [])}
    return [list(s) for s in sorted(spans, key=lambda s: (s[0] or 0, s[1] or 0))]


def _year_choices(edges: list[dict[str, Any]], last: int | None) -> list[str]:
    years: set[int] = set()
    for e in edges:
        for lo, hi in e.get("yrs", []):
            if lo is None and hi is None:
                continue
            a = lo if lo is not None else hi
            b = hi if hi is not None else max(a, last or a)
            if a is not None and b is not None and b - a <= 200:
                years.update(range(a, b + 1))
    return [str(y) for y in sorted(years)]


@dataclass(frozen=True)
class _Drawn:
    """What drawing the nodes hands on: the page's node dicts, their labels, the colour legend."""

    nodes: list[dict[str, Any]]
    labels: dict[str, str]
    legend: list[LegendEntry]
    full: dict[str, str]


def build_view(
    G: nx.Graph[str],
    *,
    view: str,
    title: str,
    subtitle: str = "",
    options: ViewOptions = ViewOptions(),
    layout: Layout = "force",
    edge_years: Mapping[str, list[YearSpan]] | None = None,
    sources: list[SourceRef] | None = None,
    notes: Iterable[str] = (),
    params: Mapping[str, str] | None = None,
    center: str | None = None,
    collab_labels: Mapping[str, str] | None = None,
) -> ViewData:
    """Turn a projection into a view: positions, colours, sizes, tooltips, legend and caption.

    Args:
        G: a projection (``graph.project``); read, never changed.
        view: the view's name (``collaboration``, ``municipalities``…).
        title: the heading; ``options.title`` wins when set.
        subtitle: what the view is filtered to, in words.
        options: colours, sizes, language, size limit, seed.
        layout: ``force`` (Fruchterman–Reingold) or ``geo`` (the nodes' ``lat``/``lon``).
        edge_years: collaboration IRI → (start, end) spans, for the page's year filter.
        sources: the sources to name in the caption; by default the graphs in ``G.graph["graphs"]``.
        notes: sentences for the caption.
        params: the query that made the view (for its iframe address).
        center: the node an ego view is drawn around (drawn with a border).
        collab_labels: collaboration IRI → name, for the panel, the map's stars and collaboration nodes.

    Returns:
        The view's data, ready for ``render_page`` or ``render_picture``.
    """
    lang = options.lang
    H = copy_graph(G)
    source_nodes = H.number_of_nodes()
    all_notes = list(notes)
    aggregated = source_nodes > options.max_nodes
    if aggregated:
        H, note = _aggregate_for_view(H, options)
        all_notes.insert(0, note)
        layout = "force"
    collab_labels = collab_labels or {}
    legend_notes = [_weighting_note(H, lang)]
    if layout == "geo" and H.graph.get("county_wide"):
        legend_notes.append(_county_wide_note(H.graph["county_wide"], collab_labels, lang))
    if (
        layout == "force"
        and not aggregated
        and options.multi == "bipartite"
        and view in ("collaboration", "ego")
    ):
        H, expanded = expand_collaborations(H, labels=collab_labels)
        if expanded:
            legend_notes.append(
                f"Samarbeten med minst {MIN_MEMBERS} parter ({expanded} st.) ritas som egna små noder "
                "kopplade till parterna, inte som alla par."
                if lang == "sv"
                else f"Collaborations of {MIN_MEMBERS} or more parties ({expanded}) are drawn as small nodes "
                "of their own joined to the parties, not as every pair."
            )
    isolates: list[str] = []
    if layout == "force" and not aggregated:
        lonely = sorted(str(u) for u, k in H.degree if k == 0 and str(u) != center)
        if lonely and len(lonely) < H.number_of_nodes():
            isolates = sorted(_node_label(H.nodes[u], lang) or short_iri(u) for u in lonely)
            H.remove_nodes_from(lonely)
            all_notes.append(
                f"{len(lonely)} noder utan samarbete i urvalet listas bredvid bilden."
                if lang == "sv"
                else f"{len(lonely)} nodes without a tie in this selection are listed beside the picture."
            )
    frame = map_frame(H) if layout == "geo" else None
    positions = place_on_map(H, frame) if frame is not None else layout_geo(H) if layout == "geo" else None
    from pyvis.network import Network  # here: importing views stays cheap

    net = Network(directed=True)  # directed: pyvis skips its quadratic duplicate-edge scan (G has none)
    drawn = _draw_nodes(
        net, H, options=options, layout=layout, aggregated=aggregated, center=center, positions=positions
    )
    edges, edge_legend = _draw_edges(net, H, labels=drawn.labels, edge_years=edge_years, lang=lang)
    spans = {str(c): _year_spans({"collaborations": [c]}, edge_years) for c in _collaborations(H)}
    by_graph = {s.graph: s for s in (sources or [])}
    for node in drawn.nodes:
        node["pn"] = make_panel(
            H,
            str(node["id"]),
            labels=drawn.full,
            lang=lang,
            collab_labels=collab_labels,
            collab_years=spans,
            sources=by_graph,
        )
    map_block = None
    if view == "municipalities" and frame is not None and positions is not None:
        map_block = make_map(
            H,
            frame,
            positions,
            lang=lang,
            measure=options.measure,
            star=options.star,
            collab_labels=collab_labels,
        )
    data_date = str(H.graph.get("data_date")) if H.graph.get("data_date") else None
    if sources is None:
        sources = [SourceRef(graph=str(g)) for g in H.graph.get("graphs", [])]
    size_label = say(options.size_by, lang)
    if options.size_by == "betweenness":
        size_label += " (avstånd = 1/vikt)" if lang == "sv" else " (distance = 1/weight)"
    return ViewData(
        view=view,
        title=options.title or title,
        subtitle=subtitle,
        nodes=drawn.nodes,
        edges=edges,
        legend=drawn.legend,
        edge_legend=edge_legend,
        size_label=size_label,
        colour_label=say("community" if options.colour_by == "community" else "category", lang),
        data_date=data_date,
        sources=sources,
        notes=all_notes,
        choices=_filter_choices(H, edges, data_date, lang),
        lang=lang,
        source_nodes=source_nodes,
        aggregated=aggregated,
        params=dict(params or {}),
        isolates=isolates,
        map=map_block,
        notes_legend=legend_notes,
    )


def _collaborations(H: nx.Graph[str]) -> set[str]:
    on_edges = {str(c) for _, _, d in H.edges(data=True) for c in d.get("collaborations", [])}
    return on_edges | {str(c) for _, cs in H.nodes(data="cross_border") for c in cs or ()}


def _county_wide_note(collaborations: Iterable[str], labels: Mapping[str, str], lang: Any) -> str:
    """The legend's word on collaborations whose stated scope is the whole county (drawn as no lines)."""
    names = ", ".join(sorted(labels.get(str(c)) or short_iri(str(c)) for c in collaborations))
    if lang == "sv":
        return (
            f"Länsövergripande samverkan ({names}) når alla länets kommuner: den räknas i varje kommuns "
            "färg men ritas inte som linjer mellan alla par."
        )
    return (
        f"County-wide collaboration ({names}) reaches every municipality of the county: it counts in each "
        "municipality's shade but is not drawn as lines between every pair."
    )


def _weighting_note(H: nx.Graph[str], lang: Any) -> str:
    """Name the edge weighting in the legend."""
    if H.graph.get("weighting") == "newman":
        return (
            "Linjebredd: vikt enligt Newman, 1/(k−1) per samarbete med k parter."
            if lang == "sv"
            else "Line width: Newman weight, 1/(k−1) per collaboration of k parties."
        )
    return say("edge_width", lang) + "."


def _draw_nodes(
    net: Network,
    H: nx.Graph[str],
    *,
    options: ViewOptions,
    layout: Layout,
    aggregated: bool,
    center: str | None,
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> _Drawn:
    """Add every node to ``net`` with its position, size and colour; return the page's node dicts."""
    lang = options.lang
    measure = compute_measure(H, options.size_by)
    sizes = scale_sizes(measure, smallest=10.0 if H.number_of_nodes() <= 100 else 7.0)
    if aggregated and options.size_by == "none":
        sizes = scale_sizes({u: float(d.get("members", 1)) for u, d in H.nodes(data=True)})
    if options.colour_by == "category" and len({d.get("category") for _, d in H.nodes(data=True)}) == 1:
        options = replace(options, colour_by="community")  # one category says nothing: show communities
    colour, legend, community = _colours(H, options)
    if positions is None:
        positions = layout_geo(H) if layout == "geo" else layout_force(H, seed=options.seed)
    full = {str(u): _node_label(d, lang) for u, d in H.nodes(data=True)}
    labels = short_labels(H, full)
    degree = dict(H.degree)
    ranked = sorted((str(u) for u in H), key=lambda k: (-sizes[k], -degree[k], labels[k]))
    rank = {k: i for i, k in enumerate(ranked)}
    nodes: list[dict[str, Any]] = []
    for key in sorted(str(u) for u in H):
        d: dict[str, Any] = H.nodes[key]
        x, y = positions[key]
        colour_value: str | dict[str, str] = colour[key]
        extra: dict[str, Any] = {}
        if key == center:
            colour_value = {"background": colour[key], "border": "#000000"}
            extra = {"borderWidth": 4}
        is_collaboration = d.get("category") == "Collaboration"
        net.add_node(
            key,
            label=labels[key],
            shape="square" if is_collaboration else "dot",
            color=colour_value,
            size=4.0 if is_collaboration else round(sizes[key], 2),
            x=x,
            y=y,
            **extra,
        )
        node = dict(net.node_map[key])
        node.update(
            cat=str(d.get("category") or "Actor")
            if options.colour_by == "category"
            else _community_key(community, key),
            kind=str(d.get("category") or "Actor"),
            c0=colour_value,
            full=full[key],
            rank=rank[key],
            deg=degree[key],
            tip=_node_tip(H, key, d, full, lang, measure, options, community),
        )
        nodes.append(node)
    return _Drawn(nodes=nodes, labels=labels, legend=legend, full=full)


def _draw_edges(
    net: Network,
    H: nx.Graph[str],
    *,
    labels: Mapping[str, str],
    edge_years: Mapping[str, list[YearSpan]] | None,
    lang: Any,
) -> tuple[list[dict[str, Any]], list[LegendEntry]]:
    """Add every edge to ``net``, width by weight, coloured by neighbourhood when known; edges and legend."""
    edges: list[dict[str, Any]] = []
    top = max((float(w) for _, _, w in H.edges(data="weight", default=1.0)), default=1.0) or 1.0
    has_neighbours = any("neighbours" in d for _, _, d in H.edges(data=True))
    pairs = sorted((str(u), str(v)) for u, v in H.edges)
    for i, (u, v) in enumerate(pairs):
        d: dict[str, Any] = H.edges[u, v]
        w = float(d.get("weight", 1.0))
        edge_colour = EDGE_COLOUR
        if has_neighbours:
            edge_colour = NEIGHBOUR_EDGE_COLOUR if d.get("neighbours") else DISTANT_EDGE_COLOUR
        net.add_edge(u, v, width=round(1.0 + 5.0 * math.sqrt(max(w, 0.0) / top), 2))
        e = net.edges[-1]
        e.pop("arrows", None)
        e.update(
            id=f"e{i}",
            color=edge_colour,
            c0=edge_colour,
            dom=[str(x) for x in d.get("domains", [])],
            col=[str(x) for x in d.get("collaborations", [])],
            n=int(d.get("count") or 1),
            nb=bool(d.get("neighbours")),
            yrs=_year_spans(d, edge_years),
            tip=_edge_tip(d, labels[u], labels[v], lang),
        )
        edges.append(e)
    edge_legend: list[LegendEntry] = []
    if has_neighbours:
        edge_legend = [
            LegendEntry("neighbours", say("neighbours", lang), NEIGHBOUR_EDGE_COLOUR),
            LegendEntry("distant", say("distant", lang), DISTANT_EDGE_COLOUR),
        ]
    return edges, edge_legend


def _filter_choices(
    H: nx.Graph[str], edges: list[dict[str, Any]], data_date: str | None, lang: Any
) -> dict[str, list[str]]:
    """The values the page's filters offer: domains and years of the edges, categories of the nodes."""
    last_year = int(data_date[:4]) if data_date and data_date[:4].isdigit() else None
    categories = sorted({str(d.get("category") or "Actor") for _, d in H.nodes(data=True)})
    return {
        "domain": sorted({x for e in edges for x in e["dom"]}),
        "year": _year_choices(edges, last_year),
        "category": categories if len(categories) > 1 else [],
        "categoryLabels": [category_label(c, lang) for c in categories] if len(categories) > 1 else [],
    }


def _community_key(community: dict[str, int], key: str) -> str:
    return f"c{community[key] + 1}" if key in community else "other"


def _node_label(d: Mapping[str, Any], lang: str) -> str:
    label = d.get("label_en") if lang == "en" else None
    return str(label or d.get("label") or "")


def _node_tip(
    H: nx.Graph[str],
    key: str,
    d: Mapping[str, Any],
    labels: Mapping[str, str],
    lang: Any,
    measure: Mapping[str, float],
    options: ViewOptions,
    community: Mapping[str, int],
) -> list[list[str]]:
    rows = [[say("label", lang), labels[key] or short_iri(key)]]
    rows.append([say("category", lang), category_label(d.get("category"), lang)])
    muni = d.get("municipality")
    if muni:
        muni_label = labels.get(str(muni)) or short_iri(str(muni))
        rows.append([say("municipality", lang), muni_label])
    if d.get("members"):
        rows.append([say("members", lang), str(d["members"])])
    if options.size_by != "none":
        rows.append([say(options.size_by, lang), _fmt(measure.get(key, 0.0))])
    if options.size_by != "degree":
        rows.append([say("degree", lang), str(H.degree(key))])
    if key in community:
        rows.append([say("community", lang), str(community[key] + 1)])
    if d.get("sources"):
        rows.append([say("source", lang), _listed(d["sources"])])
    rows.append(["IRI", short_iri(key)])
    return rows


def _edge_tip(d: Mapping[str, Any], a: str, b: str, lang: Any) -> list[list[str]]:
    rows = [[f"{a} – {b}", ""], [say("weight", lang), _fmt(float(d.get("weight", 1.0)))]]
    if d.get("count") is not None:
        rows.append([say("count", lang), str(d["count"])])
    if d.get("collaborations"):
        rows.append([say("collaborations", lang), _listed(d["collaborations"])])
    if d.get("domains"):
        rows.append([say("domains", lang), ", ".join(str(x) for x in d["domains"])])
    if d.get("sources"):
        rows.append([say("source", lang), _listed(d["sources"])])
    return rows


__all__ = ["FIXED_COLOURS", "aggregate", "build_view", "copy_graph"]
