"""Tiny Shakespeare: 1,115,394 characters of Shakespeare's plays, the char-level LM benchmark.

Karpathy's char-rnn corpus (2015), reused by nanoGPT's ``shakespeare_char``: 40,000 lines of
plain ASCII text. nanoGPT's published validation losses on it (1.4697 with a 6-layer GPU
model, about 1.88 with its CPU configuration) are measured on a 90 / 10 character split,
which is the split defined here, so our numbers are comparable:

* ``train``: the first ``floor(0.9 n)`` characters (1,003,854);
* ``val``: the remaining characters (111,540).

Sources: upstream ``karpathy/char-rnn`` ``data/tinyshakespeare/input.txt``, then the same
file kept beside the project (``../shared/data/tinyshakespeare.txt``), both verified by
sha256.

>>> from dlclassics.data.sets.tinyshakespeare import load_text      # doctest: +SKIP
>>> load_text("train")[:14]                                          # doctest: +SKIP
'First Citizen:'
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.demand import require
from dlclassics.data.extract import find_member
from dlclassics.data.stream import read_text_file

NAME = "tinyshakespeare"
FILE = "input.txt"  # cached name, as in char-rnn and nanoGPT
TRAIN_FRACTION = 0.9  # nanoGPT's shakespeare_char split: first 90 % of characters train
_UPSTREAM = (
    "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
)
_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
_SIZE = 1_115_394  # bytes (= characters: the text is ASCII)

Split = Literal["train", "val", "all"]


def convert(raw_dir: Path, out_dir: Path) -> None:
    """Copy the text unchanged; the split is a character offset applied when reading."""
    shutil.copyfile(find_member(raw_dir, "tinyshakespeare.txt"), out_dir / FILE)


def load_text(split: Split = "all") -> str:
    """The text of a split: ``train`` = first 90 % of characters, ``val`` = the rest."""
    text = read_text_file(require(NAME) / FILE)
    cut = int(len(text) * TRAIN_FRACTION)
    return {"train": text[:cut], "val": text[cut:], "all": text}[split]


def describe(path: Path) -> Mapping[str, Any]:
    text = read_text_file(path / FILE)
    cut = int(len(text) * TRAIN_FRACTION)
    return {
        "unit": "characters",
        "splits": {"train": cut, "val": len(text) - cut},
        "lines": text.count("\n"),
        "distinct_characters": len(set(text)),
        "sample": text[:200],
    }


DATASET = Dataset(
    name=NAME,
    description="Tiny Shakespeare: 1.1M characters, the char-rnn / nanoGPT char-level LM text",
    license="public domain (Shakespeare's text)",
    citation="Andrej Karpathy. char-rnn, data/tinyshakespeare/input.txt, 2015.",
    sources=(
        Source(
            kind="url",
            locator=_UPSTREAM,
            filename="tinyshakespeare.txt",
            sha256=_SHA256,
            size=_SIZE,
        ),
        Source(
            kind="local",
            locator="tinyshakespeare.txt",
            filename="tinyshakespeare.txt",
            sha256=_SHA256,
            size=_SIZE,
        ),
    ),
    splits={
        "train": "first floor(0.9 n) characters (nanoGPT shakespeare_char): 1,003,854",
        "val": "the remaining characters: 111,540",
    },
    convert=convert,
    describe=describe,
    files={FILE: _SHA256},
)

DATASETS.add(NAME, DATASET)
