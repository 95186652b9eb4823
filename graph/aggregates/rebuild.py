"""Rebuild every aggregate from the base data in one write, and say what the aggregates hold."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox

from graph.aggregates.define import AGGREGATES, is_aggregate_graph
from graph.aggregates.maintain import (
    META,
    PROV,
    expand,
    has_aggregates,
    held_stamps,
    join_ops,
    maintenance,
    stamp_ops,
    stamp_quads,
)
from graph.aggregates.model import RDF_TYPE, SV, Aggregate, into_both, over_base
from graph.store.protocol import Row, Store

# The activities a rebuild stamps (prov:wasGeneratedBy, shown by `samverkan aggregates status`).
FULL_REBUILD = "full rebuild"
PARTIAL_REBUILD = "rebuild of these aggregates alone"  # the others' rows and stamps stay as they were


def rebuild_ops(store: Store, *, at: datetime | None = None) -> str:
    """The update text that empties every aggregate graph (and its share of the merge), then derives it."""
    merged = store.merged_graph
    used = [g for g in store.graph_names() if not is_aggregate_graph(g)]
    ops: list[str] = []
    for a in AGGREGATES:
        g = a.graph
        ops += [
            f"DELETE {{ {into_both(g, '?s ?p ?o', merged)} }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}",
            f"INSERT {{ {into_both(g, a.rows, merged)} }} WHERE {{ {over_base(a.where(''), merged)} }}",
        ]
    ops += stamp_ops(AGGREGATES, at=at or datetime.now(UTC), activity=FULL_REBUILD, used=used, merged=merged)
    return join_ops(ops)


def rebuild(store: Store, names: Iterable[str] | None = None) -> tuple[Aggregate, ...]:
    """Rebuild the aggregates from the base data (other writers held off meanwhile): all, or ``names``.

    With ``names``, those aggregates and every one derived from them (``dependents``): after an upgrade that
    adds or reshapes a few (``outdated``), the others' rows stay as they are. At 10 M triples a rebuild of
    all took 15 minutes and 11 GB. Each rebuilt aggregate's provenance says which kind of rebuild it was.

    The rows are derived once per aggregate by one query over the base data (or over its source's rows).
    On a server, only the difference to what the graphs hold is written, one write per aggregate in order
    (a derived aggregate reads its source's new rows), the provenance out first and back last. On an embedded
    store the queries run on an in-memory copy of the aggregates' inputs alone (``input_copy``) and the write
    is a swap, NOT one transaction (a failure part-way is repaired by rebuilding again): the provenance
    goes out first and comes back last, so that meanwhile queries read the base data (``has_aggregates``);
    in between, the rows that go out in one transaction and those that come in through the bulk loader.
    Where the aggregate graphs are empty (a first build, an import into a new store) the rows are inserted in
    the copy and loaded from there by Oxigraph's bulk loader, Rust end to end.

    Returns:
        The aggregates rebuilt, in the order of ``AGGREGATES``.

    Raises:
        ValueError: ``names`` holds a name no aggregate has.
    """
    targets = AGGREGATES if names is None else dependents(names)
    activity = FULL_REBUILD if names is None else PARTIAL_REBUILD
    with store.write_lock:
        at = datetime.now(UTC)
        used = [g for g in store.graph_names() if not is_aggregate_graph(g)]
        stamps = [q for a in targets for q in stamp_quads(a, at=at, activity=activity, used=used)]
        meta = ox.NamedNode(META)
        held = [ox.Quad(t.subject, t.predicate, t.object, meta) for t in held_stamps(store, targets)]
        engine = input_copy(store, targets)
        if engine is None:  # an aggregate derived from another reads its source's new rows: one write each
            store.apply_change((), list(set(held) - set(stamps)))
            for a in targets:
                added, removed = _difference(store, None, (a,))
                if added or removed:
                    store.apply_change(added, removed)
            store.apply_change(list(set(stamps) - set(held)), ())
        else:
            _copy_sources(store, engine, targets)
            if not any(store.count(a.graph) for a in targets):
                if held:
                    store.apply_change((), held)
                store.bulk_load_staged(_derived_in(engine, targets))
            else:
                added, removed = _difference(store, engine, targets)
                if removed or held:
                    store.apply_change((), [*removed, *held])
                if added:
                    store.bulk_add(added)
            store.add(stamps)
        store.flush()
    return targets


def dependents(names: Iterable[str]) -> tuple[Aggregate, ...]:
    """The aggregates named and every one derived from them, in the order of ``AGGREGATES``.

    Raises:
        ValueError: a name no aggregate has.
    """
    wanted = set(names)
    if unknown := sorted(wanted - {a.name for a in AGGREGATES}):
        msg = f"no aggregate {', '.join(unknown)}; they are {', '.join(a.name for a in AGGREGATES)}"
        raise ValueError(msg)
    chosen: list[Aggregate] = []
    for a in AGGREGATES:  # a source comes before what derives from it
        if a.name in wanted or a.source in {c.name for c in chosen}:
            chosen.append(a)
    return tuple(chosen)


def _copy_sources(store: Store, engine: ox.Store, targets: tuple[Aggregate, ...]) -> None:
    """Copy into ``engine`` the held rows of the sources that ``targets`` read but do not rebuild."""
    rebuilt = {a.name for a in targets}
    sources = {a.source for a in targets if a.source and a.source not in rebuilt}
    for a in AGGREGATES:
        if a.name in sources:
            engine.bulk_extend(store.quads(a.graph))


def _difference(
    store: Store, engine: ox.Store | None, aggregates: tuple[Aggregate, ...] = AGGREGATES
) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """The rows to add to and to remove from the aggregate graphs for them to hold what is derived now.

    ``engine``: derive ``aggregates`` there, in order (``_derived_in``); else through ``store``, where an
    aggregate derived from another reads the source's rows the store holds.
    """
    added: list[ox.Quad] = []
    removed: list[ox.Quad] = []
    staged = _derived_in(engine, aggregates) if engine is not None else None
    for a in aggregates:
        g = ox.NamedNode(a.graph)
        if staged is not None:
            new = set(staged.quads_for_pattern(None, None, None, g))
        else:
            new = {ox.Quad(t.subject, t.predicate, t.object, g) for t in derived_rows(store, a)}
        old = set(store.quads(a.graph))
        added += new - old
        removed += old - new
    return added, removed


def _derived_in(engine: ox.Store, aggregates: tuple[Aggregate, ...] = AGGREGATES) -> ox.Store:
    """The copy of the inputs turned into a staging store of the derived rows, in the aggregates' graphs.

    In the order of ``AGGREGATES``: an aggregate derived from another reads the rows just derived here (or
    the source's held rows, ``_copy_sources``, dropped with the inputs).
    """
    for a in aggregates:
        engine.update(expand(f"INSERT {{ GRAPH <{a.graph}> {{ {a.rows} }} }} WHERE {{ {a.where('')} }}"))
    engine.update("CLEAR DEFAULT")  # the inputs: a staging store's default graph must be empty
    kept = {a.graph for a in aggregates}
    for g in [n.value for n in engine.named_graphs() if isinstance(n, ox.NamedNode)]:
        if g not in kept:
            engine.update(f"DROP GRAPH <{g}>")  # a source's held rows, read but not rebuilt
    return engine


def input_predicates(
    aggregates: Iterable[Aggregate] = AGGREGATES,
) -> tuple[frozenset[str], frozenset[str]]:
    """What the aggregates read: their triggers' predicates, and the classes their rdf:type triggers name.

    The incremental maintenance already rests on every input statement being a trigger (a statement that is
    not could change rows unseen); tests/test_graph/test_aggregates.py holds each body to its own triggers'
    predicates (and its source's rows).
    """
    triggers = [t for a in aggregates for t in a.triggers]
    types = frozenset(t.type_object for t in triggers if t.type_object is not None)
    return frozenset(t.predicate for t in triggers), types


def input_copy(store: Store, aggregates: Iterable[Aggregate] = AGGREGATES) -> ox.Store | None:
    """An in-memory store of the inputs of ``aggregates`` (the merged default graph's statements they read).

    A few per cent of the store: the CONSTRUCTs run there several times faster than over the whole store on
    disk, and no slower than on the memory copy. Only what the aggregates rebuilt read: copying every
    aggregate's inputs took most of the three minutes a rebuild of one small aggregate took at 10 M triples.
    None on a server (no local engine): derive there.
    """
    engine = store.local_engine()
    if engine is None:
        return None
    predicates, types = input_predicates(aggregates)
    default = ox.DefaultGraph()
    copy = ox.Store()
    patterns: list[tuple[ox.NamedNode, ox.NamedNode | None]]
    patterns = [(ox.NamedNode(p), None) for p in sorted(predicates - {RDF_TYPE})]
    patterns += [(ox.NamedNode(RDF_TYPE), ox.NamedNode(t)) for t in sorted(types)]
    for p, o in patterns:
        copy.bulk_extend(engine.quads_for_pattern(None, p, o, default))
    return copy


def derived_rows(store: Store, aggregate: Aggregate, *, engine: ox.Store | None = None) -> set[ox.Triple]:
    """What a rebuild would put in the aggregate's graph now (its rows, without the provenance).

    ``engine``: evaluate on this store rather than through ``store``. An aggregate derived from another
    (``source``) reads the source's rows as held (in ``store``, or in ``engine``).
    """
    sparql = f"CONSTRUCT {{ {aggregate.rows} }} WHERE {{ {aggregate.where('')} }}"
    result = store.query(sparql) if engine is None else engine.query(expand(sparql))
    return set(result)  # type: ignore[arg-type]  # CONSTRUCT: triples, on every backend


def held_rows(store: Store, aggregate: Aggregate) -> set[ox.Triple]:
    """What the aggregate's graph holds now, without its provenance."""
    g = aggregate.graph
    return {
        t for t in store.triples(graph=g) if getattr(t.subject, "value", "").startswith(aggregate.row_prefix)
    }


@dataclass(frozen=True)
class AggregateStatus:
    """One aggregate: its graph, its rows and statements, and when it was last brought in step."""

    name: str
    graph: str
    rows: int
    triples: int
    updated: str | None
    activity: str | None
    current: bool  # built as this version defines it (its definition digest matches); False: never or another


def outdated(store: Store) -> list[str]:
    """The aggregates the store holds as another version defined them, or lacks while it holds others.

    Until they are rebuilt, queries read the base data. A store that holds none (never rebuilt) has none
    outdated: its writes leave the aggregates be. From their provenance alone: ``status`` also counts every
    row, seconds at 10 M triples.
    """
    rows = store.select(
        f"SELECT ?g ?definition WHERE {{ GRAPH <{META}> {{ ?g <{PROV}generatedAtTime> ?at"
        f" OPTIONAL {{ ?g <{SV}aggregateDefinition> ?definition }} }} }}"
    )
    held = {str(getattr(r.get("g"), "value", "")): getattr(r.get("definition"), "value", None) for r in rows}
    if not any(a.graph in held for a in AGGREGATES):
        return []
    return [a.name for a in AGGREGATES if held.get(a.graph) != a.definition]


def status(store: Store, aggregates: Iterable[Aggregate] = AGGREGATES) -> list[AggregateStatus]:
    """Rows, statements and the last update of each aggregate (``updated`` None: never built).

    Counting reads every row: about a minute for all of them at 10 M triples.
    """
    out = []
    for a in aggregates:
        g = a.graph
        rows = store.select(
            f"""SELECT (COUNT(DISTINCT ?row) AS ?rows) (COUNT(*) AS ?triples) WHERE {{ GRAPH <{g}> {{
                  ?row ?p ?o FILTER(STRSTARTS(STR(?row), "{a.row_prefix}")) }} }}"""
        )
        stamp = store.select(
            f"""SELECT ?at ?label ?definition WHERE {{ GRAPH <{META}> {{ <{g}> <{PROV}generatedAtTime> ?at ;
                  <{PROV}wasGeneratedBy> ?act .
                  OPTIONAL {{ ?act <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
                  OPTIONAL {{ <{g}> <{SV}aggregateDefinition> ?definition }}
                }} }}"""
        )

        def value(rows: list[Row], name: str) -> str | None:
            term = rows[0].get(name) if rows else None
            return str(getattr(term, "value", "")) if term is not None else None

        out.append(
            AggregateStatus(
                name=a.name,
                graph=g,
                rows=int(value(rows, "rows") or 0),
                triples=int(value(rows, "triples") or 0),
                updated=value(stamp, "at"),
                activity=value(stamp, "label"),
                current=value(stamp, "definition") == a.definition,
            )
        )
    return out


# Above this many statements in the loaded graphs, a bulk load rebuilds the aggregates rather than seeding.
BULK_REBUILD_QUADS = 20_000
# On an embedded store, also above one hundredth of the store: there the keyed re-derivation costs about 2 ms
# per loaded statement (15 thousand loaded into the curated store: 33 s) and the rebuild some 20 µs per
# statement of the store (the same store: 0.2 s; 108 thousand generated: 2.4 s), both measured on 2 cores.
EMBEDDED_REBUILD_SHARE = 100


def large_change(store: Store, changed: int) -> bool:
    """Whether ``changed`` statements are better followed by a rebuild than re-derived key by key.

    The same bounds as after a bulk load: keyed re-derivation costs about 2 ms a statement on an embedded
    store, so an import of a few thousand statements inside one update request took minutes.
    """
    return changed > BULK_REBUILD_QUADS or (
        store.local_engine() is not None and changed * EMBEDDED_REBUILD_SHARE > store.count()
    )


def after_bulk_load(store: Store, graphs: list[str]) -> None:
    """Bring the aggregates in step after a bulk load into ``graphs`` (not one transaction with it).

    A bulk load only adds, so the keys reached now include those reached before. Nothing happens where the
    store holds no aggregates.
    """
    if not graphs:
        return
    with store.write_lock:
        if not has_aggregates(store):
            return
        if large_change(store, sum(store.count(g) for g in graphs)):
            rebuild(store)
        elif then := maintenance(store, [q for g in graphs for q in store.quads(g)], ()):
            store.apply_change((), (), then=then)
        store.flush()


__all__ = [
    "BULK_REBUILD_QUADS",
    "EMBEDDED_REBUILD_SHARE",
    "FULL_REBUILD",
    "PARTIAL_REBUILD",
    "AggregateStatus",
    "after_bulk_load",
    "dependents",
    "derived_rows",
    "held_rows",
    "input_copy",
    "input_predicates",
    "large_change",
    "outdated",
    "rebuild",
    "rebuild_ops",
    "status",
]
