"""/api/labels: the label beside an IRI, in the asked language, with its prefixed form and a safe link."""

from __future__ import annotations

import pytest

NACKA = "https://w3id.org/samverkan/id/municipality/0182"
UNLABELLED = "https://example.org/nothing-here"


@pytest.mark.parametrize(
    ("lang", "label", "href"),
    [
        pytest.param("sv", "Nacka kommun", "/id/municipality/0182", id="sv"),
        pytest.param("en", "Nacka Municipality", "/id/municipality/0182?lang=en", id="en"),
    ],
)
def test_read_labels(client, lang, label, href):
    r = client.get("/api/labels", params={"iri": [NACKA, UNLABELLED], "lang": lang})
    assert r.status_code == 200, r.text
    nacka, other = r.json()["data"]
    assert nacka == {"iri": NACKA, "label": label, "compact": "municipality:0182", "href": href}
    assert other == {"iri": UNLABELLED, "label": None, "compact": UNLABELLED, "href": UNLABELLED}


def test_read_labels_posted_in_order_once_each(client):
    klys = "https://w3id.org/samverkan/id/actor/klys"
    r = client.post("/api/labels", json={"iris": [klys, NACKA, klys], "lang": "sv"})
    assert r.status_code == 200, r.text
    assert [(x["iri"], x["label"]) for x in r.json()["data"]] == [(klys, "KLYS"), (NACKA, "Nacka kommun")]


def test_read_labels_never_links_a_script_iri(client):
    r = client.get("/api/labels", params={"iri": "javascript:alert(1)"})
    assert r.status_code == 200
    assert r.json()["data"][0]["href"] is None


@pytest.mark.parametrize(
    "iri",
    [
        pytest.param("https://example.org/a> } ; DROP ALL ; <x:y", id="injection"),
        pytest.param("not an iri", id="no-scheme"),
    ],
)
def test_read_labels_refuses_a_non_iri(client, iri):
    r = client.get("/api/labels", params={"iri": [NACKA, iri]})
    assert r.status_code == 400
    assert r.json()["error"] == "bad-parameter"
    assert "is not an IRI" in r.json()["message"]


def test_read_labels_refuses_too_many(client):
    iris = [f"https://example.org/x{i}" for i in range(501)]
    r = client.post("/api/labels", json={"iris": iris})
    assert r.status_code == 400
    assert "at most 500" in r.json()["message"]
