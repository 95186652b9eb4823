"""Timing one set of queries on each system, every query capped: samverkan over HTTP, pyoxigraph, Virtuoso.

(rdflib-endpoint: :func:`api.bench.scale.peers.time_rdflib`.) Each query runs once as a warm-up (its rows
counted), then ``runs`` times for the median; a warm-up of ``SLOW`` seconds or more is its own time. A query
that passes the cap is stopped where the system allows it (samverkan's time limit, Virtuoso's, a fresh
pyoxigraph process) and listed in ``lower_bounds`` with the cap as its time.
"""

from __future__ import annotations

import multiprocessing as mp
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pyoxigraph as ox

from api.bench.measure import serve_read_only
from api.bench.scale.peers import PeerRun
from api.bench.scale.timing import count_rows, median_seconds
from api.bench.virtuoso import run_virtuoso
from graph.errors import LimitExceededError
from graph.namespaces import PREFIXES

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

SLOW = 10.0
READY_WAIT = 3600.0  # the memory copy of 10 M triples takes minutes to load
Progress = Callable[[str], None]
Calls = dict[str, dict[str, str]]  # named query -> parameter values as text


def timed(run: Callable[[], int], runs: int) -> tuple[int, float]:
    """Warm up (counting rows), then the median of ``runs`` runs; a slow warm-up is its own time."""
    started = time.perf_counter()
    rows = run()
    first = time.perf_counter() - started
    return rows, (median_seconds(run, runs) if first < SLOW else first)


@contextmanager
def serve_samverkan(disk: Path, *, cap: float, progress: Progress) -> Iterator[tuple[str, str]]:
    """Serve the store with our API as deployed; yield its URL and engine once it is ready.

    Waits for ``/health/ready``: until the memory copy has loaded, the disk store answers (slower); then
    for the name index, as a served store has it a minute after it is ready (10 M triples).

    Raises:
        RuntimeError: the server did not start or become ready in time.
    """
    progress("starting samverkan over HTTP and waiting for its memory copy ...")
    # no page snapshot read in the background: at 10 M it would run beside the timed questions
    with serve_read_only(
        disk, query_timeout=cap, max_results=10_000_000, wait=1800, warm_pages=False
    ) as base:
        deadline = time.monotonic() + READY_WAIT
        while httpx.get(base + "/health/ready", timeout=30).status_code != 200:
            if time.monotonic() > deadline:
                msg = f"{base}: not ready within {READY_WAIT:.0f} s"
                raise RuntimeError(msg)
            time.sleep(1)
        progress("waiting for the name index of the label search (read after the memory copy) ...")
        while not _names_read(health := httpx.get(base + "/health", timeout=30).json()):
            if time.monotonic() > deadline:
                msg = f"{base}: the name index was not read within {READY_WAIT:.0f} s"
                raise RuntimeError(msg)
            time.sleep(1)
        engine = str(health.get("engine", "?"))
        yield base, engine


def _names_read(health: dict[str, object]) -> bool:
    """Whether the server's name index is read (or it has none: a server backend, or no FTS5 here)."""
    names = health.get("name_index")
    return not isinstance(names, dict) or bool(names.get("current") or names.get("unavailable"))


def time_named_queries_http(
    base: str, calls: Calls, *, runs: int, cap: float, progress: Progress, page: int | None = None
) -> PeerRun:
    """Time each named query through ``/api/queries/NAME``: every row in one page, or the first ``page``."""
    out = PeerRun()
    limit = str(page or 10_000_000)
    with httpx.Client(timeout=cap + 60) as http:
        for name, values in calls.items():

            def run(name: str = name, values: dict[str, str] = values) -> int:
                response = http.get(f"{base}/api/queries/{name}", params={**values, "limit": limit})
                if response.status_code == 503:
                    raise LimitExceededError(response.text[:300])
                if response.status_code >= 400:  # the body says why (a refused value, a failed query)
                    msg = f"{response.status_code}: {response.text[:300]}"
                    raise RuntimeError(msg)
                if response.headers.get("X-Samverkan-Truncated"):
                    msg = f"truncated: {response.headers['X-Samverkan-Truncated']}"
                    raise RuntimeError(msg)
                return len(response.json()["rows"])

            _time_one(out, name, run, runs=runs, cap=cap, progress=progress, label="samverkan")
    return out


def _time_one(
    out: PeerRun,
    name: str,
    run: Callable[[], int],
    *,
    runs: int,
    cap: float,
    progress: Progress,
    label: str,
) -> None:
    try:
        out.times.rows[name], out.times.seconds[name] = timed(run, runs)
    except (LimitExceededError, httpx.TimeoutException):
        out.times.seconds[name] = cap
        out.lower_bounds.append(name)
        progress(f"  {label} {name}: stopped at the cap ({cap:.0f} s)")
        return
    except Exception as exc:  # a failing query is a result, stated in the table
        out.times.errors[name] = f"{type(exc).__name__}: {exc!s:.300}"
        progress(f"  {label} {name}: failed: {out.times.errors[name]}")
        return
    progress(f"  {label} {name}: {out.times.seconds[name] * 1000:,.0f} ms, {out.times.rows[name]:,} rows")


def _oxigraph_child(conn: Connection, data: str, texts: list[tuple[str, str]], runs: int) -> None:
    """In a fresh process: load the file into an in-memory pyoxigraph store, then time each text in turn.

    Sends ``("loaded", seconds)``, then per text ``("first", name, rows, seconds)`` after its warm-up and
    ``("done", name, seconds)`` after its runs, or ``("error", name, message)``.
    """
    store = ox.Store()
    started = time.perf_counter()
    store.bulk_extend(ox.parse(path=data, format=ox.RdfFormat.N_QUADS))
    conn.send(("loaded", time.perf_counter() - started))
    for name, text in texts:

        def run(text: str = text) -> int:
            return count_rows(store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True))

        try:
            started = time.perf_counter()
            rows = run()
            first = time.perf_counter() - started
            conn.send(("first", name, rows, first))
            conn.send(("done", name, median_seconds(run, runs) if first < SLOW else first))
        except Exception as exc:  # reported to the parent, which goes on with the next text
            conn.send(("error", name, f"{type(exc).__name__}: {exc!s:.300}"))
    conn.close()


def time_pyoxigraph(
    data: Path, texts: dict[str, str], *, runs: int, cap: float, progress: Progress
) -> PeerRun:
    """Time each text on an in-memory pyoxigraph store in a fresh process (the engine alone, no server).

    The default graph is the union of the file's graphs. Oxigraph cannot stop a query: one past the cap
    ends its process, and a fresh one loads the file again for the texts left.
    """
    out = PeerRun()
    pending = list(texts.items())
    ctx = mp.get_context("spawn")
    while pending:
        progress("loading the file into pyoxigraph (fresh process) ...")
        parent, child = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_oxigraph_child, args=(child, str(data), pending, runs))
        process.start()
        child.close()
        try:
            message = _receive(parent, 3600.0)
            out.facts.setdefault("load_seconds", float(message[1]))
            while pending:
                name, _ = pending.pop(0)
                try:
                    message = _receive(parent, cap)
                except LimitExceededError:
                    out.times.seconds[name] = cap
                    out.lower_bounds.append(name)
                    progress(f"  pyoxigraph {name}: stopped at the cap ({cap:.0f} s)")
                    break  # the process is busy with it: a fresh one takes the rest
                if message[0] == "error":
                    out.times.errors[name] = str(message[2])
                    continue
                out.times.rows[name] = int(message[2])
                out.times.seconds[name] = float(_receive(parent, None)[2])
                progress(f"  pyoxigraph {name}: {out.times.seconds[name] * 1000:,.0f} ms")
        finally:
            process.kill()
            process.join()
            parent.close()
    return out


def _receive(conn: Connection, timeout: float | None) -> tuple[Any, ...]:
    if not conn.poll(timeout):
        msg = f"no answer within {timeout} s"
        raise LimitExceededError(msg)
    try:
        message: tuple[Any, ...] = conn.recv()
    except EOFError as exc:
        msg = "the pyoxigraph process died (out of memory?)"
        raise RuntimeError(msg) from exc
    return message


def time_virtuoso(
    data: Path,
    work: Path,
    texts: dict[str, str],
    *,
    runs: int,
    cap: float,
    memory_gb: float,
    progress: Progress,
) -> PeerRun:
    """Start Virtuoso, load the file through the graph store protocol, time each text with its time limit."""
    out = PeerRun()
    progress("starting Virtuoso and loading through the graph store protocol ...")
    with run_virtuoso(Path(tempfile.mkdtemp(prefix="virtuoso-", dir=work)), memory_gb=memory_gb) as v:
        store = v.connect(timeout=cap + 60, chunk_triples=100_000)
        try:
            started = time.perf_counter()
            store.bulk_add(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
            out.facts["load_seconds"] = time.perf_counter() - started
            for name, text in texts.items():

                def run(text: str = text) -> int:
                    return count_rows(store.query(text, time_limit=cap))

                _time_one(out, name, run, runs=runs, cap=cap, progress=progress, label="virtuoso")
        finally:
            store.close()
    return out


__all__ = [
    "SLOW",
    "Calls",
    "serve_samverkan",
    "time_named_queries_http",
    "time_pyoxigraph",
    "time_virtuoso",
    "timed",
]
