"""Alignment scores: Bahdanau's additive attention and Luong's dot/general/concat scores.

Notes 002 "Attention注意力机制" and 003 "Attention model": at decoder step t the model scores
every memory position s (a source word's encoder state, an image region's feature vector)
against a query (the decoder state), turns the scores into weights with a softmax over the
*real* (non-pad) positions, and reads the context vector as the weighted mean of the memory::

    e_{t,s} = score(q_t, h̄_s)          α_{t,s} = exp(e_{t,s}) / Σ_{s'} exp(e_{t,s'})
    c_t = Σ_s α_{t,s} h̄_s

Scores (a scorer maps a query (…, Q) and the prepared keys (B, S, ·) to (…, S)):

* **additive** (Bahdanau, Cho & Bengio 2015, eq. 6): ``v_aᵀ tanh(W_a s_{t−1} + U_a h_s)``;
* **dot** (Luong, Pham & Manning 2015, eq. 8): ``h_tᵀ h̄_s`` (needs Q = memory size);
* **general** (Luong): ``h_tᵀ W_a h̄_s``;
* **scaled** dot or general (``scaled=True``; Vaswani et al. 2017, eq. 1): the same divided by
  √Q, Q the query size. Unscaled, a bilinear score of two Q-wide vectors grows with Q and
  with the norms that training gives them: trained with Adam, Luong's general score over a
  256-wide bidirectional memory spanned ~100 nats within 150 steps (the softmax one-hot,
  its gradient gone);
* **concat** (Luong): ``v_aᵀ tanh(W_a [h_t; h̄_s])`` — the additive form with W_a split
  into its query and key blocks, evaluated on the current state h_t.

Each scorer's :meth:`prepare` applies the key-side projection once per sequence (``U_a h̄``
or ``W_a h̄``), so a decoding step costs one query projection and one product. The RNN
translators (seq2seq) attend over source words with these; the captioner attends over the
cells of an image (Xu et al. 2015, "Show, Attend and Tell", with Bahdanau's score). The
Transformer's multi-head attention lives in :mod:`dlclassics.nn.attention`.
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

from dlclassics.registry import Registry

ScoreName = Literal["additive", "dot", "general", "concat"]


class Scorer(nn.Module):
    """``score(query, prepare(memory))``: query (B, Q) or (B, T, Q) → scores (B, S) or (B, T, S)."""

    def prepare(self, memory: torch.Tensor) -> torch.Tensor:
        return memory

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError


class AdditiveScore(Scorer):
    """Bahdanau: ``v_aᵀ tanh(W_a q + U_a h_s)``; ``attn_dim`` is the size of the tanh layer."""

    def __init__(self, query_dim: int, memory_dim: int, attn_dim: int) -> None:
        super().__init__()
        self.W = nn.Linear(query_dim, attn_dim, bias=False)
        self.U = nn.Linear(memory_dim, attn_dim)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def prepare(self, memory: torch.Tensor) -> torch.Tensor:
        return self.U(memory)  # (B, S, A)

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        q = self.W(query)  # (B, A) or (B, T, A)
        if q.dim() == 2:
            return self.v(torch.tanh(q.unsqueeze(1) + keys)).squeeze(-1)  # (B, S)
        return self.v(torch.tanh(q.unsqueeze(2) + keys.unsqueeze(1))).squeeze(-1)  # (B, T, S)


class ConcatScore(AdditiveScore):
    """Luong's concat: ``v_aᵀ tanh(W_a [h_t; h̄_s])`` = additive with ``W_a = [W | U]``."""


class DotScore(Scorer):
    """Luong's dot: ``h_tᵀ h̄_s``; ``scaled``: ``h_tᵀ h̄_s / √Q``."""

    def __init__(
        self, query_dim: int, memory_dim: int, attn_dim: int, *, scaled: bool = False
    ) -> None:
        super().__init__()
        if query_dim != memory_dim:
            raise ValueError(f"dot attention needs query_dim={query_dim} == memory={memory_dim}")
        self.scale = query_dim**-0.5 if scaled else 1.0

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        if self.scale != 1.0:
            query = query * self.scale
        if query.dim() == 2:
            return torch.bmm(keys, query.unsqueeze(2)).squeeze(2)  # (B, S)
        return torch.bmm(query, keys.transpose(1, 2))  # (B, T, S)


class GeneralScore(DotScore):
    """Luong's general: ``h_tᵀ W_a h̄_s`` (W_a applied to the keys once per sentence);
    ``scaled``: ``h_tᵀ W_a h̄_s / √Q``."""

    def __init__(
        self, query_dim: int, memory_dim: int, attn_dim: int, *, scaled: bool = False
    ) -> None:
        nn.Module.__init__(self)
        self.W = nn.Linear(memory_dim, query_dim, bias=False)
        self.scale = query_dim**-0.5 if scaled else 1.0

    def prepare(self, memory: torch.Tensor) -> torch.Tensor:
        return self.W(memory)  # (B, S, Q)


SCORES: Registry[type[Scorer]] = Registry("attention score")
SCORES.add("additive", AdditiveScore)
SCORES.add("dot", DotScore)
SCORES.add("general", GeneralScore)
SCORES.add("concat", ConcatScore)


def attend(
    scores: torch.Tensor, memory: torch.Tensor, pad_mask: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Softmax over real source positions, then the context vector.

    scores (B, S) or (B, T, S); memory (B, S, M); pad_mask (B, S) bool, True = padding.
    Returns (context (B, M) or (B, T, M), weights shaped like ``scores``).
    """
    mask = pad_mask if scores.dim() == 2 else pad_mask.unsqueeze(1)
    weights = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)
    if scores.dim() == 2:
        return torch.bmm(weights.unsqueeze(1), memory).squeeze(1), weights  # (B, M)
    return torch.bmm(weights, memory), weights  # (B, T, M)
