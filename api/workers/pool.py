"""The pool of query worker processes: checked out per query, killed at the deadline, refilled.

Design (measured at 124 k triples on 2 shared cores, and chosen):

- Workers are forked by a single-threaded zygote (api/workers/zygote.py), ~2 ms per fork. A worker is
  reused for query after query; it is killed (SIGKILL) when its query passes the time limit, when it
  crashes, or when a write makes its view stale, and the pool forks a replacement. Killing is the only way to
  stop an Oxigraph evaluation, and it frees the CPU at once.
- Two zygotes: a ``disk`` one, ready at once, whose workers open the on-disk store read-only after the fork
  (44 ms; queries 1-7x slower than in memory, 5.4x on the named-query mix), and a ``memory`` one that loads
  the whole store once (4.6 s at 124 k triples, ~33 s at 1 M) and then forks workers sharing that copy
  copy-on-write. The server answers from disk workers within a second of start and switches to memory
  workers when the copy is ready (``/health`` says which). A hard-linked checkpoint per write
  (``Store.backup``) was the alternative for the disk side; opening the live store read-only gives the same
  consistency (the worker is forked after the commit) without a directory per write.
- Writes stay in the server (one writer). After the disk commits, the store calls the pool (a replica): the
  memory zygote applies the same update, then the pool starts a new generation; idle workers of older
  generations are ended, so the next query of the client that wrote already sees its write.
- A query still running after ``demote_after`` seconds gets the idle CPU class (SCHED_IDLE), so abandoned
  heavy queries cannot starve cheap ones; it gets the normal class back when it ends.
- A worker is kept for the next query until it has made ``keep_private`` bytes of memory its own. Oxigraph's
  memory store writes to the pages a read touches, so a worker forked over the copy copies each page it reads
  the first time (measured at 670 k triples: 33 k page faults, 127 MB made private, 4.5x the time of the same
  query run again), and a worker kept for ever would end up with a private copy of the whole store (at 10 M,
  13 GB each: session 6 kept demoted workers without a bound and one was killed). The worker's minor page
  faults (``/proc/PID/stat``, microseconds to read) bound what it has made its own from above; only when
  that bound passes the budget is it weighed exactly (``smaps_rollup``, which walks every page of the copy:
  0.1 s at 10 M triples), in a thread of its own after its answer has gone, and kept if it is within it.
  At 10 M the heavy questions make 2-9.6 GB their own a query (the chains Oxigraph walks, and writes to, pass
  through every aggregate row naming a municipality), so they still meet a fresh worker; queries of a few
  hundred milliseconds stay warm (docs/benchmarks/questions.md, session 8).
- The budget is by default derived from the machine (``KEEP_AUTO``): the memory available once the source
  of workers is settled (the copy loaded), less one busy worker's allowance and a GiB, shared by the spare
  workers and one busy worker (which copies pages as it reads too, beyond its allowance), and never below
  ``KEEP_FLOOR``. Before the copy loads, only the floor is reserved for them, so a copy that fitted before
  session 8's fixed 2 GiB budgets fits again; on a larger machine the workers keep more of the copy warm.
- A busy worker's copying has no allowance of its own (at 10 M one query made 9.6 GB its own). Each worker
  makes itself the OOM killer's first choice (``oom_score_adj`` 1000, api/workers/sandbox.py): when the
  machine runs out, the kernel stops a worker, never the zygote holding the copy or the server, and the
  query gets a 503 that says why. ``short_of_memory`` (off by default) stops the query earlier, when less
  than that is available at one of the pool's looks (every ``CHECK_EVERY`` seconds): a margin, at the price
  of queries that would have fitted. At 512 MiB it stopped, at 10 M on a 23 GiB machine, a scan that makes
  9.4 GiB of the copy its own and answers when let run (with 176 MB to spare; docs/benchmarks/questions.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from api.errors import EngineCrashedError, MemoryLimitError
from api.workers.spawn import Worker, Zygote
from api.workers.wire import recv_frame, recv_json, send_json
from graph.errors import LimitExceededError, QueryError, StoreError

log = logging.getLogger("samverkan.workers")
START_TIMEOUT = 60.0
KEEP_AUTO = "auto"  # keep_private: derive the budget from the memory available (module docstring)
SHORT_OF_MEMORY: int | None = None  # default: off, the workers go first when memory runs out (docstring)
CHECK_EVERY = 0.25  # seconds between looks at the memory available while a query runs
KEEP_FLOOR = 512 << 20  # the least an automatic budget gives a spare worker
_GIB = 1 << 30


@dataclass
class PoolStats:
    """Counters for ``/health`` and the bench."""

    killed_at_limit: int = 0
    crashed: int = 0
    forked: int = 0
    generations: int = 0
    demoted: int = 0
    replaced_for_memory: int = 0
    stopped_short_of_memory: int = 0


class WorkerPool:
    """Evaluate queries in worker processes forked from a zygote; see the module docstring.

    ``spare`` workers are kept forked and idle; at most ``max_busy`` run at once (others wait for one, up to
    their deadline). ``memory_allowance`` bounds what a worker may allocate beyond the copy it shares;
    ``keep_private`` what it may have made its own before it is replaced (None: replaced after every query;
    ``KEEP_AUTO``: derived from the memory available, see the module docstring).
    """

    def __init__(
        self,
        path: Path,
        *,
        spare: int = 2,
        max_busy: int = 32,
        memory_allowance: int | None = 2 << 30,
        memory_copy: bool = True,
        demote_after: float = 2.0,  # 0.2 s starved 0.1-0.5 s queries on a loaded machine: 3-12x slower
        keep_private: int | str | None = KEEP_AUTO,
        short_of_memory: int | None = SHORT_OF_MEMORY,
    ) -> None:
        self.path = path
        self.short_of_memory = short_of_memory  # None: leave it to the kernel
        self.spare = spare
        self.max_busy = max_busy
        self.memory_allowance = memory_allowance
        self.memory_copy = memory_copy
        self.demote_after = demote_after
        self.keep_auto = keep_private == KEEP_AUTO
        # The budget in force; an automatic one is set again whenever the source of workers settles.
        self.keep_private: int | None
        if isinstance(keep_private, str):
            if not self.keep_auto:
                msg = f"keep_private: bytes, None or {KEEP_AUTO!r}, got {keep_private!r}"
                raise ValueError(msg)
            self.keep_private = KEEP_FLOOR
        else:
            self.keep_private = keep_private
        self.stats = PoolStats()
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._spawning = 0
        self._generation = 0
        self._apply_lock = threading.Lock()
        self._seq = 0
        self._pending: list[tuple[str, bytes]] = []
        self._tmp = Path(tempfile.mkdtemp(prefix="samverkan-pool-"))
        self._closed = False
        self._write_lock: Any = None
        self._hello: dict[str, Any] | None = None  # what the last worker said of its confinement
        self.disk = Zygote(self, mode="disk", path=path, memory_allowance=memory_allowance)
        self.memory: Zygote | None = None
        self.memory_failure: str | None = None  # why the memory copy was given up, for /health
        self.source = self.disk
        # Set once the source of workers is settled: the memory copy promoted, given up, or not wanted.
        # Until then a promotion may replace every idle worker, so the pool is not yet ready (``/health``).
        self._settled = threading.Event()

    # Life cycle

    def start(self, write_lock: Any = None) -> None:
        """Fork the first disk workers, and start loading the memory copy behind them.

        ``write_lock`` is the store's: held while the memory zygote opens its snapshot, so that every write
        after that snapshot, and none before, is queued for the copy.

        Returns at once: the zygotes start meanwhile.
        """
        self._write_lock = write_lock
        self._refill()  # the zygote forks these as soon as it has started; the first queries wait for them
        if self.memory_copy:  # in the background: the server answers from disk workers meanwhile
            threading.Thread(target=self._start_memory, name="start-memory", daemon=True).start()
        else:
            self._settle()

    def _start_memory(self) -> None:
        zygote = Zygote(
            self,
            mode="memory",
            path=self.path,
            memory_allowance=self.memory_allowance,
            memory_reserve=self.memory_reserve(),
        )
        zygote.started.wait(START_TIMEOUT)  # its imports, outside the write lock
        with self._write_lock if self._write_lock is not None else contextlib.nullcontext():
            with self._apply_lock:
                self._pending = []
            try:
                zygote.send({"op": "open"})
            except OSError:  # it ended meanwhile: source_gone has said why
                self._settle()
                return
            zygote.opened.wait(START_TIMEOUT)  # a read-only open: tens of milliseconds
            with self._cond:
                # Its reader sets the failure before it calls source_gone, so a zygote that ends after
                # this check is dropped there; one that has ended already is never ours.
                failure = zygote.failure
                if failure is None:
                    self.memory = zygote
        if failure is not None:  # source_gone has logged it; the disk workers stay, and /health says why
            self.memory_failure = failure
            self._drop_memory(zygote)
        elif zygote.ready.is_set():  # it was ready before it was ours (a small store): promote it now
            self.source_ready(zygote)

    def memory_reserve(self) -> int:
        """Memory the workers may take beside the memory copy; the copy is not loaded without it.

        The spare workers kept with what they made their own (an automatic budget: its floor), one busy
        with its allowance, a GiB for the rest.
        """
        kept = self.spare * (KEEP_FLOOR if self.keep_auto else (self.keep_private or 0))
        return _GIB + (self.memory_allowance or 0) + kept

    def auto_keep(self, available: int | None) -> int:
        """The automatic budget of a spare worker, given the memory ``available`` (None: unknown: the floor).

        What is available beside the settled copy, less one busy worker's allowance and a GiB, shared by
        the spare workers and a busy one: a query copies the pages it reads whatever its allowance (at 10 M
        triples the two-hop question made 9.6 GB its own), so it gets a share too.
        """
        if available is None:
            return KEEP_FLOOR
        room = available - (self.memory_allowance or 0) - _GIB
        return max(KEEP_FLOOR, room // (self.spare + 1))

    def _settle(self) -> None:
        """The source of workers is settled: set an automatic budget from what is available now."""
        if self.keep_auto:
            from api.workers.zygote import available_memory

            self.keep_private = self.auto_keep(available_memory())
            log.info("query workers keep up to %.1f GiB each of what they read", self.keep_private / _GIB)
        self._settled.set()

    def close(self) -> None:
        """End every worker and both zygotes."""
        with self._cond:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
        for w in workers:
            self._kill(w)
        for z in (self.memory, self.disk):
            if z is not None:
                z.close()
        for f in self._tmp.iterdir():
            f.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            self._tmp.rmdir()

    # Callbacks from the zygotes' reader threads

    def arrived(self, worker: Worker) -> None:
        """Take a new worker in (or end it, if it is of an older generation or source)."""
        self.stats.forked += 1
        with self._cond:
            current = worker.source is self.source and worker.generation == self._generation
            if current:
                self._spawning = max(0, self._spawning - 1)
            if current and not self._closed:
                self._idle.append(worker)
                self._cond.notify_all()
                return
        self._kill(worker)

    def source_ready(self, zygote: Zygote) -> None:
        """Promote a memory zygote once its copy is loaded."""
        if zygote is self.memory:
            threading.Thread(target=self._promote, args=(zygote,), name="promote-memory", daemon=True).start()

    def _promote(self, zygote: Zygote) -> None:
        """Give the memory copy the writes made while it loaded, then make it the source of new workers."""
        with self._apply_lock:
            if self.source is zygote:  # promoted already
                return
            try:
                for op, payload in self._pending:
                    self._send_write(zygote, op, payload)
            except StoreError as exc:
                log.error("the memory copy fell behind and is dropped: %s", exc)
                self._drop_memory(zygote)
                return
            self._pending = []
            with self._cond:
                if zygote is not self.memory or self._closed or zygote.failure is not None:
                    return
                self.source = zygote
                self._new_generation()
            self._settle()
        log.info(
            "queries now run on the memory copy (%s quads, loaded in %.1f s)",
            zygote.quads,
            zygote.load_seconds,
        )

    def source_gone(self, zygote: Zygote) -> None:
        """Fall back to disk when the memory zygote ends; restart a disk zygote that ended."""
        if self._closed:
            return
        log.error("query workers: %s", zygote.failure)
        if zygote is self.memory:
            self.memory_failure = zygote.failure
            self._drop_memory(zygote)
        elif zygote is self.disk:
            threading.Thread(target=self._restart_disk, name="restart-disk", daemon=True).start()

    def _restart_disk(self) -> None:
        zygote = Zygote(self, mode="disk", path=self.path, memory_allowance=self.memory_allowance)
        with self._cond:
            if self._closed:
                threading.Thread(target=zygote.close, daemon=True).start()
                return
            old, self.disk = self.disk, zygote
            if self.source is old:
                self.source = zygote
                self._new_generation()

    def _drop_memory(self, zygote: Zygote) -> None:
        with self._cond:
            if self.memory is zygote:
                self.memory = None
            if self.source is zygote:
                self.source = self.disk
                self._new_generation()
        self._settle()
        threading.Thread(target=zygote.close, daemon=True).start()

    # Writes: the store calls these after the disk has committed, holding its write lock.

    def apply_update(self, text: str) -> None:
        """A SPARQL update the disk has committed: the memory copy applies it too."""
        self._committed("update", text.encode())

    def apply_quads(self, quads: list[ox.Quad]) -> None:
        """Quads the disk has added: the memory copy adds them too."""
        self._committed("load", ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")

    def reload(self) -> None:
        """The disk changed in bulk: disk workers from now on, and a fresh memory copy behind them."""
        memory = self.memory
        if memory is not None:
            self._drop_memory(memory)
        with self._cond:
            self._new_generation()
        if self.memory_copy:  # once this write has released the store's lock
            self._settled.clear()
            threading.Thread(target=self._start_memory, name="start-memory", daemon=True).start()

    def _committed(self, op: str, payload: bytes) -> None:
        with self._apply_lock:
            memory = self.memory
            if memory is not None and self.source is memory:  # else queued: _promote sends them in order
                try:
                    self._send_write(memory, op, payload)
                except StoreError as exc:
                    log.error("the memory copy could not apply a write and is dropped: %s", exc)
                    self._drop_memory(memory)
            elif memory is not None:
                self._pending.append((op, payload))
            with self._cond:
                self._new_generation()

    def _send_write(self, zygote: Zygote, op: str, payload: bytes) -> None:
        self._seq += 1
        file = self._tmp / f"write-{self._seq}"
        file.write_bytes(payload)
        try:
            zygote.send({"op": op, "seq": self._seq, "file": str(file)})
            error = zygote.wait_ack(self._seq, timeout=600)
        except OSError as exc:  # the zygote ended (source_gone says why): the copy is behind, not the disk
            error = f"the memory copy's process is gone: {exc}"
        finally:
            file.unlink(missing_ok=True)
        if error is not None:
            raise StoreError(error)

    def _new_generation(self) -> None:
        """Called with ``_cond`` held: idle workers are stale from now on; fork fresh ones."""
        self._generation += 1
        self.stats.generations += 1
        stale, self._idle = self._idle, []
        self._spawning = 0
        for w in stale:
            self._kill(w)
        self._refill_locked()

    # Queries

    def run(self, request: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes]:
        """Evaluate one request in a worker: its header and body, at the deadline at the latest.

        Raises:
            LimitExceededError: past the time limit (the worker is killed).
            MemoryLimitError: over the memory a worker may use (the worker ends).
            QueryError: the query does not parse or cannot be evaluated.
            EngineCrashedError: the engine crashed on this query (its worker ended; nothing else did).
        """
        deadline = time.monotonic() + timeout
        worker = self._checkout(deadline, timeout)
        try:
            send_json(worker.sock, {**request, "timeout": timeout})
            outcome = self._wait_readable(worker, deadline)
            if outcome == "short":
                self.stats.stopped_short_of_memory += 1
                made_own = fault_bytes(worker.pid)
                self._kill(worker)
                raise MemoryLimitError(self._short_message(made_own))
            if outcome == "late":
                self.stats.killed_at_limit += 1
                self._kill(worker)
                raise LimitExceededError(_time_limit(timeout))
            worker.sock.settimeout(max(1.0, deadline - time.monotonic()))
            header = recv_json(worker.sock)
            body = recv_frame(worker.sock)
            unreadable = False  # None here: the worker closed its end, it ended on its own
        except (OSError, ValueError):
            header = body = None
            unreadable = True  # alive perhaps: the SIGKILL below is then ours
        if header is None or body is None:
            self._kill(worker)
            raise self._crash_error(worker, ended_on_its_own=not unreadable) from None
        if header.get("error") == "memory":
            self._kill(worker)
            raise MemoryLimitError(self._memory_message()) from None
        self._checkin(worker)
        if not header["ok"]:
            kind = header["error"]
            if kind == "query":
                raise QueryError(header["message"])
            if kind == "limit":
                raise LimitExceededError(header["message"])
            if kind == "not-acceptable":
                from api.errors import NotAcceptableError

                raise NotAcceptableError(header["message"])
            log.error("a query worker failed: %s", header["message"])
            msg = "the query failed inside its worker; the error is logged"
            raise EngineCrashedError(msg)
        return header, body

    def _wait_readable(self, worker: Worker, deadline: float) -> str:
        """Wait for the worker's answer: "ready", "late" (past the deadline) or "short" (of memory)."""
        poller = select.poll()
        poller.register(worker.sock, select.POLLIN | select.POLLHUP | select.POLLERR)
        demote_at = time.monotonic() + self.demote_after
        while True:
            left = deadline - time.monotonic()
            wait = min(left, CHECK_EVERY)
            if not worker.demoted:
                wait = min(wait, demote_at - time.monotonic())
            if poller.poll(max(0.0, wait) * 1000):
                return "ready"
            if left <= 0:
                return "late"
            if self._short_of_memory():
                return "short"
            if not worker.demoted and time.monotonic() >= demote_at:
                self._demote(worker)

    def _short_of_memory(self) -> bool:
        if self.short_of_memory is None:
            return False
        from api.workers.zygote import available_memory

        available = available_memory()
        return available is not None and available < self.short_of_memory

    def _demote(self, worker: Worker) -> None:
        worker.demoted = True
        self.stats.demoted += 1
        try:
            os.sched_setscheduler(worker.pid, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, worker.pid, 19)

    def _checkout(self, deadline: float, timeout: float) -> Worker:
        with self._cond:
            while True:
                if self._closed:
                    msg = "the server is shutting down"
                    raise StoreError(msg)
                if self.source.failure is not None:
                    msg = f"{self.path}: no query worker can start: {self.source.failure}"
                    raise StoreError(msg)
                if len(self._busy) < self.max_busy:
                    while self._idle:
                        w = self._idle.pop()
                        if w.source is self.source and w.generation == self._generation:
                            self._busy.add(w)
                            self._refill_locked()
                            break
                        self._kill(w)
                    else:
                        w = None
                    if w is not None:
                        break
                self._refill_locked()
                left = deadline - time.monotonic()
                if (left <= 0 or not self._cond.wait(left)) and deadline - time.monotonic() <= 0:
                    raise LimitExceededError(_time_limit(timeout))
        if w.hello is None:
            w.sock.settimeout(max(1.0, deadline - time.monotonic()))
            try:
                w.hello = recv_json(w.sock)
            except OSError:
                w.hello = None
            self._hello = w.hello or self._hello
            if w.hello is None:  # it died before its first query: not the query's fault
                with self._cond:
                    self._busy.discard(w)
                self._kill(w)
                report = w.source.wait_exit(w.pid, timeout=2.0)
                log.error(
                    "a query worker did not start: %s", report.stderr[-2000:] if report else "no report"
                )
                msg = f"{self.path}: query workers fail to start (see the server log); try again later"
                raise StoreError(msg)
        return w

    def _checkin(self, worker: Worker) -> None:
        keep = self._may_keep(worker)
        if keep is None:  # weighed apart from this request: a worker meanwhile neither idle nor busy
            with self._cond:
                self._busy.discard(worker)
                self._cond.notify_all()
            threading.Thread(target=self._weigh, args=(worker,), name="weigh-worker", daemon=True).start()
            return
        self._take_back(worker, keep=keep)

    def _take_back(self, worker: Worker, *, keep: bool) -> None:
        with self._cond:
            self._busy.discard(worker)
            current = worker.source is self.source and worker.generation == self._generation
            if current and keep and not self._closed:
                self._idle.append(worker)
                self._cond.notify_all()
                return
        self._kill(worker)

    def _may_keep(self, worker: Worker) -> bool | None:
        """Whether a worker that answered may take another query; None: only an exact weighing can say.

        It gets the normal CPU class back first. Its page faults bound what it has made its own from above
        (from its last exact weighing on); within the budget, it is kept at once.
        """
        if self.keep_private is None:
            return False
        if worker.demoted:
            try:
                os.sched_setscheduler(worker.pid, os.SCHED_OTHER, os.sched_param(0))
                os.setpriority(os.PRIO_PROCESS, worker.pid, 0)
            except OSError:  # not allowed to raise it again (RLIMIT_NICE): a fresh worker instead
                return False
            worker.demoted = False
        faults = fault_bytes(worker.pid)
        if faults is None:
            return False
        exact, faults_then = worker.weighed or (0, 0)
        return True if exact + faults - faults_then <= self.keep_private else None

    def _weigh(self, worker: Worker) -> None:
        """Weigh a worker's private memory exactly (smaps: 0.1 s at 10 M triples); keep it or end it."""
        faults, private = fault_bytes(worker.pid), private_bytes(worker.pid)
        keep = faults is not None and private is not None and private <= (self.keep_private or 0)
        if faults is not None and private is not None and keep:
            worker.weighed = (private, faults)
        else:
            self.stats.replaced_for_memory += 1
        self._take_back(worker, keep=keep)

    def _kill(self, worker: Worker) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(worker.pid, signal.SIGKILL)
        worker.sock.close()
        with self._cond:
            self._busy.discard(worker)
            if not self._closed:
                self._refill_locked()
            self._cond.notify_all()

    def _refill(self) -> None:
        with self._cond:
            self._refill_locked()

    def _refill_locked(self) -> None:
        if self._closed or self.source.failure is not None:
            return
        room = self.max_busy + self.spare - len(self._busy) - len(self._idle) - self._spawning
        need = min(room, self.spare - len(self._idle) - self._spawning)
        for _ in range(max(0, need)):
            self._spawning += 1
            try:
                self.source.send({"op": "spawn", "generation": self._generation})
            except OSError:
                self._spawning -= 1
                return

    def _crash_error(self, worker: Worker, *, ended_on_its_own: bool) -> Exception:
        self.stats.crashed += 1
        report = worker.source.wait_exit(worker.pid, timeout=2.0)
        if report is not None and ("memory allocation" in report.stderr or "MemoryError" in report.stderr):
            return MemoryLimitError(self._memory_message())
        if ended_on_its_own and report is not None and report.signal == signal.SIGKILL:  # not ours
            log.error("query worker %s was killed by SIGKILL: the machine ran out of memory?", worker.pid)
            return MemoryLimitError(
                "the machine ran out of memory while this query ran, and the system stopped the process that"
                " evaluated it (workers go first, so the server and the store's memory copy stay); only this"
                " request failed. Try again when fewer heavy queries run, or narrow it"
            )
        if report is None or report.signal is None:
            how = "ended" if report is None else f"exited with code {report.code}"
        else:
            how = f"was killed by {signal.Signals(report.signal).name}"
        if report is not None and report.signal == signal.SIGSEGV:
            why = "most likely a stack overflow: is the query nested very deeply?"
        elif report is not None and "panicked" in report.stderr:
            line = next((ln for ln in report.stderr.splitlines() if ln.strip() and "panicked" not in ln), "")
            why = f"the engine (Oxigraph) panicked: {line.strip()[:300]}"
        else:
            why = "the engine failed on this query"
        log.error("query worker %s %s: %s", worker.pid, how, report.stderr[-1000:] if report else "")
        return EngineCrashedError(
            f"the query crashed the process that evaluated it ({how}; {why}); only this request failed:"
            " the server is unaffected. Simplify the query, or report it if it is ordinary SPARQL"
        )

    def _short_message(self, made_own: int | None) -> str:
        copied = "" if made_own is None else f" (it had made up to {made_own / (1 << 30):.1f} GiB its own)"
        return (
            f"the machine had less than {(self.short_of_memory or 0) >> 20} MiB of memory left while this"
            f" query ran{copied}, so it was stopped (SAMVERKAN_WORKER_SHORT_OF_MEMORY_MB); try again when"
            " fewer heavy queries run, or narrow it (more specific patterns, a bound value)"
        )

    def _memory_message(self) -> str:
        mib = (self.memory_allowance or 0) // (1 << 20)
        return (
            f"the query needed more memory than a query may use ({mib} MiB, SAMVERKAN_WORKER_MEMORY_MB) and"
            " was stopped; narrow it (LIMIT, more specific patterns, fewer ORDER BY/GROUP BY rows)"
        )

    # Introspection

    def health(self) -> dict[str, Any]:
        """What ``/health`` says about the workers."""
        with self._cond:
            idle, busy = len(self._idle), len(self._busy)
            engine = self.source.mode
        hello = self._hello
        memory = self.memory
        return {
            # Ready: a worker is forked and no promotion to the memory copy is pending (which would
            # replace the idle workers). Clients that start a server and query at once wait for this.
            "ready": self._settled.is_set() and idle + busy > 0,
            "engine": engine,
            "workers": {"idle": idle, "busy": busy, "max_busy": self.max_busy},
            "memory_copy": (
                "off"
                if not self.memory_copy
                else "ready"
                if engine == "memory"
                else "loading"
                if memory
                else "none"
            ),
            "memory_copy_failure": self.memory_failure,
            "quads": memory.quads if memory is not None and engine == "memory" else None,
            "isolation": {
                k: hello.get(k) for k in ("network_namespace", "seccomp", "memory_limit", "oom_first")
            }
            if hello
            else None,
            "killed_at_limit": self.stats.killed_at_limit,
            "replaced_for_memory": self.stats.replaced_for_memory,
            "stopped_short_of_memory": self.stats.stopped_short_of_memory,
            "keep_mb": None if self.keep_private is None else self.keep_private >> 20,
            "keep": KEEP_AUTO if self.keep_auto else "fixed",
            "crashed": self.stats.crashed,
        }

    def pids(self) -> list[int]:
        """The processes of the pool: zygotes and workers (for tests and the bench)."""
        with self._cond:
            workers = [w.pid for w in (*self._idle, *self._busy)]
        return [z.proc.pid for z in (self.disk, self.memory) if z is not None] + workers


def fault_bytes(pid: int) -> int | None:
    """Bytes a forked process has made its own at most: its minor page faults times the page size.

    An upper bound: heap it allocated and gave back still counts. None if the process is gone.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the command name, in parentheses, may hold spaces
    return int(fields[7]) * PAGE_SIZE  # minflt: field 10 of proc(5), the 8th after the name


def private_bytes(pid: int) -> int | None:
    """The memory a process holds that no other process shares (its smaps); None if it cannot be read."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    try:
        kib = sum(int(fields[k].split()[0]) for k in ("Private_Clean", "Private_Dirty"))
    except (KeyError, ValueError, IndexError):
        return None
    return kib * 1024


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _time_limit(timeout: float) -> str:
    from api.engine import time_limit_message

    return time_limit_message(timeout)


__all__ = [
    "CHECK_EVERY",
    "SHORT_OF_MEMORY",
    "PoolStats",
    "WorkerPool",
    "fault_bytes",
    "private_bytes",
]
