"""``samverkan bench pages``: every workspace page type timed over HTTP against a real server.

Two stores: the curated data of data/ (with the ontology), and the same plus a generated graph of about a
million triples (``samverkan generate``'s generator, into a work directory), each with its aggregates
derived (graph.aggregates, as ``samverkan build`` leaves a store). Each is served by uvicorn on a
free loopback port as ``samverkan serve`` serves a store (query workers, memory copy); the bench waits
until the memory copy answers, then asks each page once (``first``: nothing cached since the server
started) and ``--repeat`` times more (p50, p95, max). Pages whose slow parts are kept until the next write
(reports, measures, list pages, counts, choices) show that in ``first`` against p50. The table says which
store, its size, the machine's cores and its load before and after.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import httpx
import typer

from api.bench.measure import BenchTable, free_port, serving, uvicorn_command

PAGES = {
    "översikt": "/",
    "listor": "/listor",
    "kommuner, sida 1": "/listor/kommuner",
    "kommuner, sist, efter invånare": "/listor/kommuner?sort=population&dir=desc&page=9999",
    "kommuner, efter samarbeten": "/listor/kommuner?sort=cross_border&dir=desc",
    "aktörer, sida 1": "/listor/aktorer",
    "aktörer, sista sidan": "/listor/aktorer?page=9999",
    "aktörer, sök 'kultur'": "/listor/aktorer?q=kultur",
    "aktörer, efter kommun": "/listor/aktorer?sort=municipality&page=20",
    "samarbeten, sida 1": "/listor/samarbeten",
    "samarbeten, sista sidan": "/listor/samarbeten?page=9999",
    "samarbeten, över gräns": "/listor/samarbeten?crosses=yes&page=3",
    "frågor, sida 1": "/listor/fragor",
    "frågor, efter omnämnanden": "/listor/fragor?sort=mentions&dir=desc",
    "rundor, sida 1": "/listor/rundor",
    "rundor, sista sidan": "/listor/rundor?page=9999",
    "källor, sida 1": "/listor/kallor",
    "källor, sista sidan": "/listor/kallor?page=9999",
    "csv kommuner (hela)": "/listor/kommuner?format=csv",
    "profil kommun": "/id/municipality/0182",
    "profil aktör": "/id/actor/klys",
    "profil samarbete": "/id/collaboration/bibliotekssamverkan",
    "profil fråga": "/concept/issue/arms-length",
    "profil runda": "/id/round/2020",
    "profil möte": "/id/meeting/2020-nacka",
    "rapport 2020": "/rapporter/2020",
    "analys": "/analys",
    "avancerat": "/avancerat",
}
TIMEOUT = 120.0  # seconds a page may take before the bench notes it and moves on
MIN_REPEAT = 3  # requests after the first, however slow the page
READY_WAIT = 1800.0  # seconds: a million triples take minutes to load into the memory copy on 2 cores


def bench_pages(
    repeat: Annotated[int, typer.Option(min=2, help="Timed requests per page after the first.")] = 20,
    actors: Annotated[
        int, typer.Option(help="Generated actors (about 19.5 triples each; 51 000 give about a million).")
    ] = 51_000,
    seed: Annotated[int, typer.Option(help="Seed of the generator.")] = 1,
    stores: Annotated[str, typer.Option(help="Which stores: curated, generated, or both.")] = "both",
    work_dir: Annotated[
        Path | None,
        typer.Option(
            help="Where the generated data and the stores go, reused if there (default: a temp dir)."
        ),
    ] = None,
    markdown: Annotated[
        bool, typer.Option(help="Print the tables as Markdown (for docs/benchmarks/).")
    ] = False,
    budget: Annotated[
        float, typer.Option(help="Seconds of repeated requests per page at most (at least 3 are made).")
    ] = 60.0,
) -> None:
    """Time every page type over HTTP on the curated data and on a generated million triples; print tables."""
    wanted = {"both": ("curated", "generated")}.get(stores, (stores,))
    for name in wanted:
        if name not in ("curated", "generated"):
            msg = f"--stores {stores!r}: say curated, generated or both"
            raise typer.BadParameter(msg)
    with _work(work_dir) as base:
        for name in wanted:
            store = _curated_store(base) if name == "curated" else _generated_store(base, actors, seed)
            table = measure_pages(store, label=name, repeat=repeat, budget=budget)
            _show(table, markdown=markdown)


@contextmanager
def _work(work_dir: Path | None) -> Iterator[Path]:
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
        yield work_dir
        return
    with tempfile.TemporaryDirectory(prefix="samverkan-bench-pages-") as tmp:
        yield Path(tmp)


def _curated_quads() -> list[object]:
    from api.settings import PROJECT_ROOT
    from graph.ingest.build import read_data, read_ontology

    return [*read_ontology(PROJECT_ROOT / "ontology").quads, *read_data(PROJECT_ROOT / "data").quads]


def _curated_store(base: Path) -> Path:
    """The ontology and data/ in a store of its own (built once per work directory)."""
    from graph.store.embedded import GraphStore

    path = base / "store-curated"
    if not path.exists():
        with GraphStore.open(path) as store:
            store.add(_curated_quads())  # type: ignore[arg-type]
    _ensure_aggregates(path)
    return path


def _ensure_aggregates(path: Path) -> None:
    """Derive the aggregates where the store lacks them, as ``samverkan build`` and ``aggregates rebuild`` do.

    A store filled by ``add`` or the bulk loader holds none: pages that read them would otherwise fall
    back to the base data, which is not what a served store does.
    """
    from graph.aggregates.maintain import has_aggregates
    from graph.aggregates.rebuild import rebuild
    from graph.store.embedded import GraphStore

    with GraphStore.open(path) as store:
        if not has_aggregates(store):
            typer.echo(f"deriving the aggregates of {path} ...", err=True)
            rebuild(store)


def _generated_store(base: Path, actors: int, seed: int) -> Path:
    """The curated store plus a generated graph (``samverkan generate``), bulk-loaded, aggregates derived."""
    import pyoxigraph as ox

    from graph.store.embedded import GraphStore
    from graph.synthetic.generate import write_generated

    data, path = base / f"generated-{actors}-{seed}.nq", base / f"store-{actors}-{seed}"
    if not data.exists():
        typer.echo(f"generating {actors} actors into {data} ...", err=True)
        write_generated(data, actors=actors, seed=seed)
    if not path.exists():
        typer.echo(f"loading {data} into {path} ...", err=True)
        with GraphStore.open(path) as store:
            store.add(_curated_quads())  # type: ignore[arg-type]
            store.bulk_add(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS))
    _ensure_aggregates(path)  # the bulk loader derives none
    return path


def measure_pages(store: Path, *, label: str, repeat: int, budget: float = 60.0) -> BenchTable:
    """Serve ``store`` with uvicorn, wait for the memory copy, time each page; return the table.

    Each page is asked ``repeat`` times after the first, or as often as ``budget`` seconds allow (at least
    ``MIN_REPEAT``): a page that takes seconds on a million triples would otherwise take the bench an hour.
    """
    from graph.store.embedded import GraphStore

    with GraphStore.open(store, read_only=True) as opened:
        quads = opened.count()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SAMVERKAN_STORE": str(store)}
    env.pop("SAMVERKAN_TOKEN", None)  # read-only: the bench never writes
    load_before = os.getloadavg()
    rows: list[list[object]] = []
    with (
        serving(uvicorn_command(port), url=base + "/health", env=env, wait=READY_WAIT) as _,
        httpx.Client(base_url=base, timeout=TIMEOUT, headers={"Accept": "text/html"}) as http,
    ):
        _wait_for_memory_copy(http)
        typer.echo(f"{label}: {quads:,} quads served at {base}", err=True)
        for name, path in PAGES.items():
            started = time.perf_counter()
            try:
                r = http.get(path)
            except httpx.TimeoutException:  # said in the table, and the bench goes on
                rows.append(
                    [
                        name,
                        0,
                        f"> {TIMEOUT:.0f} s",
                        _ms(time.perf_counter() - started),
                        None,
                        None,
                        None,
                        None,
                    ]
                )
                typer.echo(f"  {label}: {name}: no answer within {TIMEOUT:.0f} s", err=True)
                continue
            first = time.perf_counter() - started
            times: list[float] = []
            spent = time.monotonic() + budget
            while len(times) < repeat and (len(times) < MIN_REPEAT or time.monotonic() < spent):
                started = time.perf_counter()
                try:
                    http.get(path)
                except httpx.TimeoutException:
                    times.append(TIMEOUT)
                    break
                times.append(time.perf_counter() - started)
            p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]  # within the measured range
            typer.echo(f"  {label}: {name}: first {_ms(first)} ms, p95 {_ms(p95)} ms", err=True)
            rows.append(
                [
                    name,
                    len(times),
                    r.status_code,
                    _ms(first),
                    _ms(statistics.median(times)),
                    _ms(p95),
                    _ms(max(times)),
                    len(r.content),
                ]
            )
    load_after = os.getloadavg()
    table = BenchTable(
        f"workspace pages, {label} store ({quads:,} quads), n requests each after the first (ms)",
        ["page", "n", "status", "first", "p50", "p95", "max", "bytes"],
        rows,  # type: ignore[arg-type]
    )
    table.notes = [
        f"machine: {os.cpu_count()} cores; load average (1, 5, 15 min) before "
        f"{', '.join(f'{x:.2f}' for x in load_before)}, after {', '.join(f'{x:.2f}' for x in load_after)}",
        "over HTTP against uvicorn on 127.0.0.1 (query workers, memory copy); one client, one request at a "
        "time",
        "first: the first request since the server started (nothing kept); reports, measures, list pages, "
        "counts and choices are kept until the next write",
    ]
    return table


def _wait_for_memory_copy(http: httpx.Client) -> None:
    """Wait until queries are answered by the memory copy (``/health`` says ``memory``), not the disk."""
    deadline = time.monotonic() + READY_WAIT
    while time.monotonic() < deadline:
        health = http.get("/health").json()
        if health.get("engine") in ("memory", "threads", "remote"):
            return
        time.sleep(1.0)
    msg = f"the memory copy did not take over within {READY_WAIT:.0f} s"
    raise RuntimeError(msg)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _show(table: BenchTable, *, markdown: bool) -> None:
    if not markdown:
        from rich.console import Console

        Console().print(table.to_rich())
        return
    typer.echo(f"\n**{table.title}**\n")
    typer.echo("| " + " | ".join(table.columns) + " |")
    typer.echo("|" + "|".join("---" if i == 0 else "---:" for i in range(len(table.columns))) + "|")
    for row in table.rows:
        typer.echo("| " + " | ".join(str(c) for c in row) + " |")
    typer.echo("\n" + "\n".join(f"- {note}" for note in table.notes))


__all__ = ["PAGES", "bench_pages", "measure_pages"]
