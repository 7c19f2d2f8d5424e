"""moby-dick: contiguous chapter split at 90 % / 95 % of the characters, lossless."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dlclassics.data.sets import moby_dick
from dlclassics.errors import DataError

Convert = Callable[..., Path]
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "sets" / "moby-dick"


def test_the_three_splits_concatenate_to_the_source_text(converted: Convert) -> None:
    converted("moby-dick")
    source = (FIXTURE / "package" / "data" / "data.txt").read_text(encoding="utf-8")
    assert "".join(moby_dick.text(s) for s in ("train", "val", "test")) == source


def test_chapters_go_where_they_start(converted: Convert) -> None:
    converted("moby-dick")  # fixture chapters start at 0 … 67 %, 92 %, 95 % of its characters
    numbers = {s: [c.number for c in moby_dick.chapters(s)] for s in ("train", "val", "test")}
    assert numbers == {"train": list(range(1, 9)), "val": [9], "test": [10]}
    first = next(moby_dick.chapters("train"))
    assert first.title == "Loomings." and first.text.startswith("Call me Ishmael.")
    assert next(moby_dick.lines("train")) == "CHAPTER 1. Loomings."


def test_text_without_chapter_headings_is_refused() -> None:
    with pytest.raises(DataError, match="CHAPTER 1"):
        moby_dick.split_chapters("Call me Ishmael.\n")
    with pytest.raises(DataError, match="numbered"):
        moby_dick.split_chapters("CHAPTER 1. A\n\nx\nCHAPTER 3. C\n\ny\n")
