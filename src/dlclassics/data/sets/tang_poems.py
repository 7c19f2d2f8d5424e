"""Complete Tang Poems (全唐诗): 57,599 poems with title and author, in traditional characters.

The poems of the Qing-dynasty anthology *Quan Tangshi* (1705) as collected by the
``chinese-poetry`` project: 3.67 million characters including punctuation. Use:
character-level poem generation (note 002: a one-to-many RNN task, the classic "write a
Tang poem" demo). Characters are kept exactly as published, in **traditional** script (秦川
雄帝宅，函谷壯皇居。); convert with a tool such as OpenCC if simplified script is wanted — we
do not, because conversion is lossy and would change the checksums.

Source: the npm package ``chinese-poetry@2.0.1`` (85 MB; a copy of the chinese-poetry
repository's data), files ``package/dist/quantangshi/poet.tang.{0,1000,…,57000}.json``: JSON
arrays of ``{author, title, paragraphs, id}`` (a few also ``tags`` or ``notes``, not kept).
Files are read in numeric order, poems in file order; 4 poems without any line and 4 exact
repeats (same title, author and lines) are dropped: 57,607 → 57,599 poems.

License: MIT (the chinese-poetry project; the poems themselves are centuries old).

Split — fixed, seeded, by poem: :func:`~dlclassics.data.splits.stratified_split` with one
class (seed ``SPLIT_SEED``) puts 5 % of the poems in ``val`` and 5 % in ``test``, the rest in
``train``; each split keeps the anthology's order. 51,839 / 2,880 / 2,880 poems.

>>> from dlclassics.data.sets import tang_poems                  # doctest: +SKIP
>>> poem = next(tang_poems.poems("train")); poem.author, poem.paragraphs[0]
('太宗皇帝', '秦川雄帝宅，函谷壯皇居。')
"""

from __future__ import annotations

import json
import re
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

NAME = "tang-poems"
SPLIT_SEED = 0  # seed of the 90/5/5 poem split
FRACTIONS = {"val": 0.05, "test": 0.05}  # of all poems; "train" takes the rest
FILE = re.compile(r"poet\.tang\.(\d+)\.json")


class Poem(NamedTuple):
    id: str  # the chinese-poetry UUID
    title: str
    author: str
    paragraphs: list[str]  # the poem's lines (usually couplets), punctuation included


def _read_file(path: Path) -> list[dict[str, Any]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [
            {
                "id": str(p["id"]),
                "title": str(p["title"]),
                "author": str(p["author"]),
                "paragraphs": [str(line) for line in p["paragraphs"]],
            }
            for p in raw
        ]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
        raise DataError(f"{path}: not a chinese-poetry poem file ({err!r})") from None


def clean_poems(poems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop poems without any non-blank line and exact repeats of an earlier poem."""
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    kept = []
    for p in poems:
        key = (p["title"], p["author"], tuple(p["paragraphs"]))
        if "".join(p["paragraphs"]).strip() and key not in seen:
            seen.add(key)
            kept.append(p)
    return kept


def convert(raw_dir: Path, out_dir: Path) -> None:
    """``poet.tang.*.json`` → ``{train,val,test}.jsonl`` of ``{id, title, author, paragraphs}``."""
    paths = find_raw(raw_dir, "poet.tang.*.json", what="Tang poem files")
    numbered = sorted((int(m.group(1)), p) for p in paths if (m := FILE.fullmatch(p.name)))
    rows = clean_poems([poem for _, path in numbered for poem in _read_file(path)])
    parts = stratified_split(
        np.zeros(len(rows), dtype=np.int64), FRACTIONS, rest="train", seed=SPLIT_SEED, shuffle=False
    )
    write_splits(out_dir, rows, {s: parts[s] for s in TRAIN_VAL_TEST})


def poems(split: str) -> Iterator[Poem]:
    """The poems of ``split`` (``train``/``val``/``test``) in anthology order."""
    for r in read_jsonl(split_path(NAME, split, TRAIN_VAL_TEST, ".jsonl")):
        yield Poem(r["id"], r["title"], r["author"], r["paragraphs"])


def texts(split: str) -> Iterator[str]:
    """Each poem's lines joined into one string (the usual input of a character RNN)."""
    for poem in poems(split):
        yield "".join(poem.paragraphs)


DATASET = Dataset(
    name=NAME,
    description="Complete Tang Poems: 57,599 poems, 3.67M characters (traditional script)",
    license="MIT (chinese-poetry project)",
    citation=(
        "Peng Dingqiu et al. (eds.), Quan Tangshi (Complete Tang Poems), 1705; digitised by "
        "the chinese-poetry project (Jackeygao et al.), npm chinese-poetry 2.0.1."
    ),
    sources=(
        Source(
            kind="url",
            locator="https://github.com/chinese-poetry/chinese-poetry/archive/refs/heads/master.zip",
            filename="chinese-poetry-master.zip",
            sha256=None,
            members=("*/全唐诗/poet.tang.*.json",),
        ),
        Source(
            kind="npm",
            locator="chinese-poetry@2.0.1",
            filename="chinese-poetry-2.0.1.tgz",
            sha256="25b549e46919c3a0569db6b68ddc96956b04a484ea4518ad2bbd4f137e307e86",
            size=85_464_664,
            members=("package/dist/quantangshi/poet.tang.*.json",),
        ),
    ),
    splits={
        "train": "90 % of the poems (seed 0), anthology order: 51,839 poems",
        "val": "5 % of the poems (seed 0), anthology order: 2,880 poems",
        "test": "5 % of the poems (seed 0), anthology order: 2,880 poems",
    },
    convert=convert,
    describe=describer(
        "poems",
        TRAIN_VAL_TEST,
        ".jsonl",
        render_json(lambda r: f"{r['title']} — {r['author']}: {''.join(r['paragraphs'])}"),
    ),
    files={
        "train.jsonl": "6c17f97e2ed2ad3155529df38a94252623e0dc5527a618e3c052f40de1737a89",
        "val.jsonl": "f721bf5f6452c5e29f319550c7375f2482f0568cc0c4ae6d2d250e7b8b5e44aa",
        "test.jsonl": "3eaf1258e15fb8fe3934baff1dfc9d0c609ce20b527cb336fbb0779393588cfa",
    },
)

DATASETS.add(NAME, DATASET)
