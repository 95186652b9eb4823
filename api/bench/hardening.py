"""The hardening benchmark: what the query workers cost and what they buy, in one run on one machine.

Not a test: it prints a table with a target per row (issue 17). A generated store is served by a real
``samverkan serve`` process (uvicorn) on 127.0.0.1; Virtuoso, if installed, serves the same data for the
throughput row.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pyoxigraph as ox

from api.bench.measure import free_port, uvicorn_command
from api.settings import PROJECT_ROOT, get_settings
from graph.queries.library import bind_parameters, read_named_queries
from graph.store.embedded import GraphStore, load_mirror

CHEAP = "ASK { ?m a sv:Municipality }"
# A join that streams into COUNT: CPU until it is stopped, at any size.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HEAVY_LIMIT = 4.0


@dataclass
class Row:
    """One measurement, its target and whether it was met."""

    what: str
    value: str
    target: str
    met: bool | None


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def prepare_store(actors: int, seed: int, work_dir: Path) -> tuple[Path, Path]:
    """Generate the data (once) and bulk-load it into a store (once); return both paths."""
    from graph.synthetic.generate import write_generated

    data, store = work_dir / f"generated-{actors}-{seed}.nq", work_dir / f"store-{actors}-{seed}"
    if not data.exists():
        print(f"generating {actors} actors into {data} ...", flush=True)
        write_generated(data, actors=actors, seed=seed)
    if not store.exists():
        print(f"loading {data} into {store} ...", flush=True)
        gs = GraphStore.open(store)
        gs.bulk_add(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
        gs.close()
    return data, store


@contextmanager
def serve(store: Path, log: Path, **settings: str) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """Start a server on ``store``; yield its URL, process and seconds to its first answer to a query.

    ``settings`` are extra SAMVERKAN_ settings, without the prefix.
    """
    port = free_port()
    env = {**os.environ, "SAMVERKAN_STORE": str(store), "SAMVERKAN_QUERY_TIMEOUT": str(HEAVY_LIMIT)}
    env.update({f"SAMVERKAN_{k}": v for k, v in settings.items()})
    env["SAMVERKAN_MAX_RESULTS"] = "1000000"
    env.pop("SAMVERKAN_TOKEN", None)
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(uvicorn_command(port), env=env, cwd=PROJECT_ROOT, stdout=out, stderr=out)
        try:
            while True:
                if proc.poll() is not None:
                    msg = f"the server exited ({proc.returncode}); see {log}"
                    raise RuntimeError(msg)
                try:
                    if httpx.get(base + "/sparql", params={"query": CHEAP}, timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.02)
            yield base, proc, time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def wait_for_memory(base: str, *, wait: float) -> float | None:
    """Poll ``/health`` until the memory copy serves; seconds waited, or None if it did not in ``wait``."""
    started = time.perf_counter()
    while time.perf_counter() - started < wait:
        if httpx.get(base + "/health", timeout=10).json().get("engine") == "memory":
            return time.perf_counter() - started
        time.sleep(0.25)
    return None


def latencies(url: str, params: dict[str, str], n: int) -> list[float]:
    """Time ``n`` sequential GETs (one client, one connection)."""
    times = []
    with httpx.Client(timeout=60) as http:
        for _ in range(n):
            t = time.perf_counter()
            http.get(url, params=params).raise_for_status()
            times.append(time.perf_counter() - t)
    return times


def throughput(url: str, params: dict[str, str], clients: int, seconds: float = 4.0) -> float:
    """Answers per second with ``clients`` concurrent clients, each one request at a time."""
    counts = [0] * clients
    stop = time.monotonic() + seconds

    def work(i: int) -> None:
        with httpx.Client(timeout=60) as http:
            while time.monotonic() < stop:
                http.get(url, params=params).raise_for_status()
                counts[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def tree_cpu(proc: psutil.Process, seconds: float = 1.0) -> float:
    """Share of one core the process and all its descendants used over the next ``seconds``.

    Per process: a process that ends meanwhile (a killed worker) counts for what it had used when last seen;
    one that starts meanwhile counts whole.
    """

    def snapshot() -> dict[int, float]:
        used = {}
        for p in [proc, *proc.children(recursive=True)]:
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            used[p.pid] = t.user + t.system
        return used

    before = snapshot()
    time.sleep(seconds)
    after = snapshot()
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items()) / seconds


def median_of(action: Callable[[], object], runs: int) -> float:
    """Median seconds of ``runs`` calls (one warm-up call first)."""
    action()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        action()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run_hardening_bench(*, actors: int, seed: int, work_dir: Path | None, virtuoso: bool) -> list[Row]:
    """Measure every row of issue 17's targets and return them (the command prints them)."""
    base_dir = work_dir or Path(tempfile.mkdtemp(prefix="samverkan-hardening-"))
    base_dir.mkdir(parents=True, exist_ok=True)
    data, store = prepare_store(actors, seed, base_dir)
    library = read_named_queries(get_settings().queries_dir)
    rows: list[Row] = []
    # The same server evaluating in threads on the disk store, without any copy: start-up without the store,
    # and the HTTP stack's own cost on a cheap query.
    with serve(store, base_dir / "server-floor.log", QUERY_WORKERS="0", MEMORY_COPY="false") as (
        url,
        _,
        floor,
    ):
        threads_http = statistics.median(latencies(url + "/sparql", {"query": CHEAP}, 300))
    with serve(store, base_dir / "server.log") as (base, proc, first):
        engine = httpx.get(base + "/health", timeout=10).json().get("engine")
        rows.append(Row(f"first answer after start ({engine})", f"{first:.2f} s", "< 2 s", first < 2))
        rows.append(Row("  the same without workers or copy (imports)", f"{floor:.2f} s", "", None))
        ready = wait_for_memory(base, wait=900)
        rows.append(Row("memory copy serving after", "-" if ready is None else f"+{ready:.1f} s", "", None))
        sparql = base + "/sparql"
        cheap = {"query": CHEAP}

        calm = latencies(sparql, cheap, 300)
        statuses: list[int] = []

        def one_heavy() -> None:
            with httpx.Client(timeout=60) as http:
                statuses.append(http.get(sparql, params={"query": HEAVY}).status_code)

        heavies = [threading.Thread(target=one_heavy) for _ in range(8)]
        for t in heavies:
            t.start()
        time.sleep(0.5)  # the heavy queries are running (and demoted)
        loaded: list[float] = []
        with httpx.Client(timeout=60) as http:
            while any(t.is_alive() for t in heavies) and len(loaded) < 2000:
                t0 = time.perf_counter()
                http.get(sparql, params=cheap).raise_for_status()
                loaded.append(time.perf_counter() - t0)
        for t in heavies:
            t.join()
        cpu = tree_cpu(psutil.Process(proc.pid), 1.0)  # the second after the limit passed
        p50, p99 = percentile(calm, 0.5), percentile(calm, 0.99)
        l50, l99 = percentile(loaded, 0.5), percentile(loaded, 0.99)
        rows.append(
            Row(
                "cheap query p50 / p99, nothing else running",
                f"{p50 * 1e3:.2f} / {p99 * 1e3:.2f} ms",
                "",
                None,
            )
        )
        rows.append(
            Row(
                f"cheap query p50 / p99, 8 heavy running ({len(loaded)} queries)",
                f"{l50 * 1e3:.2f} / {l99 * 1e3:.2f} ms (p99 {l99 / p99:.1f}x)",
                "p99 <= 2x",
                l99 <= 2 * p99,
            )
        )
        rows.append(
            Row(
                "heavy queries answered",
                ", ".join(sorted({str(s) for s in statuses})),
                "503",
                set(statuses) == {503},
            )
        )
        rows.append(
            Row(
                "CPU of the server's tree 1 s after their limit",
                f"{cpu * 100:.1f} % of a core",
                "< 5 %",
                cpu < 0.05,
            )
        )

        print("loading the memory copy in this process for the in-process baseline ...", flush=True)
        local = load_mirror(ox.Store.read_only(str(store)))
        from graph.namespaces import PREFIXES

        in_process = median_of(lambda: bool(local.query(CHEAP, prefixes=PREFIXES)), 300)
        over_http = statistics.median(calm)
        rows.append(
            Row(
                "cheap query median: HTTP vs in-process",
                f"{over_http * 1e3:.2f} vs {in_process * 1e3:.3f} ms"
                f" (+{(over_http - in_process) * 1e3:.2f} ms)",
                "<= 1 ms added",
                over_http - in_process <= 0.001,
            )
        )
        rows.append(
            Row("  the same over HTTP, threads instead of workers", f"{threads_http * 1e3:.2f} ms", "", None)
        )
        ours = throughput(sparql, cheap, 8)
        mix_local = mix_http = 0.0
        with httpx.Client(timeout=600) as http:
            for name, query in library.items():
                bindings = bind_parameters(query, {})
                gs = GraphStore(local, path=None, read_only=True)

                def here(q=query, b=bindings, g=gs) -> None:  # type: ignore[no-untyped-def]
                    r = g.query(q.sparql, substitutions=b)
                    list(r) if not isinstance(r, ox.QueryBoolean) else bool(r)

                def there(n=name) -> None:  # type: ignore[no-untyped-def]
                    http.get(f"{base}/api/queries/{n}", params={"limit": "1000000"}).raise_for_status()

                mix_local += median_of(here, 3)
                mix_http += median_of(there, 3)
        rows.append(
            Row(
                "named-query mix: HTTP vs in-process (sum of medians)",
                f"{mix_http:.2f} vs {mix_local:.2f} s ({mix_http / mix_local:.2f}x)",
                "<= 1.3x",
                mix_http / mix_local <= 1.3,
            )
        )
    theirs = virtuoso_throughput(data, base_dir) if virtuoso else None
    rows.append(
        Row(
            "cheap ASK throughput, 8 clients: samverkan vs Virtuoso",
            f"{ours:.0f} vs {'-' if theirs is None else f'{theirs:.0f}'} /s",
            ">= Virtuoso",
            None if theirs is None else ours >= theirs,
        )
    )
    return rows


def virtuoso_throughput(data: Path, work_dir: Path) -> float | None:
    """Cheap ASK throughput of Virtuoso on the same data with 8 clients; None if Virtuoso is not installed."""
    from api.bench.virtuoso import available, run_virtuoso
    from graph.namespaces import sparql_prefixes

    if not available():
        return None
    print("starting Virtuoso and loading the data ...", flush=True)
    with run_virtuoso(work_dir / "virtuoso") as server:
        with server.connect() as remote:
            remote.bulk_add(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
        query = sparql_prefixes() + CHEAP
        return throughput(server.query_url, {"query": query}, 8)


__all__ = ["Row", "run_hardening_bench"]
