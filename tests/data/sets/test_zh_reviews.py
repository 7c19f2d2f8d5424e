"""zh-reviews: duplicates removed, contradictory texts dropped, stratified seeded split."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from dlclassics.data.sets import zh_reviews

Convert = Callable[..., Path]
SPLITS = ("train", "val", "test")


def test_first_occurrences_are_kept_and_texts_with_both_labels_dropped() -> None:
    got = zh_reviews.unique_reviews(
        {"neg": ["坏", "差", "坏", "一般"], "pos": ["好", "一般", "好"]}
    )
    assert got == [("坏", "neg"), ("差", "neg"), ("好", "pos")]


def test_split_is_stratified_disjoint_and_complete(converted: Convert) -> None:
    converted("zh-reviews")  # fixture: 20 + 20 distinct reviews, repeats, one in both files
    parts = {s: list(zh_reviews.reviews(s)) for s in SPLITS}
    texts = [t for s in SPLITS for t, _ in parts[s]]
    assert len(texts) == len(set(texts)) == 40 and "优点：" not in texts
    assert {s: Counter(lb for _, lb in parts[s]) for s in SPLITS} == {
        "train": {"neg": 16, "pos": 16},
        "val": {"neg": 2, "pos": 2},
        "test": {"neg": 2, "pos": 2},
    }
    labels = [lb for _, lb in parts["train"]]
    assert labels != sorted(labels)  # shuffled: the source is sorted by label
