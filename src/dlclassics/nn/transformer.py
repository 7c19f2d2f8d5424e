"""Pre-norm Transformer blocks built on our :class:`MultiHeadAttention` (note 001 §7, §8).

A Transformer layer alternates the two halves of note 001 §7: self-attention, where every
position gathers information from the others, and a position-wise feed-forward network
FFN(x) = W₂ φ(W₁ x + b₁) + b₂ applied to each position alone. Each half is a residual branch.
We use the *pre-norm* arrangement (Xiong et al., 2020; GPT-2)::

    x ← x + Dropout(SelfAttention(LayerNorm₁(x)))
    x ← x + Dropout(FFN(LayerNorm₂(x)))

rather than the original post-norm x ← LayerNorm(x + Sublayer(x)): with the norm inside the
branch the residual path is an identity from input to output, gradients reach the first
layer undiminished, and training is stable without a long learning-rate warm-up. The price is
that the last layer's output is not normalised: **a stack of these blocks needs a final
LayerNorm** before the output projection (the model's job, not the block's).

The decoder layer of an encoder–decoder adds cross-attention between the two (001 §7,
交叉注意力: query from the decoder, key and value from the encoder's memory)::

    x ← x + Dropout(CausalSelfAttention(LayerNorm₁(x)))
    x ← x + Dropout(CrossAttention(LayerNorm₂(x), memory))
    x ← x + Dropout(FFN(LayerNorm₃(x)))

and its self-attention is causal, as auto-regressive generation requires (001 §8): position
t may not read positions after t, which it will not have at generation time.

Activation φ: ReLU for the encoder–decoder layers, as in "Attention Is All You Need" (Vaswani
et al., 2017) and torch's default; GELU for the GPT-style :class:`CausalSelfAttentionBlock`,
as in GPT/GPT-2 (a smooth ReLU that trains slightly better in language models). Both are
selectable with ``activation=``.

Submodules carry the names of ``nn.TransformerEncoderLayer`` / ``nn.TransformerDecoderLayer``
(``self_attn``, ``multihead_attn``, ``linear1``, ``linear2``, ``norm1``…``norm3``), so with the
same activation ``ours.load_state_dict(torch_layer.state_dict())`` works and the two compute
the same function when torch's layer is built with ``norm_first=True, batch_first=True``
(``tests/nn/test_nn_transformer.py``). Remember torch's boolean masks mean True = *blocked*;
ours mean True = may attend.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Literal, overload

import torch.nn.functional as F
from torch import Tensor, nn

from dlclassics.nn.attention import KVCache, MultiHeadAttention
from dlclassics.nn.masks import causal_mask

__all__ = [
    "Activation",
    "CausalSelfAttentionBlock",
    "TransformerDecoderLayer",
    "TransformerDecoderOnlyBlock",
    "TransformerEncoderLayer",
]

Activation = Literal["relu", "gelu"]
_ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "relu": F.relu,
    "gelu": F.gelu,
}  # gelu: the exact erf form, as torch's "gelu"


class _PreNormLayer(nn.Module):
    """Self-attention and feed-forward halves shared by all three layers.

    ``activation`` None = the layer's ``default_activation``; ``fused`` = attention by
    ``F.scaled_dot_product_attention`` (see :class:`MultiHeadAttention`).
    """

    default_activation: ClassVar[Activation] = "relu"

    def __init__(
        self,
        d_model: int,
        heads: int,
        d_ff: int,
        dropout: float = 0.1,
        *,
        activation: Activation | None = None,
        fused: bool = False,
    ) -> None:
        super().__init__()
        activation = activation or self.default_activation
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation={activation!r} must be one of {sorted(_ACTIVATIONS)}")
        self.activation_name = activation
        self._activation = _ACTIVATIONS[activation]
        self.self_attn = MultiHeadAttention(d_model, heads, dropout=dropout, fused=fused)
        self.linear1 = nn.Linear(d_model, d_ff)  # W₁, b₁
        self.dropout = nn.Dropout(dropout)  # inside the FFN, after φ (as torch's layers)
        self.linear2 = nn.Linear(d_ff, d_model)  # W₂, b₂
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)

    def _self_attention(
        self,
        x: Tensor,
        attn_mask: Tensor | None,
        key_padding_mask: Tensor | None,
        cache: KVCache | None,
    ) -> Tensor:
        """x + Dropout(SelfAttention(LayerNorm₁(x)))."""
        h = self.norm1(x)
        a, _ = self.self_attn(
            h, h, h, attn_mask=attn_mask, key_padding_mask=key_padding_mask, cache=cache
        )
        return x + self.dropout1(a)

    def _feed_forward(self, x: Tensor, norm: nn.LayerNorm, dropout: nn.Dropout) -> Tensor:
        """x + Dropout(W₂ φ(W₁ LayerNorm(x) + b₁) + b₂)."""
        h = self.linear1(norm(x))  # (B, T, d_ff)
        return x + dropout(self.linear2(self.dropout(self._activation(h))))


class TransformerEncoderLayer(_PreNormLayer):
    """Pre-norm encoder layer: bidirectional self-attention, then FFN (note 001 §7).

    Equal to ``nn.TransformerEncoderLayer(d_model, heads, d_ff, dropout, activation=…,
    batch_first=True, norm_first=True)`` after ``load_state_dict``.
    """

    def forward(
        self, x: Tensor, *, key_padding_mask: Tensor | None = None, attn_mask: Tensor | None = None
    ) -> Tensor:
        """x (B, S, C) → (B, S, C); ``key_padding_mask`` (B, S) True = padding."""
        x = self._self_attention(x, attn_mask, key_padding_mask, None)
        return self._feed_forward(x, self.norm2, self.dropout2)


class CausalSelfAttentionBlock(_PreNormLayer):
    """GPT-style decoder-only block: causal self-attention, then FFN (note 001 §7, §8).

    ``forward(x)`` applies the causal mask itself. Pass ``attn_mask`` (True = may attend) to
    replace it — it must then include causality if wanted. With a :class:`KVCache` holding
    S_past positions, the T new queries see all cached keys and the causal triangle among
    themselves (``causal_mask(T, offset=S_past)``).

    Same function as ``nn.TransformerEncoderLayer(…, norm_first=True, batch_first=True)``
    called with a causal mask, when both use the same activation (GELU by default here).
    """

    default_activation: ClassVar[Activation] = "gelu"

    def forward(
        self,
        x: Tensor,
        *,
        attn_mask: Tensor | None = None,
        key_padding_mask: Tensor | None = None,
        cache: KVCache | None = None,
    ) -> Tensor:
        """x (B, T, C) → (B, T, C), position t reading positions ≤ t only."""
        if attn_mask is None:
            past = 0 if cache is None else cache.length
            attn_mask = causal_mask(x.shape[1], x.device, offset=past)  # (T, past + T)
        x = self._self_attention(x, attn_mask, key_padding_mask, cache)
        return self._feed_forward(x, self.norm2, self.dropout2)


TransformerDecoderOnlyBlock = CausalSelfAttentionBlock


class TransformerDecoderLayer(_PreNormLayer):
    """Pre-norm decoder layer: causal self-attention, cross-attention, FFN (note 001 §7).

    Equal to ``nn.TransformerDecoderLayer(d_model, heads, d_ff, dropout, activation=…,
    batch_first=True, norm_first=True)`` after ``load_state_dict``.
    """

    def __init__(
        self,
        d_model: int,
        heads: int,
        d_ff: int,
        dropout: float = 0.1,
        *,
        activation: Activation | None = None,
        fused: bool = False,
    ) -> None:
        super().__init__(d_model, heads, d_ff, dropout, activation=activation, fused=fused)
        self.multihead_attn = MultiHeadAttention(d_model, heads, dropout=dropout, fused=fused)
        self.norm3 = nn.LayerNorm(d_model)
        self.dropout3 = nn.Dropout(dropout)

    @overload
    def forward(
        self,
        x: Tensor,
        memory: Tensor,
        *,
        self_mask: Tensor | None = ...,
        memory_padding_mask: Tensor | None = ...,
        need_weights: Literal[False] = ...,
        self_padding_mask: Tensor | None = ...,
        self_cache: KVCache | None = ...,
        memory_cache: KVCache | None = ...,
    ) -> Tensor: ...

    @overload
    def forward(
        self,
        x: Tensor,
        memory: Tensor,
        *,
        self_mask: Tensor | None = ...,
        memory_padding_mask: Tensor | None = ...,
        need_weights: Literal[True],
        self_padding_mask: Tensor | None = ...,
        self_cache: KVCache | None = ...,
        memory_cache: KVCache | None = ...,
    ) -> tuple[Tensor, Tensor]: ...

    def forward(
        self,
        x: Tensor,
        memory: Tensor,
        *,
        self_mask: Tensor | None = None,
        memory_padding_mask: Tensor | None = None,
        need_weights: bool = False,
        self_padding_mask: Tensor | None = None,
        self_cache: KVCache | None = None,
        memory_cache: KVCache | None = None,
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Decode x (B, T, C) against the encoder's ``memory`` (B, S, C).

        Args:
            self_mask: bool (T, T_total), True = may attend; None = the causal mask
                (``causal_mask(T, offset=self_cache.length)`` when a cache is given).
            memory_padding_mask: bool (B, S), True = padding in the source sentence.
            need_weights: also return the cross-attention weights (B, H, T, S), the
                source × target alignment drawn in attention heatmaps.
            self_padding_mask: bool (B, T_total), True = padding in the target (optional:
                with right padding and a causal mask, real tokens never see padding anyway).
            self_cache: :class:`KVCache` for incremental decoding of the self-attention.
            memory_cache: a ``KVCache(static=True)``: memory keys/values projected once.

        Returns:
            x (B, T, C), or ``(x, cross_attention_weights)`` when ``need_weights``.
        """
        if self_mask is None:
            past = 0 if self_cache is None else self_cache.length
            self_mask = causal_mask(x.shape[1], x.device, offset=past)  # (T, past + T)
        x = self._self_attention(x, self_mask, self_padding_mask, self_cache)
        h = self.norm2(x)
        a, weights = self.multihead_attn(
            h,
            memory,
            memory,
            key_padding_mask=memory_padding_mask,
            need_weights=need_weights,
            cache=memory_cache,
        )
        x = x + self.dropout2(a)
        x = self._feed_forward(x, self.norm3, self.dropout3)
        if need_weights:
            assert weights is not None
            return x, weights
        return x
