"""``samverkan bench pages``: p95 time of each workspace page type over a store (target < 300 ms curated).

Runs the app in-process (TestClient, no network) over a quads file or the curated data of data/, warms each
page once (measures and reports are cached for a minute, as in the server), then times ``--repeat`` calls.
"""

from __future__ import annotations

import statistics
import time
import warnings
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.table import Table

PAGES = {
    "översikt": "/",
    "lista kommuner": "/listor/kommuner",
    "lista aktörer": "/listor/aktorer",
    "lista samarbeten": "/listor/samarbeten",
    "lista frågor": "/listor/fragor",
    "csv kommuner": "/listor/kommuner?format=csv",
    "profil kommun": "/id/municipality/0182",
    "profil aktör": "/id/actor/klys",
    "profil samarbete": "/id/collaboration/bibliotekssamverkan",
    "profil fråga": "/concept/issue/arms-length",
    "profil runda": "/id/round/2020",
    "profil möte": "/id/meeting/2020-nacka",
    "analys": "/analys",
    "avancerat": "/avancerat",
    "rapport 2020": "/rapporter/2020",
}


def bench_pages(
    quads: Annotated[
        Path | None, typer.Option(help="An N-Quads file to serve (default: data/ + ontology/).")
    ] = None,
    repeat: Annotated[int, typer.Option(min=2, help="Timed calls per page.")] = 20,
) -> None:
    """Time every page type of the workspace and print p50/p95 per page."""
    from api.main import create_app
    from api.settings import PROJECT_ROOT, Settings
    from graph.ingest.build import read_data, read_ontology
    from graph.store.embedded import GraphStore

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    store = GraphStore.open(None)
    if quads:
        store.bulk_add(ox.parse(path=str(quads), format=ox.RdfFormat.N_QUADS))
    else:
        store.add([*read_ontology(PROJECT_ROOT / "ontology").quads, *read_data(PROJECT_ROOT / "data").quads])
    table = Table(title=f"workspace pages, {store.count()} quads, {repeat} calls each (ms)")
    for column in ("page", "status", "first", "p50", "p95", "max"):
        table.add_column(column, justify="left" if column == "page" else "right")
    settings = Settings(store=None, token=None, query_workers=0)
    with TestClient(create_app(settings, store=store)) as client:
        for name, path in PAGES.items():
            started = time.perf_counter()
            status = client.get(path, headers={"Accept": "text/html"}).status_code
            first = (time.perf_counter() - started) * 1000
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(path, headers={"Accept": "text/html"})
                times.append((time.perf_counter() - started) * 1000)
            p95 = statistics.quantiles(times, n=20)[-1]
            row = [f"{first:.0f}", f"{statistics.median(times):.0f}", f"{p95:.0f}", f"{max(times):.0f}"]
            table.add_row(name, str(status), *row)
    Console().print(table)


__all__ = ["PAGES", "bench_pages"]
