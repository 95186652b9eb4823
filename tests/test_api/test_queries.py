"""Named queries over HTTP: routes per .rq file, typed parameters, paging, CSV, reload."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from graph.aggregates.maintain import has_aggregates
from graph.aggregates.reading import PICKERS
from graph.aggregates.rebuild import rebuild
from graph.store.embedded import GraphStore
from graph.writes import Writer
from tests.test_api.conftest import fixture_quads, make_settings

NACKA = "https://w3id.org/samverkan/id/municipality/0182"


def rows(r):
    assert r.status_code == 200, r.text
    return r.json()["rows"]


def test_read_named_queries_list(client):
    r = client.get("/api/queries")
    names = {q["name"] for q in r.json()["data"]}
    assert {"municipalities", "partners-of-municipality", "cross-border-collaborations"} <= names
    partners = next(q for q in r.json()["data"] if q["name"] == "partners-of-municipality")
    assert partners["parameters"][0] == {
        "name": "municipality",
        "type": "iri(sv:Municipality)",
        "default": "id:municipality/0182",
        "description": "an IRI of a sv:Municipality, full or prefixed",
    }


def test_named_queries_in_openapi(client):
    doc = client.get("/openapi.json").json()
    op = doc["paths"]["/api/queries/issues-raised-by-k-municipalities"]["get"]
    k = next(p for p in op["parameters"] if p["name"] == "k")
    assert k["schema"]["anyOf"][0]["type"] == "integer"
    assert "/api/queries/partners-of-municipality" in doc["paths"]


def test_query_municipalities(client):
    data = rows(client.get("/api/queries/municipalities"))
    assert [r["code"] for r in data] == ["0120", "0180", "0182", "0183", "0184"]
    assert data[2]["label"] == "Nacka kommun"


def test_query_cross_border_collaborations(client):
    data = rows(client.get("/api/queries/cross-border-collaborations"))
    names = {r["collaboration"].rsplit("/", 1)[1]: r for r in data}
    assert set(names) == {"kulturskola-solna-sundbyberg", "teater-nacka"}  # the Nacka-only one does not cross
    assert names["kulturskola-solna-sundbyberg"]["start"] == "2015"
    assert names["kulturskola-solna-sundbyberg"]["municipalities"] == 2


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"domain": "kulturskola"}, {"kulturskola-solna-sundbyberg"}, id="domain-slug"),
        pytest.param({"domain": "concept:domain/scenkonst"}, {"teater-nacka"}, id="domain-prefixed"),
        pytest.param({"year": "2019"}, {"teater-nacka", "kulturskola-solna-sundbyberg"}, id="active-2019"),
        pytest.param({"year": "2016"}, {"kulturskola-solna-sundbyberg"}, id="active-2016"),
        pytest.param({"year": "2001"}, set(), id="before-any"),
    ],
)
def test_query_cross_border_collaborations_filtered(client, params, expected):
    data = rows(client.get("/api/queries/cross-border-collaborations", params=params))
    assert {r["collaboration"].rsplit("/", 1)[1] for r in data} == expected


def test_query_cross_border_by_domain(client):
    data = rows(client.get("/api/queries/cross-border-by-domain"))
    assert {r["domain"].rsplit("/", 1)[1]: r["collaborations"] for r in data} == {
        "kulturskola": 1,
        "scenkonst": 1,
    }


def test_query_partners_of_municipality(client):
    data = rows(client.get("/api/queries/partners-of-municipality"))  # default: Nacka
    assert [r["partner"].rsplit("/", 1)[1] for r in data] == ["teatercentrum-ostra"]
    data = rows(
        client.get("/api/queries/partners-of-municipality", params={"municipality": "id:municipality/0184"})
    )
    assert [r["partner"] for r in data] == ["https://w3id.org/samverkan/id/municipality/0183"]


def test_query_issues_raised_by_k(client):
    # Only named municipalities count: an issue the source gives to "several municipalities" (the group)
    # counts none of the group's members, and the group is listed instead.
    assert rows(client.get("/api/queries/issues-raised-by-k-municipalities")) == []
    data = rows(client.get("/api/queries/issues-raised-by-k-municipalities", params={"k": 1}))
    assert [(r["issue"].rsplit("/", 1)[1], r["municipalities"]) for r in data] == [
        ("cross-border-kulturskola", 1)
    ]
    data = rows(client.get("/api/queries/issues-raised-by-k-municipalities", params={"k": 0}))
    by_issue = {r["issue"].rsplit("/", 1)[1]: r for r in data}
    assert by_issue["arms-length"]["municipalities"] == 0
    assert by_issue["arms-length"]["raisedByGroups"]


def test_query_who_raised_issue(client):
    data = rows(client.get("/api/queries/who-raised-issue", params={"issue": "cross-border-kulturskola"}))
    assert len(data) == 1
    assert data[0]["who"] == NACKA
    assert data[0]["host"] == NACKA
    assert data[0]["date"] == "2020-02"


def test_query_members_of_group(client):
    data = rows(client.get("/api/queries/members-of-group"))
    assert sorted(r["municipality"][-4:] for r in data) == ["0120", "0180", "0182"]


def test_query_actors_in_municipality(client):
    data = rows(client.get("/api/queries/actors-in-municipality"))
    assert [r["label"] for r in data] == ["Kulturskolan i Nacka"]


@pytest.mark.parametrize("category", ["culture-school", "category:culture-school"])
def test_query_actors_in_municipality_by_category_concept(client, category):
    data = rows(client.get("/api/queries/actors-in-municipality", params={"category": category}))
    assert [r["label"] for r in data] == ["Kulturskolan i Nacka"]


def test_query_actors_in_municipality_of_an_old_class_category(client):
    """KLYS is typed with the deprecated sv:UmbrellaOrganisation: the query finds it through its concept."""
    params = {"category": "umbrella-organisation", "municipality": "id:municipality/0180"}
    assert rows(client.get("/api/queries/actors-in-municipality", params=params)) == []  # KLYS has no base
    r = client.get("/api/actors", params={"category": "umbrella-organisation"})
    assert [a["id"] for a in r.json()["data"]] == ["klys"]


@pytest.mark.parametrize("category", ["theatre", "category:theatre", "domain:kulturskola"])
def test_query_actors_in_municipality_unknown_category_is_400(client, category):
    r = client.get("/api/queries/actors-in-municipality", params={"category": category})
    assert r.status_code == 400, r.text
    assert "category" in r.text


def test_query_designated_dialogue_partners(client):
    data = rows(client.get("/api/queries/designated-dialogue-partners"))
    assert len(data) == 3


def test_query_meeting_participants(client):
    data = rows(client.get("/api/queries/meeting-participants"))  # who met in Nacka in 2020
    assert [r["code"] for r in data] == ["0120", "0180", "0182"]
    assert rows(client.get("/api/queries/meeting-participants", params={"year": "2021"})) == []


def test_query_round_issues(client):
    data = rows(client.get("/api/queries/round-issues"))
    assert {(r["issue"].rsplit("/", 1)[1], r["stance"].rsplit("/", 1)[1]) for r in data} == {
        ("arms-length", "concern"),
        ("cross-border-kulturskola", "need"),
    }
    assert all(r["source"].endswith("press-release-2020") for r in data)


def test_a_page_of_round_issues_read_from_the_aggregates_is_a_page_of_the_whole(store):
    """The route binds the page's end (``# @page``): page by page, the same rows as one page of them all."""
    rebuild(store)
    assert has_aggregates(store)
    params = {"inferred": "true"}
    with TestClient(create_app(make_settings(), store=store)) as c:
        whole = rows(c.get("/api/queries/round-issues", params=params))
        pages = [
            c.get("/api/queries/round-issues", params={**params, "limit": 1, "offset": i}).json()
            for i in range(len(whole))
        ]
    assert [row for page in pages for row in page["rows"]] == whole
    assert [page["next"] is not None for page in pages] == [True] * (len(whole) - 1) + [False]
    assert {(r["issue"].rsplit("/", 1)[1], r["stance"].rsplit("/", 1)[1]) for r in whole} >= {
        ("arms-length", "concern"),
        ("cross-border-kulturskola", "need"),
    }


def test_query_paged_with_next(client):
    r = client.get("/api/queries/municipalities", params={"limit": 2})
    body = r.json()
    assert [x["code"] for x in body["rows"]] == ["0120", "0180"]
    assert body["next"] == "/api/queries/municipalities?limit=2&offset=2"
    assert 'rel="next"' in r.headers["link"]
    last = client.get("/api/queries/municipalities", params={"limit": 2, "offset": 4}).json()
    assert [x["code"] for x in last["rows"]] == ["0184"]
    assert last["next"] is None


def test_a_page_above_the_servers_row_cap_is_cut_to_it_and_the_next_follows_on(store):
    with TestClient(create_app(make_settings(max_results=2), store=store)) as c:
        body = c.get("/api/queries/municipalities", params={"limit": 4}).json()
        assert [x["code"] for x in body["rows"]] == ["0120", "0180"]
        assert body["limit"] == 2
        assert body["next"] == "/api/queries/municipalities?limit=2&offset=2"  # no row skipped
        following = c.get(body["next"]).json()
    assert [x["code"] for x in following["rows"]] == ["0182", "0183"]


def test_query_csv(client):
    r = client.get("/api/queries/municipalities", params={"format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    data = list(csv.DictReader(io.StringIO(r.text)))
    assert data[0]["code"] == "0120"
    assert data[0]["label"] == "Värmdö kommun"


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        pytest.param("issues-raised-by-k-municipalities", {"k": "many"}, "k", id="integer"),
        pytest.param("partners-of-municipality", {"municipality": "not an iri"}, "is not an IRI", id="iri"),
        pytest.param(
            "cross-border-by-domain", {"domain": "concept:issue/arms-length"}, "concept:domains", id="scheme"
        ),
        pytest.param("municipalities", {"limit": "0"}, "limit", id="limit"),
    ],
)
def test_query_bad_parameter(client, path, params, message):
    r = client.get(f"/api/queries/{path}", params=params)
    assert r.status_code == 400
    assert message in r.json()["message"]


def test_query_unknown(client):
    r = client.get("/api/queries/no-such-query")
    assert r.status_code == 404


def test_reload_named_queries(store, tmp_path, auth):
    from api.main import create_app
    from tests.test_api.conftest import TestClient, make_settings

    (tmp_path / "one.rq").write_text("# title: One\nSELECT ?x WHERE { BIND(1 AS ?x) }\n", encoding="utf-8")
    with TestClient(create_app(make_settings(queries_dir=tmp_path), store=store)) as client:
        assert client.get("/api/queries/two").status_code == 404
        (tmp_path / "two.rq").write_text(
            "# title: Two\n# @param n: integer = 2\nSELECT ?n WHERE { VALUES ?n { 1 2 3 } }\n"
        )
        assert client.post("/api/queries/reload").status_code == 401
        r = client.post("/api/queries/reload", headers=auth)
        assert r.json()["count"] == 2
        assert client.get("/api/queries/two", params={"n": 3}).json()["rows"] == [{"n": 3}]
        assert "/api/queries/two" in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        pytest.param(
            "partners-of-municipality",
            {"municipality": "id:municipality/9999"},
            "is not a sv:Municipality in the store",
            id="instance",
        ),
        pytest.param(
            "partners-of-municipality",
            {"municipality": "id:actor/klys"},
            "is not a sv:Municipality in the store",
            id="other-class",
        ),
        pytest.param("who-raised-issue", {"issue": "no-such-issue"}, "concept:issues", id="concept"),
        pytest.param(
            "collaboration-members",
            {"collaboration": "id:collaboration/gone"},
            "sv:Collaboration",
            id="class",
        ),
    ],
)
def test_query_unknown_value_is_400(client, path, params, message):
    # A value the store does not hold is a clear error naming the parameter, not an empty table.
    r = client.get(f"/api/queries/{path}", params=params)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["error"] == "bad-parameter"
    assert message in body["message"]
    assert repr(next(iter(params))) in body["message"]


def test_query_known_value_runs(client):
    r = client.get("/api/queries/partners-of-municipality", params={"municipality": "id:municipality/0182"})
    assert r.status_code == 200
    assert r.json()["rows"]


def test_a_write_between_a_pages_blocks_and_its_rows_makes_the_page_read_again(monkeypatch):
    """The picker reads blocks where the route runs, the rows are read by a worker: a write between the two
    (here, inside the picker) would leave the page's rows outside the blocks listed. It is read again."""
    store = GraphStore.open(None)
    store.add(fixture_quads())
    rebuild(store)
    meeting = ox.NamedNode("https://w3id.org/samverkan/id/meeting/2020-nacka")
    start = ox.NamedNode("https://schema.org/startDate")
    held = store.select(f"SELECT ?g ?d WHERE {{ GRAPH ?g {{ <{meeting.value}> <{start.value}> ?d }} }}")
    assert [r["d"].value for r in held] == ["2020-02"]
    graph = held[0]["g"]
    earlier = ox.Literal("2019-03", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth"))
    picks: list[int] = []
    pick = PICKERS["date-blocks"]

    def pick_then_write(*args):
        chosen = pick(*args)
        picks.append(len(chosen or []))
        if len(picks) == 1:  # the meeting moves to a month whose block was not listed
            Writer(store).apply(
                [ox.Quad(meeting, start, earlier, graph)], [ox.Quad(meeting, start, held[0]["d"], graph)]
            )
        return chosen

    monkeypatch.setitem(PICKERS, "date-blocks", pick_then_write)
    with TestClient(create_app(make_settings(), store=store)) as c:
        data = rows(c.get("/api/queries/who-raised-issue", params={"issue": "cross-border-kulturskola"}))
    assert [(r["who"], r["date"]) for r in data] == [(NACKA, "2019-03")]
    assert picks == [1, 1]  # one block each time: the old month's, then the new one's
