"""Positional encodings: telling self-attention where each token is (note 001 §7).

Self-attention is permutation-equivariant: shuffle the input vectors and the outputs shuffle
the same way, so by itself it cannot tell "狗咬人" from "人咬狗". Note 001 §7 (为A'添加位置信息)
adds a position vector eⁱ to each input, aⁱ + eⁱ, before computing qⁱ, kⁱ, vⁱ. Two choices:

* :class:`SinusoidalPositionalEncoding` — hand-made eⁱ (Vaswani et al., 2017, §3.5)::

      PE(pos, 2i)   = sin(pos / 10000^{2i/d})
      PE(pos, 2i+1) = cos(pos / 10000^{2i/d})

  Each pair of dimensions is a clock with wavelength 2π·10000^{2i/d}, from 2π up to nearly
  2π·10⁴; no parameters, and PE(pos + k) is a fixed rotation of PE(pos), so relative
  offsets are easy to read by a linear map.
* :class:`LearnedPositionalEmbedding` — eⁱ is a trained vector per position (GPT, BERT).

Both add ``PE[offset : offset + T]`` to a (B, T, C) input; ``offset`` is the absolute
position of the first token, for incremental decoding with a key/value cache. Scaling the
token embeddings by √C first (Vaswani et al. §3.4) is left to the model.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["LearnedPositionalEmbedding", "SinusoidalPositionalEncoding", "sinusoidal_table"]


def sinusoidal_table(max_len: int, d_model: int, *, dtype: torch.dtype = torch.float64) -> Tensor:
    """(max_len, d_model) table, PE(pos, 2i) = sin(pos/10000^{2i/d}), PE(pos, 2i+1) = cos(…)."""
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]  # (L, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)  # (⌈d/2⌉,): the 2i of the formula
    angle = pos / 10000.0 ** (two_i / d_model)  # (L, ⌈d/2⌉)
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])  # odd d: the last sin has no cos partner
    return pe.to(dtype)


def _check_span(T: int, offset: int, max_len: int) -> None:
    if offset < 0:
        raise ValueError(f"offset={offset} must be ≥ 0")
    if T + offset > max_len:
        raise ValueError(
            f"positions {offset}…{offset + T - 1} exceed max_len={max_len}: the input has "
            f"T={T} tokens at offset {offset}; build the encoding with a larger max_len or feed "
            "shorter sequences"
        )


class SinusoidalPositionalEncoding(nn.Module):
    """x + PE[offset : offset + T] with the fixed sinusoids of Vaswani et al. (note 001 §7).

    The table is a non-persistent buffer: it follows ``.to(device, dtype)`` but is not saved in
    checkpoints (it is a function of ``max_len`` and ``d_model``).
    """

    pe: Tensor

    def __init__(self, d_model: int, max_len: int = 4096) -> None:
        super().__init__()
        if d_model <= 0 or max_len <= 0:
            raise ValueError(f"d_model={d_model} and max_len={max_len} must be positive")
        self.d_model = d_model
        self.max_len = max_len
        # Computed in float64 (exact to ~1e-16 at large pos), stored in the default dtype.
        self.register_buffer(
            "pe",
            sinusoidal_table(max_len, d_model, dtype=torch.get_default_dtype()),
            persistent=False,
        )

    def forward(self, x: Tensor, offset: int = 0) -> Tensor:
        """x (B, T, C) → x + PE[offset : offset + T] (B, T, C)."""
        T, width = x.shape[-2], x.shape[-1]
        if width != self.d_model:
            raise ValueError(f"input width {width} does not match d_model={self.d_model}")
        _check_span(T, offset, self.max_len)
        return x + self.pe[offset : offset + T].to(x.dtype)  # (B, T, C)


class LearnedPositionalEmbedding(nn.Module):
    """x + E[offset : offset + T] with a trained (max_len, d_model) table E (GPT-2 style).

    ``weight`` is initialised N(0, 0.02²) like GPT-2's position embeddings.
    """

    def __init__(self, max_len: int, d_model: int) -> None:
        super().__init__()
        if d_model <= 0 or max_len <= 0:
            raise ValueError(f"d_model={d_model} and max_len={max_len} must be positive")
        self.d_model = d_model
        self.max_len = max_len
        self.weight = nn.Parameter(torch.empty(max_len, d_model))
        nn.init.normal_(self.weight, std=0.02)

    def forward(self, x: Tensor, offset: int = 0) -> Tensor:
        """x (B, T, C) → x + E[offset : offset + T] (B, T, C)."""
        T, width = x.shape[-2], x.shape[-1]
        if width != self.d_model:
            raise ValueError(f"input width {width} does not match d_model={self.d_model}")
        _check_span(T, offset, self.max_len)
        return x + self.weight[offset : offset + T]  # (B, T, C)
