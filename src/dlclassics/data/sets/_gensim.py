"""The English word-vector evaluation sets that gensim ships: sources and shared parsing.

``analogy-en``, ``wordsim353`` and ``simlex999`` are three small files that gensim ships in
``gensim/test/test_data/``; each data set lists the same two sources, the file in the gensim
repository at tag 4.4.0 and the PyPI wheel ``gensim==4.4.0`` (CPython 3.11, manylinux x86-64;
the data files are the same in every wheel of that version). The two similarity sets share
their format and reader: ``word1<TAB>word2<TAB>score`` lines after ``#`` header lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dlclassics.data.catalog import Converter, Dataset, Source
from dlclassics.data.extract import find_member
from dlclassics.data.sets._text import ALL, describer, split_path, write_lines
from dlclassics.data.stream import iter_lines
from dlclassics.errors import DataError

GENSIM_WHEEL = "gensim-4.4.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl"
GENSIM_WHEEL_SHA256 = "91a7fa5e814e7b1bad4b2dffa8d62c1e55410d5cbdf930714c1997ffb4404db8"
GENSIM_WHEEL_SIZE = 27_809_988  # bytes


def gensim_test_data(filename: str) -> tuple[Source, ...]:
    """The upstream file, then the wheel member, for ``gensim/test/test_data/<filename>``."""
    return (
        Source(
            kind="url",
            locator=f"https://raw.githubusercontent.com/piskvorky/gensim/4.4.0/gensim/test/test_data/{filename}",
            filename=filename,
            sha256=None,
        ),
        Source(
            kind="pypi",
            locator="gensim==4.4.0",
            filename=GENSIM_WHEEL,
            sha256=GENSIM_WHEEL_SHA256,
            size=GENSIM_WHEEL_SIZE,
            members=(f"gensim/test/test_data/{filename}",),
        ),
    )


def parse_similarity(lines: Iterator[str], origin: str) -> Iterator[tuple[str, str, str]]:
    """``word1<TAB>word2<TAB>score`` lines (``#`` lines skipped) → ``(w1, w2, score text)``.

    The score is kept as its text so that the cached file reproduces the source digits.
    """
    for line in lines:
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise DataError(f"{origin}: line {line!r} is not 'word<TAB>word<TAB>score'")
        try:
            float(fields[2])
        except ValueError:
            raise DataError(f"{origin}: score {fields[2]!r} is not a number") from None
        yield fields[0], fields[1], fields[2].strip()


def similarity_converter(filename: str) -> Converter:
    """``convert(raw_dir, out_dir)`` writing ``all.tsv`` of ``word1<TAB>word2<TAB>score``."""

    def convert(raw_dir: Path, out_dir: Path) -> None:
        path = find_member(raw_dir, filename)
        rows = parse_similarity(iter_lines(path, skip_blank=True), filename)
        write_lines(out_dir / "all.tsv", ("\t".join(row) for row in rows))

    return convert


def read_similarity(name: str, split: str) -> Iterator[tuple[str, str, float]]:
    """The ``(word1, word2, score)`` pairs of a cached similarity set."""
    path = split_path(name, split, ALL, ".tsv")
    for line in iter_lines(path, skip_blank=True):
        w1, w2, score = line.split("\t")
        yield w1, w2, float(score)


def similarity_dataset(
    name: str, filename: str, *, description: str, citation: str, pairs: int, sha256: str
) -> Dataset:
    """The catalog record of a similarity set: gensim's file → ``all.tsv`` (digest ``sha256``)."""
    return Dataset(
        name=name,
        description=description,
        license="free for research (authors' distribution)",
        citation=citation,
        sources=gensim_test_data(filename),
        splits={"all": f"every pair, file order (an evaluation set): {pairs} pairs"},
        convert=similarity_converter(filename),
        describe=describer("word pairs", ALL, ".tsv", lambda line: line.replace("\t", " ")),
        files={"all.tsv": sha256},
    )
