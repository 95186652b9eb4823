"""Build the store from ``ontology/`` and ``data/``: read, validate, then replace in one transaction."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from graph.aggregates.rebuild import rebuild_ops
from graph.errors import IngestError, Location, Violation
from graph.ingest.quads import Parsed
from graph.ingest.rdf import parse_file
from graph.namespaces import DCTERMS, GRAPH, META_GRAPH, PROV, XSD
from graph.store.protocol import Store
from graph.validate.shacl import (
    Shapes,
    classify_ontology_file,
    load_shapes,
    raise_for_violations,
    validate_parsed,
)

BUILD = GRAPH["build"]  # the resource in graph:meta that records the last build
# Graphs a build owns and replaces; imports, synthetic data and analysis results are left alone.
BUILD_GRAPH_PREFIXES = (str(GRAPH["source/"]), str(GRAPH["inferred/"]))
DATA_RDF_SUFFIXES = (".trig", ".ttl")


@dataclass(frozen=True)
class BuildReport:
    """What a build read and wrote."""

    quads: int
    graphs: int
    fingerprint: str
    seconds: float
    warnings: list[Violation] = field(default_factory=list)


def fingerprint(*dirs: Path) -> str:
    """Hash the names and contents of every file below ``dirs``: a build is stale when it changes."""
    digest = hashlib.sha256()
    for root in dirs:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def read_ontology(ontology_dir: Path) -> Parsed:
    """Read every Turtle file of ``ontology/`` into its graph (ontology, shapes or vocabulary)."""
    parsed = Parsed()
    for path in sorted(ontology_dir.glob("*.ttl")):
        parsed.extend(parse_file(path, graph=str(classify_ontology_file(path))))
    return parsed


def read_data(data_dir: Path) -> Parsed:
    """Read the tables of ``data/`` through its mapping, and any TriG or Turtle files beside them.

    Raises:
        IngestError: a table or file is malformed, or an RDF file puts statements outside a source graph.
    """
    from graph.ingest.tables import load_mapping, read_tables

    parsed = read_tables(data_dir, load_mapping(data_dir / "mapping.toml"))
    for path in sorted(p for p in data_dir.rglob("*") if p.suffix in DATA_RDF_SUFFIXES):
        fallback = str(GRAPH["unsourced"])
        more = parse_file(path, graph=fallback)
        for q in more.quads:
            name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else fallback
            if not name.startswith(BUILD_GRAPH_PREFIXES) and name != str(META_GRAPH):
                where = more.locations.get(q.subject.value) if isinstance(q.subject, ox.NamedNode) else None
                msg = (
                    f"statement about {q.subject} is in graph <{name}>; every fact in data/ must sit in a"
                    " source graph (graph:source/ID) or an inferred graph (graph:inferred/NAME)"
                )
                raise IngestError(msg, location=where or Location(str(path)))
        parsed.extend(more)
    return parsed


def build_graphs(store: Store) -> list[str]:
    """Return the graphs a build owns that the store holds now."""
    owned = {str(g) for g in (META_GRAPH,)} | {
        str(g) for g in (GRAPH["ontology"], GRAPH["shapes"], GRAPH["vocabulary"])
    }
    return [g for g in store.graph_names() if g in owned or g.startswith(BUILD_GRAPH_PREFIXES)]


def stored_fingerprint(store: Store) -> str | None:
    """Return the fingerprint the last build recorded, if any."""
    rows = store.select(
        f"SELECT ?f WHERE {{ GRAPH <{META_GRAPH}> {{ <{BUILD}> <{DCTERMS.identifier}> ?f }} }}",
        union_default_graph=False,
    )
    value = rows[0]["f"] if rows else None
    return value.value if value is not None else None


def is_stale(store: Store, *, data_dir: Path, ontology_dir: Path) -> bool:
    """Tell whether ``data/`` or ``ontology/`` changed since the store was built (or it never was)."""
    return stored_fingerprint(store) != fingerprint(data_dir, ontology_dir)


def build_store(
    store: Store, *, data_dir: Path, ontology_dir: Path, shapes: Shapes | None = None
) -> BuildReport:
    """Read and validate everything, then replace the build's graphs in one transaction.

    Raises:
        IngestError: a file or table is malformed; the store is unchanged.
        ValidationError: the data break the shapes; the store is unchanged.
    """
    started = time.perf_counter()
    stamp = fingerprint(data_dir, ontology_dir)
    vocabulary = read_ontology(ontology_dir)
    data = read_data(data_dir)
    shapes = shapes or load_shapes(ontology_dir)
    results = validate_parsed(data, shapes=shapes, context=vocabulary.quads)
    raise_for_violations(results, source=str(data_dir))
    record = build_record(stamp)
    quads = [*vocabulary.quads, *data.quads, *record]
    store.replace_graphs(quads, graphs=build_graphs(store), then=rebuild_ops(store))  # aggregates in step
    store.flush()
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    return BuildReport(
        quads=len(set(quads)),
        graphs=len(graphs),
        fingerprint=stamp,
        seconds=time.perf_counter() - started,
        warnings=[v for v in results if v.severity != "Violation"],
    )


def build_record(stamp: str) -> list[ox.Quad]:
    """Describe this build in graph:meta: its fingerprint and time."""
    meta, build = ox.NamedNode(str(META_GRAPH)), ox.NamedNode(str(BUILD))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return [
        ox.Quad(build, ox.NamedNode(str(DCTERMS.identifier)), ox.Literal(stamp), meta),
        ox.Quad(
            build,
            ox.NamedNode(str(PROV.generatedAtTime)),
            ox.Literal(now, datatype=ox.NamedNode(str(XSD.dateTime))),
            meta,
        ),
    ]


__all__ = [
    "BuildReport",
    "build_store",
    "fingerprint",
    "is_stale",
    "read_data",
    "read_ontology",
    "stored_fingerprint",
]
