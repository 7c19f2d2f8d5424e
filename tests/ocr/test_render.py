"""Rendered lines: deterministic, 32 pixels high, real fonts, and disjoint across splits."""

from __future__ import annotations

import numpy as np
import pytest

from dlclassics.errors import DataError
from dlclassics.ocr.charset import ENGLISH, chinese_charset
from dlclassics.ocr.render import HEIGHT, draw, fonts, render_line, split_lines


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_three_splits_share_no_line_text(lang: str) -> None:
    lines = split_lines(lang, 12, (300, 100, 100))
    train, val, test = (set(lines[s]) for s in ("train", "val", "test"))
    assert len(train) == 300 and len(val) == 100 and len(test) == 100  # no duplicates within
    assert not train & val and not train & test and not val & test
    assert all(4 <= len(t) <= 12 for s in lines.values() for t in s)


def test_line_texts_depend_only_on_their_arguments() -> None:
    a = split_lines("en", 20, (50, 10, 10), seed=3)
    split_lines.cache_clear()
    assert split_lines("en", 20, (50, 10, 10), seed=3) == a
    assert split_lines("en", 20, (50, 10, 10), seed=4) != a


@pytest.mark.parametrize("condition", ["clean", "augmented"])
def test_drawing_is_deterministic_and_32_pixels_high(condition: str) -> None:
    one = draw("The Senate, 1790.", "en", condition, 0, "test", 5)  # type: ignore[arg-type]
    two = draw("The Senate, 1790.", "en", condition, 0, "test", 5)  # type: ignore[arg-type]
    assert one.shape[0] == HEIGHT and one.dtype == np.uint8
    np.testing.assert_array_equal(one, two)


def test_augmentation_changes_pixels_but_other_seeds_change_them_again() -> None:
    clean = draw("fellow citizens", "en", "clean", 0, "train", 1)
    aug0 = draw("fellow citizens", "en", "augmented", 0, "train", 1)
    aug1 = draw("fellow citizens", "en", "augmented", 1, "train", 1)
    assert clean.min() == 0 and clean.max() == 255  # black ink on white paper
    assert aug0.shape[0] == HEIGHT and not np.array_equal(clean, aug0[:, : clean.shape[1]])
    assert not np.array_equal(aug0, aug1)


def test_each_font_draws_ink_and_wider_text_makes_wider_lines() -> None:
    for face in fonts("en"):
        short = render_line("ab", face, "en")
        long = render_line("abcdefgh", face, "en")
        assert (short < 128).any() and long.shape[1] > short.shape[1]
    (zh,) = fonts("zh")[:1]
    assert (render_line("中国", zh, "zh") < 128).sum() > 50  # the CJK glyphs exist in the face


def test_characters_outside_the_set_are_named_not_dropped() -> None:
    with pytest.raises(DataError, match="'ï'"):
        ENGLISH.encode("naïve")
    zh = chinese_charset(["中国中国", "人民"], size=2)
    assert zh.chars[:2] == "中国" and "０" in zh.chars  # frequency order, then digits
    assert zh.unknown("人民日报") == ["人", "民", "日", "报"]
