"""Compiled inner loops (Numba) of word2vec and GloVe: the fast path.

Every function here is ``@njit(nogil=True, cache=True)``: it runs without the GIL, so the
trainers run several Python threads each calling a kernel on its own chunk of sentences
and updating the shared weight matrices without locks ("Hogwild!", Recht et al. 2011 — what
``word2vec.c`` and gensim do). ``cache=True`` keeps the machine code on disk, so only the
first run on a machine pays the compilation (a few seconds).

The update rules are those of ``word2vec.c`` with the exact logistic function instead of its
lookup table (so they equal autograd of :mod:`dlclassics.embeddings.reference`; see
tests/embeddings/test_w2v_gradients.py). For one input vector ``l1`` (skip-gram: a context
word's row of ``syn0``; CBOW: the mean of the context rows) and one output row ``u``
(a word of ``syn1neg`` or an inner node of ``syn1``) with label ``y`` (1 = true word /
code 0, 0 = noise word / code 1) the loss is ``−log σ(±u·l1)`` and the SGD step is ::

    g      = α (y − σ(u · l1))       # −α ∂loss/∂(u·l1)
    neu1e += g u                      # gradient for the input, applied after all outputs
    u     += g l1

then every input row gets ``+= neu1e``. For CBOW that is the gradient with respect to the
mean ``h`` given unchanged to each context word (the C tool's and gensim's
``cbow_mean=1`` rule), i.e. ``count`` times the gradient of the mean's parts.

Randomness: each thread owns a 64-bit xorshift* state (Vigna 2016), advanced in place, so a
single-thread run with a seed is bitwise reproducible.

What profiling (process CPU time per word, one thread, SOTU) showed and this code does:
arithmetic stays in the weights' precision (``l1.dtype.type``: float32 on the fast path —
mixing in float64 scalars halved the speed by blocking vectorisation); dot products may be
reassociated (``fastmath`` "reassoc"), so they vectorise; the loss is logged once per
prediction from the product of its probabilities rather than once per dot product (the
logs cost ~30 %); loop-invariant row indices are hoisted by hand (CBOW ran 2× slower
without). The exact sigmoid costs one ``exp`` per dot product.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = [
    "Tables",
    "cbow_center",
    "cooccurrence_pairs",
    "draw_noise",
    "glove_epoch",
    "hs_step",
    "next_random",
    "ns_step",
    "pair_bound",
    "sg_pair",
    "train_sentences",
]

# reassociation and fused multiply-add (vectorised dot products); no inf/nan shortcuts
FASTMATH = {"reassoc", "contract"}
_M = np.uint64(2685821657736338717)  # xorshift64* output multiplier
_S12, _S25, _S27, _S32 = np.uint64(12), np.uint64(25), np.uint64(27), np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)

# (keep_thresholds, noise_thresholds, noise_alias, hs_offsets, hs_codes, hs_points)
Tables = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@njit(nogil=True, cache=True)
def next_random(state: np.ndarray) -> np.uint64:
    """xorshift64*: advance ``state[0]`` and return 64 random bits."""
    x = state[0]
    x ^= x >> _S12
    x ^= x << _S25
    x ^= x >> _S27
    state[0] = x
    return x * _M


@njit(nogil=True, cache=True, inline="always")
def _sigmoids(x: float) -> tuple[float, float]:
    """``(σ(x), σ(−x))`` from one exp, without overflow for any x."""
    x = float(x)
    e = math.exp(-abs(x))
    p = 1.0 / (1.0 + e)
    return (p, e * p) if x >= 0 else (e * p, p)


# The loss of one prediction is −log of a product of probabilities; the product is kept
# and logged once per prediction (one log instead of one per dot product), flushed into
# the sum before it could underflow.
_TINY = 1e-280


@njit(nogil=True, cache=True, fastmath=FASTMATH)
def ns_step(
    l1: np.ndarray,
    syn1neg: np.ndarray,
    targets: np.ndarray,
    n_targets: int,
    lr: float,
    neu1e: np.ndarray,
) -> float:
    """Negative sampling for input ``l1``: ``targets[0]`` is the true word, the rest noise.

    Updates ``syn1neg`` rows in place and adds the input's step to ``neu1e``; returns the
    loss ``−log σ(u_o·l1) − Σ_k log σ(−u_k·l1)`` (before the update).
    """
    D = l1.shape[0]
    real = l1.dtype.type  # arithmetic in the weights' precision (float32 or float64)
    loss = 0.0
    likelihood = 1.0
    for d in range(n_targets):
        t = targets[d]
        f = real(0.0)
        for c in range(D):
            f += l1[c] * syn1neg[t, c]
        s, s_neg = _sigmoids(f)
        if d == 0:  # the true word: label 1
            likelihood *= s
            g = real((1.0 - s) * lr)
        else:  # a noise word: label 0
            likelihood *= s_neg
            g = real(-s * lr)
        if likelihood < _TINY:
            loss -= math.log(likelihood)
            likelihood = 1.0
        for c in range(D):
            neu1e[c] += g * syn1neg[t, c]
            syn1neg[t, c] += g * l1[c]
    return loss - math.log(likelihood)


@njit(nogil=True, cache=True, fastmath=FASTMATH)
def hs_step(
    l1: np.ndarray,
    syn1: np.ndarray,
    points: np.ndarray,
    codes: np.ndarray,
    start: int,
    end: int,
    lr: float,
    neu1e: np.ndarray,
) -> float:
    """Hierarchical softmax for input ``l1`` along the Huffman path ``[start, end)``.

    Returns ``−log P(w | l1) = −Σ_j log σ((1 − 2 d_j) u_{n_j}·l1)`` (before the update).
    """
    D = l1.shape[0]
    real = l1.dtype.type
    loss = 0.0
    likelihood = 1.0
    for k in range(start, end):
        node = points[k]
        f = real(0.0)
        for c in range(D):
            f += l1[c] * syn1[node, c]
        s, s_neg = _sigmoids(f)
        likelihood *= s_neg if codes[k] else s
        if likelihood < _TINY:
            loss -= math.log(likelihood)
            likelihood = 1.0
        g = real((1.0 - codes[k] - s) * lr)
        for c in range(D):
            neu1e[c] += g * syn1[node, c]
            syn1[node, c] += g * l1[c]
    return loss - math.log(likelihood)


@njit(nogil=True, cache=True)
def draw_noise(
    state: np.ndarray, noise_thresholds: np.ndarray, noise_alias: np.ndarray
) -> np.int64:
    """One word from the alias table: a uniform column, kept or replaced by its alias."""
    r = next_random(state)
    column = np.int64(((r >> _S32) * np.uint64(noise_thresholds.shape[0])) >> _S32)
    if (r & _LOW32) < noise_thresholds[column]:
        return column
    return np.int64(noise_alias[column])


@njit(nogil=True, cache=True, inline="always")
def _predict(
    l1: np.ndarray,
    syn1: np.ndarray,
    word: int,
    tables: Tables,
    negative: int,
    lr: float,
    state: np.ndarray,
    targets: np.ndarray,
    neu1e: np.ndarray,
) -> float:
    """Predict ``word`` from ``l1`` (hs if the tree is non-empty, else ns); sets ``neu1e``."""
    _, noise_thresholds, noise_alias, hs_offsets, hs_codes, hs_points = tables
    neu1e[:] = 0.0
    if hs_codes.shape[0] > 0:
        return hs_step(
            l1, syn1, hs_points, hs_codes, hs_offsets[word], hs_offsets[word + 1], lr, neu1e
        )
    targets[0] = word
    n = 1
    for _ in range(negative):
        noise = draw_noise(state, noise_thresholds, noise_alias)
        if noise != word:  # the C tool skips a draw of the true word
            targets[n] = noise
            n += 1
    return ns_step(l1, syn1, targets, n, lr, neu1e)


@njit(nogil=True, cache=True, fastmath=FASTMATH)
def sg_pair(
    syn0: np.ndarray,
    syn1: np.ndarray,
    context: int,
    word: int,
    tables: Tables,
    negative: int,
    lr: float,
    state: np.ndarray,
    targets: np.ndarray,
    neu1e: np.ndarray,
) -> float:
    """Skip-gram: one SGD step on predicting ``word`` from ``syn0[context]``; the loss."""
    loss = _predict(syn0[context], syn1, word, tables, negative, lr, state, targets, neu1e)
    for c in range(syn0.shape[1]):
        syn0[context, c] += neu1e[c]
    return loss


@njit(nogil=True, cache=True, fastmath=FASTMATH)
def cbow_center(
    syn0: np.ndarray,
    syn1: np.ndarray,
    sent: np.ndarray,
    lo: int,
    hi: int,
    center: int,
    tables: Tables,
    negative: int,
    lr: float,
    state: np.ndarray,
    targets: np.ndarray,
    neu1: np.ndarray,
    neu1e: np.ndarray,
) -> float:
    """CBOW: predict ``sent[center]`` from the mean of ``sent[lo:hi]`` without it.

    Each context row then gets the whole step of the mean (word2vec.c, gensim
    ``cbow_mean=1``). Returns the loss, or -1.0 when the window holds no other word.
    """
    D = syn0.shape[1]
    neu1[:] = 0.0
    count = 0
    for j in range(lo, hi):
        if j != center:
            w = sent[j]
            for c in range(D):
                neu1[c] += syn0[w, c]
            count += 1
    if count == 0:
        return -1.0
    inv = neu1.dtype.type(1.0 / count)
    for c in range(D):
        neu1[c] *= inv
    loss = _predict(neu1, syn1, sent[center], tables, negative, lr, state, targets, neu1e)
    for j in range(lo, hi):
        if j != center:
            w = sent[j]
            for c in range(D):
                syn0[w, c] += neu1e[c]
    return loss


@njit(nogil=True, cache=True, fastmath=FASTMATH)
def train_sentences(
    syn0: np.ndarray,
    syn1: np.ndarray,
    ids: np.ndarray,
    starts: np.ndarray,
    tables: Tables,
    sg: bool,
    window: int,
    negative: int,
    lr_start: float,
    lr_end: float,
    state: np.ndarray,
    sent: np.ndarray,
    neu1: np.ndarray,
    neu1e: np.ndarray,
    targets: np.ndarray,
) -> tuple[float, int, int]:
    """Train on sentences ``ids[starts[s]:starts[s+1]]``; returns (loss sum, terms, words).

    ``tables = (keep_thresholds, noise_thresholds, noise_alias, hs_offsets, hs_codes,
    hs_points)``; empty ``hs_codes`` means negative sampling, and ``syn1`` is then
    ``syn1neg``, else the inner-node matrix. The learning rate falls linearly from
    ``lr_start`` to ``lr_end`` across the chunk's sentences. Each word is first kept
    with probability ``keep_thresholds[w] / 2^32`` (subsampling); the window of each kept
    centre is ``1 + (rand mod window)`` each side. The loss sum has one term per prediction;
    "words" counts the kept words.
    """
    keep = tables[0]
    n_sent = starts.shape[0] - 1
    total = starts[n_sent] - starts[0]
    loss = 0.0
    terms = 0
    kept_words = 0
    for s in range(n_sent):
        a, b = starts[s], starts[s + 1]
        lr = lr_start + (lr_end - lr_start) * ((a - starts[0]) / max(total, 1))
        n = 0
        for k in range(a, b):  # subsample the sentence
            w = ids[k]
            if (next_random(state) >> _S32) < keep[w]:
                sent[n] = w
                n += 1
        kept_words += n
        for i in range(n):
            # int64 explicitly: numba would unify uint64 with int64 as float64
            reduced = 1 + int(np.int64((next_random(state) >> _S32) % np.uint64(window)))
            lo = max(0, i - reduced)
            hi = min(n, i + reduced + 1)
            if sg:
                for j in range(lo, hi):
                    if j != i:
                        loss += sg_pair(
                            syn0, syn1, sent[j], sent[i], tables, negative, lr, state,
                            targets, neu1e,
                        )  # fmt: skip
                        terms += 1
            else:
                term = cbow_center(
                    syn0, syn1, sent, lo, hi, i, tables, negative, lr, state, targets,
                    neu1, neu1e,
                )  # fmt: skip
                if term >= 0.0:
                    loss += term
                    terms += 1
    return loss, terms, kept_words


# ------------------------------------------------------------------------------- GloVe


@njit(nogil=True, cache=True)
def cooccurrence_pairs(
    ids: np.ndarray,
    starts: np.ndarray,
    window: int,
    vocab_size: int,
    weights: np.ndarray,
    keys: np.ndarray,
    values: np.ndarray,
    at: int,
) -> int:
    """Every (word i, context j) pair of a symmetric window, both directions, unreduced.

    Writes the key ``i·V + j`` and ``weights[d]`` (the weight of distance d) of each pair
    to ``keys`` and ``values`` from index ``at`` (the caller leaves room for
    :func:`pair_bound` entries) and returns the index after the last.
    """
    k = at
    for s in range(starts.shape[0] - 1):
        a, b = starts[s], starts[s + 1]
        for i in range(a, b):
            for d in range(1, window + 1):
                if i - d < a:
                    break
                w, c = np.int64(ids[i]), np.int64(ids[i - d])
                keys[k], values[k] = w * vocab_size + c, weights[d]
                keys[k + 1], values[k + 1] = c * vocab_size + w, weights[d]
                k += 2
    return k


def pair_bound(starts: np.ndarray, window: int) -> int:
    """How many pairs :func:`cooccurrence_pairs` writes for sentences ``starts``."""
    n = np.diff(starts)  # sentence lengths
    short = np.minimum(n, window + 1)  # word i pairs with min(i, window) words before it
    return int(2 * ((short * (short - 1)) // 2 + (n - short) * window).sum())


@njit(nogil=True, cache=True, fastmath=FASTMATH)
def glove_epoch(
    W: np.ndarray,
    Wc: np.ndarray,
    b: np.ndarray,
    bc: np.ndarray,
    GW: np.ndarray,
    GWc: np.ndarray,
    Gb: np.ndarray,
    Gbc: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
    order: np.ndarray,
    x_max: float,
    power: float,
    lr: float,
) -> float:
    """One AdaGrad pass over the entries ``order`` of the co-occurrence matrix.

    For entry (i, j, X_ij) the loss is ``J = ½ f(X_ij) (w_i·w̃_j + b_i + b̃_j − log X_ij)²``,
    ``f(x) = min(1, (x / x_max)^power)``; with ``g = f(X_ij) (w_i·w̃_j + b_i + b̃_j − log
    X_ij)`` its gradients are ``g w̃_j`` (for w_i), ``g w_i`` (for w̃_j) and ``g`` (for b_i,
    b̃_j). AdaGrad exactly as the reference ``glove.c`` applies it, per coordinate, every
    accumulator G starting at 1:

        vectors:  u = η g w̃_j;   w_i −= u / √G;   G += u²      (and alike for w̃_j)
        biases:   b_i −= g / √G;   G += g²                      (η = 1 for the biases)

    — the step is divided by the accumulator *before* the current term is added, and η
    scales the vector steps before they are accumulated (so G sums (η g)², not g²), but not
    the bias steps. The textbook ``G += g²; θ −= η g / √G`` takes steps up to 1/η = 20 times
    smaller once G ≫ 1, and leaves GloVe far from trained after the paper's epochs; η on the
    biases too (our earlier rule) slows rare words' biases, whose G stays small, and cost
    0.012 WordSim-353 against ``glove.c`` on en-mix (``benchmarks/word2vec_vs_gensim.py``).
    ``glove.c``'s clipping of ``g w`` to ±100 is left out: it only acts on a run that has
    already diverged. Returns the sum of ``J`` over the entries (before each update).
    """
    D = W.shape[1]
    cost = 0.0
    for n in range(order.shape[0]):
        e = order[n]
        i, j, x = rows[e], cols[e], values[e]
        diff = b[i] + bc[j] - math.log(x)
        for c in range(D):
            diff += W[i, c] * Wc[j, c]
        weight = 1.0 if x >= x_max else (x / x_max) ** power
        fdiff = weight * diff  # g = ∂J/∂(w_i·w̃_j) = ∂J/∂b_i = ∂J/∂b̃_j
        cost += 0.5 * fdiff * diff
        step = lr * fdiff  # η g
        for c in range(D):
            ui = step * Wc[j, c]  # η ∂J/∂w_ic, from the values before this entry's update
            uj = step * W[i, c]
            W[i, c] -= ui / math.sqrt(GW[i, c])
            Wc[j, c] -= uj / math.sqrt(GWc[j, c])
            GW[i, c] += ui * ui
            GWc[j, c] += uj * uj
        b[i] -= fdiff / math.sqrt(Gb[i])
        bc[j] -= fdiff / math.sqrt(Gbc[j])
        Gb[i] += fdiff * fdiff
        Gbc[j] += fdiff * fdiff
    return cost
