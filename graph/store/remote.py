"""A remote SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, ...) as the store, with GraphStore's methods.

The semantics are GraphStore's: every statement lives in a named graph, and the default graph is the merge
of the named graphs, each triple once. A server has its own idea of the default graph (Virtuoso: the union of
all graphs with duplicates, its system graphs included), so the merge is kept in a dedicated named graph,
:data:`MERGED_GRAPH`, written by every write, and each query is sent with ``default-graph-uri`` = that graph
and ``named-graph-uri`` = the store's own graphs (the graphs whose IRIs start with ``graph_base``) unless the
caller names graphs or the query has its own ``FROM``. Variables are bound by a ``VALUES`` block appended to
the query's outermost group (see :func:`bind_values`). Everything sent passes the SERVICE/LOAD guard first.

Atomicity is the server's: each request is parsed as a whole (a malformed change changes nothing), then
Virtuoso 7.2 commits its operations one by one, while Fuseki (TDB2) and GraphDB run a request as one
transaction; see docs/backends.md. Every write here is idempotent, so repeating a failed one repairs it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any, Literal

import httpx
import pyoxigraph as ox

from graph.errors import ForeignGraphError, LimitExceededError, QueryError, StoreError
from graph.namespaces import GRAPH, PREFIXES
from graph.store.embedded import Term, refuse_blank_removals, refuse_graph_format, select_rows
from graph.store.guard import check_query, check_update
from graph.store.protocol import Replica
from graph.store.wire import decode_results, decode_triple, encode_quad, encode_term

MERGED_GRAPH = str(GRAPH["merged"])
NO_GRAPH = "urn:samverkan:no-graph"  # named in a dataset that must hold no named graph at all
AuthScheme = Literal["basic", "digest"]
SELECT_RESULTS = "application/sparql-results+json"
GRAPH_RESULTS = "application/n-triples"

# Strings, IRIs and comments, which may hold braces, keywords or '#' (as in graph.store.guard).
_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_DECLARED = re.compile(r"PREFIX\s+([\w.-]*):", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w?$:])FROM(?![\w:])", re.IGNORECASE)
_TRAILING_VALUES = re.compile(r"VALUES\s*(?:\?\w+|\$\w+|\([^()]*\))\s*$", re.IGNORECASE)


def mask_literals(text: str) -> str:
    """Blank out strings, IRIs and comments with spaces of the same length (offsets are kept)."""
    return _SKIP.sub(
        lambda m: (
            "<" + " " * (len(m.group()) - 2) + ">" if m.group().startswith("<") else " " * len(m.group())
        ),
        text,
    )


def query_form(sparql: str) -> str:
    r"""Return the form of a query: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``.

    Raises:
        QueryError: no query form is found.

    Example:
        >>> query_form('PREFIX ex: <http://ex/> # ASK\nconstruct { ?s ?p "SELECT" } WHERE { ?s ?p ?o }')
        'CONSTRUCT'
    """
    found = _FORM.search(mask_literals(sparql))
    if not found:
        msg = "SPARQL syntax error: expected SELECT, ASK, CONSTRUCT or DESCRIBE"
        raise QueryError(msg)
    return found.group(1).upper()


def bind_values(sparql: str, substitutions: Mapping[str, Term]) -> str:
    r"""Bind variables by appending ``VALUES (?a ?b) { (term term) }`` to the query's outermost group.

    The terms are written in N-Triples (pyoxigraph escapes quotes, backslashes and line breaks, and checks
    IRIs when the term is made), so a value can never become SPARQL syntax. A ``VALUES`` block at the end of
    the outermost group joins with everything the group matched, before grouping and aggregation, as
    Oxigraph's substitutions do for a variable in scope there; a variable bound only inside a subquery is not
    reached (nor is it by Oxigraph, which asks that the query project what it binds).

    Raises:
        QueryError: a blank node is given (VALUES cannot hold one) or the query has no group.

    Example:
        >>> bind_values("SELECT ?m WHERE { ?m a sv:Municipality } LIMIT 1", {"m": ox.NamedNode("http://ex/m")})
        'SELECT ?m WHERE { ?m a sv:Municipality \nVALUES (?m) { (<http://ex/m>) }\n} LIMIT 1'
    """
    if not substitutions:
        return sparql
    for name, term in substitutions.items():
        if not isinstance(term, ox.NamedNode | ox.Literal):
            msg = f"?{name}: only IRIs and literals can be bound on a remote store, not {term!r}"
            raise QueryError(msg)
    names = " ".join(f"?{n}" for n in substitutions)
    terms = " ".join(str(t) for t in substitutions.values())
    block = f"\nVALUES ({names}) {{ ({terms}) }}\n"
    end = _outermost_group_end(mask_literals(sparql))
    return sparql[:end] + block + sparql[end:]


_DELETE_WHERE = re.compile(r"(?<![\w?$:])DELETE\s+WHERE\s*\{", re.IGNORECASE)


def expand_delete_where(sparql: str) -> str:
    """Rewrite each ``DELETE WHERE { P }`` as ``DELETE { P } WHERE { P }``, its definition in SPARQL 1.1.

    Virtuoso 7.2.5 (07.20.3229) compiles the short form with ``GRAPH ?g`` into a triple delete from ONE graph,
    ``SPARQL_DELETE_DICT_CONTENT(__id2in(G), ...)`` over a ``SELECT TOP 1``: every match is deleted from the
    graph of one solution ("Delete from <g2>, 3 (or less) triples"), so a statement held by two graphs stays
    in the other (``sparql_to_sql_text`` in isql; tests/test_remote/test_store.py). The long form compiles to
    ``SPARQL_DELETE_QUAD_DICT_CONTENT`` with each solution's graph, and means the same everywhere.

    Example:
        >>> expand_delete_where("DELETE WHERE { GRAPH ?g { ?s a <http://ex/C> } }")
        'DELETE { GRAPH ?g { ?s a <http://ex/C> } } WHERE { GRAPH ?g { ?s a <http://ex/C> } }'
    """
    masked = mask_literals(sparql)
    out, pos = [], 0
    for found in _DELETE_WHERE.finditer(masked):
        start = found.end() - 1
        depth = 0
        for end in range(start, len(masked)):
            depth += {"{": 1, "}": -1}.get(masked[end], 0)
            if depth == 0:
                break
        else:
            return sparql  # unbalanced: let the server report the syntax error
        group = sparql[start : end + 1]
        out.append(sparql[pos : found.start()] + f"DELETE {group} WHERE {group}")
        pos = end + 1
    return "".join(out) + sparql[pos:]


# A group holding a VALUES block alone: ``{ VALUES ?x { ... } }`` (data blocks hold no braces once masked).
_VALUES_GROUP = re.compile(r"\{\s*VALUES\s*(?:[?$]\w+|\([^()]*\))\s*\{[^{}]*\}\s*\}", re.IGNORECASE)
_HAS_VALUES = re.compile(r"VALUES", re.IGNORECASE)
_UNION_BEFORE = re.compile(r"(?<![\w?$:])UNION\s*$", re.IGNORECASE)
_UNION_AFTER = re.compile(r"^\s*UNION(?![\w:])", re.IGNORECASE)


def isolate_union_values(sparql: str) -> str:
    """Send each UNION operand that is a VALUES block alone as a subquery: ``{ SELECT * WHERE { … } }``.

    Virtuoso 7.2.5 joins such an operand with the other operands instead of adding its rows:
    ``{ VALUES ?x { 5 6 7 8 9 } } UNION { VALUES ?x { 3 4 5 6 } }`` gives 5 and 6 alone, and
    ``{ VALUES ?x { 1 } } UNION { ?x ?p ?o }`` nothing when no ?x is 1 (openlink/virtuoso-opensource#1014,
    measured). As a subquery the operand is evaluated on its own there; the meaning is the same everywhere.
    Applied to callers' queries and updates, not to our own operations (see ``_run_update``).

    Example:
        >>> isolate_union_values("SELECT ?x { { VALUES ?x { 1 } } UNION { ?x ?p ?o } }")
        'SELECT ?x { { SELECT * WHERE { VALUES ?x { 1 } } } UNION { ?x ?p ?o } }'
    """
    if not _HAS_VALUES.search(sparql):  # most writes (INSERT DATA chunks): no need to mask megabytes
        return sparql
    masked = mask_literals(sparql)
    out, pos = [], 0
    for found in _VALUES_GROUP.finditer(masked):
        start, end = found.span()
        if not (_UNION_BEFORE.search(masked[:start]) or _UNION_AFTER.match(masked[end:])):
            continue
        out.append(sparql[pos:start] + "{ SELECT * WHERE " + sparql[start:end] + " }")
        pos = end
    return "".join(out) + sparql[pos:]


def split_operations(text: str) -> list[str]:
    r"""Split our update text at each ``" ;\n"`` outside braces, strings and IRIs (a pattern may end so).

    Example:
        >>> split_operations('INSERT DATA { <a:s> <a:p> <a:o> ;\n <a:q> "x ;" } ;\nCLEAR GRAPH <a:g>')
        ['INSERT DATA { <a:s> <a:p> <a:o> ;\n <a:q> "x ;" }', 'CLEAR GRAPH <a:g>']
    """
    masked = mask_literals(text)
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(masked):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0 and masked.startswith(" ;\n", i):
            parts.append(text[start:i])
            start = i + 3
    return [*parts, text[start:]]


def _outermost_group_end(masked: str) -> int:
    """Offset of the closing brace of the WHERE group: the last top-level group not of a trailing VALUES."""
    groups: list[tuple[int, int]] = []
    depth, start = 0, 0
    for i, ch in enumerate(masked):
        if ch == "{":
            if depth == 0:
                start = i
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                groups.append((start, i))
    if groups and _TRAILING_VALUES.search(masked[: groups[-1][0]]):
        groups.pop()
    if not groups or depth != 0:
        msg = "SPARQL syntax error: the query has no { ... } group to bind variables in"
        raise QueryError(msg)
    return groups[-1][1]


def parse_time_limit_parameter(text: str | None) -> tuple[str, Literal["s", "ms"]] | None:
    """Read a setting like ``timeout={ms}`` into the parameter's name and unit.

    Raises:
        StoreError: the setting is not ``NAME={s}`` or ``NAME={ms}``.

    Example:
        >>> parse_time_limit_parameter("timeout={ms}")
        ('timeout', 'ms')
    """
    if not text:
        return None
    name, _, unit = text.partition("=")
    if not name or unit not in ("{s}", "{ms}"):
        msg = f"time limit parameter {text!r}: expected NAME={{s}} or NAME={{ms}}, e.g. timeout={{ms}}"
        raise StoreError(msg)
    return name, "ms" if unit == "{ms}" else "s"


def check_syntax(sparql: str, *, update: bool = False) -> None:
    """Parse a query or update with Oxigraph, against an empty store, before it is sent.

    So a syntax error reads the same on every backend (line and column in the caller's text, not in the
    prefixed text sent), and only standard SPARQL 1.1 reaches the server: vendor extensions are refused.
    Run after the guard (``check_query``/``check_update``): evaluation on the empty store must not fetch.

    Raises:
        QueryError: the text does not parse.
    """
    empty = ox.Store()
    try:
        if update:
            empty.update(sparql, prefixes=PREFIXES)
        else:
            empty.query(sparql, prefixes=PREFIXES)
    except SyntaxError as exc:
        msg = f"SPARQL syntax error: {exc}"
        raise QueryError(msg) from exc
    except (RuntimeError, OSError, ValueError):  # it parsed; on the empty store, e.g. MOVE <g> finds no <g>
        pass


class RemoteTriples:
    """The triples of a CONSTRUCT or DESCRIBE answer, read from the server's N-Triples (like QueryTriples)."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self._triples = triples
        self._iter = iter(triples)

    def __iter__(self) -> Iterator[ox.Triple]:
        return self

    def __next__(self) -> ox.Triple:
        return next(self._iter)

    def serialize(
        self, output: IO[bytes] | None = None, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES
    ) -> bytes | None:
        """Serialise the (remaining) triples, as ``QueryTriples.serialize`` does."""
        return ox.serialize(list(self._iter), output, format=format)


RemoteResult = ox.QuerySolutions | ox.QueryBoolean | RemoteTriples


class RemoteStore:
    """A SPARQL 1.1 server behind the protocol (query, update, Graph Store HTTP Protocol), used as the store.

    Example:
        >>> store = RemoteStore("http://127.0.0.1:8890/sparql")  # doctest: +SKIP
        >>> store.count()  # doctest: +SKIP
        0
    """

    path: Path | None = None  # no directory: the server keeps the data

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        auth_scheme: AuthScheme = "basic",
        graph_base: str = str(GRAPH),
        timeout: float = 60.0,
        read_only: bool = False,
        chunk_triples: int = 50_000,
        one_request: bool = True,
        time_limit_parameter: str | None = None,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.graph_store_url = graph_store_url
        self.graph_base = graph_base
        self.read_only = read_only or update_url is None
        self.chunk_triples = chunk_triples
        # One request per write (atomic on Fuseki and GraphDB; Virtuoso commits operation by operation), or
        # one request per operation, for servers that limit a request's size.
        self.one_request = one_request
        # How the server takes a per-request time limit, e.g. "timeout={ms}" (Virtuoso) or "timeout={s}"
        # (Fuseki, GraphDB): without it the server keeps evaluating a query its caller has given up on.
        self.time_limit = parse_time_limit_parameter(time_limit_parameter)
        auth: httpx.Auth | None = None
        if user is not None:
            auth = (
                httpx.DigestAuth(user, password or "")
                if auth_scheme == "digest"
                else httpx.BasicAuth(user, password or "")
            )
        self.client = httpx.Client(timeout=timeout, auth=auth)
        self._graphs: list[str] | None = None
        self._write_lock = threading.RLock()

    @classmethod
    def open(cls, query_url: str, **options: Any) -> RemoteStore:
        """Connect to the server and check that it answers a query.

        Raises:
            StoreError: the server does not answer, or answers with an error.
        """
        store = cls(query_url, **options)
        try:
            store.query("ASK { }")
        except (QueryError, StoreError) as exc:
            store.client.close()
            msg = f"{query_url}: the SPARQL server does not answer: {exc}"
            raise StoreError(msg) from exc
        return store

    def close(self) -> None:
        """Close the connections; the object is unusable afterwards."""
        self.client.close()
        self.read_only = True

    @property
    def location(self) -> str:
        """The server's query URL."""
        return self.query_url

    @property
    def write_lock(self) -> AbstractContextManager[bool]:
        """One writer at a time in this process (the server orders writes from other clients)."""
        return self._write_lock

    @property
    def write_generation(self) -> None:
        """None: other clients write to the server too, so no local count can tell a result is fresh."""
        return None

    @property
    def settled_generation(self) -> None:
        """None, as ``write_generation``."""
        return None

    @property
    def merged_graph(self) -> str:
        """The named graph that holds the merge on the server (``graph:merged``)."""
        return MERGED_GRAPH

    def add_replica(self, replica: Replica) -> bool:
        """False: the server evaluates queries and keeps its own copies."""
        return False

    def local_engine(self) -> None:
        """None: queries are evaluated by the server."""
        return None

    def check_update(self, sparql: str) -> None:
        """Refuse LOAD and SERVICE, and anything that is not standard SPARQL 1.1 Update, before it is sent.

        Raises:
            ForbiddenOperationError: the update uses LOAD or SERVICE.
            QueryError: the update does not parse.
        """
        check_update(sparql)
        check_syntax(sparql, update=True)

    def __enter__(self) -> RemoteStore:
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
        time_limit: float | None = None,
    ) -> RemoteResult:
        """Evaluate a SPARQL 1.1 query on the server; our prefixes are predeclared.

        The dataset is GraphStore's: the default graph is the merge of all graphs (``union_default_graph``:
        their union, duplicates kept), ``default_graphs``/``named_graphs`` restrict it, and a query's own
        ``FROM``/``FROM NAMED`` is left to the server. ``time_limit`` (seconds) is sent to the server when
        ``time_limit_parameter`` says how, and bounds the wait for the answer in any case.

        Raises:
            ForbiddenOperationError: the query uses SERVICE.
            QueryError: the server refuses the query (its message is kept).
            LimitExceededError: the server stopped at its time limit, or gave no answer within ``time_limit``.
            StoreError: the server cannot be reached.
        """
        check_query(sparql)
        check_syntax(sparql)
        bound = {name: encode_term(term) for name, term in (substitutions or {}).items()}
        text = bind_values(sparql, bound)  # type: ignore[arg-type]  # no blank node is left (wire)
        text = _with_prefixes(isolate_union_values(text))
        form = query_form(text)
        data: dict[str, Any] = {"query": text}
        if not _FROM.search(mask_literals(text)):
            owned = None if default_graphs is not None and named_graphs is not None else self._owned()
            if default_graphs is not None:
                data["default-graph-uri"] = default_graphs or [NO_GRAPH]
            else:
                # As Oxigraph's union default graph: every graph, the merged default one included.
                data["default-graph-uri"] = (
                    [*(owned or []), MERGED_GRAPH] if union_default_graph else [MERGED_GRAPH]
                )
            data["named-graph-uri"] = (named_graphs if named_graphs is not None else owned) or [NO_GRAPH]
        accept = GRAPH_RESULTS if form in {"CONSTRUCT", "DESCRIBE"} else SELECT_RESULTS
        wait: float | None = None
        if time_limit is not None:
            wait = time_limit + 5.0  # the server's own limit answers first, with its message
            if self.time_limit is not None:
                name, unit = self.time_limit
                data[name] = str(max(1, round(time_limit * 1000))) if unit == "ms" else f"{time_limit:g}"
        response = self._post(self.query_url, data, accept=accept, wait=wait)
        if form in {"CONSTRUCT", "DESCRIBE"}:
            return RemoteTriples(_parse_triples(response))
        content = decode_results(response.content)
        return ox.parse_query_results(content, format=ox.QueryResultsFormat.JSON)

    def select(self, sparql: str, **kwargs: Any) -> list[dict[str, Term | None]]:
        """Run a SELECT query and return its rows as dicts of variable name to term.

        Raises:
            QueryError: the query is refused or is not a SELECT.
        """
        return select_rows(self.query(sparql, **kwargs))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Iterate over the quads of one named graph, or of every named graph (not the merge)."""
        for g in [graph] if graph else self._owned():
            name = ox.NamedNode(g)
            if self.graph_store_url:
                response = self.client.get(
                    self.graph_store_url, params={"graph": g}, headers={"Accept": GRAPH_RESULTS}
                )
                if response.status_code == 404:
                    continue
                _raise_for(response)
                triples: Iterable[ox.Triple] = _parse_triples(response)
            else:
                text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"
                triples = self.query(text, default_graphs=[], named_graphs=[g])  # type: ignore[assignment]
            for t in triples:
                yield ox.Quad(t.subject, t.predicate, t.object, name)

    def triples(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        object: Term | None = None,
        *,
        graph: str | None = None,
    ) -> Iterator[ox.Triple]:
        """Iterate over the triples matching a pattern in one named graph, or in the merged default graph."""
        bound = {
            name: term for name, term in (("s", subject), ("p", predicate), ("o", object)) if term is not None
        }
        if graph:
            text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            result = self.query(text, substitutions=bound, default_graphs=[], named_graphs=[graph])
        else:
            result = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", substitutions=bound)
        assert isinstance(result, RemoteTriples)
        return iter(result)

    def graph_names(self) -> list[str]:
        """Return the IRIs of the store's named graphs (those under ``graph_base``), sorted."""
        return list(self._owned(refresh=True))

    def has_graph(self, graph: str) -> bool:
        """Tell whether the store holds a named graph with this IRI."""
        return graph in self._owned()

    def count(self, graph: str | None = None) -> int:
        """Count the triples of one named graph, or the distinct statements of the whole store."""
        if graph:
            rows = self.select(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                default_graphs=[],
                named_graphs=[graph],
            )
        else:
            rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        n = rows[0]["n"] if rows else None
        return int(n.value) if n is not None else 0

    def dump(self, out: IO[bytes], *, format: ox.RdfFormat, graph: str | None = None) -> None:
        """Serialise the whole store (dataset formats) or one graph (any format) to ``out``.

        Raises:
            StoreError: a graph format was asked for the whole store.
        """
        if graph is not None:
            ox.serialize((q.triple for q in self.quads(graph)), out, format=format)
            return
        refuse_graph_format(format)
        ox.serialize(self.quads(), out, format=format)

    # Writing: each call keeps the merged graph in step (in the same request where the protocol allows).

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to their named graphs (one update request).

        Raises:
            StoreError: the store is read-only, or a quad is not in one of the store's named graphs.
        """
        self.apply_change(quads, ())

    def remove(self, quads: Iterable[ox.Quad]) -> None:
        """Remove quads from their named graphs (one update request)."""
        self.apply_change((), quads)

    def apply_change(self, added: Iterable[ox.Quad], removed: Iterable[ox.Quad], *, then: str = "") -> None:
        """Remove then add quads as one update request, ``DELETE DATA ; INSERT DATA ; re-merge ; then``.

        Raises:
            ForeignGraphError: a quad is outside the store's graphs.
            StoreError: the store is read-only, or a removed
                statement has a blank node.
        """
        self._check_writable()
        added, removed = self._owned_only(added), self._owned_only(removed)
        refuse_blank_removals(removed)
        added = [encode_quad(q) for q in added]
        parts = []
        if removed:
            parts.append(delete_data(removed))
        if added:
            parts.append(insert_data([*added, *(_in_merged(q) for q in added)]))
        if removed:
            parts.append(self._unmerge({q.triple for q in removed}))
        if then:
            parts.append(then)
        if parts:
            with self._write_lock:
                self._run_update(" ;\n".join(parts))

    def bulk_add(self, quads: Iterable[ox.Quad]) -> None:
        """Load many quads in chunks, merged graph included; NOT one transaction.

        With ``graph_store_url`` the chunks go as N-Triples through the Graph Store HTTP Protocol
        (``POST ?graph=``, which Virtuoso, Fuseki and GraphDB parse fast), else as ``INSERT DATA`` requests.

        Raises:
            ForeignGraphError: a quad is outside the store's graphs.
            StoreError: the store is read-only.
        """
        self._check_writable()
        buffers: dict[str, list[ox.Triple]] = {}
        for q in quads:
            g = self._graph_of(q)
            buffer = buffers.setdefault(g, [])
            buffer.append(encode_quad(q).triple)
            if len(buffer) >= self.chunk_triples:
                self._load_chunk(g, buffer)
                buffers[g] = []
        for g, buffer in buffers.items():
            if buffer:
                self._load_chunk(g, buffer)
        self._graphs = None

    def bulk_load_staged(self, staging: ox.Store, *, work_dir: Path | None = None) -> None:
        """Send the named graphs of an in-memory staging store to the server in chunks; NOT one transaction.

        ``work_dir`` is not used (nothing is staged on disk here).

        Raises:
            ForeignGraphError: a staged graph is outside the store's graphs.
            StoreError: the store is read-only.
        """
        self.bulk_add(q for q in staging if isinstance(q.graph_name, ox.NamedNode))

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update whose WHERE sees the merged default graph, then re-merge.

        Two requests: the update (``using-graph-uri`` = the merged graph, ``using-named-graph-uri`` = the
        store's graphs), then the re-merge of every graph (idempotent: run :meth:`remerge` to repair).
        ``DELETE WHERE`` is sent in its long form (:func:`expand_delete_where`), a UNION operand that is a
        VALUES block alone as a subquery (:func:`isolate_union_values`).

        Raises:
            ForbiddenOperationError: the update uses LOAD or SERVICE.
            QueryError: the server refuses the update.
        """
        self._check_writable()
        check_update(sparql)
        check_syntax(sparql, update=True)
        data = {
            "update": _with_prefixes(isolate_union_values(expand_delete_where(sparql))),
            "using-graph-uri": [MERGED_GRAPH],
            "using-named-graph-uri": self._owned() or [NO_GRAPH],
        }
        self._post(self._update_url(), data)
        self._graphs = None
        self.remerge()

    def remerge(self) -> None:
        """Rebuild the merged graph from the named graphs (reads every graph: slow on large stores)."""
        self._check_writable()
        owned, m = self._owned_filter(), MERGED_GRAPH
        # Clear and copy: Virtuoso 7.2 left triples behind with a DELETE ... MINUS over the whole graph.
        self._run_update(
            f"CLEAR SILENT GRAPH <{m}> ;\n"
            f"INSERT {{ GRAPH <{m}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {owned} }}"
        )

    def replace_graphs(
        self,
        quads: Iterable[ox.Quad],
        *,
        graphs: Iterable[str] = (),
        everything: bool = False,
        then: str = "",
    ) -> None:
        """Drop ``graphs`` (or every graph of the store), insert ``quads``, run ``then``: one request."""
        self._check_writable()
        quads = [encode_quad(q) for q in self._owned_only(quads)]
        dropped = self._owned() if everything else [g for g in graphs]
        parts = [f"CLEAR SILENT GRAPH <{g}>" for g in dropped]
        if everything:
            parts.append(f"CLEAR SILENT GRAPH <{MERGED_GRAPH}>")
        if quads:
            parts.append(insert_data([*quads, *(_in_merged(q) for q in quads)]))
        if dropped and not everything:
            triples = {encode_quad(q).triple for g in dropped for q in self.quads(g)}
            if triples:
                parts.append(self._unmerge(triples))
        if then:
            parts.append(then)
        if parts:
            self._run_update(" ;\n".join(parts))

    def flush(self) -> None:
        """Nothing to do: the server makes its writes durable (Virtuoso at its checkpoints, with a log)."""

    # Internals

    def _owned(self, *, refresh: bool = False) -> list[str]:
        if self._graphs is None or refresh:
            rows = self._select_all_graphs()
            self._graphs = sorted(str(r["g"].value) for r in rows if isinstance(r["g"], ox.NamedNode))
        return list(self._graphs)

    def _select_all_graphs(self) -> list[dict[str, Term | None]]:
        # No dataset parameters: the server's own view of every graph, filtered to ours.
        text = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._owned_filter()} }}"
        response = self._post(self.query_url, {"query": text}, accept=SELECT_RESULTS)
        result = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        assert isinstance(result, ox.QuerySolutions)
        return [{"g": row["g"]} for row in result]

    def _owned_filter(self) -> str:
        return f'FILTER(STRSTARTS(STR(?g), "{_escape(self.graph_base)}") && ?g != <{MERGED_GRAPH}>)'

    def _graph_of(self, q: ox.Quad) -> str:
        if not isinstance(q.graph_name, ox.NamedNode):
            msg = (
                f"statement {q.triple} has no named graph; every statement belongs to the graph of its source"
            )
            raise StoreError(msg)
        g = q.graph_name.value
        if not g.startswith(self.graph_base) or g == MERGED_GRAPH:
            msg = f"<{g}> is not a graph of this store: its graphs' IRIs start with {self.graph_base}"
            raise ForeignGraphError(msg)
        return g

    def _owned_only(self, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        result = list(quads)
        for q in result:
            self._graph_of(q)
        return result

    def _unmerge(self, triples: set[ox.Triple]) -> str:
        """Remove from the merged graph the triples that none of the store's graphs holds any more."""
        plain = [t for t in triples if not _blank_in(t)]
        owned, m = self._owned_filter(), MERGED_GRAPH
        parts = []
        # One VALUES block per kind of object (IRI, or literal of one datatype and language): Virtuoso 7.2
        # silently matched no literal in a block that mixes IRIs and literals.
        kinds: dict[tuple[str, str], list[ox.Triple]] = {}
        for t in plain:
            o = t.object
            key = (o.datatype.value, o.language or "") if isinstance(o, ox.Literal) else ("", "")
            kinds.setdefault(key, []).append(t)
        for group in kinds.values():
            rows = "\n".join(f"({t.subject} {t.predicate} {t.object})" for t in group)
            parts.append(
                f"DELETE {{ GRAPH <{m}> {{ ?s ?p ?o }} }} WHERE {{ VALUES (?s ?p ?o) {{\n{rows}\n}}"
                f" GRAPH <{m}> {{ ?s ?p ?o }} MINUS {{ GRAPH ?g {{ ?s ?p ?o }} {owned} }} }}"
            )
        if len(plain) < len(triples):  # blank nodes cannot be written in VALUES: sweep them by pattern
            parts.append(
                f"DELETE {{ GRAPH <{m}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{m}> {{ ?s ?p ?o }}"
                f" FILTER(isBlank(?s) || isBlank(?o)) MINUS {{ GRAPH ?g {{ ?s ?p ?o }} {owned} }} }}"
            )
        return " ;\n".join(parts)

    def _load_chunk(self, graph: str, triples: list[ox.Triple]) -> None:
        if not self.graph_store_url:
            quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples]
            self._run_update(insert_data([*quads, *(_in_merged(q) for q in quads)]))
            return
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        for target in (graph, MERGED_GRAPH):
            response = self.client.post(
                self.graph_store_url,
                params={"graph": target},
                content=body,
                headers={"Content-Type": GRAPH_RESULTS},
            )
            _raise_for(response)

    def _run_update(self, text: str) -> None:
        """Send our own operations (joined by a semicolon and a line break), in one request or one each."""
        # As written, never through isolate_union_values: on the aggregates' key sets its subquery made
        # Virtuoso 7.2.5 fail (VECSL "ssl refd before set"; docs/backends.md).
        operations = [text] if self.one_request else split_operations(text)
        try:
            for operation in operations:
                self._post(self._update_url(), {"update": operation})
        finally:
            self._graphs = None

    def _update_url(self) -> str:
        if self.update_url is None:
            msg = "this remote store has no update URL: set SAMVERKAN_SPARQL_UPDATE_URL to write"
            raise StoreError(msg)
        return self.update_url

    def _post(
        self, url: str, data: dict[str, Any], *, accept: str | None = None, wait: float | None = None
    ) -> httpx.Response:
        headers = {"Accept": accept} if accept else {}
        timeout = httpx.Timeout(wait) if wait is not None else httpx.USE_CLIENT_DEFAULT
        try:
            response = self.client.post(url, data=data, headers=headers, timeout=timeout)
        except httpx.TimeoutException as exc:
            msg = f"{url}: no answer within the time limit ({exc})"
            raise LimitExceededError(msg) from exc
        except httpx.TransportError as exc:
            msg = f"{url}: cannot reach the SPARQL server: {exc}"
            raise StoreError(msg) from exc
        _raise_for(response)
        return response

    def _check_writable(self) -> None:
        if self.read_only:
            msg = f"{self.query_url}: the remote store is read-only (no update URL, or closed)"
            raise StoreError(msg)


def _raise_for(response: httpx.Response) -> None:
    # Virtuoso's "anytime" queries answer 200 with a partial result and say so in a header.
    if response.headers.get("X-SQL-State") == "S1TAT":
        detail = response.headers.get("X-SQL-Message", "")
        msg = f"the server stopped at its time limit and its answer would be partial ({detail})"
        raise LimitExceededError(msg)
    if response.status_code >= 400:
        text = response.text.strip()[:2000]
        if response.status_code in (401, 403):
            msg = f"{response.url}: the server refused the credentials ({response.status_code}): {text}"
            raise StoreError(msg)
        if response.status_code < 500 or "SPARQL" in text or "syntax" in text.lower():
            msg = f"the SPARQL server refused the request ({response.status_code}): {text}"
            raise QueryError(msg)
        msg = f"{response.url}: server error {response.status_code}: {text}"
        raise StoreError(msg)


def _parse_triples(response: httpx.Response) -> list[ox.Triple]:
    """Read an RDF answer, with the terms that were sent (graph.store.wire)."""
    media = response.headers.get("Content-Type", GRAPH_RESULTS).split(";")[0].strip()
    fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
    if media == "text/plain":
        fmt = ox.RdfFormat.N_TRIPLES
    return [decode_triple(q.triple) for q in ox.parse(response.content, format=fmt)]


# Statements per GRAPH block of INSERT DATA / DELETE DATA: Virtuoso 7.2's SPARQL parser ran out of stack
# ("SP030 ... memory exhausted") after about 5 000 statements in one block; 30 000 in blocks of 2 000 went in.
DATA_BLOCK = 2_000


def insert_data(quads: Iterable[ox.Quad]) -> str:
    """Render quads as one ``INSERT DATA`` operation, in GRAPH blocks of at most ``DATA_BLOCK`` statements."""
    return "INSERT DATA {\n" + _blocks(quads) + "\n}"


def delete_data(quads: Iterable[ox.Quad]) -> str:
    """Render quads as one ``DELETE DATA`` operation, in GRAPH blocks of at most ``DATA_BLOCK`` statements."""
    return "DELETE DATA {\n" + _blocks(quads) + "\n}"


def _blocks(quads: Iterable[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        assert isinstance(q.graph_name, ox.NamedNode)  # checked by _owned_only
        by_graph.setdefault(q.graph_name.value, []).append(f"{q.triple} .")
    return "\n".join(
        f"GRAPH <{g}> {{\n" + "\n".join(lines[i : i + DATA_BLOCK]) + "\n}"
        for g, lines in by_graph.items()
        for i in range(0, len(lines), DATA_BLOCK)
    )


def _with_prefixes(sparql: str) -> str:
    r"""Declare our prefixes the text lacks, after its leading BASE lines (Virtuoso wants BASE first).

    Example:
        >>> _with_prefixes("BASE <http://e/> SELECT * { ?s ?p <o> }").split("\n")[0]
        'BASE <http://e/> PREFIX sv: <https://w3id.org/samverkan/def#>'
    """
    declared = {m.group(1) for m in _DECLARED.finditer(mask_literals(sparql))}
    missing = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared)
    bases = _LEADING_BASES.match(sparql)
    at = bases.end() if bases else 0
    return sparql[:at] + missing + sparql[at:]


_LEADING_BASES = re.compile(r"(?:\s*BASE\s*<[^<>\s]*>)+\s*", re.IGNORECASE)


def _in_merged(q: ox.Quad) -> ox.Quad:
    return ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(MERGED_GRAPH))


def _blank_in(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


__all__ = [
    "MERGED_GRAPH",
    "RemoteResult",
    "RemoteStore",
    "RemoteTriples",
    "bind_values",
    "expand_delete_where",
    "isolate_union_values",
    "query_form",
]
