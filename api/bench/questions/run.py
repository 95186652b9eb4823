"""One run of the questions benchmark: per size, generate (or reuse), load every system, time, check rows.

Per size, one system at a time (two cores and one memory are shared): samverkan (a fresh ``import --bulk``
into a disk store, then served over HTTP as deployed; the values are picked there and the named-query mix
is timed there too), pyoxigraph in a fresh process, Virtuoso, rdflib-endpoint. The store is imported anew on
every run, so whatever the import maintains (materialised aggregates) is in it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from api.bench.measure import run_isolated, work_dir_lock
from api.bench.questions.define import (
    PICK_FOR_PARAMETER,
    QUESTIONS,
    bound_text,
    pick_from,
    read_peer_query,
    resolve_values,
    same_text,
)
from api.bench.questions.systems import (
    Calls,
    serve_samverkan,
    time_named_queries_http,
    time_pyoxigraph,
    time_virtuoso,
)
from api.bench.scale.peers import PeerRun, time_rdflib
from api.bench.scale.timing import ONTOLOGY_DIR, measure_import
from api.bench.virtuoso import available as virtuoso_available
from api.routes.queries import DEFAULT_PAGE
from graph.ingest.build import read_ontology
from graph.namespaces import sparql_prefixes
from graph.queries.library import NamedQuery, read_named_queries
from graph.store.embedded import GraphStore
from graph.synthetic.generate import actors_for_triples, write_generated

SYSTEMS = ("samverkan", "pyoxigraph", "virtuoso", "rdflib")
PEERS = SYSTEMS[1:]
PLAIN_KINDS = frozenset({"string", "integer", "decimal", "boolean", "date", "year"})
MIX_PAGE = DEFAULT_PAGE  # the rest of the mix: the route's first page, as a page or a paging client asks
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    """Repetitions, the per-query cap, which peers, and the sizes above which a peer is skipped (stated)."""

    runs: int = 5
    seed: int = 1
    cap: float = 120.0
    peers: frozenset[str] = frozenset(PEERS)
    rdflib_max: int = 1_000_000  # rdflib parses ~10x slower than Oxigraph and holds ~3x the memory
    virtuoso_memory_gb: float = 6.0
    mix: bool = True
    years: range = range(2019, 2026)
    reuse_store: bool = False  # the work dir's store of an earlier run, as it is: no import, no rebuild


def mix_values(query: NamedQuery, picked: dict[str, str]) -> dict[str, str]:
    """Values for a named query of the mix: plain defaults stay, others take the pick of their name.

    The library's defaults name curated resources that generated data lack; a parameter with no pick keeps
    its default (or stays unbound without one), as a page would call it.
    """
    values = {}
    for p in query.parameters:
        plain_default = p.default is not None and p.kind in PLAIN_KINDS
        pick = PICK_FOR_PARAMETER.get(p.name)
        if not plain_default and pick is not None and pick in picked:
            values[p.name] = picked[pick]
    return values


def _keep(out: dict[str, Any], system: str, run: PeerRun) -> None:
    for name, seconds in run.times.seconds.items():
        out["seconds"][name][system] = seconds
    for name, rows in run.times.rows.items():
        out["rows"][name][system] = rows
    for name, error in run.times.errors.items():
        out["errors"].setdefault(name, {})[system] = error
    out["lower_bounds"][system] = list(run.lower_bounds)
    if "load_seconds" in run.facts:
        out["load_seconds"][system] = run.facts["load_seconds"]


def _attempt(out: dict[str, Any], system: str, action: Callable[[], PeerRun], progress: Progress) -> None:
    try:
        _keep(out, system, action())
    except Exception as exc:  # a system that fails is a result, stated in the table
        out["not_run"][system] = f"failed: {type(exc).__name__}: {exc!s:.300}"
        progress(f"  {system}: {out['not_run'][system]}")


def bench_size(
    requested: int, *, work: Path, library: dict[str, NamedQuery], options: Options, progress: Progress
) -> dict[str, Any]:
    """Measure one size; return plain, JSON-ready data (``report.tables`` turns it into tables)."""
    names = [q.query for q in QUESTIONS]
    peer_queries = {q.query: read_peer_query(q) for q in QUESTIONS}
    out: dict[str, Any] = {
        "requested": requested,
        "load_average": {"start": list(os.getloadavg())},
        "questions": [
            {
                "wording": q.wording,
                "query": q.query,
                "same_text": q.query in library and same_text(library[q.query], peer_queries[q.query]),
            }
            for q in QUESTIONS
        ],
        "seconds": {n: {} for n in names},
        "rows": {n: {} for n in names},
        "errors": {},
        "lower_bounds": {},
        "load_seconds": {},
        "not_run": {},
        "cap": options.cap,
        "runs": options.runs,
    }
    actors = actors_for_triples(requested, years=options.years)
    data = work / f"generated-{actors}-{options.seed}-{len(options.years)}y.nq"
    if not data.exists():
        progress(f"generating ~{requested:,} triples ({actors:,} actors) ...")
        write_generated(data, actors=actors, seed=options.seed, years=options.years)
    combined = with_ontology(data, work)
    disk = work / f"store-{actors}-{options.seed}-{len(options.years)}y"
    if options.reuse_store and disk.is_dir():
        progress(f"reusing {disk} as it is (--reuse-store): counting the quads of {combined.name} ...")
        with combined.open("rb") as lines:  # N-Quads: one statement a line
            out["triples"] = sum(1 for line in lines if line.strip())
        out["not_run"]["samverkan import --bulk"] = (
            "not run: --reuse-store (the work dir's store of an earlier run, its aggregates as held)"
        )
        held = run_isolated(holds_aggregates, str(disk)).value
    else:
        shutil.rmtree(disk, ignore_errors=True)
        _import(out, data, disk, progress)
        out["ontology_quads"] = run_isolated(add_ontology, str(disk), str(ONTOLOGY_DIR)).value
        _rebuild_aggregates(out, disk, progress)
        held = out.get("aggregates_seconds") is not None
    for entry in out["questions"]:
        entry["reads"] = reads(library.get(entry["query"]), aggregates_held=held)

    progress("picking parameter values from the disk store (fresh process) ...")
    picked = run_isolated(pick_values, str(disk)).value
    out["picked"] = picked
    with serve_samverkan(disk, cap=options.cap, progress=progress) as (base, engine):
        out["engine"] = engine
        values = {q.query: resolve_values(q, picked) for q in QUESTIONS}
        out["values"] = values
        progress("timing the questions over samverkan's named-query routes ...")
        _attempt(
            out,
            "samverkan",
            lambda: time_named_queries_http(
                base, values, runs=options.runs, cap=options.cap, progress=progress
            ),
            progress,
        )
        if options.mix:
            _bench_mix(out, base, library, picked, options, progress)
    texts = {name: bound_text(peer_queries[name], values[name]) for name in names}
    out["peer_texts"] = texts
    _bench_peers(out, data=combined, work=work, texts=texts, options=options, progress=progress)
    _checks(out)
    out["load_average"]["end"] = list(os.getloadavg())
    return out


def reads(query: NamedQuery | None, *, aggregates_held: bool) -> str:
    """What samverkan's route answers a named query from: "aggregates", "name index" or "base data".

    "missing" for a query the library lacks. The served store's name index is read before the timing starts
    (``serve_samverkan`` waits for it).
    """
    if query is None:
        return "missing"
    from graph.queries.name_index import answers_for

    if answers_for(query):
        return "name index"
    try:
        from graph.aggregates.reading import aggregate_text
    except ImportError:  # a tree without materialised aggregates
        return "base data"
    return "aggregates" if aggregates_held and aggregate_text(query) is not None else "base data"


def _bench_mix(
    out: dict[str, Any],
    base: str,
    library: dict[str, NamedQuery],
    picked: dict[str, str],
    options: Options,
    progress: Progress,
) -> None:
    """Time every named query of the library over HTTP; the questions' own timings count for themselves.

    The rest of the mix asks for the route's first page (``MIX_PAGE`` rows, its default), as the pages and a
    client paging through an answer do; the questions ask for every row.
    """
    calls: Calls = {name: mix_values(q, picked) for name, q in library.items() if name not in out["seconds"]}
    progress(f"timing the rest of the named-query mix ({len(calls)} queries) ...")
    mix = time_named_queries_http(
        base, calls, runs=options.runs, cap=options.cap, progress=progress, page=MIX_PAGE
    )
    asked = [name for name in out["seconds"] if name in library]
    capped = out["lower_bounds"].get("samverkan", [])

    def mine(key: str) -> dict[str, Any]:  # samverkan's results for the questions
        return {n: out[key][n]["samverkan"] for n in asked if "samverkan" in out[key].get(n, {})}

    out["mix"] = {
        "values": calls | {name: out["values"][name] for name in asked},
        "seconds": mix.times.seconds | mine("seconds"),
        "rows": mix.times.rows | mine("rows"),
        "errors": mix.times.errors | mine("errors"),
        "lower_bounds": [*mix.lower_bounds, *(n for n in asked if n in capped)],
    }


def read_ontology_quads() -> list[ox.Quad]:
    """The ontology, shapes and SKOS schemes as ``samverkan build`` stores them, each file in its graph."""
    return list(read_ontology(ONTOLOGY_DIR).quads)


def with_ontology(data: Path, work: Path) -> Path:
    """The generated file followed by the ontology's quads: what every peer loads (written anew each run).

    A deployed store holds the ontology and the SKOS schemes beside the data; the named-query routes check a
    concept value against its scheme, and the questions see the same quads on every system.
    """
    combined = work / f"{data.stem}+ontology.nq"
    with combined.open("wb") as out:
        with data.open("rb") as src:
            shutil.copyfileobj(src, out, 1 << 24)
        ox.serialize(read_ontology_quads(), out, format=ox.RdfFormat.N_QUADS)
    return combined


def add_ontology(disk: str, ontology_dir: str) -> int:
    """Add the ontology's quads to a disk store, as ``samverkan build`` holds them; return how many.

    Module-level for :func:`api.bench.measure.run_isolated`.
    """
    quads = list(read_ontology(Path(ontology_dir)).quads)
    store = GraphStore.open(Path(disk))
    try:
        store.bulk_add(quads)
        store.flush()
    finally:
        store.close()
    return len(quads)


def rebuild_aggregates(disk: str) -> float | None:
    """Build the materialised aggregates of a disk store (``samverkan aggregates rebuild``); seconds taken.

    None where this tree has no aggregates. Module-level for :func:`api.bench.measure.run_isolated`.
    """
    try:
        from graph.aggregates.rebuild import rebuild
    except ImportError:  # a tree without materialised aggregates: the named queries read the base data
        return None
    store = GraphStore.open(Path(disk))
    try:
        started = time.perf_counter()
        rebuild(store)
        store.flush()
        return time.perf_counter() - started
    finally:
        store.close()


def pick_values(disk: str) -> dict[str, str]:
    """The parameter values the questions take from the data (``PICKS``), read from the disk store.

    Not through the server: each pick scans the base data (every sv:basedIn, every mention), and a query
    worker scanning the memory copy makes the pages it reads its own (copy-on-write after the fork). At 10 M
    triples the busiest municipality's pick made 9.4 GiB of the copy a worker's, and the machine ran out of
    memory. Module-level for :func:`api.bench.measure.run_isolated`.
    """
    store = GraphStore.open(Path(disk), read_only=True)
    try:
        return pick_from(store)
    finally:
        store.close()


def holds_aggregates(disk: str) -> bool:
    """Whether a disk store holds every aggregate. Module-level for :func:`api.bench.measure.run_isolated`."""
    from graph.aggregates.maintain import has_aggregates

    store = GraphStore.open(Path(disk), read_only=True)
    try:
        return has_aggregates(store)
    finally:
        store.close()


def _rebuild_aggregates(out: dict[str, Any], disk: Path, progress: Progress) -> None:
    """Hold the aggregates as a deployed store does, so the named queries that read them do so."""
    progress("rebuilding the materialised aggregates (fresh process) ...")
    try:
        out["aggregates_seconds"] = run_isolated(rebuild_aggregates, str(disk)).value
    except RuntimeError as exc:
        out["not_run"]["aggregates rebuild"] = f"failed: {exc!s:.300}"


def load_unvalidated(data: str, disk: str) -> tuple[int, float]:
    """Load a file into a new disk store with ``GraphStore.bulk_add``, no shapes check; (quads, seconds).

    Module-level for :func:`api.bench.measure.run_isolated`.
    """
    started = time.perf_counter()
    store = GraphStore.open(Path(disk))
    try:
        store.bulk_add(ox.parse(path=data, format=ox.RdfFormat.N_QUADS))
        store.flush()
        return store.count(), time.perf_counter() - started
    finally:
        store.close()


def _import(out: dict[str, Any], data: Path, disk: Path, progress: Progress) -> None:
    """Import as a user does (validated ``import --bulk``); if the shapes refuse the data, load it unchecked.

    The fallback keeps the benchmark running while the generator and the shapes disagree; it is stated.
    """
    progress("importing into samverkan (import --bulk, fresh process) ...")
    try:
        imported = measure_import(data, disk)
        out["triples"] = imported.triples
        out["load_seconds"]["samverkan"] = imported.seconds
        return
    except RuntimeError as exc:
        first = str(exc).split("\n")[0]
        out["not_run"]["samverkan import --bulk"] = (
            f"refused the generated data ({first[:240]}); loaded with GraphStore.bulk_add, unvalidated: "
            "whatever the validated import maintains besides the data is missing"
        )
        progress(f"  import --bulk refused the data: {first[:240]}; loading it unvalidated ...")
    shutil.rmtree(disk, ignore_errors=True)
    quads, seconds = run_isolated(load_unvalidated, str(data), str(disk)).value
    out["triples"] = quads
    out["load_seconds"]["samverkan"] = seconds


def _bench_peers(
    out: dict[str, Any],
    *,
    data: Path,
    work: Path,
    texts: dict[str, str],
    options: Options,
    progress: Progress,
) -> None:
    timing: dict[str, Any] = {"runs": options.runs, "progress": progress}
    for peer in PEERS:
        if peer not in options.peers:
            out["not_run"][peer] = "not run: not in --peers"
    if "pyoxigraph" in options.peers:
        _attempt(out, "pyoxigraph", lambda: time_pyoxigraph(data, texts, cap=options.cap, **timing), progress)
    if "virtuoso" in options.peers and not virtuoso_available():
        out["not_run"]["virtuoso"] = "not run: virtuoso-t is not installed (Debian: virtuoso-opensource)"
    elif "virtuoso" in options.peers:
        _attempt(
            out,
            "virtuoso",
            lambda: time_virtuoso(
                data, work, texts, cap=options.cap, memory_gb=options.virtuoso_memory_gb, **timing
            ),
            progress,
        )
    if "rdflib" in options.peers and out["requested"] > options.rdflib_max:
        out["not_run"]["rdflib"] = (
            f"not run: above --rdflib-max ({options.rdflib_max:,} triples); rdflib parses the file ~10x "
            "slower than Oxigraph, holds ~3x its memory, and loads it again after every query stopped at "
            "the cap"
        )
    elif "rdflib" in options.peers:
        with_prefixes = {name: sparql_prefixes() + text for name, text in texts.items()}
        _attempt(
            out,
            "rdflib",
            lambda: time_rdflib(data, with_prefixes, timeout=options.cap, **timing),
            progress,
        )


def _checks(out: dict[str, Any]) -> None:
    """Mark the questions whose systems disagree on the number of rows, and those that answered nothing."""
    zero, mismatches = [], {}
    for name, by_system in out["rows"].items():
        if any(rows == 0 for rows in by_system.values()):
            zero.append(name)
        if len(set(by_system.values())) > 1:
            mismatches[name] = dict(by_system)
    out["checks"] = {"zero_rows": zero, "row_mismatches": mismatches}


def run_questions_bench(
    sizes: list[int], *, queries_dir: Path, work: Path | None, options: Options, progress: Progress
) -> list[dict[str, Any]]:
    """Run every size in turn, smallest first; one result each."""
    library = read_named_queries(queries_dir)
    base = work or Path(tempfile.mkdtemp(prefix="samverkan-questions-"))
    with work_dir_lock(base):  # raises WorkDirBusyError while another bench uses it
        return [
            bench_size(n, work=base, library=library, options=options, progress=progress)
            for n in sorted(sizes)
        ]


__all__ = ["PEERS", "SYSTEMS", "Options", "bench_size", "mix_values", "reads", "run_questions_bench"]
