"""The overview and a round's report, kept until the next write, show a write at once."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.test_web.conftest import WRITE_TOKEN

NAME = "Testkulturskolan i Nacka"
# A culture school (its 0.1 class, replaced by the concept Kulturskola) that took part in the Nacka meeting.
WRITE = (
    "INSERT DATA { GRAPH <https://w3id.org/samverkan/graph/source/test-fresh-pages> {"
    " <https://w3id.org/samverkan/id/actor/testkulturskolan> a sv:CultureSchool ;"
    f' skos:prefLabel "{NAME}"@sv ; sv:basedIn <https://w3id.org/samverkan/id/municipality/0182> .'
    " <https://w3id.org/samverkan/id/meeting/2020-nacka> sv:participant"
    " <https://w3id.org/samverkan/id/actor/testkulturskolan> } }"
)


def _actors(page: str) -> int:
    found = re.search(r"<strong>([^<]+)</strong> aktörer", page)
    assert found, "the overview counts the actors"
    return int(re.sub(r"\D", "", found.group(1)))


def test_overview_and_report_show_a_write_at_once(writable: TestClient) -> None:
    overview = writable.get("/").text
    report = writable.get("/rapporter/2020").text
    assert NAME not in report
    assert writable.get("/").text == overview  # kept: the same page again

    auth = {"Authorization": f"Bearer {WRITE_TOKEN}"}
    written = writable.post("/update", data={"update": WRITE}, headers=auth)
    assert written.status_code == 200, written.text

    assert _actors(writable.get("/").text) == _actors(overview) + 1
    report = writable.get("/rapporter/2020").text
    row = re.search(rf"<td[^>]*>{NAME}</td>\s*<td[^>]*>([^<]+)</td>", report)
    assert row, "the new participant has a row in the report's participants"
    assert row.group(1) == "Kulturskola"  # its category: the concept replacing its 0.1 class
