"""Tables in, quads out: the mapping, the checks and their messages, CSV and XLSX alike."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from graph.errors import IngestError
from graph.ingest.tables import Mapping, load_mapping, read_table, read_tables
from graph.namespaces import GRAPH, ID, SKOS, SV, source_graph

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def mapping() -> Mapping:
    return load_mapping(DATA / "mapping.toml")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def edit_csv(path: Path, change: Callable[[list[dict[str, str]]], None]) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    change(rows)
    header = [h for h in header if any(h in r for r in rows)] if rows else header
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(row: int, column: str, value: str) -> Callable[[list[dict[str, str]]], None]:
    """Set one cell; ``row`` is the spreadsheet row (header = 1)."""

    def change(rows: list[dict[str, str]]) -> None:
        rows[row - 2][column] = value

    return change


def test_read_tables_fills_source_meta_and_locations(mapping: Mapping) -> None:
    parsed = read_tables(DATA, mapping)
    nacka = str(ID["municipality/0182"])
    assert parsed.locations[nacka].file.endswith("municipalities.csv")
    assert parsed.locations[nacka].row == 20
    assert parsed.locations[str(ID["geometry/0182"])].row == 20
    graphs = {q.graph_name.value for q in parsed.quads}
    assert str(source_graph("press-release-2020")) in graphs
    assert str(GRAPH["meta"]) in graphs


def test_read_table_puts_statement_in_every_source_graph(data_dir: Path, mapping: Mapping) -> None:
    edit_csv(data_dir / "actors.csv", set_cell(2, "sources", "press-release-2020;klys-om-klys"))
    parsed = read_table(data_dir / "actors.csv", table="actors", mapping=mapping)
    label = [
        q
        for q in parsed.quads
        if q.predicate.value == str(SKOS.prefLabel)
        and q.subject.value == str(ID["region/region-stockholm"])
        and q.object.language == "sv"
    ]
    assert {q.graph_name.value for q in label} == {
        str(source_graph("press-release-2020")),
        str(source_graph("klys-om-klys")),
    }


def test_read_table_sends_inferred_rows_to_inferred_graph(data_dir: Path, mapping: Mapping) -> None:
    edit_csv(data_dir / "memberships.csv", set_cell(2, "inferred_basis", "a guess, for the test"))
    parsed = read_table(data_dir / "memberships.csv", table="memberships", mapping=mapping)
    inferred = GRAPH["inferred/memberships"]
    subject = str(ID["membership/klys-sveriges-forfattarforbund"])
    assert {q.graph_name.value for q in parsed.quads if q.subject.value == subject} == {str(inferred)}
    meta = [q for q in parsed.quads if q.subject.value == str(inferred)]
    assert {q.predicate.value for q in meta} >= {str(SV.inferenceBasis)}
    assert all(q.graph_name.value == str(GRAPH["meta"]) for q in meta)


@pytest.mark.parametrize(
    ("file", "change", "where", "words"),
    [
        pytest.param(
            "actors.csv",
            set_cell(4, "name_sv", ""),
            "row 4, column 'name_sv'",
            "required",
            id="empty-required-cell",
        ),
        pytest.param(
            "populations.csv",
            set_cell(3, "count", "many"),
            "row 3, column 'count'",
            "whole number",
            id="bad-integer",
        ),
        pytest.param(
            "populations.csv",
            set_cell(5, "date", "2016-13-31"),
            "row 5, column 'date'",
            "valid date",
            id="bad-date",
        ),
        pytest.param(
            "municipalities.csv",
            set_cell(6, "lat", "norr"),
            "row 6, column 'lat'",
            "not a number",
            id="bad-lat",
        ),
        pytest.param(
            "municipalities.csv",
            set_cell(6, "lon", "181"),
            "row 6, column 'lon'",
            "outside the range",
            id="lon-out-of-range",
        ),
        pytest.param(
            "actors.csv",
            set_cell(7, "based_in", "0199"),
            "row 7, column 'based_in'",
            "unknown id '0199'",
            id="unknown-municipality",
        ),
        pytest.param(
            "memberships.csv",
            set_cell(3, "organisation", "klys2"),
            "row 3, column 'organisation'",
            "unknown id 'klys2'",
            id="unknown-actor",
        ),
        pytest.param(
            "actors.csv",
            set_cell(8, "sources", "press-release-2021"),
            "row 8, column 'sources'",
            "not in sources.csv",
            id="unknown-source",
        ),
        pytest.param(
            "mentions.csv",
            set_cell(2, "issue", "armslength"),
            "row 2, column 'issue'",
            "unknown issue 'armslength'",
            id="unknown-concept",
        ),
        pytest.param(
            "actors.csv",
            set_cell(5, "id", "klys"),
            "row 11, column 'id'",
            "duplicate row for id=klys (first on row 5)",
            id="duplicate-id",
        ),
        pytest.param(
            "actors.csv",
            set_cell(5, "category", "Club"),
            "row 5, column 'category'",
            "unknown actor-category 'Club'; known: administration, assembly",
            id="unknown-category",
        ),
    ],
)
def test_read_table_names_file_row_column(
    data_dir: Path,
    mapping: Mapping,
    file: str,
    change: Callable[[list[dict[str, str]]], None],
    where: str,
    words: str,
) -> None:
    edit_csv(data_dir / file, change)
    table = file.removesuffix(".csv")
    with pytest.raises(IngestError) as caught:
        read_table(data_dir / file, table=table, mapping=mapping)
    message = str(caught.value)
    assert f"{file}, {where}" in message
    assert words in message


def test_read_table_missing_required_column(data_dir: Path, mapping: Mapping) -> None:
    def drop(rows: list[dict[str, str]]) -> None:
        for r in rows:
            del r["name_sv"]

    edit_csv(data_dir / "actors.csv", drop)
    with pytest.raises(IngestError, match=r"row 1, column 'name_sv'.*expected columns: id, "):
        read_table(data_dir / "actors.csv", table="actors", mapping=mapping)


def test_read_table_unknown_table(mapping: Mapping) -> None:
    with pytest.raises(IngestError, match="unknown table 'venues'; the mapping names: sources"):
        read_table(DATA / "actors.csv", table="venues", mapping=mapping)


def test_read_table_not_utf8(data_dir: Path, mapping: Mapping) -> None:
    path = data_dir / "actors.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    with pytest.raises(IngestError, match=r"actors\.csv, row 2: the file is not UTF-8"):
        read_table(path, table="actors", mapping=mapping)


def test_read_table_hypothesis_needs_basis(data_dir: Path, mapping: Mapping) -> None:
    path = data_dir / "inferred" / "constellations-2020.csv"
    edit_csv(path, set_cell(3, "inferred_basis", ""))
    with pytest.raises(IngestError, match=r"row 3, column 'inferred_basis'"):
        read_table(path, table="constellations-2020", mapping=mapping)


def test_read_table_source_column_needed(data_dir: Path, mapping: Mapping) -> None:
    edit_csv(data_dir / "municipalities.csv", set_cell(18, "wikidata_sources", ""))
    with pytest.raises(IngestError, match=r"row 18, column 'wikidata_sources'"):
        read_table(data_dir / "municipalities.csv", table="municipalities", mapping=mapping)


def write_xlsx(csv_path: Path, xlsx_path: Path, *, numbers: bool) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    with csv_path.open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.reader(f)):
            cells: list[object] = list(row)
            if numbers and i:
                cells = [int(v) if v.isdigit() and not v.startswith("0") else v for v in row]
            sheet.append(cells)
    book.save(xlsx_path)


@pytest.mark.parametrize("numbers", [False, True], ids=["text-cells", "number-cells"])
def test_read_table_xlsx_same_quads_as_csv(data_dir: Path, mapping: Mapping, numbers: bool) -> None:
    expected = read_table(data_dir / "populations.csv", table="populations", mapping=mapping)
    xlsx = data_dir / "populations.xlsx"
    write_xlsx(data_dir / "populations.csv", xlsx, numbers=numbers)
    (data_dir / "populations.csv").unlink()
    parsed = read_table(xlsx, table="populations", mapping=mapping)
    assert set(parsed.quads) == set(expected.quads)
    assert parsed.locations[str(ID["population/0182-2016-12-31"])].row == 20
    assert set(read_tables(data_dir, mapping).quads) >= set(expected.quads)


def test_read_tables_refuses_csv_and_xlsx_together(data_dir: Path, mapping: Mapping) -> None:
    write_xlsx(data_dir / "rounds.csv", data_dir / "rounds.xlsx", numbers=False)
    with pytest.raises(IngestError, match="both a CSV and an XLSX"):
        read_tables(data_dir, mapping)


def test_load_mapping_unknown_kind(tmp_path: Path) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(
        '[tables.rounds]\nfile = "rounds.csv"\nsubject = "id:round/{year}"\n'
        '[tables.rounds.columns]\nyear = { kind = "yearish" }\n',
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match=r"mapping\.toml: the mapping is not valid.*yearish"):
        load_mapping(path)


def test_read_table_turns_a_note_into_an_editorial_note(data_dir: Path, mapping: Mapping) -> None:
    edit_csv(data_dir / "rounds.csv", set_cell(2, "note", "Nothing is known of the May meeting."))
    parsed = read_table(data_dir / "rounds.csv", table="rounds", mapping=mapping)
    notes = [q for q in parsed.quads if q.predicate.value == str(SKOS.editorialNote)]
    found = [q for q in notes if q.subject.value == str(ID["round/2019"])]
    assert {(q.object.value, q.object.language) for q in found} == {
        ("Nothing is known of the May meeting.", "en")
    }


def test_read_table_rejects_a_note_on_a_row_without_a_resource(data_dir: Path, mapping: Mapping) -> None:
    edit_csv(data_dir / "meeting_participants.csv", set_cell(3, "note", "came late"))
    with pytest.raises(IngestError, match=r"row 3, column 'note'.*no resource of their own.*'meeting'"):
        read_table(data_dir / "meeting_participants.csv", table="meeting_participants", mapping=mapping)


def test_read_table_reads_outlines_from_geojson(mapping: Mapping) -> None:
    parsed = read_table(DATA / "municipality-boundaries.geojson", table="outlines", mapping=mapping)
    nacka = [q for q in parsed.quads if q.subject.value == str(ID["geometry/0182-outline"])]
    wkt = [q.object for q in nacka if q.predicate.value.endswith("#asWKT")]
    assert len(wkt) == 1
    assert wkt[0].value.startswith("POLYGON((18.")
    assert wkt[0].datatype.value.endswith("#wktLiteral")  # type: ignore[union-attr]


def test_read_table_names_the_feature_without_geometry(data_dir: Path, mapping: Mapping) -> None:
    path = data_dir / "municipality-boundaries.geojson"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"type":"Polygon"', '"type":"Point"', 1), "utf-8"
    )
    with pytest.raises(IngestError, match=r"row 2, column 'wkt'.*Point"):
        read_table(path, table="outlines", mapping=mapping)


def test_read_table_like_another_sends_rows_to_its_inferred_graph(mapping: Mapping) -> None:
    parsed = read_table(DATA / "inferred" / "mentions.csv", table="mentions-read", mapping=mapping)
    subjects = {
        q.subject.value for q in parsed.quads if q.graph_name.value == str(GRAPH["inferred/mentions-read"])
    }
    assert str(ID["mention/2023-regional-culture-support"]) in subjects
    assert mapping.tables["mentions-read"].columns.keys() == mapping.tables["mentions"].columns.keys()


def test_read_actor_category_as_classification_with_its_classes(mapping: Mapping) -> None:
    """A category is org:classification plus the classes the mapping gives it; a Swedish word names it too;
    "facility" is a class (a place), not a category."""
    from dataclasses import replace

    from pyoxigraph import NamedNode

    from graph.ingest.tables import read_records
    from graph.namespaces import CONCEPT, ORG, RDF

    words = replace(mapping, synonyms={"actor-category": {"kulturskola": "culture-school"}})
    records = iter([
        (1, ["id", "category", "name_sv", "sources"]),
        (2, ["kulturskolan-nacka", "Kulturskola", "Kulturskolan Nacka", "press-release-2020"]),
        (3, ["sodertorn", "grouping", "Södertörn", "press-release-2020"]),
        (4, ["friidrottshallen", "facility", "Sollentuna friidrottshall", "press-release-2020"]),
    ])  # fmt: skip
    known = {"sources": {"press-release-2020": NamedNode(str(ID["source/press-release-2020"]))}}
    parsed = read_records({"actors": ("actors.xlsx", records)}, mapping=words, known=known)
    said = {(q.subject.value, q.predicate.value, q.object.value) for q in parsed.quads}
    school, group, hall = (
        str(ID[p]) for p in ("actor/kulturskolan-nacka", "actor/sodertorn", "facility/friidrottshallen")
    )
    assert {(school, str(RDF.type), str(SV.Actor)), (school, str(RDF.type), str(ORG.OrganizationalUnit)),
            (school, str(ORG.classification), str(CONCEPT["actor-category/culture-school"])),
            (group, str(RDF.type), str(SV.Grouping)),
            (group, str(ORG.classification), str(CONCEPT["actor-category/grouping"])),
            (hall, str(RDF.type), str(SV.Facility))} <= said  # fmt: skip
    assert not [t for t in said if t[0] == hall and t[1] == str(ORG.classification)]
    assert not [t for t in said if t[1] == str(RDF.type) and t[2] == str(SV.CultureSchool)]
