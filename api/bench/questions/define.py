"""The eight strategist questions of issue 18: a named query each for samverkan, the same SPARQL for peers.

samverkan answers each question through its named-query route (``/api/queries/NAME``), so whatever the
named query reads (the base data today, materialised aggregates later) is what is timed. The peers hold only
the base data, so they get a frozen base-data text of the same question (``sparql/NAME.rq`` beside this
module, a copy of the named query as first written, or as rewritten for every system when the rewrite is a
plain reordering any engine may use); the report says, question by question, whether the two texts are still
the same. Parameter values are chosen from the loaded data by small "pick" queries
(:data:`PICKS`), the same values for every system.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.queries.library import NamedQuery, bind_parameters, parse_named_query
from graph.store.embedded import bind_values
from graph.store.protocol import Store

PEER_DIR = Path(__file__).with_name("sparql")


@dataclass(frozen=True)
class Question:
    """One question: the issue's wording, the named query that answers it, and its parameter values.

    A value starting with ``@`` names a pick (:data:`PICKS`), chosen from the data; any other is literal text.
    """

    wording: str
    query: str
    values: dict[str, str] = field(default_factory=dict)


QUESTIONS: tuple[Question, ...] = (
    Question("collaborations crossing a border, per domain and year", "cross-border-by-domain-and-year"),
    Question(
        "the municipalities one municipality collaborates with, ranked",
        "municipality-partners-ranked",
        {"municipality": "@municipality"},
    ),
    Question("issues raised by at least 5 municipalities", "issues-raised-by-k-municipalities", {"k": "5"}),
    Question("who raised an issue, by round", "issue-raisers-by-round", {"issue": "@issue"}),
    # "Förening": the capital F exercises case folding, the ö a non-ASCII match.
    Question(
        "label search (case-insensitive, with ö) within a region",
        "actors-by-name-in-region",
        {"text": "Förening 12", "region": "@region"},
    ),
    Question("the 20 actors with most partners in other municipalities", "actors-most-cross-border-partners"),
    Question("meetings and participants of a round", "round-meetings", {"round": "@round"}),
    Question(
        "municipalities two collaboration hops away",
        "municipalities-two-hops",
        {"municipality": "@municipality"},
    ),
)

# Each pick: one value, the heaviest ordinary call of its kind (ties broken by IRI: every run picks the same).
PICKS: dict[str, str] = {
    "municipality": "SELECT ?v WHERE { ?a sv:basedIn ?v . ?v a sv:Municipality } "
    "GROUP BY ?v ORDER BY DESC(COUNT(?a)) ?v LIMIT 1",
    "issue": "SELECT ?v WHERE { ?x a sv:IssueMention ; sv:issue ?v } "
    "GROUP BY ?v ORDER BY DESC(COUNT(?x)) ?v LIMIT 1",
    "round": "SELECT ?v WHERE { ?m a sv:DialogueMeeting ; sv:inRound ?v ; sv:participant ?p } "
    "GROUP BY ?v ORDER BY DESC(COUNT(?p)) ?v LIMIT 1",
    "region": "SELECT ?v WHERE { ?v a sv:Region ; sv:territory ?c . ?t schema:containedInPlace ?c . "
    "?m sv:territory ?t . ?a sv:basedIn ?m } GROUP BY ?v ORDER BY DESC(COUNT(?a)) ?v LIMIT 1",
    "group": "SELECT ?v WHERE { ?v org:hasMember ?m } GROUP BY ?v ORDER BY DESC(COUNT(?m)) ?v LIMIT 1",
    "year": "SELECT ?v WHERE { ?r a sv:DialogueRound ; sv:year ?y BIND(STR(?y) AS ?v) } "
    "ORDER BY DESC(?v) LIMIT 1",
}
# The mix's parameters take these picks by name (``host`` is a municipality).
PICK_FOR_PARAMETER = {
    "municipality": "municipality",
    "host": "municipality",
    "issue": "issue",
    "round": "round",
}
PICK_FOR_PARAMETER |= {"region": "region", "group": "group", "year": "year"}


def pick_from(store: Store) -> dict[str, str]:
    """The values of ``PICKS`` in ``store``: the busiest municipality, issue, round, region, group, year."""
    picked = {}
    for name, sparql in PICKS.items():
        rows = store.select(sparql)
        value = rows[0].get("v") if rows else None
        if value is not None:
            picked[name] = str(value.value)
    return picked


def read_peer_query(question: Question) -> NamedQuery:
    """Read the frozen base-data text of a question (``sparql/NAME.rq``), with its header.

    Raises:
        OSError: the file is missing.
        QueryError: its header is malformed.
    """
    path = PEER_DIR / f"{question.query}.rq"
    return parse_named_query(path.read_text(encoding="utf-8"), name=question.query)


def resolve_values(question: Question, picked: dict[str, str]) -> dict[str, str]:
    """The question's parameter values as text, picks replaced by the values chosen from the data.

    Raises:
        KeyError: a pick the data gave no value for.
    """
    return {p: (picked[v[1:]] if v.startswith("@") else v) for p, v in question.values.items()}


def bound_text(query: NamedQuery, values: dict[str, str]) -> str:
    """The query's text with its values (or defaults) bound as a VALUES row, as samverkan binds them.

    Raises:
        QueryError: a value does not fit its parameter's type.
    """
    terms: dict[str, ox.NamedNode | ox.Literal] = bind_parameters(query, values)
    return bind_values(query.sparql, terms) if terms else query.sparql


def same_text(a: NamedQuery, b: NamedQuery) -> bool:
    """Whether two queries are the same SPARQL, comments and blank lines aside."""

    def body(q: NamedQuery) -> list[str]:
        lines = (line.split(" #")[0].rstrip() for line in q.sparql.splitlines())
        return [line for line in lines if line and not line.lstrip().startswith("#")]

    return body(a) == body(b) and [p.name for p in a.parameters] == [p.name for p in b.parameters]


__all__ = [
    "PEER_DIR",
    "PICKS",
    "PICK_FOR_PARAMETER",
    "QUESTIONS",
    "Question",
    "bound_text",
    "read_peer_query",
    "resolve_values",
    "same_text",
]
