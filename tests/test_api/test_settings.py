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


@pytest.mark.parametrize(
    ("value", "budget"), [(None, "auto"), ("auto", "auto"), ("0", None), ("1024", 1 << 30)]
)
def test_worker_keep_budget_is_automatic_unless_a_size_is_given(
    monkeypatch: pytest.MonkeyPatch, value: str | None, budget: object
) -> None:
    from api.main import _keep_budget

    if value is None:
        monkeypatch.delenv("SAMVERKAN_WORKER_KEEP_MB", raising=False)
    else:
        monkeypatch.setenv("SAMVERKAN_WORKER_KEEP_MB", value)
    assert _keep_budget(Settings().worker_keep_mb) == budget


@pytest.mark.parametrize("value", ["-5", "lots"])
def test_worker_keep_budget_refuses_what_is_no_size(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SAMVERKAN_WORKER_KEEP_MB", value)
    with pytest.raises(ValueError, match="worker_keep_mb"):
        Settings()
