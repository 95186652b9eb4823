"""Settings read from the environment."""

from __future__ import annotations

import pytest

from api.settings import Settings


def test_empty_store_setting_means_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    # An empty value once became Path("."), and a server wrote its store into the working directory.
    monkeypatch.setenv("SAMVERKAN_STORE", "")
    assert Settings().store is None


def test_store_setting_is_a_path(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("SAMVERKAN_STORE", str(tmp_path))
    assert str(Settings().store) == str(tmp_path)
