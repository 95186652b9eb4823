"""Resources as JSON: municipalities, actors, issues, collaborations and dialogue rounds.

The reading is graph.queries.resources; a route parses its parameters, runs the reader under the app's time
limit and row cap, and shapes the records into the answer with this server's addresses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from api.deps import RunnerDep, SettingsDep
from api.engine import QueryRunner
from api.engine import Request as QueryRequest
from api.settings import Settings
from graph.errors import RowLimitError
from graph.namespaces import BASE
from graph.queries import resources as read
from graph.queries.resources import Select, Term
from graph.store.protocol import Row

router = APIRouter(prefix="/api", tags=["resources"])


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


def _selector(runner: QueryRunner, settings: Settings) -> Select:
    """Run the readers' queries in the app's workers, under its time limit and row cap.

    A reader's answer past the cap raises ``RowLimitError``: its counts and lists would be wrong, unsaid.
    """

    def select(sparql: str, substitutions: Mapping[str, Term]) -> list[Row]:
        answer = runner.run(
            QueryRequest(
                sparql,
                timeout=settings.query_timeout,
                limit=settings.max_results,
                substitutions=substitutions or None,
            )
        )
        if answer.more:
            msg = (
                f"this page reads more than {settings.max_results:,} rows (the server's row cap,"
                " SAMVERKAN_MAX_RESULTS); it is not shown from part of them. Build the aggregates"
                " (`samverkan aggregates rebuild`) or raise the cap"
            )
            raise RowLimitError(msg)
        return [{v: row[v] for v in answer.variables} for row in answer.rows]

    return select


def _linked(request: Request, value: Any) -> Any:
    """A reader's record as plain data, each record with an IRI given its ``url`` here, for the models."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _linked(request, getattr(value, f.name)) for f in dataclasses.fields(value)}
        if "iri" in fields:
            fields["url"] = local_url(request, fields["iri"])
        return fields
    if isinstance(value, list):
        return [_linked(request, v) for v in value]
    return value


@router.get("/municipalities", response_model=MunicipalitiesPublic)
def read_municipalities(request: Request, runner: RunnerDep, settings: SettingsDep) -> MunicipalitiesPublic:
    """List the municipalities with their codes."""
    data = [
        MunicipalityPublic.model_validate({"id": m.code, **_linked(request, m)})
        for m in read.read_municipalities(_selector(runner, settings))
    ]
    return MunicipalitiesPublic(count=len(data), data=data)


@router.get("/actors", response_model=ActorsPublic)
def read_actors(
    request: Request,
    runner: RunnerDep,
    settings: SettingsDep,
    category: Annotated[
        str | None,
        Query(description="Actor category: culture-school, category:association, CultureSchool, or an IRI"),
    ] = None,
    municipality: Annotated[str | None, Query(description="Municipality code (0182) or IRI")] = None,
    q: Annotated[str | None, Query(description="Text in a Swedish or English name (any case)")] = None,
    search: Annotated[str | None, Query(description="The same as q")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ActorsPublic:
    """List actors, filtered by category, municipality and a search in their names."""
    page = read.read_actors(
        _selector(runner, settings),
        category=category,
        municipality=municipality,
        text=q or search,
        limit=limit,
        offset=offset,
    )
    next_url = None
    if offset + limit < page.count:
        params = {**request.query_params, "limit": str(limit), "offset": str(offset + limit)}
        next_url = str(request.url.replace_query_params(**params))
    data = [ActorPublic.model_validate(_linked(request, a)) for a in page.data]
    return ActorsPublic(count=page.count, limit=limit, offset=offset, next=next_url, data=data)


@router.get("/actors/{actor:path}", response_model=ActorDetailPublic)
def read_actor(request: Request, actor: str, runner: RunnerDep, settings: SettingsDep) -> ActorDetailPublic:
    """Return one actor with its names, memberships, collaborations and dialogue partners."""
    detail = read.read_actor(_selector(runner, settings), actor)
    # The actor's own fields, then the lists of the detail (whose ``actor`` the model does not take).
    return ActorDetailPublic.model_validate({**_linked(request, detail.actor), **_linked(request, detail)})


@router.get("/issues", response_model=IssuesPublic)
def read_issues(request: Request, runner: RunnerDep, settings: SettingsDep) -> IssuesPublic:
    """List the issues raised in the dialogues, with who raised them."""
    data = [
        IssuePublic.model_validate(_linked(request, i)) for i in read.read_issues(_selector(runner, settings))
    ]
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
    found = read.read_collaborations(
        _selector(runner, settings), domain=domain, crosses_border=crosses_border
    )
    data = [CollaborationPublic.model_validate(_linked(request, c)) for c in found]
    return CollaborationsPublic(count=len(data), data=data)


@router.get("/dialogues", response_model=DialoguesPublic)
def read_dialogues(request: Request, runner: RunnerDep, settings: SettingsDep) -> DialoguesPublic:
    """List the dialogue rounds with their meetings, hosts and participants."""
    data = [
        RoundPublic.model_validate(_linked(request, r))
        for r in read.read_dialogues(_selector(runner, settings))
    ]
    return DialoguesPublic(count=len(data), data=data)


__all__ = ["local_url", "router"]
