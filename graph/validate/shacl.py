"""The SHACL gate (pySHACL): nothing reaches the store without passing the shapes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from graph.errors import Location, ValidationError, Violation
from graph.ingest.quads import Parsed
from graph.namespaces import ONTOLOGY_GRAPH, PREFIXES, RDF, SH, SHAPES_GRAPH, SKOS, VOCABULARY_GRAPH
from graph.store.protocol import Store

_BATCH = 2000


@dataclass(frozen=True)
class Shapes:
    """The shapes, and the ontology plus vocabularies they are checked with (subclasses, concepts)."""

    shapes: Graph
    ontology: Graph


def classify_ontology_file(path: Path) -> URIRef:
    """Tell which graph an ontology file belongs to: shapes, vocabulary (SKOS) or ontology (OWL)."""
    if path.stem.startswith("shapes"):
        return SHAPES_GRAPH
    if path.stem.startswith(("scheme-", "classification-")):
        return VOCABULARY_GRAPH
    return ONTOLOGY_GRAPH


def load_shapes(ontology_dir: Path) -> Shapes:
    """Read the shapes and the ontology with its vocabularies from ``ontology/``."""
    shapes, ontology = Graph(), Graph()
    for path in sorted(ontology_dir.glob("*.ttl")):
        target = shapes if classify_ontology_file(path) == SHAPES_GRAPH else ontology
        target.parse(path, format="turtle")
    return Shapes(shapes=shapes, ontology=ontology)


def shapes_from_store(store: Store) -> Shapes:
    """Read the shapes and ontology that the last build put into the store."""
    return Shapes(
        shapes=to_rdflib(store.quads(str(SHAPES_GRAPH))),
        ontology=to_rdflib([*store.quads(str(ONTOLOGY_GRAPH)), *store.quads(str(VOCABULARY_GRAPH))]),
    )


def to_rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> Node:
    """Convert one pyoxigraph term to rdflib."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    msg = f"cannot convert {term!r} to rdflib"
    raise TypeError(msg)


def to_rdflib(quads: Iterable[ox.Quad | ox.Triple]) -> Graph:
    """Merge quads (graph names dropped) or triples into one rdflib Graph."""
    g = Graph()
    for q in quads:
        g.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object)))
    return g


def shacl_report(data: Graph, shapes: Shapes) -> Graph:
    """Validate ``data`` in place with pySHACL (no inference, warnings kept) and return its report graph."""
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes.shapes,
        ont_graph=shapes.ontology,
        inference="none",
        inplace=True,
        allow_warnings=True,
        allow_infos=True,
    )
    assert isinstance(report, Graph)
    return report


def run_shacl(data: Graph, shapes: Shapes, *, focus: set[str] | None = None) -> list[Violation]:
    """Validate ``data`` in place and return violations (warnings included), optionally only on ``focus``."""
    report = shacl_report(data, shapes)
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus_node = report.value(result, SH.focusNode)
        if focus is not None and str(focus_node) not in focus:
            continue
        violations.append(_violation(report, result, data))
    return sorted(violations, key=lambda v: (v.severity != "Violation", v.focus, v.path or ""))


def _violation(report: Graph, result: Node, data: Graph) -> Violation:
    messages = list(report.objects(result, SH.resultMessage))
    english = [m for m in messages if isinstance(m, Literal) and m.language in (None, "en")]
    message = str((english or messages or ["does not conform to its shape"])[0])
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    severity = report.value(result, SH.resultSeverity)
    focus = report.value(result, SH.focusNode)
    return Violation(
        focus=describe(focus, data),
        message=message,
        path=compact(path) if isinstance(path, URIRef) else None,
        value=compact(value) if value is not None else None,
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        shape=str(report.value(result, SH.sourceShape)),
        location=None,
    )


def compact(node: Node) -> str:
    """Write an IRI with our prefixes where one fits (``municipality:0182``); literals as their text."""
    if isinstance(node, URIRef):
        best = max((ns for ns in PREFIXES.values() if str(node).startswith(ns)), key=len, default=None)
        if best is not None:
            prefix = next(p for p, ns in PREFIXES.items() if ns == best)
            return f"{prefix}:{str(node)[len(best) :]}"
        return f"<{node}>"
    return str(node)


def describe(node: Node | None, data: Graph) -> str:
    """Name a resource for a person: its compact IRI and, when known, its label."""
    if node is None:
        return "(unknown resource)"
    label = data.value(node, SKOS.prefLabel) if isinstance(node, URIRef | BNode) else None
    return f"{compact(node)} ({label})" if label is not None else compact(node)


def validate_parsed(parsed: Parsed, *, shapes: Shapes, context: Iterable[ox.Quad] = ()) -> list[Violation]:
    """Validate parsed data (with optional context from the store); locate each violation.

    Only resources that ``parsed`` states are reported: context is there to resolve references.
    """
    data = to_rdflib([*parsed.quads, *context])
    subjects = {q.subject.value for q in parsed.quads if isinstance(q.subject, ox.NamedNode | ox.BlankNode)}
    return [_locate(v, parsed) for v in run_shacl(data, shapes, focus=subjects)]


def _locate(v: Violation, parsed: Parsed) -> Violation:
    iri = v.focus.split(" (", 1)[0]
    for prefix, ns in PREFIXES.items():
        if iri.startswith(prefix + ":"):
            iri = ns + iri[len(prefix) + 1 :]
            break
    location = parsed.locations.get(iri.strip("<>"))
    if location is None and parsed.files:
        location = Location(parsed.files[0]) if len(parsed.files) == 1 else None
    return Violation(**{**v.__dict__, "location": location})


def store_context(store: Store, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Fetch what the store already says about the subjects of ``quads``, and the types of their objects.

    The objects are those of ``quads`` and of the subjects' statements already in the store: a shape's
    ``sh:class`` on an unchanged statement (a municipality's territory) needs its object's type too.
    """
    subjects, objects = set(), set()
    for q in quads:
        if isinstance(q.subject, ox.NamedNode):
            subjects.add(q.subject.value)
        if isinstance(q.object, ox.NamedNode):
            objects.add(q.object.value)
    context = _fetch(store, sorted(subjects), "?s ?p ?o")
    objects |= {q.object.value for q in context if isinstance(q.object, ox.NamedNode)}
    return context + _fetch(store, sorted(objects - subjects), "?s a ?o BIND(rdf:type AS ?p)")


def _fetch(store: Store, iris: list[str], pattern: str) -> list[ox.Quad]:
    """Run ``pattern`` (binding ?s ?p ?o) for each IRI as ?s, in batches, as default-graph quads."""
    context: list[ox.Quad] = []
    for start in range(0, len(iris), _BATCH):
        values = " ".join(f"<{i}>" for i in iris[start : start + _BATCH])
        for row in store.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} {pattern} }}"):
            s, p, o = row["s"], row["p"], row["o"]
            if isinstance(s, ox.NamedNode) and isinstance(p, ox.NamedNode) and o is not None:
                context.append(ox.Quad(s, p, o))
    return context


def validate_store_change(
    store: Store,
    quads_to_add: Iterable[ox.Quad],
    quads_to_remove: Iterable[ox.Quad] = (),
    *,
    shapes: Shapes | None = None,
    parsed: Parsed | None = None,
) -> list[Violation]:
    """Validate what the store would hold for every touched resource after a change, without changing it."""
    added, removed = list(quads_to_add), list(quads_to_remove)
    shapes = shapes or shapes_from_store(store)
    removed_triples = {(q.subject, q.predicate, q.object) for q in removed}
    before = store_context(store, [*added, *removed])
    after = [q for q in before if (q.subject, q.predicate, q.object) not in removed_triples]
    touched = Parsed(quads=[*added, *(q for q in removed if q.subject not in {a.subject for a in added})])
    if parsed is not None:
        touched.locations, touched.files = parsed.locations, parsed.files
    data = to_rdflib([*after, *added])
    focus = {q.subject.value for q in touched.quads if isinstance(q.subject, ox.NamedNode)}
    return [_locate(v, touched) for v in run_shacl(data, shapes, focus=focus)]


def raise_for_violations(violations: list[Violation], *, source: str | None = None) -> None:
    """Raise ValidationError if any result is a violation (warnings pass).

    Raises:
        ValidationError: with every violation, located.
    """
    errors = [v for v in violations if v.severity == "Violation"]
    if errors:
        raise ValidationError(errors, source=source)


__all__ = [
    "Shapes",
    "classify_ontology_file",
    "compact",
    "load_shapes",
    "raise_for_violations",
    "run_shacl",
    "shapes_from_store",
    "store_context",
    "to_rdflib",
    "validate_parsed",
    "validate_store_change",
]
