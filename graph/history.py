"""The history of imports: each one a PROV activity in graph:meta/history, with what it changed, and undo.

Every import through ``record_import`` is applied in one validated transaction together with its record: who
(``--by`` or the settings), when, the file (name, SHA-256, size), and the exact quads it added and removed
(gzip-compressed N-Quads, base64, as ``rdf:value`` of two ``prov:Entity`` it generated). ``undo_import``
applies the inverse, itself recorded, and is refused while a later import that is still in effect touched the
same statements or used a resource the import created.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyoxigraph as ox

from graph.errors import SamverkanError, UnknownResourceError
from graph.ingest.quads import Parsed
from graph.namespaces import BASE, DCTERMS, FOAF, GRAPH, PROV, RDF, SCHEMA, XSD
from graph.store.protocol import Store
from graph.writes import Change, Writer

HISTORY_GRAPH = str(GRAPH["meta/history"])
ACTIVITY = BASE + "id/import/"


class UndoRefusedError(SamverkanError, ValueError):
    """An import cannot be undone: a later import depends on it, or the store changed since."""


@dataclass(frozen=True)
class Upload:
    """The file an import read: its name, SHA-256 and size."""

    name: str
    sha256: str
    size: int

    @classmethod
    def of(cls, name: str, data: bytes) -> Upload:
        """Describe ``data`` read from a file called ``name``."""
        return cls(name, hashlib.sha256(data).hexdigest(), len(data))


@dataclass
class Activity:
    """One recorded import or undo."""

    id: str
    kind: str  # "import" or "undo"
    by: str
    at: str
    files: list[Upload] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    undoes: str | None = None
    undone_by: str | None = None


def _node(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _pack(quads: set[ox.Quad]) -> str:
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return base64.b64encode(gzip.compress(text, compresslevel=6)).decode("ascii")


def _unpack(value: str) -> set[ox.Quad]:
    data = gzip.decompress(base64.b64decode(value))
    return set(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def _record(
    activity_id: str,
    *,
    kind: str,
    by: str,
    files: list[Upload],
    added: set[ox.Quad],
    removed: set[ox.Quad],
    undoes: str | None = None,
) -> list[ox.Quad]:
    g, a = _node(HISTORY_GRAPH), _node(ACTIVITY + activity_id)
    now = ox.Literal(datetime.now(UTC).isoformat(timespec="microseconds"), datatype=_node(XSD.dateTime))
    agent = _node(f"{a.value}#agent")
    quads = [
        ox.Quad(a, _node(RDF.type), _node(PROV.Activity), g),
        ox.Quad(a, _node(DCTERMS.type), ox.Literal(kind), g),
        ox.Quad(a, _node(DCTERMS.identifier), ox.Literal(activity_id), g),
        ox.Quad(a, _node(PROV.endedAtTime), now, g),
        ox.Quad(a, _node(PROV.wasAssociatedWith), agent, g),
        ox.Quad(agent, _node(RDF.type), _node(PROV.Agent), g),
        ox.Quad(agent, _node(FOAF.name), ox.Literal(by), g),
    ]
    for i, f in enumerate(files, 1):
        entity = _node(f"{a.value}#file-{i}")
        quads += [
            ox.Quad(a, _node(PROV.used), entity, g),
            ox.Quad(entity, _node(RDF.type), _node(PROV.Entity), g),
            ox.Quad(entity, _node(SCHEMA.name), ox.Literal(f.name), g),
            ox.Quad(entity, _node(SCHEMA.sha256), ox.Literal(f.sha256), g),
            ox.Quad(
                entity, _node(SCHEMA.contentSize), ox.Literal(str(f.size), datatype=_node(XSD.integer)), g
            ),
        ]
    for part, quads_of in (("added", added), ("removed", removed)):
        entity = _node(f"{a.value}#{part}")
        quads += [
            ox.Quad(a, _node(PROV.generated), entity, g),
            ox.Quad(entity, _node(RDF.type), _node(PROV.Entity), g),
            ox.Quad(entity, _node(DCTERMS.type), ox.Literal(part), g),
            ox.Quad(entity, _node(DCTERMS.format), ox.Literal("application/n-quads+gzip;base64"), g),
            ox.Quad(
                entity, _node(SCHEMA.size), ox.Literal(str(len(quads_of)), datatype=_node(XSD.integer)), g
            ),
            ox.Quad(
                entity, _node(RDF.value), ox.Literal(_pack(quads_of), datatype=_node(XSD.base64Binary)), g
            ),
        ]
    if undoes:
        quads.append(ox.Quad(a, _node(PROV.wasInformedBy), _node(ACTIVITY + undoes), g))
    return quads


def new_activity_id(files: list[Upload]) -> str:
    """An id that sorts by time: ``20250305-101500-1a2b3c`` (the last part from the files' checksums)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    digest = hashlib.sha256((stamp + "".join(f.sha256 for f in files)).encode()).hexdigest()[:6]
    return f"{stamp[:15]}-{digest}"


def record_import(
    store: Store,
    added: set[ox.Quad],
    removed: set[ox.Quad],
    *,
    by: str,
    files: list[Upload],
    parsed: Parsed | None = None,
    writer: Writer | None = None,
) -> tuple[str | None, Change]:
    """Apply an import (validated, one transaction) with its record in the history graph.

    Returns:
        The activity id (``None``: the store held everything already, nothing was recorded) and the change.

    Raises:
        ValidationError: the result breaks the shapes; nothing was written.
    """
    activity_id = new_activity_id(files)
    source = ", ".join(f.name for f in files) or "the import"

    def record(new: set[ox.Quad], gone: set[ox.Quad]) -> list[ox.Quad]:
        if not new and not gone:  # the store holds it all already: nothing to record or undo
            return []
        return _record(activity_id, kind="import", by=by, files=files, added=new, removed=gone)

    change, new, gone = (writer or Writer(store)).apply(
        added, removed, parsed=parsed, source=source, record=record
    )
    return (activity_id if new or gone else None), change


def read_history(store: Store) -> list[Activity]:
    """Every recorded import and undo, oldest first (by time, to the microsecond)."""
    g = HISTORY_GRAPH
    rows = store.select(
        f"""SELECT ?a ?id ?kind ?by ?at ?undoes ?added ?removed WHERE {{ GRAPH <{g}> {{
              ?a <{DCTERMS.identifier}> ?id ; <{DCTERMS.type}> ?kind ; <{PROV.endedAtTime}> ?at ;
                 <{PROV.wasAssociatedWith}>/<{FOAF.name}> ?by ;
                 <{PROV.generated}> ?ea, ?er .
              ?ea <{DCTERMS.type}> "added" ; <{SCHEMA.size}> ?added .
              ?er <{DCTERMS.type}> "removed" ; <{SCHEMA.size}> ?removed .
              OPTIONAL {{ ?a <{PROV.wasInformedBy}> ?u . ?u <{DCTERMS.identifier}> ?undoes }} }} }}
            ORDER BY ?at"""
    )
    files = store.select(
        f"""SELECT ?id ?name ?sha ?size WHERE {{ GRAPH <{g}> {{ ?a <{DCTERMS.identifier}> ?id ;
              <{PROV.used}> ?f . ?f <{SCHEMA.name}> ?name ; <{SCHEMA.sha256}> ?sha ;
                 <{SCHEMA.contentSize}> ?size
            }} }} ORDER BY ?f"""
    )

    def text(term: object) -> str:
        return str(getattr(term, "value", ""))

    activities = {
        text(r["id"]): Activity(
            text(r["id"]),
            text(r["kind"]),
            text(r["by"]),
            text(r["at"]),
            added=int(text(r["added"])),
            removed=int(text(r["removed"])),
            undoes=text(r["undoes"]) or None,
        )
        for r in rows
    }
    for r in files:
        if (activity := activities.get(text(r["id"]))) is not None:
            activity.files.append(Upload(text(r["name"]), text(r["sha"]), int(text(r["size"]))))
    for activity in activities.values():
        if activity.undoes in activities:
            activities[activity.undoes].undone_by = activity.id
    return sorted(activities.values(), key=lambda a: a.at)


def read_change(store: Store, activity_id: str) -> tuple[set[ox.Quad], set[ox.Quad]]:
    """The quads an activity added and removed, exactly.

    Raises:
        UnknownResourceError: no activity has this id.
    """
    rows = store.select(
        f"""SELECT ?part ?value WHERE {{ GRAPH <{HISTORY_GRAPH}> {{
              <{ACTIVITY}{activity_id}> <{PROV.generated}> ?e .
              ?e <{DCTERMS.type}> ?part ; <{RDF.value}> ?value
            }} }}"""
    )
    if not rows:
        msg = f"no import {activity_id!r} in the history; `samverkan history` lists them"
        raise UnknownResourceError(msg)
    parts = {
        str(getattr(r["part"], "value", "")): _unpack(str(getattr(r["value"], "value", ""))) for r in rows
    }
    return parts.get("added", set()), parts.get("removed", set())


def _created(added: set[ox.Quad]) -> set[str]:
    return {
        q.subject.value
        for q in added
        if q.predicate.value == str(RDF.type) and isinstance(q.subject, ox.NamedNode)
    }


def undo_import(
    store: Store, activity_id: str, *, by: str, writer: Writer | None = None
) -> tuple[str, Change]:
    """Revert one import exactly, recorded as an activity of its own.

    Returns:
        The undo's activity id and the change.

    Raises:
        UnknownResourceError: no such import.
        UndoRefusedError: it was undone already, it is an undo, a later import still in effect depends on it,
            or the store no longer holds what it added (changed since by other means).
        ValidationError: the store without it would break the shapes.
    """
    ordered = read_history(store)
    history = {a.id: a for a in ordered}
    target = history.get(activity_id)
    if target is None:
        msg = f"no import {activity_id!r} in the history; `samverkan history` lists them"
        raise UnknownResourceError(msg)
    if target.kind != "import":
        msg = f"{activity_id} is an undo; import the file again instead"
        raise UndoRefusedError(msg)
    if target.undone_by:
        msg = f"{activity_id} was undone already (by {target.undone_by})"
        raise UndoRefusedError(msg)
    added, removed = read_change(store, activity_id)
    touched, created = added | removed, _created(added)
    for later in (a for a in ordered if a.at > target.at and a.kind == "import" and not a.undone_by):
        l_added, l_removed = read_change(store, later.id)
        uses = {t.value for q in l_added for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
        if (l_added | l_removed) & touched or uses & created:
            why = "touched the same statements" if (l_added | l_removed) & touched else "uses what it created"
            msg = f"import {later.id} ({', '.join(f.name for f in later.files)}) {why}; undo {later.id} first"
            raise UndoRefusedError(msg)
    graphs = sorted({getattr(q.graph_name, "value", "") for q in added})
    held = {q for g in graphs if store.has_graph(g) for q in store.quads(g)}
    if missing := added - held:
        msg = (
            f"the store no longer holds {len(missing)} statement(s) that {activity_id} added (changed"
            " since by a build or another write), so it cannot be undone exactly"
        )
        raise UndoRefusedError(msg)
    undo_id = new_activity_id(target.files)

    def record(new: set[ox.Quad], gone: set[ox.Quad]) -> list[ox.Quad]:
        return _record(undo_id, kind="undo", by=by, files=[], added=new, removed=gone, undoes=activity_id)

    change, _, _ = (writer or Writer(store)).apply(
        removed, added, source=f"undo {activity_id}", record=record
    )
    return undo_id, change


__all__ = [
    "HISTORY_GRAPH",
    "Activity",
    "UndoRefusedError",
    "Upload",
    "read_change",
    "read_history",
    "record_import",
    "undo_import",
]
