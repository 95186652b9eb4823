"""The report of a dialogue round: participants, issues by constellation and stance, network, gaps."""

from __future__ import annotations

import pytest

from graph.errors import UnknownResourceError
from graph.store.embedded import GraphStore
from graph.views import load_assets
from graph.views.report import Figure, Table, make_report, render_report


def test_make_report_sections(store: GraphStore) -> None:
    report = make_report(store, "2020")
    assert report.round_label == "Dialogrundan 2020"
    assert [key for key, _, _ in report.sections] == ["who", "issues", "network", "brokers", "strategy"]
    items = {item.key: item for _, _, section in report.sections for item in section}
    participants = items["participants"]
    assert isinstance(participants, Table)
    assert sorted(row[0] for row in participants.rows) == ["Nacka kommun", "Solna stad", "Stockholms stad"]
    issues = items["issues"]
    assert isinstance(issues, Table)
    assert "Oro" in issues.columns
    assert ["Brist på lokaler", "Konstellationen Nacka 2020", "1", "Solna stad", "–"] in issues.rows
    assert issues.sources[0].title == "Dialogmöten med regionens kommuner"
    assert isinstance(items["collaboration"], Figure)


def test_render_report_is_self_contained(store: GraphStore) -> None:
    html = render_report(make_report(store, "2020", lang="en"))
    assets = load_assets()
    assert html.count(assets.vis_js) == 1  # vis-network once, for every view of the report
    assert html.count(assets.view_js) == 1
    assert "<script src" not in html
    assert "<img src=x" not in html
    assert "data:image/png;base64," in html  # pictures for print
    assert "Who took part" in html


def test_make_report_unknown_round(store: GraphStore) -> None:
    with pytest.raises(UnknownResourceError, match="no dialogue round"):
        make_report(store, "1999")
