"""Issues and the strategy's areas on the small region."""

from __future__ import annotations

from graph.analysis import run_measure
from graph.namespaces import CONCEPT
from graph.project import Filters
from graph.store.embedded import GraphStore

ARMS = str(CONCEPT["issue/arms-length"])


def test_issue_reach_counts_actors_and_municipalities(region: GraphStore) -> None:
    rows = run_measure("issue_reach", region).records()
    total = next(r for r in rows if r["issue"] == ARMS and r["year"] is None)
    assert (total["mentions"], total["actors"], total["municipalities"]) == (3, 3, 3)
    at_meeting = next(r for r in rows if r["issue"] == ARMS and r["constellation"].endswith("2020-nacka"))
    assert at_meeting["municipalities"] == 1


def test_issue_trend_compares_rounds(region: GraphStore) -> None:
    result = run_measure("issue_trend", region)
    rows = {r["issue"]: r for r in result.records()}
    assert rows[ARMS]["municipalities_by_round"] == "2019:1 2020:2"
    assert rows[ARMS]["trend"] == "rising"
    assert rows[str(CONCEPT["issue/folkbildning-support"])]["trend"] == "new"
    assert "not a test" in result.notes[0]


def test_strategy_areas_and_gaps(region: GraphStore) -> None:
    result = run_measure("strategy_areas", region)
    rows = {r["area"]: r for r in result.records()}
    assert [r["area"] for r in result.records()][:4] == [
        "participation",
        "artistic-development",
        "digitalisation",
        "planning",
    ]
    assert (rows["participation"]["issues"], rows["participation"]["collaborations"]) == (1, 2)
    assert rows["planning"]["collaborations"] == 1
    assert any(n.startswith("planning: collaborations but no issue") for n in result.notes)
    filtered = {
        r["area"]: r for r in run_measure("strategy_areas", region, filters=Filters(year=2016)).records()
    }
    assert filtered["participation"]["collaborations"] == 1


def test_issue_reach_counts_no_members_of_a_raising_group(data_dir, ontology_dir) -> None:
    # The press release gives the 2020 savings pressure to "flera av länets kommuner", recorded as an unnamed
    # subset of the 26 (and the analysis gives it to the heads of culture and leisure as a group): neither may
    # count as municipalities. The arm's-length concern is the administration's own: no municipality either.
    from graph.ingest.build import build_store

    store = GraphStore.open(None)
    build_store(store, data_dir=data_dir, ontology_dir=ontology_dir)
    rows = run_measure("issue_reach", store).records()
    savings = next(r for r in rows if r["issue"].endswith("/efficiency-pressure") and r["year"] is None)
    assert (savings["mentions"], savings["municipalities"]) == (2, 0)
    total = next(r for r in rows if r["issue"] == ARMS and r["year"] is None)
    assert total["municipalities"] == 0
