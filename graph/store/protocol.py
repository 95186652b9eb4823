"""The ``Store`` protocol: what every backend offers, so that no caller needs to know which one it holds.

Two classes implement it: ``graph.store.embedded.GraphStore`` (Oxigraph in this process) and
``graph.store.remote.RemoteStore`` (a SPARQL 1.1 server). Their semantics are the same (every statement in
the named graph of its source, the default graph the merge of the named graphs, each triple once); where the
backends differ, the difference is a method or a capability here, never an ``isinstance`` in a caller:

- ``location``: where the store is, in words (a directory, ``memory``, or the server's query URL);
- ``local_engine()``: the in-process pyoxigraph store that answers queries, or ``None`` for a server;
- ``write_generation``: advanced by every write, so that a cached result can tell it is stale (``None``
  for a server others write to: nothing cached);
- ``settled_generation``: the write generation while no write of this process is under way, else ``None``:
  two reads that see the same settled generation saw the same state, wherever each was read;
- ``write_lock``: held by a writer that reads the store and then writes what it read must still hold;
- ``check_update(sparql)``: refuses, before anything runs, an update this store cannot apply as written;
- ``add_replica(replica)``: keeps a copy elsewhere (query workers) in step with every committed write, where
  the backend can (the embedded store); a server keeps its own copies and says False.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, Self, TypeAlias

if TYPE_CHECKING:  # the protocol costs nothing to import
    import pyoxigraph as ox

    from graph.store.remote import RemoteTriples

Term: TypeAlias = "ox.NamedNode | ox.BlankNode | ox.Literal"
QueryAnswer: TypeAlias = "ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | RemoteTriples"
Row: TypeAlias = "dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]"


class Replica(Protocol):
    """A copy of the store kept elsewhere, told of each write the disk has committed (write lock held)."""

    def apply_update(self, text: str) -> None:
        """Apply the SPARQL update the store has just committed."""

    def apply_quads(self, quads: list[ox.Quad]) -> None:
        """Add the quads the store has just added."""

    def reload(self) -> None:
        """The store changed in bulk (not one transaction): copy it again."""


class Store(Protocol):
    """An RDF store of named graphs whose default graph is their merge, on any backend.

    Reads see the merge as the default graph; writes name their graph. See docs/backends.md for what each
    backend guarantees about atomicity.
    """

    @property
    def read_only(self) -> bool:
        """Whether writes are refused (opened read-only, a server without an update URL, or closed)."""
        ...

    @property
    def path(self) -> Path | None:
        """The directory of an embedded store on disk; ``None`` in memory or on a server."""
        ...

    @property
    def location(self) -> str:
        """Where the store is, for messages: its directory, ``memory``, or the server's query URL."""
        ...

    @property
    def write_lock(self) -> AbstractContextManager[Any]:
        """The lock writers of this process hold while they read what their write depends on."""
        ...

    @property
    def write_generation(self) -> int | None:
        """A count every write through this object advances; ``None`` where others may write unseen."""
        ...

    @property
    def settled_generation(self) -> int | None:
        """``write_generation`` while no write through this object is under way; ``None`` during one."""
        ...

    @property
    def merged_graph(self) -> str | None:
        """Where an update writes the merge: ``None`` for the store's own default graph, else a graph IRI."""
        ...

    def local_engine(self) -> ox.Store | None:
        """The in-process pyoxigraph store answering queries (the memory copy if any); remotely ``None``."""
        ...

    def add_replica(self, replica: Replica) -> bool:
        """Tell ``replica`` of every write from now on (write lock held); False if this backend cannot."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def close(self) -> None:
        """Release the store; the object is unusable afterwards."""
        ...

    # Reading

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        union_default_graph: bool = False,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        time_limit: float | None = None,
    ) -> QueryAnswer:
        """Evaluate a SPARQL 1.1 query with our prefixes predeclared and variables bound by value."""
        ...

    def select(self, sparql: str, **kwargs: Any) -> list[Row]:
        """Run a SELECT query and return its rows as dicts of variable name to term."""
        ...

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Iterate over the quads of one named graph, or of every named graph (not the merge)."""
        ...

    def triples(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        object: Term | None = None,
        *,
        graph: str | None = None,
    ) -> Iterator[ox.Triple]:
        """Iterate over the triples matching a pattern in one named graph, or in the merge."""
        ...

    def graph_names(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        ...

    def has_graph(self, graph: str) -> bool:
        """Whether the store holds a named graph with this IRI."""
        ...

    def count(self, graph: str | None = None) -> int:
        """The triples of one named graph, or the distinct statements of the whole store."""
        ...

    def dump(self, out: IO[bytes], *, format: ox.RdfFormat, graph: str | None = None) -> None:
        """Serialise the whole store (dataset formats) or one graph (any format) to ``out``."""
        ...

    # Writing: each call keeps the merge in step.

    def check_update(self, sparql: str) -> None:
        """Refuse, before it runs, an update this store cannot apply as written (LOAD, SERVICE, ...)."""
        ...

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to their named graphs."""
        ...

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads from their named graphs."""
        ...

    def apply_change(self, added: Iterable[ox.Quad], removed: Iterable[ox.Quad], *, then: str = "") -> None:
        """Remove then add quads in one write; ``then``: update operations run after, in the same write."""
        ...

    def bulk_add(self, quads: Iterable[ox.Quad]) -> None:
        """Load many quads fast; NOT one transaction."""
        ...

    def bulk_load_staged(self, staging: ox.Store, *, work_dir: Path | None = None) -> None:
        """Copy the named graphs of an in-memory staging store into this store fast; NOT one transaction."""
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update and re-merge the default graph."""
        ...

    def replace_graphs(
        self,
        quads: Iterable[ox.Quad],
        *,
        graphs: Iterable[str] = (),
        everything: bool = False,
        then: str = "",
    ) -> None:
        """Drop ``graphs`` (or every graph) and insert ``quads``; ``then`` as in ``apply_change``."""
        ...

    def flush(self) -> None:
        """Make every write durable."""
        ...


__all__ = ["QueryAnswer", "Row", "Store", "Term"]
