"""Pages kept between writes (list counts and pages, measures, reports) show a write at once."""

from __future__ import annotations

from tests.test_web.conftest import WRITE_TOKEN

NAME = "Testkulturskolan i Nacka"
WRITE = (
    "INSERT DATA { GRAPH <https://w3id.org/samverkan/graph/source/test-fresh> {"
    " <https://w3id.org/samverkan/id/actor/testkulturskolan> a sv:CultureSchool ;"
    f' skos:prefLabel "{NAME}"@sv ; sv:basedIn <https://w3id.org/samverkan/id/municipality/0182> }} }}'
)

# A municipality code must be four digits (ontology/shapes.ttl): this update is refused, nothing written.
BAD_CODE = (
    'DELETE { GRAPH ?g { ?m sv:municipalityCode ?c } } INSERT { GRAPH ?g { ?m sv:municipalityCode "182" } }'
    ' WHERE { GRAPH ?g { ?m sv:municipalityCode ?c FILTER(?c = "0182") } }'
)


def test_list_and_measure_show_a_write_at_once(writable) -> None:
    before = writable.get("/listor/aktorer", params={"q": "testkultur"})
    assert "Inga rader passar filtret." in before.text
    whole = writable.get("/listor/aktorer").text
    assert NAME not in writable.get("/analys").text
    assert writable.get("/listor/aktorer").text == whole  # kept: the same page again

    auth = {"Authorization": f"Bearer {WRITE_TOKEN}"}
    written = writable.post("/update", data={"update": WRITE}, headers=auth)
    assert written.status_code == 200, written.text

    after = writable.get("/listor/aktorer", params={"q": "testkultur"})
    assert NAME in after.text
    assert "Inga rader passar filtret." not in after.text
    assert writable.get("/listor/aktorer").text != whole  # one more actor: the count says so
    assert NAME in writable.get("/analys").text  # no collaboration: left out, by the measure kept until now


def test_rejected_write_keeps_what_was_kept(writable) -> None:
    first = writable.get("/listor/kommuner").text
    bad = writable.post(
        "/update",
        data={"update": BAD_CODE},
        headers={"Authorization": f"Bearer {WRITE_TOKEN}"},
    )
    assert bad.status_code == 422, bad.text
    assert writable.get("/listor/kommuner").text == first
    assert "0182" in first
