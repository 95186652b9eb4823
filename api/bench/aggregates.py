"""Measure the aggregates (graph.aggregates): a full rebuild, one write kept in step, their cost on import.

Each size runs on generated data (``graph.synthetic``) in an on-disk embedded store with its memory copy, as
the server holds it. One write is a dialogue meeting with five participants: the meeting, a collaboration of
the five (from different municipalities) and one issue mention each, so that it touches every aggregate.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from graph.aggregates.maintain import has_aggregates, join_ops, maintenance, maintenance_pieces
from graph.aggregates.rebuild import rebuild, status
from graph.namespaces import BASE
from graph.store.embedded import GraphStore, insert_data

SV = BASE + "def#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
GRAPH = BASE + "graph/source/bench-aggregates"


@dataclass(frozen=True)
class WritePart:
    """One part of the meeting write kept in step: its median milliseconds on disk and on the memory copy."""

    part: str
    operations: int
    disk_ms: float
    copy_ms: float


@dataclass(frozen=True)
class AggregateFigures:
    """The figures of one size."""

    triples: int
    rows: int
    rebuild_seconds: float
    write_plain_ms: float
    write_kept_ms: float
    import_plain_seconds: float
    import_kept_seconds: float
    # Where the write's time goes (``measure_write_parts``), when asked: reading the keys, then each part.
    keys_read_ms: float = float("nan")
    write_parts: tuple[WritePart, ...] = ()

    @property
    def write_overhead_ms(self) -> float:
        """What keeping the aggregates in step adds to the write."""
        return self.write_kept_ms - self.write_plain_ms

    @property
    def import_overhead(self) -> float:
        """What keeping the aggregates in step adds to a bulk import, as a fraction of it."""
        return self.import_kept_seconds / self.import_plain_seconds - 1 if self.import_plain_seconds else 0.0


def meeting_write(store: GraphStore, serial: int) -> list[ox.Quad]:
    """A meeting with five participants from different municipalities, their collaboration and mentions."""
    rows = store.select(
        "SELECT ?m (SAMPLE(?a) AS ?actor) WHERE { ?a sv:basedIn ?m . ?m a sv:Municipality }"
        " GROUP BY ?m LIMIT 5"
    )
    issue = store.select("SELECT ?i WHERE { ?x sv:issue ?i } LIMIT 1")[0]["i"]
    rnd = store.select("SELECT ?r WHERE { ?r a sv:DialogueRound } LIMIT 1")[0]["r"]
    actors = [r["actor"] for r in rows if isinstance(r["actor"], ox.NamedNode)]
    g, n = ox.NamedNode(GRAPH), ox.NamedNode
    meeting = n(f"{BASE}id/meeting/bench-{serial}")
    collaboration = n(f"{BASE}id/collaboration/bench-{serial}")
    quads = [
        ox.Quad(meeting, n(RDF_TYPE), n(SV + "DialogueMeeting"), g),
        ox.Quad(collaboration, n(RDF_TYPE), n(SV + "Collaboration"), g),
    ]
    for i, actor in enumerate(actors):
        mention = n(f"{BASE}id/mention/bench-{serial}-{i}")
        quads += [
            ox.Quad(meeting, n(SV + "participant"), actor, g),
            ox.Quad(collaboration, n("http://www.w3.org/ns/org#hasMember"), actor, g),
            ox.Quad(mention, n(RDF_TYPE), n(SV + "IssueMention"), g),
            ox.Quad(mention, n(SV + "issue"), issue, g),  # type: ignore[arg-type]
            ox.Quad(mention, n(SV + "raisedBy"), actor, g),
            ox.Quad(mention, n(SV + "atMeeting"), meeting, g),
            ox.Quad(mention, n(SV + "inRound"), rnd, g),  # type: ignore[arg-type]
        ]
    return quads


def measure_write(store: GraphStore, *, repeats: int = 5) -> tuple[float, float]:
    """The median milliseconds of the meeting write without and with the aggregates kept in step.

    Without: the statements alone (then removed again with the aggregates in step, not timed). With: the
    affected keys read before the write, and the write with the aggregates' operations in one transaction.
    """
    plain, kept, written = [], [], []
    had_graph = store.has_graph(GRAPH)
    for i in range(repeats):
        quads = meeting_write(store, 2 * i)
        started = time.perf_counter()
        store.apply_change(quads, (), then="")
        plain.append(time.perf_counter() - started)
        store.apply_change((), quads, then=maintenance(store, (), quads))
        quads = meeting_write(store, 2 * i + 1)
        started = time.perf_counter()
        store.apply_change(quads, (), then=maintenance(store, quads, (), at=datetime.now(UTC)))
        kept.append(time.perf_counter() - started)
        written.append(quads)
    for quads in written:  # leave the store as it was (not timed)
        store.apply_change((), quads, then=maintenance(store, (), quads))
    if not had_graph:  # Oxigraph keeps a graph's name when its last statement goes
        store.apply_change((), (), then=f"DROP SILENT GRAPH <{GRAPH}>")
    return statistics.median(plain) * 1000, statistics.median(kept) * 1000


def measure_write_parts(store: GraphStore, *, repeats: int = 3) -> tuple[float, list[WritePart]]:
    """Where the meeting write's time goes: the keys read before it, then each aggregate's operations.

    The write's update is run piece by piece (the statements, then each aggregate's operations in their
    order), on the disk store and then on its memory copy, each timed; one transaction per piece instead of
    one for all, so the sum is near, not equal to, the kept write of ``measure_write``. Returns the median
    milliseconds of reading the keys before the write (``maintenance_pieces``), and the parts.
    """
    if store.mirror is None:
        msg = "the parts are timed on a store with its memory copy (GraphStore.open(..., mirror=True))"
        raise ValueError(msg)
    had_graph = store.has_graph(GRAPH)
    reading: list[float] = []
    runs: list[dict[str, tuple[int, float, float]]] = []  # per repeat, per part: operations, disk s, copy s
    for i in range(repeats):
        quads = meeting_write(store, 1000 + i)
        started = time.perf_counter()
        pieces = maintenance_pieces(store, quads, (), at=datetime.now(UTC))
        reading.append(time.perf_counter() - started)
        statements = insert_data([*quads, *(ox.Quad(q.subject, q.predicate, q.object) for q in quads)])
        run: dict[str, tuple[int, float, float]] = {}
        for part, ops in [("the statements", [statements]), *pieces]:  # a part may have two pieces
            text = join_ops(ops)
            started = time.perf_counter()
            store.inner.update(text)
            disk = time.perf_counter() - started
            started = time.perf_counter()
            store.mirror.update(text)
            copy = time.perf_counter() - started
            count, disk_before, copy_before = run.get(part, (0, 0.0, 0.0))
            run[part] = (count + len(ops), disk_before + disk, copy_before + copy)
        runs.append(run)
        store.apply_change((), quads, then=maintenance(store, (), quads))  # as it was (not timed)
    if not had_graph:  # Oxigraph keeps a graph's name when its last statement goes
        store.apply_change((), (), then=f"DROP SILENT GRAPH <{GRAPH}>")
    parts = [
        WritePart(
            part,
            count,
            statistics.median(r.get(part, (0, 0.0, 0.0))[1] for r in runs) * 1000,
            statistics.median(r.get(part, (0, 0.0, 0.0))[2] for r in runs) * 1000,
        )
        for part, (count, _, _) in runs[0].items()
    ]
    return statistics.median(reading) * 1000, parts


def measure_import(data: Path, work: Path, ontology_dir: Path, *, kept: bool) -> float:
    """Seconds of a validated bulk import of ``data`` into a fresh on-disk store, aggregates kept or not."""
    from graph.ingest.bulk import bulk_import
    from graph.validate.shacl import load_shapes

    shapes = load_shapes(ontology_dir)
    store = GraphStore.open(work / ("kept" if kept else "plain"))
    try:
        if kept:
            rebuild(store)  # an empty store that holds (empty) aggregates: the import keeps them in step
        started = time.perf_counter()
        bulk_import(store, [data], shapes=shapes)
        return time.perf_counter() - started
    finally:
        store.close()


def measure_size(data: Path, work: Path, ontology_dir: Path, *, imports: bool = True) -> AggregateFigures:
    """Every figure for one generated file (without ``imports``: loaded unvalidated, imports not timed)."""
    plain_import = kept_import = 0.0
    if imports:
        plain_import = measure_import(data, work, ontology_dir, kept=False)
        kept_import = measure_import(data, work, ontology_dir, kept=True)
    else:
        loading = GraphStore.open(work / "kept")
        loading.bulk_add(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
        loading.close()
    store = GraphStore.open(work / "kept", mirror=True)
    try:
        triples = store.count()
        started = time.perf_counter()
        rebuild(store)
        rebuild_seconds = time.perf_counter() - started
        rows = sum(s.rows for s in status(store))
        plain_ms, kept_ms = measure_write(store)
    finally:
        store.close()
    return AggregateFigures(triples, rows, rebuild_seconds, plain_ms, kept_ms, plain_import, kept_import)


def measure_store(path: Path, *, parts: bool = False) -> AggregateFigures:
    """The write figures on an existing on-disk store (a benchmark's, e.g. at 10 M), left as it was.

    The aggregates are rebuilt (and timed) only if the store does not hold them all; else the rebuild's
    seconds are ``nan``. No import is timed. With ``parts``, also where the write's time goes.
    """
    store = GraphStore.open(path, mirror=True)
    try:
        rebuild_seconds = float("nan")
        if not has_aggregates(store):
            started = time.perf_counter()
            rebuild(store)
            rebuild_seconds = time.perf_counter() - started
        triples = store.count()
        rows = sum(s.rows for s in status(store))
        plain_ms, kept_ms = measure_write(store)
        keys_read_ms, write_parts = measure_write_parts(store) if parts else (float("nan"), [])
    finally:
        store.close()
    return AggregateFigures(
        triples, rows, rebuild_seconds, plain_ms, kept_ms, 0.0, 0.0, keys_read_ms, tuple(write_parts)
    )


__all__ = [
    "AggregateFigures",
    "WritePart",
    "measure_import",
    "measure_size",
    "measure_store",
    "measure_write",
    "measure_write_parts",
    "meeting_write",
]
