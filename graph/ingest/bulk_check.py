"""The checking half of a parallel bulk import, run in its own process while the parent writes the store.

A process, not a thread: pyoxigraph holds the interpreter lock while it loads, so a thread checking the
shapes would wait for the writer (measured: two threads took as long as one after the other). A fresh
interpreter (``python -m graph.ingest.bulk_check JOB``), not ``multiprocessing``: its spawn runs the
caller's main module again, and a fork would copy RocksDB's locks mid-use. It reads a pickled
:class:`CheckJob` from the file ``JOB`` and writes pickled messages on standard output (trusted: our own
parent). It parses the files into its own in-memory staging store, reads the target store's context
from a checkpoint of its state before the import (``GraphStore.snapshot``), writes the default-graph copy
of the staged triples to a file the parent loads, and runs the compiled shapes. The messages:

- ``("staged", graphs, quads, default_file, has_blank, (seconds, cpu_seconds))`` once the files are parsed;
- ``("checked", violations, (seconds, cpu_seconds))`` when the checks are done (warnings included);
- ``("error", kind, message, location)`` instead, when a file does not parse or a shape is unsupported.
"""

from __future__ import annotations

import mmap
import os
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph

from graph.errors import IngestError
from graph.store.embedded import GraphStore
from graph.validate.sparql_check import ShapeChecker, UnsupportedShapeError, to_violations

# What a run keeps alive until the process ends (``os._exit``): freeing the staging store of a million
# triples piece by piece takes about a second, which the parent would wait for.
_KEEP: list[object] = []


@dataclass(frozen=True)
class CheckJob:
    """What the checking process needs, all picklable: files, shapes as N-Triples, the checkpoint."""

    files: list[tuple[str, str, str]]  # (path, target graph, media type of its format)
    shapes_nt: bytes
    ontology_nt: bytes
    snapshot: str | None  # the target store before the import, read-only; None: it was empty
    default_file: str  # where to write the default-graph copy (N-Triples)


class _Sender:
    def __init__(self, out: IO[bytes]) -> None:
        self.out = out

    def send(self, message: tuple[Any, ...]) -> None:
        pickle.dump(message, self.out)
        self.out.flush()


def run_checks(job: CheckJob, out: IO[bytes]) -> None:
    """Parse, stage, check; write the messages of the module docstring to ``out``."""
    conn = _Sender(out)
    try:
        _run(job, conn)
    except IngestError as exc:
        conn.send(("error", "ingest", str(exc), None))
    except UnsupportedShapeError as exc:
        conn.send(("error", "shape", str(exc), None))
    except Exception as exc:  # anything else ends the import; the parent rolls back and reports it
        conn.send(("error", "crash", f"{type(exc).__name__}: {exc}", None))


def _run(job: CheckJob, conn: _Sender) -> None:
    from graph.ingest.bulk import ONTOLOGY_CONTEXT, STORE_CONTEXT, add_store_context, load_file

    started, cpu = time.perf_counter(), time.process_time()
    staging = ox.Store()
    _KEEP.append(staging)  # freed by the end of the process, not piece by piece (see __main__)
    for path, graph, fmt in job.files:
        load_file(staging, Path(path), graph=graph, fmt=_format(fmt))
    graphs = sorted(g.value for g in staging.named_graphs() if isinstance(g, ox.NamedNode))
    has_blank = _may_hold_blank_nodes(job.files) and bool(
        staging.query("ASK { GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?s) || isBlank(?o)) }")
    )
    if not has_blank:  # with blank nodes the parent derives the copy from its own store (same node ids)
        with Path(job.default_file).open("wb") as out:
            for g in graphs:
                staging.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))
    default_file = None if has_blank else job.default_file
    times = (time.perf_counter() - started, time.process_time() - cpu)
    conn.send(("staged", graphs, len(staging), default_file, has_blank, times))
    started, cpu = time.perf_counter(), time.process_time()
    checker = ShapeChecker(Graph().parse(data=job.shapes_nt, format="nt"))
    staging.bulk_load(job.ontology_nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ONTOLOGY_CONTEXT)
    if job.snapshot is not None:
        before = GraphStore.open(Path(job.snapshot), read_only=True)
        try:
            add_store_context(staging, before, graphs)
        finally:
            before.close()
    violations = to_violations(staging, checker.check(staging, focus_graphs=graphs))
    staging.remove_graph(STORE_CONTEXT)
    conn.send(("checked", violations, (time.perf_counter() - started, time.process_time() - cpu)))


def _may_hold_blank_nodes(files: list[tuple[str, str, str]]) -> bool:
    """False when no file can hold a blank node: N-Triples and N-Quads without ``_:`` anywhere.

    A byte search (0.25 s at a million triples) instead of asking the staging store (0.6 s); any other
    format, or ``_:`` even inside a literal, leaves the question to the store.
    """
    lines = {ox.RdfFormat.N_TRIPLES.media_type, ox.RdfFormat.N_QUADS.media_type}
    for path, _, media_type in files:
        if media_type not in lines:
            return True
        with Path(path).open("rb") as f:
            if Path(path).stat().st_size == 0:
                continue
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
                if data.find(b"_:") >= 0:
                    return True
    return False


def _format(media_type: str) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:  # the parent chose it from ours: cannot happen unless the two disagree
        msg = f"unknown RDF media type {media_type!r}"
        raise ValueError(msg)
    return fmt


__all__ = ["CheckJob", "run_checks"]

if __name__ == "__main__":
    with Path(sys.argv[1]).open("rb") as job_file:
        job = pickle.load(job_file)
    run_checks(job, sys.stdout.buffer)
    os._exit(0)  # every message is flushed, nothing else is open: end without freeing ``_KEEP``
