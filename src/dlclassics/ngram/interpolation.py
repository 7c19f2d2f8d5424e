"""Linear interpolation (Jelinek & Mercer 1980) with weights tuned on held-out text by EM.

Note 002's smoothing (平滑) by mixing orders: the maximum-likelihood estimates of every
order, each weighted by λ_n,

    P_n(w | h) = λ_n · c(h, w) / c(h) + (1 − λ_n) · P_{n−1}(w | h′)     if c(h) > 0
               = P_{n−1}(w | h′)                                       if c(h) = 0
    P_0(w)     = 1 / |V|

(h′ drops the oldest word of h; V: every word, ``<unk>`` and ``</s>``). The λ_n are not
learned on the training text — there the highest order always wins — but on held-out
sentences, by expectation–maximisation: each scored token chose, at level n, either the
maximum-likelihood term (prob. λ_n P_ML / P_n) or the level below; λ_n becomes the
fraction of tokens reaching level n that chose it. Each EM step cannot lower the held-out
likelihood. λ_n is kept in [1e-6, 1 − 1e-6] so that every word keeps a positive
probability.

In backoff form, P_n(w | h) is listed for seen (h, w) and bow(h) = 1 − λ_n.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from dlclassics.errors import ConfigError
from dlclassics.ngram.backoff import BackoffLM
from dlclassics.ngram.counts import NGramCounts, predictable
from dlclassics.ngram.smoothing import assemble, per_context
from dlclassics.ngram.trie import encode

__all__ = ["Interpolated", "interpolated", "tune_weights"]

log = logging.getLogger(__name__)

LAMBDA_RANGE = (1e-6, 1 - 1e-6)  # keeps every word's probability positive


@dataclass(frozen=True, kw_only=True)
class Interpolated:
    lambdas: tuple[float, ...] | None = None  # λ_1 … λ_N; None: tuned by EM on held-out text
    max_iter: int = 200  # EM iterations at most
    tol: float = 1e-7  # stop when the held-out log10-likelihood gains less, per token

    def __post_init__(self) -> None:
        if self.lambdas is not None and not all(0 <= x <= 1 for x in self.lambdas):
            raise ConfigError(f"lambdas={self.lambdas} must lie in [0, 1]")


def _ml_tables(counts: NGramCounts) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per order: P_ML of each entry, and c(h) of each order-(n−1) context."""
    mask = predictable(len(counts.vocab))
    unigram = np.where(mask, counts.counts[0], 0) / counts.tokens
    ml, totals = [unigram], [np.array([float(counts.tokens)])]
    for n in range(2, counts.order + 1):
        c = counts.counts[n - 1].astype(np.float64)
        total = per_context(counts, n, c)
        ml.append(c / total[counts.index.prefix(n)])
        totals.append(total)
    return ml, totals


def tune_weights(
    counts: NGramCounts,
    held_out: Iterable[Sequence[str]],
    *,
    max_iter: int = 200,
    tol: float = 1e-7,
) -> tuple[float, ...]:
    """λ_1 … λ_N maximising the likelihood of ``held_out`` sentences (EM, see module doc)."""
    N = counts.order
    n_vocab = int(predictable(len(counts.vocab)).sum())
    ml_table, totals = _ml_tables(counts)
    ml_cols, seen_cols = [], []
    for chunk in encode(held_out, counts.vocab):
        scored = chunk.pos > 0
        ending = counts.index.ending_at(chunk)
        ml_n, seen_n = [], []
        for n in range(1, N + 1):
            if n == 1:
                seen = np.ones(len(chunk.ids), dtype=bool)
                ml = ml_table[0][chunk.ids]
            else:
                context = np.full(len(chunk.ids), -1, dtype=np.int64)
                context[1:] = ending[n - 2][:-1]
                context[chunk.pos < n - 1] = -1
                seen = context >= 0
                seen[seen] = totals[n - 1][context[seen]] > 0
                hit = ending[n - 1] >= 0
                ml = np.zeros(len(chunk.ids))
                ml[hit] = ml_table[n - 1][ending[n - 1][hit]]
            ml_n.append(ml[scored])
            seen_n.append(seen[scored])
        ml_cols.append(np.stack(ml_n))
        seen_cols.append(np.stack(seen_n))
    if not ml_cols or sum(m.shape[1] for m in ml_cols) == 0:
        raise ConfigError("the held-out text for tuning λ is empty; give a non-empty --valid")
    ML = np.concatenate(ml_cols, axis=1)  # (N, T) P_ML at each level for each held-out token
    seen = np.concatenate(seen_cols, axis=1)  # (N, T) whether level n's context was seen
    T = ML.shape[1]
    lam = np.full(N, 0.5)
    previous = -np.inf
    for step in range(max_iter):
        P = np.empty((N + 1, T))  # P[n]: the level-n mixture at each token
        P[0] = 1.0 / n_vocab
        for n in range(1, N + 1):
            mixed = lam[n - 1] * ML[n - 1] + (1 - lam[n - 1]) * P[n - 1]
            P[n] = np.where(seen[n - 1], mixed, P[n - 1])
        loglik = float(np.log10(P[N]).sum())
        reach = np.ones(T)  # posterior that the token reached level n (E-step, old λ)
        new = lam.copy()
        for n in range(N, 0, -1):
            s = seen[n - 1]
            chose = reach * lam[n - 1] * ML[n - 1] / P[n]  # ... and took P_ML there
            down = reach * (1 - lam[n - 1]) * P[n - 1] / P[n]  # ... and went below
            if s.any():
                new[n - 1] = chose[s].sum() / reach[s].sum()  # M-step
            reach = np.where(s, down, reach)
        lam = np.clip(new, *LAMBDA_RANGE)
        log.debug("EM step %d: held-out log10-likelihood %.4f, λ = %s", step, loglik, lam)
        if loglik - previous < tol * T:
            break
        previous = loglik
    return tuple(float(x) for x in lam)


def interpolated(
    counts: NGramCounts,
    config: Interpolated | None = None,
    *,
    held_out: Iterable[Sequence[str]] | None = None,
) -> BackoffLM:
    """Jelinek–Mercer interpolation; λ from ``config.lambdas`` or EM on ``held_out``."""
    config = config or Interpolated()
    if config.lambdas is not None:
        if len(config.lambdas) != counts.order:
            raise ConfigError(
                f"lambdas has {len(config.lambdas)} values; give one per order (N={counts.order})"
            )
        lam = tuple(float(np.clip(x, *LAMBDA_RANGE)) for x in config.lambdas)
    elif held_out is None:
        raise ConfigError(
            "interpolation weights are tuned on held-out text; pass held_out sentences "
            "(`--valid FILE` on the command line) or fixed lambdas"
        )
    else:
        lam = tune_weights(counts, held_out, max_iter=config.max_iter, tol=config.tol)
    log.debug("interpolation weights λ_1 … λ_N: %s", lam)
    n_vocab = int(predictable(len(counts.vocab)).sum())
    ml, totals = _ml_tables(counts)
    probs = [lam[0] * ml[0] + (1 - lam[0]) / n_vocab]
    bows = []
    for n in range(2, counts.order + 1):
        lower = probs[n - 2][counts.index.suffix(n)]
        probs.append(lam[n - 1] * ml[n - 1] + (1 - lam[n - 1]) * lower)
        bows.append(np.where(totals[n - 1] > 0, 1 - lam[n - 1], 1.0))
    return assemble(counts, probs, bows)
