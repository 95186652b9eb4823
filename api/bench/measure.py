"""Measurement helpers for the ``samverkan bench`` commands: time, peak memory, disk size, a result table.

Each benchmark command measures with these and prints a :class:`BenchTable`; the helpers are generic:

- :func:`peak_rss_during` runs a function in this process and samples its resident memory in a thread;
- :func:`run_isolated` runs a function in a fresh process (clean memory, a time cap) and reads that process's
  own peak RSS from ``getrusage``, the more faithful number for "how much memory does this step need";
- :func:`directory_size` is ``du`` for a store directory.

Example:
    >>> table = BenchTable("demo", ["size", "rate"], [[100, format_rate(1234.5)]])
    >>> table.to_dict()["rows"]
    [{'size': 100, 'rate': '1,234/s'}]
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import multiprocessing as mp
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urlsplit

import httpx

from graph.errors import LimitExceededError

PR_SET_PDEATHSIG = 1

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from rich.table import Table

T = TypeVar("T")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]  # where `api` and `graph` are importable
Cell = str | int | float | None


@dataclass(frozen=True)
class Measurement(Generic[T]):
    """What a measured call returned, how long it took and its peak resident memory (bytes)."""

    value: T
    seconds: float
    peak_rss: int


@dataclass
class BenchTable:
    """A benchmark's result: named columns, rows of cells, and notes that say how to read them."""

    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_row(self, *cells: Cell) -> None:
        """Append a row; it must have one cell per column.

        Raises:
            ValueError: the row has the wrong number of cells.
        """
        if len(cells) != len(self.columns):
            msg = f"{self.title}: a row needs {len(self.columns)} cells, got {len(cells)}"
            raise ValueError(msg)
        self.rows.append(list(cells))

    def to_dict(self) -> dict[str, Any]:
        """Return the table as JSON-ready data: rows as objects keyed by column."""
        return {
            "title": self.title,
            "columns": self.columns,
            "rows": [dict(zip(self.columns, row, strict=True)) for row in self.rows],
            "notes": self.notes,
        }

    def to_rich(self) -> Table:
        """Return the table as a ``rich`` table (numbers right-aligned), notes as its caption."""
        from rich.table import Table  # rich only where a table is shown

        table = Table(title=self.title, caption="\n".join(self.notes) or None, caption_justify="left")
        numeric = [
            all(isinstance(r[i], int | float) or r[i] is None for r in self.rows)
            for i in range(len(self.columns))
        ]
        for name, right in zip(self.columns, numeric, strict=True):
            table.add_column(name, justify="right" if right else "left")
        for row in self.rows:
            table.add_row(*(_cell_text(c) for c in row))
        return table


def _cell_text(cell: Cell) -> str:
    if cell is None:
        return "-"
    if isinstance(cell, float):
        return f"{cell:,.2f}"
    if isinstance(cell, int):
        return f"{cell:,}"
    return cell


def current_rss() -> int:
    """Return this process's resident memory now, in bytes (psutil)."""
    import psutil  # a dev dependency, needed only when measuring

    return int(psutil.Process().memory_info().rss)


def peak_rss_during(fn: Callable[[], T], *, interval: float = 0.01) -> Measurement[T]:
    """Call ``fn`` here and sample this process's RSS every ``interval`` seconds; return the peak seen.

    The peak includes what the process held before the call; for a clean number use :func:`run_isolated`.
    """
    import psutil  # a dev dependency, needed only when measuring

    process = psutil.Process()
    peak = int(process.memory_info().rss)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(interval):
            peak = max(peak, int(process.memory_info().rss))

    sampler = threading.Thread(target=sample, name="rss-sampler", daemon=True)
    sampler.start()
    start = time.perf_counter()
    try:
        value = fn()
    finally:
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
    return Measurement(value, seconds, max(peak, int(process.memory_info().rss)))


def max_rss_self() -> int:
    """Return this process's peak resident memory so far, in bytes (``getrusage``)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)  # bytes on macOS, KiB on Linux


def _die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Have the kernel send ``sig`` to this process when its parent dies (Linux; elsewhere nothing).

    A measured import whose bench was stopped otherwise ran on, and its rollback removed files of the store
    of the next bench on the same work dir.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)


def stop_with_parent() -> None:
    """A served process is stopped (SIGTERM: it shuts down its own workers) when its bench dies.

    A bench stopped from outside (SIGTERM, SIGKILL) runs no ``finally``: its server and the server's query
    workers, holding the store's memory copy (13 GB at 10 M triples), otherwise lived on.
    """
    _die_with_parent(signal.SIGTERM)


class WorkDirBusyError(RuntimeError):
    """Another bench holds the work dir."""


@contextmanager
def work_dir_lock(work: Path) -> Iterator[None]:
    """Hold ``work`` for this bench alone (an advisory lock on ``work/.bench.lock``).

    Two benches on one work dir destroy each other's generated files and stores; the second now stops at once.

    Raises:
        WorkDirBusyError: another bench (or a process it started) holds it.
    """
    work.mkdir(parents=True, exist_ok=True)
    lock = (work / ".bench.lock").open("a+", encoding="utf-8")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "another process"
        lock.close()
        msg = (
            f"{work}: another bench is using this work dir ({holder}); wait for it, or give another --workdir"
        )
        raise WorkDirBusyError(msg) from None
    lock.truncate(0)
    lock.write(f"pid {os.getpid()}, since {time.strftime('%H:%M:%S')}")
    lock.flush()
    try:
        yield
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    _die_with_parent()
    try:
        start = time.perf_counter()
        value = fn(*args)
        conn.send(("ok", value, time.perf_counter() - start, max_rss_self()))
    except BaseException as exc:  # handed to the parent, which re-raises
        conn.send(("error", f"{type(exc).__name__}: {exc}", 0.0, max_rss_self()))
    finally:
        conn.close()


def run_isolated(fn: Callable[..., T], *args: Any, timeout: float | None = None) -> Measurement[T]:
    """Call ``fn(*args)`` in a fresh (spawned) process; return its value, time and the process's peak RSS.

    ``fn`` must be a module-level function and its arguments and result picklable. The time is measured
    inside the child, so interpreter start-up is not counted; the peak RSS is the child's own, start-up
    included (about 50-100 MB with pyoxigraph and rdflib imported).

    Raises:
        LimitExceededError: the call ran longer than ``timeout`` seconds (the child is stopped).
        RuntimeError: the call raised in the child (its message is kept).
    """
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, fn, args), name=f"bench-{fn.__name__}")
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            process.terminate()
            msg = f"{fn.__name__} ran longer than {timeout:g} s"
            raise LimitExceededError(msg)
        try:
            status, value, seconds, peak = parent.recv()
        except EOFError as exc:
            msg = f"{fn.__name__}: the measuring process died (exit code {process.exitcode})"
            raise RuntimeError(msg) from exc
    finally:
        process.join(30)
        if process.is_alive():
            process.kill()
            process.join()
        parent.close()
    if status != "ok":
        msg = f"{fn.__name__} failed: {value}"
        raise RuntimeError(msg)
    return Measurement(value, seconds, peak)


def directory_size(path: Path) -> int:
    """Return the bytes that the files under ``path`` occupy (like ``du -s``; apparent sizes)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def format_bytes(n: float | None) -> str:
    """Write a size for a person: ``512 B``, ``1.5 MB``, ``2.3 GB`` (powers of 1000)."""
    if n is None:
        return "-"
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"  # pragma: no cover - unreachable


def format_rate(per_second: float | None, unit: str = "") -> str:
    """Write a rate for a person: ``412,345/s``."""
    if per_second is None:
        return "-"
    return f"{per_second:,.0f}{' ' + unit if unit else ''}/s"


def format_seconds(seconds: float | None) -> str:
    """Write a duration for a person: ``0.42 s``, ``12.3 s``, ``4 min 05 s``."""
    if seconds is None:
        return "-"
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"


def uvicorn_command(port: int, *, python: str | None = None) -> list[str]:
    """The command that serves samverkan's app on 127.0.0.1:``port``, quietly (benchmarks, tests)."""
    return [
        python or sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "api.main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free now (for a server about to start)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, deadline: float, log: IO[bytes]) -> None:
    """Wait for samverkan's ``/health/ready`` at ``url``'s origin: workers forked, memory copy settled.

    Another server (a peer in a benchmark) has no such address (404): it is ready once it answers.
    """
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    while httpx.get(origin + "/health/ready", timeout=10).status_code == 503:
        if time.monotonic() > deadline:
            msg = f"{origin}: the query workers were not ready in time: {_tail(log)}"
            raise RuntimeError(msg)
        time.sleep(0.1)


@contextmanager
def serving(
    args: list[str], *, url: str, env: dict[str, str], wait: float, cwd: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process until the block ends, once ``url`` answers (within ``wait`` seconds); yield it.

    The server's output goes to a temporary file: an access log written into a pipe nobody reads would
    block the server once the pipe is full.

    Raises:
        RuntimeError: the process exited first, or did not answer in time (with the end of its output).
    """
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            args, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, preexec_fn=stop_with_parent
        )
        try:
            deadline = time.monotonic() + wait
            while True:
                if proc.poll() is not None:
                    msg = f"{args[0]} exited with code {proc.returncode}: {_tail(log)}"
                    raise RuntimeError(msg)
                try:
                    httpx.get(url, timeout=2)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        msg = f"{url} did not answer within {wait:.0f} s: {_tail(log)}"
                        raise RuntimeError(msg) from None
                    time.sleep(0.2)
            _wait_ready(url, deadline, log)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def serve_read_only(
    store: Path, *, query_timeout: float, max_results: int, wait: float, warm_pages: bool = True
) -> Iterator[str]:
    """Serve ``store`` with our app, read-only, on a free loopback port; yield its base URL, stop it after.

    ``warm_pages=False`` keeps the pages' background snapshot read from running beside what is timed.

    Raises:
        RuntimeError: the server exits or does not answer within ``wait`` seconds (with its log's tail).
    """
    port = free_port()
    env = {
        **os.environ,
        "SAMVERKAN_STORE": str(store),
        "SAMVERKAN_QUERY_TIMEOUT": f"{query_timeout:g}",
        "SAMVERKAN_MAX_RESULTS": str(max_results),
        "SAMVERKAN_WARM_PAGES": "true" if warm_pages else "false",
    }
    env.pop("SAMVERKAN_TOKEN", None)  # read-only: a benchmark never writes
    base = f"http://127.0.0.1:{port}"
    with serving(uvicorn_command(port), url=base + "/sparql", env=env, wait=wait, cwd=_PROJECT_ROOT):
        yield base


def _tail(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read()[-2000:].decode(errors="replace")


__all__ = [
    "BenchTable",
    "Cell",
    "Measurement",
    "WorkDirBusyError",
    "current_rss",
    "directory_size",
    "format_bytes",
    "format_rate",
    "format_seconds",
    "free_port",
    "max_rss_self",
    "peak_rss_during",
    "run_isolated",
    "serve_read_only",
    "serving",
    "uvicorn_command",
    "work_dir_lock",
]
