"""What a run of measures shares: the store read once, each projection built once, igraph copies."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx
import numpy as np
import numpy.typing as npt

from graph.analysis.result import Result, make_result

if TYPE_CHECKING:  # igraph takes seconds to import; the command line should not pay for it on --help
    import igraph as ig
from graph.project import (
    Filters,
    Snapshot,
    Weighting,
    paused_gc,
    project_actor_issues,
    project_actors,
    project_issue_comentions,
    project_municipalities,
    read_snapshot,
)
from graph.project.filters import normalise_filters
from graph.store.protocol import Store

Network = Literal["actors", "municipalities"]


@dataclass(frozen=True)
class IGraphCopy:
    """An igraph copy of a networkx graph: vertex i is ``nodes[i]``; ``weights`` in edge order."""

    graph: ig.Graph
    nodes: list[str]
    weights: list[float]

    def edge_array(self) -> npt.NDArray[np.int64]:
        """The edges as an (m, 2) array of vertex indices."""
        return np.array(self.graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)

    def codes(self, G: nx.Graph[str], attribute: str) -> tuple[npt.NDArray[np.int64], list[object]]:
        """Integer codes of a node attribute (−1 where it is missing), and the values coded."""
        values: dict[object, int] = {}
        out = np.full(len(self.nodes), -1, dtype=np.int64)
        for i, n in enumerate(self.nodes):
            v = G.nodes[n].get(attribute)
            if v is not None:
                out[i] = values.setdefault(v, len(values))
        return out, list(values)


def to_igraph(G: nx.Graph[str]) -> IGraphCopy:
    """Convert once to igraph (for the heavy kernels), keeping node ids and edge weights.

    Example:
        >>> c = to_igraph(nx.path_graph(["a", "b", "c"]))
        >>> c.graph.vcount(), c.nodes
        (3, ['a', 'b', 'c'])
    """
    with paused_gc():
        nodes = list(G)
        index = {n: i for i, n in enumerate(nodes)}
        edges = []
        weights = []
        for u, v, w in G.edges(data="weight", default=1.0):
            edges.append((index[u], index[v]))
            weights.append(float(w))
        import igraph as ig

        return IGraphCopy(ig.Graph(n=len(nodes), edges=edges, directed=G.is_directed()), nodes, weights)


@dataclass
class Context:
    """One analysis run over a store (or a snapshot) under one set of filters.

    Projections and their igraph copies are built on first use and kept for the run, so running every
    measure projects each network once.
    """

    source: Store | Snapshot
    filters: Filters = field(default_factory=Filters)
    _snap: Snapshot | None = None
    _graphs: dict[str, nx.Graph[str]] = field(default_factory=dict)
    _igraphs: dict[str, IGraphCopy] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # intermediate tables shared by measures

    def snapshot(self, *, mentions: bool = False) -> Snapshot:
        """The plain records read from the store (with mentions when asked)."""
        if isinstance(self.source, Snapshot):
            return self.source
        if self._snap is None or (mentions and self._snap.mentions is None):
            self._snap = read_snapshot(self.source, mentions=mentions)
        return self._snap

    def actors(self, weighting: Weighting = "count") -> nx.Graph[str]:
        """The actor projection under the run's filters."""
        key = f"actors/{weighting}"
        if key not in self._graphs:
            self._graphs[key] = project_actors(
                self.scoped_snapshot(), filters=self.filters, weighting=weighting
            )
        return self._graphs[key]

    def municipalities(self) -> nx.Graph[str]:
        """The municipality projection under the run's filters."""
        if "municipalities" not in self._graphs:
            self._graphs["municipalities"] = project_municipalities(
                self.scoped_snapshot(), filters=self.filters
            )
        return self._graphs["municipalities"]

    def network(self, name: Network, weighting: Weighting = "count") -> nx.Graph[str]:
        """The actor or municipality network."""
        return self.actors(weighting) if name == "actors" else self.municipalities()

    def actor_issues(self) -> nx.Graph[str]:
        """The actors × issues projection."""
        if "actor_issues" not in self._graphs:
            self._graphs["actor_issues"] = project_actor_issues(
                self.scoped_snapshot(True), filters=self.filters
            )
        return self._graphs["actor_issues"]

    def comentions(self) -> nx.Graph[str]:
        """The issues × issues co-mention projection."""
        if "comentions" not in self._graphs:
            self._graphs["comentions"] = project_issue_comentions(
                self.scoped_snapshot(True), filters=self.filters
            )
        return self._graphs["comentions"]

    def igraph(self, name: Network, weighting: Weighting = "count") -> IGraphCopy:
        """The igraph copy of a network, converted once per run."""
        key = f"{name}/{weighting}"
        if key not in self._igraphs:
            self._igraphs[key] = to_igraph(self.network(name, weighting))
        return self._igraphs[key]

    def check_filters(self) -> None:
        """Read every filter value against the data now, so that a wrong one fails whatever the measure.

        Each value is kept in the form the projections compare (round and grouping IRIs, domain slug, class
        name), which is also the form the result reports.

        Raises:
            ParameterError: a filter names nothing the data know; the message lists what they know.
        """
        self.filters = normalise_filters(self.filters, self.snapshot())

    def scoped_snapshot(self, mentions: bool = False) -> Snapshot:
        """The snapshot the run's projections are made from (groups and their members included)."""
        return self.snapshot(mentions=mentions)

    def result(
        self,
        measure: str,
        columns: tuple[str, ...],
        rows: list[tuple[Any, ...]],
        *,
        G: nx.Graph[str] | None = None,
        graphs: set[str] | None = None,
        data_date: str | None = None,
        parameters: dict[str, Any] | None = None,
        notes: list[str] | tuple[str, ...] = (),
    ) -> Result:
        """Wrap rows as a Result with the run's filters, the graph's provenance and the notes."""
        used = set(graphs or set())
        date = data_date
        if G is not None:
            used |= set(G.graph.get("graphs", []))
            date = date or G.graph.get("data_date")
        if date is None:
            snap = self.snapshot()
            dates = [snap.data_dates[g] for g in used if g in snap.data_dates]
            date = max(dates) if dates else None
        params: dict[str, Any] = {"filters": asdict(self.filters), **(parameters or {})}
        return make_result(
            measure, columns, rows, parameters=params, data_date=date, graphs=sorted(used), notes=notes
        )


def node_columns(G: nx.Graph[str], n: str) -> tuple[str, str | None, str | None, str | None]:
    """The identifying cells of a node row: IRI, label, category, municipality."""
    d = G.nodes[n]
    return (n, d.get("label"), d.get("category"), d.get("municipality"))


NODE_COLUMNS = ("node", "label", "category", "municipality")

__all__ = ["NODE_COLUMNS", "Context", "IGraphCopy", "Network", "node_columns", "to_igraph"]
