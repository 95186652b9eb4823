"""Resources as JSON and dereferenced IRIs (HTML, Turtle, JSON-LD)."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

NACKA = "https://w3id.org/samverkan/id/municipality/0182"


def test_read_municipalities(client):
    body = client.get("/api/municipalities").json()
    assert body["count"] == 5
    nacka = next(m for m in body["data"] if m["code"] == "0182")
    assert nacka["label"] == "Nacka kommun"
    assert nacka["label_en"] == "Nacka Municipality"
    assert nacka["url"] == "http://testserver/id/municipality/0182"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"q": "östra"}, {"teatercentrum-ostra"}, id="lower-o-umlaut"),
        pytest.param({"q": "ÖSTRA"}, {"teatercentrum-ostra"}, id="upper-o-umlaut"),
        pytest.param({"q": "O\u0308stra"}, {"teatercentrum-ostra"}, id="decomposed"),
        pytest.param({"q": "ostra"}, set(), id="o-is-not-o-umlaut"),
        pytest.param({"q": "culture school"}, {"kulturskolan-nacka"}, id="english"),
        pytest.param({"search": "Östra"}, {"teatercentrum-ostra"}, id="search-alias"),
        pytest.param(
            {"category": "CultureSchool"}, {"kulturskolan-nacka", "kulturskolan-solna"}, id="category"
        ),
        pytest.param(
            {"category": "sv:CultureSchool", "municipality": "0184"}, {"kulturskolan-solna"}, id="both"
        ),
        pytest.param(
            {"municipality": "0180"}, {"teatercentrum-ostra", "municipality/0180"}, id="municipality"
        ),
        pytest.param({"q": "värmdö"}, {"municipality/0120"}, id="a-umlaut"),
    ],
)
def test_read_actors_filtered(client, params, expected):
    r = client.get("/api/actors", params=params)
    assert r.status_code == 200, r.text
    assert {a["id"] for a in r.json()["data"]} == expected


def test_read_actors_paged(client):
    body = client.get("/api/actors", params={"limit": 3}).json()
    assert body["count"] == 12
    assert len(body["data"]) == 3
    assert "offset=3" in body["next"]


def test_read_actors_bad_category(client):
    r = client.get("/api/actors", params={"category": "Bakery"})
    assert r.status_code == 400
    assert "CultureSchool" in r.json()["message"]


def test_read_actor(client):
    body = client.get("/api/actors/teatercentrum-ostra").json()
    assert body["category"] == "Centrumbildning"
    assert body["municipality"]["iri"] == "https://w3id.org/samverkan/id/municipality/0180"
    assert [m["label"] for m in body["member_of"]] == ["Centrumbildningarna i Stockholms län"]
    assert [c["iri"].rsplit("/", 1)[1] for c in body["collaborations"]] == ["teater-nacka"]


def test_read_actor_municipality(client):
    body = client.get("/api/actors/municipality/0182").json()
    assert body["alt_labels"] == ["Nacka"]
    assert body["municipality"]["iri"] == NACKA


def test_read_actor_not_found(client):
    r = client.get("/api/actors/no-such-actor")
    assert r.status_code == 404
    assert "no actor" in r.json()["message"]


def test_read_issues(client):
    body = client.get("/api/issues").json()
    arms = next(i for i in body["data"] if i["iri"].endswith("arms-length"))
    assert arms["mentions"] == 1
    assert arms["raised_by"][0]["label"] == "Länets kommuner"
    areas = arms["strategy_areas"]
    assert areas
    assert areas == sorted(areas)
    assert all(a.startswith("https://w3id.org/samverkan/concept/strategy-area/") for a in areas)


def test_read_collaborations(client):
    body = client.get("/api/collaborations").json()
    crossing = {c["iri"].rsplit("/", 1)[1]: c["crosses_border"] for c in body["data"]}
    assert crossing == {
        "kulturskola-solna-sundbyberg": True,
        "teater-nacka": True,
        "nacka-kulturskola-lokal": False,
    }
    body = client.get(
        "/api/collaborations", params={"domain": "kulturskola", "crosses_border": "false"}
    ).json()
    assert [c["label"] for c in body["data"]] == ["Kulturskolan i Nackas lokaler"]


def test_read_collaborations_lists_every_domain(client, store):
    import pyoxigraph as ox

    teater = ox.NamedNode("https://w3id.org/samverkan/id/collaboration/teater-nacka")
    store.add(
        [
            ox.Quad(
                teater,
                ox.NamedNode("http://www.w3.org/ns/org#purpose"),
                ox.NamedNode("https://w3id.org/samverkan/concept/domain/kulturskola"),
                ox.NamedNode("https://w3id.org/samverkan/graph/source/fixture"),
            )
        ]
    )
    for params in ({}, {"domain": "kulturskola"}):
        body = client.get("/api/collaborations", params=params).json()
        found = next(c for c in body["data"] if c["iri"] == teater.value)
        assert [d.rsplit("/", 1)[1] for d in found["domains"]] == ["kulturskola", "scenkonst"]


def test_read_dialogues(client):
    body = client.get("/api/dialogues").json()
    meeting = body["data"][0]["meetings"][0]
    assert meeting["host"]["label"] == "Nacka kommun"
    assert len(meeting["participants"]) == 3


def test_read_resource_turtle(client):
    r = client.get("/id/municipality/0182", headers={"Accept": "text/turtle"})
    assert r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    assert (URIRef(NACKA), None, None) in g


def test_read_resource_jsonld(client):
    r = client.get("/id/municipality/0182", headers={"Accept": "application/ld+json"})
    g = Graph().parse(data=r.text, format="json-ld")
    assert len(g) >= 5


def test_read_resource_html_escaped(client, store):
    import pyoxigraph as ox

    store.add(
        [
            ox.Quad(
                ox.NamedNode("https://w3id.org/samverkan/id/actor/klys"),
                ox.NamedNode("http://www.w3.org/2004/02/skos/core#note"),
                ox.Literal("<script>alert(1)</script>"),
                ox.NamedNode("https://w3id.org/samverkan/graph/source/fixture"),
            )
        ]
    )
    r = client.get("/id/actor/klys", headers={"Accept": "text/html,*/*;q=0.8"})
    assert r.headers["content-type"].startswith("text/html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "<script>alert" not in r.text


def test_read_resource_links_stay_local(client):
    r = client.get("/id/meeting/2020-nacka", headers={"Accept": "text/html"})
    assert 'href="/id/municipality/0182"' in r.text


def test_read_concept(client):
    r = client.get("/concept/domain/kulturskola", headers={"Accept": "text/turtle"})
    assert r.status_code == 200


def test_read_resource_not_found(client):
    r = client.get("/id/actor/nobody")
    assert r.status_code == 404


def test_read_query_page(client):
    r = client.get("/avancerat")
    assert r.status_code == 200
    assert "<textarea" in r.text
    assert "Partners of a municipality" in r.text
    assert "cdn" not in r.text.lower()
    assert client.get("/static/query.js").status_code == 200
