"""The library of named SPARQL queries: a header in comments, typed parameters bound as RDF terms.

A named query is a ``.rq`` file whose leading comment lines describe it::

    # title: Partners of a municipality
    # description: Every actor that shares a documented collaboration with the municipality.
    # @param municipality: iri = id:municipality/0182
    # @param k: integer = 2
    # @param domain: concept(domains)
    # @param round: iri(sv:DialogueRound)
    SELECT ...

An ``iri`` parameter may name the class of its values, ``iri(sv:Municipality)`` (several as
``iri(sv:Constellation|sv:Grouping)``): the query page then offers the instances as choices, and a value
that is no such instance is refused (graph.queries.choices).

A parameter without a default is optional: left out, its variable stays unbound and matches anything.
Values are bound through ``GraphStore.query(substitutions=...)``, never pasted into the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from graph.errors import QueryError, UnknownResourceError
from graph.namespaces import CONCEPT, PREFIXES, XSD

ParamKind = Literal["iri", "string", "integer", "decimal", "boolean", "date", "year", "concept"]
PARAM_KINDS: tuple[ParamKind, ...] = (
    "iri",
    "string",
    "integer",
    "decimal",
    "boolean",
    "date",
    "year",
    "concept",
)
# Names a named query cannot use for a parameter: the API uses them for paging and formats.
RESERVED_NAMES = frozenset({"limit", "offset", "format", "timeout"})

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_HEADER = re.compile(r"^#\s*(title|description)\s*:\s*(.*)$", re.IGNORECASE)
_PARAM = re.compile(
    r"^#\s*@param\s+(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<kind>[a-z]+)(?:\((?P<scheme>[\w:|-]+)\))?"
    r"\s*(?:=\s*(?P<default>\S.*?))?\s*$"
)
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


@dataclass(frozen=True)
class Parameter:
    """One typed parameter of a named query."""

    name: str
    kind: ParamKind
    default: str | None = None
    scheme: str | None = None
    classes: tuple[str, ...] = ()  # an iri parameter's classes, prefixed: ("sv:Municipality",)

    @property
    def required(self) -> bool:
        """A parameter is never required: without a value or default its variable stays free."""
        return False

    def describe(self) -> str:
        """Say in words what a value looks like, for help texts and the OpenAPI document."""
        hints: dict[ParamKind, str] = {
            "iri": (
                f"an IRI of a {' or '.join(self.classes)}, full or prefixed"
                if self.classes
                else "an IRI, full or prefixed (id:municipality/0182)"
            ),
            "string": "a text",
            "integer": "an integer",
            "decimal": "a decimal number",
            "boolean": "true or false",
            "date": "a date, YYYY-MM-DD",
            "year": "a year, YYYY",
            "concept": f"a concept of concept:{self.scheme}: its slug, prefixed name or IRI",
        }
        return hints[self.kind]


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library: its name (the file's stem), header and SPARQL text."""

    name: str
    title: str
    description: str
    sparql: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)


def parse_named_query(text: str, *, name: str) -> NamedQuery:
    r"""Parse a named query: the header comments, then the SPARQL text.

    Raises:
        QueryError: the name, a parameter line or a default value is malformed.

    Example:
        >>> q = parse_named_query("# title: Hi\n# @param k: integer = 2\nSELECT ?k {}", name="hi")
        >>> (q.title, q.parameters[0].kind, q.parameters[0].default)
        ('Hi', 'integer', '2')
    """
    if not _NAME.match(name):
        msg = f"{name!r}: a named query's file name must be letters, digits, '-' or '_' (then .rq)"
        raise QueryError(msg)
    title, description, params = "", [], []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        if stripped.lower().startswith(("# @param", "#@param")):
            params.append(_parse_param(stripped, query=name))
            continue
        header = _HEADER.match(stripped)
        if header and header.group(1).lower() == "title":
            title = header.group(2).strip()
        elif header:
            description.append(header.group(2).strip())
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        msg = f"{name}.rq: a parameter is declared twice ({', '.join(names)})"
        raise QueryError(msg)
    query = NamedQuery(
        name=name,
        title=title or name.replace("-", " ").replace("_", " "),
        description=" ".join(description),
        sparql=text,
        parameters=tuple(params),
    )
    for p in params:  # a default that does not bind is a bug in the file: say so at load time
        if p.default is not None:
            bind_value(p, p.default)
    return query


def _parse_param(line: str, *, query: str) -> Parameter:
    m = _PARAM.match(line)
    if not m:
        msg = f"{query}.rq: cannot read {line!r}; write '# @param name: type = default'"
        raise QueryError(msg)
    kind, scheme = m.group("kind"), m.group("scheme")
    if kind not in PARAM_KINDS:
        msg = f"{query}.rq: unknown parameter type {kind!r}; use one of {', '.join(PARAM_KINDS)}"
        raise QueryError(msg)
    if kind == "iri" and scheme is not None:
        classes = tuple(scheme.split("|"))
        try:
            for c in classes:
                expand_iri(c)  # a class must be a known prefixed name or a full IRI
        except QueryError as exc:
            msg = f"{query}.rq: parameter {m.group('name')!r}: {exc}"
            raise QueryError(msg) from exc
        return _named(m, kind, classes=classes, query=query)
    if (kind == "concept") != (scheme is not None) or (
        scheme is not None and not scheme.replace("-", "").isalnum()
    ):
        msg = (
            f"{query}.rq: only a concept parameter names a scheme, as concept(domains), "
            "and only an iri parameter a class, as iri(sv:Municipality)"
        )
        raise QueryError(msg)
    return _named(m, kind, scheme=scheme, query=query)


def _named(
    m: re.Match[str],
    kind: ParamKind,
    *,
    query: str,
    scheme: str | None = None,
    classes: tuple[str, ...] = (),
) -> Parameter:
    if m.group("name") in RESERVED_NAMES:
        msg = f"{query}.rq: {m.group('name')!r} is reserved; name the parameter otherwise"
        raise QueryError(msg)
    return Parameter(
        name=m.group("name"), kind=kind, default=m.group("default"), scheme=scheme, classes=classes
    )


def expand_iri(value: str) -> str:
    """Expand a prefixed name with our prefixes; return a full IRI unchanged (angle brackets dropped).

    Raises:
        QueryError: the value is neither a known prefixed name nor an absolute IRI.

    Example:
        >>> expand_iri("id:municipality/0182")
        'https://w3id.org/samverkan/id/municipality/0182'
    """
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"{}|\\^`]+$", value):
        return value
    msg = f"{value!r} is not an IRI; give a full IRI (https://...) or a prefixed name ({', '.join(PREFIXES)})"
    raise QueryError(msg)


def concept_iri(scheme: str, value: str) -> str:
    """Turn a concept's slug (or prefixed name or IRI) into its IRI in ``scheme``.

    Concepts of ``concept:domains`` live under ``concept:domain/``: the scheme's name in the singular
    (``concept:actor-categories`` under ``concept:actor-category/``).

    Raises:
        QueryError: the value is not a concept of that scheme.
    """
    singular = scheme[: -len("ies")] + "y" if scheme.endswith("ies") else scheme.removesuffix("s")
    base = f"{CONCEPT}{singular}/"
    value = value.strip()
    iri = expand_iri(value) if (":" in value) else base + value
    if not iri.startswith(base) or not re.match(r"^[\w-]+$", iri[len(base) :]):
        msg = f"{value!r} is not a concept of concept:{scheme}; give a slug of {base[len(str(CONCEPT)) :]}..."
        raise QueryError(msg)
    return iri


def bind_value(param: Parameter, value: str) -> ox.NamedNode | ox.Literal:
    """Turn one textual value into the RDF term of the parameter's type.

    Raises:
        QueryError: the value does not fit the type; the message names the parameter.
    """
    try:
        return _bind(param, value.strip())
    except (ValueError, InvalidOperation) as exc:
        msg = f"parameter {param.name!r}: {value!r} is not {param.describe()}"
        raise QueryError(msg) from exc
    except QueryError as exc:
        msg = f"parameter {param.name!r}: {exc}"
        raise QueryError(msg) from exc


def _bind(param: Parameter, value: str) -> ox.NamedNode | ox.Literal:
    if param.kind == "iri":
        return ox.NamedNode(expand_iri(value))
    if param.kind == "concept":
        return ox.NamedNode(concept_iri(param.scheme or "", value))
    if param.kind == "integer":
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(str(XSD.integer)))
    if param.kind == "decimal":
        return ox.Literal(str(Decimal(value)), datatype=ox.NamedNode(str(XSD.decimal)))
    if param.kind == "boolean":
        if value.lower() not in _TRUE | _FALSE:
            raise ValueError(value)
        return ox.Literal(str(value.lower() in _TRUE).lower(), datatype=ox.NamedNode(str(XSD.boolean)))
    if param.kind == "date":
        return ox.Literal(date.fromisoformat(value).isoformat(), datatype=ox.NamedNode(str(XSD.date)))
    if param.kind == "year":
        if not re.match(r"^\d{4}$", value):
            raise ValueError(value)
        return ox.Literal(value, datatype=ox.NamedNode(str(XSD.gYear)))
    return ox.Literal(value)


def bind_parameters(
    query: NamedQuery, values: Mapping[str, str | None]
) -> dict[str, ox.NamedNode | ox.Literal]:
    """Bind given values (or defaults) to RDF terms, as substitutions for ``GraphStore.query``.

    Raises:
        QueryError: an unknown parameter, or a value that does not fit its type.
    """
    known = {p.name for p in query.parameters}
    unknown = sorted(set(values) - known)
    if unknown:
        takes = ", ".join(sorted(known)) or "none"
        msg = f"{query.name}: unknown parameter(s) {', '.join(unknown)}; it takes {takes}"
        raise QueryError(msg)
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in query.parameters:
        value = values.get(p.name)
        value = p.default if value is None or value == "" else value
        if value is not None:
            bound[p.name] = bind_value(p, value)
    return bound


def read_named_queries(directory: Path) -> dict[str, NamedQuery]:
    """Read every ``*.rq`` file of a directory into named queries, by name (sorted).

    Raises:
        QueryError: a file's header is malformed (the message names the file).
        UnknownResourceError: the directory does not exist.
    """
    if not directory.is_dir():
        msg = f"{directory}: no query library here; set SAMVERKAN_QUERIES_DIR"
        raise UnknownResourceError(msg)
    return {
        path.stem: parse_named_query(path.read_text(encoding="utf-8"), name=path.stem)
        for path in sorted(directory.glob("*.rq"))
    }


__all__ = [
    "PARAM_KINDS",
    "RESERVED_NAMES",
    "NamedQuery",
    "ParamKind",
    "Parameter",
    "bind_parameters",
    "bind_value",
    "concept_iri",
    "expand_iri",
    "parse_named_query",
    "read_named_queries",
]
