"""Validated, atomic writes: compute the change without touching the store, check the shapes, then apply it.

A SPARQL update is evaluated on an in-memory copy of the whole store (the curated store holds thousands of
quads; a store above ``MAX_COPY_QUADS`` refuses SPARQL Update, and the Graph Store Protocol still writes whole
graphs). The difference in the named graphs between copy and store is validated with
``validate_store_change`` and applied in one transaction by the store (``apply_change``, or
``replace_graphs`` when statements with blank nodes go). The default graph is the store's merge of the named
graphs: writes name their graph. Writes are serialised by a lock: no writer validates against a stale store.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pyoxigraph as ox

from api.errors import BadRequestError
from graph.errors import LimitExceededError, QueryError, ValidationError, Violation
from graph.namespaces import PREFIXES
from graph.store.embedded import REMERGE_ALL, GraphStore, check_deterministic
from graph.store.guard import check_update

MAX_COPY_QUADS = 2_000_000
DEFAULT_GRAPH_REFUSED = (
    "the default graph is the merge of the named graphs and cannot be written; put the statements in a"
    " named graph (GRAPH <https://w3id.org/samverkan/graph/source/...> { ... } or ?graph=IRI)"
)


@dataclass
class Change:
    """What a write added and removed, and the warnings the shapes raised."""

    added: int = 0
    removed: int = 0
    warnings: list[Violation] = field(default_factory=list)


def _named(quads: ox.Store | list[ox.Quad]) -> set[ox.Quad]:
    return {q for q in quads if isinstance(q.graph_name, ox.NamedNode)}


def _has_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


class Writer:
    """The one way the API writes to the store."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._lock = threading.Lock()

    def update(self, sparql: str) -> Change:
        """Run a SPARQL 1.1 update: on a copy first, validated, then applied to the store in one transaction.

        Raises:
            ForbiddenOperationError: LOAD or SERVICE.
            QueryError: the update does not parse, fails on the copy, or writes the default graph.
            ValidationError: the result would break the shapes; nothing was written.
            LimitExceededError: the store is too large to copy.
        """
        check_update(sparql)
        if self.store.mirror is not None:  # the copies would differ
            check_deterministic(sparql)
        with self._lock:
            size = self.store.count()
            if size > MAX_COPY_QUADS:
                msg = (
                    f"the store holds {size} statements; SPARQL Update runs on a copy and is limited to "
                    f"{MAX_COPY_QUADS}; write whole graphs with the Graph Store Protocol (/rdf-graphs)"
                )
                raise LimitExceededError(msg)
            named = list(self.store.quads())  # the same on every backend; the copy derives its default graph
            before = [*named, *(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in named)]
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
            old_default = {q.triple for q in before if not isinstance(q.graph_name, ox.NamedNode)}
            new_named = _named(copy)
            held = {q.triple for q in new_named}
            if any(
                t not in held and t not in old_default
                for t in (q.triple for q in copy.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            ):
                raise BadRequestError(DEFAULT_GRAPH_REFUSED)
            copy.update(REMERGE_ALL)
            old_named = _named(before)
            added, removed = new_named - old_named, old_named - new_named
            change = self._validate(added, removed)
            if any(_has_blank(q) for q in removed):
                graphs = {
                    q.graph_name.value for q in (*added, *removed) if isinstance(q.graph_name, ox.NamedNode)
                }
                content = [
                    q
                    for q in new_named
                    if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in graphs
                ]
                self.store.replace_graphs(content, graphs=sorted(graphs))
            elif added or removed:
                self.store.apply_change(added, removed)
            self.store.flush()
            return change

    def replace_graph(self, graph: str | None, quads: list[ox.Quad]) -> Change:
        """Replace one named graph by ``quads`` (none: drop it), validated.

        Raises:
            BadRequestError: the default graph was named.
            ValidationError: the new content breaks the shapes; nothing was written.
        """
        if graph is None:
            raise BadRequestError(DEFAULT_GRAPH_REFUSED)
        with self._lock:
            old, new = set(self.store.quads(graph)), set(quads)
            change = self._validate(new - old, old - new)
            if new:
                self.store.replace_graphs(new, graphs=[graph])
            else:  # DROP, not CLEAR: the graph's name goes too (the store re-merges its default graph)
                self.store.update(f"DROP SILENT GRAPH <{graph}>")
            self.store.flush()
            return change

    def add_to_graph(self, graph: str | None, quads: list[ox.Quad]) -> Change:
        """Merge ``quads`` into a named graph, validated.

        Raises:
            BadRequestError: the default graph was named.
            ValidationError: the merged content breaks the shapes; nothing was written.
        """
        if graph is None:
            raise BadRequestError(DEFAULT_GRAPH_REFUSED)
        with self._lock:
            added = set(quads) - set(self.store.quads(graph))
            change = self._validate(added, set())
            if added:
                self.store.add(added)
                self.store.flush()
            return change

    def _validate(self, added: set[ox.Quad], removed: set[ox.Quad]) -> Change:
        from graph.validate.shacl import validate_store_change

        change = Change(added=len(added), removed=len(removed))
        if not added and not removed:
            return change
        violations = validate_store_change(self.store, added, removed)
        errors = [v for v in violations if v.severity == "Violation"]
        if errors:
            raise ValidationError(errors, source="the request")
        change.warnings = [v for v in violations if v.severity != "Violation"]
        return change


__all__ = ["MAX_COPY_QUADS", "Change", "Writer"]
