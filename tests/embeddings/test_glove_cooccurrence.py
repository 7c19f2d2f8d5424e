"""GloVe's co-occurrence counts equal a brute-force Python count, in memory and spilled."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.embeddings.cooccurrence import EXACT_WINDOW, count_cooccurrences


def brute_force(sentences: list[np.ndarray], window: int) -> dict[tuple[int, int], float]:
    X: dict[tuple[int, int], float] = defaultdict(float)
    for s in sentences:
        for i in range(len(s)):
            for d in range(1, window + 1):
                if i - d >= 0:
                    X[int(s[i]), int(s[i - d])] += 1.0 / d
                    X[int(s[i - d]), int(s[i])] += 1.0 / d
    return X


def as_dict(X) -> dict[tuple[int, int], float]:  # type: ignore[no-untyped-def]
    return {(int(i), int(j)): float(x) for i, j, x in zip(X.rows, X.cols, X.values, strict=True)}


sentences_strategy = st.lists(
    st.lists(st.integers(0, 29), min_size=0, max_size=40).map(lambda s: np.array(s, np.int32)),
    min_size=1, max_size=30,
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(sentences=sentences_strategy, window=st.integers(1, 6))
def test_cooccurrence_counts_match_brute_force_python_count(
    sentences: list[np.ndarray], window: int
) -> None:
    X = count_cooccurrences(sentences, 30, window=window, chunk_words=50)
    expected = brute_force(sentences, window)
    got = as_dict(X)
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12)
    keys = X.rows.astype(np.int64) * 30 + X.cols
    assert np.all(np.diff(keys) > 0)  # sorted by (row, column), no duplicates
    np.testing.assert_array_equal(X.to_dense(), X.to_dense().T)  # symmetric window


def test_spilled_counts_equal_the_in_memory_counts_bit_for_bit() -> None:
    rng = np.random.default_rng(0)
    sentences = [rng.integers(0, 200, size=rng.integers(1, 60)).astype(np.int32)
                 for _ in range(400)]  # fmt: skip
    sentences.insert(200, rng.integers(0, 200, size=300).astype(np.int32))  # > the buffer
    # the smallest buffer (1,024 entries) spills every few sentences; the long one alone
    # has more pairs than it holds
    X = count_cooccurrences(sentences, 200, window=5, memory_mb=0.001, chunk_words=100)
    assert X.spills > 50
    expected = brute_force(sentences, 5)
    got = as_dict(X)
    assert got.keys() == expected.keys()
    np.testing.assert_allclose([got[k] for k in expected], list(expected.values()), rtol=1e-12)
    in_memory = count_cooccurrences(sentences, 200, window=5)
    assert in_memory.spills == 0
    np.testing.assert_array_equal(in_memory.rows, X.rows)
    np.testing.assert_array_equal(in_memory.cols, X.cols)
    np.testing.assert_array_equal(in_memory.values, X.values)  # exact: integer weights


def test_counts_are_the_exact_sums_rounded_once_to_float64() -> None:
    # float64 sums of 1/d depend on their order; X is the exact rational, rounded once
    rng = np.random.default_rng(2)
    sentences = [rng.integers(0, 6, size=50).astype(np.int32) for _ in range(30)]
    exact: dict[tuple[int, int], Fraction] = defaultdict(Fraction)
    for s in sentences:
        for i in range(len(s)):
            for d in range(1, min(i, 10) + 1):
                exact[int(s[i]), int(s[i - d])] += Fraction(1, d)
                exact[int(s[i - d]), int(s[i])] += Fraction(1, d)
    got = as_dict(count_cooccurrences(sentences, 6, window=10, memory_mb=0.001))
    assert got == {key: float(value) for key, value in exact.items()}


def test_windows_wider_than_the_exact_range_sum_floats() -> None:
    rng = np.random.default_rng(1)
    sentences = [rng.integers(0, 20, size=40).astype(np.int32) for _ in range(20)]
    window = EXACT_WINDOW + 3
    X = count_cooccurrences(sentences, 20, window=window, memory_mb=0.001, chunk_words=10)
    assert X.spills > 1
    expected = brute_force(sentences, window)
    got = as_dict(X)
    assert got.keys() == expected.keys()
    np.testing.assert_allclose([got[k] for k in expected], list(expected.values()), rtol=1e-12)
