"""Decoder-only Transformer language model — note 001, 自注意力 / Transformer / 生成.

Each position attends to itself and the positions before it (causal self-attention), so
the model predicts w_{t+1} from w_≤t with no recurrence (Vaswani et al. 2017; GPT, Radford
et al. 2018):

    z_0 = E[w] (+ PE)                              token embedding + positions (B, T, d)
    z_l = z_{l−1} + MHA(LN(z_{l−1}))  then  z_l + FFN(LN(z_l))     pre-norm blocks
    p(w_{t+1} | w_≤t) = softmax(W LN(z_L)_t + b)

with MHA(X) = Concat_h softmax(Q_h K_hᵀ/√d_k + causal mask) V_h · W_O. The blocks are the
from-scratch ones of :mod:`dlclassics.nn.transformer` (attention: :mod:`dlclassics.nn.attention`,
tested equal to ``F.scaled_dot_product_attention`` and ``nn.MultiheadAttention``); the
positions are the fixed sinusoids of the paper or a learned table (:mod:`dlclassics.nn.positional`).

Context. The model sees at most ``context`` tokens: its state is the last ``context − 1``
tokens read, prepended to the next window (positions are counted from the first token of
that span). Training windows start from an empty state (``warmup`` 0), as GPT trains.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from dlclassics.errors import ConfigError
from dlclassics.lm.models.base import FeatureLM, LMModelConfig, OutputLayer, State
from dlclassics.nn.positional import LearnedPositionalEmbedding, SinusoidalPositionalEncoding
from dlclassics.nn.transformer import CausalSelfAttentionBlock


class TransformerLM(FeatureLM):
    """Token embedding + positions → pre-norm causal blocks → LayerNorm → output layer."""

    def __init__(self, config: LMModelConfig, vocab_size: int) -> None:
        super().__init__()
        if config.embed % config.heads:
            raise ConfigError(f"embed={config.embed} must be divisible by heads={config.heads}")
        self.vocab_size, self.context = vocab_size, config.context
        self.default_warmup = 0
        d = config.embed
        self.embedding = nn.Embedding(vocab_size, d)
        nn.init.normal_(self.embedding.weight, std=0.02)  # GPT-2's scale; PE is O(1)
        self.positions: nn.Module = (
            SinusoidalPositionalEncoding(d, config.context)
            if config.positions == "sinusoidal"
            else LearnedPositionalEmbedding(config.context, d)
        )
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(
            CausalSelfAttentionBlock(d, config.heads, config.ff, config.dropout)
            for _ in range(config.layers)
        )
        self.norm = nn.LayerNorm(d)
        self.head = OutputLayer(d, vocab_size, config, tied=self.embedding if config.tie else None)

    def initial_state(self, batch: int, device: torch.device) -> State:
        return (torch.empty(batch, 0, dtype=torch.long, device=device),)

    def features(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        L = x.shape[1]
        if self.context < L:
            raise ConfigError(f"a window of {L} tokens exceeds the context of {self.context}")
        past = state[0][:, max(0, state[0].shape[1] - (self.context - L)) :]
        full = torch.cat([past, x], dim=1)  # (B, S + L), S + L ≤ context
        z = self.dropout(self.positions(self.embedding(full)))  # (B, S + L, d)
        for block in self.blocks:
            z = block(z)
        h = self.norm(z[:, -L:])  # (B, L, d): the new positions only
        return h, (full[:, max(0, full.shape[1] - (self.context - 1)) :],)

    def advance(self, x: Tensor, state: State) -> State:
        full = torch.cat([state[0], x], dim=1)  # the features are recomputed from tokens
        return (full[:, max(0, full.shape[1] - (self.context - 1)) :],)
