"""The one place that knows which store backs the graph: an embedded Oxigraph store."""

from __future__ import annotations

import errno
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from graph.errors import QueryError, StoreError
from graph.namespaces import PREFIXES
from graph.store.guard import check_update, strip_literals, where_group_start
from graph.store.protocol import Replica

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal


class GraphStore:
    """An embedded, persistent RDF store (Oxigraph through pyoxigraph).

    Every statement lives in the named graph of its source. The store's default graph is kept as the merge
    of all named graphs (each triple once), maintained by every write in the same transaction: Oxigraph's own
    union default graph repeats a triple once per graph that holds it, which would inflate every count.
    Every write (``add``, ``remove``, ``apply_change``, ``replace_graphs``, ``update``) is one transaction.

    Example:
        >>> store = GraphStore.open(None)
        >>> store.count()
        0
    """

    def __init__(
        self, inner: ox.Store, *, path: Path | None, read_only: bool = False, mirror: ox.Store | None = None
    ) -> None:
        self.inner = inner
        self.path = path
        self.read_only = read_only
        # With a mirror, the disk store is the durable record and queries run on the memory copy, which
        # every write updates after the disk has committed (Oxigraph's on-disk queries are 3-12x slower).
        self.mirror = mirror
        self.reader = mirror if mirror is not None else inner
        # Oxigraph transactions are snapshot-isolated: two concurrent writes could each re-merge the default
        # graph from a stale view, and the memory copy must apply writes in the disk's order. One writer.
        self._write_lock = threading.RLock()
        # Copies kept elsewhere (the query workers' memory copy, api/workers/): told of every committed write.
        self.replicas: list[Replica] = []
        # Advanced after every write has reached the disk, the memory copy and the replicas: a result
        # computed when it read N is stale once it reads more (the pages' cache is keyed on it).
        self._generation = 0

    @classmethod
    def open(cls, path: Path | None, *, read_only: bool = False, mirror: bool = False) -> GraphStore:
        """Open the store at ``path`` (created if missing), or an in-memory store for ``None``.

        ``mirror`` keeps a copy of the whole store in memory for queries (see the class docstring).

        Raises:
            StoreError: the directory cannot be created, is locked by another process, or is not a store.
        """
        try:
            if path is None:
                return cls(ox.Store(), path=None)
            if read_only:
                if not path.exists():
                    msg = f"{path}: no store here; run `samverkan build` first"
                    raise StoreError(msg)
                inner = open_read_only(path)
            else:
                path.mkdir(parents=True, exist_ok=True)
                inner = ox.Store(str(path))
            return cls(inner, path=path, read_only=read_only, mirror=load_mirror(inner) if mirror else None)
        except OSError as exc:
            if isinstance(exc, StoreError):
                raise
            raise store_error(path, exc, doing="cannot open the store") from exc

    def close(self) -> None:
        """Release the store (and its lock on disk); the object is unusable afterwards."""
        try:
            self.flush()
        finally:
            self.inner = self.reader = ox.Store()  # drop the only reference to the on-disk store
            self.mirror = None
            self._generation += 1
            self.read_only = True

    @property
    def location(self) -> str:
        """The store's directory, or ``memory``."""
        return str(self.path) if self.path is not None else "memory"

    @property
    def write_lock(self) -> AbstractContextManager[bool]:
        """The one-writer lock (see the class docstring); bulk imports hold it from their reads on."""
        return self._write_lock

    @property
    def write_generation(self) -> int:
        """How many writes this store object has committed; any write (even a failed one) advances it."""
        return self._generation

    @property
    def settled_generation(self) -> int | None:
        """The write generation, or None while a write holds the lock.

        A write under way may be on disk and not yet in the memory copies; the generation advances only
        once it is done everywhere.
        """
        if not self._write_lock.acquire(blocking=False):
            return None
        try:
            return self._generation
        finally:
            self._write_lock.release()

    def add_replica(self, replica: Replica) -> bool:
        """Tell ``replica`` of every committed write from now on (see ``Replica``)."""
        with self._write_lock:
            self.replicas.append(replica)
        return True

    @property
    def merged_graph(self) -> None:
        """None: the merge is the store's own default graph."""
        return None

    def local_engine(self) -> ox.Store:
        """The pyoxigraph store that answers queries: the memory copy if there is one, else the store."""
        return self.reader

    def check_update(self, sparql: str) -> None:
        """Refuse LOAD and SERVICE before an update runs through the Writer.

        NOW(), RAND(), UUID(), ... are fine there: the Writer evaluates the update once, on a copy, and
        applies the computed change to the disk and the memory copy alike (``update`` still refuses them).

        Raises:
            ForbiddenOperationError: the update uses LOAD or SERVICE.
        """
        check_update(sparql)

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Reading

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        union_default_graph: bool = False,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        time_limit: float | None = None,  # for the remote store; Oxigraph cannot be stopped
    ) -> QueryResult:
        """Evaluate a SPARQL 1.1 query; our prefixes are predeclared.

        ``substitutions`` binds variables to RDF terms: they are written, in SPARQL's own term syntax, as
        one ``VALUES`` row at the start of the outermost WHERE group (see ``bind_values``), so a value can
        never change the query's shape, FILTERs see it, and the engine starts from it.
        The default graph is the merge of all graphs; ``default_graphs``/``named_graphs`` restrict the
        dataset to graphs held in the store (an unknown graph is empty, never fetched).

        Raises:
            QueryError: the query does not parse (with line and column).
        """
        kwargs: dict[str, Any] = {"prefixes": PREFIXES}
        if default_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            kwargs["use_default_graph_as_union"] = union_default_graph
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if substitutions:
            sparql = bind_values(sparql, substitutions)
        try:
            return self.reader.query(sparql, **kwargs)
        except SyntaxError as exc:
            msg = f"SPARQL syntax error: {exc}"
            raise QueryError(msg) from exc
        except RuntimeError as exc:
            if _is_storage_error(exc):  # a read-only view whose files a writing process removed
                msg = f"{self.path}: the store changed under this read-only view; open it again: {exc}"
                raise StoreError(msg) from exc
            raise QueryError(str(exc)) from exc

    def select(self, sparql: str, **kwargs: Any) -> list[dict[str, Term | None]]:
        """Run a SELECT query and return its rows as dicts of variable name to term.

        Raises:
            QueryError: the query does not parse or is not a SELECT.
        """
        return select_rows(self.query(sparql, **kwargs))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Iterate over the quads of one named graph, or of every named graph (not the derived default)."""
        if graph:
            return iter(self.reader.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        return (q for q in self.reader if isinstance(q.graph_name, ox.NamedNode))

    def triples(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        object: Term | None = None,
        *,
        graph: str | None = None,
    ) -> Iterator[ox.Triple]:
        """Iterate over the triples matching a pattern in one named graph, or in the merged default graph."""
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        return (q.triple for q in self.reader.quads_for_pattern(subject, predicate, object, target))

    def graph_names(self) -> list[str]:
        """Return the IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self.reader.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: str) -> bool:
        """Tell whether the store holds a named graph with this IRI."""
        return bool(self.reader.contains_named_graph(ox.NamedNode(graph)))

    def count(self, graph: str | None = None) -> int:
        """Count the triples of one named graph, or the distinct statements of the whole store."""
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        n = rows[0]["n"]
        return int(n.value) if n is not None else 0

    def dump(self, out: IO[bytes], *, format: ox.RdfFormat, graph: str | None = None) -> None:
        """Serialise the whole store (dataset formats) or one graph (any format) to ``out``.

        Raises:
            StoreError: a graph format was asked for the whole store.
        """
        if graph is not None:
            self.reader.dump(out, format=format, from_graph=ox.NamedNode(graph))
            return
        refuse_graph_format(format)
        # The default graph is derived from the named graphs, so it is not exported.
        ox.serialize(self.quads(), out, format=format)

    # Writing: each call is one transaction, and keeps the default graph the merge of all graphs.

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to their named graphs atomically.

        Raises:
            StoreError: the store is read-only, or a quad is in the default graph (name its graph).
        """
        self.apply_change(quads, ())

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads from their named graphs atomically."""
        self.apply_change((), quads)

    def apply_change(self, added: Iterable[ox.Quad], removed: Iterable[ox.Quad], *, then: str = "") -> None:
        """Remove then add quads in one transaction, keeping the merged default graph in step.

        ``then``: SPARQL update operations run after the change in the same transaction (the aggregates).

        Raises:
            StoreError: the store is read-only, or a quad is in the default graph (name its graph).
        """
        self._check_writable()
        added, removed = _named_only(added), _named_only(removed)
        refuse_blank_removals(removed)
        if not removed and not then:  # Oxigraph's extend is one transaction too, far faster than INSERT DATA
            self._extend([*added, *(_in_default(q) for q in added)])
            return
        parts = []
        if removed:
            parts.append(delete_data(removed))
        if added:
            parts.append(insert_data([*added, *(_in_default(q) for q in added)]))
        if removed:
            parts.append(_unmerge(removed))
        if then:
            parts.append(then)
        if parts:
            self._run_update(" ;\n".join(parts))

    def bulk_add(self, quads: Iterable[ox.Quad]) -> None:
        """Load many quads fast (Oxigraph's bulk loader), default graph included; NOT one transaction.

        For generated data and benchmarks: a failure part-way leaves part of the data in the store.
        """
        self._check_writable()

        def with_default() -> Iterator[ox.Quad]:
            for q in quads:
                if not isinstance(q.graph_name, ox.NamedNode):
                    msg = f"statement {q.triple} has no named graph"
                    raise StoreError(msg)
                yield q
                yield _in_default(q)

        with self._write_lock, self._advancing():
            if self.mirror is None:
                self.inner.bulk_extend(with_default())
                self._reload_replicas()
                return
            batch: list[ox.Quad] = []
            for q in with_default():  # one pass over the input feeds both stores, in batches
                batch.append(q)
                if len(batch) >= 100_000:
                    self.inner.bulk_extend(batch)
                    self.mirror.extend(batch)
                    batch = []
            self.inner.bulk_extend(batch)
            self.mirror.extend(batch)
            self._reload_replicas()

    def bulk_load_staged(self, staging: ox.Store, *, work_dir: Path | None = None) -> None:
        """Copy the named graphs of an in-memory staging store here, default graph merged; NOT atomic.

        Rust end to end: the staging store is dumped to one N-Quads file (its quads, then each graph's triples
        again without a graph name, which is the default graph) and Oxigraph's bulk loader reads that file
        into the store and then into the memory copy. One load per store keeps each blank node the same in
        its named graph and in the default graph (the loader renames blank nodes, consistently within a
        load). A failure or crash part-way leaves part of the data in the store. The staging store's own
        default graph must be empty. The file goes to ``work_dir`` (default: the system's temporary
        directory) and is removed afterwards.

        Raises:
            StoreError: the store is read-only or cannot be written (the disk is full, ...).
        """
        self._check_writable()
        graphs = [g for g in staging.named_graphs() if isinstance(g, ox.NamedNode)]
        with tempfile.TemporaryDirectory(prefix="samverkan-load-", dir=work_dir) as tmp:
            staged = Path(tmp) / "staged.nq"
            with staged.open("wb") as out:
                staging.dump(out, format=ox.RdfFormat.N_QUADS)
                for g in graphs:
                    staging.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=g)
            with self._write_lock, self._advancing():
                try:
                    self.inner.bulk_load(path=str(staged), format=ox.RdfFormat.N_QUADS)
                except OSError as exc:
                    raise store_error(self.path, exc, doing="the bulk load stopped part-way") from exc
                if self.mirror is not None:
                    self.mirror.bulk_load(path=str(staged), format=ox.RdfFormat.N_QUADS)
                self._reload_replicas()

    # The parallel bulk import (graph.ingest.bulk): write the disk store while another process checks the
    # data, then either roll back to a checkpoint or tell the memory copy and the replicas. Write lock held.

    def snapshot(self) -> Path:
        """Checkpoint the on-disk store beside itself (hard links: cheap) and return its directory.

        The caller removes the checkpoint's parent directory (``.NAME-bulk-*``) when done.

        Raises:
            StoreError: the store is in memory, or the checkpoint cannot be written.
        """
        if self.path is None:
            msg = "memory: an in-memory store cannot be checkpointed"
            raise StoreError(msg)
        self.flush()
        holder = Path(tempfile.mkdtemp(prefix=f".{self.path.name}-bulk-", dir=self.path.parent))
        try:
            self.inner.backup(str(holder / "store"))
        except OSError as exc:
            shutil.rmtree(holder, ignore_errors=True)
            raise store_error(self.path, exc, doing="cannot checkpoint the store") from exc
        return holder / "store"

    def bulk_write_file(
        self, path: Path, *, format: ox.RdfFormat, to_graph: str | None, lenient: bool = False
    ) -> None:
        """Bulk-load one file into the disk store only (``to_graph`` None: the default graph); NOT atomic.

        The memory copy and the replicas are not told: :meth:`bulk_finish` does that once the data passed.
        ``lenient`` skips the parser's IRI checks (Oxigraph's ``lenient``, about 7 % of the load): only for
        a file that is also parsed strictly before anyone may read what was written.

        Raises:
            SyntaxError: the file does not parse (what came before it is written).
            StoreError: the store is read-only or cannot be written.
        """
        self._check_writable()
        target = ox.NamedNode(to_graph) if to_graph else ox.DefaultGraph()
        with self._write_lock, self._advancing():
            try:
                self.inner.bulk_load(path=str(path), format=format, to_graph=target, lenient=lenient)
            except OSError as exc:
                raise store_error(self.path, exc, doing="the bulk load stopped part-way") from exc

    def bulk_copy_to_default(self, graphs: Iterable[str]) -> None:
        """Add the triples of ``graphs`` to the default graph, node for node (blank nodes kept)."""
        self._check_writable()
        with self._write_lock, self._advancing():
            named = [ox.NamedNode(g) for g in graphs]
            copies = [
                _in_default(q) for g in named for q in self.inner.quads_for_pattern(None, None, None, g)
            ]
            self.inner.bulk_extend(copies)

    def bulk_finish(self, files: list[tuple[Path, str, ox.RdfFormat]], *, default_file: Path | None) -> None:
        """Bring the memory copy and the replicas up to the disk after :meth:`bulk_write_file` calls.

        With ``default_file`` (the data has no blank nodes) the memory copy loads the same files (leniently:
        they have passed the strict parse); else it is copied again from the disk, so that its blank nodes
        agree between named and default graphs.
        """
        with self._write_lock, self._advancing():
            if self.mirror is not None and default_file is None:
                self.mirror = self.reader = load_mirror(self.inner)
            elif self.mirror is not None:
                for path, graph, fmt in files:
                    self.mirror.bulk_load(
                        path=str(path), format=fmt, to_graph=ox.NamedNode(graph), lenient=True
                    )
                self.mirror.bulk_load(path=str(default_file), format=ox.RdfFormat.N_TRIPLES, lenient=True)
            self._reload_replicas()

    def roll_back_to(self, snapshot: Path, *, default_copies: Path | None = None) -> None:
        """Remove from the disk store every quad the checkpoint ``snapshot`` does not hold.

        Only what bulk writes since the checkpoint added is looked at: graphs the checkpoint lacks are
        removed whole; a graph (or the default graph) whose size changed loses the quads the checkpoint
        lacks, read from ``default_copies`` (the default-graph copy that was loaded) when given.

        Raises:
            StoreError: the checkpoint cannot be read, or the store cannot be written.
        """
        with self._write_lock, self._advancing():
            try:
                before = ox.Store.read_only(str(snapshot))
                then, now = _graph_sizes(before), _graph_sizes(self.inner)
                for name, size in now.items():
                    graph = ox.DefaultGraph() if name is None else ox.NamedNode(name)
                    if name is not None and name not in then:
                        self.inner.remove_graph(graph)
                    elif size != then.get(name):
                        if name is None and default_copies is not None:
                            candidates: Iterable[ox.Quad] = (
                                _in_default(ox.Quad(t.subject, t.predicate, t.object))
                                for t in ox.parse(path=str(default_copies), format=ox.RdfFormat.N_TRIPLES)
                            )
                        else:
                            candidates = list(self.inner.quads_for_pattern(None, None, None, graph))
                        _remove_quads(self.inner, (q for q in candidates if q not in before))
            except OSError as exc:
                raise store_error(self.path, exc, doing="the rollback stopped part-way") from exc

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update atomically and re-merge the default graph in the same transaction.

        Updates write into named graphs; the default graph is derived and cannot be written directly.
        The re-merge reads every named graph, so large stores should prefer ``apply_change``.

        Raises:
            QueryError: the update does not parse.
        """
        self._check_writable()
        if self.mirror is not None or self.replicas:
            check_deterministic(sparql)
        self._run_update(f"{sparql} ;\n{REMERGE_ALL}")

    def replace_graphs(
        self,
        quads: Iterable[ox.Quad],
        *,
        graphs: Iterable[str] = (),
        everything: bool = False,
        then: str = "",
    ) -> None:
        """Drop ``graphs`` (or every graph) and insert ``quads``, then run ``then``, in one transaction."""
        self._check_writable()
        quads = _named_only(quads)
        after = f" ;\n{then}" if then else ""
        if everything:
            self._run_update(
                f"CLEAR SILENT ALL ;\n{insert_data([*quads, *(_in_default(q) for q in quads)])}{after}"
            )
            return
        graphs = list(graphs)
        dropped = [q for g in graphs for q in self.quads(g)]
        parts = [f"CLEAR SILENT GRAPH <{g}>" for g in graphs]
        parts.append(insert_data([*quads, *(_in_default(q) for q in quads)]))
        if dropped:
            parts.append(_unmerge(dropped))
        if then:
            parts.append(then)
        self._run_update(" ;\n".join(parts))

    def flush(self) -> None:
        """Make every write durable on disk (Oxigraph writes through its log; this forces it)."""
        if self.path is not None and not self.read_only:
            try:
                self.inner.flush()
            except OSError as exc:
                raise store_error(self.path, exc, doing="cannot flush the store") from exc

    def _run_update(self, text: str) -> None:
        with self._write_lock, self._advancing():
            try:
                self.inner.update(text, prefixes=PREFIXES)
            except SyntaxError as exc:
                msg = f"SPARQL syntax error: {exc}"
                raise QueryError(msg) from exc
            except OSError as exc:  # the transaction did not commit: the store holds what it held before
                raise store_error(self.path, exc, doing="nothing was written") from exc
            if self.mirror is not None:
                try:
                    self.mirror.update(text, prefixes=PREFIXES)
                except Exception:  # the disk has the write: rebuild the copy from it rather than diverge
                    self.mirror = self.reader = load_mirror(self.inner)
                    raise
            for replica in self.replicas:
                replica.apply_update(text)

    def _extend(self, quads: list[ox.Quad]) -> None:
        with self._write_lock, self._advancing():
            try:
                self.inner.extend(quads)
            except OSError as exc:
                raise store_error(self.path, exc, doing="nothing was written") from exc
            if self.mirror is not None:
                self.mirror.extend(quads)
            for replica in self.replicas:
                replica.apply_quads(quads)

    def _reload_replicas(self) -> None:
        for replica in self.replicas:
            replica.reload()

    @contextmanager
    def _advancing(self) -> Iterator[None]:
        # On the way out, success or not: a write that failed part-way may still have changed something.
        try:
            yield
        finally:
            self._generation += 1

    def _check_writable(self) -> None:
        if self.read_only:
            msg = f"{self.path}: the store is open read-only"
            raise StoreError(msg)


def store_error(path: Path | None, exc: OSError, *, doing: str) -> StoreError:
    """Translate an I/O error of the store (Oxigraph reports most of them without an errno) into words.

    A full disk, a read-only or forbidden directory and a store locked by another process each get a message
    that says what to do; anything else keeps Oxigraph's text.
    """
    text = str(exc)
    if exc.errno == errno.ENOSPC or "No space left on device" in text:
        reason = "the disk is full (no space left on device); free some space and try again"
    elif exc.errno == errno.EROFS or "Read-only file system" in text:
        reason = (
            "the store directory is not writable (read-only file system); open the store read-only"
            " or mount its directory writable"
        )
    elif exc.errno == errno.EACCES or "Permission denied" in text:
        reason = "the store directory is not writable (permission denied)"
    elif "lock" in text.lower() and ("LOCK" in text or "lock hold" in text):
        reason = (
            "the store is in use by another process (its lock is held): stop the server or command"
            " that has it open, or open it read-only"
        )
    else:
        reason = text
    return StoreError(f"{path or 'memory'}: {doing}: {reason}")


def bind_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """Bind variables to RDF terms with a ``VALUES`` row opening the query's outermost WHERE group.

    The terms are pyoxigraph objects, serialised by pyoxigraph (IRIs validated, literals escaped).
    Oxigraph's own substitutions join at the very end of evaluation instead, so a FILTER never sees the
    value and the whole unbound result is computed first (seconds on a million triples).

    Raises:
        QueryError: a variable name is not a SPARQL variable name, or the query has no WHERE group.

    Example:
        >>> bind_values("SELECT ?l WHERE { ?m skos:prefLabel ?l }", {"m": ox.NamedNode("http://x/m")})
        'SELECT ?l WHERE { VALUES (?m) { (<http://x/m>) } ?m skos:prefLabel ?l }'
    """
    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            msg = f"{name!r} is not a SPARQL variable name"
            raise QueryError(msg)
    at = where_group_start(sparql)
    row = " ".join(str(bindings[n]) for n in names)
    values = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}"
    return sparql[:at] + values + sparql[at:]


_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _is_storage_error(exc: BaseException) -> bool:
    text = str(exc)
    return "Corruption" in text or "No such file" in text or "IO error" in text


def open_read_only(path: Path, *, attempts: int = 6) -> ox.Store:
    """Open a read-only view, retrying while a writing process swaps the files it lists.

    RocksDB reads CURRENT, then the MANIFEST it names; a writer that has just opened the store (a server
    starting) may switch to a new MANIFEST and delete the old one in between (facebook/rocksdb#8200). The
    waits double from 0.05 s: 1.6 s in all before the error is raised.
    """
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            if attempt == attempts - 1 or not _is_storage_error(exc):
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError  # unreachable: the loop returns or raises


def load_mirror(
    disk: ox.Store, *, spool: Path | None = None, before_load: Callable[[int], None] | None = None
) -> ox.Store:
    """Copy a whole on-disk store into a new in-memory store: the named graphs first, the default graph last.

    Oxigraph's memory store puts what it loads last at the head of each term's chain of quads, and a pattern
    walks that chain from the head. Loaded in the dump's order (the default graph first), every pattern on
    the default graph, which the named queries read, walked past the named graphs' copies of its quads
    before meeting its own: the first 100 collaborations took 15 ms at 1 M triples (the whole chain), and
    take 0.4 ms loaded this way. Whole answers walk the same chains either way.

    One N-Quads document, bulk-loaded: about a third faster than copying quad by quad (measured at 1 million
    triples on 2 cores), and one document keeps a blank node one node across the graphs that hold it (the
    loader names blank nodes anew per document). It is written graph by graph through a file in ``spool`` (a
    temporary directory by default), not memory: held as bytes beside the copy being made, the dump took
    21 GB at 10 M triples (41 M quads with the merge and the aggregates), and the OOM killer ended it.

    ``before_load`` is called with the document's size in bytes before anything is loaded; it may raise to
    give up (the server does when the copy would not fit in the memory available).
    """
    with tempfile.TemporaryDirectory(prefix="samverkan-mirror-", dir=spool) as work:
        document, part = Path(work) / "store.nq", Path(work) / "graph.nt"
        named = list(disk.named_graphs())
        with document.open("wb") as out:
            for graph in [*named, ox.DefaultGraph()]:
                disk.dump(output=str(part), format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
                _append_in_graph(part, out, graph)
        if before_load is not None:
            before_load(document.stat().st_size)
        memory = ox.Store()
        for graph in named:  # an empty named graph is still one (a blank node graph is named anew)
            if isinstance(graph, ox.NamedNode):
                memory.add_graph(graph)
        memory.bulk_load(path=str(document), format=ox.RdfFormat.N_QUADS)
    return memory


GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def _append_in_graph(triples: Path, out: IO[bytes], graph: GraphName) -> None:
    """Append an N-Triples file to an N-Quads stream as the quads of ``graph`` (as they are: default graph).

    Every N-Triples line ends with " ." and a line break, and only there (a line break inside a literal is
    escaped), so the graph's term goes before each of those, a chunk at a time.
    """
    with triples.open("rb") as lines:
        if isinstance(graph, ox.DefaultGraph):
            shutil.copyfileobj(lines, out, 1 << 24)
            return
        end = f" {graph} .\n".encode()
        rest = b""
        while chunk := lines.read(1 << 24):
            chunk = rest + chunk
            cut = chunk.rfind(b"\n") + 1  # whole lines now, the rest with the next chunk
            out.write(chunk[:cut].replace(b" .\n", end))
            rest = chunk[cut:]
        out.write(rest)  # a dump ends with a line break: nothing is left


_NON_DETERMINISTIC = re.compile(r"(?<![\w?$:])(NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)


def check_deterministic(sparql: str) -> None:
    """Refuse an update whose result would differ between the disk record and its memory copy.

    Raises:
        QueryError: naming the function.
    """
    found = _NON_DETERMINISTIC.search(strip_literals(sparql))
    if found:
        msg = (
            f"{found.group(1).upper()}() gives a different value each time it runs, so this store (disk plus"
            " memory copy) cannot apply it twice; compute the value first and write it as a literal"
        )
        raise QueryError(msg)


# Drop default-graph triples no named graph holds any more, then add what the named graphs hold.
REMERGE_ALL = (
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;\n"
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
)


def _graph_sizes(store: ox.Store) -> dict[str | None, int]:
    """The number of quads of each named graph, and of the default graph (key None)."""
    sizes: dict[str | None, int] = {}
    for row in select_rows(store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")):
        g, n = row["g"], row["n"]
        if isinstance(g, ox.NamedNode) and isinstance(n, ox.Literal):
            sizes[g.value] = int(n.value)
    rows = select_rows(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    n = rows[0]["n"]
    sizes[None] = int(n.value) if n is not None else 0
    return sizes


def _remove_quads(store: ox.Store, quads: Iterable[ox.Quad], *, batch: int = 5000) -> None:
    """Remove quads: by DELETE DATA in batches, one by one where a blank node forbids that."""
    pending: list[ox.Quad] = []
    for q in quads:
        if _has_blank(q):
            store.remove(q)
            continue
        pending.append(q)
        if len(pending) >= batch:
            store.update(delete_data(pending))
            pending = []
    if pending:
        store.update(delete_data(pending))


def _named_only(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    result = list(quads)
    for q in result:
        if not isinstance(q.graph_name, ox.NamedNode):
            msg = (
                f"statement {q.triple} has no named graph; every statement belongs to the graph of its source"
            )
            raise StoreError(msg)
    return result


def _in_default(q: ox.Quad) -> ox.Quad:
    return ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())


def _unmerge(removed: list[ox.Quad]) -> str:
    """Remove from the default graph the removed triples that no named graph still holds."""
    plain = {q.triple for q in removed if not _has_blank(q)}
    parts = []
    if plain:
        rows = "\n".join(f"({t.subject} {t.predicate} {t.object})" for t in plain)
        parts.append(
            "DELETE { ?s ?p ?o } WHERE { VALUES (?s ?p ?o) {\n"
            + rows
            + "\n} ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
        )
    if len(plain) < len(removed):  # blank nodes cannot be written in VALUES: sweep them by pattern
        parts.append(
            "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o))"
            " FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
        )
    return " ;\n".join(parts)


def select_rows(result: object) -> list[dict[str, Term | None]]:
    """Return the rows of a query's answer as dicts of variable name to term.

    Raises:
        QueryError: the answer is not a SELECT's.
    """
    if not isinstance(result, ox.QuerySolutions):
        msg = "expected a SELECT query"
        raise QueryError(msg)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names} for row in result]


def refuse_blank_removals(removed: Iterable[ox.Quad]) -> None:
    """Refuse to remove statements with blank nodes by value: no store can match such a node again.

    Raises:
        StoreError: a removed statement has a blank node.
    """
    if any(_has_blank(q) for q in removed):
        msg = (
            "statements with blank nodes cannot be removed by value; use a SPARQL update or replace the graph"
        )
        raise StoreError(msg)


def refuse_graph_format(format: ox.RdfFormat) -> None:
    """Refuse a one-graph format (Turtle, N-Triples, ...) for a dump of the whole store.

    Raises:
        StoreError: ``format`` holds one graph only.
    """
    if not format.supports_datasets:
        msg = f"{format.name} holds one graph; name a graph or use TriG or N-Quads for the store"
        raise StoreError(msg)


def _has_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def delete_data(quads: Iterable[ox.Quad]) -> str:
    """Render quads as one SPARQL ``DELETE DATA`` operation (blank nodes are not allowed there)."""
    return "DELETE DATA {\n" + _blocks(quads) + "\n}"


def insert_data(quads: Iterable[ox.Quad]) -> str:
    """Render quads as one SPARQL ``INSERT DATA`` operation, grouped by graph."""
    return "INSERT DATA {\n" + _blocks(quads) + "\n}"


def _blocks(quads: Iterable[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        key = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        by_graph.setdefault(key, []).append(f"{q.triple} .")
    blocks = [
        f"GRAPH <{g}> {{\n" + "\n".join(lines) + "\n}" if g else "\n".join(lines)
        for g, lines in by_graph.items()
    ]
    return "\n".join(blocks)


__all__ = [
    "REMERGE_ALL",
    "GraphStore",
    "QueryResult",
    "Replica",
    "Term",
    "bind_values",
    "delete_data",
    "insert_data",
    "open_read_only",
    "refuse_blank_removals",
    "refuse_graph_format",
    "select_rows",
]
