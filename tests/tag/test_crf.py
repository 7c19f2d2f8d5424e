"""The CRF's forward algorithm, Viterbi and gradient against brute force over every tag path.

The oracle enumerates all ``K^n`` paths of each sentence and scores each by the formula in
:mod:`dlclassics.tag.crf`'s docstring, written again here term by term, in float64.
"""

from __future__ import annotations

import itertools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.tag.crf import CRF


def random_crf(K: int, seed: int) -> CRF:
    g = torch.Generator().manual_seed(seed)
    crf = CRF(K).double()
    with torch.no_grad():
        for p in crf.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=torch.float64))
    return crf


def path_score(crf: CRF, e: torch.Tensor, path: tuple[int, ...]) -> torch.Tensor:
    """score(x, y) = s[y1] + Σ e_t(y_t) + Σ A[y_{t-1}, y_t] + u[y_n] of one sentence e: (n, K)."""
    total = crf.start[path[0]] + crf.end[path[-1]]
    for t, y in enumerate(path):
        total = total + e[t, y]
        if t > 0:
            total = total + crf.transitions[path[t - 1], y]
    return total


def brute_force(crf: CRF, e: torch.Tensor) -> tuple[torch.Tensor, tuple[int, ...]]:
    """log Z by summing exp score over all K^n paths, and the arg-max path."""
    paths = list(itertools.product(range(crf.n_tags), repeat=e.shape[0]))
    scores = torch.stack([path_score(crf, e, p) for p in paths])
    return torch.logsumexp(scores, 0), paths[int(scores.argmax())]


def batch(lengths: list[int], K: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed + 1)
    T = max(lengths)
    emissions = torch.randn(len(lengths), T, K, generator=g, dtype=torch.float64)
    mask = torch.arange(T) < torch.tensor(lengths).unsqueeze(1)
    return emissions, mask


@settings(max_examples=25, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 5), min_size=1, max_size=3),
    K=st.integers(1, 4),
    seed=st.integers(0, 10_000),
)
def test_forward_algorithm_and_viterbi_equal_brute_force_over_all_paths(
    lengths: list[int], K: int, seed: int
) -> None:
    crf = random_crf(K, seed)
    emissions, mask = batch(lengths, K, seed)  # padding holds random scores: must be ignored
    log_z = crf.log_partition(emissions, mask)
    decoded = crf.decode(emissions, mask)
    for b, n in enumerate(lengths):
        expected_z, expected_path = brute_force(crf, emissions[b, :n])
        torch.testing.assert_close(log_z[b], expected_z, rtol=0, atol=1e-9)
        assert tuple(decoded[b, :n].tolist()) == expected_path
        assert decoded[b, n:].eq(0).all()


def test_score_of_a_path_equals_the_formula_term_by_term() -> None:
    crf = random_crf(3, 0)
    emissions, mask = batch([4, 2], 3, 0)
    tags = torch.tensor([[2, 0, 1, 1], [1, 2, 0, 0]])
    scores = crf.score(emissions, tags, mask)
    torch.testing.assert_close(
        scores[0], path_score(crf, emissions[0], (2, 0, 1, 1)), atol=1e-12, rtol=0
    )
    torch.testing.assert_close(
        scores[1], path_score(crf, emissions[1, :2], (1, 2)), atol=1e-12, rtol=0
    )


def test_probabilities_of_all_paths_sum_to_one() -> None:
    crf = random_crf(3, 1)
    emissions, mask = batch([4], 3, 1)
    paths = torch.tensor(list(itertools.product(range(3), repeat=4)))  # (81, 4)
    nll = crf.nll(emissions.expand(len(paths), -1, -1), paths, mask.expand(len(paths), -1))
    torch.testing.assert_close(torch.exp(-nll).sum(), torch.tensor(1.0, dtype=torch.float64))


@pytest.mark.parametrize("seed", range(3))
def test_gradient_of_log_partition_matches_autograd_of_brute_force(seed: int) -> None:
    K, lengths = 3, [4, 2, 3]
    crf = random_crf(K, seed)
    emissions, mask = batch(lengths, K, seed)
    emissions.requires_grad_(True)
    params = [emissions, crf.transitions, crf.start, crf.end]
    ours = torch.autograd.grad(crf.log_partition(emissions, mask).sum(), params)
    brute = torch.stack(
        [brute_force(crf, emissions[b, :n])[0] for b, n in enumerate(lengths)]
    ).sum()
    oracle = torch.autograd.grad(brute, params)
    for mine, theirs in zip(ours, oracle, strict=True):
        torch.testing.assert_close(mine, theirs, rtol=0, atol=1e-9)
    # the emission gradient is the tag marginals: each real position's row sums to 1
    torch.testing.assert_close(ours[0].sum(-1), mask.double())
