"""Recording a dialogue round: template, check, history, undo (``import --preview`` is in store.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table

from api.cli.store import StoreOption, console, get_settings, open_store, out, run

if TYPE_CHECKING:
    from graph.ingest.check import Checked
    from graph.ingest.preview import Plan
    from graph.store.protocol import Store

LangOption = Annotated[str, typer.Option("--lang", help="sv (Swedish) or en (English).")]
TEXT = {
    "sv": {
        "ok": "Inga fel: {n} uppgifter (statements) är redo att importeras.",
        "errors": "{n} fel, {w} varningar.",
        "preview": "Förhandsgranskning (inget har skrivits):",
        "graph": "namngiven graf",
        "added": "nya",
        "removed": "borttagna",
        "nothing": "Inget ändrades.",
    },
    "en": {
        "ok": "No errors: {n} statements are ready to import.",
        "errors": "{n} error(s), {w} warning(s).",
        "preview": "Preview (nothing was written):",
        "graph": "named graph",
        "added": "added",
        "removed": "removed",
        "nothing": "Nothing was changed.",
    },
}


def _lang(lang: str) -> Literal["sv", "en"]:
    if lang not in {"sv", "en"}:
        msg = f"unknown language {lang!r}; use sv or en"
        raise typer.BadParameter(msg)
    return "sv" if lang == "sv" else "en"


def print_problems(checked: Checked, lang: Literal["sv", "en"]) -> int:
    """Print every problem of a check; return the exit status (1 with any error)."""
    for p in checked.problems:
        colour = "red" if p.severity == "error" else "yellow"
        word = {"sv": {"error": "fel", "warning": "varning"}, "en": {"error": "error", "warning": "warning"}}
        console.print(f"[{colour}]{word[lang][p.severity]}:[/] {escape(p.render(lang))}", highlight=False)
    errors = len(checked.errors)
    if errors:
        console.print(TEXT[lang]["errors"].format(n=errors, w=len(checked.problems) - errors))
        console.print(TEXT[lang]["nothing"], style="dim")
        return 1
    console.print(TEXT[lang]["ok"].format(n=len(checked.parsed.quads)))
    return 0


def print_plan(store: Store, plan: Plan, lang: Literal["sv", "en"], *, mapping_path: Path) -> None:
    """Print what an import would change: per named graph, then in words."""
    from graph.ingest.preview import describe_plan
    from graph.ingest.tables import load_mapping

    words = TEXT[lang]
    table = Table(words["graph"], words["added"], words["removed"], title=words["preview"])
    for graph, (added, removed) in plan.per_graph().items():
        table.add_row(graph, str(added), str(removed))
    out.print(table)
    for line in describe_plan(store, plan, mapping=load_mapping(mapping_path), lang=lang):
        out.print(line)


def template(
    kind: Annotated[str, typer.Argument(help="round (one dialogue round) or all (the whole dataset).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The workbook to write (.xlsx).")],
    store: StoreOption = None,
) -> None:
    """Write a workbook to fill in: sheets from the mapping, dropdowns from the store, a "Läs mig" sheet."""
    from graph.ingest.lookup import read_lookup
    from graph.ingest.tables import load_mapping
    from graph.ingest.workbook import write_template

    if kind not in {"round", "all"}:
        msg = f"unknown template {kind!r}; use round or all"
        raise typer.BadParameter(msg)
    settings = get_settings()

    def action() -> list[str]:
        mapping = load_mapping(settings.data_dir / "mapping.toml")
        gs = open_store(store, read_only=True)
        lookup = read_lookup(gs, mapping)
        return write_template(
            output,
            mapping=mapping,
            lookup=lookup,
            kind="all" if kind == "all" else "round",
            data_dir=settings.data_dir,
        )

    sheets = run(action)
    console.print(f"Wrote {output}: sheets {', '.join(sheets)}.")


def check(
    files: Annotated[list[Path], typer.Argument(help="Workbooks (.xlsx) or CSV tables to check.")],
    store: StoreOption = None,
    table: Annotated[str | None, typer.Option(help="Which table a CSV file is (default: its name).")] = None,
    lang: LangOption = "sv",
) -> None:
    """List every problem of workbooks or tables at once, against the store (exit 1: errors)."""
    from graph.ingest.preview import prepare_import
    from graph.ingest.tables import load_mapping

    language, settings = _lang(lang), get_settings()

    def action() -> int:
        mapping = load_mapping(settings.data_dir / "mapping.toml")
        gs = open_store(store, read_only=True)
        inputs = [(f.name, f.read_bytes()) for f in files]
        prepared = prepare_import(
            gs,
            inputs,
            mapping=mapping,
            data_dir=settings.data_dir,
            limit=settings.max_body_bytes,
            table=table,
        )
        return print_problems(prepared.checked, language)

    if code := run(action):
        raise typer.Exit(code)


def history(store: StoreOption = None) -> None:
    """List the recorded imports and undos: id, when, who, files, statements added and removed."""
    from graph.history import read_history

    def action() -> None:
        gs = open_store(store, read_only=True)
        table = Table(
            Column("id", no_wrap=True),
            Column("kind"),
            Column("when", no_wrap=True),
            "by",
            "files",
            "added",
            "removed",
            "status",
            title="History",
        )
        for a in read_history(gs):
            status = f"undone by {a.undone_by}" if a.undone_by else (f"undoes {a.undoes}" if a.undoes else "")
            files = ", ".join(f"{f.name} (sha256 {f.sha256[:12]})" for f in a.files)
            table.add_row(a.id, a.kind, a.at[:19], a.by, files, str(a.added), str(a.removed), status)
        (out if out.is_terminal else Console(highlight=False, width=200)).print(table)

    run(action)


def undo(
    activity: Annotated[str, typer.Argument(help="The id of an import (`samverkan history`).")],
    store: StoreOption = None,
    by: Annotated[str | None, typer.Option(help="Who undoes it (default: SAMVERKAN_USER or USER).")] = None,
) -> None:
    """Revert one import exactly (refused while a later import depends on it)."""
    from graph.history import undo_import

    who = by or get_settings().user or "anonymous"

    def action() -> None:
        with open_store(store) as gs:
            undo_id, change = undo_import(gs, activity, by=who)
        console.print(
            f"Undid {activity} as {undo_id}: {change.removed} statements removed, {change.added} restored."
        )

    run(action)


def register(app: typer.Typer) -> None:
    """Add the recording commands."""
    app.command()(template)
    app.command()(check)
    app.command()(history)
    app.command()(undo)


__all__ = ["print_plan", "print_problems", "register"]
