"""Issue 14's "done when" on the curated data: the crossing rule everywhere, the questions the queries answer.

Every expected value is read from data/*.csv (the facts as entered) or ../shared/domain/FACTS-rounds.md
(quoted in the comments), never from a query's own output.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import project
from graph.analysis.borders import crosses_border
from graph.analysis.registry import run_measure
from graph.ingest import build
from graph.queries import workspace
from graph.queries.borders import read_crossings
from graph.queries.library import bind_parameters, read_named_queries
from graph.queries.resources import store_select
from graph.store.embedded import GraphStore
from graph.views.catalogue import make_view
from graph.views.report import make_report

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ID = "https://w3id.org/samverkan/id/"
RIK = ID + "collaboration/rik"


def table(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def reach_from_tables() -> dict[str, set[str]]:
    """The rule by hand on the tables: member codes, members' based_in, the scope (a county: all of it)."""
    county = {r["code"]: r["county"] for r in table("municipalities.csv")}
    based = {r["id"]: r["based_in"] for r in table("actors.csv") if r["based_in"]}
    reach: dict[str, set[str]] = defaultdict(set)
    for r in table("collaborations.csv"):
        reach[r["id"]]  # every collaboration, reaching something or not
        for scope in filter(None, r["scope"].split(";")):
            reach[r["id"]] |= {scope} if scope in county else {c for c, k in county.items() if k == scope}
    for r in table("collaboration_members.csv"):
        member = r["member"]
        if member in county:
            reach[r["collaboration"]].add(member)
        elif member in based:
            reach[r["collaboration"]].add(based[member])
    return dict(reach)


REACH = reach_from_tables()
CROSSING = {c for c, codes in REACH.items() if len(codes) >= 2}


@pytest.fixture(scope="module")
def curated() -> GraphStore:
    store = GraphStore.open(None)
    build.build_store(store, data_dir=DATA, ontology_dir=ROOT / "ontology")
    return store


def run(store: GraphStore, name: str, **values: str) -> list[dict[str, str]]:
    named = read_named_queries(ROOT / "graph" / "queries")[name]
    result = store.query(named.sparql, substitutions=bind_parameters(named, values) or None)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def test_the_tables_make_rik_cross() -> None:
    # FACTS-rounds.md section 3: RIK is the region's cross-border programme; its parties have no municipality.
    assert len(REACH["rik"]) == 26
    assert "rik" in CROSSING


def test_read_crossings_matches_the_tables(curated: GraphStore) -> None:
    found = read_crossings(curated)
    assert {slug(c): {slug(m) for m in x.municipalities} for c, x in found.items()} == REACH
    assert found[RIK].scopes == {ID + "county/01"}


def test_every_consumer_counts_rik_as_crossing(curated: GraphStore) -> None:
    queried = {
        slug(r["collaboration"]): int(r["municipalities"])
        for r in run(curated, "cross-border-collaborations")
    }
    assert queried == {c: len(REACH[c]) for c in CROSSING}
    snap = project.read_snapshot(curated)
    verdicts = {slug(c.iri): crosses_border(snap, c, None) for c in snap.collaborations}
    assert {c for c, v in verdicts.items() if v} == CROSSING
    listed = workspace.read_all_collaborations(store_select(curated), "sv")
    assert {slug(c["iri"]) for c in listed if c["crosses_border"]} == CROSSING
    rows = {
        str(r["code"]): r["crossBorder"]
        for r in workspace.read_municipality_rows(store_select(curated), "sv")
    }
    assert rows == {m: sum(1 for c in CROSSING if m in REACH[c]) for m in rows}


def test_border_share_counts_rik(curated: GraphStore) -> None:
    # kulturskola in 2017 (collaborations.csv): RIK (2016-09-01 to 2019-09) and Solna–Sundbyberg (from 2015).
    rows = {(r["domain"], r["year"]): r for r in run_measure("border_share", curated).records()}
    assert (rows[("kulturskola", 2017)]["collaborations"], rows[("kulturskola", 2017)]["cross_border"]) == (
        2,
        2,
    )


def test_map_counts_county_wide_collaborations_in_every_municipality(curated: GraphStore) -> None:
    view = make_view(curated, "municipalities")
    assert view.map is not None
    values = view.map["measures"]["collaborations"]["values"]
    assert {slug(m): int(v) for m, v in values.items()} == {
        m: sum(1 for c in CROSSING if m in REACH[c]) for m in REACH["rik"]
    }
    rik_name = next(r["name_sv"] for r in table("collaborations.csv") if r["id"] == "rik")
    assert any(rik_name in note for note in view.notes_legend)


def test_report_2019_names_rik_and_leaves_no_municipality_out(curated: GraphStore) -> None:
    report = make_report(curated, "2019")
    figures = {x.key: x for _, _, items in report.sections for x in items if x.kind == "figure"}
    rik_name = next(r["name_sv"] for r in table("collaborations.csv") if r["id"] == "rik")
    assert any(rik_name in note for note in figures["municipalities"].view.notes_legend)
    isolated = next(x for _, _, items in report.sections for x in items if x.key == "isolated")
    assert isolated.rows == []


def test_issue_reach_credits_an_unnamed_subset_to_its_group_only(curated: GraphStore) -> None:
    subset_of = {r["id"]: r["subset_of"] for r in table("actors.csv") if r["subset_of"]}
    group_name = {r["id"]: r["name_sv"] for r in table("actors.csv")}
    groups: dict[str, set[str]] = defaultdict(set)  # issue -> names of the groups some of which raised it
    for r in table("mentions.csv"):
        for speaker in r["raised_by"].split(";"):
            if speaker in subset_of:
                groups[r["issue"]].add(group_name[subset_of[speaker]])
    # FACTS-rounds.md 20-2 and 20-3: "flera av länets kommuner", some of the 26, unnamed.
    assert groups["efficiency-pressure"] == {group_name["kommuner-26"]}
    assert groups["culture-in-urban-development"] == {group_name["kommuner-26"]}
    rows = [r for r in run_measure("issue_reach", curated).records() if r["year"] is None]
    assert {slug(r["issue"]): r["some_of"] for r in rows if r["some_of"]} == {
        issue: "; ".join(sorted(names)) for issue, names in groups.items()
    }
    # No municipality is credited with what only an unnamed part of a group said.
    for r in rows:
        if slug(r["issue"]) in {"efficiency-pressure", "culture-in-urban-development"}:
            assert r["municipalities"] == 0, r


def test_partners_in_2020_and_2023(curated: GraphStore) -> None:
    # FACTS-rounds.md 2020: "länets 26 kommuner, … (KLYS), regionala centrumbildningar (tolv till antalet)
    # samt Ideell kulturallians Region Stockholm"; from 2023 also "länsbildningsförbundet" and "de tio
    # studieförbundens distriktsorganisationer".
    partners = defaultdict(set)
    for r in table("partners.csv"):
        partners[r["year"]].add(r["partner"])
    municipalities = {r["code"] for r in table("municipalities.csv")}
    assert partners["2020"] == municipalities | {"klys", "centrumbildningar-stockholm", "ika-stockholm"}
    for year in ("2020", "2023"):
        answered = {slug(r["partner"]) for r in run(curated, "dialogue-partners-in-year", year=year)}
        assert answered == partners[year], year
    assert partners["2023"] - partners["2020"] == {
        "stockholms-lans-bildningsforbund",
        "studieforbundens-distrikt",
    }


@pytest.mark.parametrize("year", ["2020", "2021", "2022", "2023", "2024"])
def test_issues_per_round_with_the_speakers_of_the_tables(curated: GraphStore, year: str) -> None:
    subset_of = {r["id"]: r["subset_of"] for r in table("actors.csv") if r["subset_of"]}
    expected = {
        (r["issue"], speaker, r["stance"])
        for r in table("mentions.csv")
        if r["round"] == year
        for speaker in r["raised_by"].split(";")
    }
    rows = run(curated, "issues-by-round", round=f"id:round/{year}")
    assert {(slug(r["issue"]), slug(r["speaker"]), slug(r["stance"])) for r in rows} == expected
    for r in rows:
        assert slug(r.get("unnamedSubsetOf", "")) == subset_of.get(slug(r["speaker"]), ""), r


def test_every_collaboration_member_with_role_and_period(curated: GraphStore) -> None:
    expected = set()
    for r in table("collaboration_members.csv"):
        for role in r["role"].split(";"):
            expected.add((r["collaboration"], r["member"], role, r["start"], r["end"]))
    rows = run(curated, "collaboration-members")
    answered = {
        (slug(r["collaboration"]), slug(r["member"]), slug(r["role"]), r.get("start", ""), r.get("end", ""))
        for r in rows
    }
    assert answered == expected


def test_speaker_lists_say_an_unnamed_subset_is_not_named(curated: GraphStore) -> None:
    subsets = {r["id"]: r["name_sv"] for r in table("actors.csv") if r["subset_of"]}
    issues_by = {
        r["issue"] for r in table("mentions.csv") if "flera-aktorer-2021" in r["raised_by"].split(";")
    }
    issue = sorted(issues_by)[0]
    mentions = workspace.read_mentions(
        store_select(curated), "sv", var="i", iri=f"{ID[:-3]}concept/issue/{issue}"
    )
    speakers = {m["whoLabel"] for m in mentions if m["who"] == ID + "actor/flera-aktorer-2021"}
    assert speakers == {subsets["flera-aktorer-2021"][:-1] + "; ej namngivna)"}
    report = make_report(curated, "2021")
    issues = next(x for _, _, items in report.sections for x in items if x.key == "issues")
    assert any(subsets["flera-aktorer-2021"][:-1] + "; ej namngivna)" in row[-2] for row in issues.rows)


def test_issues_in_two_or_more_rounds_follow_the_tables_and_the_scheme(curated: GraphStore) -> None:
    # An issue counts in a round when it, or an issue one skos:broader below it, was raised (mentions.csv;
    # ontology/scheme-issues.ttl says which issues collect which).
    from rdflib import Graph
    from rdflib.namespace import SKOS

    scheme = Graph().parse(ROOT / "ontology" / "scheme-issues.ttl")
    broader = defaultdict(set)
    for narrow, broad in scheme.subject_objects(SKOS.broader):
        broader[slug(str(narrow))].add(slug(str(broad)))
    rounds = defaultdict(set)
    for r in table("mentions.csv"):
        for issue in {r["issue"], *broader[r["issue"]]}:
            rounds[issue].add(r["round"])
    expected = {i: (len(rs), min(rs), max(rs)) for i, rs in rounds.items() if len(rs) >= 2}
    rows = run(curated, "issues-in-several-rounds")
    assert {slug(r["issue"]): (int(r["rounds"]), r["firstYear"], r["lastYear"]) for r in rows} == expected
