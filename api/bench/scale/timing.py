"""Timing the import and the named queries on the embedded store, here or in a fresh process.

A fresh process (:func:`api.bench.measure.run_isolated`) gives clean memory figures, and it is how the
in-memory store is measured: its copy of the data lives and dies there, so the benchmark's own process never
holds two copies of a 10-million-triple graph.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from api.bench.measure import current_rss, run_isolated
from api.settings import PROJECT_ROOT
from graph.ingest.bulk import measure_bulk_import
from graph.queries.library import NamedQuery
from graph.store.embedded import GraphStore

if TYPE_CHECKING:
    from api.bench.scale.bindings import Binding
    from graph.store.remote import RemoteStore

Bindings = dict[str, dict[str, "Binding"]]  # query name -> parameter -> value


@dataclass
class QueryTimes:
    """Per named query: median seconds, rows answered, or the error that stopped it."""

    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportRun:
    """How fast a generated file went into a new disk store, and the peak memory of the process."""

    triples: int
    seconds: float
    peak_rss: int
    validated: bool

    @property
    def rate(self) -> float:
        """Triples per second."""
        return self.triples / self.seconds if self.seconds > 0 else float("inf")


@dataclass(frozen=True)
class MemoryRun:
    """The in-memory store: triples held, resident memory the load added, and the query times."""

    triples: int
    rss_added: int
    times: QueryTimes


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """Call ``action`` ``runs`` times; return the median wall time."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def count_rows(result: object) -> int:
    """Read a query's whole answer and count it (1 or 0 for ASK)."""
    if isinstance(result, ox.QueryBoolean):
        return int(bool(result))
    assert hasattr(result, "__iter__")
    return sum(1 for _ in result)


def time_named_queries(
    store: GraphStore | RemoteStore, library: dict[str, NamedQuery], bindings: Bindings, runs: int
) -> QueryTimes:
    """Run each named query once (warm-up, and count its rows), then ``runs`` times for the median."""
    out = QueryTimes()
    for name, q in library.items():

        def run(q: NamedQuery = q, name: str = name) -> int:
            return count_rows(store.query(q.sparql, substitutions=bindings[name]))

        try:
            out.rows[name] = run()
            out.seconds[name] = median_seconds(run, runs)
        except Exception as exc:  # a failing query is a result to report, not the end of the benchmark
            out.errors[name] = f"{type(exc).__name__}: {exc!s:.300}"
    return out


ONTOLOGY_DIR = PROJECT_ROOT / "ontology"


def measure_import(data: Path, disk: Path) -> ImportRun:
    """Measure the validated import of generated data into a new disk store, in a fresh process.

    The one place that says what "import" means in this benchmark: ``samverkan import --bulk``
    (graph.ingest.bulk: staging load, the SPARQL shape check, Oxigraph's bulk loader), shapes loading
    and process start-up excluded, the whole of parse, check and write included.
    """
    m = run_isolated(measure_bulk_import, str(data), str(disk), str(ONTOLOGY_DIR))
    steps = m.value
    return ImportRun(
        triples=int(steps["quads"]), seconds=steps["seconds"], peak_rss=m.peak_rss, validated=True
    )


def load_and_time_in_memory(
    data: str, library: dict[str, NamedQuery], bindings: Bindings, runs: int
) -> MemoryRun:
    """Load the file into an in-memory store, note the memory it added, then time the named queries.

    Meant for :func:`api.bench.measure.run_isolated`, so that the copy lives in a process of its own.
    """
    before = current_rss()
    store = GraphStore.open(None)
    store.bulk_add(ox.parse(path=data, format=ox.RdfFormat.N_QUADS))
    added = current_rss() - before
    return MemoryRun(store.count(), added, time_named_queries(store, library, bindings, runs))


__all__ = [
    "Bindings",
    "ImportRun",
    "MemoryRun",
    "QueryTimes",
    "count_rows",
    "load_and_time_in_memory",
    "measure_import",
    "median_seconds",
    "time_named_queries",
]
