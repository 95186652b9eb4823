"""What the strategists' workspace shows: counts, list rows and profile facts, read with SPARQL.

Every reader takes a ``Select`` (graph.queries.resources) and a language for labels (``sv`` or ``en``, the
other as a fall-back). Rows are plain dicts of strings and numbers, IRIs included so the caller can link them.
Each fact that comes from a source names the graph it sits in (``graph``): the caller turns graphs into
sources with ``read_graph_sources`` and marks inferred ones (``graph:inferred/…``) as assumed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import pyoxigraph as ox

from graph.namespaces import GRAPH, META_GRAPH
from graph.queries.borders import Crossing, read_crossings
from graph.queries.collation import swedish_key
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
    # The category is the actor's org:classification; without one (a municipality, 0.1 data), its most
    # specific class under sv:Actor. ?code is what the lists filter by: the concept's skos:notation, or the
    # class's local name. Most specific by subtraction (instances of a class less those also typed with a
    # narrower one): a NOT EXISTS over a property path per actor took 9 s at a million triples, this 3 s.
    categories = _records(
        select,
        # Counted first, labelled after: the label pattern per actor cost seconds at a million triples.
        f"""SELECT ?category ?categoryLabel (SAMPLE(?c0) AS ?code) (SAMPLE(?count) AS ?n) WHERE {{
              {{ SELECT ?category (COUNT(DISTINCT ?a) AS ?count) WHERE {{ ?a org:classification ?category }}
                GROUP BY ?category }}
              OPTIONAL {{ ?category skos:notation ?c0 }} {label_pattern("?category", lang)} }}
            GROUP BY ?category ?categoryLabel""",
    )
    unclassified = "FILTER NOT EXISTS { ?a org:classification ?any }"
    typed = {
        r["category"]: int(r["n"])
        for r in _records(
            select,
            f"""SELECT ?category (COUNT(DISTINCT ?a) AS ?n) WHERE {{
                  ?category rdfs:subClassOf* sv:Actor . ?a a ?category {unclassified} }}
                GROUP BY ?category""",
        )
    }
    held = " ".join(f"<{c}>" for c in typed)
    narrower = (
        {
            r["category"]: int(r["n"])
            for r in _records(
                select,
                f"""SELECT ?category (COUNT(DISTINCT ?a) AS ?n) WHERE {{ VALUES ?category {{ {held} }}
                  ?a a ?category {unclassified} ?a a ?narrower . ?narrower rdfs:subClassOf+ ?category .
                  FILTER(?narrower != ?category) }}
                GROUP BY ?category""",
            )
        }
        if typed
        else {}
    )
    classes = {c: n - narrower.get(c, 0) for c, n in typed.items() if n > narrower.get(c, 0)}
    if classes:
        values = " ".join(f"<{c}>" for c in classes)
        for r in _records(
            select,
            f"""SELECT ?category ?categoryLabel WHERE {{ VALUES ?category {{ {values} }}
                  {label_pattern("?category", lang)} }}""",
        ):
            code = r["category"].rsplit("#", 1)[-1]
            categories.append({**r, "code": code, "n": classes[r["category"]]})
    categories.sort(key=lambda c: -int(c["n"]))
    return {**one, "categories": categories, "actors": sum(int(c["n"]) for c in categories)}


def read_municipality_rows(select: Select, lang: Lang) -> list[Record]:
    """Every municipality: code, name, latest population and its date, cross-border collaborations, issues."""
    rows = _records(
        select,
        f"""SELECT ?m ?code ?mLabel ?population ?populationDate (COUNT(DISTINCT ?issue) AS ?issues) WHERE {{
          ?m a sv:Municipality ; sv:municipalityCode ?code . {label_pattern("?m", lang)}
          OPTIONAL {{ ?m sv:territory/sv:population ?p .
                     ?p sv:count ?population ; dcterms:date ?populationDate
                     FILTER NOT EXISTS {{ ?m sv:territory/sv:population/dcterms:date ?later
                                         FILTER(?later > ?populationDate) }} }}
          OPTIONAL {{ ?x sv:raisedBy ?m ; sv:issue ?issue }}
        }} GROUP BY ?m ?code ?mLabel ?population ?populationDate ORDER BY ?code""",
    )
    # Collaborations that reach the municipality and cross a border, by the one rule (hypotheses apart).
    crossing = [c.municipalities for c in read_crossings(select).values() if c.crosses]
    for r in rows:
        r["crossBorder"] = sum(1 for reached in crossing if r["m"] in reached)
    return rows


def read_issue_rows(select: Select, lang: Lang, *, only: str | None = None) -> list[Record]:
    """Every issue (or ``only`` that one): name, strategy areas, rounds raised in, and mentions by stance."""
    one = f"VALUES ?i {{ {ox.NamedNode(only)} }}" if only else ""  # a profile: not every issue's mentions
    rows = _records(
        select,
        f"""SELECT ?i ?iLabel ?area ?areaLabel ?x ?year ?stance ?stanceLabel WHERE {{ {one}
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


def unnamed_label(label: str, lang: Lang) -> str:
    """Say of a speaker that is an unnamed part of a group that its members are not named.

    Example:
        >>> unnamed_label("Flera av länets kommuner", "sv")
        'Flera av länets kommuner (ej namngivna)'
        >>> unnamed_label("Flera aktörer (dialogerna 2021)", "en")
        'Flera aktörer (dialogerna 2021; not named)'
        >>> unnamed_label("Flera av länets kommuner (ej namngivna)", "sv")
        'Flera av länets kommuner (ej namngivna)'
    """
    word = "ej namngivna" if lang == "sv" else "not named"
    if "namngiv" in label or "not named" in label:
        return label
    return f"{label[:-1]}; {word})" if label.endswith(")") else f"{label} ({word})"


MENTION_COLUMNS = (
    "?x ?i ?iLabel ?who ?whoLabel ?whoSubsetOf ?stance ?stanceLabel ?quote ?mt ?mtLabel ?r ?rLabel ?year ?g"
)


def mention_pattern(lang: Lang) -> str:
    """What a mention ``?x`` shows (``MENTION_COLUMNS``): issue, speaker, stance, quote, meeting and round."""
    return f"""GRAPH ?g {{ ?x a sv:IssueMention }} ?x sv:issue ?i . {label_pattern("?i", lang)}
          OPTIONAL {{ ?x sv:raisedBy ?who . {label_pattern("?who", lang)}
                     OPTIONAL {{ ?who sv:subsetOf ?whoSubsetOf }} }}
          OPTIONAL {{ ?x sv:stance ?stance . {label_pattern("?stance", lang)} }}
          OPTIONAL {{ ?x sv:quote ?quote }}
          OPTIONAL {{ ?x sv:atMeeting ?mt . {label_pattern("?mt", lang)} }}
          OPTIONAL {{ ?x sv:inRound|sv:atMeeting/sv:inRound ?r . {label_pattern("?r", lang)}
                     OPTIONAL {{ ?r sv:year ?year }} }}"""


def read_mentions(select: Select, lang: Lang, *, var: str, iri: str) -> list[Record]:
    """Issue mentions bound by one variable: ``who`` (raised by), ``i`` (issue), ``r`` (round) or ``mt``.

    A speaker that is an unnamed part of a group (``sv:subsetOf``) has ``whoSubsetOf``, and a label saying so.
    """
    rows = _records(
        select,
        f"""SELECT {MENTION_COLUMNS} WHERE {{ {MENTION_BY[var]} {mention_pattern(lang)}
        }} ORDER BY DESC(?year) ?iLabel""",
        {var: _iri(iri)},
    )
    for r in rows:
        if r.get("whoSubsetOf") and r.get("whoLabel"):
            r["whoLabel"] = unnamed_label(str(r["whoLabel"]), lang)
    return rows


def read_collaborations_of(
    select: Select,
    lang: Lang,
    actors: Iterable[str],
    *,
    crossings: Mapping[str, Crossing] | None = None,
    crossings_of: Callable[[list[str]], Mapping[str, Crossing]] | None = None,
) -> list[Record]:
    """Collaborations any of ``actors`` take part in, or whose stated scope reaches one (a municipality).

    Each with domain, kind, years, partners with municipalities, and whether it crosses a border.
    ``crossings`` (``read_crossings``) saves reading every collaboration's reach again where the caller
    keeps it; ``crossings_of`` reads the reach of the collaborations found alone (a profile at a million
    triples: ``graph.queries.profile.read_crossings_of``), the scope then found by SPARQL.
    """
    wanted = set(actors)
    values = " ".join(f"<{a}>" for a in sorted(wanted))
    if not values:
        return []
    mine = f"{{ VALUES ?mine {{ {values} }} ?c org:hasMember ?mine }}"
    if crossings_of is not None:  # the rule's scope branches, from the actors (the municipalities) up
        mine += (
            f" UNION {{ VALUES ?mine {{ {values} }} ?c dcterms:spatial ?mine . ?mine a sv:Municipality }}"
            f" UNION {{ VALUES ?mine {{ {values} }} ?mine sv:territory ?t ."
            " ?t schema:containedInPlace ?scope . ?scope a sv:County . ?c dcterms:spatial ?scope }"
        )
        rows = _collaboration_rows(select, lang, mine)
        return group_collaborations(rows, crossings_of(sorted({r["c"] for r in rows})))
    if crossings is None:
        crossings = read_crossings(select)
    scoped = sorted(
        c
        for c, x in crossings.items()
        if any(r.reason == "scope" and r.municipality in wanted for r in x.reaches)
    )
    if scoped:
        mine += f" UNION {{ VALUES ?c {{ {' '.join(f'<{c}>' for c in scoped)} }} }}"
    return _read_collaborations(select, lang, mine, crossings)


def _read_collaborations(
    select: Select, lang: Lang, choice: str | None, crossings: Mapping[str, Crossing] | None = None
) -> list[Record]:
    """The collaborations ``choice`` (a pattern binding ``?c``; None: all) picks, grouped."""
    rows = _collaboration_rows(select, lang, choice)
    return group_collaborations(rows, read_crossings(select) if crossings is None else crossings)


def _collaboration_rows(select: Select, lang: Lang, choice: str | None) -> list[Record]:
    """One row per (collaboration ``choice`` picks, member): labels, domain, kind, dates, municipality, graph.

    ``choice`` is a pattern binding ``?c`` (None: every collaboration). The collaborations are picked first
    and described by VALUES: joined to ``GRAPH ?g { ?c a sv:Collaboration }`` or to the labels in one query,
    Oxigraph read every collaboration of the store first (seconds at a million triples, for five).
    """
    if choice is None:
        picked = "?c a sv:Collaboration ."
    else:
        known = "FILTER EXISTS { ?c a sv:Collaboration }"
        rows = select(f"SELECT DISTINCT ?c WHERE {{ {choice} {known} }}", {})
        if not rows:
            return []
        picked = f"VALUES ?c {{ {' '.join(str(r['c']) for r in rows)} }}"  # IRIs read from the store
    return _records(
        select,
        f"""SELECT ?c ?cLabel ?domainLabel ?kindLabel ?start ?end ?actor ?actorLabel ?municipality ?g WHERE {{
          {picked} GRAPH ?g {{ ?c a sv:Collaboration }} {label_pattern("?c", lang)}
          OPTIONAL {{ ?c org:purpose ?domain . {label_pattern("?domain", lang)} }}
          OPTIONAL {{ ?c sv:agreementKind ?kind . {label_pattern("?kind", lang)} }}
          OPTIONAL {{ ?c schema:startDate ?start }} OPTIONAL {{ ?c schema:endDate ?end }}
          ?c org:hasMember ?actor . {label_pattern("?actor", lang)}
          OPTIONAL {{ {MUNICIPALITY_OF} }}
        }}""",
    )


def group_collaborations(rows: list[Record], crossings: Mapping[str, Crossing]) -> list[Record]:
    """Fold rows of (collaboration, member) into one record per collaboration, with its border crossing.

    ``crossings`` is what ``graph.queries.borders.read_crossings`` reads: the one rule decides
    ``crosses_border``; ``reached`` lists the municipalities it reaches and ``county_wide`` its county scopes.
    """
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
        crossing = crossings.get(c["iri"]) or Crossing(c["iri"])
        c["crosses_border"] = crossing.crosses
        c["reached"] = sorted(crossing.municipalities)
        c["county_wide"] = sorted(crossing.scopes)
        out.append(c)
    out.sort(key=lambda c: (swedish_key(str(c["label"] or c["iri"])), c["iri"]))
    return out


def read_collaboration(
    select: Select, lang: Lang, iri: str, *, crossings: Mapping[str, Crossing] | None = None
) -> Record | None:
    """One collaboration, as ``read_collaborations_of`` describes them, or None if there is none."""
    found = _read_collaborations(select, lang, f"VALUES ?c {{ {ox.NamedNode(iri)} }}", crossings)
    return found[0] if found else None


def read_all_collaborations(select: Select, lang: Lang) -> list[Record]:
    """Every collaboration, as ``read_collaborations_of`` describes them."""
    return _read_collaborations(select, lang, None)


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
        "related": {
            k: sorted(v.values(), key=lambda x: swedish_key(str(x["label"] or x["iri"])))
            for k, v in by.items()
        },
    }


def read_facts(select: Select, lang: Lang, iri: str) -> list[Record]:
    """Every statement about ``iri`` with labels of predicate and object, and its graph."""
    return _records(
        select,
        # The object's label pattern joins on ?o directly (a literal has none): nested in an OPTIONAL with a
        # FILTER on ?o, it was evaluated for every labelled resource first (most of a profile's time).
        f"""SELECT ?p ?pLabel ?o ?oLabel ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
              {label_pattern("?p", lang)} {label_pattern("?o", lang)} }}
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


def read_category(select: Select, lang: Lang, iri: str) -> str | None:
    """The name of an actor's category: its org:classification, or the concept replacing its 0.1 class."""
    rows = _records(
        select,
        f"""SELECT ?c ?cLabel WHERE {{
          {{ ?s org:classification ?c }} UNION {{ ?s a ?old . ?old dcterms:isReplacedBy ?c .
                                                  ?c skos:inScheme concept:actor-categories }}
          {label_pattern("?c", lang)} }} ORDER BY ?c LIMIT 1""",
        {"s": _iri(iri)},
    )
    return str(rows[0]["cLabel"] or rows[0]["c"]) if rows else None


def read_types(select: Select, iri: str) -> list[str]:
    """The classes of ``iri``."""
    return [r["t"] for r in _records(select, "SELECT DISTINCT ?t WHERE { ?s a ?t }", {"s": _iri(iri)})]


def read_round_rows(select: Select, lang: Lang, *, only: str | None = None) -> list[Record]:
    """Every dialogue round (or ``only`` that one), newest first: year, label, organiser, meetings."""
    one = f"VALUES ?r {{ {ox.NamedNode(only)} }}" if only else ""  # a profile: not every round's mentions
    rows = _records(
        select,
        # Meetings and mentions counted apart (counted together they multiply: over ten minutes at a
        # million triples), each over its own statements grouped by round, then joined to the rounds.
        # Counted per round inside an OPTIONAL ({ ?r a sv:DialogueRound . OPTIONAL { ?x … ?r } }), the
        # mentions were matched again for every round: 61 s for 153 rounds and 25 000 mentions; this 0.8 s.
        f"""SELECT ?r ?year ?rLabel ?orgLabel (SAMPLE(?nm) AS ?meetings) (SAMPLE(?nx) AS ?mentions)
                   (SAMPLE(?cc) AS ?constellations) WHERE {{
          {one} ?r a sv:DialogueRound .
          OPTIONAL {{ SELECT ?r (COUNT(DISTINCT ?mt) AS ?nm) WHERE {{ {one}
              ?mt sv:inRound ?r ; a sv:DialogueMeeting }} GROUP BY ?r }}
          OPTIONAL {{ SELECT ?r (COUNT(DISTINCT ?x) AS ?nx) WHERE {{ {one}
              ?x sv:inRound|sv:atMeeting/sv:inRound ?r ; a sv:IssueMention }} GROUP BY ?r }}
          OPTIONAL {{ ?r sv:year ?year }} {label_pattern("?r", lang)}
          OPTIONAL {{ ?r sv:organisedBy ?org . {label_pattern("?org", lang)} }}
          OPTIONAL {{ ?r sv:constellationCount ?cc }}
        }} GROUP BY ?r ?year ?rLabel ?orgLabel ORDER BY DESC(?year) ?rLabel""",
    )
    # A round without meetings or mentions has no count to join: zero. (Not COALESCE in the query:
    # Virtuoso 7.2 fails to compile it over these subqueries, "Bad dfe in sqlo_place_exp".)
    return [{**r, "meetings": r["meetings"] or 0, "mentions": r["mentions"] or 0} for r in rows]


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


__all__ = [
    "INFERRED_PREFIX",
    "MENTION_COLUMNS",
    "Lang",
    "Record",
    "group_collaborations",
    "label_pattern",
    "mention_pattern",
    "read_all_collaborations",
    "read_category",
    "read_collaboration",
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
    "unnamed_label",
]
