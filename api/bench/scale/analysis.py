"""The analysis measures' times on the benchmark's disk store: projections, then every registered measure.

Run in a fresh process (:func:`api.bench.measure.run_isolated`): the networks it builds stay out of the
benchmark's own memory, and a time cap can stop it. The steps are those of ``samverkan bench analysis``,
on the store the benchmark loaded rather than on data generated for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from graph.analysis.context import Context
from graph.analysis.registry import list_measures, run_measure
from graph.analysis.result import Result
from graph.project import read_snapshot
from graph.store.embedded import GraphStore

Step = tuple[str, str, float, str]  # (kind: "projection" or "measure", name, seconds, what it made)


def _nodes_edges(G: Any) -> str:
    return f"{G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges"


def _measured(r: Result) -> str:
    note = f"{len(r.rows):,} rows"
    if r.parameters.get("method") == "exact":
        note += "; EXACT betweenness"
    elif r.parameters.get("method") == "sampled":
        note += f"; SAMPLED betweenness ({r.parameters.get('k')} sources)"
    return note


def time_analysis(store_path: str) -> list[Step]:
    """Open the disk store read-only; time reading it, each projection, the igraph copies and each measure."""
    import igraph  # noqa: F401  # importing it takes seconds: not the analysis's time

    steps: list[Step] = []

    def step(kind: str, name: str, fn: Callable[[], Any], what: Callable[[Any], str]) -> Any:
        started = time.perf_counter()
        value = fn()
        steps.append((kind, name, time.perf_counter() - started, what(value)))
        return value

    store = GraphStore.open(Path(store_path), read_only=True)
    snap = step(
        "projection",
        "read store (flat SELECTs)",
        lambda: read_snapshot(store, mentions=True),
        lambda s: f"{len(s.actors):,} actors, {len(s.collaborations):,} collaborations",
    )
    store.close()
    ctx = Context(snap)
    step("projection", "project actors", ctx.actors, _nodes_edges)
    step("projection", "project municipalities", ctx.municipalities, _nodes_edges)
    step("projection", "project actors x issues", ctx.actor_issues, _nodes_edges)
    step("projection", "project issue co-mentions", ctx.comentions, _nodes_edges)
    step(
        "projection",
        "convert to igraph",
        lambda: (ctx.igraph("actors"), ctx.igraph("municipalities")),
        lambda _: "actors and municipalities",
    )
    for m in list_measures():
        step("measure", m.name, partial(run_measure, m.name, ctx), _measured)
    return steps


__all__ = ["Step", "time_analysis"]
