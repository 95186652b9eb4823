"""The scale benchmark: import, memory and the named queries on generated data, ours against peers.

For each size: generate N-Quads, load them (rate, peak memory, memory per million triples, each in a fresh
process), then time every named query (median of ``runs``) on the embedded store three ways (in memory,
plain on disk, on disk with the memory mirror), over our HTTP API, through rdflib-endpoint and through a
Virtuoso server, each peer on the same file, one process tree, loopback only; then cheap-query throughput
with 1, 8 and 32 clients. Ratios are computed query by query, then summarised by their geometric mean.
Not a test: it returns tables.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from graph.benchmark import BenchTable, current_rss, run_isolated, serving, uvicorn_command
from graph.queries import NamedQuery, bind_parameters, read_named_queries
from graph.remote import RemoteStore, bind_values
from graph.store import GraphStore
from graph.virtuoso import available as virtuoso_available
from graph.virtuoso import free_port, run_virtuoso

CHEAP_QUERY = "ASK { ?m a sv:Municipality }"
PEER_TIMEOUT = 60.0  # rdflib-endpoint keeps computing after a timeout: it is restarted then
PEER_SCRIPT = """
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


def load_store(data: str, path: str | None) -> tuple[int, int]:
    """Load N-Quads into a new store (in memory for ``None``); return (quads, RSS growth in bytes)."""
    before = current_rss()
    store = GraphStore.open(Path(path) if path else None)
    store.bulk_add(ox.parse(path=data, format=ox.RdfFormat.N_QUADS))
    store.flush()
    n = store.count()
    grown = current_rss() - before
    store.close()
    return n, grown


def _median(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _consume(result: object) -> int:
    if isinstance(result, ox.QueryBoolean):
        return int(bool(result))
    assert isinstance(result, ox.QuerySolutions | ox.QueryTriples) or hasattr(result, "__iter__")
    count = 0
    for _ in result:
        count += 1
    return count


def _geomean(values: list[float]) -> float | None:
    values = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def _throughput(call: Callable[[httpx.Client], object], clients: int, seconds: float = 3.0) -> float:
    count = [0] * clients
    stop = time.monotonic() + seconds

    def work(i: int) -> None:
        with httpx.Client(timeout=30) as c:
            while time.monotonic() < stop:
                call(c)
                count[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(count) / seconds


def bench_size(
    triples: int,
    *,
    work: Path,
    library: dict[str, NamedQuery],
    runs: int,
    seed: int,
    peers: set[str],
    progress: Progress,
) -> dict[str, Any]:
    """Measure one size; return plain data (the CLI turns it into tables)."""
    from graph.generate import actors_for_triples, write_generated

    actors = max(50, actors_for_triples(triples))
    data = work / f"generated-{actors}-{seed}.nq"
    if not data.exists():
        progress(f"generating ~{triples:,} triples ({actors:,} actors) ...")
        write_generated(data, actors=actors, seed=seed)
    disk = work / f"store-{actors}-{seed}"
    if disk.exists():
        import shutil

        shutil.rmtree(disk)
    progress("loading into a disk store (fresh process) ...")
    m_disk = run_isolated(load_store, str(data), str(disk))
    progress("loading into a memory store (fresh process) ...")
    m_mem = run_isolated(load_store, str(data), None)
    n = m_disk.value[0]
    out: dict[str, Any] = {
        "triples": n,
        "import_rate": n / m_disk.seconds,
        "import_seconds": m_disk.seconds,
        "import_peak_rss": m_disk.peak_rss,
        "memory_per_million": m_mem.value[1] / n * 1e6 if n else None,
        "queries": {name: {} for name in library},
        "throughput": {},
    }
    bound = {name: bind_parameters(q, {}) for name, q in library.items()}

    def time_store(label: str, store: GraphStore | RemoteStore) -> None:
        for name, q in library.items():

            def run(q: NamedQuery = q, name: str = name) -> None:
                _consume(store.query(q.sparql, substitutions=bound[name]))

            run()  # warm
            out["queries"][name][label] = _median(run, runs)
            progress(f"  {label:10} {name}: {out['queries'][name][label] * 1000:.1f} ms")

    progress("timing the named queries: memory, disk, mirror ...")
    memory = GraphStore.open(None)
    memory.bulk_add(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
    time_store("memory", memory)
    del memory
    plain = GraphStore.open(disk, read_only=True)
    time_store("disk", plain)
    plain.close()
    mirror = GraphStore.open(disk, read_only=True, mirror=True)
    time_store("mirror", mirror)
    mirror.close()

    if "http" in peers and (Path(__file__).parent.parent / "api" / "main.py").exists():
        _bench_http(out, disk, library, runs, progress)
    if "virtuoso" in peers and virtuoso_available():
        _bench_virtuoso(out, data, work, library, bound, runs, progress)
    if "rdflib" in peers:
        _bench_rdflib(out, data, library, bound, progress)
    return out


def _bench_http(
    out: dict[str, Any], disk: Path, library: dict[str, NamedQuery], runs: int, progress: Progress
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SAMVERKAN_STORE": str(disk),
        "SAMVERKAN_QUERY_TIMEOUT": "300",
        "SAMVERKAN_MAX_RESULTS": "10000000",
    }
    env.pop("SAMVERKAN_TOKEN", None)
    args = uvicorn_command(port)
    progress("timing over our HTTP API ...")
    with serving(args, url=base + "/sparql", env=env, wait=600), httpx.Client(timeout=600) as http:
        for name in library:

            def run(name: str = name) -> None:
                http.get(f"{base}/api/queries/{name}", params={"limit": "10000000"}).raise_for_status()

            run()
            out["queries"][name]["http"] = _median(run, runs)
        for clients in (1, 8, 32):
            out["throughput"][f"http/{clients}"] = _throughput(
                lambda c: c.get(base + "/sparql", params={"query": CHEAP_QUERY}).raise_for_status(), clients
            )


def _bench_virtuoso(
    out: dict[str, Any],
    data: Path,
    work: Path,
    library: dict[str, NamedQuery],
    bound: dict[str, dict[str, ox.NamedNode | ox.Literal]],
    runs: int,
    progress: Progress,
) -> None:
    progress("starting Virtuoso and loading through the graph store protocol ...")
    with run_virtuoso(Path(tempfile.mkdtemp(prefix="virtuoso-", dir=work)), memory_gb=6) as v:
        store = RemoteStore(
            v.query_url,
            update_url=v.update_url,
            graph_store_url=v.graph_store_url,
            user=v.user,
            password=v.password,
            auth_scheme="digest",
            timeout=600,
            chunk_triples=100_000,
        )
        started = time.perf_counter()
        store.bulk_add(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
        seconds = time.perf_counter() - started
        out["virtuoso_import_rate"] = out["triples"] / seconds
        for name, q in library.items():

            def run(q: NamedQuery = q, name: str = name) -> None:
                _consume(store.query(q.sparql, substitutions=bound[name]))

            try:
                run()
                out["queries"][name]["virtuoso"] = _median(run, runs)
            except Exception as exc:  # a peer's failure is a result, not a crash of the benchmark
                out["queries"][name]["virtuoso"] = None
                progress(f"  virtuoso {name}: {exc!s:.200}")
        for clients in (1, 8, 32):
            out["throughput"][f"virtuoso/{clients}"] = _throughput(
                lambda c: c.post(
                    v.query_url,
                    data={
                        "query": "ASK { ?m a <https://w3id.org/samverkan/def#Municipality> }",
                        "default-graph-uri": store_merged(),
                    },
                    headers={"Accept": "application/sparql-results+json"},
                ).raise_for_status(),
                clients,
            )
        store.close()


def store_merged() -> str:
    """The merged graph's IRI, the default graph of a remote store."""
    from graph.remote import MERGED_GRAPH

    return MERGED_GRAPH


def _bench_rdflib(
    out: dict[str, Any],
    data: Path,
    library: dict[str, NamedQuery],
    bound: dict[str, dict[str, ox.NamedNode | ox.Literal]],
    progress: Progress,
) -> None:
    from graph.namespaces import sparql_prefixes

    pending = list(library.items())
    while pending:
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        progress("starting rdflib-endpoint (rdflib parses the file: slow) ...")
        args = [sys.executable, "-c", PEER_SCRIPT, str(data), str(port)]
        with (
            serving(args, url=url, env=dict(os.environ), wait=3600),
            httpx.Client(timeout=PEER_TIMEOUT) as http,
        ):
            while pending:
                name, q = pending.pop(0)
                text = sparql_prefixes() + bind_values(q.sparql, bound[name])

                def run(text: str = text, url: str = url) -> None:
                    http.post(
                        url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}
                    ).raise_for_status()

                try:
                    out["queries"][name]["rdflib"] = _median(run, 1)
                except httpx.TimeoutException:
                    out["queries"][name]["rdflib"] = PEER_TIMEOUT  # a lower bound
                    progress(f"  rdflib {name}: timed out after {PEER_TIMEOUT:.0f} s (a lower bound)")
                    break  # the server is still busy with it: start a fresh one
                progress(f"  rdflib {name}: {out['queries'][name]['rdflib'] * 1000:.0f} ms")


def tables(results: list[dict[str, Any]]) -> list[BenchTable]:
    """Turn the measurements into tables: per size, import and memory; per query and backend; ratios."""
    summary = BenchTable(
        "Import and memory",
        ["triples", "import/s", "import peak MB", "MB per M triples", "virtuoso import/s"],
    )
    ratios = BenchTable(
        "Ratios (geometric mean over the named queries, pair by pair)",
        [
            "triples",
            "disk/memory",
            "mirror/memory",
            "http/mirror",
            "rdflib/mirror",
            "rdflib/http",
            "virtuoso/mirror",
            "mix median mirror s",
            "mix max mirror s",
        ],
    )
    per_query = BenchTable(
        "Named queries, median seconds",
        ["triples", "query", "memory", "disk", "mirror", "http", "virtuoso", "rdflib"],
    )
    tput = BenchTable("Cheap-query throughput (queries/s)", ["triples", "server", "1", "8", "32"])
    for r in results:
        n = r["triples"]
        mem = r["memory_per_million"]
        summary.add_row(
            n,
            round(r["import_rate"]),
            round(r["import_peak_rss"] / 1e6),
            round(mem / 1e6) if mem else None,
            round(r["virtuoso_import_rate"]) if "virtuoso_import_rate" in r else None,
        )
        q = r["queries"]

        def ratio(a: str, b: str, q: dict[str, Any] = q) -> float | None:
            g = _geomean([t[a] / t[b] for t in q.values() if t.get(a) and t.get(b)])
            return round(g, 2) if g else None

        mirror_times = [t["mirror"] for t in q.values()]
        ratios.add_row(
            n,
            ratio("disk", "memory"),
            ratio("mirror", "memory"),
            ratio("http", "mirror"),
            ratio("rdflib", "mirror"),
            ratio("rdflib", "http"),
            ratio("virtuoso", "mirror"),
            round(statistics.median(mirror_times), 4),
            round(max(mirror_times), 4),
        )
        for name, t in q.items():
            per_query.add_row(
                n,
                name,
                *(
                    round(t[k], 4) if t.get(k) is not None else None
                    for k in ("memory", "disk", "mirror", "http", "virtuoso", "rdflib")
                ),
            )
        for server in ("http", "virtuoso"):
            if f"{server}/1" in r["throughput"]:
                tput.add_row(n, server, *(round(r["throughput"][f"{server}/{c}"]) for c in (1, 8, 32)))
    return [summary, ratios, per_query, tput]


def run_scale_bench(
    sizes: list[int],
    *,
    queries_dir: Path,
    work: Path | None,
    runs: int,
    seed: int,
    peers: set[str],
    progress: Progress,
) -> list[dict[str, Any]]:
    """Run every size in turn; return one result per size."""
    library = read_named_queries(queries_dir)
    base = work or Path(tempfile.mkdtemp(prefix="samverkan-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    return [
        bench_size(n, work=base, library=library, runs=runs, seed=seed, peers=peers, progress=progress)
        for n in sizes
    ]


__all__ = ["load_store", "run_scale_bench", "tables"]
