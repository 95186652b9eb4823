"""The API benchmark: named queries in process, over HTTP and through rdflib-endpoint, on the same data.

Not a test: it prints a table. Both servers run as separate processes on 127.0.0.1.
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

import httpx
import pyoxigraph as ox

from api.bench.measure import free_port, serve_read_only, serving
from api.settings import PROJECT_ROOT, get_settings
from graph.namespaces import sparql_prefixes
from graph.queries.library import NamedQuery, bind_parameters, read_named_queries
from graph.store.embedded import GraphStore

PEER_TIMEOUT = 120.0
CHEAP_QUERY = "ASK { ?m a sv:Municipality }"
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


def peer_text(query: NamedQuery, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Rewrite a named query for an endpoint without substitutions: prefixes, then a trailing VALUES clause.

    A trailing VALUES joins with the query's result, as Oxigraph's substitutions do; terms are written in
    their N-Triples form by pyoxigraph.
    """
    text = sparql_prefixes() + query.sparql
    if bindings:
        names = " ".join(f"?{n}" for n in bindings)
        terms = " ".join(str(t) for t in bindings.values())
        text += f"\nVALUES ({names}) {{ ({terms}) }}\n"
    return text


def _median(action: Callable[[], object], runs: int, *, enough: float = 5.0) -> float:
    """Median of ``runs`` timings; one run only when it alone takes longer than ``enough`` seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
        if times[-1] > enough:
            break
    return statistics.median(times)


def _throughput(url: str, params: dict[str, str], clients: int, seconds: float = 3.0) -> float:
    count = [0] * clients
    stop = time.monotonic() + seconds

    def work(i: int) -> None:
        with httpx.Client(timeout=30) as c:
            while time.monotonic() < stop:
                c.get(url, params=params).raise_for_status()
                count[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(count) / seconds


def run_api_bench(*, actors: int, seed: int, runs: int, work_dir: Path | None, peer: bool) -> None:
    """Generate, load, serve and time; print one row per named query, then ratios and throughput."""
    from graph.synthetic.generate import write_generated

    settings = get_settings()
    library = read_named_queries(settings.queries_dir)
    base = work_dir or Path(tempfile.mkdtemp(prefix="samverkan-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    data, store_dir = base / f"generated-{actors}-{seed}.nq", base / f"store-{actors}-{seed}"
    if not data.exists():
        print(f"generating {actors} actors into {data} ...", flush=True)
        report = write_generated(data, actors=actors, seed=seed)
        print(f"  {report.triples} triples in {report.seconds:.1f} s", flush=True)
    if not store_dir.exists():
        gs = GraphStore.open(store_dir)
        gs.bulk_add(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
        gs.close()
    local = GraphStore.open(store_dir, read_only=True, mirror=True)  # as the server opens it
    triples = local.count()
    print(f"store: {triples} quads; machine: {os.cpu_count()} cores", flush=True)

    rows: list[tuple[str, float, float, float | None]] = []
    with (
        serve_read_only(store_dir, query_timeout=300, max_results=1_000_000, wait=900) as ours,
        httpx.Client(timeout=600) as http,
    ):
        for name, query in library.items():
            bindings = bind_parameters(query, {})

            def in_process(q: NamedQuery = query, b: dict[str, ox.NamedNode | ox.Literal] = bindings) -> None:
                result = local.query(q.sparql, substitutions=b)
                list(result) if not isinstance(result, ox.QueryBoolean) else bool(result)

            def over_http(n: str = name) -> None:
                http.get(f"{ours}/api/queries/{n}", params={"limit": "1000000"}).raise_for_status()

            in_process()
            over_http()  # warm both
            rows.append((name, _median(in_process, runs), _median(over_http, runs), None))
            print(
                f"  {name}: in-process {rows[-1][1] * 1000:.1f} ms, HTTP {rows[-1][2] * 1000:.1f} ms",
                flush=True,
            )
        cheap = {"query": CHEAP_QUERY}
        tput = {n: _throughput(ours + "/sparql", cheap, n) for n in (1, 8)}

    if peer:
        print("starting rdflib-endpoint (loading the data into rdflib takes minutes) ...", flush=True)
        pending = list(range(len(rows)))
        while pending:  # a timed-out query keeps the peer busy: restart it before the next query
            peer_port = free_port()
            peer_url = f"http://127.0.0.1:{peer_port}/"
            script = [sys.executable, "-c", PEER_SCRIPT, str(data), str(peer_port)]
            with (
                serving(script, url=peer_url, env=dict(os.environ), wait=1800, cwd=PROJECT_ROOT),
                httpx.Client(timeout=PEER_TIMEOUT) as http,
            ):
                while pending:
                    i = pending.pop(0)
                    name, inproc, over, _ = rows[i]
                    text = peer_text(library[name], bind_parameters(library[name], {}))

                    def through_peer(t: str = text, url: str = peer_url) -> None:
                        http.post(
                            url, data={"query": t}, headers={"Accept": "application/sparql-results+json"}
                        ).raise_for_status()

                    try:
                        seconds = _median(through_peer, max(1, min(runs, 3)))
                        timed_out = False
                    except httpx.TimeoutException:
                        seconds, timed_out = PEER_TIMEOUT, True  # a lower bound: the ratio is at least this
                    rows[i] = (name, inproc, over, seconds)
                    print(
                        f"  {name}: rdflib-endpoint {'>' if timed_out else ''}{seconds * 1000:.1f} ms",
                        flush=True,
                    )
                    if timed_out:
                        break
    _print_table(rows, tput, triples)


def _print_table(
    rows: list[tuple[str, float, float, float | None]], tput: dict[int, float], triples: int
) -> None:
    print(f"\nNamed queries on {triples} quads, median ms ({os.cpu_count()} cores)")
    head = f"{'query':38} {'in-process':>11} {'HTTP':>9} {'HTTP +%':>8} {'rdflib-ep':>10} {'peer/HTTP':>10}"
    print(head)
    print("-" * len(head))
    ratios, overheads = [], []
    for name, inproc, over, peer in rows:
        extra = (over - inproc) / inproc * 100 if inproc > 0 else 0.0
        if inproc >= 0.010:
            overheads.append(extra)
        ratio = peer / over if peer is not None and over > 0 else None
        if ratio is not None:
            ratios.append(ratio)
        print(
            f"{name:38} {inproc * 1000:11.1f} {over * 1000:9.1f} {extra:8.0f} "
            f"{'' if peer is None else f'{peer * 1000:10.1f}':>10} "
            f"{'' if ratio is None else f'{ratio:10.1f}x':>10}"
        )
    if ratios:
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(
            f"\ngeometric mean of per-query ratios (rdflib-endpoint / ours over HTTP): {geo:.1f}x"
            " (target >= 30x)"
        )
    if overheads:
        print(f"HTTP overhead on queries over 10 ms: max {max(overheads):.0f}% (target <= 30%)")
    print(
        f"cheap-query throughput ({CHEAP_QUERY!r} over HTTP): "
        f"1 client {tput[1]:.0f}/s, 8 clients {tput[8]:.0f}/s"
    )


__all__ = ["peer_text", "run_api_bench"]
