"""``samverkan serve``: the HTTP API over the store (its benchmark is ``samverkan bench api``)."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on (default: SAMVERKAN_HOST, 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: SAMVERKAN_PORT, 8000).")] = None,
) -> None:
    """Serve the store over HTTP: SPARQL endpoint, named queries, resources and the query page."""
    import uvicorn

    from api.settings import get_settings

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    mode = "read-write (token set)" if settings.token else "read-only (set SAMVERKAN_TOKEN to allow writes)"
    typer.echo(
        f"samverkan: serving {settings.store or 'an in-memory store'} on http://{host}:{port}/ ({mode})",
        err=True,
    )
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    """Add ``serve``."""
    app.command()(serve)
