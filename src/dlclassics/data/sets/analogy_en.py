"""Google's word-analogy test set (Mikolov et al. 2013): 19,544 questions in 14 sections.

"``a`` is to ``b`` as ``c`` is to ``?``": ``Athens Greece Baghdad Iraq`` asks for the word
``d`` whose vector is nearest to ``v(b) − v(a) + v(c)`` (note 001: word2vec analogies,
king − man + woman ≈ queen). Five semantic sections (capital-common-countries 506,
capital-world 4,524, currency 866, city-in-state 2,467, family 506) and nine syntactic
ones (``gram1-adjective-to-adverb`` … ``gram9-plural-verbs``): 8,869 semantic and 10,675
syntactic questions. Words keep the file's case ("Athens", "boy"); evaluations usually
compare case-insensitively (gensim upper-cases both sides).

Source: ``questions-words.txt`` (word2vec's release), as gensim ships it in
``gensim/test/test_data/`` (wheel ``gensim==4.4.0``): lines ``: section`` start a section,
every other line holds four space-separated words.

License: Apache-2.0 (word2vec release; gensim is LGPL-2.1).

Split: none — an evaluation set; its one split is ``all``, in file order.

>>> from dlclassics.data.sets import analogy_en                   # doctest: +SKIP
>>> next(analogy_en.questions())
Analogy(section='capital-common-countries', a='Athens', b='Greece', c='Baghdad', d='Iraq')
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from dlclassics.data.catalog import DATASETS, Dataset
from dlclassics.data.extract import find_member
from dlclassics.data.sets._gensim import gensim_test_data
from dlclassics.data.sets._text import (
    ALL,
    describer,
    read_jsonl,
    render_json,
    split_path,
    write_jsonl,
)
from dlclassics.data.stream import iter_lines
from dlclassics.errors import ConfigError, DataError

NAME = "analogy-en"
SECTIONS = (
    "capital-common-countries", "capital-world", "currency", "city-in-state", "family",
    "gram1-adjective-to-adverb", "gram2-opposite", "gram3-comparative", "gram4-superlative",
    "gram5-present-participle", "gram6-nationality-adjective", "gram7-past-tense",
    "gram8-plural", "gram9-plural-verbs",
)  # fmt: skip
SEMANTIC = SECTIONS[:5]  # the rest are syntactic ("gram*")


class Analogy(NamedTuple):
    section: str  # one of SECTIONS
    a: str
    b: str
    c: str
    d: str  # the answer: b - a + c ≈ d


def parse(lines: Iterator[str]) -> Iterator[Analogy]:
    """``questions-words.txt`` lines → analogies tagged with their section."""
    section = None
    for line in lines:
        if line.startswith(":"):
            section = line[1:].strip()
            if section not in SECTIONS:
                raise DataError(f"unknown analogy section {section!r}")
            continue
        words = line.split()
        if section is None or len(words) != 4:
            raise DataError(f"analogy line {line!r} is not four words inside a section")
        yield Analogy(section, *words)


def convert(raw_dir: Path, out_dir: Path) -> None:
    """``questions-words.txt`` → ``all.jsonl`` of ``{section, a, b, c, d}``."""
    path = find_member(raw_dir, "questions-words.txt")
    write_jsonl(
        out_dir / "all.jsonl", (q._asdict() for q in parse(iter_lines(path, skip_blank=True)))
    )


def questions(split: str = "all", *, section: str | None = None) -> Iterator[Analogy]:
    """The analogy questions in file order; only those of ``section`` if given."""
    if section is not None and section not in SECTIONS:
        raise ConfigError(
            f"unknown analogy section {section!r}; choose one of: {', '.join(SECTIONS)}"
        )
    for r in read_jsonl(split_path(NAME, split, ALL, ".jsonl")):
        if section is None or r["section"] == section:
            yield Analogy(r["section"], r["a"], r["b"], r["c"], r["d"])


DATASET = Dataset(
    name=NAME,
    description="Google word analogies: 19,544 questions 'a:b :: c:d' in 14 sections",
    license="Apache-2.0 (word2vec release)",
    citation=(
        "T. Mikolov, K. Chen, G. Corrado, J. Dean. Efficient Estimation of Word "
        "Representations in Vector Space. ICLR Workshop, 2013 (arXiv:1301.3781)."
    ),
    sources=gensim_test_data("questions-words.txt"),
    splits={"all": "every question, file order (an evaluation set): 19,544 questions"},
    convert=convert,
    describe=describer(
        "analogy questions",
        ALL,
        ".jsonl",
        render_json(lambda r: f"{r['a']} : {r['b']} :: {r['c']} : {r['d']}  ({r['section']})"),
    ),
    files={
        "all.jsonl": "c2b8e7bc8961df97c5b2f8be7a12a00e0dc2d175f961af47c09c718be419a672",
    },
)

DATASETS.add(NAME, DATASET)
