"""The validated bulk import: files parsed in Rust, checked by SPARQL (``sparql_check``), then bulk-loaded.

For large generated or harvested files, where the ordinary import (rdflib, pySHACL, one transaction) would
take hours. Every step but the checks' result rows runs inside Oxigraph: the files go into an in-memory
staging store with its native loader; the ontology and vocabularies, and what the target store already says
about the imported resources, go into two more graphs of the staging store; the compiled shapes run there;
and only then is the target store written (:meth:`Store.bulk_load_staged`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.errors import IngestError, Location, StoreError, Violation
from graph.ingest.rdf import format_for, refuse_xml_declarations
from graph.namespaces import GRAPH, RDF
from graph.store.embedded import GraphStore
from graph.store.protocol import Store
from graph.validate.shacl import Shapes, raise_for_violations
from graph.validate.sparql_check import ShapeChecker, to_violations

# Graphs of the staging store that are context for the checks, never imported.
ONTOLOGY_CONTEXT = ox.NamedNode("urn:x-samverkan:staging:ontology")
STORE_CONTEXT = ox.NamedNode("urn:x-samverkan:staging:store")
_BATCH = 2000


@dataclass(frozen=True)
class BulkImportReport:
    """What :func:`bulk_import` loaded, how long each step took, and the warnings (non-blocking results)."""

    quads: int
    graphs: list[str]
    parse_seconds: float
    validate_seconds: float
    write_seconds: float
    warnings: list[Violation] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        """The whole import: parsing, validating and writing."""
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
) -> BulkImportReport:
    """Import RDF files fast, validated against the shapes as a whole, default graph kept the merge.

    Triples outside a named graph (every triple of Turtle or N-Triples) go into ``graph``, by default
    ``graph:import/STEM`` of their file. The data is validated together with the ontology and vocabularies
    (``shapes.ontology``) and with what the store already says about each imported subject and the types of
    the objects the import does not type, and only the imported subjects are reported, as
    ``validate_store_change`` does with pySHACL. ``checker`` saves compiling the shapes again.

    Atomicity: a rejected import (a violation, a parse error, an unsupported shape) writes nothing, since
    the store is only touched once everything has passed. The write itself is Oxigraph's bulk loader, NOT
    one transaction: a crash, a full disk or a kill during it leaves part of the data in the store (import
    the same files again to complete it: a store is a set, so nothing is doubled). Other writers are held
    off (the store's write lock) from the context lookup to the end, but readers may see a partial import.

    Raises:
        IngestError: a file is missing, its format unknown, or it does not parse.
        ValidationError: the data breaks the shapes; nothing was written.
        UnsupportedShapeError: a shape uses a feature the SPARQL checker lacks; nothing was written.
        StoreError: the store is read-only or the write failed part-way.
    """
    if store.read_only:
        msg = f"{store.location}: the store is open read-only"
        raise StoreError(msg)
    checker = checker or ShapeChecker(shapes.shapes)
    started = time.perf_counter()
    staging = ox.Store()
    for path in paths:
        _load_file(staging, path, graph=graph or str(GRAPH[f"import/{path.stem}"]), format=format)
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
        raise_for_violations(violations, source=", ".join(str(p) for p in paths))
        validated = time.perf_counter()
        staging.remove_graph(ONTOLOGY_CONTEXT)
        staging.remove_graph(STORE_CONTEXT)
        store.bulk_load_staged(staging, work_dir=work_dir)
    return BulkImportReport(
        quads=quads,
        graphs=data_graphs,
        parse_seconds=parsed - started,
        validate_seconds=validated - parsed,
        write_seconds=time.perf_counter() - validated,
        warnings=violations,
    )


def _load_file(staging: ox.Store, path: Path, *, graph: str, format: str | None) -> None:
    fmt = format_for(path, format)
    if not path.is_file():
        msg = "no such file"
        raise IngestError(msg, location=Location(str(path)))
    if fmt == ox.RdfFormat.RDF_XML:
        refuse_xml_declarations(path.read_bytes(), str(path))
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
    path: str, store_dir: str, ontology_dir: str, mirror: bool = False
) -> dict[str, float]:
    """Bulk-import one generated file into a fresh on-disk store; return the step times (for benchmarks).

    Module-level with plain arguments so that ``api.bench.measure.run_isolated`` can run it in a fresh
    process: ``quads``, ``parse``, ``validate``, ``write`` and ``seconds`` (shapes loading not counted).
    """
    from graph.validate.shacl import load_shapes

    shapes = load_shapes(Path(ontology_dir))
    checker = ShapeChecker(shapes.shapes)
    store = GraphStore.open(Path(store_dir), mirror=mirror)
    try:
        report = bulk_import(store, [Path(path)], shapes=shapes, checker=checker)
        store.flush()
    finally:
        store.close()
    return {
        "quads": float(report.quads),
        "parse": report.parse_seconds,
        "validate": report.validate_seconds,
        "write": report.write_seconds,
        "seconds": report.seconds,
    }


__all__ = [
    "ONTOLOGY_CONTEXT",
    "STORE_CONTEXT",
    "BulkImportReport",
    "add_store_context",
    "bulk_import",
    "measure_bulk_import",
]
