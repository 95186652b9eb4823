"""SIGKILL in the middle of writes, twenty times at seeded random moments: every write is whole or absent.

Kills: 5 x a large import (one transaction, as `samverkan import` writes; a first, unkilled run times it),
2 x the real `samverkan import --no-validate`, 10 x updates (`apply_change` and SPARQL `update`), 3 x the HTTP
server during `POST /update`. After each kill the store opens, the default graph is still the merge of the
named graphs, every write is there in full or not at all, and queries answer.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import pyoxigraph as ox
import pytest

from api.bench.measure import free_port
from graph.store.embedded import GraphStore
from graph.synthetic.generate import write_generated

from .conftest import HELPER, assert_merge_consistent, assert_merge_consistent_exactly, copy_store
from .helper import KILL, MOVED

pytestmark = pytest.mark.slow

SEED = 20260509
BIG = "https://w3id.org/samverkan/graph/import/kill-big"
SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
TOKEN = "kill-test-token"
K = 60  # statements per small write


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> tuple[Path, list[ox.Quad]]:
    path = tmp_path_factory.mktemp("kill") / "synthetic.nq"
    write_generated(path, actors=4500, seed=11)  # about 100 000 quads
    return path, list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


def kill_after(proc: subprocess.Popen[str], seconds: float) -> str:
    """Kill ``proc`` after ``seconds`` (unless it is done by then) and return what it printed."""
    time.sleep(seconds)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    return out or ""


def wait_ready(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line.startswith("ready"), (line, proc.communicate(timeout=30))
    return line


def answers_queries(gs: GraphStore) -> None:
    assert bool(gs.query('ASK { municipality:0182 skos:prefLabel "Nacka kommun"@sv }'))
    rows = gs.select(
        "SELECT ?code WHERE { ?meeting sv:host municipality:0182 ; sv:inRound round:2020 ;"
        " sv:participant ?m . ?m sv:municipalityCode ?code } ORDER BY ?code"
    )
    assert [r["code"].value for r in rows] == ["0120", "0180", "0182", "0184", "0186"]


def run_import(store: Path, path: Path, graph: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(HELPER), "import", str(store), str(path), graph],
        stdout=subprocess.PIPE,
        text=True,
    )
    wait_ready(proc)
    return proc


@pytest.fixture(scope="module")
def calibrated(built_store, big_file, tmp_path_factory) -> tuple[Path, float]:
    """A store holding one whole large import, and how long that one transaction took."""
    store = copy_store(built_store, tmp_path_factory.mktemp("kill") / "store")
    proc = run_import(store, big_file[0], f"{BIG}-0")
    out, _ = proc.communicate(timeout=600)
    return store, float(out.split()[1])


def test_kill_large_import(calibrated, big_file, tmp_path):
    store, seconds = calibrated
    full = len({q.triple for q in big_file[1]})
    rng = random.Random(SEED)
    seen = []
    for i in range(1, 6):
        proc = run_import(store, big_file[0], f"{BIG}-{i}")
        out = kill_after(proc, rng.uniform(0, seconds))
        if out.startswith("wrote"):  # it finished first: the machine is faster now, aim at the new time
            seconds = float(out.split()[1])
        with GraphStore.open(store) as gs:
            seen.append(gs.count(f"{BIG}-{i}"))
            assert seen[-1] in {0, full}, seen
            assert gs.count(f"{BIG}-0") == full
            assert_merge_consistent(gs)
            answers_queries(gs)
    print(f"large import: {full} quads in one transaction of {seconds:.1f} s; after each kill {seen}")


def test_kill_samverkan_import(built_store, big_file, calibrated, tmp_path):
    path, quads = big_file
    graphs = {q.graph_name.value for q in quads}
    rng = random.Random(SEED + 1)
    outcomes = []
    for i in range(2):
        store = copy_store(built_store, tmp_path / f"store-{i}")
        with GraphStore.open(store, read_only=True) as gs:
            before = {g: gs.count(g) for g in graphs}
        proc = subprocess.Popen(
            [SAMVERKAN, "import", str(path), "--store", str(store), "--no-validate"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        watched = psutil.Process(proc.pid)
        while proc.poll() is None and not any(str(store) in f.path for f in watched.open_files()):
            time.sleep(0.05)  # reading and parsing; the write begins once the store is open
        delay = rng.uniform(0, 1.3 * calibrated[1])
        kill_after(proc, delay)
        with GraphStore.open(store) as gs:
            present = {q for q in quads if q in gs.inner}
            assert len(present) in {0, len(quads)}, (len(present), len(quads))
            if not present:
                assert {g: gs.count(g) for g in graphs} == before
            assert_merge_consistent(gs)
            answers_queries(gs)
        outcomes.append(f"{'all' if present else 'none'} (killed {delay:.1f} s into the write)")
    print(f"samverkan import: {outcomes}")


def check_small_writes(gs: GraphStore) -> int:
    """Every graph kill-N / moved-N holds all K statements of write N or none; return how many landed."""
    counts = {g: gs.count(g) for g in gs.graph_names() if g.startswith((KILL, MOVED))}
    landed = 0
    for n in {int(g.rsplit("-", 1)[1]) for g in counts}:
        pair = (counts.get(f"{KILL}{n}", 0), counts.get(f"{MOVED}{n}", 0))
        assert pair in {(0, 0), (K, 0), (0, K)}, (n, pair)
        landed += sum(pair) // K
    assert_merge_consistent_exactly(gs)
    answers_queries(gs)
    return landed


def test_kill_updates(built_store, tmp_path):
    store = copy_store(built_store, tmp_path / "store")
    rng = random.Random(SEED + 2)
    landed = []
    for _ in range(10):
        proc = subprocess.Popen(
            [sys.executable, str(HELPER), "updates", str(store), str(K)], stdout=subprocess.PIPE, text=True
        )
        wait_ready(proc)
        kill_after(proc, rng.uniform(0, 2.0))
        with GraphStore.open(store) as gs:
            landed.append(check_small_writes(gs))
    assert landed[-1] > 0
    print(f"updates: writes landed after each kill {landed}")


def test_kill_server_during_post_update(built_store, tmp_path):
    store = copy_store(built_store, tmp_path / "store")
    rng = random.Random(SEED + 3)
    acknowledged: set[int] = set()
    refused: list[str] = []
    n = 0
    for _ in range(3):
        port = free_port()
        env = {**os.environ, "SAMVERKAN_STORE": str(store), "SAMVERKAN_TOKEN": TOKEN}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "api.main:create_app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/sparql", params={"query": "ASK {}"}).status_code == 200:
                        break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.communicate()
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
            stop, first = threading.Event(), threading.Event()

            def post_updates(stop: threading.Event = stop, first: threading.Event = first) -> None:
                nonlocal n
                while not stop.is_set():
                    triples = " ".join(f'actor:kill-{n}-{i} skos:altLabel "kill {n} {i}" .' for i in range(K))
                    try:
                        response = client.post(
                            "/update",
                            content=f"INSERT DATA {{ GRAPH <{KILL}{n}> {{ {triples} }} }}",
                            headers={"Content-Type": "application/sparql-update"},
                        )
                    except httpx.TransportError:
                        return  # killed
                    if response.status_code != 200:  # asserted below, with what the server logged
                        refused.append(f"update {n}: {response.status_code} {response.text}")
                        return
                    acknowledged.add(n)
                    first.set()
                    n += 1

            poster = threading.Thread(target=post_updates)
            poster.start()
            # Kill during the stream of writes, not before the first lands (slow on a loaded machine).
            first.wait(timeout=120)
            time.sleep(rng.uniform(0.0, 2.0))
            proc.send_signal(signal.SIGKILL)
            _, log = proc.communicate(timeout=30)
            stop.set()
            poster.join()
            assert not refused, (refused, log)
            n += 1  # the write in flight, whole or absent; never reused
        with GraphStore.open(store) as gs:
            check_small_writes(gs)
            for m in acknowledged:  # acknowledged writes survive the kill
                assert gs.count(f"{KILL}{m}") == K, m
    assert acknowledged
    print(f"server: {len(acknowledged)} acknowledged updates survived 3 kills")
