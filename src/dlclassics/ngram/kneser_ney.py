"""Absolute discounting, Kneser–Ney and modified Kneser–Ney: the best classic smoothers.

Note 002's smoothing (平滑), in the form that won: subtract a discount D from every seen
count and give the freed mass to the lower order (Ney, Essen & Kneser 1994; Kneser & Ney
1995; Chen & Goodman 1998). With a(·) the counts used at each order,

    P(w | h) = max(a(h, w) − D, 0) / Σ_w′ a(h, w′) + γ(h) · P(w | h′)
    γ(h)     = D · N1+(h•) / Σ_w′ a(h, w′)

where h′ drops the oldest word of h, N1+(h•) is the number of distinct words seen after
h, and the recursion ends in the uniform distribution 1/|V| (V: every word, ``<unk>`` and
``</s>``; not ``<s>``), so every word gets a positive probability.

* **absolute discounting** — a = c, the raw counts, at every order;
* **Kneser–Ney** — a = c at the highest order only; below it a(v) = N1+(•v), the number of
  distinct words seen before v (its *continuation count*: "Francisco" is frequent but
  follows only "San", so its unigram probability is small). An n-gram that starts with
  ``<s>`` has no word before it and keeps its raw count (as in kenlm and SRILM);
* **modified Kneser–Ney** (Chen & Goodman) — three discounts by count, D(1) = D1,
  D(2) = D2, D(a ≥ 3) = D3+, and γ(h) = (D1 N1(h•) + D2 N2(h•) + D3+ N3+(h•)) / Σ a(h, ·).

Discounts come from the counts-of-counts n_r of each order's a-values (Chen & Goodman,
eq. 26): Y = n1 / (n1 + 2 n2), D = Y for one discount, and D_r = r − (r + 1) Y n_{r+1}/n_r
for r = 1, 2, 3. When those are undefined or outside (0, r] — tiny or artificial corpora —
the order falls back to kenlm's defaults (D1, D2, D3+) = (0.5, 1, 1.5), or 0.75 for a
single discount, with a logged warning.

NLTK's ``KneserNeyInterpolated`` (3.10) has a unigram level without the uniform term, so
unseen words get probability 0 and perplexity is infinite (nltk/nltk#3065, #3211), and its
lower-order γ divides a raw-count N1+ by continuation totals, so its distributions do not
sum to one. The tests here check both properties, and the ARPA files we write against
kenlm.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from dlclassics.errors import ConfigError
from dlclassics.ngram.backoff import BackoffLM
from dlclassics.ngram.counts import NGramCounts, predictable
from dlclassics.ngram.smoothing import assemble, per_context

__all__ = [
    "AbsoluteDiscounting",
    "KneserNey",
    "ModifiedKneserNey",
    "absolute_discounting",
    "adjusted_counts",
    "discounts",
    "kneser_ney",
    "modified_kneser_ney",
]

log = logging.getLogger(__name__)

FALLBACK_ONE = 0.75  # single discount when n1, n2 give none (Ney et al. 1994's usual value)
FALLBACK_THREE = (0.5, 1.0, 1.5)  # kenlm's --discount_fallback defaults for D1, D2, D3+


def _check(name: str, value: tuple[float, ...] | float | None, limits: tuple[int, ...]) -> None:
    if value is None:
        return
    values = value if isinstance(value, tuple) else (value,)
    if len(values) != len(limits) or not all(
        0 < v <= r for v, r in zip(values, limits, strict=False)
    ):
        raise ConfigError(f"{name}={value} must be {len(limits)} value(s) D_r in (0, r]")


@dataclass(frozen=True, kw_only=True)
class AbsoluteDiscounting:
    discount: float | None = None  # D at every order; None: n1/(n1 + 2 n2) per order

    def __post_init__(self) -> None:
        _check("discount", self.discount, (1,))


@dataclass(frozen=True, kw_only=True)
class KneserNey:
    discount: float | None = None  # D at every order; None: n1/(n1 + 2 n2) per order

    def __post_init__(self) -> None:
        _check("discount", self.discount, (1,))


@dataclass(frozen=True, kw_only=True)
class ModifiedKneserNey:
    discounts: tuple[float, float, float] | None = None  # (D1, D2, D3+); None: from counts

    def __post_init__(self) -> None:
        _check("discounts", self.discounts, (1, 2, 3))


def adjusted_counts(counts: NGramCounts, *, continuation: bool) -> list[np.ndarray]:
    """a(·) per order: raw counts, or Kneser–Ney continuation counts below the top order.

    a(v) = N1+(•v) = the number of order-(n+1) entries whose suffix is v; raw c(v) when v
    starts with ``<s>``.
    """
    a = [c.copy() for c in counts.counts]
    if not continuation:
        return a
    bos = counts.vocab.bos_id
    for n in range(1, counts.order):
        left = np.bincount(counts.index.suffix(n + 1), minlength=counts.index.size(n))
        a[n - 1] = np.where(counts.index.first(n) == bos, counts.counts[n - 1], left)
    return a


def _usable(a: np.ndarray, n: int, counts: NGramCounts) -> np.ndarray:
    """The a-values that enter the counts-of-counts: all at n > 1, words only at n = 1."""
    return a[predictable(len(counts.vocab))] if n == 1 else a


def discounts(
    counts: NGramCounts, a: list[np.ndarray], *, modified: bool
) -> list[tuple[float, float, float]]:
    """(D1, D2, D3+) per order from the counts-of-counts (one D repeated when not modified)."""
    out = []
    for n, values in enumerate(a, 1):
        n_r = np.bincount(_usable(values, n, counts), minlength=5).astype(np.float64)
        D: tuple[float, float, float] | None = None
        if n_r[1] > 0 and n_r[2] > 0:
            y = n_r[1] / (n_r[1] + 2 * n_r[2])
            if not modified:
                D = (y, y, y) if 0 < y <= 1 else None
            elif n_r[3] > 0 and n_r[4] > 0:
                d = tuple(r - (r + 1) * y * n_r[r + 1] / n_r[r] for r in (1, 2, 3))
                if all(0 < d_r <= r for r, d_r in zip((1, 2, 3), d, strict=True)):
                    D = (float(d[0]), float(d[1]), float(d[2]))
        if D is None:
            D = FALLBACK_THREE if modified else (FALLBACK_ONE,) * 3
            log.warning("%d-gram discounts undefined for these counts; using %s", n, D)
        out.append(D)
    return out


def _interpolated(counts: NGramCounts, a: list[np.ndarray], D: list[np.ndarray]) -> BackoffLM:
    """The recursion of the module doc, order by order from the uniform distribution."""
    mask = predictable(len(counts.vocab))
    n_vocab = int(mask.sum())

    def discount(values: np.ndarray, d: np.ndarray) -> np.ndarray:  # D(a), 0 for a = 0
        return np.where(values > 0, np.minimum(d[np.minimum(values, 3)], values), 0.0)

    a1 = np.where(mask, a[0], 0).astype(np.float64)
    cut = discount(a1.astype(np.int64), D[0])
    total = a1.sum()
    gamma = cut.sum() / total
    probs = [(a1 - cut) / total + gamma / n_vocab]
    bows = []
    for n in range(2, counts.order + 1):
        values = a[n - 1]
        cut = discount(values, D[n - 1])
        total = per_context(counts, n, values.astype(np.float64))  # Σ_w a(h, w)
        with np.errstate(divide="ignore", invalid="ignore"):
            gamma = np.where(total > 0, per_context(counts, n, cut) / total, 1.0)
        prefix = counts.index.prefix(n)
        lower = probs[n - 2][counts.index.suffix(n)]
        probs.append((values - cut) / total[prefix] + gamma[prefix] * lower)
        bows.append(gamma)
    return assemble(counts, probs, bows)


def _model(
    counts: NGramCounts, *, continuation: bool, modified: bool, fixed: tuple[float, ...] | None
) -> BackoffLM:
    a = adjusted_counts(counts, continuation=continuation)
    if fixed is None:
        per_order = discounts(counts, a, modified=modified)
    else:  # one D, or (D1, D2, D3+), at every order
        d1, d2, d3 = fixed * 3 if len(fixed) == 1 else fixed
        per_order = [(d1, d2, d3)] * counts.order
    log.debug("discounts (D1, D2, D3+) per order: %s", per_order)
    D = [np.array([0.0, *d]) for d in per_order]  # D[n − 1][r] for r = 0 … 3
    return _interpolated(counts, a, D)


def absolute_discounting(
    counts: NGramCounts, config: AbsoluteDiscounting | None = None
) -> BackoffLM:
    """Interpolated absolute discounting (raw counts at every order)."""
    d = (config or AbsoluteDiscounting()).discount
    return _model(counts, continuation=False, modified=False, fixed=None if d is None else (d,))


def kneser_ney(counts: NGramCounts, config: KneserNey | None = None) -> BackoffLM:
    """Interpolated Kneser–Ney: one discount per order, continuation counts below N."""
    d = (config or KneserNey()).discount
    return _model(counts, continuation=True, modified=False, fixed=None if d is None else (d,))


def modified_kneser_ney(counts: NGramCounts, config: ModifiedKneserNey | None = None) -> BackoffLM:
    """Interpolated modified Kneser–Ney (Chen & Goodman): three discounts per order."""
    return _model(
        counts, continuation=True, modified=True, fixed=(config or ModifiedKneserNey()).discounts
    )
