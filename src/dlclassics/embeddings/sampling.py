"""The two samplers of word2vec: frequent-word subsampling and the negative-sampling noise.

**Subsampling** (Mikolov et al. 2013b, §2.3; the formula of the C tool and gensim). A word of
relative frequency ``f = count / retained_words`` is *kept* in a pass with probability ::

    P_keep(w) = min(1, (sqrt(f / t) + 1) · t / f)        # t = sample, default 1e-3

so words rarer than about ``t`` are always kept and "the", "of" are mostly dropped, which
both speeds training and improves the vectors of rare words. (The paper's
``1 − sqrt(t / f)`` is the *discard* probability of a slightly different formula; this is the
one the released code uses.)

**Noise distribution** of negative sampling (note 004 §3 负采样, k noise words per pair): ::

    P_n(w) = count(w)^0.75 / Σ_v count(v)^0.75

The C tool fills a table of 10^8 word ids and indexes it with a random number; gensim
bisects a cumulative table. We use Walker's **alias method** (Vose's construction): two
arrays of V entries — a threshold and an alias — and one 64-bit random number per draw:
the high 32 bits pick a column ``i`` uniformly, the low 32 bits keep ``i`` if below its
threshold, else give ``alias[i]``. A draw costs two reads in a V-sized table that stays in
cache (the 400 MB table of the C tool does not), and the distribution is exact up to the
2^-32 quantization of the thresholds (:func:`alias_probabilities` gives it back).

Thresholds are stored as integers in ``[0, 2^32]`` (uint64), compared with 32 random bits.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ONE",
    "alias_probabilities",
    "alias_table",
    "keep_probability",
    "keep_thresholds",
    "noise_distribution",
]

ONE = 1 << 32  # probability 1 as a threshold on 32 random bits
NOISE_POWER = 0.75  # unigram^0.75 (Mikolov et al. 2013b: "outperformed significantly")


def keep_probability(counts: np.ndarray, sample: float) -> np.ndarray:
    """``P_keep`` of each word (float64); ``sample <= 0`` keeps everything."""
    counts = np.asarray(counts, dtype=np.float64)
    if sample <= 0:
        return np.ones_like(counts)
    threshold = sample * counts.sum()  # t in counts rather than frequency
    return np.minimum(1.0, (np.sqrt(counts / threshold) + 1.0) * threshold / counts)


def keep_thresholds(counts: np.ndarray, sample: float) -> np.ndarray:
    """``P_keep`` as uint64 thresholds on 32 random bits (keep when ``bits < threshold``)."""
    return np.round(keep_probability(counts, sample) * ONE).astype(np.uint64)


def noise_distribution(counts: np.ndarray, power: float = NOISE_POWER) -> np.ndarray:
    """``P_n(w) ∝ count(w)^power`` (float64, sums to 1)."""
    weights = np.asarray(counts, dtype=np.float64) ** power
    return weights / weights.sum()


def alias_table(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vose's alias method: ``(thresholds uint64 in [0, 2^32], alias int32)`` of length V.

    Column ``i`` holds word ``i`` with probability ``thresholds[i] / 2^32`` and ``alias[i]``
    otherwise; each column is drawn with probability 1/V.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    n = len(p)
    scaled = p * n / p.sum()
    alias = np.arange(n, dtype=np.int32)
    accept = np.ones(n, dtype=np.float64)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        accept[s] = scaled[s]
        alias[s] = g
        scaled[g] -= 1.0 - scaled[s]  # g gives the rest of column s
        (small if scaled[g] < 1.0 else large).append(g)
    # leftovers are 1 up to rounding error: always accept
    thresholds = np.round(accept * ONE).astype(np.uint64)
    return thresholds, alias


def alias_probabilities(thresholds: np.ndarray, alias: np.ndarray) -> np.ndarray:
    """The exact distribution an alias table draws from (the test oracle's view of it)."""
    n = len(thresholds)
    accept = thresholds.astype(np.float64) / ONE
    p = accept.copy()
    np.add.at(p, alias, 1.0 - accept)
    return p / n
