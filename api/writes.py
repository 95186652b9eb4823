"""Validated, atomic writes: compute the change without touching the store, check the shapes, then apply it.

A SPARQL update is evaluated on an in-memory copy of the whole store (the curated store holds thousands of
quads; a store above ``MAX_COPY_QUADS`` refuses updates and takes Graph Store Protocol writes instead). The
difference between copy and store is validated with ``graph.validate.validate_store_change`` and applied in one
transaction. Writes are serialised by a lock, so two writers never validate against a stale store.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.errors import LimitExceededError, QueryError, ValidationError, Violation
from graph.namespaces import PREFIXES
from graph.sparql_guard import check_update
from graph.store import GraphStore, insert_data

MAX_COPY_QUADS = 2_000_000


@dataclass
class Change:
    """What a write added and removed, and the warnings the shapes raised."""

    added: int = 0
    removed: int = 0
    warnings: list[Violation] = field(default_factory=list)


def delete_data(quads: Iterable[ox.Quad]) -> str:
    """Render quads (without blank nodes) as one ``DELETE DATA`` operation, grouped by graph."""
    return "DELETE" + insert_data(quads).removeprefix("INSERT")


def _has_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def _graph_key(q: ox.Quad) -> str | None:
    return q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None


class Writer:
    """The one way the API writes to the store."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._lock = threading.Lock()

    def update(self, sparql: str) -> Change:
        """Run a SPARQL 1.1 update: on a copy first, validated, then applied to the store in one transaction.

        Raises:
            ForbiddenOperationError: LOAD or SERVICE.
            QueryError: the update does not parse or fails on the copy.
            ValidationError: the result would break the shapes; nothing was written.
            LimitExceededError: the store is too large to copy.
        """
        check_update(sparql)
        with self._lock:
            before = list(self.store.inner.quads_for_pattern(None, None, None, None))
            if len(before) > MAX_COPY_QUADS:
                msg = (
                    f"the store holds {len(before)} quads; SPARQL Update runs on a copy and is limited to "
                    f"{MAX_COPY_QUADS}; write whole graphs with the Graph Store Protocol (/rdf-graphs) instead"
                )
                raise LimitExceededError(msg)
            copy = ox.Store()
            copy.extend(before)
            try:
                copy.update(sparql, prefixes=PREFIXES)
            except SyntaxError as exc:
                msg = f"SPARQL syntax error: {exc}"
                raise QueryError(msg) from exc
            except (RuntimeError, OSError, ValueError) as exc:
                msg = f"the update cannot be evaluated: {exc}"
                raise QueryError(msg) from exc
            old, new = set(before), set(copy.quads_for_pattern(None, None, None, None))
            added, removed = new - old, old - new
            change = self._validate(added, removed)
            self._apply(added, removed, after=new)
            return change

    def replace_graph(self, graph: str | None, quads: list[ox.Quad]) -> Change:
        """Replace one graph (``None``: the default graph) by ``quads``, validated.

        Raises:
            ValidationError: the new content breaks the shapes; nothing was written.
        """
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        with self._lock:
            old = set(self.store.inner.quads_for_pattern(None, None, None, target))
            new = set(quads)
            change = self._validate(new - old, old - new)
            clear = f"CLEAR SILENT GRAPH <{graph}>" if graph else "CLEAR SILENT DEFAULT"
            self.store.update(f"{clear} ;\n{insert_data(new)}" if new else clear)
            self.store.flush()
            return change

    def add_to_graph(self, quads: list[ox.Quad]) -> Change:
        """Merge ``quads`` into the store, validated.

        Raises:
            ValidationError: the merged content breaks the shapes; nothing was written.
        """
        with self._lock:
            added = {q for q in quads if q not in self.store.inner}
            change = self._validate(added, set())
            if added:
                self.store.add(added)
                self.store.flush()
            return change

    def _validate(self, added: set[ox.Quad], removed: set[ox.Quad]) -> Change:
        from graph.validate import validate_store_change

        change = Change(added=len(added), removed=len(removed))
        if not added and not removed:
            return change
        violations = validate_store_change(self.store, added, removed)
        errors = [v for v in violations if v.severity == "Violation"]
        if errors:
            raise ValidationError(errors, source="the request")
        change.warnings = [v for v in violations if v.severity != "Violation"]
        return change

    def _apply(self, added: set[ox.Quad], removed: set[ox.Quad], *, after: set[ox.Quad]) -> None:
        """Apply a change in one update; graphs that lose blank-node statements are rewritten whole."""
        if not added and not removed:
            return
        rewrite = {_graph_key(q) for q in removed if _has_blank(q)}
        parts = [
            f"CLEAR SILENT GRAPH <{g}>" if g else "CLEAR SILENT DEFAULT" for g in sorted(rewrite, key=str)
        ]
        plain_removed = [q for q in removed if _graph_key(q) not in rewrite]
        if plain_removed:
            parts.append(delete_data(plain_removed))
        inserted = [q for q in after if _graph_key(q) in rewrite] + [q for q in added if _graph_key(q) not in rewrite]
        if inserted:
            parts.append(insert_data(inserted))
        self.store.update(" ;\n".join(parts))
        self.store.flush()


__all__ = ["MAX_COPY_QUADS", "Change", "Writer", "delete_data"]
