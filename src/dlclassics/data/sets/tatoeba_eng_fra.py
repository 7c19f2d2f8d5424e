"""Tatoeba English–French: 5,000 short sentence pairs for fast translation runs.

The first 5,000 pairs of the Tatoeba English–French export in the tab-separated form of
the Anki decks at manythings.org (the file the PyTorch seq2seq tutorial builds on): columns
English, French, attribution. The export is sorted by English length, so these are the
shortest sentences ("Go." → "Va !"); one English sentence often has several French
translations (2,597 distinct English sentences). The Bible pairs stay the main machine
translation benchmark; this set keeps tours and tests fast.

License CC-BY 2.0 FR: the attribution column is kept in the cached file.

Splits (fixed, no seed needed): a pair goes to a split by the first 4 bytes of the SHA-1
of its English sentence, taken modulo 100 — ``0..89`` train, ``90..94`` val, ``95..99``
test — so all translations of one sentence share a split and no test sentence is seen in
training.

Sources: upstream ``fra-eng.zip`` (its ``fra.txt``, first 5,000 lines), then the copy kept
beside the project (``../shared/data/tatoeba-eng-fra-5k.tsv``). Tatoeba's export grows over
time, so the upstream file may no longer start with the same 5,000 lines; the cached
file's sha256 then fails and the next source is used.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.demand import require
from dlclassics.data.stream import iter_lines
from dlclassics.errors import DataError
from dlclassics.io import atomic_write

NAME = "tatoeba-eng-fra"
FILE = "eng-fra.tsv"  # cached name; columns English, French, attribution
N_PAIRS = 5_000  # pairs kept from the start of the export
_LOCAL = "tatoeba-eng-fra-5k.tsv"
_SHA256 = "d952b56a181da5270b7bb4ded3f3bbe61e67a9b1de0e0fbc1d46438c71fb55a7"
_SIZE = 562_864  # bytes

Split = Literal["train", "val", "test", "all"]
SPLITS: tuple[Split, ...] = ("train", "val", "test")


def split_of(english: str) -> Split:
    """The split of a pair, from the SHA-1 of its English side (see the module docstring)."""
    bucket = int.from_bytes(hashlib.sha1(english.encode("utf-8")).digest()[:4], "big") % 100
    return "train" if bucket < 90 else "val" if bucket < 95 else "test"


def convert(raw_dir: Path, out_dir: Path) -> None:
    """Copy the 5k file, or cut the first 5,000 lines of an upstream ``fra.txt``."""
    local = sorted(raw_dir.rglob(_LOCAL))
    if local:
        shutil.copyfile(local[0], out_dir / FILE)
        return
    upstream = sorted(raw_dir.rglob("fra.txt"))
    if not upstream:
        raise DataError(f"neither {_LOCAL} nor fra.txt under {raw_dir}")
    with atomic_write(out_dir / FILE, "w") as f:
        for line in itertools.islice(iter_lines(upstream[0]), N_PAIRS):
            f.write(line + "\n")


def _iter_rows(path: Path) -> Iterator[tuple[str, str, str]]:
    for i, line in enumerate(iter_lines(path), 1):
        cols = line.split("\t")
        if len(cols) != 3:
            raise DataError(f"{path}, line {i}: expected 3 tab-separated columns, got {len(cols)}")
        yield cols[0], cols[1], cols[2]


def load_pairs(split: Split = "all") -> list[tuple[str, str]]:
    """``(english, french)`` pairs of a split, in file order."""
    return [
        (en, fr)
        for en, fr, _ in _iter_rows(require(NAME) / FILE)
        if split == "all" or split_of(en) == split
    ]


def describe(path: Path) -> Mapping[str, Any]:
    counts = dict.fromkeys(SPLITS, 0)
    first = None
    for en, fr, _ in _iter_rows(path / FILE):
        counts[split_of(en)] += 1
        first = first or f"{en}\t{fr}"
    return {"unit": "sentence pairs", "splits": counts, "sample": first}


DATASET = Dataset(
    name=NAME,
    description="Tatoeba English–French: 5,000 short sentence pairs (fast MT runs and tests)",
    license="CC-BY 2.0 FR (Tatoeba; attribution column kept)",
    citation="Tatoeba (tatoeba.org), English–French pairs as exported by manythings.org/anki.",
    sources=(
        Source(
            kind="url",
            locator="https://www.manythings.org/anki/fra-eng.zip",
            filename="fra-eng.zip",
            sha256=None,  # the export changes over time; the cached file's sha256 decides
            members=("fra.txt",),
        ),
        Source(kind="local", locator=_LOCAL, filename=_LOCAL, sha256=_SHA256, size=_SIZE),
    ),
    splits={
        "train": "pairs whose English SHA-1 bucket (first 4 bytes mod 100) is 0..89: 4,464",
        "val": "bucket 90..94: 263 pairs",
        "test": "bucket 95..99: 273 pairs",
    },
    convert=convert,
    describe=describe,
    files={FILE: _SHA256},
)

DATASETS.add(NAME, DATASET)
