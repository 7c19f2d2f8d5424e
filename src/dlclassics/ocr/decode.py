"""Decoding CTC outputs: best path (greedy) and prefix beam search with shallow fusion.

Note 001 (CTC 解码). The labelling wanted is l* = argmax_l p(l | x), a sum over the many
paths of each labelling (see :mod:`dlclassics.ocr.ctc`), which no decoder finds exactly in
polynomial time in general.

* **Best path** (greedy) takes the most probable path, π*_t = argmax_k y_t^k, and returns
  ℬ(π*). Fast and usually right when the network is confident.
* **Prefix beam search** (Graves 2012 §7.5; Hannun et al. 2014) keeps, for each prefix ℓ
  of a labelling, the probability of the paths of frames 1 … t that collapse to it, split
  by whether they end in a blank, p_b(ℓ), or in ℓ's last label, p_nb(ℓ). From frame t − 1
  to t, with y = y_t:

      p_b(ℓ)    += (p_b(ℓ) + p_nb(ℓ)) · y^∅
      p_nb(ℓ)   += p_nb(ℓ) · y^{ℓ_last}                          (the last label repeated)
      p_nb(ℓ+c) += (p_b(ℓ) + p_nb(ℓ)) · y^c · P_LM(c | ℓ)^λ · e^β    for c ≠ ℓ_last
      p_nb(ℓ+c) += p_b(ℓ) · y^c · P_LM(c | ℓ)^λ · e^β                for c = ℓ_last

  and keeps the ``beam`` most probable prefixes. At the end each prefix gets
  P_LM(</s> | ℓ)^λ. Without the language model (λ = 0, β = 0) and with an unbounded beam,
  the prefix probabilities are exact and the search returns argmax_l p(l | x); with one,
  argmax_l p(l | x) · P_LM(l)^λ · e^{β|l|} — *shallow fusion* of a character n-gram model
  (λ and the insertion bonus β are tuned on validation lines).

Label ids are those of the network's outputs; ``blank`` (0 by default) is never emitted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = ["Beam", "PrefixLM", "best_path", "collapse", "greedy_decode", "prefix_beam_search"]


class PrefixLM(Protocol):
    """A language model over label ids, queried one prefix at a time."""

    def next_log_probs(self, prefix: tuple[int, ...]) -> np.ndarray:
        """(C,) ln P(c | prefix) for every label id c (the blank's entry is ignored)."""
        ...

    def end_log_prob(self, prefix: tuple[int, ...]) -> float:
        """ln P(</s> | prefix): the labelling ends here."""
        ...


def collapse(path: Sequence[int], blank: int = 0) -> list[int]:
    """ℬ: merge repeated labels, then drop blanks — ℬ(a a ∅ a b b) = a a b."""
    out: list[int] = []
    previous = None
    for k in path:
        if k != previous and k != blank:
            out.append(int(k))
        previous = k
    return out


def best_path(log_probs: np.ndarray) -> np.ndarray:
    """(T,) the most probable path π*_t = argmax_k y_t^k of (T, C) log-probabilities."""
    return np.asarray(log_probs).argmax(axis=-1)


def greedy_decode(log_probs: np.ndarray, blank: int = 0) -> list[int]:
    """ℬ(π*): the labelling of the most probable path."""
    return collapse(best_path(log_probs).tolist(), blank)


@dataclass(frozen=True)
class Beam:
    """A decoded labelling and its log score (ln p, plus λ ln P_LM + β|l| when fused)."""

    labels: tuple[int, ...]
    score: float


def _add(a: float, b: float) -> float:
    """ln(e^a + e^b)."""
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    m = max(a, b)
    return m + math.log1p(math.exp(-abs(a - b)))


def prefix_beam_search(
    log_probs: np.ndarray,
    *,
    beam: int = 10,
    blank: int = 0,
    lm: PrefixLM | None = None,
    lm_weight: float = 0.0,
    insertion_bonus: float = 0.0,
    cutoff: float | None = -10.0,
) -> list[Beam]:
    """The ``beam`` best labellings of (T, C) log-probabilities, best first.

    ``cutoff``: at each frame, extend only by labels with ln y_t^c ≥ cutoff (the label of
    the best path is always tried); None tries every label (exact with a large beam).
    """
    lp = np.asarray(log_probs, dtype=np.float64)
    T, C = lp.shape
    fused = lm is not None and lm_weight != 0.0
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, -math.inf)}  # (p_b, p_nb)
    lm_cache: dict[tuple[int, ...], np.ndarray] = {}

    def extension(prefix: tuple[int, ...]) -> np.ndarray:  # (C,) λ ln P_LM(c | ℓ) + β
        if not fused:
            return np.full(C, insertion_bonus)
        if prefix not in lm_cache:
            assert lm is not None
            lm_cache[prefix] = lm_weight * lm.next_log_probs(prefix) + insertion_bonus
        return lm_cache[prefix]

    labels = np.array([c for c in range(C) if c != blank])
    for t in range(T):
        y = lp[t]
        if cutoff is None:
            candidates = labels
        else:
            keep = (y[labels] >= cutoff) | (labels == int(y.argmax()))
            candidates = labels[keep]
        nxt: dict[tuple[int, ...], list[float]] = {}  # ℓ → [ln p_b, ln p_nb] at frame t
        for prefix, (p_b, p_nb) in beams.items():
            total = _add(p_b, p_nb)
            here = nxt.setdefault(prefix, [-math.inf, -math.inf])
            here[0] = _add(here[0], total + y[blank])
            last = prefix[-1] if prefix else None
            if last is not None:
                here[1] = _add(here[1], p_nb + y[last])
            ext = extension(prefix)
            for c in candidates.tolist():
                grown = nxt.setdefault((*prefix, c), [-math.inf, -math.inf])
                through = p_b if c == last else total
                grown[1] = _add(grown[1], through + y[c] + ext[c])
        scored = [(_add(*p), prefix, p) for prefix, p in nxt.items()]
        scored = [s for s in scored if s[0] > -math.inf]  # ℓ+ℓ_last before any blank: p = 0
        scored.sort(key=lambda s: s[0], reverse=True)
        beams = {prefix: (p[0], p[1]) for _, prefix, p in scored[:beam]}
    finals = []
    for prefix, (p_b, p_nb) in beams.items():
        score = _add(p_b, p_nb)
        if fused:
            assert lm is not None
            score += lm_weight * lm.end_log_prob(prefix)
        finals.append(Beam(prefix, score))
    finals.sort(key=lambda b: b.score, reverse=True)
    return finals
