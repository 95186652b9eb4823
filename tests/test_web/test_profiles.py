"""Profiles read in few queries: the same facts as the readers they replace, mentions a page at a time."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.aggregates.reading import CROSSINGS_READ
from graph.aggregates.rebuild import rebuild
from graph.queries import profile as pq
from graph.queries import workspace as ws
from graph.queries.borders import read_crossings
from graph.queries.resources import store_select
from graph.store.embedded import GraphStore

ID = "https://w3id.org/samverkan/id/"
NACKA = f"{ID}municipality/0182"
ROUND_2020 = f"{ID}round/2020"
ARMS_LENGTH = "https://w3id.org/samverkan/concept/issue/arms-length"


@pytest.fixture(scope="module")
def curated(curated_path: Path) -> GraphStore:
    store = GraphStore.open(None)
    store.add(ox.parse(path=str(curated_path), format=ox.RdfFormat.N_QUADS))
    return store


@pytest.mark.parametrize("iri", [NACKA, f"{ID}actor/klys", ROUND_2020, ARMS_LENGTH])
def test_read_statements_as_facts_and_incoming_read_them(curated: GraphStore, iri: str) -> None:
    select = store_select(curated)
    both = pq.read_statements(select, "sv", iri)
    facts = ws.read_facts(select, "sv", iri)
    incoming = ws.read_incoming(select, "sv", iri)
    assert {(f["p"], str(f["o"]), f["g"]) for f in both.facts} == {
        (f["p"], str(f["o"]), f["g"]) for f in facts
    }
    assert {(r["s"], r["p"]) for r in both.incoming} == {(r["s"], r["p"]) for r in incoming}
    assert both.label == ws.read_labels_in(select, [iri], "sv").get(iri)


def test_read_statements_names_an_actors_category(curated: GraphStore) -> None:
    select = store_select(curated)
    klys = f"{ID}actor/klys"
    assert pq.read_statements(select, "sv", klys, category=True).category == ws.read_category(
        select, "sv", klys
    )


@pytest.mark.parametrize(("var", "iri"), [("r", ROUND_2020), ("i", ARMS_LENGTH), ("who", NACKA)])
def test_read_mention_page_pages_through_every_mention_once(curated: GraphStore, var: str, iri: str) -> None:
    select = store_select(curated)
    every = {m["x"] for m in ws.read_mentions(select, "sv", var=var, iri=iri)}
    first = pq.read_mention_page(select, "sv", var=var, iri=iri, page=1, size=2)
    assert first.count == len(every)
    seen: list[str] = []
    for number in range(1, first.pages + 1):
        page = pq.read_mention_page(select, "sv", var=var, iri=iri, page=number, size=2)
        assert page.page == number
        assert len(page.rows) <= 2
        seen += [m["x"] for m in page.rows]
    assert len(seen) == len(set(seen))
    assert set(seen) == every
    years = [str(m["year"] or "") for m in first.rows]
    assert years == sorted(years, reverse=True)  # newest round first


def test_read_mention_page_past_the_last_is_the_last(curated: GraphStore) -> None:
    select = store_select(curated)
    last = pq.read_mention_page(select, "sv", var="r", iri=ROUND_2020, page=9999, size=5)
    assert last.page == last.pages > 1
    assert (
        last.rows == pq.read_mention_page(select, "sv", var="r", iri=ROUND_2020, page=last.pages, size=5).rows
    )


def test_read_issue_and_round_summaries_agree_with_the_list_rows(curated: GraphStore) -> None:
    select = store_select(curated)
    issue = pq.read_issue_summary(select, "sv", ARMS_LENGTH)
    listed = next(i for i in ws.read_issue_rows(select, "sv") if i["iri"] == ARMS_LENGTH)
    assert issue is not None
    assert (issue["label"], issue["areas"], issue["years"], issue["mentions"]) == (
        listed["label"],
        listed["areas"],
        listed["years"],
        listed["mentions"],
    )
    found = pq.read_round_summary(select, "sv", ROUND_2020)
    row = next(r for r in ws.read_round_rows(select, "sv") if r["r"] == ROUND_2020)
    assert found is not None
    assert (found["meetings"], found["mentions"], found["rLabel"]) == (
        row["meetings"],
        row["mentions"],
        row["rLabel"],
    )
    assert pq.read_issue_summary(select, "sv", NACKA) is None
    assert pq.read_round_summary(select, "sv", NACKA) is None


def test_read_municipality_profile_as_read_municipality(curated: GraphStore) -> None:
    select = store_select(curated)
    one = pq.read_municipality_profile(select, "sv", NACKA)
    two = ws.read_municipality(select, "sv", NACKA)
    assert one is not None
    assert two is not None
    assert (one["code"], one["mLabel"], one["population"]) == (two["code"], two["mLabel"], two["population"])
    assert {k: [x["iri"] for x in v] for k, v in one["related"].items()} == {
        k: [x["iri"] for x in v] for k, v in two["related"].items()
    }
    assert pq.read_municipality_profile(select, "sv", ROUND_2020) is None


def test_read_crossings_of_from_the_aggregate_as_the_rule_reads(curated_path: Path) -> None:
    store = GraphStore.open(None)
    store.add(ox.parse(path=str(curated_path), format=ox.RdfFormat.N_QUADS))
    rebuild(store)
    select = store_select(store)
    rule = read_crossings(select)
    kept = pq.read_crossings_of(select, list(rule), kept=CROSSINGS_READ)
    assert {c: x.crosses for c, x in kept.items()} == {c: x.crosses for c, x in rule.items()}
    assert {c: x.municipalities for c, x in kept.items() if x.crosses} == {
        c: x.municipalities for c, x in rule.items() if x.crosses
    }
    assert any(x.crosses for x in kept.values())
    assert not all(x.crosses for x in kept.values())


def test_collaborations_of_a_municipality_read_alone_as_with_every_crossing(curated: GraphStore) -> None:
    select = store_select(curated)
    every = read_crossings(select)
    whole = ws.read_collaborations_of(select, "sv", [NACKA], crossings=every)
    alone = ws.read_collaborations_of(
        select, "sv", [NACKA], crossings_of=lambda cs: {c: every[c] for c in cs if c in every}
    )
    assert [(c["iri"], c["crosses_border"]) for c in alone] == [
        (c["iri"], c["crosses_border"]) for c in whole
    ]
    assert whole


def test_round_profile_pages_its_mentions(web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pq, "MENTIONS_PAGE", 2)
    html = {"Accept": "text/html"}
    first = web.get("/id/round/2020", headers=html)
    second = web.get("/id/round/2020", params={"page": 2}, headers=html)
    assert first.status_code == second.status_code == 200
    assert 'rel="next"' in first.text
    assert 'aria-current="page"' in first.text
    quotes = re.compile(r'<tr><td><a href="/concept/issue/[^"]+">([^<]+)</a>')
    assert quotes.findall(first.text)
    assert quotes.findall(first.text) != quotes.findall(second.text)
    odd = web.get("/id/round/2020", params={"page": "x"}, headers=html)  # not a number: the first page
    assert odd.status_code == 200
    assert quotes.findall(odd.text) == quotes.findall(first.text)


def test_read_statements_leaves_out_aggregate_rows_pointing_in(curated_path: Path) -> None:
    store = GraphStore.open(None)
    store.add(ox.parse(path=str(curated_path), format=ox.RdfFormat.N_QUADS))
    collaboration = f"{ID}collaboration/bibliotekssamverkan"
    before = pq.read_statements(store_select(store), "sv", collaboration)
    rebuild(store)
    pointing = ws.read_incoming(store_select(store), "sv", collaboration)
    after = pq.read_statements(store_select(store), "sv", collaboration)
    assert any("/analysis/aggregate/" in r["s"] for r in pointing)  # the rebuild made rows pointing in
    assert after.incoming == before.incoming
    assert after.facts == before.facts


def test_issue_profile_counts_rounds_and_names_the_vocabulary(web) -> None:
    page = "/concept/issue/arms-length"
    html = web.get(page, params={"lang": "sv"}, headers={"Accept": "text/html"}).text
    assert "Lyft 1 gång, i rundan 2020." in html  # one round: singular, whatever the mentions
    assert "samverkans vokabulär (ontologin)" in html
    assert ">https://w3id.org/samverkan/graph/vocabulary<" not in html
    english = web.get(page, params={"lang": "en"}, headers={"Accept": "text/html"}).text
    assert "Raised 1 time, in the round 2020." in english
