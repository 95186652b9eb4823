"""What a profile page reads, in few queries: each query through a query worker costs tens of milliseconds.

- ``read_statements``: the resource's own label, its statements with labels, the statements pointing to it
  (the first ``limit``, derived results left out), and an actor's category: one query where a profile
  made four.
- ``read_municipality_profile``: a municipality's code, population and related resources, in one query.
- ``read_issue_summary``, ``read_round_summary``: what the issue and round profiles say at the top, read for
  that one resource (the lists' readers count every issue's and round's mentions).
- ``read_mention_page``: the issue mentions bound to a resource, a page at a time (an issue of a million
  triples has thousands), with their count.
- ``read_source_index``: every named graph's source, read once per write of the store by the caller.
- ``read_crossings_of``: the crossing rule's rows of some collaborations, read from a pattern the caller
  gives (the crossings aggregate, ``graph.aggregates.reading.CROSSINGS_READ``), not for every collaboration.

Rows are plain dicts as in graph.queries.workspace; names sort in Swedish order (graph.queries.collation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from graph.namespaces import GRAPH, META_GRAPH
from graph.queries.borders import Crossing, fold_crossings
from graph.queries.collation import sparql_order_key, swedish_key
from graph.queries.resources import Select
from graph.queries.workspace import (
    INFERRED_PREFIX,
    MENTION_COLUMNS,
    Lang,
    Record,
    label_pattern,
    mention_pattern,
    unnamed_label,
)

# Graphs of derived results (the aggregates kept in step, stored measures): their rows point to the
# resources they sum up (``sv:aggregateOf``), a hundred to a collaboration, and are no statements of a source.
DERIVED_PREFIX = str(GRAPH["analysis/"])
INCOMING_LIMIT = 500  # statements pointing to a resource shown under "Data" (a municipality has thousands)
MENTIONS_PAGE = 50  # issue mentions per page of a profile

# The pattern that ties a mention (?x) to the profile's resource, written in as {node} (an IRI of ours).
# Each is followed by IS_MENTION, a FILTER EXISTS: joined as a pattern (``?x a sv:IssueMention``, or in a
# GRAPH), Oxigraph reads every mention of the store first (a second at a million triples, against 0.1 s).
IS_MENTION = "FILTER EXISTS { ?x a sv:IssueMention }"
MENTION_OF = {
    "who": "?x sv:raisedBy {node} .",
    "i": "?x sv:issue {node} .",
    "r": "?x sv:inRound|sv:atMeeting/sv:inRound {node} .",
    "mt": "?x sv:atMeeting {node} .",
}


def _plain(term: Any) -> Any:
    """A term as Python: an integer literal as an int, anything else as its lexical value or IRI."""
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value.endswith(("#integer", "#int", "#long")):
        try:
            return int(term.value)
        except ValueError:
            return term.value
    return term.value


def _records(select: Select, sparql: str) -> list[Record]:
    return [{k: _plain(v) for k, v in row.items()} for row in select(sparql, {})]


def _node(iri: str) -> str:
    """An IRI written into a query (checked by pyoxigraph: it cannot change the query's shape).

    Raises:
        ValueError: ``iri`` is not an IRI.
    """
    return str(ox.NamedNode(iri))


@dataclass
class Statements:
    """A resource's label, its statements (``facts``), those pointing to it (``incoming``), its category."""

    label: str | None = None
    facts: list[Record] = field(default_factory=list)
    incoming: list[Record] = field(default_factory=list)
    category: str | None = None


def read_statements(
    select: Select, lang: Lang, iri: str, *, category: bool = False, limit: int = INCOMING_LIMIT
) -> Statements:
    """Every statement about ``iri`` and the first ``limit`` pointing to it, labelled, in one query.

    ``facts`` rows have ``p``, ``pLabel``, ``o``, ``oLabel`` and the graph ``g``, in the order of predicate
    and object; ``incoming`` rows ``s``, ``sLabel``, ``p``, ``pLabel``. With ``category``, the name of an
    actor's category: its ``org:classification``, or the concept that replaced its 0.1 class.
    """
    node = _node(iri)
    kind = (
        f"""UNION {{ {{ SELECT ?o WHERE {{ {{ {node} org:classification ?o }}
                 UNION {{ {node} a ?old . ?old dcterms:isReplacedBy ?o .
                          ?o skos:inScheme concept:actor-categories }}
               }} ORDER BY ?o LIMIT 1 }} BIND("category" AS ?part) {label_pattern("?o", lang)} }}"""
        if category
        else ""
    )
    rows = _records(
        select,
        f"""SELECT ?part ?s ?sLabel ?p ?pLabel ?o ?oLabel ?g WHERE {{
          {{ BIND({node} AS ?s) BIND("self" AS ?part) {label_pattern("?s", lang)} }}
          UNION {{ GRAPH ?g {{ {node} ?p ?o }} BIND("out" AS ?part)
                  {label_pattern("?p", lang)} {label_pattern("?o", lang)} }}
          UNION {{ {{ SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?from {{ ?s ?p {node} }}
                                                  FILTER(!STRSTARTS(STR(?from), "{DERIVED_PREFIX}")) }}
                     ORDER BY ?p ?s LIMIT {int(limit)} }}
                  BIND("in" AS ?part) {label_pattern("?s", lang)} {label_pattern("?p", lang)} }}
          {kind}
        }}""",
    )
    out = Statements()
    seen_in: set[tuple[str, str]] = set()
    for r in rows:
        part = r["part"]
        if part == "self":
            out.label = out.label or r["sLabel"]
        elif part == "out":
            r["o"] = str(r["o"])
            out.facts.append({k: r[k] for k in ("p", "pLabel", "o", "oLabel", "g")})
        elif part == "in" and (r["s"], r["p"]) not in seen_in:
            seen_in.add((r["s"], r["p"]))
            out.incoming.append({k: r[k] for k in ("s", "sLabel", "p", "pLabel")})
        elif part == "category":
            out.category = out.category or str(r["oLabel"] or r["o"])
    out.facts.sort(key=lambda f: (f["p"], f["o"], f["g"] or ""))
    out.incoming.sort(key=lambda f: (f["p"], f["s"]))
    return out


def read_municipality_profile(select: Select, lang: Lang, iri: str) -> Record | None:
    """A municipality's code, label, newest population, and related resources, or None if it is none.

    ``related`` maps neighbour, grouping, constellation, actor, meeting and hosted to records of ``iri``,
    ``label`` and the ``graph`` stating the tie, in Swedish order of their labels.
    """
    node = _node(iri)
    rows = _records(
        select,
        f"""SELECT ?rel ?code ?mLabel ?population ?populationDate ?o ?oLabel ?g WHERE {{
          GRAPH ?g {{ {node} a sv:Municipality }} {node} sv:municipalityCode ?code .
          {{ BIND("self" AS ?rel) BIND({node} AS ?m) {label_pattern("?m", lang)}
             OPTIONAL {{ {{ SELECT ?population ?populationDate WHERE {{
                 {node} sv:territory/sv:population ?p . ?p sv:count ?population ; dcterms:date ?populationDate
               }} ORDER BY DESC(?populationDate) LIMIT 1 }} }} }}
          UNION {{ {node} sv:territory/geo:sfTouches/^sv:territory ?o BIND("neighbour" AS ?rel)
                   {label_pattern("?o", lang)} }}
          UNION {{ GRAPH ?tie {{ ?o org:hasMember {node} }} ?o a sv:Grouping BIND("grouping" AS ?rel)
                   {label_pattern("?o", lang)} }}
          UNION {{ GRAPH ?tie {{ ?o org:hasMember {node} }} ?o a sv:Constellation
                   BIND("constellation" AS ?rel) {label_pattern("?o", lang)} }}
          UNION {{ GRAPH ?tie {{ ?o sv:basedIn {node} }} BIND("actor" AS ?rel) {label_pattern("?o", lang)} }}
          UNION {{ GRAPH ?tie {{ ?o sv:participant {node} }} BIND("meeting" AS ?rel)
                   {label_pattern("?o", lang)} }}
          UNION {{ GRAPH ?tie {{ ?o sv:host {node} }} BIND("hosted" AS ?rel) {label_pattern("?o", lang)} }}
        }}""",
    )
    selves = [r for r in rows if r["rel"] == "self"]
    if not selves:
        return None
    by: dict[str, dict[str, Record]] = defaultdict(dict)
    for r in rows:
        if r["rel"] == "self" or r["o"] is None:
            continue
        graph = str(META_GRAPH) if r["rel"] == "neighbour" else r.get("tie")
        by[r["rel"]].setdefault(r["o"], {"iri": r["o"], "label": r["oLabel"], "graph": graph})
    first = selves[0]
    return {
        "code": first["code"],
        "mLabel": first["mLabel"],
        "population": first["population"],
        "populationDate": first["populationDate"],
        "g": first["g"],
        "related": {
            k: sorted(v.values(), key=lambda x: (swedish_key(str(x["label"] or x["iri"])), x["iri"]))
            for k, v in by.items()
        },
    }


def read_issue_summary(select: Select, lang: Lang, iri: str) -> Record | None:
    """An issue's label, strategy areas, the years of the rounds it was raised in, and its mentions.

    None when ``iri`` is no issue of the issue scheme.
    """
    node = _node(iri)
    rows = _records(
        select,
        f"""SELECT ?part ?value WHERE {{ {node} skos:inScheme concept:issues .
          {{ BIND({node} AS ?i) {label_pattern("?i", lang)} BIND(?iLabel AS ?value) BIND("label" AS ?part) }}
          UNION {{ {node} sv:strategyArea ?area . {label_pattern("?area", lang)}
                   BIND(COALESCE(?areaLabel, STR(?area)) AS ?value) BIND("area" AS ?part) }}
          UNION {{ {{ SELECT DISTINCT ?value WHERE {{
                     ?x sv:issue {node} ; sv:inRound|sv:atMeeting/sv:inRound ?r . ?r sv:year ?y
                     BIND(SUBSTR(STR(?y), 1, 4) AS ?value) }} }} BIND("year" AS ?part) }}
          UNION {{ {{ SELECT (COUNT(DISTINCT ?x) AS ?value) WHERE {{ ?x sv:issue {node} }} }}
                   BIND("mentions" AS ?part) }}
        }}""",
    )
    if not rows:
        return None
    parts: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        if r["value"] is not None:
            parts[r["part"]].append(r["value"])
    return {
        "iri": iri,
        "label": (parts.get("label") or [None])[0],
        "areas": sorted(set(parts.get("area", [])), key=swedish_key),
        "years": sorted({str(y) for y in parts.get("year", [])}),
        "mentions": int((parts.get("mentions") or [0])[0]),
    }


def read_round_summary(select: Select, lang: Lang, iri: str) -> Record | None:
    """A dialogue round's label, year, organiser, and how many meetings and issue mentions it has.

    None when ``iri`` is no dialogue round.
    """
    node = _node(iri)
    in_round = MENTION_OF["r"].format(node=node)
    rows = _records(
        select,
        f"""SELECT ?rLabel ?year ?orgLabel ?meetings ?mentions WHERE {{ {node} a sv:DialogueRound .
          BIND({node} AS ?r) {label_pattern("?r", lang)} OPTIONAL {{ ?r sv:year ?year }}
          OPTIONAL {{ ?r sv:organisedBy ?org . {label_pattern("?org", lang)} }}
          {{ SELECT (COUNT(DISTINCT ?mt) AS ?meetings) WHERE {{
              ?mt sv:inRound {node} FILTER EXISTS {{ ?mt a sv:DialogueMeeting }} }} }}
          {{ SELECT (COUNT(DISTINCT ?x) AS ?mentions) WHERE {{
              {in_round} {IS_MENTION} }} }}
        }} ORDER BY ?year ?orgLabel LIMIT 1""",
    )
    return {"r": iri, **rows[0]} if rows else None


@dataclass(frozen=True)
class MentionPage:
    """One page of a resource's issue mentions: rows as ``read_mentions`` gives them, count, page, pages."""

    rows: list[Record]
    count: int
    page: int
    pages: int


def read_mention_page(
    select: Select, lang: Lang, *, var: str, iri: str, page: int = 1, size: int = MENTIONS_PAGE
) -> MentionPage:
    """Page ``page`` (past the last: the last) of the issue mentions tied to ``iri`` by ``var``.

    ``var`` is ``who`` (raised by), ``i`` (the issue), ``r`` (the round) or ``mt`` (the meeting). Newest
    round first, then by the issue's name in Swedish order. The page is picked on the mentions, their
    round's year and their issue's name alone; the labels are read for its mentions only.

    Raises:
        KeyError: ``var`` is none of the four.
    """
    tie = MENTION_OF[var].format(node=_node(iri))
    # By the issue's name too, unless the issue is the resource (then a constant, and costly to compute).
    # The key is computed inside the aggregate: Virtuoso refuses an expression over an aggregate's alias in
    # ORDER BY ("used in the result set outside aggregate").
    order = "DESC(?y) ?x" if var == "i" else "DESC(?y) ?ilKey ?x"
    name = (
        ""
        if var == "i"
        else f"OPTIONAL {{ ?x sv:issue/skos:prefLabel ?il0 FILTER(langMatches(lang(?il0), '{lang}')) }}"
    )

    count_rows = _records(select, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {tie} {IS_MENTION} }}")
    count = int(count_rows[0]["n"]) if count_rows else 0
    pages = max(1, -(-count // size))
    page = min(max(page, 1), pages)
    if count == 0:
        return MentionPage([], 0, page, pages)
    # Picked on its own: with the count as a subquery beside it, Oxigraph took seconds over the labels.
    picked = _records(
        select,
        f"""SELECT ?x (MAX(?y0) AS ?y) (MIN({sparql_order_key("?il0")}) AS ?ilKey) WHERE {{
              {tie} {IS_MENTION}
              OPTIONAL {{ ?x sv:inRound|sv:atMeeting/sv:inRound ?yr . ?yr sv:year ?y0 }}
              {name}
            }} GROUP BY ?x ORDER BY {order} LIMIT {int(size)} OFFSET {int((page - 1) * size)}""",
    )
    chosen = [r["x"] for r in picked if r.get("x")]
    if not chosen:
        return MentionPage([], count, page, pages)
    # The labels of the page's mentions alone, by VALUES: joined to the pick in one query, Oxigraph
    # evaluated the labels of every mention first.
    values = " ".join(_node(x) for x in chosen)
    rows = _records(
        select,
        f"""SELECT {MENTION_COLUMNS} WHERE {{ VALUES ?x {{ {values} }} {mention_pattern(lang)} }}""",
    )
    kept: dict[str, Record] = {}
    for r in rows:
        if r.get("whoSubsetOf") and r.get("whoLabel"):
            r["whoLabel"] = unnamed_label(str(r["whoLabel"]), lang)
        kept.setdefault(r["x"], r)  # one row per mention: the first of its labels and graphs
    return MentionPage([kept[x] for x in chosen if x in kept], count, page, pages)


def read_source_index(select: Select) -> dict[str, Record]:
    """For every named graph with a source: the source's IRI, title, address and date.

    A graph not in the index has no source recorded; ``graph_sources`` says so for the graphs a page shows.
    """
    rows = _records(
        select,
        f"""SELECT ?g ?s ?title ?url ?date WHERE {{ GRAPH <{META_GRAPH}> {{ ?g prov:wasDerivedFrom ?s }}
              OPTIONAL {{ ?s dcterms:title ?title }} OPTIONAL {{ ?s schema:url ?url }}
              OPTIONAL {{ ?s dcterms:issued ?date }} }} ORDER BY ?g ?title""",
    )
    found: dict[str, Record] = {}
    for r in rows:
        known = found.get(r["g"])
        if known is None or (r["title"] and not known["title"]):
            found[r["g"]] = r
    return found


def graph_sources(index: dict[str, Record], graphs: Iterable[str]) -> dict[str, Record]:
    """The sources of ``graphs`` (``read_source_index``), each marked inferred (``graph:inferred/…``) or not.

    Example:
        >>> g = "https://w3id.org/samverkan/graph/inferred/x"
        >>> graph_sources({}, [g])[g]["inferred"]
        True
    """
    out = {}
    for g in sorted({g for g in graphs if g}):
        held = index.get(g) or {"g": g, "s": None, "title": None, "url": None, "date": None}
        out[g] = {**held, "inferred": g.startswith(INFERRED_PREFIX)}
    return out


def read_crossings_of(select: Select, collaborations: Iterable[str], *, kept: str) -> dict[str, Crossing]:
    """What each of ``collaborations`` reaches by the one rule, read from the rule's kept rows.

    ``kept`` is a group pattern binding ``?collaboration``, ``?municipality``, ``?reason`` and
    ``?hypothesis`` for every collaboration that reaches two or more municipalities (the crossings
    aggregate: ``graph.aggregates.reading.CROSSINGS_READ``); a collaboration it does not hold reaches fewer
    and crosses no border. Hypotheses are left out, as ``read_crossings`` leaves them out.
    """
    wanted = sorted(set(collaborations))
    if not wanted:
        return {}
    values = " ".join(_node(c) for c in wanted)
    columns = "?collaboration ?municipality ?reason ?hypothesis"
    rows = select(f"SELECT {columns} WHERE {{ VALUES ?collaboration {{ {values} }} {kept} }}", {})
    found = [{k: _plain(v) for k, v in r.items()} for r in rows]
    held = fold_crossings(
        # The party (member or scope) is left out: not needed to tell whether a collaboration crosses.
        (r["collaboration"], r["municipality"], r["reason"], None, None, r["hypothesis"])
        for r in found
        if r["collaboration"] and r["municipality"] and r["reason"]
    )
    return {c: held.get(c) or Crossing(c) for c in wanted}


__all__ = [
    "INCOMING_LIMIT",
    "MENTIONS_PAGE",
    "MENTION_OF",
    "MentionPage",
    "Statements",
    "graph_sources",
    "read_crossings_of",
    "read_issue_summary",
    "read_mention_page",
    "read_municipality_profile",
    "read_round_summary",
    "read_source_index",
    "read_statements",
]
