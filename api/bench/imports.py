"""What the import benchmarks time, each call run in a fresh process (``run_isolated``): load, validate."""

from __future__ import annotations

import resource
import time
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.ingest.quads import Parsed
from graph.store.embedded import GraphStore


def bulk_load_file(path: str, store_dir: str) -> dict[str, float]:
    """Load an N-Quads file into a fresh on-disk store with Oxigraph's bulk loader, no validation."""
    store = GraphStore.open(Path(store_dir))
    start = time.perf_counter()
    store.bulk_add(ox.parse(path=path, format=ox.RdfFormat.N_QUADS))
    store.flush()
    return {"load": time.perf_counter() - start}


def validate_and_load_file(path: str, store_dir: str, ontology_dir: str) -> dict[str, float]:
    """Parse a file, validate it (``graph.validate.shacl``, ``ontology/``), bulk-add it to a fresh store."""
    from graph.validate.shacl import load_shapes, validate_parsed

    store = GraphStore.open(Path(store_dir))
    start = time.perf_counter()
    shapes = load_shapes(Path(ontology_dir))
    parsed = Parsed(quads=list(ox.parse(path=path, format=ox.RdfFormat.N_QUADS)), files=[path])
    parsed_at = time.perf_counter()
    violations = validate_parsed(parsed, shapes=shapes)
    validated_at = time.perf_counter()
    store.bulk_add(parsed.quads)
    store.flush()
    end = time.perf_counter()
    return {
        "parse": parsed_at - start,
        "validate": validated_at - parsed_at,
        "load": end - validated_at,
        "violations": float(sum(v.severity == "Violation" for v in violations)),
    }


def validated_bulk_import(
    path: str, store_dir: str, ontology_dir: str, parallel: bool | None = None
) -> dict[str, Any]:
    """``samverkan import --bulk`` of one file into a fresh on-disk store, each phase timed.

    As the command does it: ``graph.ingest.bulk.bulk_import`` (shapes loading not counted), then the history
    record (``import_record``) and a flush. ``phases`` lists (name, seconds, concurrent); ``rest`` is the
    time of the import outside its reported phases (the aggregates brought in step after the load).
    """
    from api.cli.store import import_record
    from graph.ingest.bulk import bulk_import
    from graph.validate.shacl import load_shapes
    from graph.validate.sparql_check import ShapeChecker

    shapes = load_shapes(Path(ontology_dir))
    checker = ShapeChecker(shapes.shapes)
    store = GraphStore.open(Path(store_dir))
    try:
        cpu_before = _cpu_seconds()
        start = time.perf_counter()
        report = bulk_import(store, [Path(path)], shapes=shapes, checker=checker, parallel=parallel)
        imported = time.perf_counter()
        record = Parsed(quads=[], files=[path])
        store.add(import_record([Path(path)], record, graphs=report.graphs))
        recorded = time.perf_counter()
        store.flush()
        end = time.perf_counter()
        cpu_after = _cpu_seconds()
    finally:
        store.close()
    phases = [(p.name, p.seconds, p.concurrent, p.cpu_seconds) for p in report.phases]
    reported = sum(seconds for _, seconds, concurrent, _ in phases if not concurrent)
    phases += [
        (
            "rest of bulk_import (aggregates after the load)",
            max(imported - start - reported, 0.0),
            False,
            None,
        ),
        ("history record (import_record)", recorded - imported, False, None),
        ("flush", end - recorded, False, None),
    ]
    return {
        "quads": float(report.quads),
        "seconds": end - start,
        "phases": phases,
        "parallel": report.parallel,
        "cpu": (cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]),
    }


def _cpu_seconds() -> tuple[float, float]:
    """CPU time (user + system) of this process and of its ended children (the checking process)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def validator_status(ontology_dir: Path) -> str | None:
    """Return why validation cannot be measured (``None`` when it can)."""
    if find_spec("graph.validate.shacl") is None:
        return "n/a (validator missing)"
    if not (ontology_dir / "shapes.ttl").exists():
        return "n/a (ontology/shapes.ttl missing)"
    return None


__all__ = ["bulk_load_file", "validate_and_load_file", "validated_bulk_import", "validator_status"]
