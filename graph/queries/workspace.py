"""What the strategists' workspace shows: counts, list rows and profile facts, read with SPARQL.

Every reader takes a ``Select`` (graph.queries.resources) and a language for labels (``sv`` or ``en``, the
other as a fall-back). Rows are plain dicts of strings and numbers, IRIs included so the caller can link them.
Each fact that comes from a source names the graph it sits in (``graph``): the caller turns graphs into
sources with ``read_graph_sources`` and marks inferred ones (``graph:inferred/…``) as assumed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Literal

import pyoxigraph as ox

from graph.namespaces import GRAPH, META_GRAPH
from graph.queries.resource_sparql import MUNICIPALITY_OF
from graph.queries.resources import Select

Lang = Literal["sv", "en"]
Record = dict[str, Any]
INFERRED_PREFIX = str(GRAPH["inferred/"])


def label_pattern(var: str, lang: Lang) -> str:
    """SPARQL binding ``{var}Label``: the label in ``lang``, else in the other language or none.

    Example:
        >>> "langMatches(lang(?xL1), 'en')" in label_pattern("?x", "en")
        True
    """
    other = "en" if lang == "sv" else "sv"
    names = "skos:prefLabel|rdfs:label|foaf:name|dcterms:title"
    return (
        f"OPTIONAL {{ {var} {names} {var}L1 FILTER(langMatches(lang({var}L1), '{lang}')) }} "
        f"OPTIONAL {{ {var} {names} {var}L2 "
        f"FILTER(langMatches(lang({var}L2), '{other}') || lang({var}L2) = '') }}"
        f" BIND(COALESCE({var}L1, {var}L2) AS {var}Label)"
    )


def _plain(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype.value.endswith(("#integer", "#int", "#long")):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        return term.value
    return term.value


def _records(select: Select, sparql: str, subs: dict[str, Any] | None = None) -> list[Record]:
    return [{k: _plain(v) for k, v in row.items()} for row in select(sparql, subs or {})]


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def read_labels_in(select: Select, iris: Iterable[str], lang: Lang) -> dict[str, str]:
    """Return a label for each IRI that has one, in ``lang`` where there is one."""
    wanted = sorted({i for i in iris if i})
    if not wanted:
        return {}
    values = " ".join(f"<{i}>" for i in wanted)  # IRIs read from the store, not from a request
    rows = _records(
        select, f"SELECT ?s ?sLabel WHERE {{ VALUES ?s {{ {values} }} {label_pattern('?s', lang)} }}"
    )
    return {r["s"]: r["sLabel"] for r in rows if r["sLabel"]}


def read_counts(select: Select, lang: Lang) -> dict[str, Any]:
    """Count municipalities, actors by category, collaborations, rounds, issues and sources."""
    one = _records(
        select,
        """SELECT
          (COUNT(DISTINCT ?m) AS ?municipalities) (COUNT(DISTINCT ?c) AS ?collaborations)
          (COUNT(DISTINCT ?r) AS ?rounds) (COUNT(DISTINCT ?mt) AS ?meetings) (COUNT(DISTINCT ?i) AS ?issues)
          (COUNT(DISTINCT ?x) AS ?mentions) (COUNT(DISTINCT ?s) AS ?sources)
        WHERE {
          { ?m a sv:Municipality } UNION { ?c a sv:Collaboration } UNION { ?r a sv:DialogueRound }
          UNION { ?mt a sv:DialogueMeeting } UNION { ?x a sv:IssueMention ; sv:issue ?i }
          UNION { ?s a sv:Source }
        }""",
    )[0]
    dates = _records(
        select, "SELECT (MAX(STR(?d)) AS ?newest) WHERE { ?s a sv:Source ; dcterms:issued|dcterms:date ?d }"
    )
    one["newest"] = dates[0]["newest"] if dates else None
    categories = _records(
        select,
        f"""SELECT ?category ?categoryLabel (COUNT(DISTINCT ?a) AS ?n) WHERE {{
              ?a a ?category . ?category rdfs:subClassOf* sv:Actor .
              FILTER NOT EXISTS {{ ?a a ?narrower . ?narrower rdfs:subClassOf+ ?category .
                                   FILTER(?narrower != ?category) }}
              {label_pattern("?category", lang)} }}
            GROUP BY ?category ?categoryLabel ORDER BY DESC(?n)""",
    )
    return {**one, "categories": categories, "actors": sum(int(c["n"]) for c in categories)}


def read_municipality_rows(select: Select, lang: Lang) -> list[Record]:
    """Every municipality: code, name, latest population and its date, cross-border collaborations, issues."""
    rows = _records(
        select,
        f"""SELECT ?m ?code ?mLabel ?population ?populationDate
                 (COUNT(DISTINCT ?crossing) AS ?crossBorder) (COUNT(DISTINCT ?issue) AS ?issues) WHERE {{
          ?m a sv:Municipality ; sv:municipalityCode ?code . {label_pattern("?m", lang)}
          OPTIONAL {{ ?m sv:territory/sv:population ?p .
                     ?p sv:count ?population ; dcterms:date ?populationDate
                     FILTER NOT EXISTS {{ ?m sv:territory/sv:population/dcterms:date ?later
                                         FILTER(?later > ?populationDate) }} }}
          OPTIONAL {{ ?crossing a sv:Collaboration ; org:hasMember ?actor .
                     {{ {MUNICIPALITY_OF.replace("?municipality", "?m")} }}
                     ?crossing org:hasMember ?other .
                     {{ ?other sv:basedIn ?om }} UNION {{ ?other a sv:Municipality BIND(?other AS ?om) }}
                     FILTER(?om != ?m) }}
          OPTIONAL {{ ?x sv:raisedBy ?m ; sv:issue ?issue }}
        }} GROUP BY ?m ?code ?mLabel ?population ?populationDate ORDER BY ?code""",
    )
    return rows


def read_issue_rows(select: Select, lang: Lang) -> list[Record]:
    """Every issue: name, strategy areas, rounds raised in, and mentions by stance."""
    rows = _records(
        select,
        f"""SELECT ?i ?iLabel ?area ?areaLabel ?x ?year ?stance ?stanceLabel WHERE {{
          ?i skos:inScheme concept:issues . {label_pattern("?i", lang)}
          OPTIONAL {{ ?i sv:strategyArea ?area . {label_pattern("?area", lang)} }}
          OPTIONAL {{ ?x sv:issue ?i .
                     OPTIONAL {{ ?x sv:inRound|sv:atMeeting/sv:inRound ?r . ?r sv:year ?year }}
                     OPTIONAL {{ ?x sv:stance ?stance . {label_pattern("?stance", lang)} }} }}
        }}""",
    )
    issues: dict[str, Record] = {}
    for r in rows:
        i = issues.setdefault(
            r["i"],
            {"iri": r["i"], "label": r["iLabel"], "areas": {}, "years": set(), "stances": defaultdict(set)},
        )
        if r["area"]:
            i["areas"][r["area"]] = r["areaLabel"] or r["area"]
        if r["year"]:
            i["years"].add(str(r["year"])[:4])
        if r["x"]:
            i["stances"][r["stanceLabel"] or "–"].add(r["x"])
    return [
        {
            "iri": i["iri"],
            "label": i["label"],
            "areas": sorted(i["areas"].values()),
            "years": sorted(i["years"]),
            "stances": {k: len(v) for k, v in sorted(i["stances"].items())},
            "mentions": len(set().union(*i["stances"].values())) if i["stances"] else 0,
        }
        for i in issues.values()
    ]


def read_source_rows(select: Select) -> list[Record]:
    """Every source: title, publisher, date, address, and how many statements its graph holds."""
    return _records(
        select,
        f"""SELECT ?s ?title ?publisher ?date ?url ?g (COUNT(*) AS ?statements) WHERE {{
          ?s a sv:Source . OPTIONAL {{ ?s dcterms:title ?title }}
          OPTIONAL {{ ?s dcterms:publisher ?publisher }}
          OPTIONAL {{ ?s dcterms:issued|dcterms:date ?date }} OPTIONAL {{ ?s schema:url ?url }}
          OPTIONAL {{ GRAPH <{META_GRAPH}> {{ ?g prov:wasDerivedFrom ?s }} GRAPH ?g {{ ?a ?b ?c }} }}
        }} GROUP BY ?s ?title ?publisher ?date ?url ?g ORDER BY DESC(?date) ?title""",
    )


def read_graph_sources(select: Select, graphs: Iterable[str]) -> dict[str, Record]:
    """For each named graph, its source (title, address, date) and whether it holds inferences."""
    wanted = sorted({g for g in graphs if g})
    if not wanted:
        return {}
    values = " ".join(f"<{g}>" for g in wanted)
    rows = _records(
        select,
        f"""SELECT ?g ?s ?title ?url ?date WHERE {{ VALUES ?g {{ {values} }}
              OPTIONAL {{ GRAPH <{META_GRAPH}> {{ ?g prov:wasDerivedFrom ?s }}
                OPTIONAL {{ ?s dcterms:title ?title }} OPTIONAL {{ ?s schema:url ?url }}
                OPTIONAL {{ ?s dcterms:issued ?date }} }} }}""",
    )
    found: dict[str, Record] = {}
    for r in rows:
        known = found.get(r["g"])
        if known is None or (r["title"] and not known["title"]):
            found[r["g"]] = {**r, "inferred": r["g"].startswith(INFERRED_PREFIX)}
    return found


def read_statement_graphs(select: Select, iri: str) -> list[str]:
    """The named graphs that hold a statement about ``iri`` (as subject)."""
    rows = _records(select, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", {"s": _iri(iri)})
    return sorted(r["g"] for r in rows if r["g"])


MENTION_BY = {  # the pattern that ties a mention to the bound variable (required, not optional)
    "who": "?x sv:raisedBy ?who .",
    "i": "?x sv:issue ?i .",
    "r": "?x sv:inRound|sv:atMeeting/sv:inRound ?r .",
    "mt": "?x sv:atMeeting ?mt .",
}


def read_mentions(select: Select, lang: Lang, *, var: str, iri: str) -> list[Record]:
    """Issue mentions bound by one variable: ``who`` (raised by), ``i`` (issue), ``r`` (round) or ``mt``."""
    return _records(
        select,
        f"""SELECT ?x ?i ?iLabel ?who ?whoLabel ?stance ?stanceLabel ?quote ?mt ?mtLabel ?r ?rLabel ?year ?g
            WHERE {{
          {MENTION_BY[var]} GRAPH ?g {{ ?x a sv:IssueMention }} ?x sv:issue ?i . {label_pattern("?i", lang)}
          OPTIONAL {{ ?x sv:raisedBy ?who . {label_pattern("?who", lang)} }}
          OPTIONAL {{ ?x sv:stance ?stance . {label_pattern("?stance", lang)} }}
          OPTIONAL {{ ?x sv:quote ?quote }}
          OPTIONAL {{ ?x sv:atMeeting ?mt . {label_pattern("?mt", lang)} }}
          OPTIONAL {{ ?x sv:inRound|sv:atMeeting/sv:inRound ?r . {label_pattern("?r", lang)}
                     OPTIONAL {{ ?r sv:year ?year }} }}
        }} ORDER BY DESC(?year) ?iLabel""",
        {var: _iri(iri)},
    )


def read_collaborations_of(select: Select, lang: Lang, actors: Iterable[str]) -> list[Record]:
    """Collaborations any of ``actors`` take part in: domain, kind, years, partners with municipalities."""
    values = " ".join(f"<{a}>" for a in sorted(set(actors)))
    if not values:
        return []
    mine = f"VALUES ?mine {{ {values} }} GRAPH ?g {{ ?c a sv:Collaboration }} ?c org:hasMember ?mine ."
    return _read_collaborations(select, lang, mine)


def _read_collaborations(select: Select, lang: Lang, choice: str) -> list[Record]:
    """The collaborations ``choice`` (a pattern binding ``?c`` and its graph ``?g``) picks, grouped."""
    rows = _records(
        select,
        f"""SELECT ?c ?cLabel ?domainLabel ?kindLabel ?start ?end ?actor ?actorLabel ?municipality ?g WHERE {{
          {choice} {label_pattern("?c", lang)}
          OPTIONAL {{ ?c sv:domain ?domain . {label_pattern("?domain", lang)} }}
          OPTIONAL {{ ?c sv:agreementKind ?kind . {label_pattern("?kind", lang)} }}
          OPTIONAL {{ ?c schema:startDate ?start }} OPTIONAL {{ ?c schema:endDate ?end }}
          ?c org:hasMember ?actor . {label_pattern("?actor", lang)}
          OPTIONAL {{ {MUNICIPALITY_OF} }}
        }}""",
    )
    return group_collaborations(rows)


def group_collaborations(rows: list[Record]) -> list[Record]:
    """Fold rows of (collaboration, member) into one record per collaboration, with its border crossing."""
    collabs: dict[str, Record] = {}
    for r in rows:
        c = collabs.setdefault(
            r["c"],
            {
                "iri": r["c"],
                "label": r["cLabel"],
                "domains": set(),
                "kind": r.get("kindLabel"),
                "start": r.get("start"),
                "end": r.get("end"),
                "members": {},
                "municipalities": set(),
                "graph": r.get("g"),
            },
        )
        if r.get("domainLabel"):
            c["domains"].add(r["domainLabel"])
        c["members"][r["actor"]] = r["actorLabel"] or r["actor"]
        if r.get("municipality"):
            c["municipalities"].add(r["municipality"])
    out = []
    for c in collabs.values():
        c["domains"] = sorted(c["domains"])
        c["crosses_border"] = len(c["municipalities"]) > 1
        out.append(c)
    out.sort(key=lambda c: (str(c["label"] or c["iri"])).lower())
    return out


def read_all_collaborations(select: Select, lang: Lang) -> list[Record]:
    """Every collaboration, as ``read_collaborations_of`` describes them."""
    return _read_collaborations(select, lang, "GRAPH ?g { ?c a sv:Collaboration }")


def read_municipality(select: Select, lang: Lang, iri: str) -> Record | None:
    """A municipality's facts: code, names, population, neighbours, groupings, constellations, actors."""
    node = {"m": _iri(iri)}
    rows = _records(
        select,
        f"""SELECT ?code ?mLabel ?population ?populationDate ?g WHERE {{
          GRAPH ?g {{ ?m a sv:Municipality }} ?m sv:municipalityCode ?code . {label_pattern("?m", lang)}
          OPTIONAL {{ ?m sv:territory/sv:population ?p .
                     ?p sv:count ?population ; dcterms:date ?populationDate }}
        }} ORDER BY DESC(?populationDate)""",
        node,
    )
    if not rows:
        return None
    related = _records(
        select,
        f"""SELECT ?rel ?o ?oLabel ?g WHERE {{
          {{ ?m sv:territory/geo:sfTouches/^sv:territory ?o BIND("neighbour" AS ?rel)
             BIND(<{META_GRAPH}> AS ?g) }}
          UNION {{ GRAPH ?g {{ ?o org:hasMember ?m }} ?o a sv:Grouping BIND("grouping" AS ?rel) }}
          UNION {{ GRAPH ?g {{ ?o org:hasMember ?m }} ?o a sv:Constellation BIND("constellation" AS ?rel) }}
          UNION {{ GRAPH ?g {{ ?o sv:basedIn ?m }} BIND("actor" AS ?rel) }}
          UNION {{ GRAPH ?g {{ ?o sv:participant ?m }} BIND("meeting" AS ?rel) }}
          UNION {{ GRAPH ?g {{ ?o sv:host ?m }} BIND("hosted" AS ?rel) }}
          {label_pattern("?o", lang)}
        }}""",
        node,
    )
    by: dict[str, dict[str, Record]] = defaultdict(dict)
    for r in related:
        by[r["rel"]].setdefault(r["o"], {"iri": r["o"], "label": r["oLabel"], "graph": r["g"]})
    return {
        **rows[0],
        "related": {k: sorted(v.values(), key=lambda x: str(x["label"] or x["iri"])) for k, v in by.items()},
    }


def read_facts(select: Select, lang: Lang, iri: str) -> list[Record]:
    """Every statement about ``iri`` with labels of predicate and object, and its graph."""
    return _records(
        select,
        f"""SELECT ?p ?pLabel ?o ?oLabel ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
              {label_pattern("?p", lang)} OPTIONAL {{ FILTER(isIRI(?o)) {label_pattern("?o", lang)} }} }}
            ORDER BY ?p ?o""",
        {"s": _iri(iri)},
    )


def read_incoming(select: Select, lang: Lang, iri: str, *, limit: int = 500) -> list[Record]:
    """Statements pointing to ``iri``, with labels of subject and predicate."""
    return _records(
        select,
        f"""SELECT DISTINCT ?s ?sLabel ?p ?pLabel WHERE {{ ?s ?p ?o .
              {label_pattern("?s", lang)} {label_pattern("?p", lang)} }} ORDER BY ?p ?s LIMIT {int(limit)}""",
        {"o": _iri(iri)},
    )


def read_types(select: Select, iri: str) -> list[str]:
    """The classes of ``iri``."""
    return [r["t"] for r in _records(select, "SELECT DISTINCT ?t WHERE { ?s a ?t }", {"s": _iri(iri)})]


__all__ = [
    "INFERRED_PREFIX",
    "Lang",
    "Record",
    "group_collaborations",
    "label_pattern",
    "read_all_collaborations",
    "read_collaborations_of",
    "read_counts",
    "read_facts",
    "read_graph_sources",
    "read_groupings",
    "read_incoming",
    "read_issue_rows",
    "read_labels_in",
    "read_mentions",
    "read_municipality",
    "read_municipality_rows",
    "read_round_rows",
    "read_source_rows",
    "read_statement_graphs",
    "read_types",
]


def read_round_rows(select: Select, lang: Lang) -> list[Record]:
    """Every dialogue round, newest first: year, label, organiser, meetings and constellations."""
    return _records(
        select,
        f"""SELECT ?r ?year ?rLabel ?orgLabel (COUNT(DISTINCT ?mt) AS ?meetings)
                   (COUNT(DISTINCT ?x) AS ?mentions) (SAMPLE(?cc) AS ?constellations) WHERE {{
          ?r a sv:DialogueRound . OPTIONAL {{ ?r sv:year ?year }} {label_pattern("?r", lang)}
          OPTIONAL {{ ?r sv:organisedBy ?org . {label_pattern("?org", lang)} }}
          OPTIONAL {{ ?r sv:constellationCount ?cc }}
          OPTIONAL {{ ?mt sv:inRound ?r ; a sv:DialogueMeeting }}
          OPTIONAL {{ ?x a sv:IssueMention ; sv:inRound|sv:atMeeting/sv:inRound ?r }}
        }} GROUP BY ?r ?year ?rLabel ?orgLabel ORDER BY DESC(?year)""",
    )


def read_groupings(select: Select, lang: Lang) -> dict[str, tuple[str, set[str]]]:
    """Every grouping with municipalities among its members: IRI → (label, municipality IRIs)."""
    rows = _records(
        select,
        f"""SELECT ?g ?gLabel ?m WHERE {{ ?g a sv:Grouping ; org:hasMember ?m . ?m a sv:Municipality .
              {label_pattern("?g", lang)} }}""",
    )
    out: dict[str, tuple[str, set[str]]] = {}
    for r in rows:
        out.setdefault(r["g"], (r["gLabel"] or r["g"], set()))[1].add(r["m"])
    return out
