"""Huffman codes, subsampling and the noise distribution against their definitions."""

from __future__ import annotations

import heapq
import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.embeddings import kernels
from dlclassics.embeddings.huffman import build_huffman
from dlclassics.embeddings.sampling import (
    ONE,
    alias_probabilities,
    alias_table,
    keep_probability,
    keep_thresholds,
    noise_distribution,
)
from dlclassics.embeddings.vocab import WordCounts

counts_strategy = st.lists(st.integers(1, 10_000), min_size=1, max_size=200).map(
    lambda c: np.array(sorted(c, reverse=True), dtype=np.int64)
)


def heapq_huffman_cost(counts: np.ndarray) -> int:
    """Weighted path length Σ count·depth of an optimal code = the sum of all merge weights."""
    heap = [int(c) for c in counts]
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        cost += merged
        heapq.heappush(heap, merged)
    return cost


@settings(max_examples=60, deadline=None)
@given(counts=counts_strategy)
def test_huffman_codes_are_prefix_free_and_optimal_like_heapq_huffman(counts: np.ndarray) -> None:
    tree = build_huffman(counts)
    codes = ["".join(map(str, tree.code(w))) for w in range(len(counts))]
    if len(counts) > 1:
        assert int((tree.lengths * counts).sum()) == heapq_huffman_cost(counts)
        ordered = sorted(codes)
        assert all(not b.startswith(a) for a, b in itertools.pairwise(ordered))
        # every path starts at the root (inner node V − 2) and visits distinct inner nodes
        assert all(tree.path(w)[0] == len(counts) - 2 for w in range(len(counts)))
        assert all(len(set(tree.path(w))) == len(tree.path(w)) for w in range(len(counts)))
    assert len(set(codes)) == len(codes)


@given(counts=counts_strategy, sample=st.sampled_from([1e-5, 1e-3, 0.1]))
def test_keep_probability_follows_mikolov_formula(counts: np.ndarray, sample: float) -> None:
    total = counts.sum()
    p = keep_probability(counts, sample)
    for c, kept in zip(counts, p, strict=True):
        f = c / total
        assert kept == pytest.approx(min(1.0, (math.sqrt(f / sample) + 1) * sample / f))
    np.testing.assert_array_equal(keep_thresholds(counts, sample), np.round(p * ONE))
    assert np.all(keep_probability(counts, 0.0) == 1.0)


@settings(max_examples=60, deadline=None)
@given(counts=counts_strategy)
def test_alias_table_draws_exactly_unigram_to_the_three_quarters(counts: np.ndarray) -> None:
    thresholds, alias = alias_table(noise_distribution(counts))
    expected = counts.astype(np.float64) ** 0.75 / (counts.astype(np.float64) ** 0.75).sum()
    np.testing.assert_allclose(alias_probabilities(thresholds, alias), expected, atol=1e-9)


def test_noise_draws_of_the_kernel_follow_the_alias_distribution() -> None:
    """200,000 draws: every word's share within 5 standard errors (binomial) of P_n."""
    counts = np.array([1000, 400, 90, 30, 7, 1], dtype=np.int64)
    thresholds, alias = alias_table(noise_distribution(counts))
    state = np.array([42], dtype=np.uint64)
    n = 200_000
    draws = np.array([kernels.draw_noise(state, thresholds, alias) for _ in range(n)])
    p = noise_distribution(counts)
    share = np.bincount(draws, minlength=len(counts)) / n
    assert np.all(np.abs(share - p) < 5 * np.sqrt(p * (1 - p) / n))


def test_vocabulary_sorts_by_count_with_first_appearance_breaking_ties() -> None:
    v = WordCounts.build([["b", "a", "c", "a"], ["c", "d", "b"]], min_count=2, max_vocab=2)
    assert v.words == ["b", "a"]  # b, a, c all seen twice; b first; max_vocab cuts c
    assert v.total_words == 7 and v.retained_words == 4
