"""Avancerat in Debian's Chromium: labels beside IRIs in the results, the named queries' forms, axe-core."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
HOSTILE = '<img src=x onerror="window.pwned=1">'


@pytest.fixture
def page(browser, site) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(site) else outside.append(r.url))
    yield page
    assert outside == []  # the page never reaches outside its origin
    page.close()


def _shoot(page: Any, name: str) -> None:
    shots = os.environ.get("SAMVERKAN_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)


def _axe_serious(page: Any) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in ("critical", "serious")
    ]


@pytest.mark.parametrize(("lang", "nacka"), [("sv", "Nacka kommun"), ("en", "Nacka Municipality")])
def test_sparql_results_show_labels_beside_iris(page, site, lang, nacka) -> None:
    page.goto(f"{site}/avancerat?lang={lang}")
    page.fill(
        "#query", "SELECT ?m ?code WHERE { ?m a sv:Municipality ; sv:municipalityCode ?code } ORDER BY ?code"
    )
    page.locator("#query-form button[type=submit]").click()
    cell = page.locator("#results tbody tr", has_text="0182").locator("td").first
    cell.wait_for()
    link = cell.locator("a")
    assert link.text_content() == nacka
    assert link.get_attribute("href") == "/id/municipality/0182" + ("?lang=en" if lang == "en" else "")
    assert cell.locator(".iri").text_content() == "municipality:0182"
    assert page.locator("#results tbody tr").count() == 26
    _shoot(page, f"avancerat-sparql-{lang}")


def test_sparql_results_show_hostile_literals_as_text(page, site) -> None:
    page.goto(f"{site}/avancerat")
    page.fill("#query", f"SELECT ?x WHERE {{ BIND('{HOSTILE}' AS ?x) }}")
    page.locator("#query-form button[type=submit]").click()
    page.locator("#results td").first.wait_for()
    assert page.locator("#results td").first.text_content() == HOSTILE
    assert page.locator("#results img").count() == 0
    assert page.evaluate("() => window.pwned") is None


def test_named_query_form_runs_with_a_chosen_value(page, site) -> None:
    page.goto(f"{site}/avancerat")
    page.select_option("#named-choice", "partners-of-municipality")
    assert page.locator("#named-partners-of-municipality").is_visible()
    assert not page.locator("#named-members-of-group").is_visible()  # one form at a time
    page.select_option("#p-partners-of-municipality-municipality", label="Solna kommun")
    page.locator("#named-partners-of-municipality button[type=submit]").click()
    page.locator("#named-results table").wait_for()
    first = page.locator("#named-results tbody tr").first.locator("td").first
    assert first.locator("a").text_content() == "Solna kommun"  # a label beside the IRI, not the IRI
    assert first.locator(".iri").text_content() == "municipality:0184"
    assert page.locator("#named-status").text_content().split()[1] in ("rad,", "rader,")
    _shoot(page, "avancerat-named-sv")


def test_named_query_form_shows_the_400_for_a_bad_value(page, site) -> None:
    page.goto(f"{site}/avancerat?lang=en")
    page.select_option("#named-choice", "issues-raised-by-k-municipalities")
    page.fill("#p-issues-raised-by-k-municipalities-k", "many")
    page.locator("#named-issues-raised-by-k-municipalities button[type=submit]").click()
    error = page.locator("#named-results .error")
    error.wait_for()
    text = error.text_content() or ""
    assert text.startswith("Error 400:")
    assert "k: " in text  # the parameter
    assert "integer" in text  # and what it takes
    assert page.locator("#named-results table").count() == 0
    _shoot(page, "avancerat-named-error-en")


def test_named_query_form_shows_the_400_for_an_unknown_choice(page, site) -> None:
    # A select offers only known values; a stale page (the store changed since) can still send an unknown one.
    page.goto(f"{site}/avancerat")
    page.select_option("#named-choice", "partners-of-municipality")
    page.evaluate(
        """() => { const s = document.getElementById('p-partners-of-municipality-municipality');
                   s.add(new Option('Gone', 'id:municipality/9999'), 0);
                   s.value = 'id:municipality/9999'; }"""
    )
    page.locator("#named-partners-of-municipality button[type=submit]").click()
    error = page.locator("#named-results .error")
    error.wait_for()
    assert "is not a sv:Municipality in the store" in (error.text_content() or "")
    assert page.locator("#named-results table").count() == 0


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_query_page_with_results_passes_axe(browser, site, lang) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1400}, bypass_csp=True)
    page.goto(f"{site}/avancerat?lang={lang}")
    page.locator("#query-form button[type=submit]").click()
    page.locator("#results table").wait_for()
    page.select_option("#named-choice", "partners-of-municipality")
    page.locator("#named-partners-of-municipality button[type=submit]").click()
    page.locator("#named-results table").wait_for()
    assert _axe_serious(page) == []
    page.close()
