"""The aggregate texts against the library's, for each parameter shape: a check of Oxigraph's plans.

A text of graph/aggregates/rq/ answers the same rows as the library's text (tests/test_graph/
test_aggregates.py holds them to that), but nothing in the tests times it. Oxigraph 0.5's plan depends on
the text's shape: in session 17 one version of issue-raisers-by-round took 40 ms for one issue and 21 s for
every issue, where the library's text took 0.57 s. So each text is timed here with its parameters bound as
the benchmark's mix binds them (values picked from the data) and with none given, beside the library's text
on the same store, and a text slower than the library's by more than a factor is named.
"""

from __future__ import annotations

import json
import os
import select
import signal
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from api.bench.questions.define import pick_from
from api.bench.questions.run import mix_values
from api.workers.sandbox import go_first_when_memory_runs_out
from graph.aggregates.model import Term
from graph.aggregates.reading import reading, reading_text
from graph.errors import QueryError
from graph.queries.library import NamedQuery, bind_parameters
from graph.store.protocol import Store

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Timing:
    """One text's time on one shape: the median of the runs, or the first run alone past the cap."""

    ms: float
    rows: int
    capped: bool = False  # the first run passed the cap: not repeated, a lower bound of the median
    failure: str | None = None  # it gave no answer (a forked child the kernel ended for memory, say)


@dataclass(frozen=True)
class ShapeCheck:
    """A named query on one parameter shape: its aggregate text and the library's, timed on one store."""

    query: str
    shape: str
    values: dict[str, str]
    aggregate: Timing
    library: Timing

    @property
    def ratio(self) -> float:
        """The aggregate text's time over the library's (below 1: the aggregates are faster)."""
        return self.aggregate.ms / max(self.library.ms, 0.001)

    def verdict(self, *, slower: float, floor_ms: float) -> str | None:
        """Why this shape needs a look, or None: rows that differ, or a plan slower than the library's.

        A text under ``floor_ms`` is never called slow: at a few milliseconds the ratio is noise.
        """
        if self.aggregate.failure is not None:
            return f"the aggregate text gave no answer: {self.aggregate.failure}"
        if self.library.failure is not None:  # nothing to compare with
            return None
        if self.aggregate.rows != self.library.rows and not (self.aggregate.capped or self.library.capped):
            aggregate, library = self.aggregate.rows, self.library.rows
            return f"rows differ: {aggregate:,} from the aggregates, {library:,} from the base data"
        if self.aggregate.ms >= floor_ms and self.ratio > slower:
            return f"{self.ratio:.1f}x the library text's time"
        return None


Timer = Callable[..., "Timing"]  # time_text or time_text_forked


def shapes(query: NamedQuery, picked: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """The parameter shapes to time: values picked as the mix picks them, and (where it picks any) none given.

    With none given, a parameter with a default takes it; one without stays unbound (every value).
    """
    bound = mix_values(query, picked)
    found = [("picked values", bound)]
    if bound:
        found.append(("no value given", {}))
    return found


def checked_queries(library: dict[str, NamedQuery], store: Store) -> list[NamedQuery]:
    """The named queries the store answers from the aggregates (a text other than the library's)."""
    return [q for q in library.values() if reading_text(q, store) != q.sparql]


def time_text(run: Callable[[], int], *, runs: int, cap: float) -> Timing:
    """Time ``run`` (it returns its row count): a first run, then ``runs`` more unless it passed ``cap``.

    In this process, for a store on disk or a SPARQL server: a first run past the cap is waited for (an
    embedded store on disk cannot be forked safely, its engine's threads would not follow).
    """
    report = _measure(run, runs=runs, cap=cap, say=lambda *_: None)
    return Timing(report[0] * 1000, report[1], capped=report[2])


def time_text_forked(run: Callable[[], int], *, runs: int, cap: float) -> Timing:
    """Time ``run`` as ``time_text`` does, in a forked child that is ended if its first run passes ``cap``.

    For a store in memory (Oxigraph's memory store has no threads of its own), as the query workers are
    forked from the server's memory copy: the first run copies the pages it reads, as a fresh worker's does,
    and the median of the runs after it is a kept worker's time. The child is the kernel's first choice
    when memory runs out, as a query worker is.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: measure, say each step on the pipe, never return into the caller's code
        try:
            os.close(read)
            go_first_when_memory_runs_out()  # its copied pages, not the parent holding the copy
            with os.fdopen(write, "w") as out:

                def say(*step: object) -> None:
                    out.write(json.dumps(step) + "\n")
                    out.flush()

                try:
                    _measure(run, runs=runs, cap=cap, say=say)
                except Exception as exc:  # the text's own error, told to the parent
                    say("error", f"{type(exc).__name__}: {exc}")
        finally:
            os._exit(0)
    os.close(write)
    started = time.perf_counter()
    try:
        with os.fdopen(read) as steps:
            if not select.select([steps], [], [], cap)[0]:
                os.kill(pid, signal.SIGKILL)
                return Timing(cap * 1000, 0, capped=True)
            lines = steps.read().splitlines()  # the first run's step, then (within the cap) the median's
    finally:
        _, status = os.waitpid(pid, 0)
    said = [json.loads(line) for line in lines]
    if said and said[-1][0] == "error":
        return Timing((time.perf_counter() - started) * 1000, 0, failure=said[-1][1])
    if said and (said[-1][0] == "median" or said[-1][3]):  # its median, or a first run past the cap
        _, seconds, rows, capped = said[-1]
        return Timing(seconds * 1000, rows, capped=capped)
    ended = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    why = (
        "ended by the kernel (SIGKILL: out of memory, most likely: it copies every page it reads)"
        if ended == signal.SIGKILL
        else f"ended by signal {ended}"
        if ended is not None
        else f"ended with exit status {os.waitstatus_to_exitcode(status)}"
    )
    return Timing((time.perf_counter() - started) * 1000, 0, failure=why)


def _measure(
    run: Callable[[], int], *, runs: int, cap: float, say: Callable[..., None]
) -> tuple[float, int, bool]:
    started = time.perf_counter()
    rows = run()
    first = time.perf_counter() - started
    if first > cap:
        say("first", first, rows, True)
        return first, rows, True
    say("first", first, rows, False)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    say("median", median, rows, False)
    return median, rows, False


def check_shape(
    store: Store,
    query: NamedQuery,
    shape: str,
    values: dict[str, str],
    *,
    runs: int,
    cap: float,
    timer: Timer = time_text,
) -> ShapeCheck:
    """Time the aggregate text and the library's on one shape (every row: the texts' whole answers).

    Raises:
        QueryError: the values do not fit the query's parameters, or a text cannot be evaluated.
    """
    bindings = bind_parameters(query, values)
    text, bound = reading(query, store, bindings)

    def count(sparql: str, substitutions: Mapping[str, Term]) -> Callable[[], int]:
        return lambda: len(store.select(sparql, substitutions=substitutions))

    aggregate = timer(count(text, bound), runs=runs, cap=cap)
    library = timer(count(query.sparql, bindings), runs=runs, cap=cap)
    return ShapeCheck(query.name, shape, values, aggregate, library)


def check_plans(
    store: Store,
    library: dict[str, NamedQuery],
    *,
    runs: int,
    cap: float,
    progress: Progress,
    timer: Timer = time_text,
) -> list[ShapeCheck]:
    """Every shape of every named query the store answers from the aggregates, timed beside the library's.

    Raises:
        QueryError: the store holds no aggregates (nothing to check).
    """
    queries = checked_queries(library, store)
    if not queries:
        msg = (
            "the store holds no aggregates, so every named query reads the base data:"
            " run `samverkan aggregates rebuild`"
        )
        raise QueryError(msg)
    picked = pick_from(store)
    checks = []
    for query in sorted(queries, key=lambda q: q.name):
        for shape, values in shapes(query, picked):
            check = check_shape(store, query, shape, values, runs=runs, cap=cap, timer=timer)
            progress(f"  {query.name}, {shape}: {check.aggregate.ms:,.1f} / {check.library.ms:,.1f} ms")
            checks.append(check)
    return checks


__all__ = [
    "ShapeCheck",
    "Timing",
    "check_plans",
    "check_shape",
    "checked_queries",
    "shapes",
    "time_text",
    "time_text_forked",
]
