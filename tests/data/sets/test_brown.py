"""brown: NLTK-style parsing, genres, and the Bengio et al. (2003) contiguous word split."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dlclassics.data.sets import brown
from dlclassics.errors import ConfigError, DataError

Convert = Callable[..., Path]


def test_token_tag_follows_the_last_slash_and_is_upper_cased() -> None:
    assert brown.parse_token("Atlanta's/np$") == ("Atlanta's", "NP$")
    assert brown.parse_token("1/2/cd") == ("1/2", "CD")
    with pytest.raises(DataError, match="not word/tag"):
        brown.parse_token("nosep")


def test_split_is_contiguous_and_cut_where_sentences_start(
    converted: Convert, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(brown, "TRAIN_WORDS", 150)  # the real split is 800,000 / 200,000
    monkeypatch.setattr(brown, "VAL_WORDS", 150)
    converted("brown")
    parts = {s: list(brown.records(s)) for s in ("train", "val", "test")}
    assert [len(p) for p in parts.values()] == [5, 7, 6]  # 18 fixture sentences
    ordered = [s for p in parts.values() for s in p]
    assert [s.file for s in ordered] == ["ca01"] * 6 + ["cg22"] * 6 + ["cr09"] * 6
    starts = [sum(len(s.words) for s in ordered[:i]) for i in range(len(ordered))]
    splits = [name for name, p in parts.items() for _ in p]
    for start, split in zip(starts, splits, strict=True):  # a sentence goes where it starts
        assert split == ("train" if start < 150 else "val" if start < 300 else "test")
    assert {s.genre for s in ordered} == {"news", "belles_lettres", "humor"}


def test_readers_give_nltk_style_tagged_sentences_and_a_word_stream(converted: Convert) -> None:
    converted("brown")  # the real thresholds: the whole fixture is train
    first = next(brown.sentences("train"))
    assert first[:3] == [("The", "AT"), ("Fulton", "NP-TL"), ("County", "NN-TL")]
    words = list(brown.words("train"))
    assert words[: len(first)] == [w for w, _ in first]
    assert len(words) == sum(len(s.words) for s in brown.records("train"))


def test_unknown_split_and_missing_cache_say_what_to_do(cache_home: Path) -> None:
    with pytest.raises(ConfigError, match="choose one of: train, val, test"):
        next(brown.sentences("dev"))
    with pytest.raises(DataError, match="dlc data fetch brown"):
        next(brown.sentences("train"))
