"""A zygote: a small single-threaded process that forks query workers, and the workers' own loop.

Run as ``python -m api.workers.zygote CONFIG`` by the pool (api/workers/pool.py), never by hand. Two modes:

- ``disk``: holds nothing; each worker opens the on-disk store read-only after it is forked, so it sees every
  write committed before the fork. Ready in well under a second, so the server answers at once.
- ``memory``: loads the whole store into memory once (tens of seconds at a million triples), then forks
  workers that share that copy page by page (copy-on-write). The server sends it every committed write,
  which it applies to its copy before it forks the next worker.

Why a zygote rather than forking the server: the server is multi-threaded (uvicorn, RocksDB, the thread
pool), and a fork copies whatever locks those threads hold. The zygote has one thread, so a fork is clean
(about 2 ms), and a worker can enter a new network namespace, which needs a single-threaded process.

Control messages are JSON over a SOCK_SEQPACKET socket; a new worker's socket goes to the server with
SCM_RIGHTS. The zygote reaps its workers and reports how each ended (signal, exit code, end of its stderr), so
the server can say why a query crashed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import selectors
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from api.engine import Request, evaluate, plain_page, results_json, serialise_as
from api.workers.sandbox import confine
from api.workers.wire import recv_json, send_frame, send_json
from graph.errors import LimitExceededError, QueryError
from graph.namespaces import PREFIXES
from graph.store.embedded import GraphStore, load_mirror, open_read_only

PR_SET_PDEATHSIG = 1
STDERR_TAIL = 4096


class Zygote:
    """The zygote's state: its mode, its copy of the store (memory mode), its living workers."""

    def __init__(
        self,
        control: socket.socket,
        *,
        mode: str,
        path: Path,
        memory_allowance: int | None,
        memory_reserve: int | None = None,
    ) -> None:
        self.control = control
        self.mode = mode
        self.path = path
        self.memory_allowance = memory_allowance
        # What the workers may take beside the copy: the pool says; else one busy worker's allowance, and some
        default_reserve = (1 << 30) + (memory_allowance or 0)
        self.memory_reserve = memory_reserve if memory_reserve is not None else default_reserve
        self.memory: ox.Store | None = None
        self.stderr: dict[int, tuple[int, bytearray]] = {}  # pid -> (read end of its stderr, its tail)
        self.selector = selectors.DefaultSelector()

    def start(self) -> None:
        """Load the copy (memory mode) and say so."""
        if self.mode == "memory":
            # Started (imports done); the server holds its write lock from here until "opened", so that
            # exactly the writes after this snapshot are sent to us. Python's start-up is not under that lock.
            self.report({"event": "started"})
            if not self.control.recv(1 << 16):
                sys.exit(0)
            started = time.perf_counter()
            disk = open_read_only(self.path)
            self.report({"event": "opened"})  # from here on the server queues its writes for this copy
            self.memory = load_mirror(disk, before_load=self.check_fits)
            del disk
            self.report(
                {"event": "ready", "seconds": time.perf_counter() - started, "quads": len(self.memory)}
            )
        else:
            self.report({"event": "ready", "seconds": 0.0, "quads": None})

    def check_fits(self, dump_bytes: int) -> None:
        """Give up the memory copy (before loading it) when it would not fit in the memory available.

        Raises:
            RuntimeError: saying what it would take and what there is; the server stays on the disk store.
        """
        needed = int(dump_bytes * MIRROR_BYTES_PER_DUMP_BYTE)
        reserve = self.memory_reserve
        available = available_memory()
        if available is not None and needed > available - reserve:
            gib = 1 << 30
            msg = (
                f"the memory copy would take about {needed / gib:.1f} GiB ({dump_bytes / gib:.1f} GiB of"
                f" N-Quads x {MIRROR_BYTES_PER_DUMP_BYTE}) and {available / gib:.1f} GiB are available, of"
                f" which {reserve / gib:.1f} GiB are kept for the query workers: queries stay on the disk"
                " store (SAMVERKAN_MEMORY_COPY=false skips the attempt)"
            )
            raise RuntimeError(msg)

    def report(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        """Send one message to the server."""
        data = json.dumps(message).encode()
        if fds:
            socket.send_fds(self.control, [data], fds)
        else:
            self.control.send(data)

    def serve(self) -> None:
        """Answer the server's commands until it closes the control socket; then end every worker."""
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.selector.register(self.control, selectors.EVENT_READ, "control")
        self.selector.register(wake_r, selectors.EVENT_READ, "child")
        self.wake = (wake_r, wake_w)
        try:
            while True:
                for key, _ in self.selector.select():
                    if key.data == "control":
                        message = self.control.recv(1 << 16)
                        if not message:
                            return
                        self.command(json.loads(message))
                    elif key.data == "child":
                        with contextlib.suppress(BlockingIOError):
                            os.read(wake_r, 512)
                        self.reap()
                    else:
                        self.read_stderr(key.data)
        finally:
            for pid in list(self.stderr):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def command(self, message: dict[str, Any]) -> None:
        """Do one command of the server: fork a worker, or apply a committed write to the copy."""
        op = message["op"]
        if op == "spawn":
            self.spawn(message["generation"])
        elif op in ("update", "load"):
            error = None
            try:
                self.apply(op, Path(message["file"]))
            except Exception as exc:  # the server drops this copy and reloads: say why
                error = f"{type(exc).__name__}: {exc}"
            self.report({"event": "applied", "seq": message["seq"], "error": error})

    def apply(self, op: str, file: Path) -> None:
        """Apply a write the disk has committed to the memory copy."""
        assert self.memory is not None
        if op == "update":
            self.memory.update(file.read_text(encoding="utf-8"), prefixes=PREFIXES)
        else:
            self.memory.extend(ox.parse(path=str(file), format=ox.RdfFormat.N_QUADS))

    def spawn(self, generation: int) -> None:
        """Fork one worker; hand the server its end of the worker's socket."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        err_r, err_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            try:
                keep = {theirs.fileno(), err_w}
                _close_fds_except(keep)
                os.dup2(err_w, 2)
                os.dup2(err_w, 1)
                run_worker(
                    theirs,
                    mode=self.mode,
                    path=self.path,
                    memory=self.memory,
                    allowance=self.memory_allowance,
                )
            finally:
                os._exit(70)
        theirs.close()
        os.close(err_w)
        self.stderr[pid] = (err_r, bytearray())
        os.set_blocking(err_r, False)
        self.selector.register(err_r, selectors.EVENT_READ, pid)
        self.report({"event": "worker", "pid": pid, "generation": generation}, [ours.fileno()])
        ours.close()

    def read_stderr(self, pid: int) -> None:
        """Keep the end of what a worker writes to its stderr (a panic message, an allocation failure)."""
        if pid not in self.stderr:  # reaped earlier in the same round of events
            return
        fd, tail = self.stderr[pid]
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return
        if not chunk:
            self.selector.unregister(fd)
            return
        tail += chunk
        del tail[:-STDERR_TAIL]

    def reap(self) -> None:
        """Collect every ended worker and tell the server how it ended."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            fd, tail = self.stderr.pop(pid, (-1, bytearray()))
            if fd >= 0:
                with contextlib.suppress(KeyError, ValueError):
                    self.selector.unregister(fd)
                with contextlib.suppress(OSError):
                    while chunk := os.read(fd, 65536):
                        tail += chunk
                os.close(fd)
            self.report(
                {
                    "event": "exit",
                    "pid": pid,
                    "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                    "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                    "stderr": tail[-STDERR_TAIL:].decode(errors="replace"),
                }
            )


def _close_fds_except(keep: set[int]) -> None:
    for entry in Path("/proc/self/fd").iterdir():
        fd = int(entry.name)
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def run_worker(
    sock: socket.socket, *, mode: str, path: Path, memory: ox.Store | None, allowance: int | None
) -> None:
    """The worker: confine itself, open the store, then answer one query at a time until the server goes."""
    for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)
    signal.set_wakeup_fd(-1)
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL))  # the zygote gone: so are we
    os.environ["RUST_BACKTRACE"] = "0"  # a panic writes one line to stderr, which the zygote reports
    confinement = confine(memory_allowance=allowance)
    inner = memory if memory is not None else open_read_only(path)
    store = GraphStore(inner, path=None, read_only=True)
    send_json(sock, {"pid": os.getpid(), "engine": mode, **confinement.__dict__})
    while True:
        message = recv_json(sock)
        if message is None:
            return
        try:
            header, body = answer(store, message)
        except MemoryError:
            send_json(sock, {"ok": False, "error": "memory", "message": "MemoryError"})
            send_frame(sock, b"")
            return  # the heap may be in pieces: end, the pool forks a fresh worker
        send_json(sock, header)
        send_frame(sock, body)


def answer(store: GraphStore, message: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Evaluate one request of the server and serialise its answer here, with pyoxigraph's serialisers."""
    req = Request(
        message["sparql"],
        timeout=message["timeout"],
        limit=message["limit"],
        offset=message.get("offset", 0),
        default_graphs=message.get("default_graphs"),
        named_graphs=message.get("named_graphs"),
    )
    extra: dict[str, Any] = {}
    try:
        result = evaluate(store, req, deadline=time.monotonic() + req.timeout, cancel=threading.Event())
        output = message["output"]
        if output["mode"] == "render":
            spec = output["graph" if result.kind == "graph" else "results"]
            if "error" in spec:
                return {"ok": False, "error": "not-acceptable", "message": spec["error"]}, b""
            note = {"truncated": True, "max-results": req.limit} if result.more else None
            if result.kind == "graph":
                body = serialise_as(result, results=None, rdf=ox.RdfFormat.from_media_type(spec["format"]))
            else:
                fmt = ox.QueryResultsFormat.from_media_type(spec["format"])
                body = serialise_as(result, results=fmt, rdf=None, note=note)
            media = spec["media"]
        elif output["mode"] == "plain":  # a named query's page (api/routes/queries.py)
            page = plain_page(result)
            body, media = page.rows_json, "application/json"
            extra = {"variables": page.variables}
        elif result.kind == "graph":
            body = ox.serialize(result.triples, format=ox.RdfFormat.N_TRIPLES) or b""
            media = "application/n-triples"
        else:
            body = json.dumps(results_json(result), ensure_ascii=False, separators=(",", ":")).encode()
            media = "application/sparql-results+json"
    except QueryError as exc:
        return {"ok": False, "error": "query", "message": str(exc)}, b""
    except LimitExceededError as exc:
        return {"ok": False, "error": "limit", "message": str(exc)}, b""
    except MemoryError:
        raise
    except Exception as exc:  # a fault of ours: the server logs it and answers 500 without the text
        return {"ok": False, "error": "internal", "message": f"{type(exc).__name__}: {exc}"}, b""
    header = {"ok": True, "kind": result.kind, "more": result.more, "seconds": result.seconds, "media": media}
    return {**header, **extra}, body


# Oxigraph's in-memory store per byte of the store's N-Quads dump: 1.41 measured at 1 M triples (4.15 M
# quads: 889 MB of dump, 1,250 MB resident), rounded up.
MIRROR_BYTES_PER_DUMP_BYTE = 1.5


def available_memory() -> int | None:
    """MemAvailable of /proc/meminfo in bytes (None where there is no such file)."""
    try:
        with Path("/proc/meminfo").open(encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def main() -> None:
    """Entry point: ``python -m api.workers.zygote '{"fd": ..., "mode": ..., "path": ...}'``."""
    config = json.loads(sys.argv[1])
    control = socket.socket(fileno=config["fd"])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which closes our socket
    zygote = Zygote(
        control,
        mode=config["mode"],
        path=Path(config["path"]),
        memory_allowance=config.get("memory_allowance"),
        memory_reserve=config.get("memory_reserve"),
    )
    try:
        zygote.start()
    except (OSError, RuntimeError) as exc:
        with contextlib.suppress(OSError):
            zygote.report({"event": "failed", "message": f"{type(exc).__name__}: {exc}"})
        sys.exit(1)
    try:
        zygote.serve()
    except OSError as exc:
        if exc.errno not in (errno.EPIPE, errno.ECONNRESET):
            raise


if __name__ == "__main__":
    main()
