"""The servers the embedded store is compared with, each on the same generated file, on loopback only.

- ``http``: our API as a separate process (``uvicorn``) on the disk store with its memory mirror, as served;
- ``virtuoso``: a throwaway Virtuoso server loaded through the graph store protocol (``api.bench.virtuoso``);
- ``rdflib``: rdflib-endpoint over an rdflib ``Dataset`` that parses the file.

Each returns a :class:`PeerRun`: the named queries' median times and row counts, and what else it measured.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

from api.bench.measure import free_port, serve_read_only, serving
from api.bench.scale.timing import Bindings, QueryTimes, median_seconds, time_named_queries
from api.bench.virtuoso import run_virtuoso
from graph.namespaces import sparql_prefixes
from graph.queries.library import NamedQuery
from graph.store.remote import MERGED_GRAPH, bind_values

CHEAP_QUERY = "ASK { ?m a <https://w3id.org/samverkan/def#Municipality> }"
CLIENTS = (1, 8, 32)
RDFLIB_TIMEOUT = 60.0  # rdflib-endpoint keeps computing after a timeout: it is restarted then
RDFLIB_REPEAT_BELOW = 5.0
RDFLIB_SCRIPT = """
import sys
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint
import uvicorn
ds = Dataset(default_union=True)
ds.parse(sys.argv[1], format="nquads")
app = SparqlEndpoint(graph=ds, cors_enabled=False)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""
Progress = Callable[[str], None]


@dataclass
class PeerRun:
    """One server's results: query times and rows, throughput by clients, and facts such as its load rate."""

    times: QueryTimes = field(default_factory=QueryTimes)
    throughput: dict[int, float] = field(default_factory=dict)
    facts: dict[str, float] = field(default_factory=dict)
    lower_bounds: list[str] = field(default_factory=list)  # queries stopped at the timeout


def throughput(call: Callable[[httpx.Client], object], clients: int, seconds: float) -> float:
    """Queries per second that ``clients`` threads, each with its own connection, complete in ``seconds``.

    The clock starts once every client is made (making one takes longer than a cheap query).
    """
    count = [0] * clients
    ready = threading.Barrier(clients + 1)
    stop = [0.0]

    def work(i: int) -> None:
        with httpx.Client(timeout=30) as c:
            ready.wait()
            while time.monotonic() < stop[0]:
                call(c)
                count[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    stop[0] = time.monotonic() + seconds + 3600  # nobody stops before the clock starts
    ready.wait()
    stop[0] = time.monotonic() + seconds
    for t in threads:
        t.join()
    return sum(count) / seconds


def as_parameter_text(term: ox.NamedNode | ox.Literal) -> str:
    """A bound value as the API's query string takes it: the full IRI, or the literal's lexical form."""
    return term.value


def bench_http(
    disk: Path,
    library: dict[str, NamedQuery],
    bindings: Bindings,
    *,
    runs: int,
    throughput_seconds: float,
    progress: Progress,
) -> PeerRun:
    """Serve the disk store with our API (as deployed: with the mirror) and time each named query's route."""
    out = PeerRun()
    progress("timing over our HTTP API ...")
    with (
        serve_read_only(disk, query_timeout=600, max_results=10_000_000, wait=1800) as base,
        httpx.Client(timeout=600) as http,
    ):
        for name in library:
            params = {k: as_parameter_text(v) for k, v in bindings[name].items()} | {"limit": "10000000"}

            def run(name: str = name, params: dict[str, str] = params) -> int:
                response = http.get(f"{base}/api/queries/{name}", params=params)
                response.raise_for_status()
                return len(response.json()["rows"])

            try:
                out.times.rows[name] = run()
                out.times.seconds[name] = median_seconds(run, runs)
            except httpx.HTTPError as exc:
                out.times.errors[name] = f"{type(exc).__name__}: {exc!s:.300}"
        for clients in CLIENTS:
            out.throughput[clients] = throughput(
                lambda c: c.get(base + "/sparql", params={"query": CHEAP_QUERY}).raise_for_status(),
                clients,
                throughput_seconds,
            )
    return out


def bench_virtuoso(
    data: Path,
    work: Path,
    library: dict[str, NamedQuery],
    bindings: Bindings,
    *,
    runs: int,
    throughput_seconds: float,
    memory_gb: float,
    progress: Progress,
) -> PeerRun:
    """Start Virtuoso (buffers for ``memory_gb``), load the file through the graph store protocol, time it."""
    out = PeerRun()
    progress("starting Virtuoso and loading through the graph store protocol ...")
    with run_virtuoso(Path(tempfile.mkdtemp(prefix="virtuoso-", dir=work)), memory_gb=memory_gb) as v:
        store = v.connect(timeout=600, chunk_triples=100_000)
        try:
            started = time.perf_counter()
            store.bulk_add(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
            out.facts["load_seconds"] = time.perf_counter() - started
            progress("timing the named queries through Virtuoso ...")
            out.times = time_named_queries(store, library, bindings, runs)
            for clients in CLIENTS:
                out.throughput[clients] = throughput(
                    lambda c: c.post(
                        v.query_url,
                        data={"query": CHEAP_QUERY, "default-graph-uri": MERGED_GRAPH},
                        headers={"Accept": "application/sparql-results+json"},
                    ).raise_for_status(),
                    clients,
                    throughput_seconds,
                )
        finally:
            store.close()
    return out


def bench_rdflib(
    data: Path, library: dict[str, NamedQuery], bindings: Bindings, *, runs: int, progress: Progress
) -> PeerRun:
    """Time each named query through rdflib-endpoint, restarting it after a timeout (see :func:`time_rdflib`).

    A query stopped at the timeout counts as ``RDFLIB_TIMEOUT`` seconds, a lower bound, with no row count.
    """
    texts = {name: sparql_prefixes() + bind_values(q.sparql, bindings[name]) for name, q in library.items()}
    return time_rdflib(data, texts, runs=runs, timeout=RDFLIB_TIMEOUT, progress=progress)


def time_rdflib(
    data: Path, texts: dict[str, str], *, runs: int, timeout: float, progress: Progress
) -> PeerRun:
    """Time each query text (by name) through rdflib-endpoint, restarting it after a timeout.

    A query whose first run takes ``RDFLIB_REPEAT_BELOW`` seconds or more is timed by that run alone.
    A query stopped at ``timeout`` counts as ``timeout`` seconds, is listed in ``lower_bounds``, and has no
    row count; the server is restarted (it keeps computing after the client leaves).
    """
    import psutil  # a dev dependency, needed only when measuring

    out = PeerRun()
    pending = list(texts.items())
    while pending:
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        progress("starting rdflib-endpoint (rdflib parses the file: slow) ...")
        args = [sys.executable, "-c", RDFLIB_SCRIPT, str(data), str(port)]
        started = time.perf_counter()
        with (
            serving(args, url=url, env=dict(os.environ), wait=3600) as proc,
            httpx.Client(timeout=timeout) as http,
        ):
            out.facts.setdefault("load_seconds", time.perf_counter() - started)
            out.facts.setdefault("rss", float(psutil.Process(proc.pid).memory_info().rss))
            while pending:
                name, text = pending.pop(0)

                def run(text: str = text, url: str = url) -> int:
                    response = http.post(
                        url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}
                    )
                    response.raise_for_status()
                    return len(response.json()["results"]["bindings"])

                try:
                    started = time.perf_counter()
                    out.times.rows[name] = run()
                    first = time.perf_counter() - started
                    # Repeat as for the others when it is quick; a slow first run is its own median.
                    repeat = first < RDFLIB_REPEAT_BELOW and runs > 1
                    out.times.seconds[name] = median_seconds(run, runs) if repeat else first
                except httpx.TimeoutException:
                    out.times.seconds[name] = timeout
                    out.lower_bounds.append(name)
                    progress(f"  rdflib {name}: stopped after {timeout:.0f} s (a lower bound)")
                    break  # the server is still busy with it: start a fresh one
                except httpx.HTTPStatusError as exc:  # the body says why (rdflib's parser, say)
                    out.times.errors[name] = f"{exc.response.status_code}: {exc.response.text[:300]}"
                    continue
                except httpx.HTTPError as exc:
                    out.times.errors[name] = f"{type(exc).__name__}: {exc!s:.300}"
                    continue
                progress(f"  rdflib {name}: {out.times.seconds[name] * 1000:.0f} ms")
    return out


__all__ = [
    "CLIENTS",
    "RDFLIB_TIMEOUT",
    "PeerRun",
    "bench_http",
    "bench_rdflib",
    "bench_virtuoso",
    "throughput",
    "time_rdflib",
]
