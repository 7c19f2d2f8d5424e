"""CER and WER against hand-computed cases."""

from __future__ import annotations

import pytest

from dlclassics.ocr.metrics import cer, edit_distance, wer


@pytest.mark.parametrize(
    ("a", "b", "d"),
    [
        ("kitten", "sitting", 3),  # k→s, e→i, +g
        ("", "abc", 3),
        ("abc", "", 3),
        ("flaw", "lawn", 2),  # −f, +n
        ("same", "same", 0),
    ],
)
def test_edit_distance_of_textbook_pairs(a: str, b: str, d: int) -> None:
    assert edit_distance(a, b) == d == edit_distance(b, a)


def test_cer_sums_edits_and_reference_lengths_over_lines() -> None:
    # 1 edit in 4 chars + 2 edits in 6 chars = 3 / 10
    assert cer(["abcd", "abcdef"], ["abed", "abcf"]) == pytest.approx(0.3)


def test_wer_counts_word_edits() -> None:
    # "the cat sat" → "the hat sat down": 1 substitution + 1 insertion over 3 words
    assert wer(["the cat sat"], ["the hat sat down"]) == pytest.approx(2 / 3)


def test_chinese_words_come_from_segmentation() -> None:
    assert wer(["我们喜欢北京"], ["我们喜欢北京"]) == 0.0
    assert 0 < wer(["我们喜欢北京"], ["我们喜欢南京"]) < 1


def test_an_empty_reference_set_is_an_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        cer([""], ["x"])
