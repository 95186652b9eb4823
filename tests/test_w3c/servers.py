"""Start ``samverkan serve`` (uvicorn over ``api.main:create_app``) for the W3C runner, on each backend."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from api.bench.measure import free_port, serving, uvicorn_command
from api.settings import PROJECT_ROOT

TOKEN = "w3c-suite-token"


def server_environment(store: Path | None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a writable server over ``store`` (``None``: an in-memory store)."""
    return {
        **os.environ,
        "SAMVERKAN_STORE": str(store) if store is not None else "",
        "SAMVERKAN_TOKEN": TOKEN,
        "SAMVERKAN_QUERY_TIMEOUT": "20",
        **(extra or {}),
    }


@contextmanager
def samverkan_server(env: dict[str, str]) -> Iterator[str]:
    """Run a real server on 127.0.0.1 with ``env`` until the block ends; yield its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving(uvicorn_command(port), url=base + "/sparql", env=env, wait=60, cwd=PROJECT_ROOT):
        yield base


@contextmanager
def embedded_server(*, workers: int = 0, extra: dict[str, str] | None = None) -> Iterator[str]:
    """samverkan on the embedded store; yield its base URL.

    ``workers`` = 0: an in-memory store, queries evaluated in threads (fast: no process is re-forked after
    each write). ``workers`` > 0: a store on disk with that many query worker processes (api/workers/),
    which retire after every committed write, as in production.
    """
    env = {"SAMVERKAN_QUERY_WORKERS": str(workers), **(extra or {})}
    if not workers:
        with samverkan_server(server_environment(None, env)) as base:
            yield base
        return
    with (
        tempfile.TemporaryDirectory(prefix="w3c-store-") as tmp,
        samverkan_server(server_environment(Path(tmp) / "store", env)) as base,
    ):
        yield base


__all__ = ["TOKEN", "embedded_server", "samverkan_server", "server_environment"]
