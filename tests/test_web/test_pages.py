"""The workspace pages over the curated data: Swedish by default, English by a toggle, names not IRIs."""

from __future__ import annotations

import csv
import io
import re

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
    assert 'aria-label="Rapporter för andra rundor"' in page.text
    assert 'href="/rapporter/2019"' in page.text
    assert 'href="/rapporter/2021"' in page.text
    assert 'href="/rapporter/2020"' not in page.text  # not a link to itself
    assert "sv:participant" not in page.text
    file = web.get("/rapporter/2020.html")
    assert file.headers["content-disposition"].startswith("attachment")
    assert 'class="sv-site"' not in file.text


def test_unknown_list_is_404(web) -> None:
    assert web.get("/listor/nothing").status_code == 404


@pytest.mark.parametrize(
    ("value", "lang", "digits", "text"),
    [
        pytest.param(1234567, "sv", None, "1\u202f234\u202f567", id="sv-int"),
        pytest.param(1234567, "en", None, "1,234,567", id="en-int"),
        pytest.param(999, "sv", None, "999", id="sv-small"),
        pytest.param(1234.5678, "sv", 2, "1\u202f234,57", id="sv-decimal"),
        pytest.param(1234.5678, "en", 2, "1,234.57", id="en-decimal"),
        pytest.param(-4321, "sv", None, "-4\u202f321", id="sv-negative"),
        pytest.param("98765", "en", None, "98,765", id="numeric-text"),
        pytest.param("n/a", "sv", None, "n/a", id="other-text"),
        pytest.param(None, "sv", None, "–", id="none"),
    ],
)
def test_format_number(value, lang, digits, text) -> None:
    from graph.views.numerals import format_number

    assert format_number(value, lang, digits=digits) == text


def test_translator_writes_counts_with_digit_groups() -> None:
    from api.i18n import Translator

    assert Translator("sv").number(935619) == "935\u202f619"
    assert Translator("en")("n_mentions", n=12345) == "12,345 mentions"
    assert Translator("sv")("n_mentions", n=1) == "1 omnämnande"
    assert Translator("sv")("report_of", year="2020") == "Rapport 2020"  # a year is text: never "2 020"


@pytest.mark.parametrize(
    ("n", "lang", "text"),
    [
        (0, "sv", "Inga omnämnanden i dialogerna."),  # a zero form where the catalogue has one
        (1, "sv", "1 omnämnande i dialogerna."),
        (2, "sv", "2 omnämnanden i dialogerna."),
        (0, "en", "No mentions in the dialogues."),
        (0, "sv", "0 omnämnanden"),  # no zero form in n_mentions: the plural form
    ],
)
def test_translator_plural_forms(n, lang, text) -> None:
    from api.i18n import Translator

    key = "n_mentions" if text == "0 omnämnanden" else "mentions_sentence"
    assert Translator(lang)(key, n=n) == text


def test_municipality_list_numbers_by_language_csv_plain(web) -> None:
    sv = web.get("/listor/kommuner").text
    assert "935\u202f619" in sv  # Stockholm, 2016-12-31
    en = web.get("/listor/kommuner", params={"lang": "en"}).text
    assert "935,619" in en
    web.cookies.clear()
    rows = list(csv.reader(io.StringIO(web.get("/listor/kommuner", params={"format": "csv"}).text)))
    stockholm = next(r for r in rows if r[0] == "0180")
    assert stockholm[2:4] == ["935619", "2016-12-31"]  # a spreadsheet reads plain digits


def test_municipality_list_population_is_the_newest_with_its_date(web) -> None:
    rows = list(csv.reader(io.StringIO(web.get("/listor/kommuner", params={"format": "csv"}).text)))
    nacka = next(r for r in rows if r[0] == "0182")
    assert nacka[2:4] == ["112112", "2024-12-31"]  # data/populations.csv holds 2016 and 2024 for Nacka


def test_municipality_list_explains_issues_no_municipality_raised_by_name(web) -> None:
    # In the curated data no mention names a municipality as its speaker: a note, not a column of zeros.
    text = web.get("/listor/kommuner").text
    assert "Frågor kommunen lyfte" not in text.split("<tbody>")[0]
    assert "ingen kommun namngiven som den som lyfte en fråga" in text


@pytest.mark.parametrize(
    ("issues", "mentions", "lang", "sentence"),
    [
        pytest.param(1, 1, "sv", "1 fråga lyftes.", id="sv-one"),
        pytest.param(2, 2, "sv", "2 frågor lyftes.", id="sv-two"),
        pytest.param(15, 18, "sv", "15 frågor lyftes, i sammanlagt 18 omnämnanden.", id="sv-mentions"),
        pytest.param(1, 1, "en", "1 issue was raised.", id="en-one"),
        pytest.param(3, 1234, "en", "3 issues were raised, in 1,234 mentions in all.", id="en-mentions"),
    ],
)
def test_report_issues_sentence_plural_forms(issues, mentions, lang, sentence) -> None:
    from graph.views.report import _issues_sentence

    assert _issues_sentence(issues, mentions, lang) == sentence


def test_report_summary_reads_as_a_person_writes(web) -> None:
    sv = web.get("/rapporter/2020").text
    assert "per konstellation) lyftes" not in sv
    assert re.search(r"<li>\d+ frågor lyftes(, i sammanlagt \d+ omnämnanden)?\.</li>", sv)
    assert "Unnamed subset" not in sv  # one language per report
    en = web.get("/rapporter/2020", params={"lang": "en"}).text
    web.cookies.clear()
    assert re.search(r"<li>\d+ issues were raised(, in \d+ mentions in all)?\.</li>", en)


def test_round_glance_plural_forms(web) -> None:
    text = web.get("/").text
    assert re.search(r"\d+ (möte|möten) och \d+ (omnämnd fråga|omnämnda frågor)\.", text)
    assert "1 omnämnda" not in text
    assert "1 möten" not in text


def test_query_page_named_query_forms(web) -> None:
    text = web.get("/avancerat").text
    form = text.split('id="named-partners-of-municipality"')[1].split("</form>")[0]
    assert '<select id="p-partners-of-municipality-municipality" name="municipality"' in form
    assert re.search(r'<option value="[^"]*0182" selected>Nacka kommun</option>', form)
    assert "en sv:Municipality" in form  # the hint in the page's language
    year = text.split('id="p-dialogue-partners-in-year-year"')[1].split("</select>")[0]
    assert ">2020</option>" in year


def test_analysis_names_the_least_connected_municipalities(web, curated_path) -> None:
    import pyoxigraph as ox

    from graph.analysis.roles import read_network_roles
    from graph.store.embedded import GraphStore

    store = GraphStore.open(None)
    store.add(ox.parse(path=str(curated_path), format=ox.RdfFormat.N_QUADS))
    roles = read_network_roles(store, {})
    connected = sorted(
        (r for r in roles.roles.values() if r.partners), key=lambda r: (len(r.partners), r.label)
    )
    html = web.get("/analys", params={"lang": "sv"}).text  # the client keeps the language of earlier tests
    section = html.split("Svagast sammanlänkade", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr><td><a href="[^"]+">([^<]+)</a></td><td class="num">(\d+)</td>', section)
    assert rows == [(r.label, str(len(r.partners))) for r in connected[:5]]
    if not roles.left_out:  # every municipality crosses a border: said in words, not "0 of 26:"
        assert f"Alla {roles.municipalities} kommuner har minst ett samarbete" in html
    english = web.get("/analys", params={"lang": "en"}).text
    assert "Least connected" in english
    assert "Svagast" not in english


def test_analysis_actors_left_out_are_actors_not_unnamed_subsets(web) -> None:
    html = web.get("/analys", params={"lang": "sv"}).text
    left_out = html.split("Aktörer utan samarbete", 1)[1].split("</section>", 1)[0]
    assert "Ej namngivet urval" not in left_out
    assert "Centrumbildning" in left_out  # the list itself is there
