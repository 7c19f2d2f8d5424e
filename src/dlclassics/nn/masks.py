"""Boolean attention masks, one convention everywhere: **True = may attend**.

Self-attention (note 001 §7) lets every query look at every key. Two situations forbid some
of those looks:

* auto-regression (001 §8): position t must not see positions after t, or the model would
  read the word it is asked to predict — the *causal* mask, a lower triangle;
* batching sentences of different lengths: the padding at the end of a short sentence is not
  a word and must get zero attention — the *padding* mask.

The attention functions in :mod:`dlclassics.nn.attention` take ``attn_mask`` with True = may
attend (the convention of ``F.scaled_dot_product_attention``) and ``key_padding_mask`` with
True = padding (the convention of ``nn.MultiheadAttention``'s key padding mask), so that both
masks read as what they are called::

    >>> causal_mask(3).int()
    tensor([[1, 0, 0],
            [1, 1, 0],
            [1, 1, 1]], dtype=torch.int32)
    >>> padding_mask(torch.tensor([2, 3]), 3)
    tensor([[False, False,  True],
            [False, False, False]])

Beware: ``nn.MultiheadAttention`` and ``nn.Transformer*`` read a *boolean* ``attn_mask`` the
other way round (True = may **not** attend); pass them ``~causal_mask(T)``.
"""

from __future__ import annotations

import torch
from torch import Tensor


def causal_mask(T: int, device: torch.device | str | None = None, *, offset: int = 0) -> Tensor:
    """(T, offset + T) bool: query i may attend key j iff j ≤ offset + i (True = may attend).

    ``offset`` is the number of earlier positions already held in a key/value cache: the T new
    queries sit at absolute positions offset … offset + T − 1 and see every cached key. With
    ``offset=0`` (the default) this is the square lower triangle.
    """
    if T < 0 or offset < 0:
        raise ValueError(f"causal_mask needs T ≥ 0 and offset ≥ 0, got T={T}, offset={offset}")
    return torch.ones(T, offset + T, dtype=torch.bool, device=device).tril(diagonal=offset)


def padding_mask(lengths: Tensor, S: int) -> Tensor:
    """(B, S) bool, True where position s ≥ lengths[b], i.e. where sequence b is padding.

    Sequences are padded at the end (right padding), as the data layer batches them.
    """
    if lengths.dim() != 1:
        raise ValueError(f"lengths must be 1-D (B,), got shape {tuple(lengths.shape)}")
    if lengths.numel() and int(lengths.max()) > S:
        raise ValueError(f"a length {int(lengths.max())} exceeds the padded length S={S}")
    positions = torch.arange(S, device=lengths.device)  # (S,)
    return positions[None, :] >= lengths[:, None]  # (B, S)


def combine_masks(attn_mask: Tensor | None, key_padding_mask: Tensor | None) -> Tensor | None:
    """One mask broadcastable to (B, H, T, S), True = may attend, or None if both are None.

    ``attn_mask`` (True = may attend) is (T, S) or already broadcastable to (B, H, T, S);
    ``key_padding_mask`` (True = padding) is (B, S). A key may be attended when ``attn_mask``
    allows it *and* it is not padding.
    """
    if attn_mask is not None and attn_mask.dtype != torch.bool:
        raise TypeError(
            f"attn_mask must be a bool tensor (True = may attend), got {attn_mask.dtype}"
        )
    if key_padding_mask is None:
        return attn_mask
    if key_padding_mask.dtype != torch.bool or key_padding_mask.dim() != 2:
        raise TypeError(
            "key_padding_mask must be a (B, S) bool tensor (True = padding), got "
            f"{key_padding_mask.dtype} of shape {tuple(key_padding_mask.shape)}"
        )
    keep = ~key_padding_mask[:, None, None, :]  # (B, 1, 1, S)
    return keep if attn_mask is None else attn_mask & keep
