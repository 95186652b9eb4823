"""Where the W3C tests run: samverkan over HTTP (any backend), or pyoxigraph in-process (the engine baseline).

Both take the same calls: reset to an empty store, load a file into a graph, query, update, read a graph.
Over HTTP every call goes through samverkan's public API with the write token: the Graph Store Protocol to
load and read graphs, the SPARQL Protocol to query and update, ``DROP ALL`` to reset.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
from rdflib import Graph

from tests.test_w3c.compare import Answer, parse_results
from tests.test_w3c.manifest import local_path

_RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


class TargetError(Exception):
    """The target refused or failed a request; the message says how (status and body).

    ``kind``: "syntax" (the text does not parse), "refused" (refused before parsing: SERVICE, LOAD),
    "default-graph" (parsed and evaluated, then refused: it writes the merged default graph), or "error"
    (anything else, e.g. an unknown function or a missing graph).
    """

    def __init__(self, message: str, *, kind: str = "error") -> None:
        super().__init__(message)
        self.kind = kind


def read_triples(file_iri: str) -> list[ox.Triple]:
    """Parse a suite data file with its own IRI as the base."""
    path = local_path(file_iri)
    fmt = _RDF_FORMATS[path.suffix.lstrip(".")]
    fresh: dict[str, ox.BlankNode] = {}  # a document's blank nodes are its own (pyoxigraph keeps the labels)

    def term(t: ox.Term) -> ox.Term:
        return fresh.setdefault(t.value, ox.BlankNode()) if isinstance(t, ox.BlankNode) else t

    return [
        ox.Triple(term(q.subject), q.predicate, term(q.object))  # type: ignore[arg-type]
        for q in ox.parse(path=str(path), format=fmt, base_iri=file_iri)
    ]


def to_ntriples(triples: list[ox.Triple]) -> bytes:
    """Serialise triples as N-Triples."""
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def graph_of(data: bytes, fmt: str = "nt") -> Graph:
    """Parse RDF bytes into an rdflib graph."""
    g = Graph()
    g.parse(data=data, format=fmt)
    return g


class HttpTarget:
    """samverkan's HTTP API at ``base`` (a real server), writing with ``token``.

    The store's default graph is the merge of its named graphs, so the default graph's files go into named
    graphs of their own (named by the file's IRI); ``holders`` remembers them for the runner.
    """

    union_default_graph = True

    def __init__(
        self, name: str, base: str, token: str, *, timeout: float = 30.0, holder_base: str | None = None
    ) -> None:
        self.name = name
        self.base = base.rstrip("/")
        self.holder_base = holder_base
        self.client = httpx.Client(
            base_url=self.base, headers={"Authorization": f"Bearer {token}"}, timeout=timeout
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def reset(self) -> None:
        """Empty the store (DROP ALL through the update endpoint).

        Raises:
            TargetError: the update was refused.
        """
        self._check(self.send("POST", "/update", data={"update": "DROP ALL"}))

    def holder(self, file_iri: str) -> str:
        """The named graph that holds a default-graph file: the file's IRI, or one under ``holder_base``.

        A remote store keeps only graphs under its own base (https://w3id.org/samverkan/graph/): there the
        default graph's files go into graphs of that base, invisible to the tests, which read the merge.
        """
        if self.holder_base is None:
            return file_iri
        return self.holder_base + hashlib.sha1(file_iri.encode()).hexdigest()[:16]

    def load(self, graph: str | None, file_iri: str) -> None:
        """PUT a file's triples into a named graph (the default graph's files into ``holder(file)``).

        Raises:
            TargetError: the Graph Store refused the body.
        """
        body = to_ntriples(read_triples(file_iri))
        r = self.send(
            "PUT",
            "/rdf-graphs",
            params={"graph": graph or self.holder(file_iri)},
            content=body,
            headers={"Content-Type": "application/n-triples"},
        )
        self._check(r)

    def query(
        self,
        text: str,
        *,
        base: str | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Answer:
        """Run a query by POST (form), with ``BASE`` prepended when a base IRI is given.

        Raises:
            TargetError: the server refused the query (status and message).
        """
        form = _request_form(
            "query", text, base, ("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)
        )
        r = self.send("POST", "/sparql", content=form, headers=_FORM_HEADERS | {"Accept": ACCEPT})
        self._check(r)
        media = r.headers.get("content-type", "").split(";")[0].strip()
        return parse_results(r.content, "srj" if "json" in media else "nt")

    def update(
        self,
        text: str,
        *,
        base: str | None = None,
        using_graphs: list[str] | None = None,
        using_named_graphs: list[str] | None = None,
    ) -> None:
        """Run an update by POST (form), with ``BASE`` prepended when a base IRI is given.

        Raises:
            TargetError: the server refused the update.
        """
        form = _request_form(
            "update",
            text,
            base,
            ("using-graph-uri", using_graphs),
            ("using-named-graph-uri", using_named_graphs),
        )
        self._check(self.send("POST", "/update", content=form, headers=_FORM_HEADERS))

    def graph(self, name: str | None) -> Graph | None:
        """Read one graph (``None``: the default graph) by the Graph Store Protocol; ``None`` when missing.

        Raises:
            TargetError: any answer but 200 and 404.
        """
        params = {"graph": name} if name is not None else {"default": ""}
        r = self.send("GET", "/rdf-graphs", params=params, headers={"Accept": "application/n-triples"})
        if r.status_code == 404:
            return None
        self._check(r)
        return graph_of(r.content)

    def graph_names(self) -> set[str]:
        """The IRIs of the named graphs the store holds (empty ones included)."""
        answer = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return {str(row["g"]) for row in answer.rows if "g" in row}

    def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request; a broken connection is the target's failure, not the runner's.

        Raises:
            TargetError: the connection broke (the server crashed or closed it).
        """
        try:
            return self.client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            msg = f"{method} {url}: {type(exc).__name__}: {exc}"
            raise TargetError(msg) from None

    @staticmethod
    def _check(r: httpx.Response) -> None:
        if r.status_code >= 300:
            text = r.text[:300]
            kind = "error"
            if r.status_code == 400 and "syntax error" in text.lower():
                kind = "syntax"
            elif "forbidden-operation" in text:
                kind = "refused"
            elif "merge of the named graphs" in text:
                kind = "default-graph"
            raise TargetError(f"{r.status_code} {text}", kind=kind)


_FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


def _request_form(field: str, text: str, base: str | None, *graphs: tuple[str, list[str] | None]) -> bytes:
    """A protocol request as a form body: the operation (with its base) and its dataset's graph IRIs."""
    fields = [(field, _with_base(text, base))]
    fields += [(name, g) for name, iris in graphs for g in iris or []]
    return urlencode(fields).encode()


def _with_base(text: str, base: str | None) -> str:
    """Prepend a BASE declaration: the suites resolve relative IRIs against the query file's IRI."""
    return f"BASE <{base}>\n{text}" if base else text


class OxigraphTarget:
    """pyoxigraph in-process, with a true default graph: what the engine itself does on the same tests."""

    union_default_graph = False

    def __init__(self) -> None:
        self.name = "pyoxigraph"
        self.store = ox.Store()

    def close(self) -> None:
        """Nothing to release."""

    def reset(self) -> None:
        """Start from an empty store."""
        self.store = ox.Store()

    @staticmethod
    def holder(file_iri: str) -> str:
        """Not used here: the default graph's files go into the true default graph."""
        return file_iri

    def load(self, graph: str | None, file_iri: str) -> None:
        """Add a file's triples to a named graph, or to the default graph."""
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in read_triples(file_iri))

    def query(
        self,
        text: str,
        *,
        base: str | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Answer:
        """Evaluate a query with ``base`` as its base IRI.

        Raises:
            TargetError: the query does not parse or cannot be evaluated.
        """
        kwargs: dict[str, object] = {"base_iri": base}
        if default_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        try:
            result = self.store.query(text, **kwargs)  # type: ignore[arg-type]
            if isinstance(result, ox.QueryTriples):
                return parse_results(result.serialize(format=ox.RdfFormat.N_TRIPLES) or b"", "nt")
            return parse_results(result.serialize(format=ox.QueryResultsFormat.JSON) or b"", "srj")
        except SyntaxError as exc:
            raise TargetError(str(exc), kind="syntax") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise TargetError(str(exc)) from None

    def update(
        self,
        text: str,
        *,
        base: str | None = None,
        using_graphs: list[str] | None = None,
        using_named_graphs: list[str] | None = None,
    ) -> None:
        """Run an update with ``base`` as its base IRI (the protocol's USING parameters do not apply here).

        Raises:
            TargetError: the update does not parse or fails.
        """
        try:
            self.store.update(text, base_iri=base)
        except SyntaxError as exc:
            raise TargetError(str(exc), kind="syntax") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise TargetError(str(exc)) from None

    def graph(self, name: str | None) -> Graph | None:
        """One graph of the store, ``None`` when it holds no graph of that name."""
        target = ox.NamedNode(name) if name is not None else ox.DefaultGraph()
        if name is not None and not self.store.contains_named_graph(target):
            return None
        triples = [q.triple for q in self.store.quads_for_pattern(None, None, None, target)]
        return graph_of(to_ntriples(triples))

    def graph_names(self) -> set[str]:
        """The IRIs of the named graphs."""
        return {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}


Target = HttpTarget | OxigraphTarget

__all__ = ["HttpTarget", "OxigraphTarget", "Target", "TargetError", "read_triples"]
