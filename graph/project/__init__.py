"""Projections of the knowledge graph into networkx graphs: actors, municipalities and issues.

Every projection reads the store with a handful of SELECT queries that return flat rows (never one
query per edge), keeps plain Python records, and builds the networkx graph in bulk. Node ids are IRI
strings; nodes and edges keep their labels, weights and the source graphs they came from.

Readings the projections rely on (all from docs/design.md):

- a collaboration's participants are its ``org:hasMember``; it crosses a municipal border when two of
  its participants belong to different municipalities (a municipality is its own; other actors via
  ``sv:basedIn``);
- a collaboration is active in year Y when ``schema:startDate`` <= Y <= ``schema:endDate`` (an open end runs
  on) or when it is ``sv:observedIn`` Y; an undated collaboration is active in no particular year, so a year
  or round filter leaves it out;
- a mention belongs to the round it is ``sv:inRound``, or to the round of its ``sv:atMeeting``;
- two issues are co-mentioned when they are raised in the same context: the same meeting, or else the same
  actor in the same round.
"""

from __future__ import annotations

import functools
import gc
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Literal, ParamSpec

import networkx as nx
import pyoxigraph as ox

from graph.namespaces import CONCEPT, GRAPH, META_GRAPH, SV
from graph.store.embedded import GraphStore

# Classes whose instances are actors (sv:Actor and its subclasses in the ontology); the first match wins
# when a resource has several types, so the list runs from specific to general.
ACTOR_CLASSES: tuple[str, ...] = tuple(
    str(c)
    for c in (
        SV.Municipality,
        SV.CultureSchool,
        SV.SportsFacility,
        SV.Centrumbildning,
        SV.StudyAssociationDistrict,
        SV.StudyAssociation,
        SV.FolkHighSchool,
        SV.Association,
        SV.ProfessionalOrganisation,
        SV.InterestOrganisation,
        SV.UmbrellaOrganisation,
        SV.CivilSocietyAlliance,
        SV.RegionalCultureFunction,
        SV.Committee,
        SV.Administration,
        SV.Region,
        SV.Network,
        SV.Grouping,
        SV.Actor,
    )
)
# Groupings are actors, but as collections of members they are nodes only where they take part themselves.
_COLLECTIVE = {str(SV.Grouping)}
SV_NS = str(SV.Actor)[: -len("Actor")]
DOMAIN_NS = str(CONCEPT["domain/"])
# Predicate IRIs compared in the hot loops, as plain strings (rdflib namespace lookups are slow there).
_P_BASEDIN, _P_MUNICIPALITYCODE, _P_TERRITORY = str(SV.basedIn), str(SV.municipalityCode), str(SV.territory)
_P_DOMAIN, _P_OBSERVEDIN, _P_STRATEGYAREA = str(SV.domain), str(SV.observedIn), str(SV.strategyArea)
_POINT = re.compile(r"POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)", re.IGNORECASE)

Weighting = Literal["count", "newman"]


@dataclass(frozen=True)
class Filters:
    """What part of the graph a projection or measure looks at; ``None`` means no restriction."""

    year: int | None = None  # collaborations active that year / mentions in that year's round
    round: str | None = None  # round IRI (e.g. id:round/2020)
    domain: str | None = None  # domain concept slug, e.g. "kulturskola"
    grouping: str | None = None  # IRI of a sv:Grouping or sv:Constellation: only its members
    category: str | None = None  # actor class local name, e.g. "CultureSchool"


# Plain records read from the store.


@dataclass
class Actor:
    """An actor: its labels, category, municipality and the graphs that type it."""

    iri: str
    category: str | None = None
    label_sv: str | None = None
    label_en: str | None = None
    label_other: str | None = None
    municipality: str | None = None
    based_in: list[str] = field(default_factory=list)
    code: str | None = None
    territory: str | None = None
    sources: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        """The Swedish label, else the English one, else any label, else the IRI."""
        return self.label_sv or self.label_en or self.label_other or self.iri


@dataclass
class Collaboration:
    """A collaboration: participants, domains, dates and the graphs that state its participants."""

    iri: str
    members: list[str] = field(default_factory=list)
    domains: set[str] = field(default_factory=set)
    start: int | None = None
    end: int | None = None
    observed: set[int] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    @property
    def dated(self) -> bool:
        """Whether anything places the collaboration in time."""
        return self.start is not None or self.end is not None or bool(self.observed)

    def active_in(self, year: int) -> bool:
        """Whether the collaboration runs in ``year`` (an open end runs on; undated means never)."""
        if year in self.observed:
            return True
        if self.start is None and self.end is None:
            return False
        lo = self.start if self.start is not None else -(10**6)
        hi = self.end if self.end is not None else 10**6
        return lo <= year <= hi


@dataclass
class Mention:
    """One issue mention: who raised what, in which round, meeting and constellation."""

    iri: str
    issue: str
    raisers: set[str] = field(default_factory=set)
    round: str | None = None
    year: int | None = None
    meeting: str | None = None
    constellation: str | None = None
    stance: str | None = None
    sources: set[str] = field(default_factory=set)


@dataclass
class Issue:
    """An issue concept with its labels, domains and strategy areas."""

    iri: str
    label_sv: str | None = None
    label_en: str | None = None
    domains: set[str] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        """The Swedish label, else the English one, else the IRI."""
        return self.label_sv or self.label_en or self.iri


@dataclass
class Snapshot:
    """What the projections read from the store, as plain records (loaded once, used by many)."""

    actors: dict[str, Actor]
    collaborations: list[Collaboration]
    points: dict[str, tuple[float, float]]  # municipality IRI -> (lat, lon)
    neighbours: set[frozenset[str]]  # pairs of municipality IRIs whose territories touch
    rounds: dict[str, int]  # round IRI -> year
    data_dates: dict[str, str]  # graph IRI -> latest date of its sources
    mentions: list[Mention] | None = None
    issues: dict[str, Issue] | None = None
    members: dict[str, set[str]] = field(default_factory=dict)  # grouping/constellation -> members
    domain_areas: dict[str, set[str]] = field(default_factory=dict)  # domain slug -> strategy-area slugs
    area_labels: dict[str, str] = field(default_factory=dict)  # strategy-area slug -> label

    def municipalities(self) -> list[str]:
        """IRIs of the municipalities, sorted."""
        return sorted(a for a, x in self.actors.items() if x.category == "Municipality")


# Reading the store.


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many small objects (none of them cyclic).

    Building a graph of a few hundred thousand edges otherwise triggers full collections that scan every
    object again and again, which makes the build grow faster than the data.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rows(store: GraphStore, sparql: str) -> Iterator[tuple[str | None, ...]]:
    """Run a SELECT and yield each row as a tuple of term values (lexical forms), by position."""
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    for sol in result:
        yield tuple(None if t is None else t.value for t in sol)


def _lang_rows(store: GraphStore, sparql: str) -> Iterator[tuple[str, str, str | None]]:
    """Yield (subject, literal value, language) for a two-column SELECT of labels."""
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    for sol in result:
        s, lit = sol[0], sol[1]
        if s is None or lit is None:
            continue
        lang = lit.language if isinstance(lit, ox.Literal) else None
        yield s.value, lit.value, lang


def _year(lexical: str | None) -> int | None:
    """Read the year of an xsd:gYear, date, gYearMonth or dateTime lexical form."""
    if not lexical:
        return None
    m = re.match(r"-?\d{4}", lexical)
    return int(m.group(0)) if m else None


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _actor_classes(store: GraphStore) -> list[str]:
    """Our actor classes plus any subclass of sv:Actor the ontology graph declares."""
    extra = [r[0] for r in _rows(store, "SELECT DISTINCT ?c WHERE { ?c rdfs:subClassOf+ sv:Actor }") if r[0]]
    return list(ACTOR_CLASSES) + sorted(set(extra) - set(ACTOR_CLASSES))


def read_snapshot(store: GraphStore, *, mentions: bool = False) -> Snapshot:
    """Read actors, collaborations, places, rounds and (optionally) mentions from the store.

    Args:
        store: the store to read; queries see the union of its graphs.
        mentions: also read issue mentions and issues.

    Returns:
        The plain records the projections and measures are built from.
    """
    with paused_gc():
        return _read_snapshot(store, mentions=mentions)


def _read_snapshot(store: GraphStore, *, mentions: bool = False) -> Snapshot:
    classes = _actor_classes(store)
    rank = {c: i for i, c in enumerate(classes)}
    actors: dict[str, Actor] = {}
    values = _values(classes)
    best: dict[str, str] = {}
    for a, t, g in _rows(
        store, f"SELECT ?a ?t ?g WHERE {{ VALUES ?t {{ {values} }} GRAPH ?g {{ ?a a ?t }} }}"
    ):
        assert a is not None
        assert t is not None
        x = actors.get(a)
        if x is None:
            x = actors[a] = Actor(a)
        if a not in best or rank[t] < rank[best[a]]:
            best[a] = t
            x.category = _local(t)
        if g:
            x.sources.add(g)
    # Properties of actors and territories, as (subject, property, object) rows.
    territory_of: dict[str, str] = {}
    for s, p, o in _rows(
        store,
        "SELECT ?s ?p ?o WHERE { VALUES ?p { sv:basedIn sv:municipalityCode sv:territory } ?s ?p ?o }",
    ):
        x = actors.get(s or "")
        if x is None or o is None:
            continue
        if p == _P_BASEDIN:
            x.based_in.append(o)
        elif p == _P_MUNICIPALITYCODE:
            x.code = o
        elif p == _P_TERRITORY:
            x.territory = o
            territory_of[o] = s or ""
    for x in actors.values():
        if x.category == "Municipality":
            x.municipality = x.iri
    for x in actors.values():
        if x.municipality is None:
            for b in sorted(x.based_in):
                m = (
                    b
                    if actors.get(b) is not None and actors[b].category == "Municipality"
                    else territory_of.get(b)
                )
                if m:
                    x.municipality = m
                    break
    points: dict[str, tuple[float, float]] = {}
    for m, wkt in _rows(
        store,
        "SELECT ?m ?wkt WHERE { ?m a sv:Municipality ; sv:territory ?t . ?t geo:hasGeometry ?geom . "
        "?geom geo:asWKT ?wkt }",
    ):
        pt = _POINT.search(wkt or "")
        if m and pt:
            points[m] = (float(pt.group(2)), float(pt.group(1)))  # WKT is (lon lat)
    neighbours: set[frozenset[str]] = set()
    for t1, t2 in _rows(store, "SELECT ?t1 ?t2 WHERE { ?t1 geo:sfTouches ?t2 }"):
        m1, m2 = territory_of.get(t1 or ""), territory_of.get(t2 or "")
        if m1 and m2 and m1 != m2:
            neighbours.add(frozenset((m1, m2)))
    collaborations = _read_collaborations(store)
    rounds: dict[str, int] = {}
    for r, y in _rows(store, "SELECT ?r ?y WHERE { ?r a sv:DialogueRound ; sv:year ?y }"):
        yy = _year(y)
        if r and yy is not None:
            rounds[r] = yy
    snap = Snapshot(actors, collaborations, points, neighbours, rounds, _read_data_dates(store))
    labelled: dict[str, Actor | Issue] = dict(actors)
    if mentions:
        snap.mentions, snap.issues = _read_mentions(store, rounds)
        labelled.update(snap.issues)
        _read_groupings_and_areas(store, snap)
    _read_labels(store, labelled)
    return snap


def _read_groupings_and_areas(store: GraphStore, snap: Snapshot) -> None:
    """Read every grouping's and constellation's members, and the strategy areas of domains."""
    for g, m in _rows(
        store,
        "SELECT ?g ?m WHERE { VALUES ?t { sv:Grouping sv:Constellation } ?g a ?t ; org:hasMember ?m }",
    ):
        if g and m:
            snap.members.setdefault(g, set()).add(m)
    for d, a in _rows(store, "SELECT ?d ?a WHERE { ?d sv:strategyArea ?a }"):
        if d and a and d.startswith(DOMAIN_NS):
            snap.domain_areas.setdefault(_domain_slug(d), set()).add(_local(a))
    for a, text, lang in _lang_rows(
        store,
        "SELECT ?a ?l WHERE { { ?a skos:inScheme concept:strategy-areas } UNION { [] sv:strategyArea ?a } "
        "?a skos:prefLabel ?l }",
    ):
        slug = _local(a)
        if lang == "sv" or slug not in snap.area_labels:
            snap.area_labels[slug] = text


def _read_labels(store: GraphStore, records: dict[str, Actor | Issue]) -> None:
    """Fill Swedish and English labels (skos:prefLabel, else rdfs:label or foaf:name).

    One query without a join (Oxigraph answers single patterns fastest); records not asked for are skipped.
    """
    for s, text, lang in _lang_rows(
        store, "SELECT ?s ?l WHERE { VALUES ?p { skos:prefLabel rdfs:label foaf:name } ?s ?p ?l }"
    ):
        x = records.get(s)
        if x is None:
            continue
        if lang == "sv" and (x.label_sv is None or text < x.label_sv):
            x.label_sv = text
        elif lang == "en" and (x.label_en is None or text < x.label_en):
            x.label_en = text
        elif isinstance(x, Actor) and lang not in {"sv", "en"} and x.label_other is None:
            x.label_other = text


def _read_collaborations(store: GraphStore) -> list[Collaboration]:
    by_iri: dict[str, Collaboration] = {
        c: Collaboration(c) for (c,) in _rows(store, "SELECT ?c WHERE { ?c a sv:Collaboration }") if c
    }
    # Single patterns, filtered here: Oxigraph answers them much faster than the joins.
    for c, m, g in _rows(store, "SELECT ?c ?m ?g WHERE { GRAPH ?g { ?c org:hasMember ?m } }"):
        x = by_iri.get(c or "")
        if x is None or m is None:
            continue
        if m not in x.members:
            x.members.append(m)
        if g:
            x.sources.add(g)
    for c, p, o in _rows(
        store,
        "SELECT ?c ?p ?o WHERE { "
        "VALUES ?p { sv:domain schema:startDate schema:endDate sv:observedIn } ?c ?p ?o }",
    ):
        x = by_iri.get(c or "")
        if x is None:
            continue
        if p == _P_DOMAIN:
            x.domains.add(_domain_slug(o or ""))
        elif p == _P_OBSERVEDIN:
            if (y := _year(o)) is not None:
                x.observed.add(y)
        elif p and p.endswith("startDate"):
            y = _year(o)
            x.start = y if x.start is None or (y is not None and y < x.start) else x.start
        elif p and p.endswith("endDate"):
            y = _year(o)
            x.end = y if x.end is None or (y is not None and y > x.end) else x.end
    for x in by_iri.values():
        x.members.sort()
    return sorted(by_iri.values(), key=lambda x: x.iri)


def _domain_slug(iri: str) -> str:
    return iri[len(DOMAIN_NS) :] if iri.startswith(DOMAIN_NS) else _local(iri)


def _read_mentions(store: GraphStore, rounds: dict[str, int]) -> tuple[list[Mention], dict[str, Issue]]:
    meetings: dict[str, tuple[str | None, str | None, int | None]] = {}
    for m, r, c, d in _rows(
        store,
        """SELECT ?m ?r ?c ?d WHERE { ?m a sv:DialogueMeeting .
             OPTIONAL { ?m sv:inRound ?r } OPTIONAL { ?m sv:constellation ?c }
             OPTIONAL { ?m schema:startDate ?d } }""",
    ):
        if m:
            meetings[m] = (r, c, _year(d))
    by_iri: dict[str, Mention] = {}
    for x_iri, i, who, r, meet, st, g in _rows(
        store,
        """SELECT ?x ?i ?who ?r ?meet ?st ?g WHERE { GRAPH ?g { ?x a sv:IssueMention } ?x sv:issue ?i .
             OPTIONAL { ?x sv:raisedBy ?who } OPTIONAL { ?x sv:inRound ?r }
             OPTIONAL { ?x sv:atMeeting ?meet } OPTIONAL { ?x sv:stance ?st } }""",
    ):
        assert x_iri is not None
        assert i is not None
        x = by_iri.get(x_iri)
        if x is None:
            x = by_iri[x_iri] = Mention(x_iri, i)
        if who:
            x.raisers.add(who)
        if meet:
            x.meeting = meet
        x.round = r or x.round
        x.stance = st or x.stance
        if g:
            x.sources.add(g)
    for x in by_iri.values():
        if x.meeting in meetings:
            mr, mc, my = meetings[x.meeting]
            x.round = x.round or mr
            x.constellation = mc
            x.year = rounds.get(x.round or "", my)
        else:
            x.year = rounds.get(x.round or "")
    issues: dict[str, Issue] = {x.issue: Issue(x.issue) for x in by_iri.values()}
    for (i,) in _rows(store, "SELECT ?i WHERE { ?i skos:inScheme concept:issues }"):
        if i and i not in issues:
            issues[i] = Issue(i)
    for i, p, o, g in _rows(
        store,
        f"""SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {_values(issues)} }}
             VALUES ?p {{ sv:domain sv:strategyArea skos:inScheme }} GRAPH ?g {{ ?s ?p ?o }} }}""",
    ):
        x_i = issues.get(i or "")
        if x_i is None or not o:
            continue
        if p == _P_DOMAIN:
            x_i.domains.add(_domain_slug(o))
        elif p == _P_STRATEGYAREA:
            x_i.areas.add(_local(o))
        if g:
            x_i.sources.add(g)
    mentions = sorted(by_iri.values(), key=lambda x: x.iri)
    return mentions, issues


def _read_data_dates(store: GraphStore) -> dict[str, str]:
    """Map each graph described in graph:meta to the latest date of its sources (or its own date)."""
    dates: dict[str, str] = {}
    for g, d in _rows(
        store,
        f"""SELECT ?g ?d WHERE {{ GRAPH <{META_GRAPH}> {{
              {{ ?g prov:wasDerivedFrom ?s . VALUES ?p {{ dcterms:issued dcterms:date }} ?s ?p ?d }}
              UNION {{ VALUES ?p {{ dcterms:issued dcterms:date prov:generatedAtTime }} ?g ?p ?d }} }} }}""",
    ):
        if g and d and d > dates.get(g, ""):
            dates[g] = d
    return dates


def read_members(store: GraphStore, grouping: str) -> set[str]:
    """Return the members (``org:hasMember``) of a grouping or constellation."""
    rows = _rows(store, f"SELECT ?m WHERE {{ <{_check_iri(grouping)}> org:hasMember ?m }}")
    return {r[0] for r in rows if r[0]}


def _check_iri(iri: str) -> str:
    if any(ch in iri for ch in '<>"{}|\\^` \n'):
        msg = f"not an IRI: {iri!r}"
        raise ValueError(msg)
    return iri


# Filtering.


@dataclass(frozen=True)
class Scope:
    """Filters resolved against a snapshot: the year to look at and the actors in scope."""

    year: int | None
    round: str | None
    domain: str | None
    actors: frozenset[str] | None  # None: every actor
    category: str | None
    grouping: str | None


def resolve(snap: Snapshot, filters: Filters, store: GraphStore | None = None) -> Scope:
    """Turn filters into a year and a set of actors in scope.

    Raises:
        ValueError: the year and the round disagree.
    """
    year = filters.year
    if filters.round is not None:
        ry = snap.rounds.get(filters.round)
        if ry is None:
            ry = _year(_local(filters.round))
        if year is not None and ry is not None and ry != year:
            msg = f"year {year} and round {filters.round} ({ry}) disagree"
            raise ValueError(msg)
        year = ry if ry is not None else year
    members: set[str] | None = None
    if filters.grouping is not None:
        if filters.grouping not in snap.members:
            snap.members[filters.grouping] = read_members(store, filters.grouping) if store else set()
        members = snap.members[filters.grouping]
    scope: set[str] | None = None
    if members is not None or filters.category is not None:
        scope = {
            a
            for a, x in snap.actors.items()
            if (members is None or a in members)
            and (filters.category is None or x.category == filters.category)
        }
        if members is not None:
            # Members not typed as actors still count as participants.
            scope |= {m for m in members if m not in snap.actors and filters.category is None}
    return Scope(
        year,
        filters.round,
        filters.domain,
        None if scope is None else frozenset(scope),
        filters.category,
        filters.grouping,
    )


def select_collaborations(snap: Snapshot, scope: Scope) -> list[Collaboration]:
    """The collaborations active in the scope's year and domain (all participants kept)."""
    return [
        c
        for c in snap.collaborations
        if (scope.year is None or c.active_in(scope.year))
        and (scope.domain is None or scope.domain in c.domains)
    ]


def best_class(x: Actor) -> str:
    """The IRI of an actor's category class."""
    return str(SV_NS + x.category) if x.category else ""


def _graph_meta(name: str, filters: Filters, snap: Snapshot, graphs: set[str]) -> dict[str, object]:
    dates = [snap.data_dates[g] for g in graphs if g in snap.data_dates]
    # The sources' latest date, else the time of the build, else now.
    data_date = max(dates) if dates else snap.data_dates.get(str(GRAPH["build"]))
    data_date = data_date or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"projection": name, "filters": asdict(filters), "graphs": sorted(graphs), "data_date": data_date}


def _actor_node(snap: Snapshot, a: str) -> dict[str, object]:
    x = snap.actors.get(a)
    if x is None:
        return {"label": a, "label_en": a, "category": None, "municipality": None, "sources": []}
    return {
        "label": x.label,
        "label_en": x.label_en or x.label,
        "category": x.category,
        "municipality": x.municipality,
        "sources": sorted(x.sources),
    }


# Projections.

P = ParamSpec("P")


def _building(fn: Callable[P, nx.Graph]) -> Callable[P, nx.Graph]:
    """Run a projection with the garbage collector paused (see :func:`paused_gc`)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> nx.Graph:
        with paused_gc():
            return fn(*args, **kwargs)

    return wrapper


@_building
def project_actors(
    store: GraphStore | Snapshot, *, filters: Filters = Filters(), weighting: Weighting = "count"
) -> nx.Graph:
    """Project actors × actors through shared collaborations.

    Every actor in scope is a node (degree 0 when it shares no collaboration: who is left out); two actors
    are joined when they take part in the same collaboration. ``weight`` is the number of shared
    collaborations (``count``) or Newman's collaboration weight, the sum of 1/(n−1) over shared
    collaborations of n participants (``newman``).

    Args:
        store: the store, or a snapshot already read from it.
        filters: year or round, domain, grouping and actor category.
        weighting: ``count`` or ``newman``.

    Returns:
        An undirected graph; ``G.graph`` says which projection, filters and source graphs it came from.

    Example:
        >>> G = project_actors(GraphStore.open(None))
        >>> G.number_of_nodes(), G.graph["projection"]
        (0, 'actors')
    """
    snap = store if isinstance(store, Snapshot) else read_snapshot(store)
    scope = resolve(snap, filters, store if isinstance(store, GraphStore) else None)
    G = nx.Graph()
    graphs: set[str] = set()
    if scope.actors is not None:
        nodes = set(scope.actors)
    else:
        nodes = {a for a, x in snap.actors.items() if best_class(x) not in _COLLECTIVE}
    edges: dict[tuple[str, str], list[Collaboration]] = defaultdict(list)
    for c in select_collaborations(snap, scope):
        members = [m for m in c.members if scope.actors is None or m in scope.actors]
        if scope.actors is None:
            nodes.update(members)
        for pair in itertools.combinations(members, 2):
            edges[pair].append(c)
    G.add_nodes_from((a, _actor_node(snap, a)) for a in sorted(nodes))
    for a in nodes:
        if a in snap.actors:
            graphs |= snap.actors[a].sources
    G.add_edges_from(_edge_rows(edges, weighting, graphs))
    G.graph.update(_graph_meta("actors", filters, snap, graphs))
    G.graph["weighting"] = weighting
    return G


def _edge_rows(
    edges: dict[tuple[str, str], list[Collaboration]], weighting: Weighting, graphs: set[str]
) -> Iterator[tuple[str, str, dict[str, object]]]:
    """Edge attributes in bulk; most edges have one collaboration, whose sorted lists are made once."""
    once: dict[str, tuple[list[str], list[str]]] = {}
    for (a, b), cs in edges.items():
        if len(cs) == 1:
            c = cs[0]
            if c.iri not in once:
                once[c.iri] = (sorted(c.domains), sorted(c.sources))
                graphs |= c.sources
            domains, sources = once[c.iri]
            collaborations = [c.iri]
        else:
            src: set[str] = set().union(*(c.sources for c in cs))
            graphs |= src
            domains = sorted(set().union(*(c.domains for c in cs)))
            sources = sorted(src)
            collaborations = sorted(c.iri for c in cs)
        weight = sum(1.0 / (len(c.members) - 1) for c in cs) if weighting == "newman" else float(len(cs))
        yield (
            a,
            b,
            {
                "weight": weight,
                "count": len(cs),
                "collaborations": collaborations,
                "domains": list(domains),
                "sources": list(sources),
            },
        )


@_building
def project_municipalities(store: GraphStore | Snapshot, *, filters: Filters = Filters()) -> nx.Graph:
    """Project municipalities × municipalities across borders, through their actors' collaborations.

    Each collaboration joins every pair of distinct municipalities among its participants' municipalities;
    ``count`` is the number of such collaborations, ``neighbours`` tells whether the two territories touch.
    With a category filter only participants of that category count; with a grouping, only municipalities
    that are members (or home to members).

    Returns:
        An undirected graph of every municipality in scope, isolated ones included.
    """
    snap = store if isinstance(store, Snapshot) else read_snapshot(store)
    scope = resolve(snap, filters, store if isinstance(store, GraphStore) else None)
    munis = set(snap.municipalities())
    if filters.grouping is not None and scope.actors is not None:
        members = snap.members.get(filters.grouping, set())
        munis = {m for m in munis if m in members} | {
            x.municipality for a in members if (x := snap.actors.get(a)) and x.municipality
        }
    graphs: set[str] = set()
    G = nx.Graph()
    for m in sorted(munis):
        attrs = _actor_node(snap, m)
        x = snap.actors[m]
        lat, lon = snap.points.get(m, (None, None))
        G.add_node(m, **attrs, code=x.code, lat=lat, lon=lon)
        graphs |= x.sources
    edges: dict[tuple[str, str], list[Collaboration]] = defaultdict(list)
    for c in select_collaborations(snap, scope):
        ms: set[str] = set()
        for a in c.members:
            x = snap.actors.get(a)
            if x is None or x.municipality is None or x.municipality not in munis:
                continue
            if filters.category is not None and x.category != filters.category:
                continue
            ms.add(x.municipality)
        for pair in itertools.combinations(sorted(ms), 2):
            edges[pair].append(c)
    G.add_edges_from(
        (a, b, {**d, "neighbours": frozenset((a, b)) in snap.neighbours})
        for a, b, d in _edge_rows(edges, "count", graphs)
    )
    G.graph.update(_graph_meta("municipalities", filters, snap, graphs))
    return G


def select_mentions(snap: Snapshot, scope: Scope) -> list[Mention]:
    """The mentions in the scope's year or round, domain (of the issue) and actors (raisers)."""
    assert snap.mentions is not None
    assert snap.issues is not None
    out = []
    for x in snap.mentions:
        if scope.round is not None and x.round != scope.round:
            continue
        if scope.year is not None and x.year != scope.year:
            continue
        if scope.domain is not None and scope.domain not in snap.issues[x.issue].domains:
            continue
        if scope.actors is not None and not (
            x.raisers & scope.actors or (scope.grouping is not None and x.constellation == scope.grouping)
        ):
            continue
        out.append(x)
    return out


def _issue_node(snap: Snapshot, i: str) -> dict[str, object]:
    assert snap.issues is not None
    x = snap.issues[i]
    return {
        "label": x.label,
        "label_en": x.label_en or x.label,
        "category": "Issue",
        "municipality": None,
        "sources": sorted(x.sources),
        "strategy_areas": sorted(x.areas),
        "bipartite": 1,
    }


def _mention_snapshot(store: GraphStore | Snapshot) -> Snapshot:
    if isinstance(store, Snapshot):
        if store.mentions is None:
            msg = "this snapshot was read without mentions; use read_snapshot(store, mentions=True)"
            raise ValueError(msg)
        return store
    return read_snapshot(store, mentions=True)


@_building
def project_actor_issues(store: GraphStore | Snapshot, *, filters: Filters = Filters()) -> nx.Graph:
    """Project actors × issues (bipartite): an edge for each actor that raised an issue.

    Actor nodes have ``bipartite=0``, issue nodes ``bipartite=1`` and ``category="Issue"``. Edge ``count``
    and ``weight`` are the number of mentions; ``mentions`` lists them.
    """
    snap = _mention_snapshot(store)
    scope = resolve(snap, filters, store if isinstance(store, GraphStore) else None)
    G = nx.Graph()
    graphs: set[str] = set()
    edges: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for x in select_mentions(snap, scope):
        for a in x.raisers:
            if scope.actors is None or a in scope.actors:
                edges[(a, x.issue)].append(x)
    for (a, i), ms in sorted(edges.items()):
        if a not in G:
            G.add_node(a, **_actor_node(snap, a), bipartite=0)
        if i not in G:
            G.add_node(i, **_issue_node(snap, i))
        sources = set().union(*(m.sources for m in ms))
        graphs |= sources
        G.add_edge(
            a,
            i,
            weight=float(len(ms)),
            count=len(ms),
            collaborations=[],
            domains=sorted(snap.issues[i].domains) if snap.issues else [],
            sources=sorted(sources),
            mentions=sorted(m.iri for m in ms),
        )
    G.graph.update(_graph_meta("actor_issues", filters, snap, graphs))
    return G


@_building
def project_issue_comentions(store: GraphStore | Snapshot, *, filters: Filters = Filters()) -> nx.Graph:
    """Project issues × issues by co-mention: raised at the same meeting, or by the same actor in a round.

    Edge ``count``/``weight`` is the number of contexts (meetings, or actor-in-round) where both were raised.
    """
    snap = _mention_snapshot(store)
    scope = resolve(snap, filters, store if isinstance(store, GraphStore) else None)
    contexts: dict[tuple[str, ...], set[str]] = defaultdict(set)
    sources_of: dict[tuple[str, ...], set[str]] = defaultdict(set)
    issues: set[str] = set()
    for x in select_mentions(snap, scope):
        issues.add(x.issue)
        keys: list[tuple[str, ...]] = (
            [("meeting", x.meeting)]
            if x.meeting
            else [
                ("raiser", a, x.round or "") for a in x.raisers if scope.actors is None or a in scope.actors
            ]
        )
        for k in keys:
            contexts[k].add(x.issue)
            sources_of[k] |= x.sources
    G = nx.Graph()
    for i in sorted(issues):
        G.add_node(i, **_issue_node(snap, i))
    graphs: set[str] = set()
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for k, iss in contexts.items():
        for pair in itertools.combinations(sorted(iss), 2):
            counts[pair] += 1
            edges[pair] |= sources_of[k]
    assert snap.issues is not None
    for (a, b), n in counts.items():
        graphs |= edges[(a, b)]
        G.add_edge(
            a,
            b,
            weight=float(n),
            count=n,
            collaborations=[],
            domains=sorted(snap.issues[a].domains & snap.issues[b].domains),
            sources=sorted(edges[(a, b)]),
        )
    G.graph.update(_graph_meta("issue_comentions", filters, snap, graphs))
    return G


__all__ = [
    "ACTOR_CLASSES",
    "Actor",
    "Collaboration",
    "Filters",
    "Issue",
    "Mention",
    "Scope",
    "Snapshot",
    "Weighting",
    "paused_gc",
    "project_actor_issues",
    "project_actors",
    "project_issue_comentions",
    "project_municipalities",
    "read_members",
    "read_snapshot",
    "resolve",
    "select_collaborations",
    "select_mentions",
]
