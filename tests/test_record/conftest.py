"""Fixtures of the recording tests: the curated store built once, a round workbook filled with openpyxl."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from api.settings import PROJECT_ROOT
from graph.ingest.build import build_store
from graph.ingest.lookup import read_lookup
from graph.ingest.tables import Mapping, load_mapping
from graph.ingest.workbook import write_template
from graph.store.embedded import GraphStore

DATA = PROJECT_ROOT / "data"
ONTOLOGY = PROJECT_ROOT / "ontology"
SOURCE = {
    "id": "anteckningar-2025",
    "title": "Minnesanteckningar 2025",
    "lang": "sv",
    "kind": "report",
    "citation": "Kulturförvaltningen, minnesanteckningar från dialogmötet i Nacka 2025",
}
ROUND = {
    "year": "2025",
    "organised_by": "kulturforvaltningen",
    "name_sv": "Dialogrundan 2025",
    "sources": "anteckningar-2025",
}
MEETING = {
    "id": "2025-nacka",
    "round": "2025",
    "name_sv": "Dialogmöte i Nacka 2025",
    "start": "2025-03-05",
    "host": "0182 Nacka",
    "mode": "på plats",
    "sources": "anteckningar-2025",
}
PARTICIPANTS = ["0182", "Solna", "0186", "0180", "0181"]
MENTIONS = [
    {
        "id": "2025-nacka-besparingar",
        "issue": "efficiency-pressure",
        "raised_by": "0182",
        "meeting": "2025-nacka",
        "round": "2025",
        "stance": "oro",
        "quote": "Vi måste spara på kulturen i år",
        "sources": "anteckningar-2025",
    },
    {
        "id": "2025-nacka-kulturskola",
        "issue": "cross-border-kulturskola",
        "raised_by": "0184",
        "meeting": "2025-nacka",
        "round": "2025",
        "stance": "positivt",
        "quote": "Samarbetet om kulturskolan går bra",
        "sources": "anteckningar-2025",
    },
]


@pytest.fixture(scope="module")
def mapping() -> Mapping:
    return load_mapping(DATA / "mapping.toml")


@pytest.fixture(scope="module")
def curated() -> Iterator[GraphStore]:
    store = GraphStore.open(None)
    build_store(store, data_dir=DATA, ontology_dir=ONTOLOGY)
    yield store
    store.close()


def fill(path: Path, rows: dict[str, list[dict[str, Any]]], out: Path) -> Path:
    """Fill sheets of a template from the first empty row, as a person would in a spreadsheet program."""
    book = load_workbook(path)
    for sheet, records in rows.items():
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        first = 2
        while any(ws.cell(row=first, column=i).value for i in range(1, len(header) + 1)):
            first += 1
        for k, record in enumerate(records):
            for i, name in enumerate(header, 1):
                if name in record:
                    ws.cell(row=first + k, column=i, value=record[name])
    book.save(out)
    return out


def round_rows(
    participants: list[str] = PARTICIPANTS, mentions: list[dict[str, Any]] = MENTIONS
) -> dict[str, Any]:
    return {
        "sources": [SOURCE],
        "rounds": [ROUND],
        "meetings": [MEETING],
        "meeting_participants": [
            {"meeting": "2025-nacka", "participant": p, "sources": "anteckningar-2025"} for p in participants
        ],
        "mentions": mentions,
    }


@pytest.fixture
def round_template(tmp_path: Path, curated: GraphStore, mapping: Mapping) -> Path:
    path = tmp_path / "omgång-2025.xlsx"
    write_template(path, mapping=mapping, lookup=read_lookup(curated, mapping))
    return path
