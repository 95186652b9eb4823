"""Resources as JSON: municipalities, actors, issues, collaborations and dialogue rounds."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from api.deps import RunnerDep, SettingsDep
from api.engine import QueryRunner
from api.engine import Request as QueryRequest
from graph.errors import QueryError, UnknownResourceError
from graph.namespaces import BASE, ID, SV
from graph.queries.library import concept_iri, expand_iri

router = APIRouter(prefix="/api", tags=["resources"])

ACTOR_CLASSES = (
    SV.Actor,
    SV.Region,
    SV.Committee,
    SV.Administration,
    SV.Municipality,
    SV.UmbrellaOrganisation,
    SV.ProfessionalOrganisation,
    SV.Centrumbildning,
    SV.CivilSocietyAlliance,
    SV.InterestOrganisation,
    SV.StudyAssociation,
    SV.StudyAssociationDistrict,
    SV.FolkHighSchool,
    SV.CultureSchool,
    SV.Association,
    SV.RegionalCultureFunction,
    SV.Network,
    SV.Grouping,
    SV.SportsFacility,
)
_ACTOR_VALUES = " ".join(f"<{c}>" for c in ACTOR_CLASSES)
MUNICIPALITY_OF = (
    "{ ?actor sv:basedIn ?municipality } UNION { ?actor a sv:Municipality BIND(?actor AS ?municipality) }"
)


class Ref(BaseModel):
    """A link to another resource: its IRI, Swedish label and the address that serves it here."""

    iri: str
    label: str | None = None
    url: str


class MunicipalityPublic(BaseModel):
    """A municipality (the organisation) with its SCB code."""

    id: str
    iri: str
    code: str
    label: str | None
    label_en: str | None
    url: str


class MunicipalitiesPublic(BaseModel):
    """Every municipality, by code."""

    count: int
    data: list[MunicipalityPublic]


class ActorPublic(BaseModel):
    """An actor: a municipality, organisation or grouping."""

    id: str
    iri: str
    category: str
    label: str | None
    label_en: str | None
    municipality: Ref | None
    url: str


class ActorsPublic(BaseModel):
    """A page of actors."""

    count: int
    limit: int
    offset: int
    next: str | None
    data: list[ActorPublic]


class ActorDetailPublic(ActorPublic):
    """An actor with its names and ties."""

    alt_labels: list[str]
    member_of: list[Ref]
    members: list[Ref]
    collaborations: list[Ref]
    designated_partners: list[Ref]


class IssuePublic(BaseModel):
    """An issue raised in the dialogues, with how often and by whom."""

    iri: str
    label: str | None
    label_en: str | None
    strategy_areas: list[str]
    mentions: int
    raised_by: list[Ref]
    url: str


class IssuesPublic(BaseModel):
    """Every issue raised."""

    count: int
    data: list[IssuePublic]


class CollaborationPublic(BaseModel):
    """A documented collaboration and whether it crosses a municipal border."""

    iri: str
    label: str | None
    label_en: str | None
    domains: list[str]
    agreement_kind: str | None
    start: str | None
    members: list[Ref]
    crosses_border: bool
    url: str


class CollaborationsPublic(BaseModel):
    """Documented collaborations."""

    count: int
    data: list[CollaborationPublic]


class MeetingPublic(BaseModel):
    """A dialogue meeting: when, where, who."""

    iri: str
    date: str | None
    host: Ref | None
    mode: str | None
    participants: list[Ref]
    url: str


class RoundPublic(BaseModel):
    """A round of dialogues, with its meetings."""

    iri: str
    year: str | None
    label: str | None
    meetings: list[MeetingPublic]
    url: str


class DialoguesPublic(BaseModel):
    """Every dialogue round."""

    count: int
    data: list[RoundPublic]


def local_url(request: Request, iri: str) -> str:
    """Map an IRI under https://w3id.org/samverkan/ to this server's own route serving it."""
    if iri.startswith(BASE):
        return str(request.base_url) + iri[len(BASE) :]
    return iri


def fold(text: str) -> str:
    """Normalise text for search: NFC (so a composed and a decomposed ö agree), then case-folded."""
    return unicodedata.normalize("NFC", text).casefold()


def _select(
    runner: QueryRunner, settings: SettingsDep, sparql: str, **subs: ox.NamedNode | ox.Literal
) -> list[dict[str, Any]]:
    answer = runner.run(
        QueryRequest(
            sparql, timeout=settings.query_timeout, limit=settings.max_results, substitutions=subs or None
        )
    )
    return [{v: row[v] for v in answer.variables} for row in answer.rows]


def _value(term: Any) -> str | None:
    return None if term is None else str(term.value)


def _ref(request: Request, iri: str, labels: dict[str, str]) -> Ref:
    return Ref(iri=iri, label=labels.get(iri), url=local_url(request, iri))


def _labels(runner: QueryRunner, settings: SettingsDep, iris: Iterable[str]) -> dict[str, str]:
    iris = sorted(set(iris))
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)  # IRIs read from the store, not from the request
    rows = _select(
        runner,
        settings,
        f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s skos:prefLabel ?l "
        f'FILTER(LANGMATCHES(LANG(?l), "sv")) }}',
    )
    return {str(r["s"].value): str(r["l"].value) for r in rows}


def actor_id(iri: str) -> str:
    """Return the id of an actor in /api/actors/{id}: the slug for id:actor/, else the path after id:."""
    path = iri.removeprefix(str(ID))
    return path.removeprefix("actor/")


def _actor_iri(actor: str) -> str:
    """Return the IRI of an actor id.

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


@router.get("/municipalities", response_model=MunicipalitiesPublic)
def read_municipalities(request: Request, runner: RunnerDep, settings: SettingsDep) -> MunicipalitiesPublic:
    """List the municipalities with their codes."""
    rows = _select(
        runner,
        settings,
        """
        SELECT ?m ?code (SAMPLE(?sv) AS ?label) (SAMPLE(?en) AS ?labelEn) WHERE {
          ?m a sv:Municipality ; sv:municipalityCode ?code .
          OPTIONAL { ?m skos:prefLabel ?sv FILTER(LANGMATCHES(LANG(?sv), "sv")) }
          OPTIONAL { ?m skos:prefLabel ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
        } GROUP BY ?m ?code ORDER BY ?code""",
    )
    data = [
        MunicipalityPublic(
            id=str(r["code"].value),
            iri=str(r["m"].value),
            code=str(r["code"].value),
            label=_value(r["label"]),
            label_en=_value(r["labelEn"]),
            url=local_url(request, str(r["m"].value)),
        )
        for r in rows
    ]
    return MunicipalitiesPublic(count=len(data), data=data)


def _resolve_municipality(value: str) -> str:
    return f"{ID}municipality/{value}" if value.isdigit() else expand_iri(value)


def _resolve_category(value: str) -> str:
    iri = expand_iri(value) if ":" in value else f"{SV}{value}"
    if iri not in {str(c) for c in ACTOR_CLASSES}:
        names = ", ".join(str(c).removeprefix(str(SV)) for c in ACTOR_CLASSES)
        msg = f"category {value!r} is not an actor class; use one of {names}"
        raise QueryError(msg)
    return iri


@router.get("/actors", response_model=ActorsPublic)
def read_actors(
    request: Request,
    runner: RunnerDep,
    settings: SettingsDep,
    category: Annotated[
        str | None, Query(description="Actor class: CultureSchool, sv:Association, or an IRI")
    ] = None,
    municipality: Annotated[str | None, Query(description="Municipality code (0182) or IRI")] = None,
    q: Annotated[str | None, Query(description="Text in a Swedish or English name (any case)")] = None,
    search: Annotated[str | None, Query(description="The same as q")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ActorsPublic:
    """List actors, filtered by category, municipality and a search in their names."""
    q = q or search
    subs: dict[str, ox.NamedNode | ox.Literal] = {}
    if category:
        subs["category"] = ox.NamedNode(_resolve_category(category))
    wanted_municipality = _resolve_municipality(municipality) if municipality else None
    rows = _select(
        runner,
        settings,
        f"""
        SELECT ?actor ?category ?municipality ?label WHERE {{
          VALUES ?category {{ {_ACTOR_VALUES} }}
          ?actor a ?category .
          OPTIONAL {{ {MUNICIPALITY_OF} }}
          OPTIONAL {{ ?actor skos:prefLabel|skos:altLabel ?label }}
        }}""",
        **subs,
    )
    actors: dict[str, dict[str, Any]] = {}
    for r in rows:
        iri = str(r["actor"].value)
        a = actors.setdefault(iri, {"category": set(), "municipality": set(), "labels": {}, "names": set()})
        a["category"].add(str(r["category"].value))
        if r["municipality"] is not None:
            a["municipality"].add(str(r["municipality"].value))
        label = r["label"]
        if isinstance(label, ox.Literal):
            a["names"].add(fold(label.value))
            a["labels"].setdefault(label.language or "", label.value)
    needle = fold(q.strip()) if q and q.strip() else None
    matches = [
        (iri, a)
        for iri, a in actors.items()
        if (wanted_municipality is None or wanted_municipality in a["municipality"])
        and (needle is None or any(needle in n for n in a["names"]))
    ]
    matches.sort(key=lambda item: fold(item[1]["labels"].get("sv") or item[0]))
    page = matches[offset : offset + limit]
    labels = _labels(runner, settings, [m for _, a in page for m in a["municipality"]])
    data = [_actor_public(request, iri, a, labels) for iri, a in page]
    next_url = None
    if offset + limit < len(matches):
        params = {**request.query_params, "limit": str(limit), "offset": str(offset + limit)}
        next_url = str(request.url.replace_query_params(**params))
    return ActorsPublic(count=len(matches), limit=limit, offset=offset, next=next_url, data=data)


def _actor_public(request: Request, iri: str, a: dict[str, Any], labels: dict[str, str]) -> ActorPublic:
    specific = sorted(c for c in a["category"] if c != str(SV.Actor)) or [str(SV.Actor)]
    municipality = min(a["municipality"]) if a["municipality"] else None
    return ActorPublic(
        id=actor_id(iri),
        iri=iri,
        category=specific[0].removeprefix(str(SV)),
        label=a["labels"].get("sv"),
        label_en=a["labels"].get("en"),
        municipality=_ref(request, municipality, labels) if municipality else None,
        url=local_url(request, iri),
    )


@router.get("/actors/{actor:path}", response_model=ActorDetailPublic)
def read_actor(request: Request, actor: str, runner: RunnerDep, settings: SettingsDep) -> ActorDetailPublic:
    """Return one actor with its names, memberships, collaborations and dialogue partners."""
    iri = _actor_iri(actor)
    node = ox.NamedNode(iri)
    rows = _select(
        runner,
        settings,
        f"""
        SELECT ?actor ?category ?municipality ?label ?rel ?other WHERE {{
          VALUES ?category {{ {_ACTOR_VALUES} }}
          ?actor a ?category .
          {{ {MUNICIPALITY_OF} }}
          UNION {{ ?actor skos:prefLabel ?label BIND("pref" AS ?rel) }}
          UNION {{ ?actor skos:altLabel ?label BIND("alt" AS ?rel) }}
          UNION {{ ?other org:hasMember ?actor FILTER NOT EXISTS {{ ?other a sv:Collaboration }}
                   BIND("member_of" AS ?rel) }}
          UNION {{ ?actor org:hasMember ?other BIND("members" AS ?rel) }}
          UNION {{ ?other org:hasMember ?actor ; a sv:Collaboration BIND("collaborations" AS ?rel) }}
          UNION {{ ?actor sv:designatedDialoguePartner ?other BIND("designated_partners" AS ?rel) }}
        }}""",
        actor=node,
    )
    if not rows:
        msg = f"no actor {actor!r} (<{iri}>); GET /api/actors lists them"
        raise UnknownResourceError(msg)
    a: dict[str, Any] = {"category": set(), "municipality": set(), "labels": {}, "names": set()}
    alt: set[str] = set()
    ties: dict[str, set[str]] = {
        k: set() for k in ("member_of", "members", "collaborations", "designated_partners")
    }
    for r in rows:
        a["category"].add(str(r["category"].value))
        if r["municipality"] is not None:
            a["municipality"].add(str(r["municipality"].value))
        label = r["label"]
        if isinstance(label, ox.Literal):
            # The name in a language is its preferred label (the least, if several): never row order,
            # which differs between backends.
            if label.language and r["rel"] == ox.Literal("pref"):
                known = a["labels"].get(label.language)
                a["labels"][label.language] = label.value if known is None else min(known, label.value)
            alt.add(label.value)
        elif r["rel"] is not None and isinstance(r["other"], ox.NamedNode):
            ties[str(r["rel"].value)].add(r["other"].value)
    labels = _labels(runner, settings, [*a["municipality"], *(i for s in ties.values() for i in s)])
    base = _actor_public(request, iri, a, labels)
    alt.discard(base.label or "")
    alt.discard(base.label_en or "")
    refs = {k: [_ref(request, i, labels) for i in sorted(v)] for k, v in ties.items()}
    return ActorDetailPublic(
        **base.model_dump(exclude={"municipality"}),
        municipality=base.municipality,
        alt_labels=sorted(alt),
        member_of=refs["member_of"],
        members=refs["members"],
        collaborations=refs["collaborations"],
        designated_partners=refs["designated_partners"],
    )


@router.get("/issues", response_model=IssuesPublic)
def read_issues(request: Request, runner: RunnerDep, settings: SettingsDep) -> IssuesPublic:
    """List the issues raised in the dialogues, with who raised them."""
    rows = _select(
        runner,
        settings,
        """
        SELECT ?issue ?label ?labelEn ?area ?mention ?who WHERE {
          ?issue a skos:Concept ; skos:inScheme concept:issues .
          OPTIONAL { ?issue skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "sv")) }
          OPTIONAL { ?issue skos:prefLabel ?labelEn FILTER(LANGMATCHES(LANG(?labelEn), "en")) }
          OPTIONAL { ?issue sv:strategyArea ?area }
          OPTIONAL { ?mention sv:issue ?issue . OPTIONAL { ?mention sv:raisedBy ?who } }
        }""",
    )
    issues: dict[str, dict[str, Any]] = {}
    for r in rows:
        i = issues.setdefault(
            str(r["issue"].value), {"row": r, "mentions": set(), "who": set(), "areas": set()}
        )
        if r["area"] is not None:
            i["areas"].add(r["area"].value)
        if r["mention"] is not None:
            i["mentions"].add(r["mention"].value)
        if r["who"] is not None:
            i["who"].add(r["who"].value)
    labels = _labels(runner, settings, [w for i in issues.values() for w in i["who"]])
    data = [
        IssuePublic(
            iri=iri,
            label=_value(i["row"]["label"]),
            label_en=_value(i["row"]["labelEn"]),
            strategy_areas=sorted(i["areas"]),
            mentions=len(i["mentions"]),
            raised_by=[_ref(request, w, labels) for w in sorted(i["who"])],
            url=local_url(request, iri),
        )
        for iri, i in issues.items()
    ]
    data.sort(key=lambda x: (-x.mentions, fold(x.label or x.iri)))
    return IssuesPublic(count=len(data), data=data)


@router.get("/collaborations", response_model=CollaborationsPublic)
def read_collaborations(
    request: Request,
    runner: RunnerDep,
    settings: SettingsDep,
    domain: Annotated[str | None, Query(description="Domain slug, e.g. kulturskola")] = None,
    crosses_border: Annotated[
        bool | None, Query(description="Only those that cross (or do not cross) a border")
    ] = None,
) -> CollaborationsPublic:
    """List documented collaborations, with whether each crosses a municipal border."""
    # The filter binds its own variable, so a collaboration still lists all its domains.
    subs = {"wanted": ox.NamedNode(concept_iri("domains", domain))} if domain else {}
    wanted = "?c sv:domain ?wanted ." if domain else ""
    rows = _select(
        runner,
        settings,
        f"""
        SELECT ?c ?label ?labelEn ?domain ?kind ?start ?actor ?municipality WHERE {{
          ?c a sv:Collaboration ; sv:domain ?domain . {wanted}
          OPTIONAL {{ ?c skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "sv")) }}
          OPTIONAL {{ ?c skos:prefLabel ?labelEn FILTER(LANGMATCHES(LANG(?labelEn), "en")) }}
          OPTIONAL {{ ?c sv:agreementKind ?kind }}
          OPTIONAL {{ ?c schema:startDate ?start }}
          OPTIONAL {{ ?c org:hasMember ?actor OPTIONAL {{ {MUNICIPALITY_OF} }} }}
        }}""",
        **subs,
    )
    collabs: dict[str, dict[str, Any]] = {}
    for r in rows:
        c = collabs.setdefault(
            str(r["c"].value), {"row": r, "members": set(), "municipalities": set(), "domains": set()}
        )
        c["domains"].add(r["domain"].value)
        if r["actor"] is not None:
            c["members"].add(r["actor"].value)
        if r["municipality"] is not None:
            c["municipalities"].add(r["municipality"].value)
    labels = _labels(runner, settings, [m for c in collabs.values() for m in c["members"]])
    data = []
    for iri, c in collabs.items():
        r = c["row"]
        crosses = len(c["municipalities"]) > 1
        if crosses_border is not None and crosses != crosses_border:
            continue
        data.append(
            CollaborationPublic(
                iri=iri,
                label=_value(r["label"]),
                label_en=_value(r["labelEn"]),
                domains=sorted(c["domains"]),
                agreement_kind=_value(r["kind"]),
                start=_value(r["start"]),
                members=[_ref(request, m, labels) for m in sorted(c["members"])],
                crosses_border=crosses,
                url=local_url(request, iri),
            )
        )
    data.sort(key=lambda x: fold(x.label or x.iri))
    return CollaborationsPublic(count=len(data), data=data)


@router.get("/dialogues", response_model=DialoguesPublic)
def read_dialogues(request: Request, runner: RunnerDep, settings: SettingsDep) -> DialoguesPublic:
    """List the dialogue rounds with their meetings, hosts and participants."""
    rows = _select(
        runner,
        settings,
        """
        SELECT ?round ?year ?label ?meeting ?date ?host ?mode ?participant WHERE {
          ?round a sv:DialogueRound .
          OPTIONAL { ?round sv:year ?year }
          OPTIONAL { ?round skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "sv")) }
          OPTIONAL { ?meeting sv:inRound ?round ; a sv:DialogueMeeting .
                     OPTIONAL { ?meeting schema:startDate ?date } OPTIONAL { ?meeting sv:host ?host }
                     OPTIONAL { ?meeting sv:mode ?mode } OPTIONAL { ?meeting sv:participant ?participant } }
        }""",
    )
    rounds: dict[str, dict[str, Any]] = {}
    for r in rows:
        rd = rounds.setdefault(str(r["round"].value), {"row": r, "meetings": {}})
        if r["meeting"] is not None:
            m = rd["meetings"].setdefault(r["meeting"].value, {"row": r, "participants": set()})
            if r["participant"] is not None:
                m["participants"].add(r["participant"].value)
    iris = [p for rd in rounds.values() for m in rd["meetings"].values() for p in m["participants"]]
    iris += [
        str(m["row"]["host"].value)
        for rd in rounds.values()
        for m in rd["meetings"].values()
        if m["row"]["host"] is not None
    ]
    labels = _labels(runner, settings, iris)
    data = []
    for iri, rd in sorted(rounds.items()):
        meetings = []
        for miri, m in sorted(rd["meetings"].items()):
            mr = m["row"]
            host = _value(mr["host"])
            meetings.append(
                MeetingPublic(
                    iri=miri,
                    date=_value(mr["date"]),
                    host=_ref(request, host, labels) if host else None,
                    mode=_value(mr["mode"]),
                    participants=[_ref(request, p, labels) for p in sorted(m["participants"])],
                    url=local_url(request, miri),
                )
            )
        data.append(
            RoundPublic(
                iri=iri,
                year=_value(rd["row"]["year"]),
                label=_value(rd["row"]["label"]),
                meetings=meetings,
                url=local_url(request, iri),
            )
        )
    return DialoguesPublic(count=len(data), data=data)


__all__ = ["ACTOR_CLASSES", "actor_id", "fold", "local_url", "router"]
