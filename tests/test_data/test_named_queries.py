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
CONCEPT = "https://w3id.org/samverkan/concept/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


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


# Two library texts are written for Oxigraph's join order (the comments in the files say why); these plain
# formulations are what they mean, and both must give the same rows, on the curated and on generated data.
PLAIN = {
    "actors-in-municipality": """
        SELECT ?category ?municipality ?actor ?label WHERE {
          { ?actor org:classification ?category }
          UNION { ?old dcterms:isReplacedBy ?category . ?actor a ?old }
          ?actor sv:basedIn ?municipality .
          OPTIONAL { ?actor skos:prefLabel ?label FILTER(LANG(?label) = "sv") }
        } ORDER BY ?label""",
    "dialogue-partners-in-year": """
        SELECT ?year ?partner ?partnerLabel ?designator ?source WHERE {
          ?partnership a sv:DialoguePartnership ; sv:observedIn ?year ; sv:partner ?partner ;
                       sv:designatedBy ?designator .
          OPTIONAL { GRAPH ?graph { ?partnership sv:partner ?partner } ?graph prov:wasDerivedFrom ?source }
          OPTIONAL { ?partner skos:prefLabel ?partnerLabel FILTER(LANG(?partnerLabel) = "sv") }
        } ORDER BY ?partnerLabel""",
}


@pytest.fixture(scope="module")
def generated() -> GraphStore:
    from graph.synthetic.generate import generate

    store = GraphStore.open(None)
    quads = list(generate(actors=400, seed=2, years=range(2020, 2023)))
    store.bulk_add(quads)
    # Actors typed by a category's old class (data of ontology 0.1), in two municipalities, so that both
    # branches of actors-in-municipality find rows: the ontology's replacement and the old typing.
    sv, g = (
        "https://w3id.org/samverkan/def#",
        ox.NamedNode("https://w3id.org/samverkan/graph/test/old-classes"),
    )
    old, new = ox.NamedNode(sv + "CultureSchool"), ox.NamedNode(CONCEPT + "actor-category/culture-school")
    municipalities = sorted({q.object.value for q in quads if q.predicate.value == sv + "basedIn"})[:2]
    typed = [ox.Quad(old, ox.NamedNode("http://purl.org/dc/terms/isReplacedBy"), new, g)]
    for i, m in enumerate(municipalities * 2):
        actor = ox.NamedNode(f"{ID}actor/old-class-{i}")
        typed += [
            ox.Quad(actor, ox.NamedNode(RDF_TYPE), old, g),
            ox.Quad(actor, ox.NamedNode(sv + "basedIn"), ox.NamedNode(m), g),
        ]
    store.add(typed)
    return store


def _rows(store: GraphStore, sparql: str, values: dict[str, ox.NamedNode | ox.Literal]) -> list[tuple]:
    result = store.query(sparql, substitutions=values or None)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted(tuple(str(s[n]) if s[n] is not None else "" for n in names) for s in result)


def _values_of(store: GraphStore, name: str) -> list[dict[str, str]]:
    """Parameter values that find rows in ``store``, and one that finds none."""
    if name == "dialogue-partners-in-year":
        found = store.select("SELECT DISTINCT ?y WHERE { ?p a sv:DialoguePartnership ; sv:observedIn ?y }")
        return [{"year": r["y"].value} for r in found] + [{"year": "1999"}]
    found = store.select(
        "SELECT DISTINCT ?c ?m WHERE { ?a org:classification ?c ; sv:basedIn ?m } ORDER BY ?c ?m LIMIT 25"
    ) + store.select(
        "SELECT DISTINCT ?c ?m WHERE { ?old dcterms:isReplacedBy ?c . ?a a ?old ; sv:basedIn ?m }"
    )
    return [{"category": r["c"].value, "municipality": r["m"].value} for r in found] + [{}]


@pytest.mark.parametrize("name", sorted(PLAIN))
@pytest.mark.parametrize("data", ["curated", "generated"])
def test_texts_written_for_the_join_order_mean_their_plain_form(
    name: str, data: str, request: pytest.FixtureRequest
) -> None:
    store: GraphStore = request.getfixturevalue(data)
    named = read_named_queries(ROOT / "graph" / "queries")[name]
    cases = _values_of(store, name)
    assert len(cases) > 1
    found = 0
    for values in cases:
        bound = bind_parameters(named, values)
        mine = _rows(store, named.sparql, bound)
        assert mine == _rows(store, PLAIN[name], bound), values
        found += bool(mine)
    assert found > 0  # the comparison saw rows, not only empty answers
