"""The workspace in Debian's Chromium: a journey by clicks alone, and axe-core on every page type.

axe-core is vendored (tests/test_web/vendor/axe-core, pinned 4.10.3) and injected; nothing is fetched.
Screenshots of each page type go to $SAMVERKAN_SHOTS when set (for looking at them, not for asserting).
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PAGE_TYPES = {
    "oversikt": "/",
    "lista": "/listor/kommuner",
    "kommun": "/id/municipality/0182",
    "aktor": "/id/actor/klys",
    "samarbete": "/id/collaboration/bibliotekssamverkan",
    "fraga": "/concept/issue/arms-length",
    "runda": "/id/round/2020",
    "mote": "/id/meeting/2020-nacka",
    "analys": "/analys",
    "avancerat": "/avancerat",
    "rapport": "/rapporter/2020",
    "karta": "/viz/municipalities",
    "fel": "/id/actor/finns-inte",  # an error, as a page
}


def test_journey_by_clicks(browser, site) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(site) else outside.append(r.url))
    page.goto(site + "/")
    page.get_by_role("link", name="Kommuner", exact=True).first.click()
    page.get_by_role("link", name="Nacka kommun").click()
    assert page.locator("h1").text_content() == "Nacka kommun"
    page.get_by_role("link", name="Bibliotekssamverkan i Stockholmsregionen").first.click()
    assert "Bibliotekssamverkan" in (page.locator("h1").text_content() or "")
    page.get_by_role("link", name="Karta").first.click()
    page.wait_for_selector(".sv-network", timeout=30_000)
    page.get_by_role("link", name="Översikt").first.click()
    page.get_by_role("link", name="Rapporter").first.click()
    page.wait_for_url("**/rapporter/*")
    page.get_by_role("navigation", name="Rapporter för andra rundor").get_by_role("link", name="2020").click()
    assert "2020" in (page.locator("h1").first.text_content() or "")
    page.get_by_role("link", name="Samarbeten", exact=True).first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ned som CSV").click()
    assert download.value.suggested_filename == "samarbeten.csv"
    page.get_by_role("link", name="English").click()
    assert page.locator("h1").text_content() == "Collaborations"
    page.get_by_role("link", name="Municipalities", exact=True).first.click()
    assert page.locator("h1").text_content() == "Municipalities"  # the language stays across links
    page.get_by_role("link", name="Svenska").click()
    assert page.locator("h1").text_content() == "Kommuner"
    assert outside == []
    page.close()


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_type_passes_axe(browser, site, name) -> None:
    # bypass_csp lets the test inject axe; the pages' own policy is tested elsewhere.
    page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page.goto(site + PAGE_TYPES[name])
    if name == "karta":
        page.wait_for_selector(".sv-network", timeout=30_000)
    shots = os.environ.get("SAMVERKAN_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in ("critical", "serious")
    ]
    print(name, "axe violations:", {v["id"]: v["impact"] for v in result["violations"]})
    assert bad == []
    assert page.locator("main").count() == 1
    levels = page.evaluate("() => [...document.querySelectorAll('h1,h2,h3,h4')].map(h => +h.tagName[1])")
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    page.close()
