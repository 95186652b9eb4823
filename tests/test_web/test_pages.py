"""The workspace pages over the curated data: Swedish by default, English by a toggle, names not IRIs."""

from __future__ import annotations

import csv
import io

import pytest

from api.i18n import read_catalogues

PAGES = [
    "/",
    "/listor",
    "/listor/kommuner",
    "/listor/aktorer",
    "/listor/samarbeten",
    "/listor/fragor",
    "/listor/rundor",
    "/listor/kallor",
    "/id/municipality/0182",
    "/id/actor/klys",
    "/id/collaboration/bibliotekssamverkan",
    "/concept/issue/arms-length",
    "/id/round/2020",
    "/id/meeting/2020-nacka",
    "/analys",
    "/avancerat",
]


def test_catalogues_have_the_same_keys() -> None:
    catalogues = read_catalogues()
    assert set(catalogues["sv"]) == set(catalogues["en"])


@pytest.mark.parametrize("path", PAGES)
def test_read_page_swedish_then_english(web, path) -> None:
    sv = web.get(path, headers={"Accept": "text/html"})
    assert sv.status_code == 200, sv.text[-2000:]
    assert '<html lang="sv">' in sv.text
    assert sv.text.count("<main") == 1
    assert "Översikt" in sv.text
    en = web.get(path, params={"lang": "en"}, headers={"Accept": "text/html"})
    assert '<html lang="en">' in en.text
    assert "Overview" in en.text
    assert en.cookies.get("lang") == "en"
    web.cookies.clear()


def test_overview_counts_and_ways_in(web) -> None:
    text = web.get("/").text
    for href in (
        'href="/viz/municipalities?lang=sv"',
        'href="/rapporter"',
        'href="/avancerat"',
        "/listor/kommuner",
    ):
        assert href in text
    assert "26</strong> kommuner" in text


def test_list_sorts_filters_and_downloads_csv(web) -> None:
    r = web.get("/listor/kommuner", params={"sort": "population", "dir": "desc", "format": "csv"})
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:2] == ["Kod", "Namn"]
    assert rows[1][1] == "Stockholms kommun"
    filtered = web.get("/listor/kommuner", params={"q": "nacka"}).text
    assert "Nacka kommun" in filtered
    assert "Solna kommun" not in filtered


def test_municipality_profile_in_words(web) -> None:
    text = web.get("/id/municipality/0182", headers={"Accept": "text/html"}).text
    assert "Samarbetar med" in text
    assert "Bibliotekssamverkan" in text
    assert "JSON-LD" in text
    assert "0.0" not in text.split("Plats i nätverket")[1].split("</section>")[0]


def test_resource_rdf_by_accept_still_works(web) -> None:
    r = web.get("/id/municipality/0182", headers={"Accept": "text/turtle"})
    assert r.headers["content-type"].startswith("text/turtle")


def test_report_on_the_web_and_as_file(web) -> None:
    page = web.get("/rapporter/2020")
    assert page.status_code == 200
    assert "Rapport 2019" in page.text or "Rapport 2021" in page.text
    assert "sv:participant" not in page.text
    file = web.get("/rapporter/2020.html")
    assert file.headers["content-disposition"].startswith("attachment")
    assert 'class="sv-site"' not in file.text


def test_unknown_list_is_404(web) -> None:
    assert web.get("/listor/nothing").status_code == 404
