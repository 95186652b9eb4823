"""Query evaluation under limits: a deadline, a cap on rows, answers serialised; in processes or threads.

On the embedded store on disk, queries run in worker processes (api/workers/): a query past its limit is
stopped by ending its process (its CPU is free at once), a crash of the engine costs only its request, the
workers cannot open a socket, and their memory is bounded. This module holds what both paths share: the
request and answer types, ``evaluate`` (which a worker runs) and the serialisers.

Threads remain for a store in memory (tests, one-off commands) and for a remote server, whose own time
limit stops its work. There, SELECT and CONSTRUCT results are pulled row by row and the deadline is checked
every few rows; a single step that computes everything before its first row (GROUP BY, ORDER BY, a big
ASK) cannot be interrupted from Python: the request is answered 503 at the deadline but the thread keeps a
core busy until that step returns. Threads are bounded (``WORKERS``).
"""

from __future__ import annotations

import json
import math
import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pyoxigraph as ox

from graph.errors import LimitExceededError, QueryError
from graph.namespaces import PREFIXES
from graph.store.embedded import Term
from graph.store.protocol import Store

if TYPE_CHECKING:  # not at run time: the query workers import this module, and no web framework
    from api.negotiate import Choice
    from api.workers.pool import WorkerPool

WORKERS = 16
_CHECK_EVERY = 64
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_PLAIN_NUMBERS: dict[str, type] = {
    XSD + "integer": int,
    XSD + "int": int,
    XSD + "long": int,
    XSD + "decimal": float,
    XSD + "double": float,
    XSD + "float": float,
}


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
class PlainPage:
    """A SELECT answer as report tools read it: its columns, and its rows already encoded as JSON.

    ``rows_json`` is a JSON array of one object per row, of plain values (``plain_value``), written where the
    answer was evaluated: in a query worker, so that the server passes it on instead of reading every term
    back and writing it again (for 12,370 rows that round trip was most of a second).
    """

    variables: list[str]
    rows_json: bytes
    more: bool
    seconds: float

    def rows(self) -> list[dict[str, Any]]:
        """The rows as Python values (for CSV)."""
        rows: list[dict[str, Any]] = json.loads(self.rows_json)
        return rows


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


@dataclass(frozen=True)
class Rendered:
    """An answer serialised for the client: its bytes, media type, whether rows were left out, and timing."""

    body: bytes
    media_type: str
    more: bool
    seconds: float


class QueryRunner:
    """Evaluate queries under a deadline: in worker processes (``pool``), else in a bounded pool of threads.

    With a pool (the embedded store on disk) a query past its limit is stopped by ending its process, and a
    crash costs only its request (api/workers/pool.py). Without one (a store in memory, a remote server, whose
    own limit stops it) queries run in threads, as described in the module docstring.
    """

    def __init__(self, store: Store, *, workers: int = WORKERS, pool: WorkerPool | None = None) -> None:
        self.store = store
        self.pool = pool
        self._threads = DaemonExecutor(workers, name="sparql")

    def submit(self, req: Request, then: Any = None) -> tuple[Future[Any], threading.Event]:
        """Start a query in a worker thread; ``then(answer)`` runs in the thread too (e.g. to serialise)."""
        cancel = threading.Event()
        deadline = time.monotonic() + req.timeout

        def work() -> Any:
            answer = evaluate(self.store, req, deadline=deadline, cancel=cancel)
            return then(answer) if then is not None else answer

        return self._threads.submit(work), cancel

    def run(self, req: Request) -> Answer:
        """Evaluate a query and wait for it, at most until its deadline.

        Raises:
            QueryError: the query does not parse or cannot be evaluated.
            LimitExceededError: it ran past the time limit (its work is abandoned, its process ended).
            EngineCrashedError: the engine crashed on it (its worker process ended; nothing else did).
        """
        if self.pool is not None:
            header, body = self.pool.run(_wire(req, {"mode": "answer"}), req.timeout)
            return parse_answer(header, body)
        answer: Answer = self._wait(self.submit(req), req.timeout)
        return answer

    def run_plain(self, req: Request) -> PlainPage:
        """Evaluate a query and encode its rows as plain JSON values where it ran (``PlainPage``).

        Raises:
            QueryError, LimitExceededError, EngineCrashedError: as ``run``.
        """
        if self.pool is not None:
            header, body = self.pool.run(_wire(req, {"mode": "plain"}), req.timeout)
            return PlainPage(header["variables"], body, header["more"], header["seconds"])
        page: PlainPage = self._wait(self.submit(req, plain_page), req.timeout)
        return page

    def render(self, req: Request, *, accept: str | None, format: str | None) -> Rendered:
        """Evaluate a query; serialise its answer in the negotiated format, in the worker that evaluated it.

        A truncated SELECT answer says so in its JSON body (``samverkan.truncated``).

        Raises:
            QueryError, LimitExceededError, EngineCrashedError: as ``run``.
            NotAcceptableError: nothing the client accepts fits the answer's kind.
        """
        from api.negotiate import negotiate

        if self.pool is not None:
            output = {"mode": "render", **{k: _format_spec(k, accept, format) for k in ("results", "graph")}}
            header, body = self.pool.run(_wire(req, output), req.timeout)
            return Rendered(body, header["media"], header["more"], header["seconds"])

        def serialise_answer(answer: Answer) -> Rendered:
            choice = negotiate("graph" if answer.kind == "graph" else "results", accept=accept, format=format)
            note = {"truncated": True, "max-results": req.limit} if answer.more else None
            return Rendered(
                serialise(answer, choice, note=note), choice.media_type, answer.more, answer.seconds
            )

        rendered: Rendered = self._wait(self.submit(req, serialise_answer), req.timeout)
        return rendered

    @staticmethod
    def _wait(submitted: tuple[Future[Any], threading.Event], timeout: float) -> Any:
        future, cancel = submitted
        try:
            return future.result(timeout=timeout)
        except TimeoutError:
            cancel.set()
            future.cancel()
            raise LimitExceededError(time_limit_message(timeout)) from None

    def health(self) -> dict[str, Any]:
        """Which engine answers queries, and the workers' state (``/health``)."""
        if self.pool is not None:
            return self.pool.health()
        local = self.store.local_engine()
        return {"ready": True, "engine": "threads" if local is not None else "remote", "workers": None}

    def close(self) -> None:
        """Stop taking work; running queries are told to stop, worker processes ended."""
        self._threads.shutdown()
        if self.pool is not None:
            self.pool.close()


class DaemonExecutor:
    """At most ``workers`` daemon threads running calls: a ``ThreadPoolExecutor`` not joined at exit.

    ``ThreadPoolExecutor`` joins its threads when the interpreter exits, and a query abandoned at its
    deadline (one step of the engine that Python cannot interrupt) would hold the process open until that
    step returns: measured, an hour for a cross product. Daemon threads end with the process.
    """

    def __init__(self, workers: int, *, name: str) -> None:
        self._work: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = queue.SimpleQueue()
        self._idle = threading.Semaphore(0)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._workers = workers
        self._name = name
        self._shut = False

    def submit(self, fn: Callable[[], Any]) -> Future[Any]:
        """Run ``fn`` in a thread; its result or exception in the returned future.

        Raises:
            RuntimeError: after ``shutdown``.
        """
        future: Future[Any] = Future()
        with self._lock:
            if self._shut:
                msg = "the query threads are shut down"
                raise RuntimeError(msg)
            self._work.put((future, fn))
            if not self._idle.acquire(blocking=False) and len(self._threads) < self._workers:
                thread = threading.Thread(
                    target=self._run, name=f"{self._name}_{len(self._threads)}", daemon=True
                )
                self._threads.append(thread)
                thread.start()
        return future

    def _run(self) -> None:
        while (item := self._work.get()) is not None:
            future, fn = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn())
                except BaseException as exc:  # handed to the waiting request, as ThreadPoolExecutor does
                    future.set_exception(exc)
            self._idle.release()

    def shutdown(self) -> None:
        """Take no more work; queued calls are cancelled; running ones are left to end (daemon threads)."""
        with self._lock:
            self._shut = True
            for _ in self._threads:
                self._work.put(None)


def _wire(req: Request, output: dict[str, Any]) -> dict[str, Any]:
    """The request as a worker reads it (JSON): variables bound in the text, as ``GraphStore.query`` does."""
    from graph.store.embedded import bind_values

    sparql = bind_values(req.sparql, req.substitutions) if req.substitutions else req.sparql
    return {
        "sparql": sparql,
        "limit": req.limit,
        "offset": req.offset,
        "default_graphs": req.default_graphs,
        "named_graphs": req.named_graphs,
        "output": output,
    }


def _format_spec(kind: Literal["results", "graph"], accept: str | None, format: str | None) -> dict[str, str]:
    """Negotiate in the server (the worker imports no web framework): the format, or why there is none."""
    from api.errors import NotAcceptableError
    from api.negotiate import negotiate

    try:
        choice = negotiate(kind, accept=accept, format=format)
    except NotAcceptableError as exc:
        return {"error": exc.message}
    fmt = choice.results if kind == "results" else choice.rdf
    assert fmt is not None
    return {"media": choice.media_type, "format": fmt.media_type}


def parse_answer(header: dict[str, Any], body: bytes) -> Answer:
    """Read back an answer a worker serialised (SPARQL JSON results, or N-Triples for graphs)."""
    answer = Answer(header["kind"], more=header["more"], seconds=header["seconds"])
    if answer.kind == "boolean":
        answer.boolean = bool(json.loads(body)["boolean"])
    elif answer.kind == "solutions":
        solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        assert isinstance(solutions, ox.QuerySolutions)
        answer.variables = [v.value for v in solutions.variables]
        answer.rows = list(solutions)
    else:
        answer.triples = [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
    return answer


def time_limit_message(timeout: float) -> str:
    """Say that a query hit the time limit and what to do about it."""
    return (
        f"the query ran past the time limit of {timeout:g} s and was stopped; "
        "narrow it (LIMIT, more specific patterns) or ask for a longer SAMVERKAN_QUERY_TIMEOUT"
    )


def evaluate(store: Store, req: Request, *, deadline: float, cancel: threading.Event) -> Answer:
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


def plain_value(term: Any) -> Any:
    """A term as report tools read it: IRIs and strings as text, numbers and booleans as JSON values.

    A number JSON cannot write (NaN, INF) or an ill-formed one stays text, as does every other literal.
    """
    if term is None:
        return None
    if type(term) is ox.Literal:
        datatype = term.datatype.value
        if datatype in (XSD_STRING, RDF_LANG_STRING):  # most values: one comparison each
            return term.value
        kind = _PLAIN_NUMBERS.get(datatype)
        if kind is not None:
            try:
                number = kind(term.value)
            except ValueError:
                return term.value
            return number if kind is int or math.isfinite(number) else term.value
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if type(term) is ox.BlankNode:
        return f"_:{term.value}"
    return term.value


def plain_page(answer: Answer) -> PlainPage:
    """Encode a SELECT answer's rows as plain JSON values (an ASK or CONSTRUCT answer has no rows here)."""
    return encode_plain(answer.variables, answer.rows, more=answer.more, seconds=answer.seconds)


def encode_plain(
    variables: list[str], rows: Iterable[Iterable[Any]], *, more: bool, seconds: float
) -> PlainPage:
    """Encode rows of terms, each in the order of ``variables`` (as a ``QuerySolution`` iterates)."""
    objects = [{name: plain_value(term) for name, term in zip(variables, row, strict=True)} for row in rows]
    encoded = json.dumps(objects, ensure_ascii=False, separators=(",", ":")).encode()
    return PlainPage(list(variables), encoded, more, seconds)


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
    return serialise_as(answer, results=choice.results, rdf=choice.rdf, note=note)


def serialise_as(
    answer: Answer,
    *,
    results: ox.QueryResultsFormat | None,
    rdf: ox.RdfFormat | None,
    note: Mapping[str, Any] | None = None,
) -> bytes:
    """Serialise an answer as ``results`` (SELECT, ASK) or ``rdf`` (CONSTRUCT, DESCRIBE) with pyoxigraph."""
    if answer.kind == "graph":
        assert rdf is not None
        return rdf_bytes(answer.triples, rdf)
    assert results is not None
    if results == ox.QueryResultsFormat.JSON:
        return json.dumps(results_json(answer, note=note), ensure_ascii=False, separators=(",", ":")).encode()
    # The rows were pulled one by one under the deadline; pyoxigraph re-reads them to write XML, CSV or TSV.
    parsed = ox.parse_query_results(json.dumps(results_json(answer)), format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=results) or b""


def rdf_bytes(
    triples: Iterable[ox.Triple], rdf: ox.RdfFormat, *, prefixes: Mapping[str, str] = PREFIXES
) -> bytes:
    """Serialise triples with pyoxigraph; Turtle and RDF/XML get our prefixes."""
    named = dict(prefixes) if rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=rdf, prefixes=named) or b""


__all__ = [
    "WORKERS",
    "Answer",
    "PlainPage",
    "QueryRunner",
    "Rendered",
    "Request",
    "encode_plain",
    "evaluate",
    "parse_answer",
    "plain_page",
    "plain_value",
    "rdf_bytes",
    "results_json",
    "serialise",
    "serialise_as",
    "term_json",
    "time_limit_message",
]
