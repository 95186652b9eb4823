"""Network measures over the projections: one module per family, a registry, and one Result shape.

Families: centrality, brokerage, communities, borders, issues, strategy, trend; ``registry`` names them for
the CLI and the API; ``context`` holds the projections a run shares; ``writeback`` stores a result as a graph.

May import: graph.errors, graph.namespaces, graph.store, graph.project (and networkx, igraph).
"""

from __future__ import annotations

from graph.analysis.context import Context, to_igraph
from graph.analysis.registry import MEASURES, Measure, Parameter, get_measure, list_measures, run_measure
from graph.analysis.result import Result

__all__ = [
    "MEASURES",
    "Context",
    "Measure",
    "Parameter",
    "Result",
    "get_measure",
    "list_measures",
    "run_measure",
    "to_igraph",
]
