"""The Transformer encoder–decoder for translation (note 001 §7, Vaswani et al. 2017).

Note 001 §7: self-attention lets every source word read every other ("我查我自己"), the
decoder's cross-attention takes its queries from the target prefix and keys/values from the
encoder's output ("查别人": [Q, (K, V)]), positions enter as added sinusoids ("为A'添加位置
信息"), and §8 generation is auto-regressive: a causal mask keeps position t from reading
t+1…, so teacher-forced training computes every position's p(y_t | y_<t, x) in one pass::

    E_src = √C · Emb(x) + PE        memory = LN(EncoderLayer^N(E_src))
    E_tgt = √C · Emb(y_<t) + PE     h = LN(DecoderLayer^N(E_tgt, memory))
    p(y_t | y_<t, x) = softmax(h_t Embᵀ)          (output projection tied to Emb)

The layers are the shared pre-norm blocks of :mod:`dlclassics.nn.transformer` (the same
multi-head attention the language models use), so each stack ends in a LayerNorm. Label
smoothing (Szegedy et al. 2016; Vaswani et al. use ε = 0.1) is in the loss, see
:mod:`dlclassics.seq2seq.task`.

Decoding (:meth:`TransformerSeq2Seq.step`) feeds one token at a time and keeps, per layer, a
:class:`~dlclassics.nn.attention.KVCache` of the prefix's self-attention keys/values and a
static one of the memory's projected keys/values, so a step costs O(t) rather than
re-running the prefix. ``step`` returns the last layer's cross-attention weights averaged
over heads, the source × target alignment of the heatmaps.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Self

import torch
from torch import nn

from dlclassics.data.vocab import Vocab
from dlclassics.nn.attention import KVCache
from dlclassics.nn.masks import causal_mask
from dlclassics.nn.positional import SinusoidalPositionalEncoding
from dlclassics.nn.transformer import TransformerDecoderLayer, TransformerEncoderLayer


@dataclass(frozen=True)
class TransformerState:
    memory: torch.Tensor  # (B, S, C) encoder output
    pad_mask: torch.Tensor  # (B, S) bool, True = source padding
    self_caches: tuple[KVCache, ...]  # per decoder layer: keys/values of the prefix
    memory_caches: tuple[KVCache, ...]  # per decoder layer: projected memory (static)
    length: int  # target tokens fed so far (the next position)

    def select(self, index: torch.Tensor) -> Self:
        def pick(cache: KVCache) -> KVCache:
            if cache.k is None or cache.v is None:
                return KVCache(static=cache.static)
            return KVCache(
                cache.k.index_select(0, index), cache.v.index_select(0, index), cache.static
            )

        return dataclasses.replace(
            self,
            memory=self.memory.index_select(0, index),
            pad_mask=self.pad_mask.index_select(0, index),
            self_caches=tuple(pick(c) for c in self.self_caches),
            memory_caches=tuple(pick(c) for c in self.memory_caches),
        )


class TransformerSeq2Seq(nn.Module):
    """``transformer``: N pre-norm encoder and decoder layers, sinusoidal positions."""

    bos, eos, pad = Vocab.bos_id, Vocab.eos_id, Vocab.pad_id

    def __init__(
        self,
        src_vocab: int,
        tgt_vocab: int,
        *,
        d_model: int,
        heads: int,
        d_ff: int,
        layers: int,
        dropout: float,
        max_positions: int,
        tie_embeddings: bool,
    ) -> None:
        super().__init__()
        self.d_model = d_model
        self.src_embed = nn.Embedding(src_vocab, d_model, padding_idx=Vocab.pad_id)
        self.tgt_embed = nn.Embedding(tgt_vocab, d_model, padding_idx=Vocab.pad_id)
        for emb in (self.src_embed, self.tgt_embed):  # N(0, 1/C): √C·Emb has unit scale
            nn.init.normal_(emb.weight, std=d_model**-0.5)
            with torch.no_grad():
                emb.weight[Vocab.pad_id].zero_()
        self.positions = SinusoidalPositionalEncoding(d_model, max_positions)
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.ModuleList(
            TransformerEncoderLayer(d_model, heads, d_ff, dropout) for _ in range(layers)
        )
        self.decoder = nn.ModuleList(
            TransformerDecoderLayer(d_model, heads, d_ff, dropout) for _ in range(layers)
        )
        self.encoder_norm = nn.LayerNorm(d_model)  # pre-norm stacks need a final norm
        self.decoder_norm = nn.LayerNorm(d_model)
        self.out = nn.Linear(d_model, tgt_vocab, bias=False)
        if tie_embeddings:
            self.out.weight = self.tgt_embed.weight

    def _embed(self, emb: nn.Embedding, ids: torch.Tensor, offset: int = 0) -> torch.Tensor:
        return self.drop(self.positions(emb(ids) * math.sqrt(self.d_model), offset))

    def encode(self, src: torch.Tensor, src_lengths: torch.Tensor) -> TransformerState:
        S = src.shape[1]
        pad_mask = torch.arange(S, device=src.device)[None, :] >= src_lengths[:, None]  # (B, S)
        x = self._embed(self.src_embed, src)  # (B, S, C)
        for layer in self.encoder:
            x = layer(x, key_padding_mask=pad_mask)
        n = len(self.decoder)
        return TransformerState(
            memory=self.encoder_norm(x),
            pad_mask=pad_mask,
            self_caches=tuple(KVCache() for _ in range(n)),
            memory_caches=tuple(KVCache(static=True) for _ in range(n)),
            length=0,
        )

    def forward(
        self, src: torch.Tensor, src_lengths: torch.Tensor, tgt_in: torch.Tensor
    ) -> torch.Tensor:
        """Teacher forcing: logits (B, T, V), position t sees tgt_in[:, :t+1] only."""
        state = self.encode(src, src_lengths)
        T = tgt_in.shape[1]
        y = self._embed(self.tgt_embed, tgt_in)  # (B, T, C)
        mask = causal_mask(T, tgt_in.device)  # (T, T), True = may attend
        for layer in self.decoder:
            y = layer(y, state.memory, self_mask=mask, memory_padding_mask=state.pad_mask)
        return self.out(self.decoder_norm(y))  # (B, T, V)

    def step(
        self, tokens: torch.Tensor, state: TransformerState
    ) -> tuple[torch.Tensor, TransformerState, torch.Tensor | None]:
        # fresh cache objects: the layers append to them, the caller's state stays as it was
        self_caches = tuple(KVCache(c.k, c.v) for c in state.self_caches)
        memory_caches = tuple(KVCache(c.k, c.v, static=True) for c in state.memory_caches)
        y = self._embed(self.tgt_embed, tokens.unsqueeze(1), offset=state.length)  # (B, 1, C)
        weights = torch.empty(0)
        for layer, sc, mc in zip(self.decoder, self_caches, memory_caches, strict=True):
            y, weights = layer(
                y,
                state.memory,
                memory_padding_mask=state.pad_mask,
                need_weights=True,
                self_cache=sc,
                memory_cache=mc,
            )
        logits = self.out(self.decoder_norm(y[:, 0]))  # (B, V)
        new = dataclasses.replace(
            state, self_caches=self_caches, memory_caches=memory_caches, length=state.length + 1
        )
        return torch.log_softmax(logits, dim=-1), new, weights[:, :, 0].mean(dim=1)  # (B, S)
