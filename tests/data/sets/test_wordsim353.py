"""wordsim353: header lines skipped, scores kept exactly as written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dlclassics.data.sets import wordsim353
from dlclassics.data.sets._gensim import parse_similarity
from dlclassics.errors import DataError

Convert = Callable[..., Path]


def test_pairs_skip_the_header_and_keep_the_score(converted: Convert) -> None:
    out = converted("wordsim353")  # fixture: 2 header lines + 6 pairs
    pairs = list(wordsim353.pairs())
    assert pairs[:3] == [("love", "sex", 6.77), ("tiger", "cat", 7.35), ("tiger", "tiger", 10.0)]
    assert len(pairs) == 6
    assert (out / "all.tsv").read_text("utf-8").splitlines()[2] == "tiger\ttiger\t10.00"


def test_a_line_without_three_fields_is_refused() -> None:
    with pytest.raises(DataError, match="word<TAB>word<TAB>score"):
        list(parse_similarity(iter(["love sex 6.77"]), "wordsim353.tsv"))
    with pytest.raises(DataError, match="not a number"):
        list(parse_similarity(iter(["love\tsex\thigh"]), "wordsim353.tsv"))
