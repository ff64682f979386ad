"""The two settings of document changes: off unless enabled, and a size limit that a typo
cannot switch off."""

from __future__ import annotations

import pytest

from foundation.settings import DEFAULT_MAX_DOCUMENT_MB, Settings


@pytest.mark.parametrize(
    ("raw", "enabled"),
    [("", False), ("0", False), ("nee", False), ("1", True), ("true", True), (" Ja ", True)],
)
def test_document_changes_are_off_unless_enabled(
    raw: str, enabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VRAAGBAAK_DOCUMENT_ADMIN", raw)
    assert Settings.from_env().document_admin is enabled


def test_unset_means_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VRAAGBAAK_DOCUMENT_ADMIN", raising=False)
    assert Settings.from_env().document_admin is False


@pytest.mark.parametrize(
    ("raw", "limit"),
    [("", DEFAULT_MAX_DOCUMENT_MB), ("20", 20.0), ("0.5", 0.5), ("veel", 50.0), ("-3", 50.0)],
)
def test_the_size_limit(raw: str, limit: float, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VRAAGBAAK_MAX_DOCUMENT_MB", raw)
    assert Settings.from_env().max_document_mb == limit
