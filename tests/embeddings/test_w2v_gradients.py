"""The compiled word2vec steps equal one SGD step on autograd of the torch reference losses.

Every kernel is run in float64 on random parameters; the oracle is ``θ − α ∂L/∂θ`` with
``∂L/∂θ`` from ``torch.autograd`` on :mod:`dlclassics.embeddings.reference`, and the loss the
kernel returns equals ``L`` before the step.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.embeddings import kernels, reference
from dlclassics.embeddings.huffman import build_huffman
from dlclassics.embeddings.sampling import alias_table, noise_distribution

V, D = 9, 6
ALPHA = 0.05
COUNTS = np.array([50, 30, 20, 12, 9, 7, 5, 3, 2], dtype=np.int64)  # sorted, for the tree


@pytest.fixture(scope="module", autouse=True)
def _compiled() -> None:
    """Compile (or load from numba's cache) the float64 kernels once for the module."""
    rng = np.random.default_rng(0)
    syn0, syn1 = rng.normal(size=(V, D)), rng.normal(size=(V, D))
    kernels.sg_pair(syn0, syn1, 0, 1, _tables(hs=True), 0, ALPHA, _state(1), *_buffers(5)[1:])


def _state(seed: int) -> np.ndarray:
    return np.array([seed * 2654435761 + 1], dtype=np.uint64)


def _buffers(negative: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.empty(D), np.empty(negative + 1, dtype=np.int32), np.empty(D)  # neu1, targets, neu1e


def _tables(*, hs: bool) -> kernels.Tables:
    keep = np.full(V, 1 << 32, dtype=np.uint64)
    thresholds, alias = alias_table(noise_distribution(COUNTS))
    if hs:
        tree = build_huffman(COUNTS)
        return (keep, thresholds, alias, tree.offsets, tree.codes, tree.points)
    return (keep, thresholds, alias, np.zeros(1, np.int64), np.zeros(0, np.uint8),
            np.zeros(0, np.int32))  # fmt: skip


def _params(seed: int, rows1: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(scale=0.5, size=(V, D)), rng.normal(scale=0.5, size=(rows1, D))


def _noise_drawn(state: np.ndarray, word: int, negative: int) -> list[int]:
    """The noise words the kernel draws from ``state`` (same generator, same order)."""
    thresholds, alias = _tables(hs=False)[1:3]
    state = state.copy()
    draws = [kernels.draw_noise(state, thresholds, alias) for _ in range(negative)]
    return [w for w in draws if w != word]


def _sgd_oracle(
    loss_fn, syn0: np.ndarray, syn1: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    t0 = torch.tensor(syn0, requires_grad=True)
    t1 = torch.tensor(syn1, requires_grad=True)
    loss = loss_fn(t0, t1)
    loss.backward()
    assert t0.grad is not None and t1.grad is not None
    return float(loss.detach()), syn0 - ALPHA * t0.grad.numpy(), syn1 - ALPHA * t1.grad.numpy()


def _assert_close(actual: np.ndarray, expected: np.ndarray) -> None:
    torch.testing.assert_close(torch.tensor(actual), torch.tensor(expected), rtol=1e-10, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), context=st.integers(0, V - 1), word=st.integers(0, V - 1))
def test_skipgram_negative_sampling_step_matches_autograd_of_torch_loss(
    seed: int, context: int, word: int
) -> None:
    syn0, syn1neg = _params(seed, V)
    state = _state(seed)
    negative = 5
    noise = _noise_drawn(state, word, negative)
    # a repeated noise word sees its own earlier update (as in word2vec.c): not one gradient
    if len(set(noise)) < len(noise):
        noise = list(dict.fromkeys(noise))
    expected = _sgd_oracle(
        lambda a, b: reference.skipgram_ns_loss(a, b, context=context, word=word, noise=noise),
        syn0, syn1neg,
    )  # fmt: skip
    targets = np.array([word, *noise], dtype=np.int32)
    neu1e = np.zeros(D)
    loss = kernels.ns_step(syn0[context], syn1neg, targets, len(targets), ALPHA, neu1e)
    syn0[context] += neu1e
    assert loss == pytest.approx(expected[0], rel=1e-12)
    _assert_close(syn0, expected[1])
    _assert_close(syn1neg, expected[2])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), context=st.integers(0, V - 1), word=st.integers(0, V - 1))
def test_skipgram_pair_with_drawn_noise_matches_autograd_of_torch_loss(
    seed: int, context: int, word: int
) -> None:
    syn0, syn1neg = _params(seed, V)
    state = _state(seed)
    negative = 3
    noise = _noise_drawn(state, word, negative)
    if len(set(noise)) < len(noise):  # see above; other seeds cover the draw path
        return
    expected = _sgd_oracle(
        lambda a, b: reference.skipgram_ns_loss(a, b, context=context, word=word, noise=noise),
        syn0, syn1neg,
    )  # fmt: skip
    _, targets, neu1e = _buffers(negative)
    loss = kernels.sg_pair(
        syn0, syn1neg, context, word, _tables(hs=False), negative, ALPHA, state, targets, neu1e
    )
    assert loss == pytest.approx(expected[0], rel=1e-12)
    _assert_close(syn0, expected[1])
    _assert_close(syn1neg, expected[2])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), context=st.integers(0, V - 1), word=st.integers(0, V - 1))
def test_skipgram_hierarchical_softmax_step_matches_autograd_of_torch_loss(
    seed: int, context: int, word: int
) -> None:
    tree = build_huffman(COUNTS)
    syn0, syn1 = _params(seed, V - 1)
    expected = _sgd_oracle(
        lambda a, b: reference.skipgram_hs_loss(a, b, tree, context=context, word=word),
        syn0, syn1,
    )  # fmt: skip
    _, targets, neu1e = _buffers(0)
    loss = kernels.sg_pair(
        syn0, syn1, context, word, _tables(hs=True), 0, ALPHA, _state(seed), targets, neu1e
    )
    assert loss == pytest.approx(expected[0], rel=1e-12)
    _assert_close(syn0, expected[1])
    _assert_close(syn1, expected[2])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), hs=st.booleans(), center=st.integers(0, 4))
def test_cbow_step_gives_each_context_word_the_gradient_of_the_mean(
    seed: int, hs: bool, center: int
) -> None:
    """CBOW (word2vec.c, gensim cbow_mean=1): every context row moves by −α ∂L/∂h, i.e.
    ``count`` times its autograd gradient through the mean; output rows by −α ∂L/∂u."""
    rng = np.random.default_rng(seed)
    sent = rng.permutation(V)[:5].astype(np.int32)  # distinct words: rows are not shared
    context = [int(w) for j, w in enumerate(sent) if j != center]
    word = int(sent[center])
    syn0, syn1 = _params(seed, V - 1 if hs else V)
    state = _state(seed)
    negative = 0 if hs else 4
    tree = build_huffman(COUNTS)
    if hs:
        loss_fn = lambda a, b: reference.cbow_hs_loss(a, b, tree, context=context, word=word)  # noqa: E731
    else:
        noise = _noise_drawn(state, word, negative)
        if len(set(noise)) < len(noise):
            return
        loss_fn = lambda a, b: reference.cbow_ns_loss(  # noqa: E731
            a, b, context=context, word=word, noise=noise
        )
    t0 = torch.tensor(syn0, requires_grad=True)
    t1 = torch.tensor(syn1, requires_grad=True)
    expected_loss = loss_fn(t0, t1)
    expected_loss.backward()
    assert t0.grad is not None and t1.grad is not None
    expected0 = syn0 - ALPHA * len(context) * t0.grad.numpy()
    expected1 = syn1 - ALPHA * t1.grad.numpy()
    neu1, targets, neu1e = _buffers(negative)
    loss = kernels.cbow_center(
        syn0, syn1, sent, 0, len(sent), center, _tables(hs=hs), negative, ALPHA, state,
        targets, neu1, neu1e,
    )  # fmt: skip
    assert loss == pytest.approx(float(expected_loss.detach()), rel=1e-12)
    _assert_close(syn0, expected0)
    _assert_close(syn1, expected1)


@settings(max_examples=20, deadline=None)
@given(
    counts=st.lists(st.integers(1, 1000), min_size=2, max_size=40),
    seed=st.integers(0, 10_000),
)
def test_hierarchical_softmax_probabilities_over_the_vocabulary_sum_to_one(
    counts: list[int], seed: int
) -> None:
    tree = build_huffman(np.array(sorted(counts, reverse=True)))
    rng = np.random.default_rng(seed)
    h = torch.tensor(rng.normal(size=4))
    syn1 = torch.tensor(rng.normal(size=(len(counts) - 1, 4)))
    p = reference.hs_probabilities(h, syn1, tree)
    assert torch.all(p > 0)
    assert float(p.sum()) == pytest.approx(1.0, abs=1e-12)
