"""Check workbooks and CSV tables against the store they would join: every problem at once, with suggestions.

``check_files`` reads every sheet and file, resolves references against the rows read and the store
(``graph.ingest.lookup``), collects every problem the table reader finds instead of stopping at the first,
then (when the rows read cleanly) validates their statements against the shapes. Each problem names the file,
sheet, row, column and value, says what is wrong in Swedish or English, and suggests a fix where one is close:
``180 → 0180?``, ``Sollentona → Sollentuna?``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from graph.errors import IngestError, Violation
from graph.ingest.lookup import Lookup, with_synonyms
from graph.ingest.quads import Parsed
from graph.ingest.tables import Column, Mapping, read_records
from graph.ingest.workbook import Kind, Sheet, read_csv, read_workbook
from graph.store.protocol import Store

Lang = Literal["sv", "en"]
QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
# The reader's English messages, by kind of problem: the Swedish text is chosen by kind.
KINDS: tuple[tuple[str, str], ...] = (
    ("required", "this cell is required but empty"),
    ("unknown_ref", "unknown id "),
    ("pattern", "does not have the expected form"),
    ("not_allowed", "is not one of"),
    ("unknown_concept", "unknown "),
    ("date", "is not a valid date"),
    ("number", "number (decimals"),
    ("range", "is outside the range"),
    ("duplicate", "duplicate row"),
    ("unknown_column", "unknown column"),
    ("missing_column", "missing required column"),
    ("formula", "a formula"),
    ("not_utf8", "not UTF-8"),
    ("no_sources", "needs its source"),
)
SWEDISH = {
    "required": "cellen måste fyllas i",
    "unknown_ref": "okänt id: finns varken i arbetsboken eller i grafen",
    "pattern": "värdet har inte rätt form",
    "not_allowed": "värdet är inte tillåtet här",
    "unknown_concept": "okänt ord",
    "date": "inget giltigt datum: skriv ÅÅÅÅ-MM-DD (eller ÅÅÅÅ där år räcker)",
    "number": "inget tal (decimaler med punkt)",
    "range": "talet ligger utanför det tillåtna intervallet",
    "duplicate": "dubblettrad: samma nyckel finns redan på en tidigare rad",
    "unknown_column": "okänd kolumn (stavfel?); anteckningar hör hemma i kolumnen note",
    "missing_column": "en obligatorisk kolumn saknas",
    "formula": "en formel där ett värde ska stå: skriv själva värdet",
    "not_utf8": "filen är inte UTF-8: spara som 'CSV UTF-8'",
    "no_sources": "raden behöver en källa i kolumnen sources",
    "shape": "bryter mot formen (SHACL)",
}
WORDS = {
    "sv": {"row": "rad", "column": "kolumn", "suggestion": "förslag", "error": "fel", "warning": "varning"},
    "en": {
        "row": "row",
        "column": "column",
        "suggestion": "suggestion",
        "error": "error",
        "warning": "warning",
    },
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, with its place, the value, and a suggestion where one is close."""

    file: str
    kind: str
    detail: str  # the reader's own words (English)
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    suggestion: str | None = None
    severity: Literal["error", "warning"] = "error"

    def what(self, lang: Lang = "sv") -> str:
        """What is wrong, in Swedish (with the reader's words beside it) or English."""
        if lang == "sv" and self.kind in SWEDISH:
            return f"{SWEDISH[self.kind]} ({self.detail})"
        return self.detail

    def render(self, lang: Lang = "sv") -> str:
        """One line: place, value, what is wrong, suggestion."""
        w = WORDS[lang]
        place = self.file + (f" [{self.sheet}]" if self.sheet else "")
        if self.row is not None:
            place += f", {w['row']} {self.row}"
        if self.column:
            place += f", {w['column']} {self.column}"
        value = f" {self.value!r}:" if self.value else ""
        hint = f" {w['suggestion']}: {self.value} → {self.suggestion}?" if self.suggestion else ""
        return f"{place}:{value} {self.what(lang)}.{hint}"


@dataclass
class Checked:
    """What a check read: problems, statements (when there are no errors), the sheets and their kind."""

    problems: list[Problem] = field(default_factory=list)
    parsed: Parsed = field(default_factory=Parsed)
    sheets: dict[str, Sheet] = field(default_factory=dict)
    kind: Kind | Literal["tables"] = "tables"
    files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop an import."""
        return [p for p in self.problems if p.severity == "error"]


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def _closest(value: str, choices: dict[str, str]) -> str | None:
    """The choice (key: a word or a label, case-folded) closest to ``value``, as its id and label."""
    match = difflib.get_close_matches(value.casefold(), list(choices), n=1, cutoff=0.75)
    return choices[match[0]] if match else None


class _Suggester:
    """Close matches for a value in a column: ids and labels of the store and the sheets, concept words."""

    def __init__(self, mapping: Mapping, lookup: Lookup, sheets: dict[str, Sheet]) -> None:
        self.mapping, self.lookup = mapping, lookup
        self.sheet_ids = {name: _sheet_ids(mapping, sheet) for name, sheet in sheets.items()}

    def ids(self, col: Column) -> dict[str, list[str]]:
        found = self.lookup.ids(col.refs or ("sources",))
        for name in col.refs or ("sources",):
            for key in self.sheet_ids.get(name.partition(".")[0], ()):
                found.setdefault(key, [])
        return found

    def suggest(self, col: Column | None, kind: str, value: str) -> str | None:
        if col is None or not value:
            return None
        if (kind in {"unknown_ref", "pattern"} and col.refs) or col.kind == "sources":
            ids = self.ids(col)
            if value.isdigit() and (padded := value.zfill(4)) in ids:  # Excel took the code for a number
                return _named(padded, ids[padded])
            choices = {key.casefold(): key for key in ids}
            choices.update({label.casefold(): key for key, labels in ids.items() for label in labels})
            key = _closest(value, choices)
            return _named(key, ids[key]) if key else None
        if kind == "pattern" and col.pattern:
            for candidate in (value.zfill(len(value) + 1), value.zfill(4), _slugify(value)):
                if candidate != value and re.fullmatch(col.pattern, candidate):
                    return candidate
            return None
        if kind == "unknown_concept" and col.scheme:
            words = self.mapping.synonyms.get(col.scheme, {})
            key = _closest(value, {w: w for w in words})
            return key
        if kind == "date":
            parts = re.split(r"[-./ ]", value)
            if len(parts) == 3 and all(p.isdigit() for p in parts):
                year, month, day = parts if len(parts[0]) == 4 else parts[::-1]
                return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        if kind == "not_allowed" and col.allowed:
            return _closest(value, {a.casefold(): a for a in col.allowed})
        return None


def _named(key: str, labels: list[str]) -> str:
    return f"{labels[0]} ({key})" if labels and labels[0] != key else key


def _sheet_ids(mapping: Mapping, sheet: Sheet) -> set[str]:
    table = mapping.tables[sheet.table]
    if len(table.key) != 1 or not sheet.records:
        return set()
    header = [h.strip() for h in sheet.records[0][1]]
    if table.key[0] not in header:
        return set()
    i = header.index(table.key[0])
    return {cells[i].strip() for _, cells in sheet.records[1:] if i < len(cells) and cells[i].strip()}


def _normalise_refs(mapping: Mapping, lookup: Lookup, sheet: Sheet, local: dict[str, set[str]]) -> None:
    """Turn names and dropdown entries ("0163 Sollentuna", "Sollentuna") into ids, in place, if unique."""
    table = mapping.tables[sheet.table]
    if not sheet.records:
        return
    header = [h.strip() for h in sheet.records[0][1]]
    columns = [(i, table.columns[h]) for i, h in enumerate(header) if h in table.columns]
    columns = [(i, c) for i, c in columns if c.refs or c.kind == "sources"]
    if not columns:
        return
    resolvers = {}
    for _, col in columns:
        ids = lookup.ids(col.refs or ("sources",))
        own = set().union(*(local.get(r.partition(".")[0], set()) for r in col.refs or ("sources",)))
        by_label: dict[str, set[str]] = {}
        for key, labels in ids.items():
            for label in labels:
                by_label.setdefault(label.casefold(), set()).add(key)
        resolvers[col.name] = (set(ids) | own, {k: v.pop() for k, v in by_label.items() if len(v) == 1})
    for _, cells in sheet.records[1:]:
        for i, col in columns:
            if i >= len(cells) or not cells[i].strip():
                continue
            known, by_name = resolvers[col.name]
            parts = [p.strip() for p in cells[i].split(";")] if col.split else [cells[i].strip()]
            fixed = [_resolve_name(p, known, by_name) for p in parts]
            cells[i] = ";".join(fixed) if col.split else fixed[0]


def _resolve_name(value: str, ids: set[str], labels: dict[str, str]) -> str:
    if value in ids:
        return value
    head = value.split(" ", 1)[0]
    if head in ids:  # a dropdown entry: "0163 Sollentuna"
        return head
    return labels.get(value.casefold(), value)


def _problem(err: IngestError, mapping: Mapping, sheets: dict[str, Sheet], suggester: _Suggester) -> Problem:
    location = err.location
    text = str(err)
    if location is not None and text.startswith(f"{location}: "):
        text = text[len(f"{location}: ") :]
    kind = next((k for k, marker in KINDS if marker in text), "other")
    label = location.file if location else ""
    sheet = next((s for s in sheets.values() if s.label == label), None)
    file, _, sheet_name = label.partition(" [")
    col = mapping.tables[sheet.table].columns.get(location.column or "") if sheet and location else None
    quoted = QUOTED.search(text)
    value = quoted.group(1) if quoted and kind not in {"unknown_column", "missing_column"} else None
    if value is None and sheet and location and location.row and location.column:
        value = _cell(sheet, location.row, location.column)
    return Problem(
        file=file,
        kind=kind,
        detail=text,
        sheet=sheet_name.rstrip("]") or None,
        row=location.row if location else None,
        column=location.column if location else None,
        value=value,
        suggestion=suggester.suggest(col, kind, value or ""),
    )


FOLLOW_UPS = ("other", "no_sources", "required")  # what an empty or refused cell also causes, weakest first


def _one_per_cause(problems: list[Problem]) -> list[Problem]:
    """Sort by place; drop what follows from a stronger problem in the same cell (a formula: then empty)."""
    places: dict[tuple[str, str, int, str], list[Problem]] = {}
    for p in problems:
        places.setdefault((p.file, p.sheet or "", p.row or 0, p.column or ""), []).append(p)
    kept = []
    for place in sorted(places):
        found = places[place]
        strongest = max(FOLLOW_UPS.index(p.kind) if p.kind in FOLLOW_UPS else 9 for p in found)
        kept += [p for p in found if (FOLLOW_UPS.index(p.kind) if p.kind in FOLLOW_UPS else 9) == strongest]
    return kept


def _cell(sheet: Sheet, row: int, column: str) -> str | None:
    header = [h.strip() for h in sheet.records[0][1]] if sheet.records else []
    for number, cells in sheet.records:
        if number == row and column in header and header.index(column) < len(cells):
            return cells[header.index(column)] or None
    return None


def read_inputs(
    files: Iterable[tuple[str, bytes]], *, mapping: Mapping, limit: int, table: str | None = None
) -> tuple[dict[str, Sheet], Kind | Literal["tables"], list[IngestError]]:
    """Read workbooks (every table sheet) and CSV files (a table each, named by ``table`` or the file name).

    Raises:
        IngestError: a file that cannot be read at all (too large, not a workbook, macros, unknown table).
    """
    sheets: dict[str, Sheet] = {}
    kind: Kind | Literal["tables"] = "tables"
    problems: list[IngestError] = []
    for name, data in files:
        if name.lower().endswith((".xlsx", ".xlsm")):
            read = read_workbook(data, name=name, mapping=mapping, limit=limit)
            kind = read.kind if kind == "tables" else kind
            problems += read.problems
            new = read.sheets
        else:
            stem = Path(name).stem
            which = table or next((n for n, t in mapping.tables.items() if Path(t.file).stem == stem), stem)
            if which not in mapping.tables:
                known = ", ".join(mapping.tables)
                msg = f"no table {which!r} in the mapping; name the file after one ({known})"
                raise IngestError(msg)
            new = {which: read_csv(data, name=name, table=which)}
        for key, sheet in new.items():
            if key in sheets:
                msg = f"table {key!r} is given twice ({sheets[key].label} and {sheet.label}); merge them"
                raise IngestError(msg)
            sheets[key] = sheet
    return sheets, kind, problems


def check_inputs(
    files: Iterable[tuple[str, bytes]],
    *,
    mapping: Mapping,
    lookup: Lookup,
    store: Store | None,
    limit: int,
    table: str | None = None,
    validate: bool = True,
) -> Checked:
    """Check files against the store they would join: every problem at once (see the module docstring).

    Args:
        files: (file name, content) of workbooks and CSV files.
        mapping: the mapping of data/.
        lookup: what the store holds (``read_lookup``).
        store: the store, for the shapes check of the statements (``None``: no shapes check).
        limit: the largest file accepted, in bytes.
        table: which table a CSV file is (default: its file name).
        validate: check the shapes when the rows read cleanly.

    Raises:
        IngestError: a file cannot be read at all (too large, not a workbook, macros, unknown table).
    """
    files = list(files)
    sheets, kind, read_errors = read_inputs(files, mapping=mapping, limit=limit, table=table)
    accepting = with_synonyms(mapping, lookup)
    local = {name: _sheet_ids(mapping, s) for name, s in sheets.items()}
    for sheet in sheets.values():
        _normalise_refs(mapping, lookup, sheet, local)
    errors: list[IngestError] = list(read_errors)
    parsed = read_records(
        {name: (s.label, iter(s.records)) for name, s in sheets.items()},
        mapping=accepting,
        known=lookup.known,
        errors=errors,
    )
    suggester = _Suggester(accepting, lookup, sheets)
    problems = _one_per_cause([_problem(e, mapping, sheets, suggester) for e in errors])
    checked = Checked(problems, parsed, sheets, kind, [name for name, _ in files])
    if problems:
        checked.parsed = Parsed()
        return checked
    if validate and store is not None and parsed.quads:
        from graph.validate.shacl import validate_store_change

        violations = validate_store_change(store, parsed.quads, [], parsed=parsed)
        checked.problems += [shape_problem(v) for v in violations]
    return checked


def shape_problem(v: Violation) -> Problem:
    """A SHACL result as a problem, placed at the sheet and row that stated its resource."""
    where = v.location
    file, _, sheet = (where.file if where else "").partition(" [")
    return Problem(
        file=file or v.focus,
        kind="shape",
        detail=str(v).removeprefix(f"{where}: " if where else ""),
        sheet=sheet.rstrip("]") or None,
        row=where.row if where else None,
        value=v.value,
        severity="error" if v.severity == "Violation" else "warning",
    )


__all__ = ["Checked", "Lang", "Problem", "check_inputs", "read_inputs", "shape_problem"]
