"""What a view is made of: options in, plain network data out (no I/O, JSON-ready)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ColourBy = Literal["category", "community"]
SizeBy = Literal["betweenness", "degree", "strength", "pagerank", "none"]
Lang = Literal["sv", "en"]
AggregateBy = Literal["municipality", "community"]
Layout = Literal["force", "geo"]

COLOUR_CHOICES: tuple[ColourBy, ...] = ("category", "community")
SIZE_CHOICES: tuple[SizeBy, ...] = ("betweenness", "degree", "strength", "pagerank", "none")
LANG_CHOICES: tuple[Lang, ...] = ("sv", "en")

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

    def __post_init__(self) -> None:
        """Check the closed choices (they also arrive from query strings and the command line)."""
        for name, value, allowed in (
            ("colour_by", self.colour_by, COLOUR_CHOICES),
            ("size_by", self.size_by, SIZE_CHOICES),
            ("lang", self.lang, LANG_CHOICES),
            ("aggregate_by", self.aggregate_by, ("municipality", "community")),
        ):
            if value not in allowed:
                msg = f"{name} must be one of {', '.join(allowed)}, not {value!r}"
                raise ValueError(msg)
        if self.max_nodes < 10:
            msg = f"max_nodes must be at least 10, not {self.max_nodes}"
            raise ValueError(msg)


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
        }


__all__ = [
    "COLOUR_CHOICES",
    "LANG_CHOICES",
    "MAX_NODES",
    "SIZE_CHOICES",
    "AggregateBy",
    "ColourBy",
    "Lang",
    "Layout",
    "LegendEntry",
    "SizeBy",
    "SourceRef",
    "ViewData",
    "ViewOptions",
]
