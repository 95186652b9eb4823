"""The store: one interface for every backend, the embedded Oxigraph store, a remote SPARQL server, the guard.

Also backups. May import: graph.errors, graph.namespaces. Nothing outside this package branches on a concrete
store class: callers type their stores as ``Store`` (graph.store.protocol) and open them with
``open_store`` (graph.store.backends), which this package re-exports lazily, so importing it costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.store.backends import Backend, open_graph_store, open_store
    from graph.store.protocol import Store

_EXPORTS = {
    "Backend": "graph.store.backends",
    "open_graph_store": "graph.store.backends",
    "open_store": "graph.store.backends",
    "Store": "graph.store.protocol",
}


def __getattr__(name: str) -> Any:
    """Import an export on first use (the backends import pyoxigraph and httpx)."""
    if name not in _EXPORTS:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name]), name)


__all__ = ["Backend", "Store", "open_graph_store", "open_store"]
