"""The data tests run offline: a reader that misses its data set fails instead of downloading.

Tests of fetching on demand switch it back on with ``monkeypatch.setenv(OFFLINE_ENV, "0")``;
explicit ``fetch(...)`` calls are not affected by offline mode.
"""

from __future__ import annotations

import pytest

from dlclassics.data.demand import OFFLINE_ENV


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OFFLINE_ENV, "1")
