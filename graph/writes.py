"""Validated, atomic writes: compute the change without touching the store, check the shapes, then apply it.

The one write path of samverkan: the SPARQL Update and Graph Store routes and ``samverkan import`` all go
through a ``Writer``.

A SPARQL update is evaluated on an in-memory copy of the whole store (the curated store holds thousands of
quads; a store above ``MAX_COPY_QUADS`` refuses SPARQL Update, and the Graph Store Protocol still writes whole
graphs). The difference in the named graphs between copy and store is validated with
``validate_store_change`` and applied in one transaction by the store (``apply_change``, or
``replace_graphs`` when statements with blank nodes go). The default graph is the store's merge of the named
graphs: writes name their graph. Writes are serialised by a lock: no writer validates against a stale store.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.aggregates.maintain import (
    has_aggregates,
    maintenance,
    refuse_aggregate_graph,
    refuse_aggregate_writes,
)
from graph.aggregates.rebuild import large_change, rebuild
from graph.errors import DefaultGraphWriteError, LimitExceededError, QueryError, ValidationError, Violation
from graph.ingest.quads import Parsed
from graph.namespaces import PREFIXES
from graph.store.embedded import REMERGE_ALL
from graph.store.guard import decode_codepoints, drop_silent_loads, mask_literals
from graph.store.protocol import Store

MAX_COPY_QUADS = 2_000_000
_MOVE_TO_DEFAULT = re.compile(r"(?<![\w?$:])MOVE\b[^;]*?\bTO\s+DEFAULT\b", re.IGNORECASE)
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


def _named(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    return {q for q in quads if isinstance(q.graph_name, ox.NamedNode)}


def _has_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def _sync_graph_names(store: Store, copy: ox.Store) -> None:
    """Drop the graphs the update dropped, create the empty graphs it created (GET: 404, 200)."""
    kept = {g.value for g in copy.named_graphs() if isinstance(g, ox.NamedNode)}
    held = set(store.graph_names())
    parts = [f"DROP SILENT GRAPH <{g}>" for g in sorted(held - kept)]
    parts += [f"CREATE SILENT GRAPH <{g}>" for g in sorted(kept - held)]
    if parts:
        store.update(" ;\n".join(parts))


# Told of each committed write: what it added and removed, the store's write generation before and after.
# Called with the store's write lock held, so no other write lands between; it must not raise.
WriteObserver = Callable[[set[ox.Quad], set[ox.Quad], int | None, int | None], None]


class Writer:
    """The one way samverkan writes to a store: validated against the shapes, atomic, reported.

    ``observers`` are told of each write it commits (e.g. the name index, api/routes/name_search.py).
    """

    def __init__(self, store: Store, *, observers: Iterable[WriteObserver] = ()) -> None:
        self.store = store
        self.observers = list(observers)
        self._lock = threading.Lock()

    def _tell(self, added: Iterable[ox.Quad], removed: Iterable[ox.Quad], before: int | None) -> None:
        after = self.store.write_generation
        for observe in self.observers:
            observe(set(added), set(removed), before, after)

    def update(self, sparql: str, *, base_iri: str | None = None) -> Change:
        """Run a SPARQL 1.1 update: on a copy first, validated, then applied to the store in one transaction.

        The default graph is the merge of the named graphs: a statement deleted from it (DELETE DATA or
        DELETE WHERE without GRAPH, CLEAR/DROP DEFAULT, the target of COPY) is deleted from every named
        graph that held it before the update; a statement inserted into it that no named graph holds is
        refused, and so is ``MOVE <g> TO DEFAULT`` (<g> would go, and its statements with it). ``LOAD
        SILENT`` is a no-op (this server never fetches documents).

        Raises:
            ForbiddenOperationError: LOAD or SERVICE.
            QueryError: the update does not parse or fails on the copy.
            DefaultGraphWriteError: the update writes the default graph.
            ValidationError: the result would break the shapes; nothing was written.
            LimitExceededError: the store is too large to copy.
        """
        sparql = drop_silent_loads(sparql)
        self.store.check_update(sparql)  # LOAD, SERVICE (NOW() and the like are fine: applied as computed)
        if _MOVE_TO_DEFAULT.search(mask_literals(decode_codepoints(sparql))):
            # the source graph goes, and the default graph holds no statement of its own: all would be lost
            raise DefaultGraphWriteError(DEFAULT_GRAPH_REFUSED)
        with self._lock, self.store.write_lock:
            generation = self.store.write_generation
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
            for g in self.store.graph_names():  # empty graphs too: the update may drop or test them
                copy.add_graph(ox.NamedNode(g))
            try:
                copy.update(sparql, prefixes=PREFIXES, base_iri=base_iri)
            except SyntaxError as exc:
                msg = f"SPARQL syntax error: {exc}"
                raise QueryError(msg) from exc
            except (RuntimeError, OSError, ValueError) as exc:
                msg = f"the update cannot be evaluated: {exc}"
                raise QueryError(msg) from exc
            old_default = {q.triple for q in before if not isinstance(q.graph_name, ox.NamedNode)}
            new_default = {q.triple for q in copy.quads_for_pattern(None, None, None, ox.DefaultGraph())}
            gone = old_default - new_default
            if gone:  # deleted from the merge: gone from every named graph that held it before the update
                for q in named:
                    if q.triple in gone:
                        copy.remove(q)
            new_named = _named(copy)
            held = {q.triple for q in new_named}
            if any(
                t not in held and t not in old_default
                for t in (q.triple for q in copy.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            ):
                raise DefaultGraphWriteError(DEFAULT_GRAPH_REFUSED)
            copy.update(REMERGE_ALL)
            old_named = _named(before)
            added, removed = new_named - old_named, old_named - new_named
            change = self._validate(added, removed)
            then, rebuild_after = self._in_step(added, removed)
            if any(_has_blank(q) for q in removed):
                graphs = {
                    q.graph_name.value for q in (*added, *removed) if isinstance(q.graph_name, ox.NamedNode)
                }
                content = [
                    q
                    for q in new_named
                    if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in graphs
                ]
                self.store.replace_graphs(content, graphs=sorted(graphs), then=then)
            elif added or removed:
                self.store.apply_change(added, removed, then=then)
            _sync_graph_names(self.store, copy)
            self._after(rebuild_after)
            self._tell(added, removed, generation)
            return change

    def replace_graph(self, graph: str | None, quads: list[ox.Quad]) -> Change:
        """Replace one named graph by ``quads`` (none: drop it), validated.

        Raises:
            DefaultGraphWriteError: the default graph (``None``) was named.
            ValidationError: the new content breaks the shapes; nothing was written.
        """
        if graph is None:
            raise DefaultGraphWriteError(DEFAULT_GRAPH_REFUSED)
        refuse_aggregate_graph(graph)
        with self._lock, self.store.write_lock:
            before = self.store.write_generation
            old, new = set(self.store.quads(graph)), set(quads)
            change = self._validate(new - old, old - new)
            then, rebuild_after = self._in_step(new - old, old - new)
            if new:
                self.store.replace_graphs(new, graphs=[graph], then=then)
            else:  # DROP, not CLEAR: the graph's name goes too (the store re-merges its default graph)
                if then:  # empty it with the aggregates in step first; the DROP then only drops the name
                    self.store.replace_graphs([], graphs=[graph], then=then)
                self.store.update(f"DROP SILENT GRAPH <{graph}>")
            self._after(rebuild_after)
            self._tell(new - old, old - new, before)
            return change

    def add_to_graph(self, graph: str | None, quads: list[ox.Quad]) -> Change:
        """Merge ``quads`` into a named graph, validated.

        Raises:
            DefaultGraphWriteError: the default graph (``None``) was named.
            ValidationError: the merged content breaks the shapes; nothing was written.
        """
        if graph is None:
            raise DefaultGraphWriteError(DEFAULT_GRAPH_REFUSED)
        return self.add(quads)

    def add(
        self,
        quads: Iterable[ox.Quad],
        *,
        parsed: Parsed | None = None,
        source: str = "the request",
        validate: bool = True,
        record: Iterable[ox.Quad] = (),
    ) -> Change:
        """Merge ``quads`` into the named graphs they carry, validated, in one transaction.

        Args:
            quads: statements in named graphs (a quad in the default graph is refused).
            parsed: where the statements were read, so that a violation names the file and line or row.
            source: what the statements came from, for the error message.
            validate: check the shapes (a bulk load of trusted data may skip it).
            record: statements about the write itself (graph:meta/imports), written with it, not validated.

        Raises:
            DefaultGraphWriteError: a quad is in the default graph.
            ValidationError: the merged content breaks the shapes; nothing was written.
        """
        new = set(quads)
        graphs = {q.graph_name.value for q in new if isinstance(q.graph_name, ox.NamedNode)}
        if any(not isinstance(q.graph_name, ox.NamedNode) for q in new):
            raise DefaultGraphWriteError(DEFAULT_GRAPH_REFUSED)
        with self._lock, self.store.write_lock:
            before = self.store.write_generation
            added = new - {q for g in sorted(graphs) for q in self.store.quads(g)}
            change = self._validate(added, set(), parsed=parsed, source=source) if validate else Change()
            change.added = len(added)
            extra = list(record)
            if added or extra:
                then, rebuild_after = self._in_step(added, ())
                self.store.apply_change([*added, *extra], (), then=then)
                self._after(rebuild_after)
                self._tell([*added, *extra], (), before)
            return change

    def apply(
        self,
        added: Iterable[ox.Quad],
        removed: Iterable[ox.Quad],
        *,
        parsed: Parsed | None = None,
        source: str = "the request",
        record: Callable[[set[ox.Quad], set[ox.Quad]], list[ox.Quad]] | None = None,
    ) -> tuple[Change, set[ox.Quad], set[ox.Quad]]:
        """Add and remove quads in one validated transaction, with a record of what changed (history).

        Only the effective change is applied and recorded: added quads the store lacks, removed quads it
        holds (read under the lock). ``record(added, removed)`` returns statements about the write itself,
        written in the same transaction, not validated.

        Returns:
            The change, and the quads actually added and removed.

        Raises:
            DefaultGraphWriteError: a quad is in the default graph.
            ValidationError: the result breaks the shapes; nothing was written.
        """
        new, gone = set(added), set(removed)
        if any(not isinstance(q.graph_name, ox.NamedNode) for q in new | gone):
            raise DefaultGraphWriteError(DEFAULT_GRAPH_REFUSED)
        graphs = sorted({q.graph_name.value for q in new | gone if isinstance(q.graph_name, ox.NamedNode)})
        with self._lock, self.store.write_lock:
            before = self.store.write_generation
            held = {q for g in graphs for q in self.store.quads(g)}
            new, gone = new - held, gone & held
            change = self._validate(new, gone, parsed=parsed, source=source)
            extra = record(new, gone) if record else []
            if new or gone or extra:
                then, rebuild_after = self._in_step(new, gone)
                self.store.apply_change([*new, *extra], gone, then=then)
                self._after(rebuild_after)
                self._tell([*new, *extra], gone, before)
            return change, new, gone

    def _in_step(self, added: Iterable[ox.Quad], removed: Iterable[ox.Quad]) -> tuple[str, bool]:
        """The aggregates' update to run in the write's own request, or (for a large change) a rebuild after.

        Returns the update text, and whether to rebuild once the write is done: a large change re-derived
        key by key in one request took minutes (an import of 35 thousand statements), a rebuild seconds.
        Readers meanwhile see the base data: a rebuild withdraws the aggregates' provenance first.
        """
        added, removed = list(added), list(removed)
        if large_change(self.store, len(added) + len(removed)):
            refuse_aggregate_writes([*added, *removed])
            return "", has_aggregates(self.store)
        return maintenance(self.store, added, removed), False

    def _after(self, rebuild_after: bool) -> None:
        if rebuild_after:
            rebuild(self.store)
        self.store.flush()

    def _validate(
        self,
        added: set[ox.Quad],
        removed: set[ox.Quad],
        *,
        parsed: Parsed | None = None,
        source: str = "the request",
    ) -> Change:
        from graph.validate.shacl import validate_store_change

        change = Change(added=len(added), removed=len(removed))
        if not added and not removed:
            return change
        violations = validate_store_change(self.store, added, removed, parsed=parsed)
        errors = [v for v in violations if v.severity == "Violation"]
        if errors:
            raise ValidationError(errors, source=source)
        change.warnings = [v for v in violations if v.severity != "Violation"]
        return change


__all__ = ["DEFAULT_GRAPH_REFUSED", "MAX_COPY_QUADS", "Change", "WriteObserver", "Writer"]
