"""``samverkan bench record``: check+preview of a round workbook and import of a large one, timed (a table).

Register it in api/bench/cli/__init__.py: ``bench.command("record")(record.bench_record)``.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.settings import get_settings

console = Console(stderr=True)
MUNICIPALITIES = ["0180", "0182", "0184", "0186", "0163", "0114", "0115", "0117", "0120", "0123"]


def _round_workbook(path: Path, template: Path, meetings: int, per_meeting: int) -> int:
    """Fill a round template with ``meetings`` meetings of ``per_meeting`` participants; return the rows."""
    from openpyxl import load_workbook

    book = load_workbook(template)
    source = "bench-source"
    _put(
        book["sources"],
        {"id": source, "title": "Benchmark", "lang": "sv", "kind": "report", "citation": "generated"},
    )
    _put(
        book["rounds"],
        {"year": "2031", "organised_by": "kulturforvaltningen", "name_sv": "Bench", "sources": source},
    )
    for i in range(meetings):
        _put(
            book["meetings"],
            {
                "id": f"bench-{i}",
                "round": "2031",
                "name_sv": f"Möte {i}",
                "mode": "digitalt",
                "sources": source,
            },
        )
        for k in range(per_meeting):
            _put(
                book["meeting_participants"],
                {"meeting": f"bench-{i}", "participant": MUNICIPALITIES[k], "sources": source},
            )
    book.save(path)
    return 2 + meetings * (1 + per_meeting)


def _put(ws: object, record: dict[str, str]) -> None:
    """Write ``record`` on the sheet's next row (the header and the row kept on the sheet object: fast)."""
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    header = ws.__dict__.setdefault("_bench_header", [c.value for c in ws[1]])
    row = ws.__dict__.get("_bench_next", 2)
    for i, name in enumerate(header, 1):
        if name in record:
            ws.cell(row=row, column=i, value=record[str(name)])
    ws.__dict__["_bench_next"] = row + 1


def bench_record(
    small: Annotated[int, typer.Option(help="Rows of the round workbook checked and previewed.")] = 500,
    large: Annotated[int, typer.Option(help="Rows of the workbook imported.")] = 50_000,
) -> None:
    """Time check+preview of a round workbook and a validated, recorded import of a large workbook."""
    from graph.history import Upload, record_import
    from graph.ingest.build import build_store
    from graph.ingest.lookup import read_lookup
    from graph.ingest.preview import prepare_import
    from graph.ingest.tables import load_mapping
    from graph.ingest.workbook import write_template
    from graph.store.embedded import GraphStore

    settings = get_settings()
    mapping = load_mapping(settings.data_dir / "mapping.toml")
    table = Table("workbook rows", "step", "seconds", "target", title="samverkan bench record")
    with tempfile.TemporaryDirectory(prefix="samverkan-bench-record-") as tmp:
        root = Path(tmp)
        store = GraphStore.open(root / "store")
        build_store(store, data_dir=settings.data_dir, ontology_dir=settings.ontology_dir)
        template = root / "template.xlsx"
        write_template(template, mapping=mapping, lookup=read_lookup(store, mapping))
        for rows, target in ((small, "< 2 s"), (large, "< 30 s")):
            path = root / f"round-{rows}.xlsx"
            written = _round_workbook(path, template, max(1, rows // 5), 4)
            data = path.read_bytes()
            started = time.perf_counter()
            prepared = prepare_import(
                store, [(path.name, data)], mapping=mapping, data_dir=settings.data_dir, limit=1 << 30
            )
            checked = time.perf_counter()
            if prepared.plan is None:
                problems = [p.render("en") for p in prepared.checked.problems[:3]]
                msg = f"the generated workbook has problems: {problems}"
                raise typer.BadParameter(msg)
            table.add_row(
                str(written), "check + preview", f"{checked - started:.2f}", target if rows == small else ""
            )
            if rows == large:
                record_import(
                    store,
                    prepared.plan.added,
                    prepared.plan.removed,
                    by="bench",
                    files=[Upload.of(path.name, data)],
                    parsed=prepared.checked.parsed,
                )
                table.add_row(
                    str(written),
                    "check + preview + import (validated, recorded)",
                    f"{time.perf_counter() - started:.2f}",
                    target,
                )
        store.close()
    console.print(table)
    console.print(
        f"Machine: {os.cpu_count()} cores (shared), Python {platform.python_version()}; the curated "
        "store built from data/ in a temp dir; rows: meetings plus 4 participants each."
    )


__all__ = ["bench_record"]
