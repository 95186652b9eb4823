"""Network measures over the projections: one module per family, a registry, and one Result shape."""

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
