"""The server's side of a zygote: the process, its control socket, and the thread that reads its messages.

The zygote (api/workers/zygote.py) sends JSON messages: a new worker (its socket passed with SCM_RIGHTS),
how a worker ended, that a write was applied, that its copy is loaded. This module turns them into calls on
a ``Listener`` (the pool) and into answers that threads can wait for.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from graph.errors import StoreError


class Listener(Protocol):
    """What a zygote tells its pool."""

    def arrived(self, worker: Worker) -> None:
        """A new worker is ready to take a query."""

    def source_ready(self, zygote: Zygote) -> None:
        """The zygote has loaded its copy (at once for a disk zygote)."""

    def source_gone(self, zygote: Zygote) -> None:
        """The zygote ended (or could not start): ``zygote.failure`` says why."""


@dataclass(eq=False)
class Worker:
    """One worker process, seen from the server."""

    pid: int
    sock: socket.socket
    generation: int
    source: Zygote
    hello: dict[str, Any] | None = None
    demoted: bool = False
    # Its private memory when last weighed exactly, and its page faults then (bytes each): see the pool
    weighed: tuple[int, int] | None = None


@dataclass
class ExitReport:
    """How a worker ended, as its zygote saw it."""

    signal: int | None
    code: int | None
    stderr: str


class Zygote:
    """A zygote process and the thread that reads its messages."""

    def __init__(
        self,
        pool: Listener,
        *,
        mode: str,
        path: Path,
        memory_allowance: int | None,
        memory_reserve: int | None = None,
    ) -> None:
        self.pool = pool
        self.mode = mode
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        config = {
            "fd": theirs.fileno(),
            "mode": mode,
            "path": str(path),
            "memory_allowance": memory_allowance,
            "memory_reserve": memory_reserve,
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "api.workers.zygote", json.dumps(config)],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.control = ours
        self.started = threading.Event()
        self.opened = threading.Event()
        self.ready = threading.Event()
        self.failure: str | None = None
        self.quads: int | None = None
        self.load_seconds: float | None = None
        self._exits: dict[int, ExitReport] = {}
        self._acks: dict[int, str | None] = {}
        self._cond = threading.Condition()
        self._send_lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, name=f"zygote-{mode}", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self.control, 1 << 16, 4)
            except OSError:
                data, fds = b"", []
            if not data:
                self.failure = self.failure or f"the {self.mode} zygote ended (exit code {self.proc.poll()})"
                self.started.set()
                self.opened.set()
                self.ready.set()
                with self._cond:
                    self._cond.notify_all()
                self.pool.source_gone(self)
                return
            event = json.loads(data)
            kind = event["event"]
            if kind == "worker":
                sock = socket.socket(fileno=fds[0])
                sock.set_inheritable(False)
                self.pool.arrived(Worker(event["pid"], sock, event["generation"], self))
            elif kind == "exit":
                with self._cond:
                    self._exits[event["pid"]] = ExitReport(event["signal"], event["code"], event["stderr"])
                    if len(self._exits) > 1000:
                        self._exits.pop(next(iter(self._exits)))
                    self._cond.notify_all()
            elif kind == "applied":
                with self._cond:
                    self._acks[event["seq"]] = event["error"]
                    self._cond.notify_all()
            elif kind == "started":
                self.started.set()
            elif kind == "opened":
                self.opened.set()
            elif kind == "ready":
                self.quads, self.load_seconds = event["quads"], event["seconds"]
                self.opened.set()
                self.ready.set()
                self.pool.source_ready(self)
            elif kind == "failed":
                self.failure = event["message"]

    def send(self, message: dict[str, Any]) -> None:
        """Send one command."""
        with self._send_lock:
            self.control.send(json.dumps(message).encode())

    def wait_exit(self, pid: int, timeout: float) -> ExitReport | None:
        """How worker ``pid`` ended, once its zygote has reaped it (``None`` if not within ``timeout``)."""
        with self._cond:
            self._cond.wait_for(lambda: pid in self._exits or self.failure is not None, timeout)
            return self._exits.get(pid)

    def wait_ack(self, seq: int, timeout: float) -> str | None:
        """Wait until write ``seq`` is applied; return the zygote's error, if any.

        Raises:
            StoreError: no answer in time, or the zygote ended.
        """
        with self._cond:
            if not self._cond.wait_for(lambda: seq in self._acks or self.failure is not None, timeout):
                msg = f"the memory copy did not apply a write within {timeout:g} s"
                raise StoreError(msg)
            if seq not in self._acks:
                raise StoreError(self.failure or "the memory copy is gone")
            return self._acks.pop(seq)

    def close(self) -> None:
        """End the zygote (it ends its workers); wait for it briefly."""
        with contextlib.suppress(OSError):
            self.control.shutdown(socket.SHUT_RDWR)
        self.control.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


__all__ = ["ExitReport", "Listener", "Worker", "Zygote"]
