"""Perplexity of a neural LM on a whole split, in the n-gram models' convention.

Every scored token of the split's stream (:mod:`dlclassics.lm.data`: each word and each
unit's ``</s>``, ``<unk>`` as a word) is predicted exactly once, in order, so

    PPL = exp(−(1/N) Σ_t ln p(w_t | w_<t)),     N = words + units,

the same N and the same vocabulary as ``BackoffLM.score`` (kenlm's ``perplexity``); bits
per token = log2 PPL (bits per character at ``--level char``, where ``</s>`` counts as a
character). The stream is cut into ``rows`` contiguous pieces read in parallel; each piece
starts from the state its ``warmup`` preceding tokens give (as in training), then carries the
state across windows of ``window`` tokens, so an RNN sees the whole piece before each word.

:func:`mix` interpolates two models token by token, p = λ p_a + (1 − λ) p_b, with λ fitted by
EM on validation tokens — Bengio et al.'s (2003) mixture of the NNLM with a trigram.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import Tensor

from dlclassics.lm.models.base import LanguageModel

if TYPE_CHECKING:
    from dlclassics.ngram.backoff import BackoffLM

__all__ = ["StreamScore", "fit_mixture", "mix", "ngram_log_probs", "token_log_probs"]


@dataclass(frozen=True)
class StreamScore:
    nll: float  # Σ −ln p over the scored tokens (nats)
    tokens: int  # scored tokens N

    @property
    def perplexity(self) -> float:
        return math.exp(self.nll / self.tokens)

    @property
    def bits_per_token(self) -> float:
        return self.nll / self.tokens / math.log(2)

    @classmethod
    def of(cls, log_probs: Tensor | np.ndarray) -> StreamScore:
        """From the (N,) natural-log probabilities of the scored tokens."""
        return cls(-float(log_probs.sum()), len(log_probs))


def token_log_probs(
    model: LanguageModel,
    stream: Tensor,
    *,
    rows: int = 16,
    window: int = 128,
    warmup: int = 0,
    pad_id: int = 3,
) -> Tensor:
    """(N,) float64 ln p of tokens 1 … N of ``stream`` given everything before (module doc)."""
    N = len(stream) - 1
    rows = max(1, min(rows, N))
    M = -(-N // rows)  # targets per row; the last row is padded
    padded = torch.cat(
        [
            torch.full((warmup,), pad_id, dtype=stream.dtype),
            stream,
            torch.full((rows * M + 1 - len(stream),), pad_id, dtype=stream.dtype),
        ]
    )
    starts = torch.arange(rows) * M + warmup  # padded index of each row's first input
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    out = []
    try:
        with torch.inference_mode():
            state = model.initial_state(rows, device)
            if warmup:
                pre = torch.stack([padded[s - warmup : s] for s in starts.tolist()])
                state = model.advance(pre.to(device), state)
            for a in range(0, M, window):
                L = min(window, M - a)
                idx = starts[:, None] + a + torch.arange(L)  # (rows, L)
                x, y = padded[idx].to(device), padded[idx + 1].to(device)
                nll, state = model.nll(x, y, state)
                out.append(-nll.double().cpu())
    finally:
        model.train(was_training)
    return torch.cat(out, dim=1).reshape(-1)[:N]


def ngram_log_probs(lm: BackoffLM, units: Iterable[Sequence[str]]) -> np.ndarray:
    """(N,) ln p of the same N tokens under an n-gram model (its ``</s>``-counted convention)."""
    from dlclassics.ngram.trie import encode

    parts = []
    for chunk in encode(units, lm.vocab):
        lp = lm.log10_probs(chunk)
        parts.append(lp[chunk.pos > 0])
    return np.concatenate(parts) * math.log(10)


def mix(log_a: Tensor, log_b: Tensor, lam: float) -> Tensor:
    """ln(λ p_a + (1 − λ) p_b), token by token."""
    return torch.logaddexp(log_a + math.log(lam), log_b + math.log1p(-lam))


def fit_mixture(log_a: Tensor, log_b: Tensor, *, iterations: int = 50) -> float:
    """λ maximising Σ ln(λ p_a + (1 − λ) p_b) (EM: λ ← mean posterior of component a)."""
    lam = 0.5
    for _ in range(iterations):
        post = torch.exp(log_a + math.log(lam) - mix(log_a, log_b, lam))
        lam = float(post.mean().clamp(1e-6, 1 - 1e-6))
    return lam
