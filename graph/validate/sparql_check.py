"""A fast SHACL check: the core constraints of our shapes compiled into SPARQL and run on an Oxigraph store.

pySHACL walks the data in Python (about 1.4 thousand triples a second); this module compiles each shape of
``ontology/shapes.ttl`` into a few SELECT queries that Oxigraph answers in Rust, and reports the same
:class:`~graph.errors.Violation` objects as :mod:`.shacl` (focus, path, value, the shape's English
message, severity), so ``raise_for_violations`` treats them alike.

Supported (SHACL Core; everything ``ontology/shapes.ttl`` uses):

- targets: ``sh:targetClass`` (instances of subclasses included), implicit class targets (a shape that is an
  ``rdfs:Class`` or ``owl:Class``), ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``;
- paths: one predicate IRI;
- on values: ``sh:datatype`` (well-formedness of XSD literals checked by casting, as rdflib does),
  ``sh:class``, ``sh:nodeKind``, ``sh:in``, ``sh:pattern`` (with ``sh:flags``), ``sh:languageIn``,
  ``sh:minInclusive``/``sh:maxInclusive``/``sh:minExclusive``/``sh:maxExclusive``,
  ``sh:minLength``/``sh:maxLength``, ``sh:node``, ``sh:or``/``sh:and``/``sh:not``/``sh:xone``;
- on a property: ``sh:minCount``, ``sh:maxCount``, ``sh:uniqueLang``, ``sh:qualifiedValueShape`` with
  ``sh:qualifiedMinCount``/``sh:qualifiedMaxCount``;
- ``sh:severity``, ``sh:message``, ``sh:deactivated``.

Inside a nested shape (``sh:or``, ``sh:node``, a qualified value shape) counts are written as patterns of
distinct values, so ``sh:minCount`` up to 4 and ``sh:maxCount`` up to 3 there. Anything else that is a
constraint (``sh:closed``, ``sh:equals``, ``sh:sparql``, path expressions, ...) raises
:class:`UnsupportedShapeError` when the shapes are compiled: nothing is silently skipped.

Like pySHACL with our ``ont_graph``, ``rdfs:subClassOf`` statements anywhere in the checked store count for
targets and ``sh:class``; unlike pySHACL, which mixes in only the RDFS/OWL axioms of the ontology, every
type statement in the store counts (the vocabularies' ``skos:Concept`` types too).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph.errors import SamverkanError
from graph.namespaces import OWL, RDF, RDFS, SH
from graph.validate.check_model import VALUES_FAILED, Check, Finding, select_union
from graph.validate.check_run import finding_order, run_check, run_checks, to_violations
from graph.validate.shacl import compact


class UnsupportedShapeError(SamverkanError, ValueError):
    """A shape uses a SHACL feature this checker does not implement; use pySHACL (``.shacl``) instead."""


# Predicates of a shape that state or describe, never constrain.
_NON_CONSTRAINTS = {
    SH.path, SH.property, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.deactivated, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
}  # fmt: skip
_VALUE_COMPONENTS = {
    SH.datatype: "DatatypeConstraintComponent",
    SH["class"]: "ClassConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH.languageIn: "LanguageInConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent",
    SH.minLength: "MinLengthConstraintComponent",
    SH.maxLength: "MaxLengthConstraintComponent",
    SH.node: "NodeConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH["and"]: "AndConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH.xone: "XoneConstraintComponent",
}
_PROPERTY_COMPONENTS = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape}
# XSD types whose lexical form SPARQL can check by casting (rdflib marks such ill-formed literals ill-typed).
_CASTABLE = {"integer", "decimal", "double", "float", "boolean", "date", "dateTime", "time", "gYear",
             "gYearMonth", "gMonthDay", "gDay", "gMonth", "duration"}  # fmt: skip
_XSD = "http://www.w3.org/2001/XMLSchema#"
# The most context-only typed nodes named in the checks' text (``_Focus``); past it, the plain test.
OUTSIDE_LIMIT = 5000
_NESTED_MAX = {SH.minCount: 4, SH.maxCount: 3}
_SCREEN_MAX = 4  # the most distinct values a screening pattern names (k values: k (k - 1) / 2 tests)


@dataclass
class _Vars:
    """Fresh SPARQL variable names for nested patterns."""

    counter: itertools.count[int] = field(default_factory=itertools.count)

    def new(self) -> str:
        return f"?_{next(self.counter)}"


class ShapeChecker:
    """The shapes compiled into SPARQL; :meth:`check` runs them on an Oxigraph store.

    Raises:
        UnsupportedShapeError: (on construction) a shape uses a feature listed as unsupported above.

    Example:
        >>> from rdflib import Graph
        >>> shapes = Graph().parse(data='''@prefix sh: <http://www.w3.org/ns/shacl#> .
        ...     <http://x/S> a sh:NodeShape ; sh:targetClass <http://x/C> ;
        ...         sh:property [ sh:path <http://x/name> ; sh:minCount 1 ] .''', format="turtle")
        >>> store = ox.Store()
        >>> store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode(str(RDF.type)),
        ...     ox.NamedNode("http://x/C"), ox.NamedNode("http://x/g")))
        >>> [f.component for f in ShapeChecker(shapes).check(store)]
        ['MinCountConstraintComponent']
    """

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._vars = _Vars()
        self._node_shapes = self._top_level_shapes()
        self._compile_all(_ClassIndex({}), None)  # compile once with no classes known, to refuse early

    def check(self, store: ox.Store, *, focus_graphs: Sequence[str] | None = None) -> list[Finding]:
        """Validate the union of the store's named graphs; with ``focus_graphs``, report only their subjects.

        The other graphs (ontology, vocabularies, context from a target store) still count for class
        membership and property values, as pySHACL's ``focus`` does in :mod:`graph.validate.shacl`.
        """
        findings = set(run_checks(store, self.compile(store, focus_graphs=focus_graphs)))
        return sorted(findings, key=finding_order)

    def compile(self, store: ox.Store, *, focus_graphs: Sequence[str] | None = None) -> list[Check]:
        """The queries that check ``store`` (its class hierarchy and context-only nodes are read here)."""
        focus = _Focus.read(store, focus_graphs) if focus_graphs is not None else None
        return self._compile_all(_ClassIndex.read(store), focus)

    # Shapes and targets

    def _top_level_shapes(self) -> list[Node]:
        g, found = self.shapes, set[Node]()
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            found.update(g.subjects(predicate, None))
        for kind in (RDFS.Class, OWL.Class):
            found.update(s for s in g.subjects(RDF.type, kind) if (s, RDF.type, SH.NodeShape) in g)
        return sorted((s for s in found if not self._deactivated(s)), key=str)

    def _deactivated(self, shape: Node) -> bool:
        return _true(self.shapes.value(shape, SH.deactivated))

    def _targets(self, shapes: Sequence[Node], classes: _ClassIndex, focus: _Focus | None) -> str:
        """A pattern binding ``?f`` to the focus nodes of any of ``shapes`` (a node may come twice)."""
        g, branches = self.shapes, []
        targeted = {t for s in shapes for t in g.objects(s, SH.targetClass)}
        targeted |= {s for s in shapes if (s, RDF.type, RDFS.Class) in g or (s, RDF.type, OWL.Class) in g}
        instances = ""
        if targeted:
            values = " ".join(f"<{c}>" for c in sorted(classes.subclasses(str(t) for t in targeted)))
            instances = f"{{ VALUES ?_t {{ {values} }} ?f a ?_t }}"
        nodes = sorted({_sparql_term(n) for s in shapes for n in g.objects(s, SH.targetNode)})
        if nodes:
            branches.append(f"{{ VALUES ?f {{ {' '.join(nodes)} }} }}")
        branches += sorted({f"{{ ?f <{p}> [] }}" for s in shapes for p in g.objects(s, SH.targetSubjectsOf)})
        branches += sorted({f"{{ [] <{p}> ?f }}" for s in shapes for p in g.objects(s, SH.targetObjectsOf)})
        if focus is None:
            return " UNION ".join([instances, *branches] if instances else branches)
        if instances and focus.outside is not None:  # the cheap way, see _Focus
            instances = f"{{ {instances} {focus.instance_filter()} }}"
        elif instances:
            branches.insert(0, instances)
            instances = ""
        if branches:
            branches = [f"{{ {' UNION '.join(branches)} {focus.subject_filter()} }}"]
        return " UNION ".join([instances, *branches] if instances else branches)

    # Compiling

    def _compile_all(self, classes: _ClassIndex, focus: _Focus | None) -> list[Check]:
        """Compile each top-level shape's own constraints, then each property shape once for all its users."""
        checks: list[Check] = []
        users: dict[Node, list[Node]] = {}
        for shape in self._node_shapes:
            if (shape, SH.path, None) in self.shapes:  # a property shape with targets of its own
                users.setdefault(shape, []).append(shape)
                continue
            checks += self._value_checks(shape, self._targets([shape], classes, focus), classes, path=None)
            for prop in self.shapes.objects(shape, SH.property):
                if not self._deactivated(prop):
                    users.setdefault(prop, []).append(shape)
        for prop in sorted(users, key=str):
            checks += self._property_checks(prop, self._targets(users[prop], classes, focus), classes)
        return checks

    def _value_checks(
        self, shape: Node, targets: str, classes: _ClassIndex, *, path: str | None
    ) -> list[Check]:
        """One query for every value-level constraint of ``shape``: on the path's values, or the focus."""
        self._refuse_unknown(shape)
        tests = list(self._value_tests(shape, "?v", classes))
        if not tests:
            return []
        binds = " ".join(f"BIND(COALESCE({expr}, false) AS ?c{i})" for i, (_, expr) in enumerate(tests))
        failed = " || ".join(f"!?c{i}" for i in range(len(tests)))
        values = f"?f <{path}> ?v ." if path else "BIND(?f AS ?v)"
        flags = " ".join(f"?c{i}" for i in range(len(tests)))
        sparql = f"SELECT DISTINCT ?f ?v {flags} WHERE {{ {targets} {values} {binds} FILTER({failed}) }}"
        check = self._check(shape, path, sparql, tuple(c for c, _ in tests), has_value=True)
        if targets == "{focus}" or path is None:  # a UNION branch cannot see ?f: only path values combine
            return [check]
        return [replace(check, targets=targets, pattern=values, tests=tuple(expr for _, expr in tests))]

    def _property_checks(self, prop: Node, targets: str, classes: _ClassIndex) -> list[Check]:
        """One pass over the values of a property shape: counts per focus node, and values that fail.

        Values that fail are only counted here; the rare focus nodes that have some are then asked for
        them (which value, which constraint) by a second query.
        """
        g, path = self.shapes, self._path(prop)
        self._refuse_unknown(prop)
        low, high = _int(g.value(prop, SH.minCount)), _int(g.value(prop, SH.maxCount))
        qualified = g.value(prop, SH.qualifiedValueShape)
        unique_lang = _true(g.value(prop, SH.uniqueLang))
        if low is None and high is None and qualified is None and not unique_lang:
            return self._value_checks(prop, targets, classes, path=path)
        values = self._value_checks(prop, "{focus}", classes, path=path)
        if low == 1 and high is None and qualified is None and not unique_lang and not values:
            sparql = f"SELECT DISTINCT ?f WHERE {{ {targets} FILTER NOT EXISTS {{ ?f <{path}> ?v }} }}"
            check = self._check(prop, path, sparql, ("MinCountConstraintComponent",), has_value=False)
            return [replace(check, flagged=False)]
        q_low, q_high = _int(g.value(prop, SH.qualifiedMinCount)), _int(g.value(prop, SH.qualifiedMaxCount))
        if (
            qualified is not None
            and (q_low, q_high) == (1, None)
            and not (values or unique_lang)
            and low == high
        ):
            conforms = self._conforms(qualified, "?v", classes)  # at least one conforming value: a lookup
            sparql = (
                f"SELECT DISTINCT ?f WHERE {{ {targets} FILTER NOT EXISTS {{ ?f <{path}> ?v "
                f"FILTER(COALESCE({conforms}, false)) }} }}"
            )
            check = self._check(
                prop, path, sparql, ("QualifiedMinCountConstraintComponent",), has_value=False
            )
            return [replace(check, flagged=False)]
        screen = self._may_fail(prop, path, classes, low=low, high=high, values=bool(values))
        counted = ["(COUNT(DISTINCT ?v) AS ?n)"]
        binds, tests = [], []
        if low is not None:
            tests.append(("MinCountConstraintComponent", f"?n >= {low}"))
        if high is not None:
            tests.append(("MaxCountConstraintComponent", f"?n <= {high}"))
        if values:
            ok = " && ".join(f"COALESCE({expr}, false)" for _, expr in self._value_tests(prop, "?v", classes))
            binds.append(f"BIND(IF({ok}, ?_none, ?v) AS ?_bad)")
            counted.append("(COUNT(DISTINCT ?_bad) AS ?nbad)")
            tests.append((VALUES_FAILED, "?nbad = 0"))
        if unique_lang:  # as many languages as tagged values, or two values share a language
            binds.append('BIND(IF(LANG(?v) != "", ?v, ?_none) AS ?_tagged)')
            binds.append('BIND(IF(LANG(?v) != "", LCASE(LANG(?v)), ?_none) AS ?_lang)')
            counted += ["(COUNT(DISTINCT ?_tagged) AS ?ntagged)", "(COUNT(DISTINCT ?_lang) AS ?nlang)"]
            tests.append(("UniqueLangConstraintComponent", "?ntagged = ?nlang"))
        if qualified is not None:
            tests += self._qualified_tests(prop, qualified, classes, binds, counted)
        flags = " ".join(f"?c{i}" for i in range(len(tests)))

        def counting(over: str) -> str:
            return (
                f"SELECT ?f {flags} WHERE {{ {{ SELECT ?f {' '.join(counted)} WHERE {{ {over} "
                f"OPTIONAL {{ ?f <{path}> ?v {' '.join(binds)} }} }} GROUP BY ?f }} "
                + " ".join(f"BIND({expr} AS ?c{i})" for i, (_, expr) in enumerate(tests))
                + f" FILTER({' || '.join(f'!?c{i}' for i in range(len(tests)))}) }}"
            )

        check = self._check(prop, path, counting(targets), tuple(c for c, _ in tests), has_value=False)
        if screen is not None:
            check = replace(
                check,
                screen=f"SELECT DISTINCT ?f WHERE {{ {targets} FILTER({screen}) }}",
                per_focus=counting("{focus}"),
            )
        return [replace(check, values=values[0]) if values else check]

    def _may_fail(
        self, prop: Node, path: str, classes: _ClassIndex, *, low: int | None, high: int | None, values: bool
    ) -> str | None:
        """A condition on ``?f`` true whenever the counting check of ``prop`` may find something.

        Each part is a lookup that stops at its first match: fewer than ``low`` distinct values, more than
        ``high``, a value that fails, two tagged values in one language, too few or too many values that
        conform to the qualified shape. None when a count is too large to write as a pattern.
        """
        g, parts = self.shapes, []
        if low:
            if (pattern := self._distinct_values(path, low)) is None:
                return None
            parts.append(f"NOT EXISTS {{ {pattern} }}")
        if high is not None:
            if (pattern := self._distinct_values(path, high + 1)) is None:
                return None
            parts.append(f"EXISTS {{ {pattern} }}")
        if values:
            y = self._vars.new()
            ok = " && ".join(f"COALESCE({expr}, false)" for _, expr in self._value_tests(prop, y, classes))
            parts.append(f"EXISTS {{ ?f <{path}> {y} FILTER(!({ok})) }}")
        if _true(g.value(prop, SH.uniqueLang)):
            a, b = self._vars.new(), self._vars.new()
            parts.append(
                f'EXISTS {{ ?f <{path}> {a}, {b} FILTER(!sameTerm({a}, {b}) && LANG({a}) != "" '
                f"&& LCASE(LANG({a})) = LCASE(LANG({b}))) }}"
            )
        qualified = g.value(prop, SH.qualifiedValueShape)
        if qualified is not None:
            q_low = _int(g.value(prop, SH.qualifiedMinCount))
            q_high = _int(g.value(prop, SH.qualifiedMaxCount))
            if q_low:
                if (pattern := self._distinct_values(path, q_low, qualified, classes)) is None:
                    return None
                parts.append(f"NOT EXISTS {{ {pattern} }}")
            if q_high is not None:
                if (pattern := self._distinct_values(path, q_high + 1, qualified, classes)) is None:
                    return None
                parts.append(f"EXISTS {{ {pattern} }}")
        return " || ".join(parts) or None

    def _distinct_values(
        self, path: str, k: int, conforming: Node | None = None, classes: _ClassIndex | None = None
    ) -> str | None:
        """A pattern matching when ``?f`` has ``k`` distinct values (conforming to a shape, if given)."""
        if k > _SCREEN_MAX:
            return None
        ys = [self._vars.new() for _ in range(k)]
        tests = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(ys, 2)]
        if conforming is not None and classes is not None:
            tests += [f"COALESCE({self._conforms(conforming, y, classes)}, false)" for y in ys]
        pattern = " . ".join(f"?f <{path}> {y}" for y in ys)
        return pattern + (f" FILTER({' && '.join(tests)})" if tests else "")

    def _qualified_tests(
        self, prop: Node, qualified: Node, classes: _ClassIndex, binds: list[str], counted: list[str]
    ) -> list[tuple[str, str]]:
        g = self.shapes
        if _true(g.value(prop, SH.qualifiedValueShapesDisjoint)):
            raise self._unsupported(prop, "sh:qualifiedValueShapesDisjoint")
        low, high = _int(g.value(prop, SH.qualifiedMinCount)), _int(g.value(prop, SH.qualifiedMaxCount))
        binds.append(
            f"BIND(IF(COALESCE({self._conforms(qualified, '?v', classes)}, false), ?v, ?_none) AS ?_q)"
        )
        counted.append("(COUNT(DISTINCT ?_q) AS ?nq)")
        tests = []
        if low is not None:
            tests.append(("QualifiedMinCountConstraintComponent", f"?nq >= {low}"))
        if high is not None:
            tests.append(("QualifiedMaxCountConstraintComponent", f"?nq <= {high}"))
        return tests

    def _value_tests(self, shape: Node, var: str, classes: _ClassIndex) -> Iterator[tuple[str, str]]:
        """Yield (component, SPARQL expression true when ``var`` satisfies it) per value-level constraint."""
        g = self.shapes
        for predicate, component in _VALUE_COMPONENTS.items():
            for arg in sorted(g.objects(shape, predicate), key=str):
                yield component, self._value_test(shape, predicate, arg, var, classes)

    def _value_test(self, shape: Node, predicate: URIRef, arg: Node, v: str, classes: _ClassIndex) -> str:
        g = self.shapes
        if predicate == SH.datatype:
            return _datatype_test(str(arg), v)
        if predicate == SH["class"]:
            values = ", ".join(f"<{c}>" for c in sorted(classes.subclasses([str(arg)])))
            t = self._vars.new()
            return f"(!isLiteral({v}) && EXISTS {{ {v} a {t} FILTER({t} IN ({values})) }})"
        if predicate == SH.nodeKind:
            return _node_kind_test(arg, v, shape=shape)
        if predicate == SH["in"]:
            members = [_sparql_term(m) for m in Collection(g, arg)]
            return "(" + (" || ".join(f"sameTerm({v}, {m})" for m in members) or "false") + ")"
        if predicate == SH.pattern:
            flags = g.value(shape, SH.flags)
            flag_arg = f", {_string(str(flags))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {_string(str(arg))}{flag_arg}))"
        if predicate == SH.languageIn:
            tags = " || ".join(f"langMatches(LANG({v}), {_string(str(t))})" for t in Collection(g, arg))
            return f'(isLiteral({v}) && LANG({v}) != "" && ({tags or "false"}))'
        comparisons = {
            SH.minInclusive: ">=",
            SH.maxInclusive: "<=",
            SH.minExclusive: ">",
            SH.maxExclusive: "<",
        }
        if predicate in comparisons:
            return f"({v} {comparisons[predicate]} {_sparql_term(arg)})"
        if predicate in (SH.minLength, SH.maxLength):
            op = ">=" if predicate == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {_int(arg)})"
        if predicate == SH.node:
            return self._conforms(arg, v, classes)
        members = [self._conforms(m, v, classes) for m in Collection(g, arg)]
        if predicate == SH["or"]:
            return "(" + (" || ".join(members) or "false") + ")"
        if predicate == SH["and"]:
            return "(" + (" && ".join(members) or "true") + ")"
        if predicate == SH.xone:
            return "(" + (" + ".join(f"IF({m}, 1, 0)" for m in members) or "0") + " = 1)"
        return f"(!{self._conforms(arg, v, classes)})"  # sh:not

    def _conforms(self, shape: Node, v: str, classes: _ClassIndex) -> str:
        """A SPARQL expression true when ``v`` conforms to a nested shape (counts as patterns)."""
        self._refuse_unknown(shape)
        g, parts = self.shapes, []
        if (shape, SH.path, None) in g:
            return self._conforms_property(shape, v, classes)
        parts += [f"COALESCE({expr}, false)" for _, expr in self._value_tests(shape, v, classes)]
        parts += [self._conforms_property(p, v, classes) for p in g.objects(shape, SH.property)]
        return "(" + (" && ".join(parts) or "true") + ")"

    def _conforms_property(self, prop: Node, v: str, classes: _ClassIndex) -> str:
        g, path, parts = self.shapes, self._path(prop), []
        for predicate in _PROPERTY_COMPONENTS - set(_NESTED_MAX) - {SH.uniqueLang}:
            if (prop, predicate, None) in g:
                raise self._unsupported(
                    prop, f"{compact(predicate)} inside sh:or, sh:node or a qualified shape"
                )
        y = self._vars.new()
        tests = [f"COALESCE({expr}, false)" for _, expr in self._value_tests(prop, y, classes)]
        if tests:
            parts.append(f"NOT EXISTS {{ {v} <{path}> {y} FILTER(!({' && '.join(tests)})) }}")
        low, high = _int(g.value(prop, SH.minCount)), _int(g.value(prop, SH.maxCount))
        for limit, n, negate in ((SH.minCount, low, False), (SH.maxCount, high, True)):
            if n is None:
                continue
            if n > _NESTED_MAX[limit]:
                raise self._unsupported(prop, f"{compact(limit)} {n} inside a nested shape")
            k = n if not negate else n + 1
            if k == 0:
                parts.append("true" if not negate else "false")
                continue
            ys = [self._vars.new() for _ in range(k)]
            distinct = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(ys, 2))
            pattern = " . ".join(f"{v} <{path}> {y}" for y in ys) + (
                f" FILTER({distinct})" if distinct else ""
            )
            parts.append(f"{'NOT ' if negate else ''}EXISTS {{ {pattern} }}")
        if _true(g.value(prop, SH.uniqueLang)):
            a, b = self._vars.new(), self._vars.new()
            parts.append(
                f'NOT EXISTS {{ {v} <{path}> {a}, {b} FILTER(!sameTerm({a}, {b}) && LANG({a}) != "" '
                f"&& LCASE(LANG({a})) = LCASE(LANG({b}))) }}"
            )
        return "(" + (" && ".join(parts) or "true") + ")"

    # Helpers

    def _path(self, prop: Node) -> str:
        path = self.shapes.value(prop, SH.path)
        if not isinstance(path, URIRef):
            raise self._unsupported(prop, "a path that is not a single predicate IRI")
        return str(path)

    def _refuse_unknown(self, shape: Node) -> None:
        known = _NON_CONSTRAINTS | set(_VALUE_COMPONENTS) | _PROPERTY_COMPONENTS
        for predicate in set(self.shapes.predicates(shape, None)):
            if str(predicate).startswith(str(SH)) and predicate not in known:
                raise self._unsupported(shape, compact(predicate))

    def _unsupported(self, shape: Node, what: str) -> UnsupportedShapeError:
        name = (
            compact(shape) if isinstance(shape, URIRef) else f"a blank-node shape ({self._describe(shape)})"
        )
        return UnsupportedShapeError(
            f"shape {name} uses {what}, which the SPARQL checker (sparql_check) does not implement;"
            " validate with pySHACL (the ordinary `samverkan import`) or extend the checker"
        )

    def _describe(self, shape: Node) -> str:
        path = self.shapes.value(shape, SH.path)
        parent = self.shapes.value(None, SH.property, shape)
        bits = [
            f"path {compact(path)}" if path is not None else None,
            f"in {compact(parent)}" if parent else None,
        ]
        return ", ".join(b for b in bits if b) or "nested"

    def _check(
        self,
        shape: Node,
        path: str | None,
        sparql: str,
        components: tuple[str, ...],
        *,
        has_value: bool,
    ) -> Check:
        g = self.shapes
        severity = g.value(shape, SH.severity)
        messages = list(g.objects(shape, SH.message))
        english = [m for m in messages if isinstance(m, Literal) and m.language in (None, "en")]
        message = str((english or messages or [f"does not conform to {compact(shape)}"])[0])
        return Check(
            sparql=sparql,
            shape=str(shape),
            path=path,
            components=components,
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            message=message,
            has_value=has_value,
        )


@dataclass(frozen=True)
class _Focus:
    """Which nodes a check reports: subjects of the focus graphs, written cheaply where it can be.

    The plain test, "is a subject in a focus graph" (:meth:`subject_filter`), costs an index lookup per
    candidate, on every one of the ~100 checks: about half of the time of a large import's checks. For the
    instances of a target class it has a cheaper equal: such a node has a type statement in some graph, so
    it fails the test only if that statement is in a context graph (ontology, store context) and the node
    is no subject in a focus graph. Those nodes (``outside``: few, the ontology's and the store context's
    own) are read once and taken away with ``MINUS``. ``outside`` is None when there are too many of them
    for the query text; blank nodes among them (a ``VALUES`` cannot name one) keep the plain test for
    blank candidates.
    """

    graphs: tuple[str, ...]
    outside: tuple[ox.NamedNode, ...] | None
    outside_blank: bool

    @classmethod
    def read(cls, store: ox.Store, graphs: Sequence[str]) -> _Focus:
        limit, focus = OUTSIDE_LIMIT, [f"<{g}>" for g in graphs]
        query = (
            f"SELECT DISTINCT ?s WHERE {{ GRAPH ?_g {{ ?s a ?_t }} FILTER(?_g NOT IN ({', '.join(focus)})) "
            f"FILTER NOT EXISTS {{ VALUES ?_fg {{ {' '.join(focus)} }} GRAPH ?_fg {{ ?s ?_p ?_o }} }} }} "
            f"LIMIT {limit + 1}"
        )
        nodes = [row["s"] for row in select_union(store, query)]
        if len(nodes) > limit:
            return cls(tuple(graphs), None, outside_blank=True)
        iris = tuple(n for n in nodes if isinstance(n, ox.NamedNode))
        return cls(tuple(graphs), iris, outside_blank=len(iris) < len(nodes))

    def subject_filter(self) -> str:
        graphs = " ".join(f"<{g}>" for g in self.graphs)
        return f"FILTER EXISTS {{ VALUES ?_fg {{ {graphs} }} GRAPH ?_fg {{ ?f ?_fp ?_fo }} }}"

    def instance_filter(self) -> str:
        """For a pattern binding ``?f`` through a type statement: the equal of :meth:`subject_filter`."""
        parts = []
        if self.outside_blank:
            parts.append(f"FILTER(!isBlank(?f) || {self.subject_filter().removeprefix('FILTER ')})")
        if self.outside:
            parts.append(f"MINUS {{ VALUES ?f {{ {' '.join(str(n) for n in self.outside)} }} }}")
        return " ".join(parts)


@dataclass(frozen=True)
class _ClassIndex:
    """Each class with every class below it (``rdfs:subClassOf``, transitively, in the checked store)."""

    below: dict[str, set[str]]

    @classmethod
    def read(cls, store: ox.Store) -> _ClassIndex:
        below: dict[str, set[str]] = {}
        query = f"SELECT DISTINCT ?sub ?sup WHERE {{ ?sub <{RDFS.subClassOf}>+ ?sup }}"
        for row in select_union(store, query):
            sub, sup = row["sub"], row["sup"]
            if isinstance(sub, ox.NamedNode) and isinstance(sup, ox.NamedNode):
                below.setdefault(sup.value, set()).add(sub.value)
        return cls(below)

    def subclasses(self, classes: Iterable[str]) -> set[str]:
        result: set[str] = set()
        for c in classes:
            result |= {c} | self.below.get(c, set())
        return result


def _datatype_test(datatype: str, v: str) -> str:
    test = f"(isLiteral({v}) && DATATYPE({v}) = <{datatype}>"
    if datatype.startswith(_XSD) and datatype[len(_XSD) :] in _CASTABLE:
        test += f" && isLiteral(<{datatype}>(STR({v})))"  # the cast fails on an ill-formed literal
    return test + ")"


def _node_kind_test(kind: Node, v: str, *, shape: Node) -> str:
    tests = {
        SH.IRI: f"isIRI({v})",
        SH.BlankNode: f"isBlank({v})",
        SH.Literal: f"isLiteral({v})",
        SH.BlankNodeOrIRI: f"(isIRI({v}) || isBlank({v}))",
        SH.BlankNodeOrLiteral: f"(isBlank({v}) || isLiteral({v}))",
        SH.IRIOrLiteral: f"(isIRI({v}) || isLiteral({v}))",
    }
    if not isinstance(kind, URIRef) or kind not in tests:
        msg = f"shape {compact(shape)}: unknown sh:nodeKind {kind}"
        raise UnsupportedShapeError(msg)
    return tests[kind]


def _sparql_term(node: Node) -> str:
    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        return str(to_ox_literal(node))
    msg = f"a blank node ({node}) cannot be a constant in a shape"
    raise UnsupportedShapeError(msg)


def to_ox_literal(node: Literal) -> ox.Literal:
    """Convert an rdflib literal to pyoxigraph (which writes it, escaped, in SPARQL's term syntax)."""
    if node.language:
        return ox.Literal(str(node), language=node.language)
    if node.datatype:
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
    return ox.Literal(str(node))


def _string(text: str) -> str:
    return str(ox.Literal(text))


def _int(node: Node | None) -> int | None:
    return int(node) if isinstance(node, Literal) else None


def _true(node: Node | None) -> bool:
    return isinstance(node, Literal) and node.toPython() is True


__all__ = [
    "Check",
    "Finding",
    "ShapeChecker",
    "UnsupportedShapeError",
    "run_check",
    "run_checks",
    "to_ox_literal",
    "to_violations",
]
