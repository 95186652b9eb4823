"""The curated data answer the same on both backends, with every filter: measures, views, named queries.

Virtuoso is filled the way a user fills it, with the CLI (`samverkan build` and `samverkan import`, the
remote backend set in the environment); the embedded store then holds the same quads, read back from
Virtuoso. One Virtuoso, one build and one store per backend serve the whole module.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from rdflib import Graph
from rdflib.compare import isomorphic
from starlette.exceptions import StarletteDeprecationWarning
from typer.testing import CliRunner

from api.bench.virtuoso import VirtuosoServer
from api.cli import app as cli
from api.errors import add_error_handlers
from api.routes.analysis import make_router
from api.settings import get_settings
from graph.aggregates.define import AGGREGATES
from graph.aggregates.rebuild import derived_rows, held_rows
from graph.analysis import MEASURES, Context, run_measure
from graph.errors import ParameterError
from graph.history import HISTORY_GRAPH
from graph.namespaces import CONCEPT, GRAPH, ID, PROV, SV
from graph.project import Filters
from graph.project.filters import group_option
from graph.queries.library import bind_parameters, read_named_queries
from graph.store.embedded import GraphStore
from graph.store.protocol import Store
from graph.store.remote import RemoteStore
from graph.validate.shacl import to_rdflib
from graph.views.catalogue import VIEWS, ViewQuery, make_view, project_for_view

with warnings.catch_warnings():
    # Starlette deprecates TestClient on httpx in favour of httpx2, which the project does not depend on yet.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = read_named_queries(ROOT / "graph" / "queries")
BACKENDS = ("embedded", "remote")
IMPORTED = str(GRAPH["import/bibliotek"])
# An import with a blank node, which Virtuoso refuses in INSERT DATA unless it is skolemised.
IMPORT_TTL = """@prefix collaboration: <https://w3id.org/samverkan/id/collaboration/> .
@prefix municipality: <https://w3id.org/samverkan/id/municipality/> .
@prefix domain: <https://w3id.org/samverkan/concept/domain/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix sv: <https://w3id.org/samverkan/def#> .

collaboration:bibliotek-nacka-varmdo a sv:Collaboration ;
    skos:prefLabel "Bibliotekssamverkan Nacka–Värmdö"@sv, "Library collaboration Nacka–Värmdö"@en ;
    org:hasMember municipality:0182, municipality:0120 ;
    rdfs:seeAlso [ rdfs:label "Avtal 2021"@sv ] ;
    org:purpose domain:bibliotek .
"""

# One known value of each filter, as a slug and as a full IRI (the constellation through its own option).
FILTERS = {
    "none": Filters(),
    "year": Filters(year=2020),
    "round-slug": Filters(round="2020"),
    "round-iri": Filters(round=str(ID["round/2020"])),
    "domain-slug": Filters(domain="kulturskola"),
    "domain-iri": Filters(domain=str(CONCEPT["domain/kulturskola"])),
    "grouping-slug": Filters(grouping="storsthlm"),
    "grouping-prefixed": Filters(grouping="actor/storsthlm"),
    "grouping-iri": Filters(grouping=str(ID["actor/storsthlm"])),
    "constellation-slug": Filters(grouping=group_option(None, "2020-nacka")),
    "constellation-iri": Filters(grouping=group_option(None, str(ID["constellation/2020-nacka"]))),
    "category-slug": Filters(category="Centrumbildning"),
    "category-iri": Filters(category=str(SV.Centrumbildning)),
}
UNKNOWN = {
    "round": Filters(round="1999"),
    "domain": Filters(domain="no-such-domain"),
    "grouping": Filters(grouping="no-such-grouping"),
    "constellation": Filters(grouping=group_option(None, "no-such-constellation")),
    "category": Filters(category="NoSuchClass"),
}
VIEW_QUERIES = {
    "none": ViewQuery(),
    "year": ViewQuery(year=2020),
    "round-slug": ViewQuery(round="2020"),
    "round-iri": ViewQuery(round=str(ID["round/2020"])),
    "domain-slug": ViewQuery(domain="kulturskola"),
    "domain-iri": ViewQuery(domain=str(CONCEPT["domain/kulturskola"])),
    "grouping-slug": ViewQuery(grouping="storsthlm"),
    "grouping-iri": ViewQuery(grouping=str(ID["actor/storsthlm"])),
    "constellation-slug": ViewQuery(constellation="2020-nacka"),
    "constellation-iri": ViewQuery(constellation=str(ID["constellation/2020-nacka"])),
    "category-slug": ViewQuery(category="Centrumbildning"),
    "category-iri": ViewQuery(category=str(SV.Centrumbildning)),
}
EGO = ViewQuery(center="0182", network="municipalities")

runner = CliRunner()


@pytest.fixture(scope="module")
def import_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Turtle file both backends import after the build."""
    turtle = tmp_path_factory.mktemp("import") / "bibliotek.ttl"
    turtle.write_text(IMPORT_TTL, encoding="utf-8")
    return turtle


def run_cli(environment: dict[str, str], *commands: list[str]) -> None:
    """Run CLI commands with these settings in the environment (and no other SAMVERKAN_ setting)."""
    with pytest.MonkeyPatch.context() as env:
        for key in [k for k in os.environ if k.startswith("SAMVERKAN_")]:
            env.delenv(key)
        for key, value in environment.items():
            env.setenv(key, value)
        get_settings.cache_clear()
        try:
            for args in commands:
                result = runner.invoke(cli, args)
                assert result.exit_code == 0, result.output
        finally:
            get_settings.cache_clear()


@pytest.fixture(scope="module")
def stores(
    virtuoso: VirtuosoServer, virtuoso_environment: dict[str, str], import_file: Path
) -> Iterator[dict[str, Store]]:
    """Virtuoso filled by the CLI (build, then an import), and an embedded store with the same quads."""
    clean = virtuoso.connect()
    clean.replace_graphs([], everything=True)
    clean.close()
    run_cli(virtuoso_environment, ["build"], ["import", str(import_file)])
    remote = virtuoso.connect()
    embedded = GraphStore.open(None)
    embedded.add(remote.quads())
    yield {"embedded": embedded, "remote": remote}
    remote.close()


@pytest.fixture(scope="module")
def built_here(import_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The same build and import by the CLI into an embedded store on disk: what Virtuoso must hold."""
    path = tmp_path_factory.mktemp("embedded") / "store"
    run_cli(
        {"SAMVERKAN_BACKEND": "embedded"},
        ["build", "--store", str(path)],
        ["import", str(import_file), "--store", str(path)],
    )
    store = GraphStore.open(path, read_only=True)
    yield store
    store.close()


def sample(g: Graph, n: int = 3) -> str:
    """How many triples, and the first few in N-Triples (for a failure's message)."""
    lines = sorted(g.serialize(format="nt").splitlines())
    return f"{len(lines)} triple(s) {lines[:n]}"


def triples_of(store: Store, graph: str) -> Graph:
    g = to_rdflib(ox.Quad(q.subject, q.predicate, q.object) for q in store.quads(graph))
    if graph.startswith(str(GRAPH["meta"])):  # when the build, the import and the aggregates' updates ran
        for timestamp in (PROV.generatedAtTime, PROV.endedAtTime):
            g.remove((None, timestamp, None))
    return g


def test_cli_build_and_import_onto_virtuoso_round_trip(
    stores: dict[str, Store], built_here: GraphStore
) -> None:
    # Both stores had the same build and import: the import's collaboration (Nacka and Värmdö) changes the
    # aggregates (kept in step by every write), so they are compared with an embedded build that imported it
    # too, never with a bare build (which once made actor-degree, the first aggregate, look wrong).
    remote = stores["remote"]
    assert remote.graph_names() == built_here.graph_names()
    assert IMPORTED in remote.graph_names()
    for graph in built_here.graph_names():
        if graph == HISTORY_GRAPH:  # the import's id, time and compressed change differ by construction
            assert remote.count(graph) == built_here.count(graph)
            continue
        # blank nodes (ontology, shapes, the import) and WKT literals come back as sent
        found, expected = triples_of(remote, graph), triples_of(built_here, graph)
        assert isomorphic(found, expected), f"{graph}: {sample(found - expected)} on Virtuoso alone," + (
            f" {sample(expected - found)} embedded alone (blank nodes may differ by label only)"
        )
    assert remote.count() == built_here.count()
    for a in AGGREGATES:  # the rows kept in step by the import are those a rebuild derives on Virtuoso
        assert held_rows(remote, a) == derived_rows(remote, a), a.name


def test_cli_queries_virtuoso_after_build_and_import(
    stores: dict[str, Store], virtuoso_environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in virtuoso_environment.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    try:
        municipalities = runner.invoke(cli, ["query", "municipalities", "--format", "csv"])
        imported = runner.invoke(
            cli,
            ["query", "SELECT ?l WHERE { ?c rdfs:seeAlso ?note . ?note rdfs:label ?l }", "--format", "csv"],
        )
        unknown = runner.invoke(cli, ["analyse", "degree", "--grouping", "no-such-grouping"])
    finally:
        get_settings.cache_clear()
    assert municipalities.exit_code == 0, municipalities.output
    assert len(municipalities.stdout.strip().splitlines()) == 27  # a header and the 26 municipalities
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.split() == ["l", "Avtal", "2021"]
    assert unknown.exit_code == 1
    assert "unknown grouping or constellation 'no-such-grouping'" in unknown.output
    assert "actor/storsthlm" in unknown.output


def canonical(value: Any) -> Any:
    """Round floats (the engines may sum in another order) and sort lists (rows may come in another order)."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        items = [canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return value


@pytest.fixture(scope="module")
def contexts(stores: dict[str, Store]) -> dict[tuple[str, str], Context]:
    """One analysis context per backend and filter, shared by the measures (each reads the store once)."""
    return {(b, f): Context(stores[b], filters) for b in BACKENDS for f, filters in FILTERS.items()}


@pytest.mark.parametrize("name", sorted(MEASURES))
@pytest.mark.parametrize("filter_id", sorted(FILTERS))
def test_measure_answers_the_same_on_both_backends(
    contexts: dict[tuple[str, str], Context], name: str, filter_id: str
) -> None:
    answers = {b: run_measure(name, contexts[b, filter_id]).to_dict() for b in BACKENDS}
    assert canonical(answers["remote"]) == canonical(answers["embedded"])


def test_filters_select_what_they_name(contexts: dict[tuple[str, str], Context]) -> None:
    everyone = {r[0] for r in run_measure("degree", contexts["remote", "none"]).rows}
    for filter_id in ("grouping-slug", "grouping-iri", "constellation-slug", "category-slug", "category-iri"):
        rows = run_measure("degree", contexts["remote", filter_id]).rows
        assert 0 < len(rows) < len(everyone), filter_id
    storsthlm = {r[0] for r in run_measure("degree", contexts["remote", "grouping-slug"]).rows}
    assert len(storsthlm) == 26  # its members: the county's municipalities
    assert contexts["remote", "round-slug"].filters.round == str(ID["round/2020"])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("which", sorted(UNKNOWN))
def test_unknown_filter_value_is_a_parameter_error(
    stores: dict[str, Store], backend: str, which: str
) -> None:
    with pytest.raises(ParameterError, match="unknown") as caught:
        run_measure("degree", stores[backend], filters=UNKNOWN[which])
    text = str(caught.value)
    assert "no-such" in text or "1999" in text or "NoSuchClass" in text
    assert "the data know:" in text


@pytest.mark.parametrize("backend", BACKENDS)
def test_unknown_filter_value_is_a_400_from_the_api(stores: dict[str, Store], backend: str) -> None:
    app = FastAPI()
    add_error_handlers(app)
    app.include_router(make_router(lambda: stores[backend]))
    with TestClient(app) as client:
        bad = client.get("/api/analysis/degree", params={"constellation": "no-such-constellation"})
        good = client.get("/api/analysis/degree", params={"grouping": "storsthlm", "format": "csv"})
    assert bad.status_code == 400, bad.text  # a bad parameter (api/errors.py)
    assert "no-such-constellation" in bad.text
    assert "constellation/2020-nacka" in bad.text
    assert good.status_code == 200
    assert len(good.text.strip().splitlines()) == 27


def graph_data(G: Any) -> tuple[Any, Any, Any]:
    nodes = {n: canonical(d) for n, d in G.nodes(data=True)}
    edges = {tuple(sorted((a, b))): canonical(d) for a, b, d in G.edges(data=True)}
    return nodes, edges, canonical(G.graph)


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("query_id", sorted(VIEW_QUERIES))
def test_view_projects_the_same_on_both_backends(stores: dict[str, Store], view: str, query_id: str) -> None:
    query = EGO if view == "ego" else VIEW_QUERIES[query_id]
    if view == "ego" and query_id != "none":
        query = ViewQuery(**{**VIEW_QUERIES[query_id].__dict__, "center": EGO.center, "network": EGO.network})
    graphs = {b: graph_data(project_for_view(stores[b], view, query)[0]) for b in BACKENDS}
    assert graphs["remote"] == graphs["embedded"]


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_view_draws_the_same_on_both_backends(stores: dict[str, Store], view: str) -> None:
    query = EGO if view == "ego" else ViewQuery()
    drawn = {b: make_view(stores[b], view, query=query) for b in BACKENDS}
    if drawn["remote"] != drawn["embedded"]:  # name the first differing node, not a truncated dataclass
        nodes = {b: {n["id"]: n for n in drawn[b].nodes} for b in BACKENDS}
        for node_id in sorted(set(nodes["remote"]) | set(nodes["embedded"])):
            remote, embedded = nodes["remote"].get(node_id), nodes["embedded"].get(node_id)
            if remote != embedded:
                keys = sorted(
                    k
                    for k in {**(remote or {}), **(embedded or {})}
                    if (remote or {}).get(k) != (embedded or {}).get(k)
                )
                pytest.fail(
                    f"{node_id}: {[(k, (remote or {}).get(k), (embedded or {}).get(k)) for k in keys]}"[:2000]
                )
    assert drawn["remote"] == drawn["embedded"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_view_with_unknown_filter_is_a_parameter_error(stores: dict[str, Store], backend: str) -> None:
    with pytest.raises(ParameterError, match="unknown category 'NoSuchClass'"):
        make_view(stores[backend], "municipalities", query=ViewQuery(category="NoSuchClass"))


def rows(result: object) -> list[str]:
    if isinstance(result, ox.QueryBoolean):
        return [str(bool(result))]
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted(" ".join(str(row[n]) for n in names) for row in result)


# Differences of the server, not of samverkan: each names what the query would need to answer the same.
KNOWN_DIFFERENCES: dict[str, str] = {}


def named_query_param(name: str) -> Any:
    if name in KNOWN_DIFFERENCES:
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[name]))
    return name


@pytest.mark.parametrize("name", [named_query_param(n) for n in sorted(LIBRARY)])
def test_named_query_answers_the_same_on_the_curated_data(stores: dict[str, Store], name: str) -> None:
    query = LIBRARY[name]
    bound = bind_parameters(query, {})
    answers = {b: rows(stores[b].query(query.sparql, substitutions=bound or None)) for b in BACKENDS}
    assert answers["remote"] == answers["embedded"]
    assert isinstance(stores["remote"], RemoteStore)
