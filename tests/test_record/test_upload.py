"""The upload page and its API: refused without the token; with it, preview then import; in a real browser."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.exceptions import StarletteDeprecationWarning

from api.bench.chromium import CHROMIUM, CHROMIUM_ARGS
from api.bench.measure import free_port
from api.main import create_app
from api.settings import Settings
from graph.store.embedded import GraphStore
from tests.test_record.conftest import DATA, fill, round_rows

with warnings.catch_warnings():
    # Starlette deprecates TestClient on httpx in favour of httpx2, which the project does not depend on yet.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

TOKEN = "upload-test-token"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _settings(token: str | None) -> Settings:
    return Settings(store=None, token=token, query_workers=0, data_dir=DATA)


def test_upload_page_without_token_says_how_to_get_write_access(curated: GraphStore) -> None:
    with TestClient(create_app(_settings(None), store=curated)) as client:
        page = client.get("/upload")
        assert page.status_code == 200
        assert "SAMVERKAN_TOKEN" in page.text
        assert 'id="upload-form"' not in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "read-only" in client.get("/upload?lang=en").text


def test_upload_api_refuses_without_token_then_previews_and_imports(
    round_template: Path, tmp_path: Path, curated: GraphStore
) -> None:
    filled = fill(round_template, round_rows(), tmp_path / "omgång.xlsx")
    files = {"file": (filled.name, filled.read_bytes(), XLSX)}
    with TestClient(create_app(_settings(TOKEN), store=curated)) as client:
        assert client.post("/api/upload/preview", files=files).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        bad = client.post("/api/upload/preview", files={"file": ("x.xlsx", b"id,name\n", XLSX)}, headers=auth)
        assert bad.status_code == 400
        assert "not an Excel workbook" in bad.text
        preview = client.post("/api/upload/preview", files=files, headers=auth).json()
        assert preview["ok"]
        assert any("deltagare 5" in w for w in preview["words"])
        done = client.post("/api/upload/import", files=files, headers=auth).json()
        assert done["activity"]
        history = client.get("/api/upload/history", headers=auth).json()
        assert history[0]["id"] == done["activity"]
        undone = client.post(f"/api/upload/undo/{done['activity']}", headers=auth)
        assert undone.status_code == 200, undone.text
        again = client.post(f"/api/upload/undo/{done['activity']}", headers=auth)
        assert again.status_code == 409


@pytest.fixture
def server(curated: GraphStore) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(
        create_app(_settings(TOKEN), store=curated), host="127.0.0.1", port=port, log_level="warning"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def test_upload_page_in_a_browser_refuses_without_token_then_previews_and_imports(
    server: str, round_template: Path, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    filled = fill(round_template, round_rows(), tmp_path / "omgång.xlsx")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{server}/upload")
        status = page.locator("#status")
        page.get_by_label("Arbetsbok (.xlsx)").set_input_files(str(filled))
        page.get_by_label("Skrivtoken (fås av den som driver servern)").fill("wrong")
        page.get_by_role("button", name="Granska").click()
        expect(status).to_contain_text("token", timeout=30_000)
        assert page.locator("#confirm").is_hidden()
        page.get_by_label("Skrivtoken (fås av den som driver servern)").fill(TOKEN)
        page.get_by_role("button", name="Granska").click()
        expect(status).to_contain_text("Importera?", timeout=30_000)
        assert "deltagare 5" in page.locator("#words").inner_text()
        page.get_by_role("button", name="Importera").click()
        expect(status).to_contain_text("Importerad som", timeout=30_000)
        activity = page.locator("#status").inner_text().rsplit(" ", 1)[-1]
        page.get_by_role("button", name=f"Ångra {activity}").click()
        expect(status).to_contain_text("Ångrad", timeout=30_000)
        browser.close()
