"""The lists over the curated data: paged, sorted, filtered in SPARQL; 400 on what they do not know; CSV."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from markupsafe import escape

from graph.queries import lists as lq

TBODY = re.compile(r"<tbody>(.*?)</tbody>", re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the page's list, each as the texts of its cells."""
    body = TBODY.search(text)
    assert body is not None
    rows = ROW.findall(body.group(1))
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in CELL.findall(r)] for r in rows]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_read_list_first_and_last_page(web) -> None:
    everything = csv_rows(web.get("/listor/aktorer", params={"format": "csv"}).text)[1:]
    assert len(everything) > 100  # more than two pages of 50
    first = web.get("/listor/aktorer")
    rows = table_rows(first.text)
    assert len(rows) == 50
    assert [r[0] for r in rows] == [r[0] for r in everything[:50]]
    nav = first.text.split('<nav class="pager"')[1].split("</nav>")[0]
    assert 'aria-label="Sidor"' in first.text
    assert re.search(r'aria-current="page"[^>]*>\s*<strong>1</strong>', nav)
    pages = -(-len(everything) // 50)
    last = web.get("/listor/aktorer", params={"page": pages})
    assert [r[0] for r in table_rows(last.text)] == [r[0] for r in everything[(pages - 1) * 50 :]]
    assert 'rel="next"' not in last.text
    beyond = web.get("/listor/aktorer", params={"page": pages + 5})
    assert table_rows(beyond.text) == table_rows(last.text)


def test_read_list_pages_do_not_overlap(web) -> None:
    seen: list[str] = []
    for page in (1, 2, 3):
        seen += [r[0] for r in table_rows(web.get("/listor/aktorer", params={"page": page}).text)]
    everything = csv_rows(web.get("/listor/aktorer", params={"format": "csv"}).text)[1:]
    assert seen == [r[0] for r in everything]


@pytest.mark.parametrize(
    ("direction", "first"),
    [pytest.param("desc", "Stockholms kommun", id="desc"), pytest.param("asc", "Nykvarns kommun", id="asc")],
)
def test_read_list_sorted_by_population(web, direction, first) -> None:
    rows = table_rows(web.get("/listor/kommuner", params={"sort": "population", "dir": direction}).text)
    assert rows[0][1] == first
    numbers = [int(re.sub(r"\D", "", r[2])) for r in rows if r[2] != "–"]
    assert numbers == sorted(numbers, reverse=direction == "desc")


def test_read_list_sorted_by_a_count_column(web) -> None:
    rows = table_rows(web.get("/listor/kommuner", params={"sort": "cross_border", "dir": "desc"}).text)
    counts = [int(r[4]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > counts[-1]


def test_read_list_filtered_by_text(web) -> None:
    rows = table_rows(web.get("/listor/kommuner", params={"q": "NACKA"}).text)
    assert [r[1] for r in rows] == ["Nacka kommun"]


def test_read_list_text_without_matches_says_so(web) -> None:
    r = web.get("/listor/kommuner", params={"q": "zzzxq"})
    assert r.status_code == 200
    assert "Inga rader passar filtret." in r.text


def test_read_list_filtered_by_choice(web) -> None:
    rows = table_rows(web.get("/listor/samarbeten", params={"domain": "bibliotek"}).text)
    assert rows
    assert all("Bibliotek" in r[1] for r in rows)
    crossing = table_rows(web.get("/listor/samarbeten", params={"crosses": "no"}).text)
    assert crossing
    assert {r[4] for r in crossing} == {"Nej"}


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        pytest.param("/listor/kommuner", {"sort": "size"}, "population", id="sort"),
        pytest.param("/listor/samarbeten", {"domain": "opera"}, "bibliotek", id="domain"),
        pytest.param("/listor/samarbeten", {"crosses": "maybe"}, "yes", id="crosses"),
        pytest.param("/listor/aktorer", {"category": "Dragon"}, "Region", id="category"),
        pytest.param("/listor/fragor", {"rounds": "1066"}, "2020", id="round"),
    ],
)
def test_read_list_unknown_sort_or_choice_is_400(web, path, params, named) -> None:
    r = web.get(path, params={**params, "format": "csv"})
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["error"] == "bad-parameter"
    assert named in body["message"]
    assert next(iter(params)) in body["message"]
    page = web.get(path, params={**params, "format": "html"})  # the page: the same words, on a page
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert str(escape(body["message"])) in page.text  # as the template escapes it


@pytest.mark.parametrize("params", [{"dir": "sideways"}, {"page": "0"}, {"page": "two"}])
def test_read_list_malformed_parameter_is_400(web, params) -> None:
    assert web.get("/listor/kommuner", params=params).status_code == 400


def test_download_filtered_list_as_csv(web) -> None:
    page = web.get("/listor/samarbeten", params={"crosses": "yes", "sort": "name"})
    shown = table_rows(page.text)
    r = web.get("/listor/samarbeten", params={"crosses": "yes", "sort": "name", "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="samarbeten.csv"'
    rows = csv_rows(r.text)
    assert rows[0] == ["Namn", "Område", "Period", "Deltagare", "Över kommungräns"]
    assert rows[1:] == shown
    assert {row[4] for row in rows[1:]} == {"Ja"}


def test_download_whole_list_beyond_one_page(web) -> None:
    rows = csv_rows(web.get("/listor/aktorer", params={"format": "csv", "q": "kommun"}).text)[1:]
    count = re.search(r"(\d+) rader av", web.get("/listor/aktorer", params={"q": "kommun"}).text)
    assert count is not None
    assert len(rows) == int(count.group(1))
    assert all("kommun" in " ".join(r).lower() for r in rows)


def test_iter_list_rows_reads_in_chunks_the_rows_of_one_query(web) -> None:
    store = web.app.state.store

    def select(sparql, subs):
        return store.select(sparql, substitutions=subs)

    spec = lq.LISTS["actors"]
    labels = {k: k for k in lq.CATEGORY_KEYS}
    whole = lq.read_rows(
        select, spec, "sv", sort="name", direction="desc", limit=10_000, offset=0, labels=labels
    )
    chunked = list(
        lq.iter_list_rows(select, spec, "sv", sort="name", direction="desc", labels=labels, chunk=7)
    )
    assert [r["item"] for r in chunked] == [r["item"] for r in whole]
    assert len(whole) == lq.count_list(select, spec, "sv", labels=labels)


def test_list_crossings_follow_the_one_rule(web) -> None:
    from graph.queries import workspace

    store = web.app.state.store

    def select(sparql, subs):
        return store.select(sparql, substitutions=subs)

    rule = {c["label"]: c["crosses_border"] for c in workspace.read_all_collaborations(select, "sv")}
    listed = csv_rows(web.get("/listor/samarbeten", params={"format": "csv"}).text)[1:]
    assert {r[0]: r[4] == "Ja" for r in listed} == rule
    counts = {r["code"]: r["crossBorder"] for r in workspace.read_municipality_rows(select, "sv")}
    municipalities = csv_rows(web.get("/listor/kommuner", params={"format": "csv"}).text)[1:]
    assert {r[0]: int(r[4]) for r in municipalities} == counts
