"""Dependencies of the routes: this app's settings, store, query runner and library; the write token."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from api.engine import QueryRunner
from api.errors import ReadOnlyError, UnauthorizedError
from api.settings import Settings
from graph.queries.library import NamedQuery
from graph.store.protocol import Store


def get_settings(request: Request) -> Settings:
    """Return the settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    """Return the store the lifespan opened."""
    store: Store = request.app.state.store
    return store


def get_runner(request: Request) -> QueryRunner:
    """Return the app's query runner (worker threads with deadlines)."""
    runner: QueryRunner = request.app.state.runner
    return runner


def get_library(request: Request) -> dict[str, NamedQuery]:
    """Return the named queries read at startup (or at the last reload)."""
    library: dict[str, NamedQuery] = request.app.state.library
    return library


def check_token(settings: Settings, authorization: str | None) -> None:
    """Allow a write only with the configured bearer token (constant-time comparison).

    Raises:
        ReadOnlyError: no token is configured: the server is read-only.
        UnauthorizedError: the token is missing or wrong.
    """
    if not settings.token:
        msg = "this server is read-only: writes need SAMVERKAN_TOKEN to be set when the server starts"
        raise ReadOnlyError(msg)
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        msg = "this operation writes: send 'Authorization: Bearer <token>'"
        raise UnauthorizedError(msg)
    if not hmac.compare_digest(given.strip().encode(), settings.token.encode()):
        msg = "the bearer token is wrong"
        raise UnauthorizedError(msg)


def require_writer(
    settings: Annotated[Settings, Depends(get_settings)],
    authorization: Annotated[str | None, Header(description="Bearer token for writes")] = None,
) -> None:
    """Refuse the request unless it carries the write token."""
    check_token(settings, authorization)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
RunnerDep = Annotated[QueryRunner, Depends(get_runner)]
LibraryDep = Annotated[dict[str, NamedQuery], Depends(get_library)]
WriterDep = Depends(require_writer)

__all__ = [
    "LibraryDep",
    "RunnerDep",
    "SettingsDep",
    "StoreDep",
    "WriterDep",
    "check_token",
    "get_library",
    "get_runner",
    "get_settings",
    "get_store",
    "require_writer",
]
