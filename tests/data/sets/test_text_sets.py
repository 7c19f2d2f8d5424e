"""Every text data set: a well-formed catalog entry, deterministic conversion, and — with the
real package artifacts at hand — the converted files' recorded sha256s.

The slow test looks for the artifacts in ``$DLCLASSICS_MIRROR`` (default ``/tmp/dl``, where
the development machines keep them) and skips a data set whose artifacts are absent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from dlclassics.data.catalog import DATASETS, alternatives
from dlclassics.data.extract import extract
from dlclassics.data.fetch import sha256_file

TEXT_SETS = (
    "brown", "sotu", "moby-dick", "bible-en-es", "peoples-daily", "zh-reviews", "tang-poems",
    "cilin", "analogy-en", "wordsim353", "simlex999", "wnut16", "spam",
)  # fmt: skip
WITH_FIXTURE = tuple(n for n in TEXT_SETS if n != "bible-en-es")  # zText modules are binary
MIRROR = Path(os.environ.get("DLCLASSICS_MIRROR") or "/tmp/dl")
TEXT_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "sets"
Convert = Callable[..., Path]  # the `converted` fixture of conftest.py


@pytest.mark.parametrize("name", TEXT_SETS)
def test_catalog_entry_lists_upstream_first_then_a_verified_package(name: str) -> None:
    ds = DATASETS[name]
    assert ds.description and "\n" not in ds.description and ds.license and ds.citation
    alts = alternatives(ds.sources)
    assert len(alts) >= 2
    assert all(s.kind == "url" and s.sha256 is None for s in alts[0])  # upstream, unmeasured
    for src in alts[-1]:  # the package artifact(s) we measured
        assert src.kind in ("npm", "pypi", "deb") and src.size and src.members
        assert re.fullmatch(r"[0-9a-f]{64}", src.sha256 or "")
    assert {Path(f).stem for f in ds.files} == set(ds.splits)
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in ds.files.values())


@pytest.mark.parametrize("name", WITH_FIXTURE)
def test_fixture_converts_to_the_same_bytes_twice(name: str, tmp_path: Path) -> None:
    outputs = []
    for attempt in ("first", "second"):
        out = tmp_path / attempt
        out.mkdir()
        DATASETS[name].convert(TEXT_FIXTURES / name, out)
        outputs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == set(DATASETS[name].files)  # one file per split, no others


@pytest.mark.parametrize("name", WITH_FIXTURE)
def test_describe_reports_every_split_and_a_sample(name: str, converted: Convert) -> None:
    summary = DATASETS[name].describe(converted(name))
    assert set(summary["splits"]) == set(DATASETS[name].splits)
    assert summary["splits"][next(iter(DATASETS[name].splits))] > 0
    assert summary["unit"] and summary["sample"] and len(summary["sample"]) <= 300


@pytest.mark.slow
@pytest.mark.parametrize("name", TEXT_SETS)
def test_real_artifacts_convert_to_the_recorded_checksums(name: str, tmp_path: Path) -> None:
    ds = DATASETS[name]
    package = alternatives(ds.sources)[-1]
    artifacts = [MIRROR / src.filename for src in package]
    if not all(a.is_file() for a in artifacts):
        pytest.skip(f"{', '.join(s.filename for s in package)} not in {MIRROR}")
    raw, out = tmp_path / "raw", tmp_path / "out"
    out.mkdir()
    for src, artifact in zip(package, artifacts, strict=True):
        assert sha256_file(artifact) == src.sha256
        extract(artifact, src.members, raw)
    ds.convert(raw, out)
    assert {p.name: sha256_file(p) for p in out.iterdir()} == dict(ds.files)
