"""Filter values as people write them: slugs, kind/slug, prefixed names and IRIs; unknown ones are errors."""

from __future__ import annotations

import pytest

from graph.analysis import run_measure
from graph.errors import ParameterError
from graph.namespaces import CONCEPT, ID, SV
from graph.project import Filters, project_actors, read_snapshot
from graph.project.filters import find, group_option, normalise_filters
from graph.store.embedded import GraphStore

ROUNDS = {str(ID["round/2019"]), str(ID["round/2020"])}


def last(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2020", id="slug"),
        pytest.param(" 2020 ", id="spaces"),
        pytest.param("round/2020", id="kind-slug"),
        pytest.param("id:round/2020", id="id-path"),
        pytest.param("round:2020", id="prefixed"),
        pytest.param(str(ID["round/2020"]), id="iri"),
    ],
)
def test_find_reads_every_spelling(text: str) -> None:
    assert find("round", text, ROUNDS, short=last) == str(ID["round/2020"])


def test_find_lists_the_known_values_of_an_unknown_one() -> None:
    with pytest.raises(ParameterError, match=r"unknown round '1999'; the data know: 2019, 2020$"):
        find("round", "1999", ROUNDS, short=last)


def test_find_refuses_an_ambiguous_slug() -> None:
    known = {str(ID["actor/nacka"]), str(ID["constellation/nacka"])}
    with pytest.raises(ParameterError, match=r"ambiguous: it names actor/nacka, constellation/nacka"):
        find("grouping", "nacka", known, short=last)
    assert find("grouping", "constellation/nacka", known, short=last) == str(ID["constellation/nacka"])


def test_group_option_reads_a_constellation_slug_as_one() -> None:
    assert group_option(None, "2020-nacka") == "constellation/2020-nacka"
    assert group_option("sodertorn", None) == "sodertorn"
    with pytest.raises(ParameterError, match="not both"):
        group_option("sodertorn", "2020-nacka")


def test_normalise_filters_gives_the_forms_the_projections_compare(region: GraphStore) -> None:
    snap = read_snapshot(region)
    filters = Filters(
        round="2020", domain="domain:kulturskola", grouping="sodertorn", category="cultureschool"
    )
    assert normalise_filters(filters, snap) == Filters(
        round=str(ID["round/2020"]),
        domain="kulturskola",
        grouping=str(ID["actor/sodertorn"]),
        category="CultureSchool",
    )
    assert normalise_filters(Filters(domain=str(CONCEPT["domain/idrott"])), snap).domain == "idrott"
    assert normalise_filters(Filters(category=str(SV.Municipality)), snap).category == "Municipality"


@pytest.mark.parametrize(
    "grouping",
    [
        pytest.param("sodertorn", id="slug"),
        pytest.param("actor/sodertorn", id="kind-slug"),
        pytest.param(str(ID["actor/sodertorn"]), id="iri"),
    ],
)
def test_grouping_slug_and_iri_select_the_same_members(region: GraphStore, grouping: str) -> None:
    rows = run_measure("degree", region, filters=Filters(grouping=grouping)).rows
    assert {r[0] for r in rows} == {str(ID["municipality/0182"]), str(ID["municipality/0120"])}


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        pytest.param(Filters(grouping="no-such-thing"), "unknown grouping or constellation 'no-such-thing'"),
        pytest.param(Filters(domain="nope"), "unknown domain 'nope'; the data know: idrott, kulturskola"),
        pytest.param(Filters(round="2031"), "unknown round '2031'; the data know: 2019, 2020"),
        pytest.param(Filters(category="Castle"), "unknown category 'Castle'"),
    ],
)
def test_unknown_filter_values_are_errors_not_empty_answers(
    region: GraphStore, filters: Filters, message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        run_measure("degree", region, filters=filters)
    with pytest.raises(ParameterError, match=message):
        project_actors(region, filters=filters)


def test_unknown_grouping_lists_groupings_and_constellations(region: GraphStore) -> None:
    with pytest.raises(ParameterError) as caught:
        run_measure("isolates", region, filters=Filters(grouping="no-such-thing"))
    assert "actor/sodertorn" in str(caught.value)
    assert "constellation/2020-nacka" in str(caught.value)
