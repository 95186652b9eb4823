"""Reading the store into a :class:`Snapshot`: a handful of SELECT queries of flat rows, no networkx."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pyoxigraph as ox

from graph.errors import ParameterError
from graph.namespaces import CONCEPT, META_GRAPH, ORG, SV
from graph.project.records import Actor, Collaboration, Issue, Mention, Snapshot
from graph.queries.borders import read_crossings
from graph.store.protocol import Store

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
_P_PURPOSE = str(ORG.purpose)  # a collaboration's domain since 0.2; sv:domain (deprecated) is still read
_P_SUBSETOF = str(SV.subsetOf)
_POINT = re.compile(r"POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)", re.IGNORECASE)


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


def _rows(store: Store, sparql: str) -> Iterator[tuple[str | None, ...]]:
    """Run a SELECT and yield each row as a tuple of term values (lexical forms), by position."""
    result = store.query(sparql)
    assert isinstance(result, ox.QuerySolutions)
    for sol in result:
        yield tuple(None if t is None else t.value for t in sol)


def _lang_rows(store: Store, sparql: str) -> Iterator[tuple[str, str, str | None]]:
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


def _actor_classes(store: Store) -> list[str]:
    """Our actor classes plus any subclass of sv:Actor the ontology graph declares."""
    extra = [r[0] for r in _rows(store, "SELECT DISTINCT ?c WHERE { ?c rdfs:subClassOf+ sv:Actor }") if r[0]]
    return list(ACTOR_CLASSES) + sorted(set(extra) - set(ACTOR_CLASSES))


def read_snapshot(store: Store, *, mentions: bool = False) -> Snapshot:
    """Read actors, collaborations, places, rounds and (optionally) mentions from the store.

    Args:
        store: the store to read; queries see the union of its graphs.
        mentions: also read issue mentions and issues.

    Returns:
        The plain records the projections and measures are built from.
    """
    with paused_gc():
        return _read_snapshot(store, mentions=mentions)


def _read_snapshot(store: Store, *, mentions: bool = False) -> Snapshot:
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
    categories: dict[str, str] = {}  # category code -> concept
    _read_classifications(store, actors, categories)
    # Properties of actors and territories, as (subject, property, object) rows.
    territory_of: dict[str, str] = {}
    subsets: dict[str, str] = {}
    for s, p, o in _rows(
        store,
        "SELECT ?s ?p ?o WHERE { "
        "VALUES ?p { sv:basedIn sv:municipalityCode sv:territory sv:subsetOf } ?s ?p ?o }",
    ):
        if p == _P_SUBSETOF and s and o:
            subsets[s] = o
            continue
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
        "SELECT ?m ?wkt WHERE { ?m a sv:Municipality ; sv:territory ?t . "
        "?t geo:hasCentroid|geo:hasGeometry ?geom . ?geom geo:asWKT ?wkt }",
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
    snap.categories = [_local(c) for c in classes] + sorted(set(categories) - {_local(c) for c in classes})
    snap.category_concepts = categories
    snap.subsets = subsets
    # Hypotheses included, as for the members above; each reach says whether it rests on one.
    snap.crossings = read_crossings(store, inferred=True)
    _read_groups_and_domains(store, snap)
    labelled: dict[str, Actor | Issue] = dict(actors)
    if mentions:
        snap.mentions, snap.issues = _read_mentions(store, rounds)
        labelled.update(snap.issues)
        _read_areas(store, snap)
    _read_labels(store, labelled)
    return snap


def _read_classifications(store: Store, actors: dict[str, Actor], categories: dict[str, str]) -> None:
    """Set each actor's category to the code of its org:classification, and fill code -> concept IRI.

    The code is the concept's skos:notation (the 0.1 class's local name, ``CultureSchool``), else its slug, so
    a category reads the same whether the data classify an actor (0.2) or type it with the old class (0.1).
    """
    for c, n in _rows(
        store,
        "SELECT ?c ?n WHERE { ?c skos:inScheme concept:actor-categories OPTIONAL { ?c skos:notation ?n } }",
    ):
        if c:
            categories[n or _local(c)] = c
    codes = {c: code for code, c in categories.items()}
    for a, c in _rows(store, "SELECT ?a ?c WHERE { ?a org:classification ?c }"):
        x = actors.get(a or "")
        if x is not None and c and x.category != "Municipality":
            x.category = codes.get(c, _local(c))


def _read_groups_and_domains(store: Store, snap: Snapshot) -> None:
    """Read what the grouping and domain filters can name: groups with their members, the domain concepts.

    One query for both (a UNION), so that every projection reads the store a fixed number of times.
    """
    for x, kind, m in _rows(
        store,
        "SELECT ?x ?kind ?m WHERE { { "
        "{ VALUES ?kind { sv:Grouping sv:Network sv:Constellation } ?x a ?kind } "
        "UNION { ?x org:classification category:network BIND(sv:Network AS ?kind) } "
        "OPTIONAL { ?x org:hasMember ?m } } "
        'UNION { ?x skos:inScheme concept:domains BIND("domain" AS ?kind) } }',
    ):
        if not x or not kind:
            continue
        if kind == "domain":
            if x.startswith(DOMAIN_NS):
                snap.domains.add(_domain_slug(x))
            continue
        snap.groups.setdefault(x, _local(kind))
        members = snap.members.setdefault(x, set())
        if m:
            members.add(m)


def _read_areas(store: Store, snap: Snapshot) -> None:
    """Read the strategy areas of domains, and the areas' labels."""
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


def _read_labels(store: Store, records: dict[str, Actor | Issue]) -> None:
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


def _read_collaborations(store: Store) -> list[Collaboration]:
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
        "VALUES ?p { sv:domain org:purpose schema:startDate schema:endDate sv:observedIn } ?c ?p ?o }",
    ):
        x = by_iri.get(c or "")
        if x is None:
            continue
        if p in (_P_DOMAIN, _P_PURPOSE):
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


def _read_mentions(store: Store, rounds: dict[str, int]) -> tuple[list[Mention], dict[str, Issue]]:
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
             VALUES ?p {{ sv:domain org:purpose sv:strategyArea skos:inScheme }}
             GRAPH ?g {{ ?s ?p ?o }} }}""",
    ):
        x_i = issues.get(i or "")
        if x_i is None or not o:
            continue
        if p in (_P_DOMAIN, _P_PURPOSE):
            x_i.domains.add(_domain_slug(o))
        elif p == _P_STRATEGYAREA:
            x_i.areas.add(_local(o))
        if g:
            x_i.sources.add(g)
    mentions = sorted(by_iri.values(), key=lambda x: x.iri)
    return mentions, issues


def _read_data_dates(store: Store) -> dict[str, str]:
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


def read_members(store: Store, grouping: str) -> set[str]:
    """Return the members (``org:hasMember``) of a grouping or constellation."""
    rows = _rows(store, f"SELECT ?m WHERE {{ <{_check_iri(grouping)}> org:hasMember ?m }}")
    return {r[0] for r in rows if r[0]}


def _check_iri(iri: str) -> str:
    if any(ch in iri for ch in '<>"{}|\\^` \n'):
        msg = f"not an IRI: {iri!r}"
        raise ParameterError(msg)
    return iri


# Filtering.
