"""Maximum likelihood, add-k and Katz backoff: the first smoothers of note 002 (平滑).

Note 002 (统计语言模型): an n-gram model gives probability zero to any n-gram missing from
training — the maximum-likelihood estimate

    P_ML(w | h) = c(h, w) / c(h)

does — and "smoothing" takes a little probability from seen n-grams to give unseen ones a
small non-zero probability. Here c(h) = Σ_w c(h, w) counts h as a context, and the
vocabulary V that probabilities range over is every word, ``<unk>`` and ``</s>`` (not
``<s>``).

* **MLE** — P_ML at every order; a context never seen backs off to the shorter one (ARPA
  semantics), a word never seen after a seen context gets 0 (log10 = −∞, ``-99`` in ARPA).
* **Add-k** (Laplace for k = 1) — P(w | h) = (c(h, w) + k) / (c(h) + k|V|) for the words
  seen after h. The k|V|-share of the unseen words, k (|V| − N1+(h•)) / (c(h) + k|V|),
  goes to them in proportion to the lower-order model (SRILM's ``-addsmooth``), because an
  ARPA model cannot list all |V|^n n-grams; at the unigram level it is exactly (c + k) /
  (N + k|V|).
* **Katz backoff** (Katz 1987) — counts r ≤ k (k = 5) are discounted by Good–Turing,

      d_r = (r*/r − (k+1) n_{k+1}/n_1) / (1 − (k+1) n_{k+1}/n_1),   r* = (r+1) n_{r+1} / n_r,

  with n_r the number of n-grams of that order seen r times; P(w | h) = d_r c(h, w)/c(h)
  for seen words and α(h) P_katz(w | h′) for the rest, α(h) chosen so that the
  distribution sums to one. Rules of ours for corner cases, all documented in the code: if
  the n_r make some d_r fall outside (0, 1], k is lowered until they do not (SRILM turns
  discounting off instead); a context whose continuations are all more frequent than k
  (so nothing is discounted) keeps 1/(c(h) + 1) for unseen words, as if one more unseen
  word had followed it — otherwise a new word after it would get probability 0; at the
  unigram level the freed mass goes uniformly to the vocabulary words never seen in
  training (such as ``<unk>``).

Every smoother returns a :class:`~dlclassics.ngram.backoff.BackoffLM`; after each order is
estimated, its backoff weights are solved from

    bow(h) = (1 − Σ_{w seen after h} P(w | h)) / (1 − Σ_{w seen after h} P(w | h′)),

so that, for every context seen in training, Σ_w P(w | h) = 1 (tested on random corpora).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from dlclassics.errors import ConfigError
from dlclassics.ngram.backoff import BackoffLM
from dlclassics.ngram.counts import NGramCounts, predictable

__all__ = ["AddK", "Katz", "MaximumLikelihood", "add_k", "good_turing_discounts", "katz", "mle"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class MaximumLikelihood:
    """P_ML(w | h) = c(h, w) / c(h): no smoothing (unseen n-grams get probability 0)."""


@dataclass(frozen=True, kw_only=True)
class AddK:
    k: float = 1.0  # pseudo-count added to every n-gram (1 = Laplace; Brown trigram: 0.01)

    def __post_init__(self) -> None:
        if not self.k > 0:
            raise ConfigError(f"k={self.k} must be > 0 (the add-k pseudo-count)")


@dataclass(frozen=True, kw_only=True)
class Katz:
    max_count: int = 5  # counts above k are reliable and not discounted (Katz 1987: k = 5)

    def __post_init__(self) -> None:
        if self.max_count < 1:
            raise ConfigError(f"max_count={self.max_count} must be ≥ 1 (Katz's k)")


# --- shared machinery (also used by interpolation and Kneser–Ney) --------------------------


def log10(p: np.ndarray) -> np.ndarray:
    """log10 with log10(0) = −∞ and no warning."""
    with np.errstate(divide="ignore"):
        return np.log10(p)


def per_context(counts: NGramCounts, n: int, values: np.ndarray) -> np.ndarray:
    """Σ of ``values`` over the order-n entries of each context (order n − 1 index)."""
    return np.bincount(
        counts.index.prefix(n), weights=values, minlength=counts.index.size(n - 1)
    ).astype(np.float64)


def assemble(counts: NGramCounts, probs: list[np.ndarray], bows: list[np.ndarray]) -> BackoffLM:
    """A BackoffLM from natural-scale probabilities and backoff weights per order.

    ``bows`` has one array per order below N; order N gets zeros (log10 1). ``<pad>`` and
    ``<s>`` get probability 0 at order 1.
    """
    V = len(counts.vocab)
    unigram = np.where(predictable(V), probs[0], 0.0)
    logprob = (log10(unigram), *(log10(p) for p in probs[1:]))
    backoff = (*(log10(b) for b in bows), np.zeros(counts.index.size(counts.order)))
    return BackoffLM(counts.vocab, counts.index, tuple(logprob), tuple(backoff))


def solve_backoff(
    counts: NGramCounts, n: int, p_seen: np.ndarray, lower: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Backoff weights of the order-(n−1) contexts given the order-n seen probabilities.

    ``p_seen``: P(w | h) of each order-n entry; ``lower``: P(w | h′) of the same entries
    under the finished lower order. Returns ``(p_seen, bow)``; where every vocabulary word
    was seen after h, nothing is left to back off to and the seen probabilities are
    renormalised instead (bow = 1, never used).
    """
    n_vocab = int(predictable(len(counts.vocab)).sum())
    types = per_context(counts, n, np.ones_like(p_seen))  # N1+(h•)
    left = 1.0 - per_context(counts, n, p_seen)
    room = 1.0 - per_context(counts, n, lower)
    full = types >= n_vocab
    prefix = counts.index.prefix(n)
    if full.any():
        p_seen = np.where(full[prefix], p_seen / (1.0 - left)[prefix], p_seen)
    with np.errstate(divide="ignore", invalid="ignore"):
        bow = np.where(types == 0, 1.0, np.where(full, 1.0, np.maximum(left, 0.0) / room))
    return p_seen, bow


def lower_order(probs: list[np.ndarray], counts: NGramCounts, n: int) -> np.ndarray:
    """P(w | h′) of every order-n entry, from the finished order n − 1."""
    return probs[n - 2][counts.index.suffix(n)]


# --- MLE --------------------------------------------------------------------------------


def mle(counts: NGramCounts, config: MaximumLikelihood | None = None) -> BackoffLM:
    """The maximum-likelihood model, P(w | h) = c(h, w) / c(h) (zero for unseen n-grams)."""
    mask = predictable(len(counts.vocab))
    unigram = np.where(mask, counts.counts[0], 0) / counts.tokens
    probs, bows = [unigram], []
    for n in range(2, counts.order + 1):
        c = counts.counts[n - 1].astype(np.float64)
        total = per_context(counts, n, c)  # c(h)
        probs.append(c / total[counts.index.prefix(n)])
        bows.append(np.where(total > 0, 0.0, 1.0))  # nothing left for unseen words
    return assemble(counts, probs, bows)


# --- add-k ------------------------------------------------------------------------------


def add_k(counts: NGramCounts, config: AddK | None = None) -> BackoffLM:
    """Add-k: (c(h, w) + k) / (c(h) + k|V|) for seen words; the rest by backoff."""
    k = (config or AddK()).k
    mask = predictable(len(counts.vocab))
    n_vocab = int(mask.sum())
    unigram = np.where(mask, counts.counts[0] + k, 0.0) / (counts.tokens + k * n_vocab)
    probs, bows = [unigram], []
    for n in range(2, counts.order + 1):
        c = counts.counts[n - 1].astype(np.float64)
        context = per_context(counts, n, c)[counts.index.prefix(n)]
        p_seen = (c + k) / (context + k * n_vocab)
        p_seen, bow = solve_backoff(counts, n, p_seen, lower_order(probs, counts, n))
        probs.append(p_seen)
        bows.append(bow)
    return assemble(counts, probs, bows)


# --- Katz -------------------------------------------------------------------------------


def good_turing_discounts(counts: np.ndarray, max_count: int = 5) -> np.ndarray:
    """Katz's d_r for r = 0 … max_count (d_0 unused, 1 where r is not discounted).

    ``counts``: the counts (≥ 1) of the n-grams of one order. The largest k ≤ max_count
    whose d_1 … d_k all lie in (0, 1] is used; none → no discounting (all 1).
    """
    n_r = np.bincount(counts[counts > 0], minlength=max_count + 2).astype(np.float64)
    d = np.ones(max_count + 1)
    for k in range(max_count, 0, -1):
        if np.any(n_r[1 : k + 2] == 0):
            continue
        common = (k + 1) * n_r[k + 1] / n_r[1]
        if common >= 1.0:
            continue
        r = np.arange(1, k + 1)
        r_star = (r + 1) * n_r[r + 1] / n_r[r]
        d_r = (r_star / r - common) / (1.0 - common)
        if np.all((d_r > 0) & (d_r <= 1)):
            d[1 : k + 1] = d_r
            return d
    log.info("Good–Turing discounts undefined for these counts; not discounting")
    return d


def _discounted(c: np.ndarray, d: np.ndarray) -> np.ndarray:
    return np.where(c < len(d), d[np.minimum(c, len(d) - 1)], 1.0) * c


def katz(counts: NGramCounts, config: Katz | None = None) -> BackoffLM:
    """Katz backoff with Good–Turing discounts (see the module doc for the corner cases)."""
    k = (config or Katz()).max_count
    mask = predictable(len(counts.vocab))
    c1 = np.where(mask, counts.counts[0], 0)
    d = good_turing_discounts(c1, k)
    N = float(c1.sum())
    unigram = _discounted(c1, d) / N
    unseen = mask & (c1 == 0)
    if unseen.any():
        if not np.any((c1 > 0) & (c1 <= k) & (d[np.minimum(c1, k)] < 1)):
            unigram *= N / (N + 1.0)  # nothing discounted: keep 1/(N + 1) for unseen words
        unigram[unseen] = (1.0 - unigram.sum()) / unseen.sum()
    else:
        unigram /= unigram.sum()  # every word seen: the freed mass goes back to all
    probs, bows = [unigram], []
    for n in range(2, counts.order + 1):
        c = counts.counts[n - 1]
        d = good_turing_discounts(c, k)
        prefix = counts.index.prefix(n)
        total = per_context(counts, n, c.astype(np.float64))
        p_seen = _discounted(c, d) / total[prefix]
        freed = per_context(counts, n, (_discounted(c, d) < c).astype(np.float64)) > 0
        p_seen = np.where(freed[prefix], p_seen, p_seen * total[prefix] / (total[prefix] + 1))
        p_seen, bow = solve_backoff(counts, n, p_seen, lower_order(probs, counts, n))
        probs.append(p_seen)
        bows.append(bow)
    return assemble(counts, probs, bows)
