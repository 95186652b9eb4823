"""The store commands, run as a user runs them: exit codes, messages, and a store left as it was."""

import json

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.store.embedded import GraphStore

runner = CliRunner()

# A collaboration with one party breaks the shapes; its own IRI, because an earlier test adds a valid
# collaboration under the shared one (a file is checked together with what the store holds).
LONE_COLLABORATION_IRI = "bibliotek-nacka-ensam"

NEW_COLLABORATION = """@prefix collaboration: <https://w3id.org/samverkan/id/collaboration/> .
@prefix municipality: <https://w3id.org/samverkan/id/municipality/> .
@prefix domain: <https://w3id.org/samverkan/concept/domain/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix sv: <https://w3id.org/samverkan/def#> .

collaboration:bibliotek-nacka-varmdo a sv:Collaboration ;
    skos:prefLabel "Bibliotekssamverkan Nacka–Värmdö"@sv ;
    org:hasMember municipality:0182{second_member} ;
    org:purpose domain:bibliotek .
"""


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "store"
    result = runner.invoke(app, ["build", "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _lone_collaboration() -> str:
    text = NEW_COLLABORATION.format(second_member="")
    return text.replace("bibliotek-nacka-varmdo", LONE_COLLABORATION_IRI)


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_query_lists_the_26_municipalities_with_codes(store_dir):
    result = invoke(
        "query",
        "SELECT ?code ?name WHERE { ?m a sv:Municipality ; sv:municipalityCode ?code ; skos:prefLabel ?name"
        ' FILTER(LANG(?name) = "sv") } ORDER BY ?code',
        "--store",
        store_dir,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert len(rows) == 26
    assert rows[0]["code"]["value"] == "0114"
    assert {"code": "0182", "name": "Nacka kommun"} in [
        {"code": r["code"]["value"], "name": r["name"]["value"]} for r in rows
    ]


def test_query_which_municipalities_met_in_nacka_2020(store_dir):
    result = invoke(
        "query",
        "SELECT ?code WHERE { ?meeting sv:host municipality:0182 ; sv:inRound round:2020 ;"
        " sv:participant ?m . ?m sv:municipalityCode ?code } ORDER BY ?code",
        "--store",
        store_dir,
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["code", "0120", "0180", "0182", "0184", "0186"]


def test_query_refuses_service(store_dir):
    result = invoke(
        "query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "--store", store_dir
    )
    assert result.exit_code == 1
    assert "SERVICE is not allowed" in result.output


def test_query_syntax_error_exits_1_with_position(store_dir):
    result = invoke("query", "SELECT ?x WHERE { ?x ", "--store", store_dir)
    assert result.exit_code == 1
    assert "syntax error" in result.output


def test_import_valid_file_adds_its_graph(store_dir, tmp_path):
    path = tmp_path / "bibliotek.ttl"
    path.write_text(NEW_COLLABORATION.format(second_member=", municipality:0120"), encoding="utf-8")
    result = invoke("import", path, "--store", store_dir)
    assert result.exit_code == 0, result.output
    store = GraphStore.open(store_dir, read_only=True)
    assert store.has_graph("https://w3id.org/samverkan/graph/import/bibliotek")


def test_import_invalid_file_changes_nothing(store_dir, tmp_path):
    before = sorted(str(q) for q in GraphStore.open(store_dir, read_only=True).inner)
    good = tmp_path / "good.nt"
    good.write_text(
        '<https://w3id.org/samverkan/id/actor/x> <http://www.w3.org/2004/02/skos/core#altLabel> "x" .\n',
        encoding="utf-8",
    )
    bad = tmp_path / "samverkan-ett.ttl"
    bad.write_text(_lone_collaboration(), encoding="utf-8")
    result = invoke("import", good, bad, "--store", store_dir)
    assert result.exit_code == 1
    # Names the file and line, the resource, and what is wrong.
    assert f"{bad}:8" in result.output
    assert f"collaboration:{LONE_COLLABORATION_IRI}" in result.output
    assert "Nothing was changed" in result.output
    assert sorted(str(q) for q in GraphStore.open(store_dir, read_only=True).inner) == before


def test_import_malformed_file_changes_nothing(store_dir, tmp_path):
    before = GraphStore.open(store_dir, read_only=True).count()
    bad = tmp_path / "trasig.ttl"
    bad.write_text('@prefix s: <http://s/> .\ns:a s:b "oavslutad .\n', encoding="utf-8")
    result = invoke("import", bad, "--store", store_dir)
    assert result.exit_code == 1
    assert f"{bad}:2" in result.output
    assert GraphStore.open(store_dir, read_only=True).count() == before


def test_export_one_graph_and_whole_store(store_dir, tmp_path):
    out = tmp_path / "press.ttl"
    graph = "https://w3id.org/samverkan/graph/source/press-release-2020"
    result = invoke("export", "--store", store_dir, "--graph", graph, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Bergquist" in out.read_text(encoding="utf-8")
    whole = tmp_path / "all.nq"
    assert invoke("export", "--store", store_dir, "-o", whole).exit_code == 0
    assert graph in whole.read_text(encoding="utf-8")
    missing = invoke("export", "--store", store_dir, "--graph", "http://example.org/none")
    assert missing.exit_code == 1
    assert "no graph" in missing.output


def test_validate_reports_file_violations_without_importing(store_dir, tmp_path):
    bad = tmp_path / "ett.ttl"
    bad.write_text(_lone_collaboration(), encoding="utf-8")
    result = invoke("validate", bad, "--store", store_dir)
    assert result.exit_code == 1
    assert "violation" in result.output


def test_stats_counts_classes_and_graphs(store_dir):
    result = invoke("stats", "--store", store_dir, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "class,https://w3id.org/samverkan/def#Municipality,26" in result.stdout
