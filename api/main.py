"""The FastAPI app: create_app(settings) opens the store in its lifespan and mounts every route."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import cast

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api.engine import QueryRunner
from api.errors import ERROR_RESPONSES, add_error_handlers
from api.routes import graph_store, pages, queries, resources, sparql, update
from api.routes.queries import install_named_queries
from api.routes.sparql import TRUNCATED_HEADER
from api.settings import Settings, get_settings
from api.writes import Writer
from graph.queries.library import read_named_queries
from graph.store.backends import open_graph_store
from graph.store.embedded import GraphStore

log = logging.getLogger("samverkan.api")
STATIC_DIR = Path(__file__).resolve().parent / "static"


def open_app_store(settings: Settings) -> GraphStore:
    """Open the store of the settings (read-only without a write token); queries run on a memory copy.

    Raises:
        StoreError: the store cannot be opened (missing, locked, not a store).
    """
    read_only = settings.token is None and settings.store is not None
    store = open_graph_store(
        settings.backend,
        path=settings.store,
        read_only=read_only,
        mirror=settings.store is not None,
        **settings.remote_options(),
    )
    # The remote store has GraphStore's methods and types (graph/remote.py); the routes use only those.
    return cast(GraphStore, store)


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None) -> FastAPI:
    """Create the app over the store of ``settings`` (or over ``store``, which the caller then owns)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        gs = store if store is not None else open_app_store(settings)
        app.state.store = gs
        app.state.runner = QueryRunner(gs)
        app.state.writer = Writer(gs)
        install_named_queries(app, read_named_queries(settings.queries_dir))
        log.info(
            "serving %s (%s)",
            settings.store or "an in-memory store",
            "writable" if settings.token else "read-only",
        )
        try:
            yield
        finally:
            app.state.runner.close()
            if store is None:
                gs.close()

    app = FastAPI(
        title="samverkan",
        summary="A knowledge graph of a Swedish region's cultural life: SPARQL, named queries and resources.",
        version="0.1.0",
        lifespan=lifespan,
        responses=ERROR_RESPONSES,
    )
    app.state.settings = settings
    app.state.library = {}
    add_error_handlers(app)
    origins = list(settings.cors_origins)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_credentials="*" not in origins,
        allow_methods=["GET", "POST", "PUT", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Accept"],
        expose_headers=[TRUNCATED_HEADER, "Link"],
    )
    for module in (sparql, update, graph_store, queries, resources, pages):
        app.include_router(module.router)
    _include_views(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _include_views(app: FastAPI) -> None:
    """Mount the network views (/viz) and analysis (/api/analysis), which their own modules define."""
    from api.deps import get_store
    from api.routes import analysis, viz

    app.include_router(viz.router)
    app.include_router(analysis.make_router(get_store))


__all__ = ["create_app", "open_app_store"]
