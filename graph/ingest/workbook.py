"""Workbooks for strategists: a template per round (or of the whole dataset), and filled ones read safely.

One sheet per table of data/mapping.toml, named as the table, with the same header as its CSV file; a
"Läs mig" sheet explains each column in Swedish and English; a hidden "listor" sheet holds the dropdown
values (data validation) taken from the store and the SKOS schemes. Everything comes from the mapping, so a
new table or column appears in the next template without a change here.

A workbook is checked before it is parsed (``check_workbook_bytes``): its size, that it is a workbook at all
(a zip), that it carries no macros; then it is read with formulas kept (``data_only=False``) so that a formula
where a value belongs is refused instead of silently read as its cached value.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from graph.errors import IngestError, Location
from graph.ingest.lookup import Lookup
from graph.ingest.tables import Column, Mapping, Table, locate_table

Kind = Literal["round", "all"]
README_SHEET = "Läs mig"
LISTS_SHEET = "listor"
KIND_MARK = "samverkan:"  # workbook keywords: samverkan:round or samverkan:all
ROUND_TABLES = (
    "rounds",
    "meetings",
    "meeting_participants",
    "mentions",
    "actors",
    "persons",
    "collaborations",
    "collaboration_members",
    "sources",
)
ROUND_SKIPS = ("inferred_basis",)  # hypotheses are not recorded in a round workbook
TEMPLATE_ROWS = 500  # rows formatted and validated below the header
MACRO_PARTS = ("xl/vbaProject.bin", "macroEnabled")

# What a strategist reads about each table and each kind of column (Swedish, English).
TABLE_HELP: dict[str, tuple[str, str]] = {
    "rounds": ("En dialogomgång (ett år).", "A dialogue round (one year)."),
    "meetings": ("Ett dialogmöte: id, omgång, namn, datum, värd, form.", "A dialogue meeting."),
    "meeting_participants": (
        "Vem som deltog i ett möte: en rad per deltagare.",
        "Who took part: one row each.",
    ),
    "mentions": (
        "En fråga som lyftes: av vem, på vilket möte, med vilken hållning, med citat.",
        "An issue raised: by whom, at which meeting, with what stance, with the quote.",
    ),
    "actors": (
        "Nya aktörer (organisationer, grupper). Befintliga finns redan i grafen.",
        "New actors (organisations, groups). Existing ones are already in the graph.",
    ),
    "persons": ("Nya personer.", "New persons."),
    "collaborations": ("Nya samverkan över kommungränser.", "New collaborations across municipal borders."),
    "collaboration_members": (
        "Vilka som deltar i en samverkan: en rad per deltagare.",
        "Who takes part in a collaboration: one row each.",
    ),
    "sources": (
        "Källor (dokument) som raderna bygger på. Varje rad behöver minst en källa i kolumnen sources.",
        "Sources (documents) the rows rest on. Every row needs at least one in its sources column.",
    ),
}
KIND_HELP: dict[str, tuple[str, str]] = {
    "id": ("id: små bokstäver a-z, siffror och bindestreck", "id: lower-case a-z, digits and hyphens"),
    "text": ("text", "text"),
    "string": ("text", "text"),
    "url": ("webbadress (https://…)", "web address (https://…)"),
    "integer": ("heltal", "whole number"),
    "decimal": ("decimaltal med punkt", "decimal number with a point"),
    "date": ("datum ÅÅÅÅ-MM-DD", "date YYYY-MM-DD"),
    "date-or-year": (
        "datum eller år: ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD",
        "date or year: YYYY, YYYY-MM, YYYY-MM-DD",
    ),
    "year": ("år ÅÅÅÅ", "year YYYY"),
    "iri": ("identifierare", "identifier"),
    "ref": (
        "hänvisning: välj i listan (id eller namn) eller ett id från ett annat blad",
        "reference: pick from the list (id or name) or an id from another sheet",
    ),
    "concept": ("ett ord ur listan (svenska ord går bra)", "a word from the list (Swedish words are fine)"),
    "class": ("en kategori ur listan", "a category from the list"),
    "sources": ("käll-id:n, flera med ;", "source ids, several with ;"),
    "note": ("anteckning för människor", "a note for people"),
}


@dataclass
class Sheet:
    """The rows of one table read from a workbook: the header first, each with its spreadsheet row number."""

    table: str
    label: str  # how errors name it: "file.xlsx [sheet]"
    records: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class WorkbookRead:
    """A workbook's table sheets, its kind (round or all), and the sheets or cells it refused."""

    sheets: dict[str, Sheet]
    kind: Kind
    problems: list[IngestError] = field(default_factory=list)


def _fail(message: str, file: str, row: int | None = None, column: str | None = None) -> IngestError:
    return IngestError(message, location=Location(file, row=row, column=column))


def check_workbook_bytes(data: bytes, *, name: str, limit: int) -> None:
    """Refuse, before parsing, a workbook that is too large, not a workbook, or carries macros.

    Raises:
        IngestError: what is wrong, in words a person can act on.
    """
    if len(data) > limit:
        msg = (
            f"the file is {len(data):,} bytes; the limit is {limit:,} (split the workbook, or use CSV files)"
        )
        raise _fail(msg, name)
    if not data.startswith(b"PK\x03\x04"):
        msg = "not an Excel workbook (.xlsx): save it from a spreadsheet program as 'Excel Workbook (.xlsx)'"
        raise _fail(msg, name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        msg = f"not a readable workbook (a damaged zip file: {err})"
        raise _fail(msg, name) from None
    if "xl/workbook.xml" not in names:
        msg = "a zip file but not an Excel workbook (no xl/workbook.xml)"
        raise _fail(msg, name)
    if any(part in names for part in MACRO_PARTS) or b"macroEnabled" in types:
        msg = "the workbook contains macros (VBA), which are never run here: save it as .xlsx without macros"
        raise _fail(msg, name)


def _cell_text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_workbook(data: bytes, *, name: str, mapping: Mapping, limit: int) -> WorkbookRead:
    """Read the table sheets of a workbook (sheets named after tables of the mapping; others are ignored).

    Raises:
        IngestError: the file is too large, not a workbook, or has macros (see ``check_workbook_bytes``).
    """
    from openpyxl import load_workbook

    check_workbook_bytes(data, name=name, limit=limit)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as err:
        msg = f"not a readable workbook ({type(err).__name__}: {err})"
        raise _fail(msg, name) from None
    keywords = str(book.properties.keywords or "")
    kind: Kind = "all" if f"{KIND_MARK}all" in keywords else "round"
    read = WorkbookRead({}, kind)
    try:
        tables = {ws.title: ws.title for ws in book.worksheets if ws.title in mapping.tables}
        if not tables:
            # A workbook named after one table (actors.xlsx) holds it in its first sheet (data/README.md).
            stem = Path(name).stem
            table = next((n for n, t in mapping.tables.items() if Path(t.file).stem == stem), None)
            if table is None or not book.worksheets:
                sheets = ", ".join(ws.title for ws in book.worksheets) or "none"
                msg = (
                    f"no sheet is named after a table (sheets: {sheets}); name each sheet after its table "
                    f"({', '.join(mapping.tables)}), or the file after one table"
                )
                raise _fail(msg, name)
            tables = {book.worksheets[0].title: table}
        for ws in book.worksheets:
            if ws.title not in tables:
                continue
            table_name = tables[ws.title]
            sheet = read.sheets[table_name] = Sheet(table_name, f"{name} [{ws.title}]")
            header: list[str] = []
            for number, row in enumerate(ws.iter_rows(), 1):
                cells = []
                for i, cell in enumerate(row):
                    if getattr(cell, "data_type", None) == "f":
                        column = header[i] if i < len(header) else f"#{i + 1}"
                        read.problems.append(
                            _fail(
                                f"a formula ({cell.value}) where a value belongs: type the value itself",
                                sheet.label,
                                number,
                                column,
                            )
                        )
                        cells.append("")
                    else:
                        cells.append(_cell_text(cell.value))
                if number == 1:
                    header = cells
                sheet.records.append((number, cells))
    finally:
        book.close()
    return read


def read_csv(data: bytes, *, name: str, table: str) -> Sheet:
    """Read one CSV table (UTF-8, header first).

    Raises:
        IngestError: the file is not UTF-8.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        row = data[: err.start].count(b"\n") + 1
        msg = "the file is not UTF-8 text; save it as 'CSV UTF-8' and try again"
        raise _fail(msg, name, row) from None
    return Sheet(table, name, list(enumerate(csv.reader(io.StringIO(text, newline="")), 1)))


# ---- writing templates -------------------------------------------------------------------------------


def _list_values(col: Column, mapping: Mapping, lookup: Lookup) -> list[str]:
    """The dropdown values of a column: codes and names of what it refers to, Swedish words, allowed ones."""
    if col.kind == "concept" and col.scheme:
        labels = lookup.concept_labels.get(col.scheme, {})
        slugs = mapping.concepts.get(col.scheme, frozenset())
        classes = sorted(set(col.types) - slugs)  # classes, not concepts: an actor's "facility"
        return [labels.get(slug, slug).lower() for slug in sorted(slugs)] + classes
    if col.kind == "sources" or (col.kind == "ref" and col.refs):
        ids = lookup.ids(col.refs or ("sources",))
        return sorted(
            f"{key} {labels[0]}" if labels and labels[0] != key else key for key, labels in ids.items()
        )
    return list(col.allowed)


def _columns(table: Table, kind: Kind) -> list[Column]:
    return [c for c in table.columns.values() if kind == "all" or c.name not in ROUND_SKIPS]


def write_template(
    path: Path,
    *,
    mapping: Mapping,
    lookup: Lookup,
    kind: Kind = "round",
    data_dir: Path | None = None,
) -> list[str]:
    """Write a workbook template: a round's tables, or every table with the rows of ``data_dir`` (``all``).

    Returns:
        The tables written, in sheet order.

    Raises:
        IngestError: ``all`` without ``data_dir``, or a table file there cannot be read.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind == "all" and data_dir is None:
        msg = "a workbook of the whole dataset needs the data directory"
        raise _fail(msg, str(path))
    names = (
        [n for n in ROUND_TABLES if n in mapping.tables]
        if kind == "round"
        else [n for n, t in mapping.tables.items() if t.file.endswith(".csv")]
    )
    book = Workbook()
    book.properties.keywords = f"{KIND_MARK}{kind}"
    book.properties.title = "samverkan: " + ("dialogomgång" if kind == "round" else "hela datamängden")
    readme = book.active
    assert readme is not None
    readme.title = README_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_column = 0
    _write_readme(readme, names, mapping, kind)
    for name in names:
        table, ws = mapping.tables[name], book.create_sheet(name[:31])
        rows = _data_rows(data_dir, table) if kind == "all" and data_dir else []
        columns = (
            _columns(table, kind) if not rows else [table.columns[h] for h in rows[0] if h in table.columns]
        )
        ws.append([c.name for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for record in rows[1:]:
            ws.append(record)
        last = max(TEMPLATE_ROWS, len(rows)) + 1
        for i, col in enumerate(columns, 1):
            letter = ws.cell(row=1, column=i).column_letter
            ws.column_dimensions[letter].width = max(12, min(40, len(col.name) + 4))
            # The column's style is text, so that 0180 keeps its 0 and 2025 is no number; a column style, not
            # one per cell: formatted empty cells would be read back as hundreds of empty rows.
            ws.column_dimensions[letter].number_format = "@"
            values = _list_values(col, mapping, lookup)
            if not values:
                continue
            list_column += 1
            list_letter = lists.cell(row=1, column=list_column).column_letter
            for r, value in enumerate(values, 1):
                lists.cell(row=r, column=list_column, value=value)
            check = DataValidation(
                type="list",
                formula1=f"{LISTS_SHEET}!${list_letter}$1:${list_letter}${len(values)}",
                errorStyle="warning",
                allow_blank=True,
                showErrorMessage=True,
            )
            check.errorTitle, check.error = "Inte i listan", "Värdet finns inte i listan. Behåll det ändå?"
            check.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(check)
        ws.cell(row=1, column=1).alignment = Alignment(vertical="top")
    book.save(path)
    return names


def _data_rows(data_dir: Path, table: Table) -> list[list[str]]:
    sheet = read_csv(locate_table(data_dir, table).read_bytes(), name=table.file, table=table.name)
    return [cells for _, cells in sheet.records if any(c.strip() for c in cells)]


def _write_readme(ws: object, names: list[str], mapping: Mapping, kind: Kind) -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    intro = [
        ("Så här fyller du i arbetsboken", "How to fill in this workbook"),
        (
            "Ett blad per tabell. En rad per uppgift; rad 1 är rubriker (ändra dem inte).",
            "One sheet per table. One row per fact; row 1 holds the headers (do not change them).",
        ),
        (
            "Befintliga kommuner, aktörer, omgångar och källor behöver inte upprepas: välj dem i listorna.",
            "Existing municipalities, actors, rounds and sources need no row: pick them from the lists.",
        ),
        (
            "Svenska ord går bra: oro, positivt, behov, neutral; på plats, digitalt.",
            "Swedish words are fine beside the slugs: oro (concern), positivt (positive), behov (need).",
        ),
        (
            "Kontrollera: samverkan check FIL.xlsx — alla fel på en gång, med rad, kolumn och förslag.",
            "Check: samverkan check FILE.xlsx — every problem at once, with row, column and a suggestion.",
        ),
        (
            "Förhandsgranska och importera: samverkan import FIL.xlsx --preview, sedan utan --preview.",
            "Preview and import: samverkan import FILE.xlsx --preview, then without --preview.",
        ),
    ]
    if kind == "all":
        intro.append(
            (
                "Hela datamängden: ändra och importera igen; bara ändrade uppgifter ändras i grafen.",
                "The whole dataset: edit and import again; only the edited statements change.",
            )
        )
    ws.append(["Svenska", "English"])
    for sv, en in intro:
        ws.append([sv, en])
    ws.append([])
    ws.append(["blad / kolumn", "obligatorisk", "vad (svenska)", "what (English)"])
    for cell in (*ws[1], *ws[ws.max_row]):
        cell.font = Font(bold=True)
    for name in names:
        table = mapping.tables[name]
        sv, en = TABLE_HELP.get(name, (name, name))
        ws.append([name, "", sv, en])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        for col in _columns(table, kind):
            ksv, ken = KIND_HELP.get(col.kind, (col.kind, col.kind))
            extra = f" ({', '.join(col.allowed)})" if col.allowed else ""
            ws.append([f"  {col.name}", "ja / yes" if col.required else "", ksv + extra, ken + extra])
    for letter, width in zip("ABCD", (28, 14, 70, 70), strict=True):
        ws.column_dimensions[letter].width = width


def iter_sheet_records(sheet: Sheet) -> Iterator[tuple[int, list[str]]]:
    """The sheet's records as ``graph.ingest.tables.read_records`` takes them."""
    return iter(sheet.records)


__all__ = [
    "README_SHEET",
    "ROUND_TABLES",
    "Kind",
    "Sheet",
    "WorkbookRead",
    "check_workbook_bytes",
    "iter_sheet_records",
    "read_csv",
    "read_workbook",
    "write_template",
]
