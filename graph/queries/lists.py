"""The workspace's lists read a page at a time: sorted, filtered, counted and paged in SPARQL.

Each list is a ``ListSpec``: a SELECT that yields one row per item (``?item``) with its columns, the
expression each column sorts by, the variables a text search looks in, and its choices (a column whose
values are keys such as ``kulturskola`` or ``2020``). ``read_list_page`` wraps the SELECT in the filters,
``ORDER BY`` (the item's IRI last, so that pages never overlap) and ``LIMIT``/``OFFSET``, and counts the
filtered rows with ``COUNT``; nothing reads the whole list into Python, except ``iter_list_rows``, which
reads it in pages for a download. A sort column or a choice value the list does not know is a
``ParameterError`` naming the known ones; a text that matches nothing is an empty page. Names sort in
Swedish order, Å, Ä, Ö after Z and case ignored, in both page languages (graph.queries.collation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import pyoxigraph as ox

from graph.errors import ParameterError
from graph.namespaces import META_GRAPH, SV
from graph.queries.borders import CROSSING_PATTERN, Crossing
from graph.queries.collation import sparql_order_key, swedish_key
from graph.queries.resource_sparql import ACTOR_CLASSES
from graph.queries.resources import Select
from graph.queries.workspace import Lang, Record

Direction = Literal["asc", "desc"]
SEPARATOR = "\u001f"  # between the names of a multi-valued column (split and sorted by the caller)
KEYS = "|"  # between the keys of a choice column, which a filter looks for as |key|
NEEDLE = "listNeedle"  # the variables the filters are bound to (never text pasted into the query)
WANT = "listWant_"


@dataclass(frozen=True)
class Choice:
    """A column to filter by key: the variable holding its keys ("|a|b|") and a query of the known keys.

    ``known`` is a SELECT of ``?key`` and ``?label`` (the label in the page's language), or ``None`` when
    the keys are fixed (``fixed``).
    """

    keys: str
    known: Callable[[Lang], str] | None = None
    fixed: tuple[str, ...] = ()


class Body(Protocol):
    """A list's SELECT, one row per ``?item``.

    ``head`` opens each group that binds ``?item`` (a VALUES row of the page's items, or nothing);
    ``full=False`` leaves out the costly columns (counts).
    """

    def __call__(self, lang: Lang, labels: Mapping[str, str], head: str, /, *, full: bool = True) -> str: ...


@dataclass(frozen=True)
class ListSpec:
    """One list: its SELECT, sort expressions per column, searched variables, choices, and cheap columns.

    Sorting or choosing by a column of ``cheap`` (and every text search) needs only the SELECT without its
    costly columns: the page is picked on that, and the costly columns are then read for its items alone.
    Sorting or choosing by another column evaluates the whole SELECT for every item.
    """

    body: Body
    sorts: Mapping[str, str]
    default: tuple[str, Direction]
    text: tuple[str, ...]
    choices: Mapping[str, Choice] = field(default_factory=dict)
    cheap: frozenset[str] | None = None  # None: every column is cheap (no second query)
    cheap_given: Mapping[str, frozenset[str]] = field(default_factory=dict)  # cheap with that key given
    items: str | None = None  # a pattern binding each ?item once: the unfiltered count reads only that


@dataclass(frozen=True)
class ListPage:
    """A page of a list: its rows, the filtered count, the page number (1-based) and the number of pages."""

    rows: list[Record]
    count: int
    page: int
    pages: int


def _name(var: str, lang: Lang, out: str) -> str:
    """A pattern binding ``?{out}`` to ``var``'s preferred names in ``lang``, else in another (take the MIN).

    Only ``skos:prefLabel``, which every listed kind has: the four-way path of ``label_pattern`` doubles the
    time of a list of fifty thousand actors.
    """
    first, other = f"?{out}_1", f"?{out}_2"
    return (
        f"OPTIONAL {{ {var} skos:prefLabel {first} FILTER(langMatches(lang({first}), '{lang}')) }} "
        f"OPTIONAL {{ {var} skos:prefLabel {other} FILTER(!langMatches(lang({other}), '{lang}')) }} "
        f"BIND(COALESCE({first}, {other}) AS ?{out})"
    )


def _key(var: str, out: str) -> str:
    """The local name of a concept IRI as a key (``…/domain/kulturskola`` → ``kulturskola``)."""
    return f'BIND(REPLACE(STR({var}), "^.*[/#]", "") AS ?{out})'


def crossing_counts(crossings: Mapping[str, Crossing]) -> dict[str, str]:
    """For each municipality, how many collaborations that cross a border reach it (the one rule).

    The municipalities list takes these as given (``read_crossings`` folds every collaboration's reach, which
    on a million triples takes seconds: the caller keeps it until the next write).

    Example:
        >>> from graph.queries.borders import Reach
        >>> two = frozenset({Reach("m1", "member", "m1"), Reach("m2", "member", "m2")})
        >>> one = frozenset({Reach("m1", "member", "m1")})
        >>> crossing_counts({"c": Crossing("c", two), "d": Crossing("d", one)})
        {'m1': '1', 'm2': '1'}
    """
    counts: dict[str, int] = {}
    for c in crossings.values():
        if c.crosses:
            for m in c.municipalities:
                counts[m] = counts.get(m, 0) + 1
    return {m: str(n) for m, n in sorted(counts.items())}


def read_crossing_counts(select: Select, *, kept: str) -> dict[str, str]:
    """As ``crossing_counts``, from the crossing rule's kept rows (``kept``: the crossings aggregate's).

    Reads the collaborations that reach two or more municipalities without hypotheses, and counts them per
    municipality, in the store: no fold of every collaboration's reach in Python.
    """
    held = f"{kept} FILTER(!?hypothesis)"
    rows = select(
        f"""SELECT ?municipality (COUNT(DISTINCT ?collaboration) AS ?n) WHERE {{
          {{ SELECT ?collaboration WHERE {{ {held} }} GROUP BY ?collaboration
             HAVING (COUNT(DISTINCT ?municipality) >= 2) }}
          {held} }} GROUP BY ?municipality ORDER BY ?municipality""",
        {},
    )
    return {str(_plain(r["municipality"])): str(_plain(r["n"])) for r in rows if r.get("municipality")}


def _municipalities(lang: Lang, crossing: Mapping[str, str], head: str, *, full: bool = True) -> str:
    # ``crossing``: municipality IRI → collaborations crossing a border that reach it (``crossing_counts``).
    rows = " ".join(f"({ox.NamedNode(m)} {int(n)})" for m, n in crossing.items())
    counts = f"""
      OPTIONAL {{ VALUES (?item ?crossing) {{ {rows} }} }}
      OPTIONAL {{ SELECT ?item (COUNT(DISTINCT ?i) AS ?raised) WHERE {{ {head}
                   ?x sv:raisedBy ?item ; sv:issue ?i }}
                 GROUP BY ?item }}
      BIND(COALESCE(?crossing, 0) AS ?crossBorder) BIND(COALESCE(?raised, 0) AS ?issues)"""
    costly = "?crossBorder ?issues" if full else ""
    return f"""SELECT ?item ?code ?name ?population ?populationDate {costly} WHERE {{
      {{ SELECT ?item (MIN(?c0) AS ?code) (MIN(?n0) AS ?name) WHERE {{ {head}
          ?item a sv:Municipality ; sv:municipalityCode ?c0 . {_name("?item", lang, "n0")} }}
        GROUP BY ?item }}
      OPTIONAL {{ {{ SELECT ?item (MAX(?d) AS ?populationDate) WHERE {{ {head}
                     ?item a sv:Municipality ; sv:territory/sv:population/dcterms:date ?d }} GROUP BY ?item }}
                 ?item sv:territory/sv:population ?p .
                 ?p dcterms:date ?populationDate ; sv:count ?population }}
      {counts if full else ""}
    }}"""


_CLASSES = " ".join(f"<{c}>" for c in ACTOR_CLASSES)
CATEGORY_KEYS = tuple(str(c).removeprefix(str(SV)) for c in ACTOR_CLASSES)


def _actors(lang: Lang, category_labels: Mapping[str, str], head: str, *, full: bool = True) -> str:
    # The category is the code (skos:notation) of the actor's org:classification, else its first specific
    # class, as graph.queries.resources picks it; its words come from the caller (graph.views.words), so
    # that the list sorts and searches by what it shows.
    words = " ".join(f"({ox.Literal(k)} {ox.Literal(v)})" for k, v in sorted(category_labels.items()))
    municipality = f"""OPTIONAL {{ {{ ?item sv:basedIn ?mun }}
                     UNION {{ ?item a sv:Municipality BIND(?item AS ?mun) }}
                     {_name("?mun", lang, "m0")} }}"""
    named = "(MIN(?mun) AS ?municipality) (MIN(?m0) AS ?municipalityName)"
    costly = "?municipality ?municipalityName" if full else ""
    return f"""SELECT ?item ?name ?categoryKey ?category {costly} WHERE {{
      {{ SELECT ?item (MIN(?n0) AS ?name) (MIN(?ck) AS ?cls) (MIN(?note) AS ?code) {named if full else ""}
         WHERE {{ {head}
          VALUES ?c {{ {_CLASSES} }} ?item a ?c . BIND(IF(?c = sv:Actor, "~", STR(?c)) AS ?ck)
          OPTIONAL {{ ?item org:classification/skos:notation ?note }}
          {_name("?item", lang, "n0")} {municipality if full else ""}
        }} GROUP BY ?item }}
      BIND(COALESCE(?code, IF(?cls = "~", "Actor", STRAFTER(?cls, "{SV}"))) AS ?categoryKey)
      OPTIONAL {{ VALUES (?categoryKey ?word) {{ {words} }} }}
      BIND(COALESCE(?word, ?categoryKey) AS ?category)
    }}"""


def _known_categories(_: Lang) -> str:
    return f"""SELECT DISTINCT ?key WHERE {{
      {{ ?x org:classification/skos:notation ?key }}
      UNION {{ VALUES ?c {{ {_CLASSES} }} ?x a ?c FILTER NOT EXISTS {{ ?x org:classification ?any }}
              BIND(STRAFTER(STR(?c), "{SV}") AS ?key) }} }}"""


DOMAIN = "org:purpose|sv:domain"  # sv:domain: data written for ontology 0.1


KEPT_CROSSINGS = "kept-crossings"  # what the caller gives a list: a pattern of the crossing rule's kept rows


def _reached(head: str, kept: str | None = None) -> str:
    """Per collaboration (``?item``), how many municipalities it reaches by the one rule, hypotheses apart.

    ``kept``: a pattern of the rule's rows as the crossings aggregate keeps them
    (``graph.aggregates.reading.CROSSINGS_READ``), read in place of the rule (seconds at a million triples).
    """
    values = head.replace("?item", "?collaboration")
    if kept is not None:
        return f"""{{ SELECT (?collaboration AS ?item) (COUNT(DISTINCT ?municipality) AS ?reached) WHERE {{
          {values} {kept} FILTER(!?hypothesis) }} GROUP BY ?collaboration }}"""
    return f"""{{ SELECT (?collaboration AS ?item) (COUNT(DISTINCT ?municipality) AS ?reached) WHERE {{
          {values}
          ?collaboration a sv:Collaboration . {CROSSING_PATTERN} FILTER(!COALESCE(?hypothesis, false))
        }} GROUP BY ?collaboration }}"""


def _collaborations(lang: Lang, given: Mapping[str, str], head: str, *, full: bool = True) -> str:
    # With the crossings aggregate (``given[KEPT_CROSSINGS]``) whether a collaboration crosses a border is
    # cheap (read from the aggregate), so it is in the cheap part too: a filter on it picks the page there.
    kept = given.get(KEPT_CROSSINGS)
    crosses = f"""OPTIONAL {_reached(head, kept)}
      BIND(IF(COALESCE(?reached, 0) > 1, "yes", "no") AS ?crosses)"""
    members = f"""
      OPTIONAL {{ SELECT ?item (COUNT(DISTINCT ?member) AS ?participantCount)
                 (GROUP_CONCAT(DISTINCT ?memberName; separator="{SEPARATOR}") AS ?participants) WHERE {{
          {head} ?item a sv:Collaboration ; org:hasMember ?member . {_name("?member", lang, "memberName")} }}
        GROUP BY ?item }}"""
    columns = "?participantCount ?participants ?crosses" if full else ("?crosses" if kept else "")
    return f"""SELECT ?item ?name ?domains ?domainKeys ?start ?end {columns} WHERE {{
      {{ SELECT ?item (MIN(?n0) AS ?name)
               (GROUP_CONCAT(DISTINCT ?domainName; separator="{SEPARATOR}") AS ?domains)
               (GROUP_CONCAT(DISTINCT ?domainKey; separator="{KEYS}") AS ?domainKeys)
               (MIN(STR(?s)) AS ?start) (MIN(STR(?e)) AS ?end) WHERE {{ {head}
          ?item a sv:Collaboration . {_name("?item", lang, "n0")}
          OPTIONAL {{ ?item {DOMAIN} ?domain .
                     {_name("?domain", lang, "domainName")} {_key("?domain", "domainKey")} }}
          OPTIONAL {{ ?item schema:startDate ?s }} OPTIONAL {{ ?item schema:endDate ?e }}
        }} GROUP BY ?item }}
      {members if full else ""}
      {crosses if full or kept else ""}
    }}"""


def _known_domains(lang: Lang) -> str:
    return f"""SELECT DISTINCT ?key ?label WHERE {{
      {{ SELECT DISTINCT ?d WHERE {{ ?c a sv:Collaboration ; {DOMAIN} ?d }} }}
      {_key("?d", "key")} {_name("?d", lang, "label")} }}"""


def _issues(lang: Lang, _: Mapping[str, str], head: str, *, full: bool = True) -> str:
    mentions = f"""
      OPTIONAL {{ SELECT ?item (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {head} ?x sv:issue ?item . }}
                 GROUP BY ?item }}
      OPTIONAL {{ SELECT ?item (GROUP_CONCAT(?told; separator="{SEPARATOR}") AS ?stances) WHERE {{
          {{ SELECT ?item ?stance (COUNT(DISTINCT ?x) AS ?k) WHERE {{
              {head} ?x sv:issue ?item ; sv:stance ?stance }}
            GROUP BY ?item ?stance }}
          {{ SELECT ?stance (MIN(?s0) AS ?stanceName) WHERE {{
              {{ SELECT DISTINCT ?stance WHERE {{ ?x sv:stance ?stance }} }} {_name("?stance", lang, "s0")} }}
            GROUP BY ?stance }}
          BIND(CONCAT(COALESCE(?stanceName, STR(?stance)), ": ", STR(?k)) AS ?told)
        }} GROUP BY ?item }}
      BIND(COALESCE(?n, 0) AS ?mentions)"""
    costly = "?mentions ?stances" if full else ""
    return f"""SELECT ?item ?name ?areas ?areaKeys ?years ?latest {costly} WHERE {{
      {{ SELECT ?item (MIN(?n0) AS ?name)
                (GROUP_CONCAT(DISTINCT ?areaName; separator="{SEPARATOR}") AS ?areas)
                (GROUP_CONCAT(DISTINCT ?areaKey; separator="{KEYS}") AS ?areaKeys) WHERE {{ {head}
          ?item skos:inScheme concept:issues . {_name("?item", lang, "n0")}
          OPTIONAL {{ ?item sv:strategyArea ?area .
                     {_name("?area", lang, "areaName")} {_key("?area", "areaKey")} }}
        }} GROUP BY ?item }}
      OPTIONAL {{ SELECT ?item (GROUP_CONCAT(DISTINCT ?year; separator="{KEYS}") AS ?years)
                        (MAX(?year) AS ?latest)
         WHERE {{ {head} {{ SELECT DISTINCT ?r ?year WHERE {{ ?r a sv:DialogueRound ; sv:year ?y
                                                        BIND(SUBSTR(STR(?y), 1, 4) AS ?year) }} }}
                  ?x sv:inRound|sv:atMeeting/sv:inRound ?r ; sv:issue ?item . }} GROUP BY ?item }}
      {mentions if full else ""}
    }}"""


def _known_areas(lang: Lang) -> str:
    return f"""SELECT DISTINCT ?key ?label WHERE {{ {{ SELECT DISTINCT ?a WHERE {{ ?i sv:strategyArea ?a }} }}
      {_key("?a", "key")} {_name("?a", lang, "label")} }}"""


def _known_years(_: Lang) -> str:
    return """SELECT DISTINCT ?key WHERE {
      ?r a sv:DialogueRound ; sv:year ?y BIND(SUBSTR(STR(?y), 1, 4) AS ?key) }"""


def _rounds(lang: Lang, _: Mapping[str, str], head: str, *, full: bool = True) -> str:
    return f"""SELECT ?item ?round ?roundName ?year ?meeting ?meetingName ?date ?hostName
               (COALESCE(?n, 0) AS ?participants) WHERE {{
      {{ SELECT ?round (MIN(?r0) AS ?roundName) (MIN(SUBSTR(STR(?y), 1, 4)) AS ?year) WHERE {{
          ?round a sv:DialogueRound . OPTIONAL {{ ?round sv:year ?y }} {_name("?round", lang, "r0")} }}
        GROUP BY ?round }}
      OPTIONAL {{ SELECT ?round ?meeting (MIN(?mt0) AS ?meetingName) (MIN(STR(?d)) AS ?date)
                        (MIN(?h0) AS ?hostName) (COUNT(DISTINCT ?p) AS ?n) WHERE {{
          ?meeting sv:inRound ?round ; a sv:DialogueMeeting . {_name("?meeting", lang, "mt0")}
          OPTIONAL {{ ?meeting schema:startDate ?d }}
          OPTIONAL {{ ?meeting sv:host ?host . {_name("?host", lang, "h0")} }}
          OPTIONAL {{ ?meeting sv:participant ?p }}
        }} GROUP BY ?round ?meeting }}
      BIND(COALESCE(?meeting, ?round) AS ?item)
    }}"""


def _sources(_: Lang, __: Mapping[str, str], head: str, *, full: bool = True) -> str:
    counted = f"""OPTIONAL {{ SELECT ?item (COUNT(*) AS ?n) WHERE {{ {head}
          GRAPH <{META_GRAPH}> {{ ?g prov:wasDerivedFrom ?item }} GRAPH ?g {{ ?a ?b ?c }} }} GROUP BY ?item }}
      BIND(COALESCE(?n, 0) AS ?statements)"""
    return f"""SELECT ?item ?title ?publisher ?date ?url {"?statements" if full else ""} WHERE {{
      {{ SELECT ?item (MIN(STR(?t)) AS ?title) (MIN(STR(?pu)) AS ?publisher) (MIN(STR(?d)) AS ?date)
                (MIN(STR(?u)) AS ?url) WHERE {{ {head}
          ?item a sv:Source . OPTIONAL {{ ?item dcterms:title ?t }} OPTIONAL {{ ?item dcterms:publisher ?pu }}
          OPTIONAL {{ ?item dcterms:issued|dcterms:date ?d }} OPTIONAL {{ ?item schema:url ?u }}
        }} GROUP BY ?item }}
      {counted if full else ""}
    }}"""


def any_municipality_raised(select: Select) -> bool:
    """Whether any issue mention names a municipality as the one that raised it."""
    rows = select("SELECT ?x WHERE { ?x sv:raisedBy ?m . ?m a sv:Municipality } LIMIT 1", {})
    return bool(rows)


def _by_name(var: str) -> str:
    """Sort by a name in Swedish alphabetical order (Å, Ä, Ö after Z; case ignored), in either language."""
    return sparql_order_key(var)


LISTS: dict[str, ListSpec] = {
    "municipalities": ListSpec(
        _municipalities,
        {
            "code": "?code",
            "name": _by_name("?name"),
            "population": "?population",
            "population_date": "?populationDate",
            "cross_border": "?crossBorder",
            "issues": "?issues",
        },
        ("code", "asc"),
        ("?code", "?name"),
        cheap=frozenset({"code", "name", "population", "population_date"}),
        items="?item a sv:Municipality ; sv:municipalityCode ?code .",
    ),
    "actors": ListSpec(
        _actors,
        {
            "name": _by_name("?name"),
            "category": _by_name("?category"),
            "municipality": _by_name("?municipalityName"),
        },
        ("name", "asc"),
        ("?name", "?category"),
        {"category": Choice("?categoryKey", _known_categories)},
        cheap=frozenset({"name", "category"}),
        items=f"VALUES ?c {{ {_CLASSES} }} ?item a ?c .",
    ),
    "collaborations": ListSpec(
        _collaborations,
        {
            "name": _by_name("?name"),
            "domain": _by_name("?domains"),
            "period": "?start",
            "participants": "?participantCount",
            "crosses": "?crosses",
        },
        ("name", "asc"),
        ("?name", "?domains"),
        {"domain": Choice("?domainKeys", _known_domains), "crosses": Choice("?crosses", fixed=("yes", "no"))},
        cheap=frozenset({"name", "domain", "period"}),
        cheap_given={KEPT_CROSSINGS: frozenset({"crosses"})},
        items="?item a sv:Collaboration .",
    ),
    "issues": ListSpec(
        _issues,
        {
            "name": _by_name("?name"),
            "area": _by_name("?areas"),
            "rounds": "?latest",
            "mentions": "?mentions",
            "stances": _by_name("?stances"),
        },
        ("name", "asc"),
        ("?name", "?areas"),
        {"area": Choice("?areaKeys", _known_areas), "rounds": Choice("?years", _known_years)},
        cheap=frozenset({"name", "area", "rounds"}),
        items="?item skos:inScheme concept:issues .",
    ),
    "rounds": ListSpec(
        _rounds,
        {
            "round": "?year",
            "report": "?year",
            "meeting": _by_name("?meetingName"),
            "date": "?date",
            "host": _by_name("?hostName"),
            "participants": "?participants",
        },
        ("round", "desc"),
        ("?roundName", "?meetingName", "?hostName", "?date"),
        {"year": Choice("?year", _known_years)},
    ),
    "sources": ListSpec(
        _sources,
        {
            "title": _by_name("?title"),
            "publisher": _by_name("?publisher"),
            "date": "?date",
            "url": "?url",
            "statements": "?statements",
        },
        ("date", "desc"),
        ("?title", "?publisher", "?date"),
        cheap=frozenset({"title", "publisher", "date", "url"}),
        items="?item a sv:Source .",
    ),
}


def _plain(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value.endswith(
        ("#integer", "#int", "#long", "#decimal")
    ):
        try:
            return int(term.value)
        except ValueError:
            return term.value
    return term.value


def check_sort(spec: ListSpec, sort: str | None, direction: Direction | None) -> tuple[str, Direction]:
    """The sort column and direction to use: the list's default when none is asked for.

    Raises:
        ParameterError: ``sort`` is not a column of the list (the message names the columns).
    """
    if sort is None or sort == "":
        column, default = spec.default
        return column, direction or default
    if sort not in spec.sorts:
        msg = f"sort={sort!r}: this list sorts by {', '.join(spec.sorts)}"
        raise ParameterError(msg)
    return sort, direction or "asc"


def read_choices(select: Select, spec: ListSpec, lang: Lang) -> dict[str, list[tuple[str, str]]]:
    """The keys each choice of the list can take in the store, with their labels (a key is its own label)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for name, choice in spec.choices.items():
        if choice.known is None:
            out[name] = [(k, k) for k in choice.fixed]
            continue
        rows = select(choice.known(lang), {})
        found = {_plain(r["key"]): _plain(r.get("label")) for r in rows if r.get("key") is not None}
        out[name] = sorted(
            ((str(k), str(v or k)) for k, v in found.items()), key=lambda kv: swedish_key(kv[1])
        )
    return out


def check_choices(
    spec: ListSpec, wanted: Mapping[str, str], known: Mapping[str, list[tuple[str, str]]]
) -> dict[str, str]:
    """Keep the choices asked for (empty ones mean "all").

    Raises:
        ParameterError: a value is none of the keys the choice has in the store (the message names them).
    """
    out = {}
    for name, value in wanted.items():
        if not value:
            continue
        keys = [k for k, _ in known.get(name, [])]
        if value not in keys:
            listed = ", ".join(keys[:30]) + (" …" if len(keys) > 30 else "")
            msg = f"{name}={value!r} is not known here; it can be one of: {listed or 'nothing yet'}"
            raise ParameterError(msg)
        out[name] = value
    return out


def _full(
    spec: ListSpec, sort: str | None, choices: Mapping[str, str], given: Mapping[str, str] | None = None
) -> bool:
    if spec.cheap is None:
        return True
    cheap = spec.cheap.union(*(c for k, c in spec.cheap_given.items() if given and k in given))
    return (sort is not None and sort not in cheap) or any(c not in cheap for c in choices)


def _filtered(
    spec: ListSpec,
    lang: Lang,
    labels: Mapping[str, str],
    text: str,
    choices: Mapping[str, str],
    *,
    full: bool,
    sort: str | None = None,
) -> str:
    if not full:  # a column made cheap by what the caller gives is read only when sorted or chosen by
        used = {sort, *choices}
        labels = {
            k: v
            for k, v in labels.items()
            if k not in spec.cheap_given or not spec.cheap_given[k].isdisjoint(used)
        }
    filters = []
    if text:
        joined = ', " ", '.join(f"COALESCE(STR({v}), '')" for v in spec.text)
        filters.append(f"FILTER(CONTAINS(LCASE(CONCAT({joined}, '')), ?{NEEDLE}))")
    for name in choices:
        keys = spec.choices[name].keys
        wanted = f'CONCAT("{KEYS}", ?{WANT}{name}, "{KEYS}")'
        filters.append(f'FILTER(CONTAINS(CONCAT("{KEYS}", STR({keys}), "{KEYS}"), {wanted}))')
    return f"{{ {spec.body(lang, labels, '', full=full)} }}\n{' '.join(filters)}"


def _bindings(text: str, choices: Mapping[str, str]) -> dict[str, ox.Literal]:
    subs = {f"{WANT}{name}": ox.Literal(value) for name, value in choices.items()}
    if text:
        subs[NEEDLE] = ox.Literal(text.lower())
    return subs


def _records(rows: list[dict[str, Any]]) -> list[Record]:
    return [{k: _plain(v) for k, v in r.items()} for r in rows]


def count_list(
    select: Select,
    spec: ListSpec,
    lang: Lang,
    *,
    text: str = "",
    choices: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> int:
    """How many rows of the list pass the filters (``text`` in any searched column, ``choices`` by key)."""
    chosen = dict(choices or {})
    if spec.items is not None and not chosen and not text.strip():
        rows = select(f"SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE {{ {spec.items} }}", {})
        return int(_plain(rows[0]["n"])) if rows else 0
    full = _full(spec, None, chosen, labels)
    where = _filtered(spec, lang, labels or {}, text.strip(), chosen, full=full)
    rows = select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", _bindings(text.strip(), chosen))
    return int(_plain(rows[0]["n"])) if rows else 0


def read_rows(
    select: Select,
    spec: ListSpec,
    lang: Lang,
    *,
    sort: str,
    direction: Direction,
    limit: int,
    offset: int,
    text: str = "",
    choices: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> list[Record]:
    """One slice of the filtered list in order (``sort`` a checked column; the item's IRI breaks ties).

    When the sort and the choices need only cheap columns, the slice is picked on those and the costly
    columns are read for its items alone, in a second query.
    """
    chosen = dict(choices or {})
    full = _full(spec, sort, chosen, labels)
    where = _filtered(spec, lang, labels or {}, text.strip(), chosen, full=full, sort=sort)
    order = f"{direction.upper()}({spec.sorts[sort]})"
    query = f"SELECT * WHERE {{ {where} }} ORDER BY {order} ?item LIMIT {int(limit)} OFFSET {int(offset)}"
    rows = _records(select(query, _bindings(text.strip(), chosen)))
    if full or not rows:
        return rows
    items = " ".join(str(ox.NamedNode(r["item"])) for r in rows)  # IRIs read from the store just now
    details = _records(select(spec.body(lang, labels or {}, f"VALUES ?item {{ {items} }}", full=True), {}))
    by_item = {d["item"]: d for d in details}
    return [{**r, **by_item.get(r["item"], {})} for r in rows]


def read_list_page(
    select: Select,
    spec: ListSpec,
    lang: Lang,
    *,
    sort: str,
    direction: Direction,
    page: int,
    size: int,
    text: str = "",
    choices: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    count: int | None = None,
) -> ListPage:
    """Page ``page`` (past the last: the last) of the filtered, sorted list, with the count and pages.

    ``count`` is the filtered count when the caller already knows it (``count_list``), saving a query.
    """
    if count is None:
        count = count_list(select, spec, lang, text=text, choices=choices, labels=labels)
    total = count
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    rows = read_rows(
        select,
        spec,
        lang,
        sort=sort,
        direction=direction,
        limit=size,
        offset=(page - 1) * size,
        text=text,
        choices=choices,
        labels=labels,
    )
    return ListPage(rows, total, page, pages)


def iter_list_rows(
    select: Select,
    spec: ListSpec,
    lang: Lang,
    *,
    sort: str,
    direction: Direction,
    text: str = "",
    choices: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    chunk: int = 2000,
) -> Iterator[Record]:
    """Every row of the filtered, sorted list, read ``chunk`` rows per query (for a streamed download)."""
    offset = 0
    while True:
        rows = read_rows(
            select,
            spec,
            lang,
            sort=sort,
            direction=direction,
            limit=chunk,
            offset=offset,
            text=text,
            choices=choices,
            labels=labels,
        )
        yield from rows
        if len(rows) < chunk:
            return
        offset += chunk


__all__ = [
    "CATEGORY_KEYS",
    "KEPT_CROSSINGS",
    "KEYS",
    "LISTS",
    "SEPARATOR",
    "Choice",
    "Direction",
    "ListPage",
    "ListSpec",
    "any_municipality_raised",
    "check_choices",
    "check_sort",
    "count_list",
    "crossing_counts",
    "iter_list_rows",
    "read_choices",
    "read_crossing_counts",
    "read_list_page",
    "read_rows",
]
