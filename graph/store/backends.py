"""Open the store that backs the graph: the embedded Oxigraph store or a remote SPARQL server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from graph.errors import StoreError
from graph.store.embedded import GraphStore
from graph.store.protocol import Store

if TYPE_CHECKING:  # the remote store (httpx) is imported only when it is opened: a faster CLI start
    from graph.store.remote import AuthScheme

Backend = Literal["embedded", "remote"]


def open_graph_store(
    backend: Backend = "embedded",
    *,
    path: Path | None = None,
    read_only: bool = False,
    mirror: bool = False,
    query_url: str | None = None,
    update_url: str | None = None,
    graph_store_url: str | None = None,
    user: str | None = None,
    password: str | None = None,
    auth_scheme: AuthScheme = "basic",
    timeout: float = 60.0,
    time_limit_parameter: str | None = None,
) -> Store:
    """Open the embedded store at ``path`` or connect to the SPARQL server at ``query_url``.

    The caller passes plain values (``api/`` reads them from its settings; ``graph/`` never imports ``api/``).
    A remote store without ``update_url`` is read-only, as is one opened with ``read_only``.

    Raises:
        StoreError: the store cannot be opened, the server does not answer, or ``query_url`` is missing.

    Example:
        >>> type(open_graph_store("embedded")).__name__
        'GraphStore'
    """
    if backend == "embedded":
        return GraphStore.open(path, read_only=read_only, mirror=mirror)
    if not query_url:
        msg = "the remote backend needs a query URL: set SAMVERKAN_SPARQL_QUERY_URL"
        raise StoreError(msg)
    from graph.store.remote import RemoteStore

    return RemoteStore.open(
        query_url,
        update_url=update_url,
        graph_store_url=graph_store_url,
        user=user,
        password=password,
        auth_scheme=auth_scheme,
        timeout=timeout,
        read_only=read_only,
        time_limit_parameter=time_limit_parameter,
    )


open_store = open_graph_store

__all__ = ["Backend", "open_graph_store", "open_store"]
