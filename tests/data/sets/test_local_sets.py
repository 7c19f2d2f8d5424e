"""tinyshakespeare and tatoeba-eng-fra: converters, readers and splits.

Both files are kept beside the project in ``../shared/data``; the tests that need them are
skipped where that directory is absent. They fetch through ``fetch(..., mirror=...)`` so no
network is touched.
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

from dlclassics.data import DATASETS, fetch, info
from dlclassics.data.extract import extract
from dlclassics.data.sets import tatoeba_eng_fra, tinyshakespeare
from dlclassics.errors import DataError

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not (SHARED / "tinyshakespeare.txt").is_file(), reason="../shared/data is not present"
)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DLCLASSICS_MIRROR", raising=False)
    return tmp_path / "home"


@needs_shared
def test_tinyshakespeare_from_the_mirror_gives_nanogpt_split(home):
    fetch("tinyshakespeare", mirror=SHARED, progress=False)  # sha256 checked by fetch
    train, val = tinyshakespeare.load_text("train"), tinyshakespeare.load_text("val")
    assert (len(train), len(val)) == (1_003_854, 111_540)
    assert train.startswith("First Citizen:") and train + val == tinyshakespeare.load_text()
    assert info("tinyshakespeare")["splits"] == {"train": 1_003_854, "val": 111_540}


@needs_shared
def test_tatoeba_local_source_and_splits_by_english_sentence(home, monkeypatch):
    ds = DATASETS["tatoeba-eng-fra"]
    local_only = dataclasses.replace(ds, sources=ds.sources[1:])  # skip the upstream URL
    monkeypatch.setitem(DATASETS._items, "tatoeba-eng-fra", local_only)
    fetch("tatoeba-eng-fra", progress=False)  # found in ../shared/data, sha256 checked
    splits = {s: tatoeba_eng_fra.load_pairs(s) for s in ("train", "val", "test")}
    assert sum(map(len, splits.values())) == 5_000
    assert tatoeba_eng_fra.load_pairs()[0] == ("Go.", "Va !")
    english = {s: {en for en, _ in pairs} for s, pairs in splits.items()}
    assert not english["train"] & english["test"] and not english["train"] & english["val"]
    assert 0.8 < len(splits["train"]) / 5_000 < 0.97
    assert info("tatoeba-eng-fra")["splits"] == {s: len(p) for s, p in splits.items()}


def test_tatoeba_upstream_zip_is_extracted_and_cut_to_5000_pairs(tmp_path):
    rows = [f"Hi {i}.\tSalut {i}.\tCC-BY 2.0 (France) Attribution: #{i}\n" for i in range(5003)]
    archive = tmp_path / "fra-eng.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("fra.txt", "".join(rows))
        zf.writestr("_about.txt", "about")
    upstream = DATASETS["tatoeba-eng-fra"].sources[0]
    extract(archive, upstream.members, tmp_path / "raw")
    (tmp_path / "out").mkdir()
    tatoeba_eng_fra.convert(tmp_path / "raw", tmp_path / "out")
    assert (tmp_path / "out" / "eng-fra.tsv").read_text() == "".join(rows[:5000])


def test_tatoeba_rows_need_three_columns(tmp_path):
    (tmp_path / "eng-fra.tsv").write_text("Go.\tVa !\n")
    with pytest.raises(DataError, match="line 1: expected 3 tab-separated columns"):
        tatoeba_eng_fra.describe(tmp_path)


def test_tatoeba_split_of_is_a_fixed_function_of_the_english_side():
    assert tatoeba_eng_fra.split_of("Go.") == tatoeba_eng_fra.split_of("Go.")
    buckets = [tatoeba_eng_fra.split_of(f"sentence {i}") for i in range(2000)]
    assert 0.85 < buckets.count("train") / 2000 < 0.95
    assert buckets.count("val") > 50 and buckets.count("test") > 50
