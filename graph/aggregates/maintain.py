"""Keep the aggregates in step with every write: the affected keys' rows, recomputed in its transaction.

From the statements a write adds and removes, each aggregate takes its seeds (``Trigger``: e.g. the subject
of an ``org:hasMember`` statement) and reaches the keys whose rows may change, twice: before the write (read
here, under the writer's lock) and after it (evaluated inside the write's own update, after the base change).
The text :func:`maintenance` returns is appended to the write's update (``Store.apply_change(..., then=)``):
it deletes those keys' rows and inserts them again from the base data, in the same request, so a reader sees
base data and aggregates in step (one transaction on Oxigraph; on Virtuoso, as atomic as any write there).

The aggregate rows sit in the merged default graph too, as every named graph's statements do. An aggregate
derived from another (``Aggregate.source``) comes after it in ``AGGREGATES``: its operations run after its
source's, and its reach reads the source's rows before the write (here) and after it (in the update).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

import pyoxigraph as ox

from graph.aggregates.define import AGGREGATES, is_aggregate_graph
from graph.aggregates.difference import settle_ops, weigh_ops
from graph.aggregates.model import SV, Aggregate, into_both, over_base
from graph.errors import ForbiddenOperationError
from graph.namespaces import META_GRAPH
from graph.store.protocol import Store

PROV = "http://www.w3.org/ns/prov#"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
META = str(META_GRAPH)
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
AGGREGATE_GRAPH_CLASS = SV + "AnalysisResult"  # as analysis write-back types its graphs
Key = tuple[ox.NamedNode | ox.Literal | ox.BlankNode, ...]
AGGREGATE_WRITE_REFUSED = (
    "<{graph}> is an aggregate kept in step with the base data by every write; it cannot be written"
    " directly (write the base data, or run `samverkan aggregates rebuild`)"
)


# Our operations follow a store's own in one request, where no prologue may stand (Oxigraph refuses a PREFIX
# after ";"), and a server receives them as written: prefixed names are written out in full.
_NAMESPACES = {
    "sv": SV,
    "org": "http://www.w3.org/ns/org#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_PREFIXED = re.compile(r"(?<![\w<#/])(" + "|".join(_NAMESPACES) + r"):([A-Za-z][\w-]*)")


def expand(text: str) -> str:
    """Write the prefixed names of our own SPARQL (no literal holds a colon) as full IRIs."""
    return _PREFIXED.sub(lambda m: f"<{_NAMESPACES[m.group(1)]}{m.group(2)}>", text)


def join_ops(ops: Iterable[str]) -> str:
    """One update text of the operations, joined as the stores join their own."""
    return " ;\n".join(expand(op) for op in ops)


def refuse_aggregate_graph(graph: str) -> None:
    """Refuse a write by a user into an aggregate graph.

    Raises:
        ForbiddenOperationError: naming the graph.
    """
    if is_aggregate_graph(graph):
        raise ForbiddenOperationError(AGGREGATE_WRITE_REFUSED.format(graph=graph))


def refuse_aggregate_writes(quads: Iterable[ox.Quad]) -> None:
    """Refuse a change by a user that writes an aggregate graph (see ``refuse_aggregate_graph``)."""
    for g in {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}:
        refuse_aggregate_graph(g)


def seeds_of(aggregate: Aggregate, quads: Iterable[ox.Quad]) -> dict[str, set[ox.NamedNode]]:
    """The resources of changed statements that can change the aggregate, by reach group."""
    by_predicate: dict[str, list[tuple[str, str, str | None]]] = {}
    for t in aggregate.triggers:
        by_predicate.setdefault(t.predicate, []).append((t.position, t.group, t.type_object))
    found: dict[str, set[ox.NamedNode]] = {}
    for q in quads:
        if is_aggregate_graph(getattr(q.graph_name, "value", "")):
            continue
        for position, group, type_object in by_predicate.get(q.predicate.value, ()):
            if type_object is not None and getattr(q.object, "value", None) != type_object:
                continue
            node = q.subject if position == "s" else q.object
            if isinstance(node, ox.NamedNode):  # a blank node cannot be named in VALUES
                found.setdefault(group, set()).add(node)
    return found


def _values(var: str, nodes: Iterable[ox.NamedNode]) -> str:
    return f"VALUES ?{var} {{ {' '.join(str(n) for n in sorted(nodes, key=lambda n: n.value))} }}"


def reach_query(aggregate: Aggregate, seeds: dict[str, set[ox.NamedNode]]) -> str:
    """A group binding the aggregate's key variables reached from the seeds (empty text without seeds)."""
    parts = [
        f"{{ {_values('seed', nodes)} {aggregate.reach[group]} }}"
        for group, nodes in sorted(seeds.items())
        if nodes
    ]
    return " UNION ".join(parts)


def keys_before(store: Store, aggregate: Aggregate, seeds: dict[str, set[ox.NamedNode]]) -> list[Key]:
    """The keys the seeds reach in the store as it is (before the write)."""
    reach = reach_query(aggregate, seeds)
    if not reach:
        return []
    variables = " ".join("?" + k for k in aggregate.keys)
    rows = store.select(f"SELECT DISTINCT {variables} WHERE {{ {reach} }}")
    keys: list[Key] = []
    for row in rows:
        values = tuple(row.get(k) for k in aggregate.keys)
        if all(isinstance(v, ox.NamedNode | ox.Literal) for v in values):
            keys.append(values)  # type: ignore[arg-type]  # checked just above
    return keys


def keyset(
    aggregate: Aggregate, before: list[Key], seeds: dict[str, set[ox.NamedNode]], *, apart: bool = False
) -> list[str]:
    """Subqueries binding the keys to recompute: those reached before the write, and after it.

    One subquery (a UNION of the two), or with ``apart`` one for each: Virtuoso 7.2.5 joins a UNION operand
    that is a VALUES block alone with the other operands instead of adding its rows
    (openlink/virtuoso-opensource#1014), which lost the keys a write moved away from; wrapped in a subquery
    of its own, the operand made it fail (VECSL internal error). Empty without keys.
    """
    variables = " ".join("?" + k for k in aggregate.keys)
    parts = []
    if before:
        rows = " ".join("(" + " ".join(str(v) for v in key) + ")" for key in before)
        parts.append(f"{{ VALUES ({variables}) {{ {rows} }} }}")
    if reach := reach_query(aggregate, seeds):
        parts.append(reach)
    groups = [[p] for p in parts] if apart else [parts] if parts else []
    return [f"{{ SELECT DISTINCT {variables} WHERE {{ {' UNION '.join(g)} }} }}" for g in groups]


def _row_pattern(aggregate: Aggregate) -> str:
    keys = " ; ".join(f"<{p}> ?{k}" for p, k in zip(aggregate.key_properties, aggregate.keys, strict=True))
    return f"?row {keys} . ?row ?p ?o"


def recompute_ops(aggregate: Aggregate, keysets: list[str], merged: str | None) -> list[str]:
    """Delete the rows of the keys each of ``keysets`` binds, then insert them again from the base data."""
    g = aggregate.graph
    deletes = [
        f"DELETE {{ {into_both(g, '?row ?p ?o', merged)} }} WHERE {{ {over_base(keys, merged)}"
        f" GRAPH <{g}> {{ {_row_pattern(aggregate)} }} }}"
        for keys in keysets
    ]
    inserts = [
        f"INSERT {{ {into_both(g, aggregate.rows, merged)} }}"
        f" WHERE {{ {over_base(aggregate.where(keys), merged)} }}"
        for keys in keysets
    ]
    return deletes + inserts


def stamp_quads(aggregate: Aggregate, *, at: datetime, activity: str, used: Iterable[str]) -> list[ox.Quad]:
    """The aggregate's provenance: generated at ``at`` by an activity that used ``used``.

    The description sits in graph:meta, as analysis write-back's does (and a build's), so the aggregate's own
    graph holds its rows alone.
    """
    g, act, meta = (
        ox.NamedNode(aggregate.graph),
        ox.NamedNode(f"{aggregate.graph}#activity"),
        ox.NamedNode(META),
    )
    # Whole seconds: a server gives fractions back in its own form, which the Writer's copy would not match.
    when = ox.Literal(at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=ox.NamedNode(XSD_DATETIME))
    n = ox.NamedNode
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (g, n(RDF_TYPE), n(AGGREGATE_GRAPH_CLASS)),
        (g, n(RDF_TYPE), n(PROV + "Entity")),
        (g, n(RDFS_LABEL), ox.Literal(aggregate.title, language="en")),
        (g, n(SV + "measure"), ox.Literal("aggregate/" + aggregate.name)),
        (g, n(SV + "aggregateDefinition"), ox.Literal(aggregate.definition)),
        (g, n(PROV + "generatedAtTime"), when),
        (g, n(PROV + "wasGeneratedBy"), act),
        (act, n(RDF_TYPE), n(PROV + "Activity")),
        (act, n(PROV + "endedAtTime"), when),
        (act, n(RDFS_LABEL), ox.Literal(activity, language="en")),
        *((act, n(PROV + "used"), n(u)) for u in sorted(set(used))),
    ]
    return [ox.Quad(s, p, o, meta) for s, p, o in triples]


def held_stamps(store: Store, aggregates: Iterable[Aggregate]) -> set[ox.Triple]:
    """The provenance the store holds for ``aggregates``: their graphs' and activities' statements in meta."""
    subjects = " ".join(f"<{a.graph}> <{a.graph}#activity>" for a in aggregates)
    if not subjects:
        return set()
    rows = store.select(
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {subjects} }} GRAPH <{META}> {{ ?s ?p ?o }} }}"
    )
    return {ox.Triple(r["s"], r["p"], r["o"]) for r in rows}  # type: ignore[arg-type]  # s, p: IRIs


def stamp_ops(
    aggregates: Iterable[Aggregate],
    *,
    at: datetime,
    activity: str,
    used: Iterable[str],
    merged: str | None,
    held: set[ox.Triple] | None = None,
) -> list[str]:
    """Replace the aggregates' provenance (``stamp_quads``), as update operations for them all.

    Without ``held``: two operations, a pattern's delete and the new statements. With what the store holds
    (``held_stamps``, read before the write): only the statements that change, as data. On disk a pattern's
    delete reads past the tombstone of every stamp an earlier write removed (a new time each write): at
    10 M triples, on a store many writes old, 16.1 ms for the two operations against 2.6 ms as data
    (``samverkan bench aggregates --parts``).
    """
    aggregates, used = list(aggregates), list(used)
    if not aggregates:
        return []
    stamps = {q.triple for a in aggregates for q in stamp_quads(a, at=at, activity=activity, used=used)}
    if held is not None:
        gone, come = held - stamps, stamps - held
        ops = [f"DELETE DATA {{ {into_both(META, _triples(gone), merged)} }}"] if gone else []
        return ops + ([f"INSERT DATA {{ {into_both(META, _triples(come), merged)} }}"] if come else [])
    subjects = " ".join(f"<{a.graph}> <{a.graph}#activity>" for a in aggregates)
    return [
        f"DELETE {{ {into_both(META, '?s ?p ?o', merged)} }} WHERE {{ VALUES ?s {{ {subjects} }}"
        f" GRAPH <{META}> {{ ?s ?p ?o }} }}",
        f"INSERT DATA {{ {into_both(META, _triples(stamps), merged)} }}",
    ]


def _triples(triples: Iterable[ox.Triple]) -> str:
    return " ".join(f"{t} ." for t in sorted(triples, key=str))


def maintenance(
    store: Store, added: Iterable[ox.Quad], removed: Iterable[ox.Quad], *, at: datetime | None = None
) -> str:
    """The update text that brings every aggregate a change touches in step, to run after the change.

    Reads the store as it is before the change (call it under the write lock, before writing). Empty when
    the change touches no aggregate's inputs, or the store holds no aggregates (never rebuilt).

    Raises:
        ForbiddenOperationError: the change writes an aggregate graph.
    """
    return join_ops(op for _, ops in maintenance_pieces(store, added, removed, at=at) for op in ops)


def maintenance_pieces(
    store: Store, added: Iterable[ox.Quad], removed: Iterable[ox.Quad], *, at: datetime | None = None
) -> list[tuple[str, list[str]]]:
    """The operations of :func:`maintenance`, in their order, each piece named by the aggregate it serves.

    An aggregate kept by difference has two pieces: its weighing before its source's operations (the rows
    as they were) and the rest after them. The last piece, "provenance", stamps every aggregate brought in
    step. Apart, so that a benchmark can say what each aggregate costs.

    Raises:
        ForbiddenOperationError: the change writes an aggregate graph.
    """
    changed = [*added, *removed]
    refuse_aggregate_writes(changed)
    seeded = [(a, s) for a in AGGREGATES if (s := seeds_of(a, changed))]
    if not seeded or not has_aggregates(store):
        return []
    merged = store.merged_graph
    used = sorted({q.graph_name.value for q in changed if isinstance(q.graph_name, ox.NamedNode)})
    write = uuid.uuid4().hex  # names the write's scratch graphs (graph.aggregates.difference)
    keysets: dict[str, list[str]] = {}  # per aggregate recomputed: its keys
    pieces: list[tuple[str, list[str]]] = []  # in the order of AGGREGATES, a weighing before its source
    for aggregate, seeds in seeded:
        if aggregate.by_difference is not None:
            source = aggregate.source or ""
            if source not in keysets:
                continue  # its source did not change
            # Weighed before its source's operations (the rows as they were) and after them (as they are).
            at_source = next(i for i, (name, _) in enumerate(pieces) if name == source)
            before_source = weigh_ops(aggregate, keysets[source], merged, sign=-1, write=write)
            pieces.insert(at_source, (aggregate.name, before_source))
            segment = weigh_ops(aggregate, keysets[source], merged, sign=+1, write=write)
            segment += settle_ops(aggregate, keysets[source], merged, write=write)
        else:
            before = keys_before(store, aggregate, seeds)
            keysets[aggregate.name] = keyset(aggregate, before, seeds, apart=merged is not None)
            segment = recompute_ops(aggregate, keysets[aggregate.name], merged)
        pieces.append((aggregate.name, segment))
    stamped = [a for a, _ in seeded if any(name == a.name for name, _ in pieces)]
    # The held stamps as data on the embedded store only: a server may give a literal back in another form
    # than it holds (a time's fraction), which a DELETE DATA would then miss.
    held = held_stamps(store, stamped) if merged is None else None
    provenance = stamp_ops(
        stamped,
        at=at or datetime.now(UTC),
        activity="incremental update after a write",
        used=used,
        merged=merged,
        held=held,
    )
    if provenance:
        pieces.append(("provenance", provenance))
    return pieces


def has_aggregates(store: Store) -> bool:
    """Whether the store holds the aggregates (a rebuild stamped every one); if not, writes leave them be.

    Every one, as defined now: a store rebuilt before an aggregate was added, or before one's rows changed
    shape (its ``definition`` digest), answers from the base data (and leaves the aggregates it holds be)
    until ``samverkan aggregates rebuild``.
    """
    stamps = " ".join(
        f'<{a.graph}> <{PROV}generatedAtTime> ?t{i} ; <{SV}aggregateDefinition> "{a.definition}" .'
        for i, a in enumerate(AGGREGATES)
    )
    return bool(store.query(f"ASK {{ GRAPH <{META}> {{ {stamps} }} }}"))


__all__ = [
    "AGGREGATE_WRITE_REFUSED",
    "expand",
    "has_aggregates",
    "held_stamps",
    "join_ops",
    "keys_before",
    "keyset",
    "maintenance",
    "maintenance_pieces",
    "reach_query",
    "recompute_ops",
    "refuse_aggregate_graph",
    "refuse_aggregate_writes",
    "seeds_of",
    "stamp_ops",
    "stamp_quads",
]
