"""The validated bulk import: files parsed in Rust, checked by SPARQL (``sparql_check``), bulk-loaded.

For large generated or harvested files, where the ordinary import (rdflib, pySHACL, one transaction) would
take hours. Every step but the checks' result rows runs inside Oxigraph. Two ways, one result:

- **in parallel** (an on-disk :class:`GraphStore`): a checkpoint of the store is taken (hard links, cheap);
  a child process (:mod:`.bulk_check`) parses the files into an in-memory staging store, reads the store's
  context from the checkpoint and runs the compiled shapes, while this process bulk-loads the files into
  their named graphs and then the default-graph copy. A rejected import is rolled back against the
  checkpoint (every quad the checkpoint does not hold is removed), so the store ends as it was; the memory
  copy and the replicas are only told once the checks have passed.
- **in turn** (an in-memory or remote store): staging store, checks, then
  :meth:`Store.bulk_load_staged`; the store is only touched once everything has passed.

Measured at a million generated triples (docs/benchmarks/import.md): the write of the named graphs is
the engine's bulk loader at one core, so the checks fit on the other.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.aggregates.rebuild import after_bulk_load
from graph.errors import IngestError, Location, StoreError, Violation
from graph.ingest.bulk_check import CheckJob
from graph.ingest.rdf import format_for, refuse_xml_declarations
from graph.namespaces import GRAPH, RDF
from graph.store.embedded import GraphStore
from graph.store.protocol import Store
from graph.validate.shacl import Shapes, raise_for_violations
from graph.validate.sparql_check import ShapeChecker, UnsupportedShapeError, to_violations

# Graphs of the staging store that are context for the checks, never imported.
ONTOLOGY_CONTEXT = ox.NamedNode("urn:x-samverkan:staging:ontology")
STORE_CONTEXT = ox.NamedNode("urn:x-samverkan:staging:store")
_BATCH = 2000
_CHILD_EXIT_SECONDS = 30.0
# Below this much input the parallel way loses: a second interpreter and two bulk loads cost about a
# second before any triple is checked (measured at 33 thousand triples: 2.3 s in turn, 4.2 s in parallel).
PARALLEL_MIN_BYTES = 16 * 1024 * 1024

File = tuple[Path, str, ox.RdfFormat]  # a file, the graph of its triples, its format


@dataclass(frozen=True)
class Phase:
    """One step of an import and its time; ``concurrent`` steps overlap others (shares add up past 100 %)."""

    name: str
    seconds: float
    concurrent: bool = False
    cpu_seconds: float | None = None  # CPU time of its process meanwhile, all threads: load barely moves it


@dataclass(frozen=True)
class BulkImportReport:
    """What :func:`bulk_import` loaded, how long each step took, and the warnings (non-blocking results)."""

    quads: int
    graphs: list[str]
    parse_seconds: float
    validate_seconds: float
    write_seconds: float
    warnings: list[Violation] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    wall_seconds: float | None = None  # start to end; None: the steps ran one after the other
    parallel: bool = False

    @property
    def seconds(self) -> float:
        """The whole import: parsing, validating and writing (wall-clock when they overlapped)."""
        if self.wall_seconds is not None:
            return self.wall_seconds
        return self.parse_seconds + self.validate_seconds + self.write_seconds

    @property
    def rate(self) -> float:
        """Imported quads (named graphs; the default-graph copies are not counted) per second."""
        return self.quads / self.seconds if self.seconds > 0 else 0.0


def bulk_import(
    store: Store,
    paths: Sequence[Path],
    *,
    shapes: Shapes,
    graph: str | None = None,
    format: str | None = None,
    checker: ShapeChecker | None = None,
    work_dir: Path | None = None,
    parallel: bool | None = None,
) -> BulkImportReport:
    """Import RDF files fast, validated against the shapes as a whole, default graph kept the merge.

    Triples outside a named graph (every triple of Turtle or N-Triples) go into ``graph``, by default
    ``graph:import/STEM`` of their file. The data is validated together with the ontology and vocabularies
    (``shapes.ontology``) and with what the store already says about each imported subject and the types of
    the objects the import does not type, and only the imported subjects are reported, as
    ``validate_store_change`` does with pySHACL. ``checker`` saves compiling the shapes again (in turn only).
    ``parallel`` checks while writing (module docstring); by default for an on-disk :class:`GraphStore`
    and files of ``PARALLEL_MIN_BYTES`` or more.

    Atomicity: a rejected import (a violation, a parse error, an unsupported shape) leaves the store as it
    was: in turn, nothing is written; in parallel, what was written is removed again before this returns,
    and the memory copy and replicas never see it. The write itself is Oxigraph's bulk loader, NOT one
    transaction: a crash, a full disk or a kill during it leaves part of the data in the store (in parallel,
    possibly data that would have been rejected; the checkpoint beside the store, ``.NAME-bulk-*``, holds
    the state before). Other writers are held off (the store's write lock) from the context lookup to the
    end, but readers of the disk store may see a partial import.

    Raises:
        IngestError: a file is missing, its format unknown, or it does not parse.
        ValidationError: the data breaks the shapes; the store is as it was.
        UnsupportedShapeError: a shape uses a feature the SPARQL checker lacks; the store is as it was.
        StoreError: the store is read-only or the write failed part-way.
    """
    if store.read_only:
        msg = f"{store.location}: the store is open read-only"
        raise StoreError(msg)
    files = [_checked_file(p, graph=graph or str(GRAPH[f"import/{p.stem}"]), format=format) for p in paths]
    source = ", ".join(str(p) for p in paths)
    if parallel is None:
        big = sum(p.stat().st_size for p, _, _ in files) >= PARALLEL_MIN_BYTES
        parallel = big and isinstance(store, GraphStore) and store.path is not None
    if parallel:
        if not isinstance(store, GraphStore) or store.path is None:
            msg = f"{store.location}: a parallel bulk import needs an on-disk embedded store"
            raise StoreError(msg)
        report = _import_in_parallel(store, files, shapes=shapes, source=source, work_dir=work_dir)
    else:
        report = _import_in_turn(
            store, files, shapes=shapes, checker=checker, source=source, work_dir=work_dir
        )
    after_bulk_load(store, report.graphs)  # the aggregates (graph.aggregates), in step with what was loaded
    return report


def _checked_file(path: Path, *, graph: str, format: str | None) -> File:
    fmt = format_for(path, format)
    if not path.is_file():
        msg = "no such file"
        raise IngestError(msg, location=Location(str(path)))
    if fmt == ox.RdfFormat.RDF_XML:  # before any parser sees it, the writer's included
        refuse_xml_declarations(path.read_bytes(), str(path))
    return path, graph, fmt


def _import_in_turn(
    store: Store,
    files: list[File],
    *,
    shapes: Shapes,
    checker: ShapeChecker | None,
    source: str,
    work_dir: Path | None,
) -> BulkImportReport:
    checker = checker or ShapeChecker(shapes.shapes)
    started = time.perf_counter()
    staging = ox.Store()
    for path, graph, fmt in files:
        load_file(staging, path, graph=graph, fmt=fmt)
    data_graphs = sorted(g.value for g in staging.named_graphs() if isinstance(g, ox.NamedNode))
    quads = len(staging)
    parsed = time.perf_counter()
    with store.write_lock:  # the context read here must still hold when the data is written
        staging.bulk_load(
            shapes.ontology.serialize(format="nt", encoding="utf-8"),
            format=ox.RdfFormat.N_TRIPLES,
            to_graph=ONTOLOGY_CONTEXT,
        )
        add_store_context(staging, store, data_graphs)
        findings = checker.check(staging, focus_graphs=data_graphs)
        violations = to_violations(staging, findings)
        raise_for_violations(violations, source=source)
        validated = time.perf_counter()
        staging.remove_graph(ONTOLOGY_CONTEXT)
        staging.remove_graph(STORE_CONTEXT)
        store.bulk_load_staged(staging, work_dir=work_dir)
    written = time.perf_counter()
    return BulkImportReport(
        quads=quads,
        graphs=data_graphs,
        parse_seconds=parsed - started,
        validate_seconds=validated - parsed,
        write_seconds=written - validated,
        warnings=violations,
        phases=[
            Phase("parse into staging", parsed - started),
            Phase("validate (SPARQL shapes)", validated - parsed),
            Phase("write named graphs + default-graph merge", written - validated),
        ],
    )


def _import_in_parallel(
    store: GraphStore, files: list[File], *, shapes: Shapes, source: str, work_dir: Path | None
) -> BulkImportReport:
    started = time.perf_counter()
    phases: list[Phase] = []
    clock = _Clock(phases)
    with store.write_lock:
        tmp = Path(tempfile.mkdtemp(prefix="samverkan-bulk-", dir=work_dir))
        try:
            snapshot = store.snapshot()
            clock.lap("checkpoint of the store")
            job = CheckJob(
                files=[(str(p), g, fmt.media_type) for p, g, fmt in files],
                shapes_nt=shapes.shapes.serialize(format="nt", encoding="utf-8"),
                ontology_nt=shapes.ontology.serialize(format="nt", encoding="utf-8"),
                snapshot=str(snapshot),
                default_file=str(tmp / "default.nt"),
            )
            kept = False
            try:
                child = _start_checks(job, job_file=tmp / "job.pickle")
            except OSError as exc:
                shutil.rmtree(snapshot.parent, ignore_errors=True)
                msg = f"cannot start the checking process: {exc}; nothing was written"
                raise StoreError(msg) from exc
            default_file: Path | None = None
            try:
                clock.lap("start the checking process")
                write_error = _write_named(store, files)
                clock.lap("write named graphs (engine bulk loader)")
                staged = _receive(child, "staged")
                if write_error is not None:
                    raise write_error
                graphs, quads, default_name, _has_blank, (parse_seconds, parse_cpu) = staged[1:]
                if default_name is not None:  # no blank nodes: the copy loads separately, node ids agree
                    default_file = Path(default_name)
                    store.bulk_write_file(
                        default_file, format=ox.RdfFormat.N_TRIPLES, to_graph=None, lenient=True
                    )
                    clock.lap("write default-graph merge")
                checked = _receive(child, "checked")
                clock.lap("wait for the checks")
                violations, (check_seconds, check_cpu) = checked[1], checked[2]
                raise_for_violations(violations, source=source)
                if default_name is None:
                    store.bulk_copy_to_default(graphs)
                    clock.lap("write default-graph merge (from the store: blank nodes)")
            except BaseException:
                kept = True  # until the rollback has succeeded
                _roll_back(store, snapshot, default_file=default_file, phases=phases)
                kept = False
                raise
            finally:
                _end(child)
                if not kept:
                    shutil.rmtree(snapshot.parent, ignore_errors=True)
                clock.lap("remove the checkpoint")
            store.bulk_finish([(p, g, fmt) for p, g, fmt in files], default_file=default_file)
            clock.lap("memory copy and replicas")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    phases += [
        Phase("parse into staging (checking process)", parse_seconds, concurrent=True, cpu_seconds=parse_cpu),
        Phase(
            "validate (SPARQL shapes, checking process)",
            check_seconds,
            concurrent=True,
            cpu_seconds=check_cpu,
        ),
    ]
    writes = sum(p.seconds for p in phases if p.name.startswith("write"))
    return BulkImportReport(
        quads=quads,
        graphs=graphs,
        parse_seconds=parse_seconds,
        validate_seconds=check_seconds,
        write_seconds=writes,
        warnings=violations,
        phases=phases,
        wall_seconds=time.perf_counter() - started,
        parallel=True,
    )


def _roll_back(store: GraphStore, snapshot: Path, *, default_file: Path | None, phases: list[Phase]) -> None:
    """Undo the parallel write against the checkpoint.

    Raises:
        StoreError: the rollback failed; the message names the checkpoint that holds the store before.
    """
    started = time.perf_counter()
    try:
        store.roll_back_to(snapshot, default_copies=default_file)
    except Exception as exc:
        msg = (
            f"{store.location}: the import was refused, and undoing its write failed ({exc}); the store"
            f" as it was before is kept at {snapshot}: stop every process using the store and put it back"
        )
        raise StoreError(msg) from exc
    finally:
        phases.append(Phase("roll back to the checkpoint", time.perf_counter() - started))


class _Clock:
    """Appends a phase per lap: the time (wall clock and this process's CPU) since the previous lap."""

    def __init__(self, phases: list[Phase]) -> None:
        self.phases = phases
        self.last, self.last_cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.phases.append(Phase(name, now - self.last, cpu_seconds=cpu - self.last_cpu))
        self.last, self.last_cpu = now, cpu


def _write_named(store: GraphStore, files: list[File]) -> Exception | None:
    """Bulk-load each file into its named graphs; a parse error is returned (the child words it better).

    Leniently (no IRI checks, 7 % less CPU): the checking process parses the same files strictly, and what
    only the strict parse refuses is rolled back like any other refusal.
    """
    for path, graph, fmt in files:
        try:
            store.bulk_write_file(path, format=fmt, to_graph=graph, lenient=True)
        except SyntaxError as exc:
            msg = f"does not parse as {fmt.name}: {exc}"
            return IngestError(msg, location=Location(str(path)))
    return None


def _start_checks(job: CheckJob, *, job_file: Path) -> subprocess.Popen[bytes]:
    """Start ``python -m graph.ingest.bulk_check JOB_FILE`` (see there why a process); it runs on its own."""
    with job_file.open("wb") as out:  # a file, not its stdin: the write must not wait for its imports
        pickle.dump(job, out)
    return subprocess.Popen(
        [sys.executable, "-m", "graph.ingest.bulk_check", str(job_file)], stdout=subprocess.PIPE
    )


def _receive(child: subprocess.Popen[bytes], expected: str) -> tuple[Any, ...]:
    """The checking process's next message, or its error raised here."""
    assert child.stdout is not None
    try:
        message: tuple[Any, ...] = pickle.load(child.stdout)
    except (EOFError, pickle.UnpicklingError):
        code = child.wait(_CHILD_EXIT_SECONDS)
        msg = f"the checking process ended without an answer (exit code {code}); nothing was kept"
        raise StoreError(msg) from None
    if message[0] == "error":
        kind, text = message[1], message[2]
        if kind == "ingest":
            raise IngestError(text)
        if kind == "shape":
            raise UnsupportedShapeError(text)
        msg = f"the checking process failed: {text}; nothing was kept"
        raise StoreError(msg)
    if message[0] != expected:
        msg = f"the checking process sent {message[0]!r} where {expected!r} was expected"
        raise StoreError(msg)
    return message


def _end(child: subprocess.Popen[bytes]) -> None:
    if child.stdout is not None:
        child.stdout.close()  # after its last message, or early (a rollback): nothing more is read
    try:
        child.wait(_CHILD_EXIT_SECONDS)
    except subprocess.TimeoutExpired:  # do not let it outlive the import
        child.kill()
        child.wait()


def load_file(staging: ox.Store, path: Path, *, graph: str, fmt: ox.RdfFormat) -> None:
    """Bulk-load one file into ``staging``, triples outside a named graph into ``graph``.

    Raises:
        IngestError: the file cannot be read or does not parse.
    """
    try:
        staging.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode(graph))
    except SyntaxError as exc:
        msg = f"does not parse as {fmt.name}: {exc}"
        raise IngestError(msg, location=Location(str(path))) from None
    except (OSError, ValueError) as exc:
        msg = f"cannot read the file: {exc}"
        raise IngestError(msg, location=Location(str(path))) from None


def add_store_context(staging: ox.Store, store: Store, data_graphs: Sequence[str]) -> None:
    """Copy from ``store`` what it says about the staged subjects, and the types of untyped objects.

    Both go into the staging graph ``STORE_CONTEXT``: so an import may refer to a municipality already in
    the store, and a count (``sh:maxCount``) sees the values the store already holds. Nothing is read when
    the store is empty.
    """
    if not store.query("ASK { ?s ?p ?o }"):
        return
    graphs = " ".join(f"<{g}>" for g in data_graphs)
    subjects = (
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} FILTER(isIRI(?s)) }}"
    )
    _copy(staging, store, _iris(staging, subjects), "?s ?p ?o")
    untyped = (
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?x ?p ?s }} FILTER(isIRI(?s)) "
        f"FILTER NOT EXISTS {{ ?s <{RDF.type}> ?t }} }}"
    )
    _copy(staging, store, _iris(staging, untyped), f"?s <{RDF.type}> ?o BIND(<{RDF.type}> AS ?p)")


def _iris(staging: ox.Store, sparql: str) -> list[ox.NamedNode]:
    result = staging.query(sparql, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return [row["s"] for row in result if isinstance(row["s"], ox.NamedNode)]


def _copy(staging: ox.Store, store: Store, iris: list[ox.NamedNode], pattern: str) -> None:
    """Copy the triples matching ``pattern`` (``?s`` one of ``iris``) from the store's merged graph."""
    for batch in _batches(iris):
        values = " ".join(str(i) for i in batch)
        result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} {pattern} }}")
        assert not isinstance(result, ox.QuerySolutions | ox.QueryBoolean)  # CONSTRUCT: triples, any backend
        text = result.serialize(format=ox.RdfFormat.N_TRIPLES)
        if text:
            staging.load(text, format=ox.RdfFormat.N_TRIPLES, to_graph=STORE_CONTEXT)


def _batches(items: list[ox.NamedNode]) -> Iterator[list[ox.NamedNode]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]


def measure_bulk_import(
    path: str, store_dir: str, ontology_dir: str, mirror: bool = False, parallel: bool | None = None
) -> dict[str, Any]:
    """Bulk-import one generated file into a fresh on-disk store; return the step times (for benchmarks).

    Module-level with plain arguments so that ``api.bench.measure.run_isolated`` can run it in a fresh
    process: ``quads``, ``parse``, ``validate``, ``write``, ``seconds`` (shapes loading not counted), and
    ``phases``, a list of (name, seconds, concurrent); the final flush is the last phase.
    """
    from graph.validate.shacl import load_shapes

    shapes = load_shapes(Path(ontology_dir))
    checker = ShapeChecker(shapes.shapes)
    store = GraphStore.open(Path(store_dir), mirror=mirror)
    try:
        report = bulk_import(store, [Path(path)], shapes=shapes, checker=checker, parallel=parallel)
        flushed = time.perf_counter()
        store.flush()
        flush = time.perf_counter() - flushed
    finally:
        store.close()
    return {
        "quads": float(report.quads),
        "parse": report.parse_seconds,
        "validate": report.validate_seconds,
        "write": report.write_seconds,
        "seconds": report.seconds + flush,
        "phases": [(p.name, p.seconds, p.concurrent, p.cpu_seconds) for p in report.phases]
        + [("flush", flush, False, None)],
    }


__all__ = [
    "ONTOLOGY_CONTEXT",
    "PARALLEL_MIN_BYTES",
    "STORE_CONTEXT",
    "BulkImportReport",
    "Phase",
    "add_store_context",
    "bulk_import",
    "load_file",
    "measure_bulk_import",
]
