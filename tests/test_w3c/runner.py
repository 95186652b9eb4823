"""Run W3C tests on a target and say, for each, whether it passed and why not.

Query tests load ``qt:data`` into the default graph and ``qt:graphData`` into named graphs, then compare the
answer with the expected results. On samverkan the default graph is the merge of the named graphs, so a test
that also has named graphs sees them in its default graph; when such a test fails, the runner runs it again
with the dataset named (``default-graph-uri`` = the default graph's files, ``named-graph-uri`` = the named
graphs; for updates ``using-graph-uri`` / ``using-named-graph-uri``) and records whether that passes: the
standard dataset semantics a user gets by naming the dataset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from rdflib import Graph

from tests.test_w3c.compare import Answer, is_ordered, parse_results, same_answer, same_graph
from tests.test_w3c.manifest import W3CTest, local_path, read_text
from tests.test_w3c.targets import Target, TargetError, graph_of, read_triples, to_ntriples

_FROM = re.compile(r"\bFROM\s+(NAMED\s+)?<([^>]*)>", re.IGNORECASE)
_USING = re.compile(r"\b(USING|WITH)\b", re.IGNORECASE)


@dataclass
class Outcome:
    """What one test did on one target."""

    test: str
    category: str
    status: str  # "pass", "fail" or "skip"
    detail: str = ""
    named_pass: bool | None = None  # passes with the dataset named (union default graph only)


def run_test(target: Target, test: W3CTest) -> Outcome:
    """Run one query, update or syntax test (protocol tests: ``tests.test_w3c.http_tests``)."""
    try:
        if test.category == "query evaluation":
            return _query_test(target, test)
        if test.category == "update evaluation":
            return _update_test(target, test)
        if test.category in ("query syntax", "update syntax"):
            return _syntax_test(target, test)
    except TargetError as exc:
        return Outcome(test.iri, test.category, "fail", str(exc))
    return Outcome(test.iri, test.category, "skip", "not a query, update or syntax test")


def _from_graphs(text: str, base: str) -> tuple[list[str], list[str]]:
    """The graphs a query names with FROM and FROM NAMED, resolved against its base."""
    default, named = [], []
    for m in _FROM.finditer(text):
        (named if m.group(1) else default).append(urljoin(base, m.group(2)))
    return default, named


def _load(target: Target, test: W3CTest, extra: list[str]) -> tuple[list[str], list[str]]:
    """Load the test's data; return the graphs holding the default graph (over HTTP) and the named graphs."""
    target.reset()
    for f in test.data:
        target.load(None, f)
    names = []
    for name, f in test.graph_data:
        target.load(name, f)
        names.append(name)
    for iri in extra:  # graphs a query names with FROM: in the store under their own IRI
        if iri not in names and iri not in test.data and _is_local(iri):
            target.load(iri, iri)
            names.append(iri)
    return [target.holder(f) for f in test.data], names


def _is_local(iri: str) -> bool:
    try:
        return local_path(iri).is_file()
    except ValueError:
        return False


def _expected_answer(test: W3CTest) -> Answer:
    assert test.result is not None
    ext = test.result.rsplit(".", 1)[1]
    return parse_results(local_path(test.result).read_bytes(), ext, base=test.result)


def _query_test(target: Target, test: W3CTest) -> Outcome:
    assert test.action is not None
    text = read_text(test.action)
    from_default, from_named = _from_graphs(text, test.action)
    defaults, names = _load(target, test, from_default + from_named)
    if test.result is None:
        return Outcome(test.iri, test.category, "skip", "no expected result")
    expected = _expected_answer(test)
    csv = test.result.endswith(".csv")
    ordered = is_ordered(text)

    def attempt(**dataset: list[str] | None) -> str | None:
        try:
            actual = target.query(text, base=test.action, **dataset)
        except TargetError as exc:
            return str(exc)
        return same_answer(expected, actual, ordered=ordered, csv=csv)

    problem = attempt()
    if problem is None:
        return Outcome(test.iri, test.category, "pass")
    outcome = Outcome(test.iri, test.category, "fail", problem)
    if target.union_default_graph and (names or defaults) and not (from_default or from_named):
        outcome.named_pass = attempt(default_graphs=defaults, named_graphs=names) is None
    return outcome


def _expected_graph(files: list[str]) -> Graph:
    triples = [t for f in files for t in read_triples(f)]
    return graph_of(to_ntriples(triples))


def _update_test(target: Target, test: W3CTest) -> Outcome:
    assert test.action is not None
    text = read_text(test.action)

    def attempt(*, named: bool, using: bool = True) -> str | None:
        defaults, names = _load(target, test, [])
        dataset = {}
        if named and using and not _USING.search(text):
            dataset = {"using_graphs": defaults, "using_named_graphs": names}
        try:
            target.update(text, base=test.action, **dataset)
        except TargetError as exc:
            return str(exc)
        return _state_problem(target, test, holders=defaults if named else None)

    problem = attempt(named=False)
    if problem is None:
        return Outcome(test.iri, test.category, "pass")
    outcome = Outcome(test.iri, test.category, "fail", problem)
    if target.union_default_graph:  # the dataset named, or (CLEAR, COPY, INSERT ... WHERE GRAPH) only read
        outcome.named_pass = attempt(named=True) is None or attempt(named=True, using=False) is None
    return outcome


def _state_problem(target: Target, test: W3CTest, *, holders: list[str] | None) -> str | None:
    """Compare the store after an update with the expected default graph and named graphs.

    ``holders``: read the default graph as the union of these graphs (the dataset named), not the merge.
    """
    expected_names = {name for name, _ in test.result_graph_data}
    if holders is None:
        default = target.graph(None)
    else:
        default = Graph()
        for h in holders:
            for t in target.graph(h) or Graph():
                default.add(t)
    if default is None or not same_graph(_expected_graph(test.result_data), default):
        return f"the default graph differs ({len(default or ())} triples)"
    for name, f in test.result_graph_data:
        actual = target.graph(name)
        if actual is None:
            return f"graph <{name}> is missing"
        if not same_graph(_expected_graph([f]), actual):
            return f"graph <{name}> differs"
    holder_graphs = {target.holder(f) for f in test.data} if target.union_default_graph else set()
    left = target.graph_names() - expected_names - holder_graphs
    if any(target.graph(g) for g in left):
        return f"graphs that should be gone remain: {sorted(left)}"
    return None


def _syntax_test(target: Target, test: W3CTest) -> Outcome:
    assert test.action is not None
    text = local_path(test.action).read_bytes().decode("utf-8", errors="replace")
    target.reset()
    try:
        if test.category == "query syntax":
            target.query(text, base=test.action)
        else:
            target.update(text, base=test.action)
        parsed, detail = True, ""
    except TargetError as exc:  # refused after evaluation (a missing graph, the default graph) still parsed
        parsed, detail = exc.kind in ("error", "default-graph"), str(exc)
    if parsed != test.negative:
        return Outcome(test.iri, test.category, "pass")
    return Outcome(test.iri, test.category, "fail", detail or "accepted a text the test says is invalid")


__all__ = ["Outcome", "run_test"]
