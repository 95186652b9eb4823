"""The one place that knows which store backs the graph: an embedded Oxigraph store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from graph.errors import QueryError, StoreError
from graph.namespaces import PREFIXES

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal


class GraphStore:
    """An embedded, persistent RDF store (Oxigraph through pyoxigraph).

    Queries see the union of all named graphs as their default graph unless told otherwise;
    every write (``add``, ``update``, ``replace_graphs``) is one transaction: all or nothing.

    Example:
        >>> store = GraphStore.open(None)
        >>> store.count()
        0
    """

    def __init__(self, inner: ox.Store, *, path: Path | None, read_only: bool = False) -> None:
        self.inner = inner
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: Path | None, *, read_only: bool = False) -> GraphStore:
        """Open the store at ``path`` (created if missing), or an in-memory store for ``None``.

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
                return cls(ox.Store.read_only(str(path)), path=path, read_only=True)
            path.mkdir(parents=True, exist_ok=True)
            return cls(ox.Store(str(path)), path=path)
        except OSError as exc:
            if isinstance(exc, StoreError):
                raise
            msg = f"{path}: cannot open the store: {exc}"
            raise StoreError(msg) from exc

    # Reading

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Term] | None = None,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResult:
        """Evaluate a SPARQL 1.1 query; our prefixes are predeclared.

        ``substitutions`` binds variables to RDF terms before evaluation (never by pasting text).
        ``default_graphs``/``named_graphs`` restrict the dataset to graphs held in the store.

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
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        try:
            return self.inner.query(sparql, **kwargs)
        except SyntaxError as exc:
            msg = f"SPARQL syntax error: {exc}"
            raise QueryError(msg) from exc
        except RuntimeError as exc:  # e.g. a substitution for a variable the query does not project
            raise QueryError(str(exc)) from exc

    def select(self, sparql: str, **kwargs: Any) -> list[dict[str, Term | None]]:
        """Run a SELECT query and return its rows as dicts of variable name to term.

        Raises:
            QueryError: the query does not parse or is not a SELECT.
        """
        result = self.query(sparql, **kwargs)
        if not isinstance(result, ox.QuerySolutions):
            msg = "expected a SELECT query"
            raise QueryError(msg)
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names} for row in result]

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Iterate over the quads of one named graph, or of the whole store."""
        g = ox.NamedNode(graph) if graph else None
        return iter(self.inner.quads_for_pattern(None, None, None, g))

    def graph_names(self) -> list[str]:
        """Return the IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self.inner.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: str) -> bool:
        """Tell whether the store holds a named graph with this IRI."""
        return bool(self.inner.contains_named_graph(ox.NamedNode(graph)))

    def count(self, graph: str | None = None) -> int:
        """Count the quads of one named graph, or of the whole store."""
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", union_default_graph=False)
        n = rows[0]["n"]
        return int(n.value) if n is not None else 0

    def dump(self, out: IO[bytes], *, format: ox.RdfFormat, graph: str | None = None) -> None:
        """Serialise the whole store (dataset formats) or one graph (any format) to ``out``.

        Raises:
            StoreError: a graph format was asked for the whole store.
        """
        if graph is not None:
            self.inner.dump(out, format=format, from_graph=ox.NamedNode(graph))
            return
        if not format.supports_datasets:
            msg = f"{format.name} holds one graph; name a graph or use TriG or N-Quads for the store"
            raise StoreError(msg)
        self.inner.dump(out, format=format)

    # Writing: each call is one transaction.

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads atomically."""
        self._check_writable()
        self.inner.extend(quads)

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update atomically (our prefixes predeclared).

        Raises:
            QueryError: the update does not parse.
        """
        self._check_writable()
        try:
            self.inner.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            msg = f"SPARQL syntax error: {exc}"
            raise QueryError(msg) from exc

    def replace_graphs(
        self, quads: Iterable[ox.Quad], *, graphs: Iterable[str] = (), everything: bool = False
    ) -> None:
        """Drop ``graphs`` (or every graph) and insert ``quads``, in one transaction."""
        self._check_writable()
        parts = ["CLEAR SILENT ALL"] if everything else [f"CLEAR SILENT GRAPH <{g}>" for g in graphs]
        parts.append(insert_data(quads))
        self.inner.update(" ;\n".join(parts))

    def flush(self) -> None:
        """Make every write durable on disk (Oxigraph writes through its log; this forces it)."""
        if self.path is not None and not self.read_only:
            self.inner.flush()

    def _check_writable(self) -> None:
        if self.read_only:
            msg = f"{self.path}: the store is open read-only"
            raise StoreError(msg)


def insert_data(quads: Iterable[ox.Quad]) -> str:
    """Render quads as one SPARQL ``INSERT DATA`` operation, grouped by graph."""
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        key = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        by_graph.setdefault(key, []).append(f"{q.triple} .")
    blocks = [
        f"GRAPH <{g}> {{\n" + "\n".join(lines) + "\n}" if g else "\n".join(lines)
        for g, lines in by_graph.items()
    ]
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


__all__ = ["GraphStore", "QueryResult", "Term", "insert_data"]
