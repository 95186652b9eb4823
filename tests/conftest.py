"""Fixtures shared by every test package: paths to the project's own data and ontology."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return ROOT / "data"


@pytest.fixture(scope="session")
def ontology_dir() -> Path:
    return ROOT / "ontology"
