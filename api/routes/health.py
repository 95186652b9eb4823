"""``/health``: whether the server answers, on which backend, and which engine evaluates queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
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
    """Say whether the server answers, its backend, the query engine (disk or memory copy) and its workers."""
    settings: Settings = request.app.state.settings
    runner: QueryRunner = request.app.state.runner
    store = request.app.state.store
    workers = runner.health()
    return {
        "status": "ok",
        "backend": settings.backend,
        "store": store.location,
        "store_bytes": await run_in_threadpool(_directory_bytes, store.path),
        **workers,
    }


__all__ = ["router"]
