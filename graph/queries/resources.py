"""Resources read from the store as typed records: municipalities, actors, issues, collaborations, dialogues.

Each reader takes a ``Select`` (run a SELECT with bound variables, return its rows), so the caller decides
how queries run: the API under its time limit and row cap, the command line or a test straight on a store
(``store_select``). Results are frozen dataclasses holding IRIs and labels; addresses are the caller's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.errors import ParameterError, QueryError, UnknownResourceError
from graph.namespaces import ID, SV
from graph.queries.borders import read_crossings
from graph.queries.library import concept_iri, expand_iri
from graph.queries.resource_sparql import (
    ACTOR,
    ACTOR_CLASSES,
    ACTORS,
    CATEGORIES,
    CATEGORY_WANTED,
    COLLABORATIONS,
    DIALOGUES,
    ISSUES,
    MUNICIPALITIES,
)
from graph.queries.search import fold
from graph.store.protocol import Row, Store

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Select = Callable[[str, Mapping[str, Term]], list[Row]]
TIES = ("member_of", "members", "collaborations", "designated_partners")


@dataclass(frozen=True)
class Ref:
    """A link to another resource: its IRI and Swedish label."""

    iri: str
    label: str | None = None


@dataclass(frozen=True)
class Municipality:
    """A municipality (the organisation) with its SCB code."""

    iri: str
    code: str
    label: str | None
    label_en: str | None


@dataclass(frozen=True)
class Actor:
    """An actor: a municipality, organisation or grouping, with the municipality it is based in."""

    iri: str
    id: str
    category: str
    label: str | None
    label_en: str | None
    municipality: Ref | None


@dataclass(frozen=True)
class ActorsPage:
    """One page of the actors that match, and how many match in all."""

    count: int
    data: list[Actor]


@dataclass(frozen=True)
class ActorDetail:
    """An actor with its other names and its ties, each list sorted by IRI."""

    actor: Actor
    alt_labels: list[str]
    member_of: list[Ref]
    members: list[Ref]
    collaborations: list[Ref]
    designated_partners: list[Ref]


@dataclass(frozen=True)
class Issue:
    """An issue raised in the dialogues, with how often and by whom."""

    iri: str
    label: str | None
    label_en: str | None
    strategy_areas: list[str]
    mentions: int
    raised_by: list[Ref]


@dataclass(frozen=True)
class Collaboration:
    """A documented collaboration and whether it crosses a municipal border (graph.queries.borders)."""

    iri: str
    label: str | None
    label_en: str | None
    domains: list[str]
    agreement_kind: str | None
    start: str | None
    members: list[Ref]
    crosses_border: bool


@dataclass(frozen=True)
class Meeting:
    """A dialogue meeting: when, where, how, who."""

    iri: str
    date: str | None
    host: Ref | None
    mode: str | None
    participants: list[Ref]


@dataclass(frozen=True)
class Round:
    """A round of dialogues, with its meetings."""

    iri: str
    year: str | None
    label: str | None
    meetings: list[Meeting]


def store_select(store: Store) -> Select:
    """Run the readers' queries straight on ``store`` (no time limit or row cap of the API's)."""

    def select(sparql: str, substitutions: Mapping[str, Term]) -> list[Row]:
        return store.select(sparql, substitutions=dict(substitutions) or None)

    return select


def actor_id(iri: str) -> str:
    """Return the id of an actor in /api/actors/{id}: the slug for id:actor/, else the path after id:.

    Example:
        >>> actor_id("https://w3id.org/samverkan/id/actor/klys")
        'klys'
        >>> actor_id("https://w3id.org/samverkan/id/municipality/0182")
        'municipality/0182'
    """
    return iri.removeprefix(str(ID)).removeprefix("actor/")


def actor_iri(actor: str) -> str:
    """Return the IRI of an actor id (a slug, or ``kind/slug``).

    Raises:
        UnknownResourceError: the id cannot be part of an IRI (spaces, control characters): no actor has it.
    """
    iri = f"{ID}{actor}" if "/" in actor else f"{ID}actor/{actor}"
    try:
        ox.NamedNode(iri)
    except ValueError:
        msg = f"no actor {actor!r}: not a valid id; GET /api/actors lists them"
        raise UnknownResourceError(msg) from None
    return iri


def read_categories(select: Select) -> dict[str, str]:
    """Return the concepts of concept:actor-categories the store holds, IRI -> code (``skos:notation``)."""
    rows = select(CATEGORIES, {})
    return {_str(r["c"]): _str(r["n"] or r["c"]).rsplit("/", 1)[-1] for r in rows}


def resolve_category(value: str, categories: Mapping[str, str]) -> tuple[str, bool]:
    """Return the concept (``True``) or actor class (``False``) a category filter names.

    A concept is named by its slug (``culture-school``), code (``CultureSchool``, any case), prefixed name
    (``category:culture-school``) or IRI, or by the 0.1 class its concept replaces (``sv:CultureSchool``);
    the classes that remain (``Municipality``, ``sv:Actor``) by local name, prefixed name or IRI.

    Raises:
        ParameterError: the value names neither; the message lists the known categories.
    """
    text = value.strip()
    try:
        iri = expand_iri(text) if ":" in text else None
    except QueryError:
        iri = None
    for concept, code in sorted(categories.items()):
        names = {code.casefold(), concept.rsplit("/", 1)[-1].casefold()}
        if text.casefold() in names or iri in {concept, f"{SV}{code}"}:
            return concept, True
    classes = {str(c) for c in ACTOR_CLASSES if str(c).removeprefix(str(SV)) not in categories.values()}
    if (iri or f"{SV}{text}") in classes:
        return iri or f"{SV}{text}", False
    known = sorted({*categories.values(), *(c.removeprefix(str(SV)) for c in classes)})
    msg = f"category {value!r} is not an actor category; use one of {', '.join(known)} (or a concept's slug)"
    raise ParameterError(msg)


def resolve_municipality(value: str) -> str:
    """Return the IRI of a municipality given by SCB code (0182), prefixed name or IRI."""
    return f"{ID}municipality/{value}" if value.isdigit() else expand_iri(value)


def _value(term: Any) -> str | None:
    return None if term is None else str(term.value)


def _str(term: Any) -> str:
    """The value of a term the query always binds."""
    return str(term.value)


def read_labels(select: Select, iris: Iterable[str]) -> dict[str, str]:
    """Return the Swedish preferred label of each IRI that has one."""
    wanted = sorted(set(iris))
    if not wanted:
        return {}
    values = " ".join(f"<{i}>" for i in wanted)  # IRIs read from the store, not from a request
    sparql = (
        f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s skos:prefLabel ?l "
        f'FILTER(LANGMATCHES(LANG(?l), "sv")) }}'
    )
    return {_str(r["s"]): _str(r["l"]) for r in select(sparql, {})}


def _refs(iris: Iterable[str], labels: dict[str, str]) -> list[Ref]:
    return [Ref(i, labels.get(i)) for i in sorted(iris)]


def read_municipalities(select: Select) -> list[Municipality]:
    """Return every municipality, by code."""
    return [
        Municipality(_str(r["m"]), _str(r["code"]), _value(r["label"]), _value(r["labelEn"]))
        for r in select(MUNICIPALITIES, {})
    ]


class _Gathered:
    """What the rows of one actor say: classes, category codes, municipalities, labels, folded names."""

    def __init__(self) -> None:
        self.categories: set[str] = set()
        self.codes: set[str] = set()  # of its org:classification
        self.municipalities: set[str] = set()
        self.labels: dict[str, str] = {}
        self.names: set[str] = set()

    def actor(self, iri: str, labels: dict[str, str]) -> Actor:
        specific = sorted(c for c in self.categories if c != str(SV.Actor)) or [str(SV.Actor)]
        municipality = min(self.municipalities) if self.municipalities else None
        return Actor(
            iri=iri,
            id=actor_id(iri),
            category=min(self.codes) if self.codes else specific[0].removeprefix(str(SV)),
            label=self.labels.get("sv"),
            label_en=self.labels.get("en"),
            municipality=Ref(municipality, labels.get(municipality)) if municipality else None,
        )


def read_actors(
    select: Select,
    *,
    category: str | None = None,
    municipality: str | None = None,
    text: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> ActorsPage:
    """Return a page of actors, sorted by Swedish name, filtered by category, municipality and text in a name.

    ``text`` matches any Swedish or English name, ignoring case (å, ä, ö included: ``fold``).

    Raises:
        ParameterError: ``category`` names no actor category (``resolve_category``).
    """
    subs: dict[str, Term] = {}
    sparql = ACTORS.replace("WANTED", "")
    if category:
        iri, is_concept = resolve_category(category, read_categories(select))
        subs = {"wanted" if is_concept else "category": ox.NamedNode(iri)}
        sparql = ACTORS.replace("WANTED", CATEGORY_WANTED if is_concept else "")
    wanted = resolve_municipality(municipality) if municipality else None
    actors: dict[str, _Gathered] = {}
    for r in select(sparql, subs):
        a = actors.setdefault(_str(r["actor"]), _Gathered())
        a.categories.add(_str(r["category"]))
        if r["notation"] is not None:
            a.codes.add(_str(r["notation"]))
        if r["municipality"] is not None:
            a.municipalities.add(_str(r["municipality"]))
        label = r["label"]
        if isinstance(label, ox.Literal):
            a.names.add(fold(label.value))
            a.labels.setdefault(label.language or "", label.value)
    needle = fold(text.strip()) if text and text.strip() else None
    matches = [
        (iri, a)
        for iri, a in actors.items()
        if (wanted is None or wanted in a.municipalities)
        and (needle is None or any(needle in n for n in a.names))
    ]
    matches.sort(key=lambda item: fold(item[1].labels.get("sv") or item[0]))
    page = matches[offset : offset + limit]
    labels = read_labels(select, [m for _, a in page for m in a.municipalities])
    return ActorsPage(count=len(matches), data=[a.actor(iri, labels) for iri, a in page])


def read_actor(select: Select, actor: str) -> ActorDetail:
    """Return one actor (by id: a slug or ``kind/slug``) with its names, memberships and partners.

    Raises:
        UnknownResourceError: no actor has this id.
    """
    iri = actor_iri(actor)
    rows = select(ACTOR, {"actor": ox.NamedNode(iri)})
    if not rows:
        msg = f"no actor {actor!r} (<{iri}>); GET /api/actors lists them"
        raise UnknownResourceError(msg)
    a = _Gathered()
    alt: set[str] = set()
    ties: dict[str, set[str]] = {k: set() for k in TIES}
    for r in rows:
        a.categories.add(_str(r["category"]))
        if r["notation"] is not None:
            a.codes.add(_str(r["notation"]))
        if r["municipality"] is not None:
            a.municipalities.add(_str(r["municipality"]))
        label = r["label"]
        if isinstance(label, ox.Literal):
            # The name in a language is its preferred label (the least, if several): never row order,
            # which differs between backends.
            if label.language and r["rel"] == ox.Literal("pref"):
                known = a.labels.get(label.language)
                a.labels[label.language] = label.value if known is None else min(known, label.value)
            alt.add(label.value)
        elif r["rel"] is not None and isinstance(r["other"], ox.NamedNode):
            ties[_str(r["rel"])].add(r["other"].value)
    labels = read_labels(select, [*a.municipalities, *(i for s in ties.values() for i in s)])
    base = a.actor(iri, labels)
    alt.discard(base.label or "")
    alt.discard(base.label_en or "")
    refs = {k: _refs(v, labels) for k, v in ties.items()}
    return ActorDetail(base, sorted(alt), **refs)


def read_issues(select: Select) -> list[Issue]:
    """Return every issue raised, most mentioned first, with who raised it."""
    issues: dict[str, dict[str, Any]] = {}
    for r in select(ISSUES, {}):
        blank: dict[str, Any] = {"row": r, "mentions": set(), "who": set(), "areas": set()}
        i = issues.setdefault(_str(r["issue"]), blank)
        for key, column in (("areas", "area"), ("mentions", "mention"), ("who", "who")):
            if r[column] is not None:
                i[key].add(_str(r[column]))
    labels = read_labels(select, [w for i in issues.values() for w in i["who"]])
    data = [
        Issue(
            iri=iri,
            label=_value(i["row"]["label"]),
            label_en=_value(i["row"]["labelEn"]),
            strategy_areas=sorted(i["areas"]),
            mentions=len(i["mentions"]),
            raised_by=_refs(i["who"], labels),
        )
        for iri, i in issues.items()
    ]
    data.sort(key=lambda x: (-x.mentions, fold(x.label or x.iri)))
    return data


def read_collaborations(
    select: Select, *, domain: str | None = None, crosses_border: bool | None = None
) -> list[Collaboration]:
    """Return the documented collaborations by label, optionally of one domain (slug) or crossing a border.

    Raises:
        QueryError: ``domain`` cannot name a concept of the domain scheme.
    """
    subs = {"wanted": ox.NamedNode(concept_iri("domains", domain))} if domain else {}
    sparql = COLLABORATIONS.replace("WANTED", "?c org:purpose ?wanted ." if domain else "")
    collabs: dict[str, dict[str, Any]] = {}
    for r in select(sparql, subs):
        c = collabs.setdefault(
            _str(r["c"]),
            {"row": r, "members": set(), "municipalities": set(), "domains": set()},
        )
        c["domains"].add(_str(r["domain"]))
        if r["actor"] is not None:
            c["members"].add(r["actor"].value)
        if r["municipality"] is not None:
            c["municipalities"].add(r["municipality"].value)
    labels = read_labels(select, [m for c in collabs.values() for m in c["members"]])
    crossings = read_crossings(select)  # the one rule: parties, their base, a stated scope
    data = []
    for iri, c in collabs.items():
        r = c["row"]
        crosses = crossings[iri].crosses if iri in crossings else False
        if crosses_border is not None and crosses != crosses_border:
            continue
        data.append(
            Collaboration(
                iri=iri,
                label=_value(r["label"]),
                label_en=_value(r["labelEn"]),
                domains=sorted(c["domains"]),
                agreement_kind=_value(r["kind"]),
                start=_value(r["start"]),
                members=_refs(c["members"], labels),
                crosses_border=crosses,
            )
        )
    data.sort(key=lambda x: fold(x.label or x.iri))
    return data


@dataclass(frozen=True)
class Description:
    """Every statement about a resource (it the subject) and every statement pointing to it, each sorted."""

    iri: str
    triples: list[ox.Triple]
    incoming: list[ox.Triple]


def resource_node(iri: str) -> ox.NamedNode:
    """The IRI as a node.

    Raises:
        UnknownResourceError: ``iri`` is not a valid IRI (spaces, ``<``, control characters): no resource
            can have it.
    """
    try:
        return ox.NamedNode(iri)
    except ValueError:
        msg = f"nothing is known about {iri!r}: it is not a valid IRI"
        raise UnknownResourceError(msg) from None


def describe_resource(store: Store, iri: str) -> Description:
    """Return what the store says about ``iri`` and what points to it.

    Raises:
        UnknownResourceError: ``iri`` is not a valid IRI, or the store says nothing about it.
    """
    node = resource_node(iri)
    triples = sorted(set(store.triples(node)), key=str)
    incoming = sorted(set(store.triples(object=node)), key=str)
    if not triples and not incoming:
        msg = f"nothing is known about <{iri}>"
        raise UnknownResourceError(msg)
    return Description(iri, triples, incoming)


def read_dialogues(select: Select) -> list[Round]:
    """Return the dialogue rounds by IRI, each with its meetings, hosts and participants."""
    rounds: dict[str, dict[str, Any]] = {}
    for r in select(DIALOGUES, {}):
        rd = rounds.setdefault(_str(r["round"]), {"row": r, "meetings": {}})
        if r["meeting"] is not None:
            m = rd["meetings"].setdefault(r["meeting"].value, {"row": r, "participants": set()})
            if r["participant"] is not None:
                m["participants"].add(r["participant"].value)
    meetings = [m for rd in rounds.values() for m in rd["meetings"].values()]
    iris = [p for m in meetings for p in m["participants"]]
    iris += [_str(m["row"]["host"]) for m in meetings if m["row"]["host"] is not None]
    labels = read_labels(select, iris)
    data = []
    for iri, rd in sorted(rounds.items()):
        held = []
        for miri, m in sorted(rd["meetings"].items()):
            host = _value(m["row"]["host"])
            held.append(
                Meeting(
                    iri=miri,
                    date=_value(m["row"]["date"]),
                    host=Ref(host, labels.get(host)) if host else None,
                    mode=_value(m["row"]["mode"]),
                    participants=_refs(m["participants"], labels),
                )
            )
        data.append(Round(iri, _value(rd["row"]["year"]), _value(rd["row"]["label"]), held))
    return data


__all__ = [
    "ACTOR_CLASSES",
    "Actor",
    "ActorDetail",
    "ActorsPage",
    "Collaboration",
    "Description",
    "Issue",
    "Meeting",
    "Municipality",
    "Ref",
    "Round",
    "Select",
    "actor_id",
    "actor_iri",
    "describe_resource",
    "read_actor",
    "read_actors",
    "read_categories",
    "read_collaborations",
    "read_dialogues",
    "read_issues",
    "read_labels",
    "read_municipalities",
    "resolve_category",
    "resolve_municipality",
    "resource_node",
    "store_select",
]
