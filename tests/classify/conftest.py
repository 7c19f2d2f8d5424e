"""Shared by the classify tests: a user's label<TAB>text file, written by the test."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

POSITIVE = ["good", "great", "excellent", "lovely", "superb", "fine"]
NEGATIVE = ["bad", "awful", "terrible", "poor", "broken", "useless"]
FILLER = ["the", "phone", "book", "was", "really", "quite", "this", "delivery", "and", "it"]


def write_reviews(path: Path, labels: tuple[str, str] = ("neg", "pos"), n: int = 240) -> Path:
    """``n`` short English reviews whose label is carried by one sentiment word."""
    rng = random.Random(0)
    lines = []
    for i in range(n):
        positive = i % 2 == 1
        words = [*rng.sample(FILLER, 5), rng.choice(POSITIVE if positive else NEGATIVE)]
        rng.shuffle(words)
        lines.append(f"{labels[int(positive)]}\t{' '.join(words)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(name="write_reviews")
def write_reviews_fixture() -> Callable[[Path, tuple[str, str], int], Path]:
    return write_reviews
