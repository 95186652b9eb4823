"""Parameter values for the named queries that exist in the loaded data, chosen query by query.

The library's defaults name curated resources (``id:municipality/0182``, Nacka) that generated data lack, so
binding them would time empty lookups. Each parameter gets, in this order:

1. its default, when that is a plain value (``k = 2``) or a resource or year the data hold;
2. if the query returns it as a column: the value with the most rows in the query's own answer, the kept
   values bound (several such parameters are chosen together), among IRIs of the default's kind
   (``id:municipality/...`` for a municipality default): the heaviest ordinary call, e.g. the municipality
   with the most actors;
3. a year the query does not return: the latest year of the data's dialogue rounds (``sv:year``);
4. otherwise nothing: the parameter stays unbound and matches any value, as in the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.errors import QueryError
from graph.queries.library import NamedQuery, Parameter, bind_value, concept_iri
from graph.store.embedded import bind_values
from graph.store.protocol import Store

Binding = ox.NamedNode | ox.Literal
ROWS_VARIABLE = "benchRows"
PLAIN_KINDS = frozenset({"string", "integer", "decimal", "boolean", "date"})


@dataclass(frozen=True)
class Choice:
    """The values bound for one query, and for each parameter how it was chosen."""

    bindings: dict[str, Binding] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)


def choose_bindings(store: Store, query: NamedQuery) -> Choice:
    """Choose values for every parameter of ``query`` that the data in ``store`` hold (see the module)."""
    bindings: dict[str, Binding] = {}
    how: dict[str, str] = {}
    undecided: list[Parameter] = []
    for p in query.parameters:
        default = bind_value(p, p.default) if p.default is not None else None
        if default is not None and (p.kind in PLAIN_KINDS or _occurs(store, default)):
            bindings[p.name] = default
            how[p.name] = "default, present in the data" if p.kind not in PLAIN_KINDS else "default"
        else:
            undecided.append(p)
    if not undecided:
        return Choice(bindings, how)
    answer = store.query(query.sparql)  # lazy: reading its variables evaluates nothing
    returned = {v.value for v in answer.variables} if isinstance(answer, ox.QuerySolutions) else set()
    for p in undecided:
        if p.name not in returned and _is_year(p):
            year = _latest_year(store)
            if year is not None:
                bindings[p.name] = bind_value(p, year)
                how[p.name] = "latest year of the dialogue rounds"
    columns = [p for p in undecided if p.name in returned]
    chosen = _most_rows(store, query, columns, bindings) if columns else {}
    for p in undecided:
        if p.name in chosen:
            bindings[p.name] = chosen[p.name]
            how[p.name] = "the value with the most rows" + (f" among {_kind_note(p)}" if _kind(p) else "")
        elif p.name not in bindings:
            how[p.name] = "unbound (matches any): no value found in the data"
    ordered = [p.name for p in query.parameters]  # the file's order, for reading
    return Choice({n: bindings[n] for n in ordered if n in bindings}, {n: how[n] for n in ordered})


def _occurs(store: Store, term: Binding) -> bool:
    """Whether a triple holds the term (as subject or object; a literal only as object)."""
    pattern = "{ ?s ?p ?t }" if isinstance(term, ox.Literal) else "{ { ?s ?p ?t } UNION { ?t ?p ?o } }"
    return bool(store.query(f"ASK {pattern}", substitutions={"t": term}))


def _is_year(p: Parameter) -> bool:
    return p.kind == "year" or (p.kind == "integer" and "year" in p.name.lower())


def _latest_year(store: Store) -> str | None:
    rows = store.select("SELECT (MAX(STR(?y)) AS ?latest) WHERE { ?round sv:year ?y }")
    found = rows[0]["latest"] if rows else None
    return found.value[:4] if isinstance(found, ox.Literal) else None


def _kind(p: Parameter) -> str | None:
    """The IRI prefix that values of the parameter share with its default: ``.../id/municipality/``."""
    if p.kind == "concept" and p.scheme:
        return concept_iri(p.scheme, "x")[:-1]
    if p.kind == "iri" and p.default is not None:
        iri = bind_value(p, p.default).value
        return iri[: max(iri.rfind("/"), iri.rfind("#")) + 1] or None
    return None


def _kind_note(p: Parameter) -> str:
    return f"<{_kind(p)}...>"


def _most_rows(
    store: Store, query: NamedQuery, columns: list[Parameter], bound: dict[str, Binding]
) -> dict[str, Binding]:
    """The values of ``columns`` with the most rows in the query's answer under ``bound``; {} if none."""
    names = " ".join(f"?{p.name}" for p in columns)
    filters = "".join(
        f'FILTER(STRSTARTS(STR(?{p.name}), "{kind}"))\n' for p in columns if (kind := _kind(p)) is not None
    )
    inner = bind_values(query.sparql, bound) if bound else query.sparql
    text = (
        f"SELECT {names} (COUNT(*) AS ?{ROWS_VARIABLE}) WHERE {{\n{{\n{inner}\n}}\n{filters}}}\n"
        f"GROUP BY {names} ORDER BY DESC(?{ROWS_VARIABLE}) {names} LIMIT 1"
    )
    try:
        rows = store.select(text)
    except QueryError:  # a query that cannot be nested (its own PREFIX lines, say): leave it unbound
        return {}
    if not rows:
        return {}
    return {
        p.name: term for p in columns if isinstance(term := rows[0].get(p.name), ox.NamedNode | ox.Literal)
    }


__all__ = ["Binding", "Choice", "choose_bindings"]
