"""Upload page: check, preview and import a workbook; the history with undo. Writes need the token."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.deps import SettingsDep, StoreDep, WriterDep
from api.settings import Settings
from graph.history import UndoRefusedError, Upload, read_history, record_import, undo_import
from graph.ingest.preview import describe_plan, prepare_import
from graph.ingest.tables import load_mapping
from graph.ingest.workbook import check_workbook_bytes
from graph.store.protocol import Store

router = APIRouter(tags=["upload"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")  # autoescape on
Lang = Literal["sv", "en"]
LangQuery = Annotated[Lang, Query(description="sv (default) or en")]


@router.get("/upload", response_class=HTMLResponse)
def read_upload_page(request: Request, settings: SettingsDep, lang: LangQuery = "sv") -> HTMLResponse:
    """Show the upload page (it writes nothing by itself; its buttons call the API with the token)."""
    return templates.TemplateResponse(
        request, "upload.html", {"lang": lang, "writable": settings.token is not None}
    )


def _read_upload(file: UploadFile, settings: Settings) -> tuple[str, bytes]:
    """Read the uploaded workbook, refusing too large, non-workbook and macro files before parsing."""
    name = Path(file.filename or "upload.xlsx").name
    data = file.file.read(settings.max_body_bytes + 1)
    if len(data) > settings.max_body_bytes:
        msg = f"{name}: the file is larger than the limit of {settings.max_body_bytes:,} bytes"
        raise HTTPException(413, detail=msg)
    check_workbook_bytes(data, name=name, limit=settings.max_body_bytes)
    return name, data


def _prepare(store: Store, settings: Settings, name: str, data: bytes, lang: Lang) -> dict[str, Any]:
    mapping = load_mapping(settings.data_dir / "mapping.toml")
    prepared = prepare_import(
        store, [(name, data)], mapping=mapping, data_dir=settings.data_dir, limit=settings.max_body_bytes
    )
    answer: dict[str, Any] = {
        "ok": prepared.plan is not None,
        "problems": [
            {
                "severity": p.severity,
                "text": p.render(lang),
                "row": p.row,
                "column": p.column,
                "sheet": p.sheet,
                "value": p.value,
                "suggestion": p.suggestion,
            }
            for p in prepared.checked.problems
        ],
    }
    if prepared.plan is not None:
        answer["graphs"] = [
            {"graph": g, "added": a, "removed": r} for g, (a, r) in prepared.plan.per_graph().items()
        ]
        answer["words"] = describe_plan(store, prepared.plan, mapping=mapping, lang=lang)
        answer["_plan"] = prepared.plan
        answer["_parsed"] = prepared.checked.parsed
    return answer


def _public(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if not k.startswith("_")}


@router.post("/api/upload/preview", dependencies=[WriterDep])
def preview_upload(
    store: StoreDep, settings: SettingsDep, file: Annotated[UploadFile, File()], lang: LangQuery = "sv"
) -> dict[str, Any]:
    """Check a workbook (every problem at once) and say what its import would change; writes nothing."""
    name, data = _read_upload(file, settings)
    return _public(_prepare(store, settings, name, data, lang))


@router.post("/api/upload/import", dependencies=[WriterDep])
def import_upload(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    by: Annotated[str | None, Query(max_length=200)] = None,
    lang: LangQuery = "sv",
) -> dict[str, Any]:
    """Check and import a workbook in one validated transaction, recorded in the history."""
    name, data = _read_upload(file, settings)
    answer = _prepare(store, settings, name, data, lang)
    if not answer["ok"]:
        raise HTTPException(422, detail=_public(answer))
    plan = answer["_plan"]
    activity, change = record_import(
        store,
        plan.added,
        plan.removed,
        by=by or settings.user or "webb",
        files=[Upload.of(name, data)],
        parsed=answer["_parsed"],
        writer=request.app.state.writer,
    )
    return {**_public(answer), "activity": activity, "added": change.added, "removed": change.removed}


@router.get("/api/upload/history", dependencies=[WriterDep])
def read_upload_history(store: StoreDep) -> list[dict[str, Any]]:
    """List the recorded imports and undos, newest first."""
    return [
        {
            "id": a.id,
            "kind": a.kind,
            "by": a.by,
            "at": a.at,
            "files": [f.name for f in a.files],
            "added": a.added,
            "removed": a.removed,
            "undone_by": a.undone_by,
            "undoes": a.undoes,
        }
        for a in reversed(read_history(store))
    ]


@router.post("/api/upload/undo/{activity}", dependencies=[WriterDep])
def undo_upload(request: Request, store: StoreDep, settings: SettingsDep, activity: str) -> dict[str, Any]:
    """Revert one import exactly (409 with the reason when a later import depends on it)."""
    try:
        undo_id, change = undo_import(
            store, activity, by=settings.user or "webb", writer=request.app.state.writer
        )
    except UndoRefusedError as exc:
        raise HTTPException(409, detail=str(exc)) from None
    return {"activity": undo_id, "undoes": activity, "added": change.added, "removed": change.removed}


__all__ = ["router"]
