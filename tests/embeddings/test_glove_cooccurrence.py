"""GloVe's co-occurrence counts equal a brute-force Python count, in memory and spilled."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.embeddings.cooccurrence import count_cooccurrences


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


def test_cooccurrence_counts_match_brute_force_when_spilling_to_disk() -> None:
    rng = np.random.default_rng(0)
    sentences = [rng.integers(0, 200, size=rng.integers(1, 60)).astype(np.int32)
                 for _ in range(400)]  # fmt: skip
    # a budget of ~65 entries with 100-word chunks forces a spill after nearly every chunk
    X = count_cooccurrences(sentences, 200, window=5, memory_mb=0.001, chunk_words=100,
                            partitions=7)  # fmt: skip
    assert X.spills > 10
    expected = brute_force(sentences, 5)
    got = as_dict(X)
    assert got.keys() == expected.keys()
    np.testing.assert_allclose([got[k] for k in expected], list(expected.values()), rtol=1e-12)
    in_memory = count_cooccurrences(sentences, 200, window=5)
    assert in_memory.spills == 0
    np.testing.assert_array_equal(in_memory.rows, X.rows)
    np.testing.assert_array_equal(in_memory.cols, X.cols)
