"""What a view is made of: options in, plain network data out (no I/O, JSON-ready)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from graph.errors import ParameterError

ColourBy = Literal["category", "community"]
SizeBy = Literal["betweenness", "degree", "strength", "pagerank", "none"]
Lang = Literal["sv", "en"]
AggregateBy = Literal["municipality", "community"]
Layout = Literal["force", "geo"]
Multi = Literal["bipartite", "pairs"]
MapMeasure = Literal["collaborations", "partners", "issues", "population"]

COLOUR_CHOICES: tuple[ColourBy, ...] = ("category", "community")
SIZE_CHOICES: tuple[SizeBy, ...] = ("betweenness", "degree", "strength", "pagerank", "none")
LANG_CHOICES: tuple[Lang, ...] = ("sv", "en")
MULTI_CHOICES: tuple[Multi, ...] = ("bipartite", "pairs")
MEASURE_CHOICES: tuple[MapMeasure, ...] = ("collaborations", "partners", "issues", "population")

#: Above this many nodes a view is aggregated (by municipality or community) instead of drawn whole.
MAX_NODES = 3000


@dataclass(frozen=True)
class ViewOptions:
    """How to draw a view: colours, sizes, language, size limit and layout seed."""

    colour_by: ColourBy = "category"
    size_by: SizeBy = "betweenness"
    lang: Lang = "sv"
    max_nodes: int = MAX_NODES
    aggregate_by: AggregateBy = "municipality"
    seed: int = 42
    title: str | None = None
    multi: Multi = "bipartite"  # collaborations of three or more parties as their own node, or as pairs
    measure: MapMeasure = "collaborations"  # the map's choropleth
    star: bool = False  # the map: an agreement of three or more municipalities as a star, not all its pairs

    def __post_init__(self) -> None:
        """Check the closed choices (they also arrive from query strings and the command line)."""
        for name, value, allowed in (
            ("colour_by", self.colour_by, COLOUR_CHOICES),
            ("size_by", self.size_by, SIZE_CHOICES),
            ("lang", self.lang, LANG_CHOICES),
            ("aggregate_by", self.aggregate_by, ("municipality", "community")),
            ("multi", self.multi, MULTI_CHOICES),
            ("measure", self.measure, MEASURE_CHOICES),
        ):
            if value not in allowed:
                msg = f"{name} must be one of {', '.join(allowed)}, not {value!r}"
                raise ParameterError(msg)
        if self.max_nodes < 10:
            msg = f"max_nodes must be at least 10, not {self.max_nodes}"
            raise ParameterError(msg)


@dataclass(frozen=True)
class LegendEntry:
    """One colour of the legend."""

    key: str
    label: str
    colour: str
    count: int = 0


@dataclass(frozen=True)
class SourceRef:
    """A source graph behind a view, with the title and address of its source where the store has them."""

    graph: str
    title: str | None = None
    url: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class ViewData:
    """A view ready to render: vis-network nodes and edges with positions, legend, title and caption.

    ``nodes`` and ``edges`` are plain JSON-ready dicts (built with pyvis from copies of the graph's values);
    ``tip`` holds a tooltip as rows of (heading, text), turned into DOM text nodes by the page, never HTML.
    """

    view: str
    title: str
    subtitle: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[LegendEntry]
    edge_legend: list[LegendEntry]
    size_label: str
    colour_label: str
    data_date: str | None
    sources: list[SourceRef]
    notes: list[str]
    choices: dict[str, list[str]]
    lang: Lang = "sv"
    source_nodes: int = 0
    aggregated: bool = False
    params: dict[str, str] = field(default_factory=dict)
    isolates: list[str] = field(default_factory=list)  # labels of the nodes without a tie, listed not drawn
    map: dict[str, Any] | None = None  # the municipal map (graph.views.mapdata.make_map)
    notes_legend: list[str] = field(default_factory=list)  # sentences of the legend (weighting, multi)

    @property
    def nodes_by_id(self) -> dict[str, dict[str, Any]]:
        """The nodes by id (the map's template joins lines and stars to their ends)."""
        return {str(n["id"]): n for n in self.nodes}

    def to_json(self) -> dict[str, Any]:
        """Return the data the page script reads (nodes, edges, legend, choices, strings)."""
        return {
            "view": self.view,
            "lang": self.lang,
            "nodes": self.nodes,
            "edges": self.edges,
            "legend": [e.__dict__ for e in self.legend],
            "choices": self.choices,
            "aggregated": self.aggregated,
            "sourceNodes": self.source_nodes,
            "isolates": self.isolates,
            "map": self.map,
            "params": self.params,
        }


__all__ = [
    "COLOUR_CHOICES",
    "LANG_CHOICES",
    "MAX_NODES",
    "MEASURE_CHOICES",
    "MULTI_CHOICES",
    "SIZE_CHOICES",
    "AggregateBy",
    "ColourBy",
    "Lang",
    "Layout",
    "LegendEntry",
    "MapMeasure",
    "Multi",
    "SizeBy",
    "SourceRef",
    "ViewData",
    "ViewOptions",
]
