"""The FastAPI app: create_app(settings) opens the store in its lifespan and mounts every route."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.engine import QueryRunner
from api.errors import ERROR_RESPONSES, add_error_handlers
from api.html_policy import ContentSecurityPolicy
from api.routes import (
    analysis_pages,
    graph_store,
    health,
    labels,
    lists,
    overview,
    pages,
    queries,
    reports,
    resources,
    sparql,
    update,
    upload,
)
from api.routes.error_page import error_page
from api.routes.kept import SnapshotWarmer
from api.routes.name_search import NameIndexReader, NameSearch
from api.routes.queries import install_named_queries
from api.routes.sparql import TRUNCATED_HEADER
from api.settings import Settings, get_settings
from api.workers.pool import WorkerPool
from graph.queries.library import read_named_queries
from graph.store.backends import open_graph_store
from graph.store.protocol import Store
from graph.writes import Writer

log = logging.getLogger("samverkan.api")
STATIC_DIR = Path(__file__).resolve().parent / "static"


def open_app_store(settings: Settings) -> Store:
    """Open the store of the settings (read-only without a write token).

    Queries run on a memory copy: held by the query workers' zygote (``query_workers`` > 0), which loads it
    after the server has started, or by this process, loaded before it starts (``query_workers`` = 0).

    Raises:
        StoreError: the store cannot be opened (missing, locked, not a store).
    """
    read_only = settings.token is None and settings.store is not None
    return open_graph_store(
        settings.backend,
        path=settings.store,
        read_only=read_only,
        # With query workers, their zygote keeps the copy (loaded after start), not this process.
        mirror=settings.store is not None and settings.query_workers == 0 and settings.memory_copy,
        **settings.remote_options(),
    )


def start_pool(settings: Settings, store: Store) -> WorkerPool | None:
    """Start the query worker processes for an embedded store on disk (None: queries run in threads).

    Returns at once; the first queries wait for the first workers (well under a second).
    """
    if settings.query_workers == 0 or store.path is None or store.local_engine() is None:
        return None  # in memory (tests, one-off commands) or a remote server: nothing to isolate here
    pool = WorkerPool(
        store.path,
        spare=settings.query_workers,
        max_busy=settings.max_busy_workers,
        memory_allowance=settings.worker_memory_mb << 20,
        memory_copy=settings.memory_copy,
        keep_private=_keep_budget(settings.worker_keep_mb),
        short_of_memory=(settings.worker_short_of_memory_mb << 20) or None,
    )
    if not store.add_replica(pool):
        return None
    pool.start(store.write_lock)
    return pool


def _keep_budget(keep_mb: int | str) -> int | str | None:
    """The pool's ``keep_private`` from SAMVERKAN_WORKER_KEEP_MB: bytes, None for 0, or "auto"."""
    if isinstance(keep_mb, str):
        return keep_mb
    return (keep_mb << 20) or None


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> FastAPI:
    """Create the app over the store of ``settings`` (or over ``store``, which the caller then owns)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        gs = store if store is not None else open_app_store(settings)
        app.state.store = gs
        app.state.runner = QueryRunner(gs, pool=start_pool(settings, gs))
        names = NameSearch(gs) if settings.name_index and gs.write_generation is not None else None
        app.state.name_search = names
        app.state.writer = Writer(gs, observers=[names.after_write] if names is not None else [])
        install_named_queries(app, read_named_queries(settings.queries_dir))
        # Only for a store the app opened itself (a served one): one handed in belongs to its caller's tests.
        warmer = (
            SnapshotWarmer(gs, ready=lambda: bool(app.state.runner.health()["ready"])).start()
            if store is None and settings.warm_pages and gs.write_generation is not None
            else None
        )
        # The name index likewise; a store handed in gets one too, read when its caller asks (``read``).
        reader = (
            NameIndexReader(names, ready=lambda: bool(app.state.runner.health()["ready"])).start()
            if names is not None and store is None
            else None
        )
        log.info(
            "serving %s (%s)",
            gs.location,
            "writable" if settings.token else "read-only",
        )
        try:
            yield
        finally:
            for watcher in (warmer, reader):
                if watcher is not None:
                    watcher.stop()
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
    app.state.name_search = None
    add_error_handlers(app, page=error_page)
    origins = list(settings.cors_origins)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_credentials="*" not in origins,
        allow_methods=["GET", "POST", "PUT", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Accept"],
        expose_headers=[TRUNCATED_HEADER, "Link"],
    )
    app.add_middleware(ContentSecurityPolicy)  # every HTML answer: a CSP with frame-ancestors
    for module in (
        health,
        sparql,
        update,
        graph_store,
        queries,
        resources,
        labels,
        overview,
        lists,
        reports,
        analysis_pages,
        upload,
        pages,
    ):
        app.include_router(module.router)
    _include_views(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    favicon = STATIC_DIR / "favicon.svg"  # browsers ask for /favicon.ico on every page that names none

    @app.get("/favicon.ico", include_in_schema=False)
    async def read_favicon() -> FileResponse:
        return FileResponse(favicon, media_type="image/svg+xml")

    return app


def _include_views(app: FastAPI) -> None:
    """Mount the network views (/viz) and analysis (/api/analysis), which their own modules define."""
    from api.deps import get_store
    from api.routes import analysis, viz

    app.include_router(viz.router)
    app.include_router(analysis.make_router(get_store))


__all__ = ["create_app", "open_app_store"]
