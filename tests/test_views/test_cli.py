"""The command line: samverkan viz … -o FILE (HTML, PNG, SVG) and samverkan report."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.store.embedded import GraphStore

runner = CliRunner()


def test_viz_help_lists_views() -> None:
    result = runner.invoke(app, ["viz", "--help"])
    assert result.exit_code == 0
    for name in ("collaboration", "municipalities", "ego", "actor-issues", "issue-comentions"):
        assert name in result.output


@pytest.mark.parametrize("suffix", ["html", "png", "svg"])
def test_viz_writes_file(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"natverk.{suffix}"
    result = runner.invoke(app, ["viz", "collaboration", "--sample", "60", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000
    if suffix == "html":
        assert 'iframe src="natverk.html"'.replace('"', "&#34;") in out.read_text(encoding="utf-8")


def test_viz_refuses_unknown_suffix(tmp_path: Path) -> None:
    result = runner.invoke(app, ["viz", "collaboration", "--sample", "60", "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 1


def test_viz_writes_an_a4_pdf(tmp_path: Path) -> None:
    out = tmp_path / "natverk.pdf"
    result = runner.invoke(
        app, ["viz", "collaboration", "--sample", "60", "--paper", "a4-portrait", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 595.44 841.68 ]" in out.read_bytes()  # A4 portrait, in points


def disk_store(tmp_path: Path, store: GraphStore) -> Path:
    path = tmp_path / "store"
    on_disk = GraphStore.open(path)
    on_disk.add(store.quads())
    on_disk.flush()
    del on_disk
    return path


def test_viz_from_store(tmp_path: Path, store: GraphStore) -> None:
    path = disk_store(tmp_path, store)
    out = tmp_path / "ego.html"
    result = runner.invoke(app, ["viz", "ego", "--center", "0182", "--store", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Nätverket kring Nacka kommun" in out.read_text(encoding="utf-8")


def test_report_writes_file(tmp_path: Path, store: GraphStore) -> None:
    path = disk_store(tmp_path, store)
    out = tmp_path / "rapport.html"
    result = runner.invoke(app, ["report", "--round", "2020", "--store", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Dialogrundan 2020" in out.read_text(encoding="utf-8")


def test_report_unknown_round(tmp_path: Path, store: GraphStore) -> None:
    path = disk_store(tmp_path, store)
    result = runner.invoke(
        app, ["report", "--round", "1999", "--store", str(path), "-o", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 1
    assert "no dialogue round" in result.output
