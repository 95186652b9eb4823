"""What a compiled shape check is and what it finds; shared by the compiler and the runner."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal

# The flag of an aggregate check that says some values failed; which ones is asked afterwards.
VALUES_FAILED = "values"


@dataclass(frozen=True)
class Finding:
    """One validation result: which node broke which constraint of which shape."""

    focus: Term
    component: str  # the constraint component's local name, as in SHACL: "MinCountConstraintComponent"
    path: str | None
    value: Term | None
    shape: str
    severity: str
    message: str


@dataclass(frozen=True)
class Check:
    """One compiled query: its rows are violations of the listed components (``?c0``, ``?c1``... false)."""

    sparql: str
    shape: str
    path: str | None
    components: tuple[str, ...]
    severity: str
    message: str
    has_value: bool
    flagged: bool = True  # False: every row violates the only component (the query has no ?c0)
    values: Check | None = None  # asks the focus nodes whose values failed (``{focus}``) which ones did
    # A cheap first pass for a counting check: ``screen`` selects the focus nodes that may fail (a lookup
    # each, no grouping), then ``per_focus`` (``sparql`` with ``{focus}`` for its targets) counts only them.
    screen: str | None = None
    per_focus: str | None = None
    # A value check over real targets, kept in parts so that checks sharing ``targets`` run as one query
    # (``run_checks``): the pattern binding ``?v`` and the tests (flag ``i`` true when ``tests[i]`` holds).
    targets: str | None = None
    pattern: str = ""
    tests: tuple[str, ...] = ()


def select_union(store: ox.Store, sparql: str) -> ox.QuerySolutions:
    """Run a SELECT on the union of the store's graphs (the staging store keeps its default graph empty)."""
    result = store.query(sparql, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result


__all__ = ["VALUES_FAILED", "Check", "Finding", "Term", "select_union"]
