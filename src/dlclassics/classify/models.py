"""Many-to-one text classifiers (note 002, RNN 的类型: many-to-one): a sequence in, one label out.

Every model embeds the tokens, summarises the sequence into one vector s, and scores the
classes with one linear layer: p(y | x) = softmax(V s + c). They differ in how s is made:

**bag** — a bag of embeddings (fastText without n-grams, Joulin et al. 2017): s pools the
embeddings e_t = C(x_t) themselves; word order is lost.

**rnn / lstm / gru** — an encoder reads the sequence, h_t = RNN(e_t, h_{t−1}) (note 002's
recurrence; the LSTM and GRU gates of :mod:`dlclassics.nn.rnn`), optionally in both
directions (h_t = [h→_t ; h←_t]) and in 1–2 stacked layers, and s pools the states h_1 … h_T.

**pooling** over the T real positions (padding never counts):

* ``last`` — the final state, s = h_T (for a bidirectional encoder [h→_T ; h←_1]): the
  notes' many-to-one picture, where the last state must remember the whole text;
* ``max`` — s_j = max_t h_{t,j} (Collobert et al. 2011; Conneau et al. 2017's best encoder);
* ``mean`` — s = (1/T) Σ_t h_t;
* ``attention`` — s = Σ_t α_t h_t with α = softmax_t(u · tanh(W h_t + b) / √d), a learned
  query u scoring each state (Yang et al. 2016's word attention, scaled as note 001 §7's
  attention; computed by :func:`dlclassics.nn.attention.scaled_dot_product_attention`).

``cell="torch"`` runs ``nn.RNN``/``nn.LSTM``/``nn.GRU`` on a packed batch (fast);
``cell="scratch"`` runs the from-scratch layers of :mod:`dlclassics.nn.rnn`, which have the
same parameter names and gate order: a checkpoint loads into either and gives the same scores
(tested).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError
from dlclassics.nn import rnn as scratch
from dlclassics.nn.attention import scaled_dot_product_attention
from dlclassics.nn.masks import padding_mask

ModelName = Literal["bag", "rnn", "lstm", "gru"]
Pooling = Literal["last", "max", "mean", "attention"]
Cell = Literal["torch", "scratch"]
_TORCH = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
_SCRATCH = {"rnn": scratch.RNN, "lstm": scratch.LSTM, "gru": scratch.GRU}


@dataclass(frozen=True, kw_only=True)
class ArchConfig:
    """The shape of a classifier; which model it is comes with it (``Classifier(name, …)``)."""

    embed: int = 128  # embedding size (a pretrained vectors file must match it)
    hidden: int = 128  # encoder state size per direction
    layers: int = 1  # stacked encoder layers (1–2 is what the notes' tasks need)
    bidirectional: bool = True  # read the text both ways: every state sees left and right
    pooling: Pooling = "max"  # how the states become one vector (module docstring)
    dropout: float = 0.3  # on the embeddings and the pooled vector (and between layers)
    cell: Cell = "torch"  # torch's fused layers, or the from-scratch ones (same weights)

    def __post_init__(self) -> None:
        for name in ("embed", "hidden", "layers"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be ≥ 1")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout={self.dropout} must be in [0, 1)")


class AttentionPooling(nn.Module):
    """s = Σ_t α_t h_t, α = softmax_t(u · tanh(W h_t + b) / √d) over the real positions."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.key = nn.Linear(width, width)  # W, b
        self.query = nn.Parameter(torch.randn(width) / math.sqrt(width))  # u

    def forward(self, h: Tensor, lengths: Tensor) -> tuple[Tensor, Tensor]:
        """h (B, T, D), lengths (B,) → pooled (B, D) and weights α (B, T)."""
        B, T, D = h.shape
        k = torch.tanh(self.key(h))[:, None]  # (B, 1, T, D)
        q = self.query.expand(B, 1, 1, D)  # (B, 1, 1, D)
        may_attend = ~padding_mask(lengths, T)[:, None, None, :]  # (B, 1, 1, T)
        out, weights = scaled_dot_product_attention(q, k, h[:, None], mask=may_attend)
        return out[:, 0, 0], weights[:, 0, 0]  # (B, D), (B, T)


def pool(h: Tensor, lengths: Tensor, how: Pooling, directions: int) -> Tensor:
    """Pool h (B, T, D) over each sequence's first ``lengths`` positions → (B, D)."""
    B, T, D = h.shape
    real = ~padding_mask(lengths, T)  # (B, T) True at real tokens
    if how == "max":
        return h.masked_fill(~real[..., None], float("-inf")).amax(dim=1)
    if how == "mean":
        return (h * real[..., None]).sum(dim=1) / lengths[:, None].to(h.dtype)
    assert how == "last", how
    last = h[torch.arange(B, device=h.device), lengths - 1]  # (B, D): the state at T
    if directions == 1:
        return last
    H = D // 2
    return torch.cat([last[:, :H], h[:, 0, H:]], dim=-1)  # [h→_T ; h←_1]


class Classifier(nn.Module):
    """Embedding → (encoder) → pooling → dropout → linear class scores."""

    def __init__(self, model: ModelName, arch: ArchConfig, vocab_size: int, n_classes: int) -> None:
        super().__init__()
        if model not in ("bag", *_TORCH):
            raise ConfigError(f"unknown model {model!r}; choose bag, rnn, lstm or gru")
        if model == "bag" and arch.pooling == "last":
            raise ConfigError(
                "a bag of embeddings has no last state; pass --pooling mean, max or attention"
            )
        self.name, self.arch = model, arch
        c = arch
        self.embedding = nn.Embedding(vocab_size, c.embed, padding_idx=Vocab.pad_id)
        self.dropout = nn.Dropout(c.dropout)
        self.directions = 2 if c.bidirectional and model != "bag" else 1
        self.encoder: nn.Module | None = None
        width = c.embed
        if model != "bag":
            layers = _TORCH if c.cell == "torch" else _SCRATCH
            self.encoder = layers[model](
                c.embed,
                c.hidden,
                c.layers,
                batch_first=True,
                dropout=c.dropout if c.layers > 1 else 0.0,
                bidirectional=c.bidirectional,
            )
            width = c.hidden * self.directions
        self.attention = AttentionPooling(width) if c.pooling == "attention" else None
        self.out = nn.Linear(width, n_classes)  # V, c

    def states(self, ids: Tensor, lengths: Tensor) -> Tensor:
        """The vectors pooling reads: embeddings (bag) or encoder states, (B, T, D)."""
        e = self.dropout(self.embedding(ids))  # (B, T, embed)
        if self.encoder is None:
            return e
        if self.arch.cell == "scratch":
            h, _ = self.encoder(e, lengths=lengths)  # zeros at padding
            return h  # (B, T, D·H)
        packed = pack_padded_sequence(e, lengths.cpu(), batch_first=True, enforce_sorted=False)
        h, _ = self.encoder(packed)
        h, _ = pad_packed_sequence(h, batch_first=True, total_length=ids.shape[1])
        return h  # (B, T, D·H), zeros at padding

    def forward(self, ids: Tensor, lengths: Tensor) -> Tensor:
        """ids (B, T), lengths (B,) → class scores (B, classes)."""
        h = self.states(ids, lengths)
        if self.attention is not None:
            s, _ = self.attention(h, lengths)
        else:
            s = pool(h, lengths, self.arch.pooling, self.directions)
        return self.out(self.dropout(s))  # (B, classes)
