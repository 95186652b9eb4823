"""The one crossing rule (graph.queries.borders), and every consumer agreeing with it, on a small region.

Five municipalities of one county; the answers below follow from the Turtle by the rule of docs/design.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import project
from graph.analysis.borders import crosses_border
from graph.analysis.registry import run_measure
from graph.queries import workspace
from graph.queries.borders import CROSSING_PATTERN, Crossing, Reach, read_crossings
from graph.queries.library import bind_parameters, read_named_queries
from graph.queries.resources import read_collaborations, store_select
from graph.store.embedded import GraphStore
from graph.views.catalogue import make_view
from tests.test_analysis.conftest import PLACES, PREFIXES, load_store

ROOT = Path(__file__).resolve().parents[2]
ID = "https://w3id.org/samverkan/id/"
COUNTY = "".join(
    f"id:territory/{c} schema:containedInPlace id:county/01 .\n"
    for c in re.findall(r"id:territory/(\d{4}) a", PLACES)
)

TRIG = (
    PREFIXES
    + f"""
graph:source/register {{
{PLACES}
id:county/01 a sv:County ; skos:prefLabel "Stockholms län"@sv .
{COUNTY}
id:actor/kulturskolan-nacka a sv:CultureSchool ; skos:prefLabel "Kulturskolan Nacka"@sv ;
    sv:basedIn id:territory/0182 .
id:actor/klys a sv:ProfessionalOrganisation ; skos:prefLabel "KLYS"@sv ; sv:basedIn id:municipality/0180 .
id:actor/rf-sisu a sv:UmbrellaOrganisation ; skos:prefLabel "RF-SISU Stockholm"@sv .
id:actor/kommunerna a sv:Grouping ; skos:prefLabel "Länets kommuner"@sv .

id:collaboration/solna-sundbyberg a sv:Collaboration ; skos:prefLabel "Solna–Sundbyberg"@sv ;
    org:hasMember id:municipality/0184, id:municipality/0183 ; schema:startDate "2018"^^xsd:gYear ;
    sv:domain concept:domain/kulturskola ; org:purpose concept:domain/kulturskola .
id:collaboration/nacka-inside a sv:Collaboration ; skos:prefLabel "Kulturskolan i Nacka"@sv ;
    org:hasMember id:municipality/0182, id:actor/kulturskolan-nacka ; schema:startDate "2018"^^xsd:gYear ;
    sv:domain concept:domain/kulturskola ; org:purpose concept:domain/kulturskola .
id:collaboration/regional a sv:Collaboration ; skos:prefLabel "Regional idrottssamverkan"@sv ;
    org:hasMember id:actor/rf-sisu, id:actor/kommunerna ; dcterms:spatial id:county/01 ;
    schema:startDate "2018"^^xsd:gYear ; sv:domain concept:domain/idrott ; org:purpose concept:domain/idrott .
id:collaboration/klys-nacka a sv:Collaboration ; skos:prefLabel "KLYS och Kulturskolan Nacka"@sv ;
    org:hasMember id:actor/klys, id:actor/kulturskolan-nacka ; schema:startDate "2018"^^xsd:gYear ;
    sv:domain concept:domain/scenkonst ; org:purpose concept:domain/scenkonst .
id:collaboration/assumed a sv:Collaboration ; skos:prefLabel "Antagen samverkan"@sv ;
    schema:startDate "2018"^^xsd:gYear ; sv:domain concept:domain/idrott ; org:purpose concept:domain/idrott .
}}
graph:inferred/collaboration-members {{
id:collaboration/assumed org:hasMember id:municipality/0120, id:municipality/0184 .
id:membership/assumed-0120 a org:Membership ; org:organization id:collaboration/assumed ;
    org:member id:municipality/0120 ; sv:inferredIn graph:inferred/collaboration-members .
id:membership/assumed-0184 a org:Membership ; org:organization id:collaboration/assumed ;
    org:member id:municipality/0184 ; sv:inferredIn graph:inferred/collaboration-members .
}}
"""
)
ALL5 = {"0120", "0180", "0182", "0183", "0184"}
# By hand: what each collaboration reaches (facts only), and why.
REACHED = {
    "solna-sundbyberg": {"0183", "0184"},
    "nacka-inside": {"0182"},
    "regional": ALL5,
    "klys-nacka": {"0180", "0182"},
    "assumed": set(),
}
CROSSING = {c for c, ms in REACHED.items() if len(ms) >= 2}


def slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def small() -> GraphStore:
    return load_store(TRIG)


def named(store: GraphStore, name: str, **values: str) -> list[dict[str, str]]:
    query = read_named_queries(ROOT / "graph" / "queries")[name]
    result = store.query(query.sparql, substitutions=bind_parameters(query, values) or None)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def test_named_queries_embed_the_rule_verbatim() -> None:
    pattern = " ".join(CROSSING_PATTERN.split())
    for name in ("cross-border-collaborations", "cross-border-by-domain"):
        text = (ROOT / "graph" / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        assert pattern in " ".join(text.split()), f"{name}.rq does not embed CROSSING_PATTERN verbatim"


def test_read_crossings_reaches_and_reasons(small: GraphStore) -> None:
    found = read_crossings(small)
    assert {slug(c): {slug(m) for m in x.municipalities} for c, x in found.items()} == REACHED
    regional = found[ID + "collaboration/regional"]
    assert set(regional.reasons.values()) == {frozenset({"scope"})}
    assert regional.scopes == {ID + "county/01"}
    klys = found[ID + "collaboration/klys-nacka"]
    assert klys.reasons == {ID + "municipality/0180": {"base"}, ID + "municipality/0182": {"base"}}
    assumed = read_crossings(small, inferred=True)[ID + "collaboration/assumed"]
    assert assumed.crosses
    assert all(r.hypothesis for r in assumed.reaches)


def test_restrict_keeps_the_scope_and_drops_other_parties() -> None:
    c = Crossing(
        "c",
        frozenset(
            {Reach("m1", "member", "m1"), Reach("m2", "scope", "county"), Reach("m3", "base", "a", True)}
        ),
    )
    assert c.restrict(members=["m1"]).municipalities == {"m1", "m2"}
    assert c.restrict(inferred=False).municipalities == {"m1", "m2"}
    assert Crossing("c", frozenset({Reach("m1", "member", "m1")})).crosses is False


def test_every_consumer_agrees_with_the_rule(small: GraphStore) -> None:
    # named queries
    assert {slug(r["collaboration"]) for r in named(small, "cross-border-collaborations")} == CROSSING
    by_domain = {slug(r["domain"]): int(r["collaborations"]) for r in named(small, "cross-border-by-domain")}
    assert by_domain == {"kulturskola": 1, "idrott": 1, "scenkonst": 1}
    with_hypotheses = named(small, "cross-border-collaborations", inferred="true")
    assert {slug(r["collaboration"]) for r in with_hypotheses} == CROSSING | {"assumed"}
    # the analysis
    snap = project.read_snapshot(small)
    verdicts = {slug(c.iri): crosses_border(snap, c, None) for c in snap.collaborations}
    assert {c for c, v in verdicts.items() if v} == CROSSING
    assert verdicts["nacka-inside"] is False
    share = {(r["domain"], r["year"]): r for r in run_measure("border_share", small).records()}
    assert (share[("(all)", 2018)]["cross_border"], share[("(all)", 2018)]["within"]) == (3, 1)
    # the projection behind the map: county-wide reach without lines, lines for the rest
    G = project.project_municipalities(small)
    assert G.graph["county_wide"] == [ID + "collaboration/regional"]
    for m in ALL5:
        expected = {c for c in CROSSING if m in REACHED[c]}
        assert {slug(c) for c in G.nodes[ID + f"municipality/{m}"]["cross_border"]} == expected, m
    assert {frozenset(slug(x) for x in e) for e in G.edges} == {
        frozenset({"0183", "0184"}),
        frozenset({"0180", "0182"}),
    }
    # the lists and profiles
    select = store_select(small)
    listed = {slug(c["iri"]): c["crosses_border"] for c in workspace.read_all_collaborations(select, "sv")}
    assert {c for c, v in listed.items() if v} == CROSSING
    rows = {str(r["code"]): r["crossBorder"] for r in workspace.read_municipality_rows(select, "sv")}
    assert rows == {m: sum(1 for c in CROSSING if m in REACHED[c]) for m in ALL5}
    # Värmdö's profile: the county-wide one reaches it; its assumed membership does not make "assumed" cross
    varmdo = workspace.read_collaborations_of(select, "sv", [ID + "municipality/0120"])
    assert {slug(c["iri"]): c["crosses_border"] for c in varmdo} == {"regional": True, "assumed": False}
    api = {slug(c.iri): c.crosses_border for c in read_collaborations(select)}
    assert {c for c, v in api.items() if v} == CROSSING


def test_map_counts_a_county_wide_collaboration_and_names_it(small: GraphStore) -> None:
    view = make_view(small, "municipalities")
    assert view.map is not None
    values = view.map["measures"]["collaborations"]["values"]
    assert values[ID + "municipality/0120"] == 1  # Värmdö: only the county-wide one reaches it
    assert values[ID + "municipality/0182"] == 2  # Nacka: KLYS–Nacka and the county-wide one
    assert any("Regional idrottssamverkan" in n and "Länsövergripande" in n for n in view.notes_legend)
    isolates = run_measure("isolates", small, params={"network": "municipalities"})
    assert isolates.rows == ()
