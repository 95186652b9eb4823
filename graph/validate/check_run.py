"""Run compiled shape checks on an Oxigraph store, and turn their findings into violations.

The checks come from :class:`graph.validate.sparql_check.ShapeChecker`; value checks over the same targets
run as one query, counting checks screen their suspects first (see :class:`~.check_model.Check`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from graph.errors import Violation
from graph.namespaces import SKOS
from graph.validate.check_model import VALUES_FAILED, Check, Finding, Term, select_union
from graph.validate.shacl import compact, to_rdflib_term


def run_check(store: ox.Store, check: Check, *, batch: int = 2000) -> Iterator[Finding]:
    """Run one compiled check and yield its findings (asking for the failing values where it must)."""
    if check.screen is not None and check.per_focus is not None:
        suspects = [row["f"] for row in select_union(store, check.screen)]
        if any(isinstance(f, ox.BlankNode) for f in suspects):  # a VALUES block cannot name one
            yield from run_check(store, replace(check, screen=None))
            return
        for start in range(0, len(suspects), batch):
            focus = " ".join(str(f) for f in suspects[start : start + batch])
            sparql = check.per_focus.replace("{focus}", f"VALUES ?f {{ {focus} }}", 1)
            yield from run_check(store, replace(check, sparql=sparql, screen=None, per_focus=None))
        return
    values_failed: list[Term] = []
    yield from _row_findings(check, select_union(store, check.sparql), values_failed)
    if check.values is None:
        return
    for start in range(0, len(values_failed), batch):
        focus = " ".join(str(f) for f in values_failed[start : start + batch])
        sparql = check.values.sparql.replace("{focus}", f"VALUES ?f {{ {focus} }}", 1)
        yield from run_check(store, replace(check.values, sparql=sparql))


def run_checks(store: ox.Store, checks: Sequence[Check]) -> Iterator[Finding]:
    """Run compiled checks; value checks over the same targets as one query, so the targets bind once.

    Measured at a million triples: the seven value checks on the actors took 0.98 CPU s one by one and
    0.53 as one query (a ``UNION`` of their patterns, each branch numbered in ``?_k``).
    """
    shared: dict[str, list[Check]] = {}
    for check in checks:
        if check.targets is not None:
            shared.setdefault(check.targets, []).append(check)
        else:
            yield from run_check(store, check)
    for targets, group in shared.items():
        if len(group) == 1:
            yield from run_check(store, group[0])
            continue
        branches = []
        for k, check in enumerate(group):
            binds = " ".join(f"BIND(COALESCE({t}, false) AS ?_k{k}c{i})" for i, t in enumerate(check.tests))
            failed = " || ".join(f"!?_k{k}c{i}" for i in range(len(check.tests)))
            branches.append(f"{{ {check.pattern} {binds} FILTER({failed}) BIND({k} AS ?_k) }}")
        sparql = f"SELECT DISTINCT * WHERE {{ {targets} {' UNION '.join(branches)} }}"
        by_check: list[list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]]] = [[] for _ in group]
        for row in select_union(store, sparql):
            k = int(_bound(row["_k"]).value)
            flags = {f"c{i}": row[f"_k{k}c{i}"] for i in range(len(group[k].tests))}
            by_check[k].append({"f": row["f"], "v": row["v"], **flags})
        for check, rows in zip(group, by_check, strict=True):
            yield from _row_findings(check, rows, [])


def _bound(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> ox.Literal:
    assert isinstance(term, ox.Literal)
    return term


def _row_findings(check: Check, rows: Iterable[Any], values_failed: list[Term]) -> Iterator[Finding]:
    """The findings of a check's result rows (``f``, ``v``, flags ``c0``...); failed values are noted."""
    for row in rows:
        focus = row["f"]
        assert isinstance(focus, ox.NamedNode | ox.BlankNode | ox.Literal)
        value = row["v"] if check.has_value else None
        for i, component in enumerate(check.components):
            passed = row[f"c{i}"] if check.flagged else None
            if passed is not None and passed.value == "true":
                continue
            if component == VALUES_FAILED:
                values_failed.append(focus)
                continue
            yield Finding(
                focus=focus,
                component=component,
                path=check.path,
                value=value if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal) else None,
                shape=check.shape,
                severity=check.severity,
                message=check.message,
            )


def finding_order(f: Finding) -> tuple[bool, str, str, str, str]:
    """Violations before warnings, then by focus, path, component and value: a stable report."""
    return (f.severity != "Violation", str(f.focus), f.path or "", f.component, str(f.value or ""))


def to_violations(store: ox.Store, findings: Sequence[Finding]) -> list[Violation]:
    """Turn findings into the violations :mod:`.shacl` reports, each focus named with its label."""
    labels = _labels(store, {f.focus for f in findings if isinstance(f.focus, ox.NamedNode)})
    violations = []
    for f in findings:
        focus = compact(to_rdflib_term(f.focus))
        label = labels.get(f.focus.value) if isinstance(f.focus, ox.NamedNode) else None
        violations.append(
            Violation(
                focus=f"{focus} ({label})" if label else focus,
                message=f.message,
                path=compact(URIRef(f.path)) if f.path else None,
                value=compact(to_rdflib_term(f.value)) if f.value is not None else None,
                severity=f.severity,
                shape=f.shape,
            )
        )
    return sorted(violations, key=lambda v: (v.severity != "Violation", v.focus, v.path or ""))


def _labels(store: ox.Store, iris: set[ox.NamedNode], *, batch: int = 2000) -> dict[str, str]:
    """The Swedish preferred label of each IRI (else English, else any), as the validation report shows."""
    rank = {"sv": 0, "en": 1}
    best: dict[str, tuple[int, str]] = {}
    ordered = sorted(iris, key=lambda n: n.value)
    for start in range(0, len(ordered), batch):
        values = " ".join(str(n) for n in ordered[start : start + batch])
        query = f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{SKOS.prefLabel}> ?l }}"
        for row in select_union(store, query):
            s, label = row["s"], row["l"]
            if isinstance(s, ox.NamedNode) and isinstance(label, ox.Literal):
                key = (rank.get(label.language or "", 2), label.value)
                if s.value not in best or key < best[s.value]:
                    best[s.value] = key
    return {iri: label for iri, (_, label) in best.items()}


__all__ = ["finding_order", "run_check", "run_checks", "to_violations"]
