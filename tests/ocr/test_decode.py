"""The decoders against exhaustive search over every path on tiny alphabets."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.ocr.decode import collapse, greedy_decode, prefix_beam_search


class BigramLM:
    """A fixed random bigram model over label ids 1 … C−1 (and </s>), for fusion tests."""

    def __init__(self, C: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        table = rng.dirichlet(np.ones(C), size=C)  # row: previous label (0 = start); col 0 = </s>
        self.log = np.log(table)

    def next_log_probs(self, prefix: tuple[int, ...]) -> np.ndarray:
        return self.log[prefix[-1] if prefix else 0]

    def end_log_prob(self, prefix: tuple[int, ...]) -> float:
        return float(self.log[prefix[-1] if prefix else 0, 0])

    def sentence(self, labels: tuple[int, ...]) -> float:
        total, previous = 0.0, 0
        for c in labels:
            total += self.log[previous, c]
            previous = c
        return total + self.log[previous, 0]


def labellings(lp: np.ndarray) -> dict[tuple[int, ...], float]:
    """ln p(l | x) for every labelling, by enumerating all C^T paths."""
    T, C = lp.shape
    prob: dict[tuple[int, ...], float] = defaultdict(float)
    for path in itertools.product(range(C), repeat=T):
        prob[tuple(collapse(path))] += math.exp(sum(lp[t, k] for t, k in enumerate(path)))
    return {label: math.log(p) for label, p in prob.items()}


def random_log_probs(seed: int, T: int, C: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(T, C)) * 1.5
    return x - np.log(np.exp(x).sum(1, keepdims=True))


def test_collapse_merges_repeats_then_drops_blanks() -> None:
    assert collapse([1, 1, 0, 1, 2, 2, 0, 0]) == [1, 1, 2]
    assert collapse([0, 0]) == [] and collapse([]) == []


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), T=st.integers(1, 5), C=st.integers(2, 3))
def test_greedy_is_the_collapse_of_the_most_probable_path(seed: int, T: int, C: int) -> None:
    lp = random_log_probs(seed, T, C)
    best = max(
        itertools.product(range(C), repeat=T), key=lambda p: sum(lp[t, k] for t, k in enumerate(p))
    )
    assert greedy_decode(lp) == collapse(best)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), T=st.integers(1, 5), C=st.integers(2, 4))
def test_prefix_beam_with_unbounded_beam_finds_the_exact_best_labelling(
    seed: int, T: int, C: int
) -> None:
    lp = random_log_probs(seed, T, C)
    exact = labellings(lp)
    beams = prefix_beam_search(lp, beam=10_000, cutoff=None)
    assert {b.labels for b in beams} == set(exact)  # every labelling, none pruned
    for b in beams:
        assert math.isclose(b.score, exact[b.labels], rel_tol=1e-9, abs_tol=1e-12)
    best = max(exact, key=lambda label: exact[label])
    assert math.isclose(beams[0].score, exact[best], rel_tol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    T=st.integers(1, 5),
    C=st.integers(2, 4),
    weight=st.floats(0.1, 2.0),
    bonus=st.floats(-1.0, 1.0),
)
def test_fused_beam_maximises_ctc_plus_weighted_lm_plus_bonus_exactly(
    seed: int, T: int, C: int, weight: float, bonus: float
) -> None:
    lp = random_log_probs(seed, T, C)
    lm = BigramLM(C, seed)
    exact = {
        label: s + weight * lm.sentence(label) + bonus * len(label)
        for label, s in labellings(lp).items()
    }
    beams = prefix_beam_search(
        lp, beam=10_000, cutoff=None, lm=lm, lm_weight=weight, insertion_bonus=bonus
    )
    for b in beams:
        assert math.isclose(b.score, exact[b.labels], rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(beams[0].score, max(exact.values()), rel_tol=1e-12)


def test_a_narrow_beam_still_returns_the_obvious_labelling() -> None:
    # a confident network: the beam, the cut-off and greedy agree
    path = [1, 1, 0, 1, 2, 0, 3]
    lp = np.full((len(path), 4), math.log(0.01))
    lp[np.arange(len(path)), path] = math.log(0.97)
    assert greedy_decode(lp) == [1, 1, 2, 3]
    assert list(prefix_beam_search(lp, beam=2)[0].labels) == [1, 1, 2, 3]
