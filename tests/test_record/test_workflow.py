"""A round recorded from a workbook: template, check, preview, import, report, undo; problems all at once."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from openpyxl import Workbook, load_workbook

from graph.aggregates.define import AGGREGATE_PREFIX
from graph.errors import IngestError
from graph.history import HISTORY_GRAPH, UndoRefusedError, Upload, read_history, record_import, undo_import
from graph.ingest.check import check_inputs
from graph.ingest.lookup import read_lookup
from graph.ingest.preview import describe_plan, prepare_import
from graph.ingest.tables import Mapping
from graph.ingest.workbook import README_SHEET, check_workbook_bytes, write_template
from graph.namespaces import META_GRAPH
from graph.store.embedded import GraphStore
from graph.views.report import make_report, render_report
from tests.test_record.conftest import DATA, MENTIONS, fill, round_rows

LIMIT = 10 << 20


def _content(store: GraphStore) -> set[object]:
    # Without the records of writes: the history, and when the aggregates were last brought in step.
    return {
        q
        for q in store.quads()
        if getattr(q.graph_name, "value", "") != HISTORY_GRAPH
        and not (q.graph_name.value == str(META_GRAPH) and q.subject.value.startswith(AGGREGATE_PREFIX))
    }


def test_template_has_readme_sheets_and_dropdowns(round_template: Path) -> None:
    book = load_workbook(round_template)
    assert book.sheetnames[0] == README_SHEET
    assert {"meetings", "meeting_participants", "mentions", "actors", "sources"} <= set(book.sheetnames)
    readme = " ".join(str(c.value) for row in book[README_SHEET].iter_rows() for c in row if c.value)
    assert "oro" in readme
    assert "Swedish words" in readme
    mentions = book["mentions"]
    header = [c.value for c in mentions[1]]
    stance = mentions.cell(row=1, column=header.index("stance") + 1).column_letter
    ranges = {str(r) for v in mentions.data_validations.dataValidation for r in v.sqref.ranges}
    assert any(r.startswith(f"{stance}2:") for r in ranges)
    lists = [c.value for row in book["listor"].iter_rows() for c in row if c.value]
    assert "oro" in lists
    assert any(str(v).startswith("0163 Sollentuna") for v in lists)  # code and name
    assert mentions.column_dimensions["A"].number_format == "@"


def test_round_checked_previewed_imported_reported_and_undone(
    round_template: Path, tmp_path: Path, curated: GraphStore, mapping: Mapping
) -> None:
    filled = fill(round_template, round_rows(), tmp_path / "ifylld.xlsx")
    before = _content(curated)
    files = [(filled.name, filled.read_bytes())]
    prepared = prepare_import(curated, files, mapping=mapping, data_dir=DATA, limit=LIMIT)
    assert prepared.checked.errors == [], [p.render("en") for p in prepared.checked.problems]
    assert prepared.plan is not None
    words = " ".join(describe_plan(curated, prepared.plan, mapping=mapping, lang="sv"))
    assert "dialogmöte 1" in words
    assert "deltagare 5" in words
    assert "omnämnd fråga 2" in words
    assert prepared.plan.removed == set()

    activity, change = record_import(
        curated,
        prepared.plan.added,
        prepared.plan.removed,
        by="Anna",
        files=[Upload.of(*files[0])],
        parsed=prepared.checked.parsed,
    )
    assert activity is not None
    assert change.added == len(prepared.plan.added)
    report = render_report(make_report(curated, "2025", lang="sv"))
    assert "Dialogmöte i Nacka 2025" in report
    assert "Vi måste spara på kulturen i år" in report
    (recorded,) = [a for a in read_history(curated) if a.id == activity]
    assert recorded.by == "Anna"
    assert recorded.files[0].sha256 == Upload.of(*files[0]).sha256

    undo_import(curated, activity, by="Anna")
    assert _content(curated) == before
    assert read_history(curated)[-1].undoes == activity


def test_five_planted_errors_listed_at_once(
    round_template: Path, tmp_path: Path, curated: GraphStore, mapping: Mapping
) -> None:
    rows = round_rows(
        participants=["0182", "Solna", "180"],
        mentions=[{**MENTIONS[0], "raised_by": "Sollentona"}, {**MENTIONS[1], "stance": "positve"}],
    )
    rows["meetings"] = [{**rows["meetings"][0], "start": "5/3/2025"}]
    filled = fill(round_template, rows, tmp_path / "fel.xlsx")
    book = load_workbook(filled)
    book["mentions"]["I2"] = "=A2"  # a formula in the quote column
    book.save(filled)
    checked = check_inputs(
        [(filled.name, filled.read_bytes())],
        mapping=mapping,
        lookup=read_lookup(curated, mapping),
        store=curated,
        limit=LIMIT,
    )
    found = {(p.sheet, p.row, p.column): p for p in checked.errors}
    assert set(found) == {
        ("meeting_participants", 4, "participant"),
        ("meetings", 2, "start"),
        ("mentions", 2, "raised_by"),
        ("mentions", 2, "quote"),
        ("mentions", 3, "stance"),
    }
    assert str(found["meeting_participants", 4, "participant"].suggestion).endswith("(0180)")
    assert str(found["mentions", 2, "raised_by"].suggestion).startswith("Sollentuna")
    assert str(found["mentions", 2, "raised_by"].suggestion).endswith("(0163)")
    assert found["mentions", 3, "stance"].suggestion == "positive"
    assert found["meetings", 2, "start"].suggestion == "2025-03-05"
    assert found["mentions", 2, "quote"].kind == "formula"
    assert "förslag: 180 → Stockholm" in found["meeting_participants", 4, "participant"].render("sv")
    assert "okänt id" in found["mentions", 2, "raised_by"].render("sv")
    assert "unknown id" in found["mentions", 2, "raised_by"].render("en")


def test_new_rows_alone_resolve_against_the_store(curated: GraphStore, mapping: Mapping) -> None:
    csv = "meeting,participant,sources\n2020-nacka,0163,kultur-sll-dialogmoten-26-kommuner\n"
    checked = check_inputs(
        [("meeting_participants.csv", csv.encode())],
        mapping=mapping,
        lookup=read_lookup(curated, mapping),
        store=curated,
        limit=LIMIT,
    )
    assert checked.errors == []
    assert len(checked.parsed.quads) == 1


def test_undo_refused_while_a_later_import_uses_what_it_created(
    round_template: Path, tmp_path: Path, curated: GraphStore, mapping: Mapping
) -> None:
    first = fill(round_template, round_rows(participants=["0182"], mentions=[]), tmp_path / "a.xlsx")
    (tmp_path / "later").mkdir()
    later = tmp_path / "later" / "meeting_participants.csv"
    later.write_text("meeting,participant,sources\n2025-nacka,0184,anteckningar-2025\n", encoding="utf-8")
    ids = []
    for path in (first, later):
        files = [(path.name, path.read_bytes())]
        prepared = prepare_import(curated, files, mapping=mapping, data_dir=DATA, limit=LIMIT)
        assert prepared.plan is not None, [p.render("en") for p in prepared.checked.problems]
        ids.append(
            record_import(curated, prepared.plan.added, set(), by="t", files=[Upload.of(*files[0])])[0]
        )
    with pytest.raises(UndoRefusedError, match=f"import {ids[1]} .*undo {ids[1]} first"):
        undo_import(curated, str(ids[0]), by="t")
    undo_import(curated, str(ids[1]), by="t")
    undo_import(curated, str(ids[0]), by="t")
    assert not curated.has_graph("https://w3id.org/samverkan/graph/source/anteckningar-2025") or not any(
        curated.quads("https://w3id.org/samverkan/graph/source/anteckningar-2025")
    )


def test_whole_dataset_workbook_changes_only_the_edited_statement(
    tmp_path: Path, curated: GraphStore, mapping: Mapping
) -> None:
    path = tmp_path / "data.xlsx"
    write_template(path, mapping=mapping, lookup=read_lookup(curated, mapping), kind="all", data_dir=DATA)
    unchanged = prepare_import(
        curated, [(path.name, path.read_bytes())], mapping=mapping, data_dir=DATA, limit=LIMIT
    )
    assert unchanged.plan is not None, [p.render("en") for p in unchanged.checked.problems[:5]]
    assert (len(unchanged.plan.added), len(unchanged.plan.removed)) == (0, 0)
    book = load_workbook(path)
    actors = book["actors"]
    header = [c.value for c in actors[1]]
    cell = actors.cell(row=2, column=header.index("name_sv") + 1)
    old, cell.value = cell.value, "Ett nytt namn"
    book.save(path)
    edited = prepare_import(
        curated, [(path.name, path.read_bytes())], mapping=mapping, data_dir=DATA, limit=LIMIT
    )
    assert edited.plan is not None
    # one statement, in the graph of each of the row's sources
    assert {q.triple for q in edited.plan.added} == {
        ox.Triple(q.subject, q.predicate, ox.Literal("Ett nytt namn", language="sv"))
        for q in edited.plan.removed
    }
    assert {q.object.value for q in edited.plan.removed} == {old}
    assert len(edited.plan.added) == len(edited.plan.removed) >= 1


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"x" * 101, "limit is 100", id="too-large"),
        pytest.param(b"id,name\n", "not an Excel workbook", id="not-a-zip"),
        pytest.param(_zip({"a.txt": b"x"}), "not an Excel workbook", id="zip-not-workbook"),
        pytest.param(_zip({"xl/workbook.xml": b"", "xl/vbaProject.bin": b""}), "macros", id="macros"),
        pytest.param(
            _zip({"xl/workbook.xml": b"", "[Content_Types].xml": b"macroEnabled.12"}),
            "macros",
            id="macro-content-type",
        ),
    ],
)
def test_check_workbook_bytes_refuses_before_parsing(data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        check_workbook_bytes(data, name="x.xlsx", limit=100 if message.startswith("limit") else LIMIT)


def test_check_workbook_bytes_accepts_a_workbook() -> None:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    check_workbook_bytes(buffer.getvalue(), name="x.xlsx", limit=LIMIT)
