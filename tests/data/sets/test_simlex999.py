"""simlex999: the same format as WordSim-353, strict-similarity scores."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dlclassics.data.sets import simlex999

Convert = Callable[..., Path]


def test_pairs_skip_the_header_and_keep_the_score(converted: Convert) -> None:
    converted("simlex999")  # fixture: 2 header lines + 6 pairs
    pairs = list(simlex999.pairs())
    assert len(pairs) == 6
    assert pairs[:2] == [("old", "new", 1.58), ("smart", "intelligent", 9.2)]
