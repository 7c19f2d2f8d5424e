"""Scaled dot-product attention and multi-head attention, from scratch (note 001 §7).

Note 001 §7 (Self-attention, QKV 机制): every input vector aⁱ is mapped to a query, a key and
a value, qⁱ = W^q aⁱ, kⁱ = W^k aⁱ, vⁱ = W^v aⁱ. Query i scores key j by a dot product, the
scores of one query are normalised by a softmax, and the output is the weighted sum of the
values::

    α_{i,j} = qⁱ · kʲ / √d          (d = size of one query/key)
    α'_{i,j} = exp(α_{i,j}) / Σ_j' exp(α_{i,j'})
    bⁱ = Σ_j α'_{i,j} vʲ

In matrix form, with the vectors as rows, ``O = softmax(Q Kᵀ / √d) V`` and A' =
softmax(Q Kᵀ / √d) is the notes' attention matrix ("A'是含有注意力权重的矩阵"). The √d keeps
the dot products of unit-variance vectors at unit variance, so the softmax does not saturate.
Self-attention takes Q, K, V from the same sequence; cross-attention (the Transformer decoder)
takes Q from the decoder and K, V from the encoder's output ("[Q,(K,V)]").

Multi-head self-attention (001 §7, Multi-head Self-attention): H heads each with their own
W^{q,h}, W^{k,h}, W^{v,h} of size d = C / H attend independently; their outputs b^{i,h} are
concatenated and mixed by W^O: bⁱ = W^O [b^{i,1}; …; b^{i,H}]. All heads' projections are one
(3C, C) matrix, exactly as ``nn.MultiheadAttention`` stores them, so that::

    >>> import torch
    >>> from dlclassics.nn.attention import MultiHeadAttention
    >>> ref = torch.nn.MultiheadAttention(16, 4, batch_first=True)
    >>> ours = MultiHeadAttention(16, 4)
    >>> ours.load_state_dict(ref.state_dict())
    <All keys matched successfully>

and the two then compute the same function (``tests/nn/test_nn_attention.py``).

Masks follow :mod:`dlclassics.nn.masks`: ``attn_mask``/``mask`` True = may attend,
``key_padding_mask`` True = padding. **A query whose every key is masked** (possible with
padding masks) gets all-zero attention weights and a zero output vector (before the output
projection's bias), never NaN — the same as ``F.scaled_dot_product_attention`` in torch ≥ 2.5.

Incremental decoding: generating token t+1 only needs the query of position t, but the keys
and values of all positions ≤ t. :class:`KVCache` keeps the projected keys and values of
earlier steps so each step projects only its new token: O(t) work per step instead of
re-running the whole prefix (O(t²) over a sequence still, but without the redundant
projections and feed-forward layers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlclassics.nn.masks import combine_masks

__all__ = ["KVCache", "MultiHeadAttention", "scaled_dot_product_attention"]


def scaled_dot_product_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: Tensor | None = None,
    dropout_p: float = 0.0,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """softmax(Q Kᵀ / √d) V (note 001 §7), returning ``(out, weights)``.

    Args:
        q: queries (B, H, T, D) — any leading dimensions work, as long as they broadcast.
        k: keys (B, H, S, D).
        v: values (B, H, S, Dv).
        mask: bool, broadcastable to (B, H, T, S); True = query t may attend key s.
        dropout_p: probability of zeroing an attention weight (survivors scaled by 1/(1−p)),
            the attention dropout of Vaswani et al. (2017); 0 at evaluation time.
        generator: source of the dropout noise (the global generator if None).

    Returns:
        out (B, H, T, Dv) and weights (B, H, T, S), the softmax A' *before* dropout (what the
        model attends to, for heatmaps; each row sums to 1). A fully masked row has zero
        weights and a zero output.
    """
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError(f"dropout_p={dropout_p} must be in [0, 1)")
    D = q.shape[-1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(D)  # (B, H, T, S): α_{i,j} = qⁱ·kʲ/√d
    if mask is not None:
        if mask.dtype != torch.bool:
            raise TypeError(f"mask must be a bool tensor (True = may attend), got {mask.dtype}")
        scores = scores.masked_fill(~mask, float("-inf"))
        # A row with no allowed key would be softmax(−∞, …, −∞) = 0/0. Give it finite scores,
        # then zero its weights: such a query reads nothing (out = 0), never NaN.
        has_key = mask.any(dim=-1, keepdim=True)  # (B, H, T, 1)
        scores = scores.masked_fill(~has_key, 0.0)
        weights = torch.softmax(scores, dim=-1).masked_fill(~has_key, 0.0)  # (B, H, T, S)
    else:
        weights = torch.softmax(scores, dim=-1)  # (B, H, T, S): α'
    attended = weights
    if dropout_p > 0.0:
        noise = torch.rand(weights.shape, generator=generator, device=weights.device)
        attended = weights * (noise >= dropout_p).to(weights.dtype) / (1.0 - dropout_p)
    out = attended @ v  # (B, H, T, Dv): bⁱ = Σ_j α'_{i,j} vʲ
    return out, weights


@dataclass
class KVCache:
    """Projected keys and values of the steps decoded so far, for one attention layer.

    ``k`` and ``v`` are (B, H, S_past, D), or None before the first step. A self-attention
    cache grows by the new keys at every call. A ``static`` cache (cross-attention over the
    encoder's memory) is filled on the first call and reused unchanged after it: the memory
    is projected once per sentence, not once per generated token.

    Reorder the batch (beam search) with :meth:`index_select`.
    """

    k: Tensor | None = None
    v: Tensor | None = None
    static: bool = False

    @property
    def length(self) -> int:
        """Number of cached key positions S_past."""
        return 0 if self.k is None else self.k.shape[-2]

    def index_select(self, index: Tensor) -> None:
        """Keep batch rows ``index`` (in that order), e.g. the surviving beams' parents."""
        if self.k is not None and self.v is not None:
            self.k = self.k.index_select(0, index)
            self.v = self.v.index_select(0, index)


class MultiHeadAttention(nn.Module):
    """Multi-head attention (note 001 §7), parameter-compatible with ``nn.MultiheadAttention``.

    Parameters carry torch's names and shapes: ``in_proj_weight`` (3C, C) is W^q, W^k, W^v
    stacked (each (C, C), its rows grouped head by head), ``in_proj_bias`` (3C,), and
    ``out_proj`` the output projection W^O. With ``bias=False`` neither projection has a bias.

    Args:
        d_model: model width C.
        heads: number of heads H; each head has width D = C / H.
        dropout: attention-weight dropout, active in training mode only.
        bias: whether the projections have biases.
        fused: compute the attention with ``F.scaled_dot_product_attention`` (flash/memory-
            efficient kernels on GPU) whenever no weights are requested. Same function, faster;
            the from-scratch path remains the reference and is what ``need_weights`` uses.
    """

    def __init__(
        self,
        d_model: int,
        heads: int,
        *,
        dropout: float = 0.0,
        bias: bool = True,
        fused: bool = False,
    ) -> None:
        super().__init__()
        if heads <= 0 or d_model % heads != 0:
            raise ValueError(f"d_model={d_model} must be divisible by heads={heads}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout={dropout} must be in [0, 1)")
        self.d_model = d_model
        self.heads = heads
        self.head_dim = d_model // heads
        self.dropout = dropout
        self.fused = fused
        self.in_proj_weight = nn.Parameter(torch.empty(3 * d_model, d_model))
        self.in_proj_bias: nn.Parameter | None
        if bias:
            self.in_proj_bias = nn.Parameter(torch.empty(3 * d_model))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's initialisation: Xavier-uniform W^q,k,v (as one matrix), zero biases."""
        nn.init.xavier_uniform_(self.in_proj_weight)
        if self.in_proj_bias is not None:
            nn.init.zeros_(self.in_proj_bias)
        if self.out_proj.bias is not None:
            nn.init.zeros_(self.out_proj.bias)

    def _split_heads(self, x: Tensor) -> Tensor:
        B, L, _ = x.shape
        return x.view(B, L, self.heads, self.head_dim).transpose(1, 2)  # (B, H, L, D)

    def _project(self, x: Tensor, which: int) -> Tensor:
        """x W^{which}ᵀ + b for which ∈ {0: q, 1: k, 2: v}, split into heads."""
        C = self.d_model
        w = self.in_proj_weight[which * C : (which + 1) * C]  # (C, C)
        b = None if self.in_proj_bias is None else self.in_proj_bias[which * C : (which + 1) * C]
        return self._split_heads(F.linear(x, w, b))  # (B, H, L, D)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        *,
        attn_mask: Tensor | None = None,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = False,
        cache: KVCache | None = None,
    ) -> tuple[Tensor, Tensor | None]:
        """Attend from ``query`` (B, T, C) to ``key``/``value`` (B, S, C).

        Args:
            attn_mask: bool (T, S) or broadcastable to (B, H, T, S), True = may attend.
            key_padding_mask: bool (B, S), True = padding (never attended).
            need_weights: also return the per-head weights (B, H, T, S); average over dim 1
                for ``nn.MultiheadAttention``'s default averaged weights.
            cache: keys/values of earlier steps (see :class:`KVCache`). The new keys are
                appended and S counts cached plus new positions: masks must cover all S. For
                a static cache that is already filled, ``key`` and ``value`` are ignored.

        Returns:
            ``(out (B, T, C), weights (B, H, T, S) or None)``.
        """
        B, T, width = query.shape
        if width != self.d_model:
            raise ValueError(f"query has width {width}, expected d_model={self.d_model}")
        q = self._project(query, 0)  # (B, H, T, D)
        if cache is not None and cache.static and cache.k is not None and cache.v is not None:
            k, v = cache.k, cache.v  # (B, H, S, D), projected on the first call
        else:
            k = self._project(key, 1)  # (B, H, S_new, D)
            v = self._project(value, 2)  # (B, H, S_new, D)
            if cache is not None:
                if cache.k is not None and cache.v is not None:
                    k = torch.cat([cache.k, k], dim=-2)  # (B, H, S_past + S_new, D)
                    v = torch.cat([cache.v, v], dim=-2)
                cache.k, cache.v = k, v
        mask = combine_masks(attn_mask, key_padding_mask)  # broadcastable to (B, H, T, S)
        p = self.dropout if self.training else 0.0
        weights: Tensor | None
        if self.fused and not need_weights:
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)
            weights = None
        else:
            out, weights = scaled_dot_product_attention(q, k, v, mask, dropout_p=p)
        out = out.transpose(1, 2).reshape(B, T, width)  # (B, T, H·D): heads concatenated
        return self.out_proj(out), weights if need_weights else None  # W^O [b^{i,1}; …; b^{i,H}]
