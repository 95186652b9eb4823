"""A bounded load test on loopback: N concurrent clients on a mix of routes, with and without a heavy query.

Not a test: it prints a table (``samverkan bench load``). Each client sends one request at a time, as fast as
answers come, for a fixed time; latencies are measured per request. The mix is discovered from the server
itself (its named queries, municipalities, actors and views), so it works on any store. The heavy query is an
aggregate that joins every actor with every other actor of its municipality; it runs in a loop beside the mix
to show whether it starves the cheap requests.
"""

from __future__ import annotations

import asyncio
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

from api.bench.measure import free_port, serving
from api.settings import PROJECT_ROOT

REQUEST_TIMEOUT = 60.0
START_TIMEOUT = 300.0
# Every pair of actors of the same municipality, counted: ~9 s alone on 500 000 triples (2 cores).
HEAVY_QUERY = """SELECT ?municipality (COUNT(*) AS ?pairs) WHERE {
  ?a sv:basedIn ?municipality . ?b sv:basedIn ?municipality
} GROUP BY ?municipality ORDER BY DESC(?pairs)"""
HTML = "text/html"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# How often each family of the mix is drawn: views cost seconds of CPU on a large graph, so they are rarer.
FAMILY_WEIGHTS = {"query": 40, "resource": 30, "page": 25, "view": 5}


@dataclass(frozen=True)
class Target:
    """One request of the mix: which family it belongs to, its path and the media type it asks for."""

    family: str
    path: str
    accept: str = "application/json"


@dataclass
class Tally:
    """What a set of clients saw: latencies of completed requests, statuses and transport errors."""

    seconds: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    by_family: dict[str, list[float]] = field(default_factory=dict)

    def record(self, target: Target, status: int | None, seconds: float, error: str | None = None) -> None:
        """Count one request; keep a few examples of failures for the report."""
        if status is not None:
            self.statuses[status] += 1
            self.seconds.append(seconds)
            self.by_family.setdefault(target.family, []).append(seconds)
        if error is not None:
            self.errors[error] += 1
        failed = error is not None or status is None or status >= 400
        if failed and len(self.failures) < 10:
            self.failures.append(f"{target.path} -> {status or error}")

    @property
    def requests(self) -> int:
        """Requests that got an answer."""
        return len(self.seconds)

    @property
    def server_errors(self) -> int:
        """Answers with a 5xx status."""
        return sum(n for s, n in self.statuses.items() if s >= 500)

    @property
    def refused(self) -> int:
        """Answers with a 4xx status."""
        return sum(n for s, n in self.statuses.items() if 400 <= s < 500)


@dataclass(frozen=True)
class LoadResult:
    """One run: how many clients, for how long, beside the heavy query or not, and what they saw."""

    clients: int
    seconds: float
    heavy: bool
    mix: Tally
    heavy_tally: Tally | None = None

    @property
    def rate(self) -> float:
        """Answered requests per second."""
        return self.mix.requests / self.seconds if self.seconds else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Return the nearest-rank percentile ``q`` (0-100) of ``values`` (NaN when empty).

    Example:
        >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
        2.0
    """
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def check_loopback(url: str) -> None:
    """Refuse a URL that is not on the loopback interface: this tool must never load another machine.

    Raises:
        ValueError: the host is not 127.0.0.1, ::1 or localhost.
    """
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        msg = f"{url}: the load test only targets loopback (127.0.0.1, ::1, localhost), not {host!r}"
        raise ValueError(msg)


def discover_mix(base: str, *, sample: int = 20) -> list[Target]:
    """Build the mix from what the server holds: named queries, resources, resource pages and views.

    Raises:
        httpx.HTTPError: the server cannot be reached or answers a discovery request with an error.
    """
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
        municipalities = client.get("/api/municipalities").raise_for_status().json()["data"]
        actors = client.get("/api/actors", params={"limit": sample}).raise_for_status().json()["data"]
        queries = {q["name"] for q in client.get("/api/queries").raise_for_status().json()["data"]}
        views = [v["name"] for v in client.get("/viz").raise_for_status().json()["views"]]
    iris = [quote(str(m["iri"]), safe="") for m in municipalities][:sample]
    targets = [Target("resource", "/api/municipalities")]
    for word in ("kultur", "skola", "teater", "nacka"):
        targets.append(Target("resource", f"/api/actors?q={word}&limit=20"))
    for a in actors:
        targets.append(Target("resource", f"/api/actors/{quote(a['id'], safe='/')}"))
        iri = str(a["iri"])
        if "/id/" in iri:
            targets.append(Target("page", "/id/" + iri.split("/id/", 1)[1], HTML))
    cheap = ("municipalities", "round-issues", "who-raised-issue", "designated-dialogue-partners")
    targets += [Target("query", f"/api/queries/{q}?limit=50") for q in cheap if q in queries]
    for q in ("actors-in-municipality", "partners-of-municipality"):
        if q in queries:
            targets += [Target("query", f"/api/queries/{q}?municipality={m}") for m in iris[:5]]
    for view, params in (("issue-comentions", "round=2020"), ("municipalities", "year=2020")):
        if view in views:
            targets.append(Target("view", f"/viz/{view}?{params}", HTML))
    return targets


def _families(targets: list[Target]) -> tuple[list[list[Target]], list[int]]:
    groups: dict[str, list[Target]] = {}
    for t in targets:
        groups.setdefault(t.family, []).append(t)
    names = sorted(groups)
    return [groups[n] for n in names], [FAMILY_WEIGHTS.get(n, 10) for n in names]


async def _client(
    http: httpx.AsyncClient, targets: list[Target], tally: Tally, *, until: float, seed: int
) -> None:
    rng = random.Random(seed)
    groups, weights = _families(targets)
    while time.monotonic() < until:
        target = rng.choice(rng.choices(groups, weights)[0])
        started = time.perf_counter()
        try:
            response = await http.get(target.path, headers={"Accept": target.accept})
            await response.aread()
            tally.record(target, response.status_code, time.perf_counter() - started)
        except httpx.TimeoutException:
            tally.record(target, None, 0.0, "timeout")
        except httpx.TransportError as exc:
            tally.record(target, None, 0.0, type(exc).__name__)


async def _heavy(http: httpx.AsyncClient, tally: Tally, *, until: float, query: str, timeout: float) -> None:
    target = Target("heavy", "/sparql (heavy aggregate)")
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            response = await http.post(
                "/sparql",
                data={"query": query, "timeout": f"{timeout:g}"},
                headers={"Accept": "application/sparql-results+json"},
            )
            tally.record(target, response.status_code, time.perf_counter() - started)
        except httpx.TimeoutException:
            tally.record(target, None, 0.0, "timeout")
        except httpx.TransportError as exc:
            tally.record(target, None, 0.0, type(exc).__name__)


async def run_round(
    base: str,
    targets: list[Target],
    *,
    clients: int,
    seconds: float,
    heavy: bool = False,
    heavy_query: str = HEAVY_QUERY,
    heavy_timeout: float = 30.0,
) -> LoadResult:
    """Run ``clients`` concurrent clients on the mix for ``seconds`` (and the heavy query beside them)."""
    check_loopback(base)
    mix, heavy_tally = Tally(), Tally() if heavy else None
    limits = httpx.Limits(max_connections=clients + 1, max_keepalive_connections=clients + 1)
    timeout = httpx.Timeout(REQUEST_TIMEOUT)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as http:
        started = time.monotonic()
        until = started + seconds
        tasks = [_client(http, targets, mix, until=until, seed=i) for i in range(clients)]
        if heavy_tally is not None:
            tasks.append(_heavy(http, heavy_tally, until=until, query=heavy_query, timeout=heavy_timeout))
        # Bounded: a request in flight at the deadline may finish, but never past its own timeout.
        await asyncio.wait_for(asyncio.gather(*tasks), seconds + REQUEST_TIMEOUT + 5)
        elapsed = time.monotonic() - started
    return LoadResult(clients=clients, seconds=elapsed, heavy=heavy, mix=mix, heavy_tally=heavy_tally)


def run_load(
    base: str,
    *,
    clients: Sequence[int] = (1, 8, 64),
    seconds: float = 10.0,
    heavy: bool = True,
    heavy_timeout: float = 30.0,
) -> list[LoadResult]:
    """Run every client count, each alone and (``heavy``) again beside the heavy query.

    Raises:
        ValueError: the URL is not on loopback.
        httpx.HTTPError: the mix cannot be discovered.
    """
    check_loopback(base)
    targets = discover_mix(base)
    results = []
    for n in clients:
        results.append(asyncio.run(run_round(base, targets, clients=n, seconds=seconds)))
        if heavy:
            results.append(
                asyncio.run(
                    run_round(
                        base, targets, clients=n, seconds=seconds, heavy=True, heavy_timeout=heavy_timeout
                    )
                )
            )
    return results


@contextmanager
def serve_store(store: Path | None, *, wait: float = START_TIMEOUT) -> Iterator[str]:
    """Start ``samverkan serve`` on a free loopback port over ``store``; yield its base URL, stop it after.

    Raises:
        RuntimeError: the server exits or does not answer within ``wait`` seconds (with its log's tail).
    """
    port = free_port()
    env = dict(os.environ)
    if store is not None:
        env["SAMVERKAN_STORE"] = str(store)
    env.pop("SAMVERKAN_TOKEN", None)  # read-only: the load test never writes
    args = [sys.executable, "-c", "from api.cli import main; main()", "serve", "--host", "127.0.0.1"]
    base = f"http://127.0.0.1:{port}"
    with serving(
        [*args, "--port", str(port)], url=base + "/api/municipalities", env=env, wait=wait, cwd=PROJECT_ROOT
    ):
        yield base


__all__ = [
    "FAMILY_WEIGHTS",
    "HEAVY_QUERY",
    "LoadResult",
    "Tally",
    "Target",
    "check_loopback",
    "discover_mix",
    "percentile",
    "run_load",
    "run_round",
    "serve_store",
]
