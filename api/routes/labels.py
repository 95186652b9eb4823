"""Labels beside IRIs: ``/api/labels`` names a results table's IRIs for people (the query page uses it)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import RunnerDep, SettingsDep
from api.routes.resources import _selector
from graph.queries.labels import MAX_IRIS, read_labels_for

router = APIRouter(prefix="/api/labels", tags=["resources"])
LabelLang = Literal["sv", "en"]


class LabelPublic(BaseModel):
    """An IRI with its label in the asked language (null when the store has none), prefixed form and link."""

    iri: str
    label: str | None
    compact: str
    href: str | None


class LabelsPublic(BaseModel):
    """Labels of the asked IRIs, in the order asked."""

    lang: LabelLang
    data: list[LabelPublic]


class LabelsAsked(BaseModel):
    """The IRIs to label (a results page's worth) and the language."""

    iris: list[str] = Field(description=f"at most {MAX_IRIS}")
    lang: LabelLang = "sv"


def _answer(runner: RunnerDep, settings: SettingsDep, iris: list[str], lang: LabelLang) -> LabelsPublic:
    labelled = read_labels_for(_selector(runner, settings), iris, lang)
    return LabelsPublic(
        lang=lang,
        data=[LabelPublic(iri=x.iri, label=x.label, compact=x.compact, href=x.href) for x in labelled],
    )


@router.get("", response_model=LabelsPublic)
def read_labels(
    runner: RunnerDep,
    settings: SettingsDep,
    iri: Annotated[list[str], Query(description=f"An IRI to label; repeat for more (at most {MAX_IRIS})")],
    lang: Annotated[LabelLang, Query()] = "sv",
) -> LabelsPublic:
    """Label IRIs in Swedish or English, with their prefixed form and a link."""
    return _answer(runner, settings, iri, lang)


@router.post("", response_model=LabelsPublic)
def read_labels_posted(runner: RunnerDep, settings: SettingsDep, asked: LabelsAsked) -> LabelsPublic:
    """Label IRIs given in a JSON body (``{"iris": [...], "lang": "sv"}``), for lists too long for a URL."""
    return _answer(runner, settings, asked.iris, asked.lang)


__all__ = ["router"]
