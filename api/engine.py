"""Query evaluation under limits: a deadline, a cap on rows, a worker thread, answers serialised.

Why threads: pyoxigraph releases the GIL while it evaluates (measured: cheap queries keep a median of 35 µs
while a 2-minute aggregate runs in another thread), so a slow query never holds up the others.

What stops and what does not: SELECT and CONSTRUCT results are pulled row by row and the deadline is checked
every few rows, so those stop within milliseconds. A single step that computes everything before its first row
(GROUP BY, ORDER BY, DISTINCT over a large input, a big ASK) cannot be interrupted from Python: the request is
answered 503 at the deadline, the worker's result is dropped, but the worker keeps one core busy until that
step returns. Workers are bounded (``WORKERS``), so at most that many such steps run at once.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import pyoxigraph as ox

from api.negotiate import Choice
from graph.errors import LimitExceededError, QueryError
from graph.namespaces import PREFIXES
from graph.store.embedded import GraphStore, Term

WORKERS = 16
_CHECK_EVERY = 64
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass
class Answer:
    """What a query produced within the limits."""

    kind: Literal["solutions", "boolean", "graph"]
    variables: list[str] = field(default_factory=list)
    rows: list[ox.QuerySolution] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)
    boolean: bool = False
    more: bool = False  # rows or triples were left out: past the cap or past the page
    seconds: float = 0.0


@dataclass(frozen=True)
class Request:
    """One query to evaluate, with its dataset, bindings, window and time limit."""

    sparql: str
    timeout: float
    limit: int
    offset: int = 0
    substitutions: Mapping[str, Term] | None = None
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None


class QueryRunner:
    """Evaluate queries in a bounded pool of worker threads, each against a deadline."""

    def __init__(self, store: GraphStore, *, workers: int = WORKERS) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sparql")

    def submit(self, req: Request, then: Any = None) -> tuple[Future[Any], threading.Event]:
        """Start a query in a worker; ``then(answer)`` runs in the worker too (e.g. to serialise)."""
        cancel = threading.Event()
        deadline = time.monotonic() + req.timeout

        def work() -> Any:
            answer = evaluate(self.store, req, deadline=deadline, cancel=cancel)
            return then(answer) if then is not None else answer

        return self._pool.submit(work), cancel

    def run(self, req: Request) -> Answer:
        """Evaluate a query and wait for it, at most until its deadline.

        Raises:
            QueryError: the query does not parse or cannot be evaluated.
            LimitExceededError: it ran past the time limit (its work is abandoned).
        """
        future, cancel = self.submit(req)
        try:
            answer: Answer = future.result(timeout=req.timeout)
        except TimeoutError:
            cancel.set()
            future.cancel()
            raise LimitExceededError(time_limit_message(req.timeout)) from None
        return answer

    def close(self) -> None:
        """Stop taking work; running queries are told to stop."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def time_limit_message(timeout: float) -> str:
    """Say that a query hit the time limit and what to do about it."""
    return (
        f"the query ran past the time limit of {timeout:g} s and was stopped; "
        "narrow it (LIMIT, more specific patterns) or ask for a longer SAMVERKAN_QUERY_TIMEOUT"
    )


def evaluate(store: GraphStore, req: Request, *, deadline: float, cancel: threading.Event) -> Answer:
    """Evaluate ``req`` in this thread, pulling results until the window is full or the deadline passes.

    Raises:
        QueryError: the query does not parse or cannot be evaluated.
        LimitExceededError: the deadline passed or the request was cancelled.
    """
    started = time.perf_counter()

    def check() -> None:
        if cancel.is_set() or time.monotonic() > deadline:
            raise LimitExceededError(time_limit_message(req.timeout))

    # pyoxigraph's result iterators must be dropped in the thread that made them: no traceback that leaves
    # this function may hold one, so errors are re-raised after ``result`` is gone.
    result: Any = None
    failure: Exception | None = None
    try:
        result = store.query(
            req.sparql,
            substitutions=req.substitutions,
            default_graphs=req.default_graphs,
            named_graphs=req.named_graphs,
            time_limit=max(0.001, deadline - time.monotonic()),  # a remote server stops there too
        )
        check()
        if isinstance(result, ox.QueryBoolean):
            answer = Answer("boolean", boolean=bool(result))
        elif isinstance(result, ox.QuerySolutions):
            answer = Answer("solutions", variables=[v.value for v in result.variables])
            answer.rows, answer.more = _window(result, req, check)
        else:
            answer = Answer("graph")
            answer.triples, answer.more = _window(result, req, check)
    except (LimitExceededError, QueryError) as exc:
        failure = type(exc)(str(exc))
    except (
        RuntimeError,
        OSError,
        ValueError,
    ) as exc:  # evaluation errors (e.g. a substitution of an unprojected variable, an invalid IRI)
        failure = QueryError(f"the query cannot be evaluated: {exc}")
    finally:
        result = None
    if failure is not None:
        raise failure
    answer.seconds = time.perf_counter() - started
    return answer


def _window(items: Any, req: Request, check: Any) -> tuple[list[Any], bool]:
    taken: list[Any] = []
    for i, item in enumerate(items):
        if i % _CHECK_EVERY == 0:
            check()
        if i < req.offset:
            continue
        if len(taken) == req.limit:
            return taken, True
        taken.append(item)
    return taken, False


# Serialisation


def term_json(term: Any) -> dict[str, Any]:
    """Render one RDF term as in SPARQL 1.1 Query Results JSON."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(term.subject),
                "predicate": term_json(term.predicate),
                "object": term_json(term.object),
            },
        }
    msg = f"cannot render {term!r}"
    raise TypeError(msg)


def results_json(answer: Answer, *, note: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the SPARQL JSON document of a SELECT or ASK answer; ``note`` adds our own top-level field."""
    doc: dict[str, Any]
    if answer.kind == "boolean":
        doc = {"head": {}, "boolean": answer.boolean}
    else:
        bindings = []
        for row in answer.rows:
            binding = {}
            for name in answer.variables:
                value = row[name]
                if value is not None:
                    binding[name] = term_json(value)
            bindings.append(binding)
        doc = {"head": {"vars": answer.variables}, "results": {"bindings": bindings}}
    if note:
        doc["samverkan"] = dict(note)
    return doc


def serialise(answer: Answer, choice: Choice, *, note: Mapping[str, Any] | None = None) -> bytes:
    """Serialise an answer in the negotiated format (pyoxigraph's serialisers for every standard format)."""
    if answer.kind == "graph":
        assert choice.rdf is not None
        return rdf_bytes(answer.triples, choice.rdf)
    assert choice.results is not None
    if choice.results == ox.QueryResultsFormat.JSON:
        return json.dumps(results_json(answer, note=note), ensure_ascii=False, separators=(",", ":")).encode()
    # The rows were pulled one by one under the deadline; pyoxigraph re-reads them to write XML, CSV or TSV.
    parsed = ox.parse_query_results(json.dumps(results_json(answer)), format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=choice.results) or b""


def rdf_bytes(
    triples: Iterable[ox.Triple], rdf: ox.RdfFormat, *, prefixes: Mapping[str, str] = PREFIXES
) -> bytes:
    """Serialise triples with pyoxigraph; Turtle and RDF/XML get our prefixes."""
    named = dict(prefixes) if rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=rdf, prefixes=named) or b""


__all__ = [
    "WORKERS",
    "Answer",
    "QueryRunner",
    "Request",
    "evaluate",
    "rdf_bytes",
    "results_json",
    "serialise",
    "term_json",
    "time_limit_message",
]
