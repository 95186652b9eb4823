"""Commands of the serve family: ``samverkan serve`` and ``samverkan bench api``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.settings import get_settings


def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on (default: SAMVERKAN_HOST, 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: SAMVERKAN_PORT, 8000).")] = None,
) -> None:
    """Serve the store over HTTP: SPARQL endpoint, named queries, resources and the query page."""
    import uvicorn

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    mode = "read-write (token set)" if settings.token else "read-only (set SAMVERKAN_TOKEN to allow writes)"
    typer.echo(
        f"samverkan: serving {settings.store or 'an in-memory store'} on http://{host}:{port}/ ({mode})",
        err=True,
    )
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, log_level="info")


def bench_api(
    actors: Annotated[
        int,
        typer.Option(help="Actors in the generated graph (about 19.5 triples each; 52 000 give a million)."),
    ] = 52_000,
    seed: Annotated[int, typer.Option(help="Seed of the generator.")] = 1,
    runs: Annotated[int, typer.Option(help="Runs per query (the median is printed).")] = 5,
    work_dir: Annotated[
        Path | None, typer.Option(help="Where the generated data and store go (default: a temp dir).")
    ] = None,
    peer: Annotated[bool, typer.Option(help="Also measure rdflib-endpoint on the same data.")] = True,
) -> None:
    """Time the named queries over HTTP, in process and through rdflib-endpoint; print a table."""
    from api.bench.api import run_api_bench

    run_api_bench(actors=actors, seed=seed, runs=runs, work_dir=work_dir, peer=peer)


def register(app: typer.Typer, bench: typer.Typer) -> None:
    """Add this family's commands to the command line."""
    app.command()(serve)
    bench.command("api")(bench_api)
