"""``/health``: whether the server answers, on which backend, and which engine evaluates queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.engine import QueryRunner
from api.settings import Settings

router = APIRouter(tags=["health"])


def _directory_bytes(path: Path | None) -> int | None:
    if path is None:
        return None
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@router.get("/health")
async def read_health(request: Request) -> dict[str, Any]:
    """Say whether the server answers, its backend, the query engine, its workers and the name index."""
    settings: Settings = request.app.state.settings
    runner: QueryRunner = request.app.state.runner
    store = request.app.state.store
    workers = runner.health()
    names = request.app.state.name_search
    return {
        "status": "ok",
        "backend": settings.backend,
        "store": store.location,
        "store_bytes": await run_in_threadpool(_directory_bytes, store.path),
        **workers,
        # The label search's text index (api/routes/name_search.py): None where there is none (a server).
        "name_index": await run_in_threadpool(names.status) if names is not None else None,
    }


@router.get("/health/ready", responses={503: {"description": "The query workers are still starting"}})
async def read_readiness(request: Request) -> JSONResponse:
    """200 once queries can be answered at once (workers forked, memory copy settled), else 503.

    A server answers ``/health`` as soon as it listens; its first query may still wait for a worker to fork
    or for the memory copy to take over. Load balancers and tests that query right after a start poll this.
    """
    runner: QueryRunner = request.app.state.runner
    ready = bool(runner.health()["ready"])
    if ready:
        return JSONResponse({"ready": True})
    return JSONResponse({"ready": False}, status_code=503, headers={"Retry-After": "1"})


__all__ = ["router"]
