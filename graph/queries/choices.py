"""The values a named query's parameter can take, where the store knows them, and the check of a given value.

A concept parameter takes the concepts of its scheme, an ``iri(sv:Municipality)`` parameter the instances
of its classes, any other ``iri`` parameter an IRI the store holds; the form offers the years of the
dialogue rounds for a ``year``. An IRI or concept outside these is refused with the parameter's name, so a
typo is an error rather than an empty table; a year or number without data is an honest empty answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from graph.errors import ParameterError
from graph.namespaces import CONCEPT
from graph.queries.collation import swedish_key
from graph.queries.labels import compact_iri
from graph.queries.library import NamedQuery, Parameter, concept_iri, expand_iri
from graph.queries.resources import Select
from graph.queries.workspace import Lang, label_pattern

MAX_CHOICES = 300  # past this a select is no help; the form offers a text field instead


@dataclass(frozen=True)
class Choice:
    """One value of a parameter: what the form sends (a prefixed name, a slug, a year) and its label."""

    value: str
    label: str


def _scheme_base(scheme: str) -> str:
    return concept_iri(scheme, "x")[:-1]  # the library's own rule (concept:domains under concept:domain/)


def _members_query(param: Parameter) -> str | None:
    """The values of ``param`` the store holds, unlabelled and unordered, one more than a form offers.

    Unordered and unlabelled so that the store stops after ``MAX_CHOICES + 1``: with an ORDER BY and the
    labels, forty thousand collaborations were labelled and sorted (seconds) to learn the list was too long.
    """
    if param.kind == "concept" and param.scheme:
        pattern = f"?c skos:inScheme <{CONCEPT}{param.scheme}> ."
    elif param.kind == "iri" and param.classes:
        classes = " ".join(f"<{expand_iri(c)}>" for c in param.classes)
        pattern = f"VALUES ?class {{ {classes} }} ?c a ?class ."
    elif param.kind == "year":
        pattern = "?r a sv:DialogueRound ; sv:year ?y BIND(SUBSTR(STR(?y), 1, 4) AS ?c)"
    else:
        return None
    return f"SELECT DISTINCT ?c WHERE {{ {pattern} }} LIMIT {MAX_CHOICES + 1}"


def _labels_query(param: Parameter, values: list[ox.NamedNode], lang: Lang) -> str:
    """The label (and a municipality's code, which orders municipalities) of each of a short list of IRIs."""
    listed = " ".join(str(v) for v in values)  # IRIs read from the store just now
    code = "OPTIONAL { ?c sv:municipalityCode ?code }" if param.kind == "iri" else ""
    return f"SELECT ?c ?cLabel ?code WHERE {{ VALUES ?c {{ {listed} }} {code} {label_pattern('?c', lang)} }}"


def read_choices(select: Select, param: Parameter, lang: Lang) -> list[Choice] | None:
    """The values the store knows for ``param``, labelled in ``lang``; None without a list (or a long one).

    Concepts and resources come in Swedish alphabetical order of their labels (municipalities by code),
    years newest first.

    Raises:
        QueryError: the store refused the query (it is ours, so this is a bug).
    """
    sparql = _members_query(param)
    if sparql is None:
        return None
    members = [term for row in select(sparql, {}) if (term := row.get("c")) is not None]
    if len(members) > MAX_CHOICES:
        return None
    if param.kind == "year":
        years = sorted({m.value for m in members}, reverse=True)
        return [Choice(y, y) for y in years]
    nodes = [m for m in members if isinstance(m, ox.NamedNode)]
    rows = select(_labels_query(param, nodes, lang), {}) if nodes else []
    labelled: dict[str, tuple[str, str]] = {}  # IRI → (label, code)
    for row in rows:
        term, label, code = row.get("c"), row.get("cLabel"), row.get("code")
        if term is None:
            continue
        known = labelled.get(term.value)
        name = label.value if label is not None else ""
        if known is None or (known[0] == "" and name):
            labelled[term.value] = (name, code.value if code is not None else "")
    choices: dict[str, Choice] = {}
    order = sorted(labelled.items(), key=lambda kv: (kv[1][1], swedish_key(kv[1][0]), kv[0]))
    for iri, (name, _) in order:
        if param.kind == "concept" and param.scheme:
            base = _scheme_base(param.scheme)
            value = iri[len(base) :] if iri.startswith(base) else compact_iri(iri)
        else:
            value = compact_iri(iri)
        choices.setdefault(value, Choice(value, name or value))
    return list(choices.values())


def _known(param: Parameter) -> str | None:
    """A query with a row when the store knows ``?value`` as a value of ``param``; None when any will do."""
    if param.kind == "concept" and param.scheme:
        pattern = f"?value skos:inScheme <{CONCEPT}{param.scheme}> ."
    elif param.kind == "iri" and param.classes:
        classes = " ".join(f"<{expand_iri(c)}>" for c in param.classes)
        pattern = f"VALUES ?class {{ {classes} }} ?value a ?class ."
    elif param.kind == "iri":
        pattern = "{ ?value ?p ?o } UNION { ?s ?p ?value }"
    else:  # a year or a number is a value in its own right: no data that year is an empty answer
        return None
    return f"SELECT ?value WHERE {{ {pattern} }} LIMIT 1"


def check_values(select: Select, query: NamedQuery, bound: Mapping[str, ox.NamedNode | ox.Literal]) -> None:
    """Refuse a bound value the store does not know as a value of its parameter.

    Args:
        select: runs a SELECT with the value bound (as a substitution, never pasted into the text).
        query: the named query.
        bound: its parameters bound to terms (``bind_parameters``).

    Raises:
        ParameterError: a value is unknown; the message names the parameter and where the known values are.
    """
    for param in query.parameters:
        term = bound.get(param.name)
        sparql = _known(param) if term is not None else None
        if term is None or sparql is None or select(sparql, {"value": term}):
            continue
        shown = compact_iri(term.value) if isinstance(term, ox.NamedNode) else term.value
        if param.kind == "concept":
            what = f"a concept of concept:{param.scheme}"
        elif param.classes:
            what = f"a {' or '.join(param.classes)} in the store"
        else:
            what = "an IRI the store holds"
        msg = (
            f"{query.name}: parameter {param.name!r}: {shown} is not {what}; "
            f"the query page /avancerat lists the known values"
        )
        raise ParameterError(msg)


__all__ = ["MAX_CHOICES", "Choice", "check_values", "read_choices"]
