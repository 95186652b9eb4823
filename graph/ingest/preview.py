"""What an import would change: statements added and removed per named graph, and in words.

A round workbook or new rows add statements. A workbook of the whole dataset (``samverkan template all``)
replaces: its tables are compared with the same tables of data/ as the store was built from them, so only the
edited statements change (removed where a cell changed or a row went, added where one came).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.ingest.check import Checked
from graph.ingest.lookup import Lookup, with_synonyms
from graph.ingest.tables import Mapping, locate_table, read_records
from graph.ingest.workbook import read_csv
from graph.namespaces import RDF, RDFS
from graph.store.protocol import Store

WORDS = {"sv": ("Nytt", "Borttaget", "inga ändringar"), "en": ("New", "Removed", "no changes")}


@dataclass
class Plan:
    """The statements an import adds and removes (effective: what the store lacks, or holds)."""

    added: set[ox.Quad] = field(default_factory=set)
    removed: set[ox.Quad] = field(default_factory=set)

    def per_graph(self) -> dict[str, tuple[int, int]]:
        """Named graph -> (added, removed)."""
        counts: dict[str, list[int]] = {}
        for i, quads in enumerate((self.added, self.removed)):
            for q in quads:
                counts.setdefault(getattr(q.graph_name, "value", ""), [0, 0])[i] += 1
        return {g: (a, r) for g, (a, r) in sorted(counts.items())}


def read_baseline(data_dir: Path, tables: list[str], *, mapping: Mapping, lookup: Lookup) -> set[ox.Quad]:
    """The statements ``tables`` make as data/ holds them: what a whole-dataset workbook replaces.

    Raises:
        IngestError: a table of data/ cannot be read.
    """
    sheets = {}
    for name in tables:
        table = mapping.tables[name]
        path = locate_table(data_dir, table)
        sheet = read_csv(path.read_bytes(), name=str(path), table=name)
        sheets[name] = (sheet.label, iter(sheet.records))
    return set(read_records(sheets, mapping=with_synonyms(mapping, lookup), known=lookup.known).quads)


def plan_change(store: Store, quads: list[ox.Quad], *, baseline: set[ox.Quad] | None = None) -> Plan:
    """Compare ``quads`` with the store: added what it lacks; with a ``baseline``, removed what went."""
    new = set(quads)
    removed = (baseline - new) if baseline is not None else set()
    graphs = sorted({getattr(q.graph_name, "value", "") for q in new | removed})
    held = {q for g in graphs if store.has_graph(g) for q in store.quads(g)}
    return Plan(new - held, removed & held)


def _labels(store: Store, iris: set[str], lang: str) -> dict[str, str]:
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in sorted(iris))
    rows = store.select(
        f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x <{RDFS.label}> ?l FILTER(LANG(?l) = '{lang}') }}"
    )
    return {str(getattr(r["x"], "value", "")): str(getattr(r["l"], "value", "")) for r in rows}


def describe_plan(store: Store, plan: Plan, *, mapping: Mapping, lang: str = "sv") -> list[str]:
    """Say in words what a plan changes: new and removed resources by class, and row facts by property.

    Example: ``["Nytt: dialogmöte 1, omnämnd fråga 2, deltagare 5"]``. Classes and properties are named by
    their ``rdfs:label`` in ``lang`` (ontology/), so the words follow the vocabulary; the count follows the
    label, which is singular ("2 omnämnd fråga" would misread).
    """
    row_predicates = {
        mapping.expand(e.predicate)
        for t in mapping.tables.values()
        if t.subject.startswith("@")
        for c in t.columns.values()
        for e in c.emits
    }  # tables whose rows are statements on another row's resource (meeting participants)
    lines = []
    for heading, quads in zip(WORDS[lang][:2], (plan.added, plan.removed), strict=True):
        triples = {q.triple for q in quads}
        types: Counter[str] = Counter()
        for t in triples:
            if t.predicate.value != str(RDF.type) or not isinstance(t.object, ox.NamedNode):
                continue
            subject = t.subject if isinstance(t.subject, ox.NamedNode | ox.BlankNode) else None
            if quads is plan.removed or not any(True for _ in store.triples(subject, None, None)):
                types[t.object.value] += 1  # a resource new to the store, or a type statement removed
        facts = Counter(t.predicate.value for t in triples if t.predicate.value in row_predicates)
        labels = _labels(store, set(types) | set(facts), lang)
        parts = [f"{labels[k]} {n}" for k, n in (*types.items(), *facts.items()) if k in labels]
        if parts:
            lines.append(f"{heading}: {', '.join(parts)}")
    return lines or [WORDS[lang][2]]


@dataclass
class Prepared:
    """A checked set of files and, when they have no errors, the change their import would make."""

    checked: Checked
    plan: Plan | None = None


def prepare_import(
    store: Store,
    files: list[tuple[str, bytes]],
    *,
    mapping: Mapping,
    data_dir: Path,
    limit: int,
    table: str | None = None,
) -> Prepared:
    """Check workbooks or CSV tables against ``store`` and, without errors, plan their import.

    Raises:
        IngestError: a file cannot be read at all (too large, not a workbook, macros, unknown table).
    """
    from graph.ingest.check import check_inputs, shape_problem
    from graph.ingest.lookup import read_lookup
    from graph.validate.shacl import validate_store_change

    lookup = read_lookup(store, mapping)
    checked = check_inputs(files, mapping=mapping, lookup=lookup, store=None, limit=limit, table=table)
    if checked.errors:
        return Prepared(checked)
    baseline = None
    if checked.kind == "all":
        baseline = read_baseline(data_dir, list(checked.sheets), mapping=mapping, lookup=lookup)
    plan = plan_change(store, checked.parsed.quads, baseline=baseline)
    if plan.added or plan.removed:  # the shapes, on what would change (the store as context)
        violations = validate_store_change(store, plan.added, plan.removed, parsed=checked.parsed)
        checked.problems += [shape_problem(v) for v in violations]
    return Prepared(checked, None if checked.errors else plan)


__all__ = ["Plan", "Prepared", "describe_plan", "plan_change", "prepare_import", "read_baseline"]
