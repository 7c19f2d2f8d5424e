"""wnut16: CoNLL token/tag lines with tab-only separators, seeded tweet split."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dlclassics.data.sets import wnut16
from dlclassics.errors import DataError

Convert = Callable[..., Path]


def test_conll_lines_group_into_tweets() -> None:
    lines = ["Go\tO", "Lakers\tB-sportsteam", "\t", "", "hi\tO", "\t"]
    assert list(wnut16.parse_conll(lines)) == [
        (["Go", "Lakers"], ["O", "B-sportsteam"]),
        (["hi"], ["O"]),
    ]
    with pytest.raises(DataError, match="BIO tag"):
        list(wnut16.parse_conll(["Lakers\tB-team"]))


def test_tweets_are_split_80_10_10_in_file_order(converted: Convert) -> None:
    converted("wnut16")  # fixture: 20 made-up tweets in the package's format
    parts = {s: list(wnut16.tweets(s)) for s in ("train", "val", "test")}
    assert [len(p) for p in parts.values()] == [16, 2, 2]
    texts = [" ".join(w for w, _ in t) for p in parts.values() for t in p]
    assert len(set(texts)) == 20
    tagged = [pair for p in parts.values() for t in p for pair in t]
    assert ("Inception", "B-movie") in tagged and ("Gaga", "I-musicartist") in tagged
    assert {tag for _, tag in tagged} <= set(wnut16.TAGS)
