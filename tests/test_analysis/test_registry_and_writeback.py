"""The registry, the Result shape, and writing a result back into the store."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from graph.analysis import MEASURES, Result, list_measures, run_measure
from graph.analysis.writeback import write_result
from graph.errors import UnknownResourceError
from graph.namespaces import ID
from graph.store.embedded import GraphStore


def test_registry_describes_every_measure() -> None:
    families = {m.family for m in list_measures()}
    assert families == {"centrality", "brokerage", "communities", "borders", "issues", "strategy"}
    for m in list_measures():
        assert m.description
        assert m.describe()["name"] == m.name


@pytest.mark.parametrize("name", list(MEASURES))
def test_every_measure_runs_and_serialises(region: GraphStore, name: str) -> None:
    result = run_measure(name, region)
    assert isinstance(result, Result)
    data = json.loads(result.to_json())
    assert data["measure"] == name
    assert data["parameters"]["filters"]["year"] is None
    assert data["data_date"]
    rows = list(csv.reader(io.StringIO(result.to_csv())))
    assert rows[0] == list(result.columns)
    assert len(rows) == len(result.rows) + 1


def test_run_measure_refuses_unknown_names_and_parameters(region: GraphStore) -> None:
    with pytest.raises(UnknownResourceError, match="unknown measure"):
        run_measure("centralness", region)
    with pytest.raises(ValueError, match="no parameter"):
        run_measure("degree", region, params={"colour": "red"})
    with pytest.raises(ValueError, match="one of"):
        run_measure("degree", region, params={"network": "persons"})
    with pytest.raises(ValueError, match="is not int"):
        run_measure("degree", region, params={"top": "many"})


def test_write_back_is_queryable_next_to_the_facts(region: GraphStore) -> None:
    result = run_measure("betweenness", region, params={"top": 3})
    at = datetime(2020, 3, 1, 12, 0, tzinfo=UTC)
    iri = write_result(region, result, at=at)
    assert iri.endswith("/analysis/betweenness/20200301T120000.000000Z")
    rows = region.select(
        """SELECT ?measure ?when ?used WHERE { GRAPH graph:meta {
             ?g a sv:AnalysisResult ; sv:measure ?measure ; prov:generatedAtTime ?when ;
                prov:wasGeneratedBy ?act . ?act prov:used ?used } }"""
    )
    assert {r["measure"].value for r in rows} == {"betweenness"}  # type: ignore[union-attr]
    assert {r["used"].value for r in rows} == set(result.graphs)  # type: ignore[union-attr]
    top = region.select(
        f"""PREFIX col: <https://w3id.org/samverkan/def/column#>
            SELECT ?node ?value ?label WHERE {{ GRAPH <{iri}> {{
              ?row schema:position 1 ; col:node ?node ; col:betweenness ?value ; col:label ?label }} }}"""
    )
    assert top[0]["node"].value == str(ID["municipality/0182"])  # type: ignore[union-attr]
    assert top[0]["label"].value == "Nacka kommun"  # type: ignore[union-attr]
    assert float(top[0]["value"].value) == pytest.approx(float(result.rows[0][4]))  # type: ignore[arg-type,union-attr]
