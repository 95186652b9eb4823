"""Query workers: a crash, a panic or a runaway query costs only its request; workers reach no network.

The rows of issue 17's table this closes: 2 (deep nesting overflows the parser's stack), 3 (an Oxigraph panic
aborts), 4 (heavy queries past their limit keep burning CPU), and the workers' isolation. Each crash is
followed by a cheap query that must succeed. The pool is driven directly where the guard would refuse the
query first (the guard is tested on its own), and through a real server on 127.0.0.1 where the server matters.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pyoxigraph as ox
import pytest

from api.bench.measure import free_port, serving, uvicorn_command
from api.errors import EngineCrashedError, MemoryLimitError
from api.settings import PROJECT_ROOT
from api.workers.pool import KEEP_AUTO, KEEP_FLOOR, WorkerPool, fault_bytes, private_bytes
from graph.errors import LimitExceededError, QueryError
from graph.store.embedded import GraphStore, open_read_only

from .conftest import TOKEN, fixture_quads

CHEAP = "ASK { ?m a sv:Municipality }"
PANIC = (
    'SELECT ?x WHERE { VALUES ?x { "2020-01-01"^^xsd:date "2021"^^xsd:gYear 1 2 3 4 5 6 7 8 9 10 11 12 13 14'
    " 15 16 17 18 19 20 21 22 } } ORDER BY ?x"
)
DEEP = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def ask(sparql: str) -> dict[str, object]:
    return {"sparql": sparql, "limit": 1000, "output": {"mode": "answer"}}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("workers") / "store"
    with GraphStore.open(path) as gs:
        gs.add(fixture_quads())
    return path


@pytest.fixture
def pool(store_dir: Path) -> Iterator[WorkerPool]:
    p = WorkerPool(store_dir, spare=2, memory_allowance=256 << 20, memory_copy=False)
    p.start()
    yield p
    p.close()


class Listener:
    """A loopback TCP listener that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def test_worker_answers_a_cheap_query(pool: WorkerPool) -> None:
    header, body = pool.run(ask(CHEAP), timeout=10)
    assert header["ok"]
    assert header["kind"] == "boolean"
    assert body == b'{"head":{},"boolean":true}'


def test_worker_service_reaches_no_listener(pool: WorkerPool, listener: Listener) -> None:
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryError):  # straight to a worker: the guard would refuse it first
        pool.run(ask(query), timeout=10)
    assert listener.connections == 0
    assert pool.run(ask(CHEAP), timeout=10)[0]["ok"]


def test_confined_process_cannot_connect(listener: Listener) -> None:
    # The same confinement a worker applies to itself, then a plain connect to the loopback listener.
    script = (
        "import socket, sys\n"
        "from api.workers.sandbox import confine\n"
        "c = confine(memory_allowance=None)\n"
        "assert c.seccomp, c\n"
        "try:\n"
        f"    socket.socket(socket.AF_INET).connect(('127.0.0.1', {listener.port}))\n"
        "except OSError as exc:\n"
        "    print('refused', exc.errno)\n"
        "    sys.exit(0)\n"
        "sys.exit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"refused")
    assert listener.connections == 0


def test_worker_reports_its_confinement(pool: WorkerPool) -> None:
    pool.run(ask(CHEAP), timeout=10)
    isolation = pool.health()["isolation"]
    assert isolation["seccomp"] is True
    assert isolation["memory_limit"] == 256 << 20


def test_deep_nesting_costs_only_its_request(pool: WorkerPool) -> None:
    with pytest.raises(EngineCrashedError, match="SIGSEGV"):
        pool.run(ask(DEEP), timeout=10)
    assert pool.run(ask(CHEAP), timeout=10)[0]["ok"]


def test_panic_costs_only_its_request(pool: WorkerPool) -> None:
    with pytest.raises(EngineCrashedError, match="panicked"):
        pool.run(ask(PANIC), timeout=10)
    assert pool.run(ask(CHEAP), timeout=10)[0]["ok"]


def test_query_over_memory_limit_is_refused(pool: WorkerPool) -> None:
    hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?f ?i"
    with pytest.raises(MemoryLimitError, match="more memory"):
        pool.run(ask(hungry), timeout=60)
    assert pool.run(ask(CHEAP), timeout=10)[0]["ok"]


def test_query_past_limit_is_killed(pool: WorkerPool) -> None:
    # A worker is up first: the limit then stops the query, not the wait for a worker.
    assert pool.run(ask(CHEAP), timeout=10)[0]["ok"]
    with pytest.raises(LimitExceededError, match="time limit"):
        pool.run(ask(HEAVY), timeout=0.5)
    assert pool.stats.killed_at_limit == 1
    assert pool.run(ask(CHEAP), timeout=10)[0]["ok"]


def test_a_query_is_stopped_when_the_machine_runs_short_of_memory(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = WorkerPool(
        store_dir, spare=1, memory_allowance=256 << 20, memory_copy=False, short_of_memory=512 << 20
    )
    p.start()
    try:
        assert p.run(ask(CHEAP), timeout=10)[0]["ok"]  # a worker is up: the wait is the query's own
        monkeypatch.setattr("api.workers.zygote.available_memory", lambda: 100 << 20)  # 100 MiB left
        started = time.monotonic()
        with pytest.raises(MemoryLimitError, match="less than 512 MiB of memory left"):
            p.run(ask(HEAVY), timeout=30)
        assert time.monotonic() - started < 10  # stopped at a look, not at the time limit
        assert p.stats.stopped_short_of_memory == 1
        assert p.stats.killed_at_limit == 0
        assert p.health()["stopped_short_of_memory"] == 1
        assert p.run(ask(CHEAP), timeout=10)[0]["ok"]  # answered before the first look: not stopped
        monkeypatch.setattr("api.workers.zygote.available_memory", lambda: 8 << 30)
        with pytest.raises(LimitExceededError, match="time limit"):  # with memory to spare, it runs on
            p.run(ask(HEAVY), timeout=1.0)
    finally:
        p.close()


def test_by_default_the_pool_leaves_running_short_to_the_kernel(
    pool: WorkerPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pool.run(ask(CHEAP), timeout=10)[0]["ok"]
    monkeypatch.setattr("api.workers.zygote.available_memory", lambda: 100 << 20)
    with pytest.raises(LimitExceededError, match="time limit"):
        pool.run(ask(HEAVY), timeout=1.0)
    assert pool.stats.stopped_short_of_memory == 0


def test_workers_go_first_when_memory_runs_out(pool: WorkerPool) -> None:
    assert pool.run(ask(CHEAP), timeout=10)[0]["ok"]
    assert pool.health()["isolation"]["oom_first"] is True
    zygotes = {z.proc.pid for z in (pool.disk, pool.memory) if z is not None}
    workers = [pid for pid in pool.pids() if pid not in zygotes]
    assert workers
    for pid in workers:
        assert Path(f"/proc/{pid}/oom_score_adj").read_text().strip() == "1000"
    for pid in zygotes:  # the zygotes and the server keep theirs
        assert Path(f"/proc/{pid}/oom_score_adj").read_text().strip() != "1000"
    assert Path("/proc/self/oom_score_adj").read_text().strip() != "1000"


def test_a_worker_the_system_kills_is_reported_as_memory_running_out(pool: WorkerPool) -> None:
    assert pool.run(ask(CHEAP), timeout=10)[0]["ok"]
    before = set(pool.pids())

    def kill_the_busy_worker() -> None:  # as the OOM killer does: SIGKILL, from outside the pool
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with pool._cond:
                busy = [w.pid for w in pool._busy]
            if busy:
                time.sleep(0.3)
                os.kill(busy[0], signal.SIGKILL)
                return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_the_busy_worker)
    killer.start()
    with pytest.raises(MemoryLimitError, match="ran out of memory"):
        pool.run(ask(HEAVY), timeout=30)
    killer.join()
    assert pool.run(ask(CHEAP), timeout=10)[0]["ok"]
    assert set(pool.pids()) != before


# Against a real server


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[tuple[str, psutil.Process]]:
    port = free_port()
    env = {
        **os.environ,
        "SAMVERKAN_STORE": str(store_dir),
        "SAMVERKAN_TOKEN": TOKEN,
        "SAMVERKAN_QUERY_TIMEOUT": "30",
        "SAMVERKAN_MAX_RESULTS": "1000",
    }
    base = f"http://127.0.0.1:{port}"
    with serving(uvicorn_command(port), url=base + "/health", env=env, wait=120, cwd=PROJECT_ROOT) as proc:
        assert cheap_ok(base)  # the first workers are up
        yield base, psutil.Process(proc.pid)


def cheap_ok(base: str) -> bool:
    answer = httpx.get(base + "/sparql", params={"query": CHEAP}, timeout=30)
    return answer.status_code == 200 and answer.json()["boolean"] is True


def test_server_panic_answers_500_then_serves(server: tuple[str, psutil.Process]) -> None:
    base, proc = server
    answer = httpx.get(base + "/sparql", params={"query": PANIC}, timeout=30)
    assert answer.status_code == 500
    assert answer.json()["error"] == "engine-crashed"
    assert "only this request failed" in answer.json()["message"]
    assert cheap_ok(base)
    assert proc.is_running()


def test_server_health_names_its_engine(server: tuple[str, psutil.Process]) -> None:
    base, _ = server
    health = httpx.get(base + "/health", timeout=30).json()
    assert health["status"] == "ok"
    assert health["backend"] == "embedded"
    assert health["engine"] in ("disk", "memory")
    assert health["store_bytes"] > 0


def test_server_heavy_queries_are_stopped(server: tuple[str, psutil.Process]) -> None:
    base, proc = server

    def heavy(_: int) -> int:
        return httpx.get(base + "/sparql", params={"query": HEAVY, "timeout": "1"}, timeout=60).status_code

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(heavy, range(16)))
    assert statuses == [503] * 16
    assert cheap_ok(base)
    # Every worker that ran a heavy query was ended: no process of the server's tree is still computing.
    for _ in range(100):
        running = [p for p in proc.children(recursive=True) if _status(p) == psutil.STATUS_RUNNING]
        if not running:
            break
        time.sleep(0.1)
    assert running == []
    assert httpx.get(base + "/health", timeout=30).json()["killed_at_limit"] >= 16


def _status(p: psutil.Process) -> str:
    try:
        return p.status()
    except psutil.NoSuchProcess:
        return psutil.STATUS_DEAD


def test_server_reads_its_writes(server: tuple[str, psutil.Process]) -> None:
    base, _ = server
    for i in range(3):
        update = (
            "INSERT DATA { GRAPH <https://w3id.org/samverkan/graph/source/test-workers> {"
            f' <https://w3id.org/samverkan/id/actor/test-{i}> skos:prefLabel "Test {i}"@sv }} }}'
        )
        written = httpx.post(
            base + "/update",
            data={"update": update},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        assert written.status_code == 200, written.text
        query = f'ASK {{ <https://w3id.org/samverkan/id/actor/test-{i}> skos:prefLabel "Test {i}"@sv }}'
        answer = httpx.get(base + "/sparql", params={"query": query}, timeout=30)
        assert answer.status_code == 200, answer.text
        assert answer.json()["boolean"] is True


@pytest.mark.parametrize("memory_copy", [pytest.param(False, id="disk"), pytest.param(True, id="memory")])
def test_pool_sees_each_committed_write(tmp_path: Path, memory_copy: bool) -> None:
    graph = "https://w3id.org/samverkan/graph/source/nacka"
    with GraphStore.open(tmp_path / "store") as gs:
        pool = WorkerPool(gs.path, spare=1, memory_copy=memory_copy)  # type: ignore[arg-type]
        gs.replicas.append(pool)
        pool.start(gs.write_lock)
        try:
            for i in range(3):
                school = f"<{graph}#kulturskola{i}>"
                gs.update(f'INSERT DATA {{ GRAPH <{graph}> {{ {school} skos:prefLabel "K{i}"@sv }} }}')
                _, body = pool.run(ask(f"ASK {{ {school} ?p ?o }}"), timeout=30)
                assert body == b'{"head":{},"boolean":true}'
        finally:
            pool.close()


def _wait_health_ready(pool: WorkerPool, seconds: float = 60.0) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        health = pool.health()
        if health["ready"]:
            return health
        time.sleep(0.05)
    pytest.fail(f"the pool was not ready within {seconds:.0f} s: {pool.health()}")


def _wait_until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def _started_without_memory_copy(pool: WorkerPool) -> dict[str, object]:
    """Start the pool, wait until it has given up its memory copy and is ready; its health then."""
    pool.start()
    _wait_until(lambda: pool.health()["memory_copy_failure"] is not None, 60)
    health = _wait_health_ready(pool)
    assert health["engine"] == "disk"
    return health


def test_ready_once_the_memory_copy_has_taken_over(store_dir: Path) -> None:
    # The memory copy's promotion replaces every idle worker; "ready" waits for it, so a client that
    # starts a server and queries at once is not left waiting for a fork inside its time limit.
    p = WorkerPool(store_dir, spare=1, memory_allowance=256 << 20, memory_copy=True)
    try:
        assert p.health()["ready"] is False  # nothing is forked before start
        p.start()
        health = _wait_health_ready(p)
        assert health["engine"] == "memory"
        assert health["memory_copy"] == "ready"
        header, _ = p.run(ask(CHEAP), timeout=5)
        assert header["ok"]
    finally:
        p.close()


def test_ready_without_a_memory_copy_once_a_worker_is_forked(pool: WorkerPool) -> None:
    health = _wait_health_ready(pool)
    assert health["engine"] == "disk"
    assert health["workers"]["idle"] >= 1  # type: ignore[index]


@pytest.mark.parametrize("spare", [1, 2])
def test_the_memory_copy_leaves_room_for_what_kept_workers_may_hold(store_dir: Path, spare: int) -> None:
    # A small allowance, but each spare worker may keep a budget beyond the machine: no room for the copy.
    budget = 1 << 50
    p = WorkerPool(store_dir, spare=spare, memory_allowance=256 << 20, memory_copy=True, keep_private=budget)
    assert p.memory_reserve() == (1 << 30) + (256 << 20) + spare * budget
    try:
        health = _started_without_memory_copy(p)
        reserve_gib = f"{p.memory_reserve() / (1 << 30):.1f} GiB are kept for the query workers"
        assert reserve_gib in health["memory_copy_failure"]
    finally:
        p.close()


@pytest.mark.parametrize(
    ("available_gib", "spare", "expected"),
    [
        (None, 2, KEEP_FLOOR),  # unknown: the floor
        (2, 2, KEEP_FLOOR),  # nothing beside one busy worker's allowance and a GiB: the floor
        (9, 2, 2 << 30),  # 10 M triples on this machine: 9 GiB beside the copy, less 3, in three shares
        (9, 1, 3 << 30),  # one spare worker and the busy one
        (64, 2, (61 << 30) // 3),
    ],
)
def test_an_automatic_keep_budget_shares_what_is_available(
    store_dir: Path, available_gib: int | None, spare: int, expected: int
) -> None:
    p = WorkerPool(store_dir, spare=spare, memory_allowance=2 << 30, memory_copy=True)  # auto by default
    try:
        assert p.keep_auto
        available = None if available_gib is None else available_gib << 30
        assert p.auto_keep(available) == expected
        # Before the copy has loaded, only the floor is reserved for each spare worker.
        assert p.memory_reserve() == (1 << 30) + (2 << 30) + spare * KEEP_FLOOR
    finally:
        p.close()  # its disk zygote started with it


def test_an_automatic_keep_budget_is_set_once_the_memory_copy_has_taken_over(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the server reads once the copy is in (the zygote's own check before loading reads the machine).
    monkeypatch.setattr("api.workers.zygote.available_memory", lambda: 9 << 30)
    p = WorkerPool(store_dir, spare=1, memory_allowance=256 << 20, memory_copy=True, keep_private=KEEP_AUTO)
    try:
        assert p.health()["keep_mb"] == KEEP_FLOOR >> 20  # before: the floor
        p.start()
        health = _wait_health_ready(p)
        assert health["engine"] == "memory"
        assert health["keep"] == "auto"
        assert p.keep_private == ((9 << 30) - (256 << 20) - (1 << 30)) // 2  # the spare worker, a busy one
        assert health["keep_mb"] == p.keep_private >> 20
    finally:
        p.close()


def test_a_fixed_keep_budget_stays(store_dir: Path) -> None:
    p = WorkerPool(store_dir, spare=1, memory_allowance=256 << 20, memory_copy=False, keep_private=64 << 20)
    try:
        p.start()
        health = _wait_health_ready(p)
        assert (health["keep"], health["keep_mb"]) == ("fixed", 64)
    finally:
        p.close()


def test_a_keep_budget_that_is_no_size_is_refused(store_dir: Path) -> None:
    with pytest.raises(ValueError, match="keep_private"):
        WorkerPool(store_dir, keep_private="lots")


def test_a_memory_copy_that_would_not_fit_is_given_up_before_loading(store_dir: Path) -> None:
    # The reserve kept for the workers is one worker's allowance: larger than any machine's memory here,
    # so the copy cannot fit; the pool says why and answers from the disk store.
    p = WorkerPool(store_dir, spare=1, memory_allowance=1 << 50, memory_copy=True)
    try:
        health = _started_without_memory_copy(p)
        assert health["memory_copy"] == "none"
        assert "GiB are available" in health["memory_copy_failure"]
        assert "queries stay on the disk store" in health["memory_copy_failure"]
        header, _ = p.run(ask(CHEAP), timeout=5)
        assert header["ok"]
    finally:
        p.close()


def test_a_memory_copy_that_ends_before_it_opened_the_store_is_never_promoted(tmp_path: Path) -> None:
    # No store at this path: the memory zygote ends at its open, before the pool has taken it as its copy.
    # It used to be promoted all the same (its reader marks it "ready" when it ends): no worker could then
    # be forked from it, and the server was never ready (a CI run in session 16, on a transient open error).
    # The disk workers are forked before they open anything, so the pool is ready on them.
    p = WorkerPool(tmp_path / "no-store", spare=1, memory_allowance=256 << 20, memory_copy=True)
    try:
        health = _started_without_memory_copy(p)
        assert health["memory_copy"] == "none"
        assert "No such file" in health["memory_copy_failure"]
    finally:
        p.close()


def test_a_read_only_open_is_tried_again_while_a_writer_swaps_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # RocksDB's CURRENT may name a MANIFEST the writer has just deleted (facebook/rocksdb#8200).
    with GraphStore.open(tmp_path / "store") as gs:
        gs.add(fixture_quads()[:10])
    calls: list[str] = []
    real = ox.Store.read_only

    def flaky(path: str) -> ox.Store:
        calls.append(path)
        if len(calls) < 3:
            raise FileNotFoundError(f"IO error: No such file or directory: {path}/MANIFEST-000005")
        return real(path)

    expected = len(real(str(tmp_path / "store")))
    monkeypatch.setattr(ox.Store, "read_only", flaky)
    assert len(open_read_only(tmp_path / "store")) == expected > 0
    assert len(calls) == 3
    calls.clear()
    with pytest.raises(FileNotFoundError):  # not forever: the error once the attempts are spent
        open_read_only(tmp_path / "store", attempts=2)
    assert len(calls) == 2


MEDIUM = "SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {0} }} VALUES ?b {{ {0} }} }}".format(
    " ".join(str(i) for i in range(1500))
)  # 2.25 M joined rows: about a second, past a demote_after of 0.05 s


def _one_worker_pool(store_dir: Path, *, keep_private: int | None) -> tuple[WorkerPool, int]:
    p = WorkerPool(
        store_dir,
        spare=1,
        memory_allowance=256 << 20,
        memory_copy=False,
        demote_after=0.05,
        keep_private=keep_private,
    )
    p.start()
    _wait_health_ready(p)
    workers = p.pids()[1:]  # the disk zygote first, then the idle worker
    assert len(workers) == 1
    return p, workers[0]


def test_a_demoted_worker_gets_the_normal_class_back_and_takes_the_next_query(store_dir: Path) -> None:
    # A fresh worker over the memory copy copies every page it reads (api/workers/pool.py): kept, it does not.
    p, worker = _one_worker_pool(store_dir, keep_private=1 << 30)
    try:
        header, body = p.run(ask(MEDIUM), timeout=60)
        assert header["ok"], header
        assert b"2250000" in body
        assert p.stats.demoted == 1  # it ran past demote_after, in the idle class meanwhile
        assert worker in p.pids()
        assert os.sched_getscheduler(worker) == os.SCHED_OTHER
        assert os.getpriority(os.PRIO_PROCESS, worker) == 0
        header, _ = p.run(ask(CHEAP), timeout=5)
        assert header["ok"]
        assert worker in p.pids()
        assert p.stats.replaced_for_memory == 0
    finally:
        p.close()


def test_a_worker_past_what_it_may_make_its_own_is_replaced(store_dir: Path) -> None:
    p, worker = _one_worker_pool(store_dir, keep_private=1)  # any page it has made its own is too many
    try:
        header, _ = p.run(ask(CHEAP), timeout=5)
        assert header["ok"]
        _wait_until(lambda: p.stats.replaced_for_memory > 0, 10)  # weighed in a thread, after the answer
        assert p.stats.replaced_for_memory == 1
        assert worker not in p.pids()
        assert p.health()["replaced_for_memory"] == 1
    finally:
        p.close()


def test_a_worker_whose_faults_pass_the_budget_but_not_its_memory_is_kept(store_dir: Path) -> None:
    # Page faults only bound what a worker made its own; the exact weighing decides, and is remembered.
    p, worker = _one_worker_pool(store_dir, keep_private=1 << 30)
    try:
        (idle,) = p._idle
        idle.weighed = (1 << 30, 0)  # as if weighed at the whole budget before any fault: any fault passes it
        header, _ = p.run(ask(CHEAP), timeout=5)
        assert header["ok"]
        _wait_until(lambda: idle in p._idle, 10)  # weighed exactly in a thread of its own, after the answer
        assert idle in p._idle
        assert idle.weighed is not None
        private, faults = idle.weighed
        assert 0 < private < 256 << 20  # a worker over the small test store holds a few MiB of its own
        assert faults == fault_bytes(worker)
        assert p.stats.replaced_for_memory == 0
    finally:
        p.close()


def test_the_bound_on_what_a_process_made_its_own_counts_the_pages_it_touched() -> None:
    before, exact_before = fault_bytes(os.getpid()), private_bytes(os.getpid())
    assert before is not None
    assert exact_before is not None
    block = bytearray(64 << 20)  # zeroed pages, each faulted in when written
    for i in range(0, len(block), 4096):
        block[i] = 1
    after, exact_after = fault_bytes(os.getpid()), private_bytes(os.getpid())
    assert after is not None
    assert exact_after is not None
    assert after - before >= 60 << 20
    assert exact_after - exact_before >= 60 << 20
    assert exact_after <= after + exact_before  # the faults bound it from above
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    assert fault_bytes(int(gone.stdout)) is None
    assert private_bytes(int(gone.stdout)) is None
