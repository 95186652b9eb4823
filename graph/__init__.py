"""samverkan's graph: the library behind the API and the command line.

Rooms, lowest first; a room imports only rooms below it or beside it (tests/test_layout.py checks it):
``errors`` and ``namespaces``; ``store`` (the ``Store`` protocol, the embedded and remote backends, the query
guard, backups); ``ingest``, ``validate``, ``queries``, ``synthetic``, ``writes``, ``history``, ``reference``;
``project`` (the store read into networkx graphs); ``analysis`` (measures); ``views`` (pages, pictures and
the round report).

May import: its own rooms only (lazily, below); nothing in graph/ imports ``api``.

The public API is the names below, imported on first use so that ``import graph`` stays cheap:

>>> import graph
>>> graph.SamverkanError.__name__
'SamverkanError'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.analysis import Result, list_measures, run_measure
    from graph.errors import (
        IngestError,
        LimitExceededError,
        ParameterError,
        QueryError,
        SamverkanError,
        StoreError,
        UnknownResourceError,
        ValidationError,
        Violation,
    )
    from graph.ingest.build import build_store
    from graph.ingest.rdf import parse_file
    from graph.namespaces import CONCEPT, GRAPH, ID, SV
    from graph.project import (
        Filters,
        project_actor_issues,
        project_actors,
        project_issue_comentions,
        project_municipalities,
        read_snapshot,
    )
    from graph.queries.library import NamedQuery, read_named_queries
    from graph.store.backends import open_store
    from graph.store.embedded import GraphStore
    from graph.store.protocol import Store
    from graph.validate.shacl import load_shapes, validate_parsed
    from graph.views import make_view, render_page, render_picture
    from graph.views.report import make_report, render_report

# module -> the public names it defines (imported from there on first use)
_MODULES: dict[str, str] = {
    "graph.errors": "SamverkanError IngestError ValidationError ParameterError QueryError "
    "UnknownResourceError StoreError LimitExceededError Violation",
    "graph.namespaces": "SV ID CONCEPT GRAPH",
    "graph.store.protocol": "Store",
    "graph.store.embedded": "GraphStore",
    "graph.store.backends": "open_store",
    "graph.ingest.build": "build_store",
    "graph.ingest.rdf": "parse_file",
    "graph.validate.shacl": "load_shapes validate_parsed",
    "graph.queries.library": "NamedQuery read_named_queries",
    "graph.project": "Filters read_snapshot project_actors project_municipalities project_actor_issues "
    "project_issue_comentions",
    "graph.analysis": "Result list_measures run_measure",
    "graph.views": "make_view render_page render_picture",
    "graph.views.report": "make_report render_report",
}
_EXPORTS: dict[str, str] = {name: module for module, names in _MODULES.items() for name in names.split()}


def __getattr__(name: str) -> Any:
    """Import a public name on first use.

    Raises:
        AttributeError: ``name`` is not part of the public API.
    """
    if name not in _EXPORTS:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__all__ = [
    "CONCEPT",
    "GRAPH",
    "ID",
    "SV",
    "Filters",
    "GraphStore",
    "IngestError",
    "LimitExceededError",
    "NamedQuery",
    "ParameterError",
    "QueryError",
    "Result",
    "SamverkanError",
    "Store",
    "StoreError",
    "UnknownResourceError",
    "ValidationError",
    "Violation",
    "build_store",
    "list_measures",
    "load_shapes",
    "make_report",
    "make_view",
    "open_store",
    "parse_file",
    "project_actor_issues",
    "project_actors",
    "project_issue_comentions",
    "project_municipalities",
    "read_named_queries",
    "read_snapshot",
    "render_page",
    "render_picture",
    "render_report",
    "run_measure",
    "validate_parsed",
]
