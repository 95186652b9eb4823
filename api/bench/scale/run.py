"""One benchmark run: per size, generate, import, choose bindings, time every backend, time the analysis.

Memory: the benchmark's own process holds at most one copy of the data at a time (the disk store's mirror
while it is timed); the in-memory store, the import, the analysis and every server run in processes of their
own, one after another.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.bench.measure import run_isolated
from api.bench.scale.analysis import time_analysis
from api.bench.scale.bindings import choose_bindings
from api.bench.scale.peers import PeerRun, bench_http, bench_rdflib, bench_virtuoso
from api.bench.scale.timing import (
    Bindings,
    QueryTimes,
    load_and_time_in_memory,
    measure_import,
    time_named_queries,
)
from api.bench.virtuoso import available as virtuoso_available
from graph.errors import LimitExceededError
from graph.queries.library import NamedQuery, read_named_queries
from graph.store.embedded import GraphStore
from graph.synthetic.generate import actors_for_triples, write_generated

BACKENDS = ("memory", "disk", "mirror", "http", "virtuoso", "rdflib")
PEERS = ("http", "virtuoso", "rdflib")
YEARS = range(2019, 2026)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Options:
    """How to run: repetitions, which peers, and the sizes above which the slow parts are skipped (stated)."""

    runs: int = 5
    seed: int = 1
    peers: frozenset[str] = frozenset(PEERS)
    rdflib_max: int = 1_000_000  # rdflib parses ~10x slower than Oxigraph and holds ~3x the memory
    analysis_max: int = 2_000_000  # about 100,000 actors: the analysis target's size
    analysis_timeout: float = 3600.0
    throughput_seconds: float = 3.0
    virtuoso_memory_gb: float = 6.0
    years: range = YEARS  # of the generated data; fewer make a smaller skeleton (tests)


def _record(out: dict[str, Any], backend: str, times: QueryTimes) -> None:
    for name, seconds in times.seconds.items():
        out["seconds"][name][backend] = seconds
    for name, rows in times.rows.items():
        out["rows"][name][backend] = rows
    for name, error in times.errors.items():
        out["errors"].setdefault(name, {})[backend] = error


def _time_embedded(
    label: str,
    store: GraphStore,
    library: dict[str, NamedQuery],
    bindings: Bindings,
    out: dict[str, Any],
    runs: int,
    progress: Progress,
) -> None:
    progress(f"timing the named queries on the {label} store ...")
    _record(out, label, time_named_queries(store, library, bindings, runs))


def _checks(out: dict[str, Any]) -> None:
    """Flag queries that answered nothing, and those whose backends disagree on the number of rows."""
    zero, mismatches = [], {}
    for name, by_backend in out["rows"].items():
        if any(rows == 0 for rows in by_backend.values()):
            zero.append(name)
        if len(set(by_backend.values())) > 1:
            mismatches[name] = dict(by_backend)
    out["checks"] = {"zero_rows": zero, "row_mismatches": mismatches}


def _rdflib_skip_reason(requested: int, limit: int, seen: dict[str, float]) -> str:
    why = f"not run: above --rdflib-max ({limit:,} triples)"
    if not seen:
        return why + "; no smaller size measured in this run to extrapolate from"
    rate = seen["triples"] / seen["load_seconds"]
    per_triple = seen["rss"] / seen["triples"]
    return (
        f"{why}; at the rate measured at {seen['triples']:,.0f} triples ({rate:,.0f} triples/s, "
        f"{per_triple * 1e6 / 1e9:.1f} GB per million) rdflib would need ~{requested / rate / 60:.0f} min "
        f"and ~{requested * per_triple / 1e9:.0f} GB to load {requested:,} triples, and a load again after "
        "each query that times out"
    )


def _run_peer(
    name: str, action: Callable[[], PeerRun], out: dict[str, Any], progress: Progress, *, keep: bool = True
) -> PeerRun | None:
    """Run one peer's timings; keep its times and throughput in ``out`` (unless ``keep`` is false)."""
    try:
        run = action()
    except Exception as exc:  # a peer that fails is a result, stated in the table
        out["not_run"][name] = f"failed: {type(exc).__name__}: {exc!s:.300}"
        progress(f"  {name}: {out['not_run'][name]}")
        return None
    if keep:
        _keep_peer(out, name, run)
    return run


def _keep_peer(out: dict[str, Any], name: str, run: PeerRun) -> None:
    _record(out, name, run.times)
    out["throughput"][name] = {str(c): q for c, q in run.throughput.items()}


def bench_size(
    requested: int,
    *,
    work: Path,
    library: dict[str, NamedQuery],
    options: Options,
    rdflib_seen: dict[str, float],
    progress: Progress,
) -> dict[str, Any]:
    """Measure one size; return plain, JSON-ready data (``tables`` turns it into tables).

    ``rdflib_seen`` carries rdflib's load figures from a smaller size to the next, to say what skipping a
    larger one saves.
    """
    actors = actors_for_triples(requested, years=options.years)
    data = work / f"generated-{actors}-{options.seed}-{len(options.years)}y.nq"
    out: dict[str, Any] = {
        "requested": requested,
        "actors": actors,
        "load_average": {"start": list(os.getloadavg())},
        "seconds": {name: {} for name in library},
        "rows": {name: {} for name in library},
        "errors": {},
        "lower_bounds": {},
        "throughput": {},
        "peer_facts": {},
        "not_run": {},
    }
    if not data.exists():
        progress(f"generating ~{requested:,} triples ({actors:,} actors) ...")
        write_generated(data, actors=actors, seed=options.seed, years=options.years)
    # With the ontology and its SKOS schemes, as a deployed store holds them: the named-query routes check
    # concept values against their scheme, and every backend sees the same quads.
    from api.bench.questions.run import with_ontology  # here: questions.run imports this package

    data = with_ontology(data, work)
    disk = work / f"store-{actors}-{options.seed}-{len(options.years)}y"
    shutil.rmtree(disk, ignore_errors=True)

    progress("importing into a disk store (fresh process) ...")
    imported = measure_import(data, disk)
    out["triples"] = imported.triples
    out["import"] = {
        "rate": imported.rate,
        "seconds": imported.seconds,
        "peak_rss": imported.peak_rss,
        "validated": imported.validated,
        "how": "import --bulk (SPARQL shape check + bulk loader)"
        if imported.validated
        else "GraphStore.bulk_add, without validation",
    }

    progress("choosing bindings from the data, timing the mirror store ...")
    mirror = GraphStore.open(disk, read_only=True, mirror=True)
    started = time.perf_counter()
    choices = {name: choose_bindings(mirror, q) for name, q in library.items()}
    out["binding_seconds"] = time.perf_counter() - started
    bindings: Bindings = {name: c.bindings for name, c in choices.items()}
    out["bindings"] = {
        name: {p: {"value": str(v), "how": c.how[p]} for p, v in c.bindings.items()}
        | {p: {"value": None, "how": how} for p, how in c.how.items() if p not in c.bindings}
        for name, c in choices.items()
    }
    _time_embedded("mirror", mirror, library, bindings, out, options.runs, progress)
    mirror.close()
    del mirror
    gc.collect()  # the mirror's copy goes before another process loads one
    plain = GraphStore.open(disk, read_only=True)
    _time_embedded("disk", plain, library, bindings, out, options.runs, progress)
    plain.close()

    progress("loading into a memory store and timing it (fresh process) ...")
    memory = run_isolated(load_and_time_in_memory, str(data), library, bindings, options.runs).value
    out["memory_per_million"] = memory.rss_added / memory.triples * 1e6 if memory.triples else None
    _record(out, "memory", memory.times)

    _bench_peers(
        out,
        data=data,
        disk=disk,
        work=work,
        library=library,
        bindings=bindings,
        options=options,
        rdflib_seen=rdflib_seen,
        progress=progress,
    )
    _bench_analysis(out, disk=disk, requested=requested, options=options, progress=progress)
    _checks(out)
    out["load_average"]["end"] = list(os.getloadavg())
    return out


def _bench_peers(
    out: dict[str, Any],
    *,
    data: Path,
    disk: Path,
    work: Path,
    library: dict[str, NamedQuery],
    bindings: Bindings,
    options: Options,
    rdflib_seen: dict[str, float],
    progress: Progress,
) -> None:
    for peer in PEERS:
        if peer not in options.peers:
            out["not_run"][peer] = "not run: not in --peers"
    timing: dict[str, Any] = {
        "runs": options.runs,
        "throughput_seconds": options.throughput_seconds,
        "progress": progress,
    }
    if "http" in options.peers:
        _run_peer("http", lambda: bench_http(disk, library, bindings, **timing), out, progress)
    if "virtuoso" in options.peers and not virtuoso_available():
        out["not_run"]["virtuoso"] = "not run: virtuoso-t is not installed"
    elif "virtuoso" in options.peers:
        run = _run_peer(
            "virtuoso",
            lambda: bench_virtuoso(
                data, work, library, bindings, memory_gb=options.virtuoso_memory_gb, **timing
            ),
            out,
            progress,
        )
        if run is not None:
            out["peer_facts"]["virtuoso"] = {
                **run.facts,
                "import_rate": out["triples"] / run.facts["load_seconds"],
            }
    if "rdflib" in options.peers and out["requested"] > options.rdflib_max:
        out["not_run"]["rdflib"] = _rdflib_skip_reason(out["requested"], options.rdflib_max, rdflib_seen)
    elif "rdflib" in options.peers:
        run = _run_peer(
            "rdflib",
            lambda: bench_rdflib(data, library, bindings, runs=options.runs, progress=progress),
            out,
            progress,
            keep=False,
        )
        if run is not None:
            _record(out, "rdflib", run.times)
            out["lower_bounds"]["rdflib"] = run.lower_bounds
            out["peer_facts"]["rdflib"] = run.facts
            rdflib_seen.update(run.facts, triples=float(out["triples"]))


def _bench_analysis(
    out: dict[str, Any], *, disk: Path, requested: int, options: Options, progress: Progress
) -> None:
    out["analysis"] = []
    if requested > options.analysis_max:
        out["not_run"]["analysis"] = (
            f"not run: above --analysis-max ({options.analysis_max:,} triples); "
            "raise it to time the analysis at this size"
        )
        return
    progress("timing the analysis: projections and measures (fresh process) ...")
    try:
        steps = run_isolated(time_analysis, str(disk), timeout=options.analysis_timeout).value
    except LimitExceededError:
        out["not_run"]["analysis"] = (
            f"stopped: the analysis ran longer than {options.analysis_timeout:,.0f} s"
        )
        return
    out["analysis"] = [{"kind": k, "step": s, "seconds": t, "what": w} for k, s, t, w in steps]


def run_scale_bench(
    sizes: list[int],
    *,
    queries_dir: Path,
    work: Path | None,
    options: Options,
    progress: Progress,
) -> list[dict[str, Any]]:
    """Run every size in turn (smallest first, so a skipped peer can be extrapolated); one result each."""
    library = read_named_queries(queries_dir)
    base = work or Path(tempfile.mkdtemp(prefix="samverkan-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    rdflib_seen: dict[str, float] = {}
    return [
        bench_size(n, work=base, library=library, options=options, rdflib_seen=rdflib_seen, progress=progress)
        for n in sorted(sizes)
    ]


__all__ = ["BACKENDS", "PEERS", "Options", "bench_size", "run_scale_bench"]
