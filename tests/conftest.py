"""Fixtures shared across the test tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch

from dlclassics.data import DATASETS
from dlclassics.io import write_json

FIXTURES = Path(__file__).parent / "fixtures"

# The test models are tiny and pytest-xdist already runs one worker per core: extra intra-op
# threads only contend for the same cores (10x slower seen on a loaded 2-core machine).
# Thread count does not change any result the tests compare within one process.
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def _mnist500_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data cache holding ``mnist-5k`` converted from 500 real digits (50 per class).

    Built by the data set's own converter from ``fixtures/mnist_5k_500.csv.gz``, so the
    splits are the registered ones (80/10/10 stratified): 400 / 50 / 50 digits.
    """
    home = tmp_path_factory.mktemp("dlc-home")
    raw = home / "raw"
    raw.mkdir()
    shutil.copy(FIXTURES / "mnist_5k_500.csv.gz", raw / "mnist_5k.csv.gz")
    out = home / "data" / "mnist-5k"
    out.mkdir(parents=True)
    DATASETS["mnist-5k"].convert(raw, out)
    write_json(out / "manifest.json", {"name": "mnist-5k", "source": "tests/fixtures"})
    return home


@pytest.fixture
def mnist500_home(_mnist500_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``$DLCLASSICS_HOME`` pointing at a private copy of the 500-digit cache."""
    home = tmp_path / "home"
    shutil.copytree(_mnist500_cache, home)
    monkeypatch.setenv("DLCLASSICS_HOME", str(home))
    return home
