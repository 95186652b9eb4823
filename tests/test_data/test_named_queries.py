"""The named queries answer the strategists' questions from the curated data of data/, hypotheses apart."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.ingest import build
from graph.queries.library import bind_parameters, read_named_queries
from graph.store.embedded import GraphStore

ROOT = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/samverkan/id/"


@pytest.fixture(scope="module")
def curated() -> GraphStore:
    store = GraphStore.open(None)
    build.build_store(store, data_dir=ROOT / "data", ontology_dir=ROOT / "ontology")
    return store


def run(store: GraphStore, name: str, **values: str) -> list[dict[str, str]]:
    named = read_named_queries(ROOT / "graph" / "queries")[name]
    result = store.query(named.sparql, substitutions=bind_parameters(named, values) or None)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def slugs(rows: list[dict[str, str]], column: str) -> set[str]:
    return {r[column].rsplit("/", 1)[-1] for r in rows if column in r}


def test_partners_of_2020_and_of_2023(curated: GraphStore) -> None:
    in_2020 = slugs(run(curated, "dialogue-partners-in-year", year="2020"), "partner")
    in_2023 = slugs(run(curated, "dialogue-partners-in-year", year="2023"), "partner")
    assert len(in_2020) == 29
    assert {"klys", "centrumbildningar-stockholm", "ika-stockholm", "0182"} <= in_2020
    assert in_2023 - in_2020 == {"stockholms-lans-bildningsforbund", "studieforbundens-distrikt"}


@pytest.mark.parametrize("year", ["2020", "2021", "2022", "2023", "2024"])
def test_issues_of_every_round_with_their_speakers(curated: GraphStore, year: str) -> None:
    rows = run(curated, "issues-by-round", round=f"id:round/{year}")
    assert rows, year
    assert all(r["speaker"] and r["quote"] and r["source"] for r in rows), year
    assert "kommuner-26" not in slugs(rows, "speaker")


def test_issues_by_round_marks_a_subset_and_leaves_hypotheses_out(curated: GraphStore) -> None:
    rows = run(curated, "issues-by-round", round="id:round/2020")
    several = [r for r in rows if r["speaker"].endswith("/flera-av-lanets-kommuner")]
    assert {r["unnamedSubsetOf"] for r in several} == {ID + "actor/kommuner-26"}
    assert "regional-culture-support" not in slugs(run(curated, "issues-by-round"), "issue")
    with_hypotheses = run(curated, "issues-by-round", round="id:round/2023", inferred="true")
    marked = {r["issue"].rsplit("/", 1)[-1]: r.get("hypothesis") for r in with_hypotheses}
    assert marked["regional-culture-support"] == "https://w3id.org/samverkan/graph/inferred/mentions-read"
    assert marked["importance-of-municipalities"] is None


def test_issues_raised_in_two_or_more_rounds(curated: GraphStore) -> None:
    rows = run(curated, "issues-in-several-rounds")
    assert {
        r["issue"].rsplit("/", 1)[-1]: (int(r["rounds"]), r["firstYear"], r["lastYear"]) for r in rows
    } == {
        "pandemic-effects": (3, "2020", "2022"),
        "associations": (2, "2020", "2021"),
        "municipal-resources": (2, "2020", "2022"),
    }
    assert run(curated, "issues-in-several-rounds", k="4") == []


def test_rik_crosses_municipal_borders(curated: GraphStore) -> None:
    rows = run(curated, "cross-border-collaborations")
    reach = {r["collaboration"].rsplit("/", 1)[-1]: int(r["municipalities"]) for r in rows}
    assert reach["rik"] == 26
    assert reach["kulturskola-solna-sundbyberg"] == 2
    assert "granslos-kulturskola" not in reach
    with_hypotheses = run(curated, "cross-border-collaborations", inferred="true")
    assert "granslos-kulturskola" in slugs(with_hypotheses, "collaboration")


def test_collaboration_members_with_roles_and_periods(curated: GraphStore) -> None:
    rows = run(curated, "collaboration-members", collaboration="id:collaboration/rik")
    roles = {(r["member"].rsplit("/", 1)[-1], r["role"].rsplit("/", 1)[-1]) for r in rows}
    assert ("fskf", "coordinator") in roles
    assert ("rik-kommuner", "funder") in roles
    fskf = next(r for r in rows if r["member"].endswith("/fskf"))
    assert (fskf["start"], fskf["end"]) == ("2016-09-01", "2019-09")
    every = run(curated, "collaboration-members")
    assert len(slugs(every, "collaboration")) == 9


def test_groups_column_is_unbound_without_groups(curated: GraphStore) -> None:
    rows = run(curated, "issues-raised-by-k-municipalities", k="0")
    assert all(r.get("raisedByGroups", "x") != "" for r in rows)
    by_issue = {r["issue"].rsplit("/", 1)[-1]: r for r in rows}
    assert "raisedByGroups" not in by_issue["arms-length"]
    assert "Flera av länets kommuner" in by_issue["efficiency-pressure"]["raisedByGroups"]
    assert "regional-culture-support" not in by_issue
    assert "regional-culture-support" in slugs(
        run(curated, "issues-raised-by-k-municipalities", k="0", inferred="true"), "issue"
    )


def test_members_of_group_leave_assumed_constellations_out(curated: GraphStore) -> None:
    assert run(curated, "members-of-group", group="id:constellation/2020-sodertorn") == []
    assumed = run(curated, "members-of-group", group="id:constellation/2020-sodertorn", inferred="true")
    assert len(assumed) == 8
    assert {r["hypothesis"] for r in assumed} == {
        "https://w3id.org/samverkan/graph/inferred/constellations-2020"
    }
    facts = run(curated, "members-of-group", group="id:constellation/2020-nacka", inferred="true")
    assert len(facts) == 5
    assert not [r for r in facts if "hypothesis" in r]


@pytest.mark.parametrize("category", ["folk-high-school", "category:folk-high-school"])
def test_actors_of_a_category_in_a_municipality(curated: GraphStore, category: str) -> None:
    rows = run(curated, "actors-in-municipality", category=category, municipality="id:municipality/0180")
    assert slugs(rows, "actor") == {
        "kista-folkhogskola",
        "stadsmissionens-folkhogskola",
        "sta-birgitta-folkhogskola",
    }
    assert {r["category"] for r in rows} == {
        "https://w3id.org/samverkan/concept/actor-category/folk-high-school"
    }
