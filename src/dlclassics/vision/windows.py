"""Sliding windows over feature maps, and their adjoint: the machinery conv and pooling share.

A layer that reads windows — a convolution (note 004 §三.6, the same filter slid over every
position) or a pooling layer (§三.7) — reads, for output (i, j) and kernel offset (u, v),

    X̃[n, c, i·s + u·d, j·s + v·d]        (X̃ = X padded with p pixels on each side).

:func:`sliding_windows` gives all of these at once as a strided view, without copying;
:func:`scatter_windows` is its adjoint, which backpropagation needs: it adds each window's
gradient back onto the pixels the window read, so that pixels shared by overlapping windows
receive the sum of their gradients.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

from dlclassics.errors import ConfigError

__all__ = ["as_float", "pad2d", "scatter_windows", "sliding_windows", "unpad2d"]

FloatArray = NDArray[np.float64]


def as_float(name: str, a: ArrayLike, ndim: int, layout: str) -> FloatArray:
    """``a`` as a float64 array with ``ndim`` axes, or a ConfigError naming the expected layout."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim != ndim:
        raise ConfigError(f"{name} must have shape {layout}, got shape {arr.shape}")
    return arr


def pad2d(x: FloatArray, padding: tuple[int, int], value: float = 0.0) -> FloatArray:
    """(N, C, H, W) → (N, C, H + 2·ph, W + 2·pw), the border filled with ``value``."""
    ph, pw = padding
    if ph == pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def unpad2d(x: FloatArray, padding: tuple[int, int]) -> FloatArray:
    """The inverse of :func:`pad2d`: a view without the (ph, pw) border."""
    ph, pw = padding
    H, W = x.shape[2] - 2 * ph, x.shape[3] - 2 * pw
    return x[:, :, ph : ph + H, pw : pw + W]


def sliding_windows(
    xp: FloatArray, kernel: tuple[int, int], *, stride: tuple[int, int], dilation: tuple[int, int]
) -> FloatArray:
    """A read-only view (N, C, H_out, W_out, kh, kw) of every window of an (already padded) xp.

    Entry [n, c, i, j, u, v] is xp[n, c, i·s + u·d, j·s + v·d]; nothing is copied.
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    extent = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)  # pixels a dilated window spans
    every = sliding_window_view(xp, extent, axis=(2, 3))  # (N, C, Hp−eh+1, Wp−ew+1, eh, ew)
    return every[:, :, ::sh, ::sw, ::dh, ::dw]  # (N, C, H_out, W_out, kh, kw)


def scatter_windows(
    grad_windows: FloatArray,
    padded_hw: tuple[int, int],
    *,
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> FloatArray:
    """The adjoint of :func:`sliding_windows`: add each window's gradient back where it was read.

    ``grad_windows`` is (N, C, kh, kw, H_out, W_out); returns (N, C, Hp, Wp). One strided
    addition per kernel offset (u, v), so overlapping windows accumulate without ``np.add.at``.
    """
    N, C, kh, kw, H_out, W_out = grad_windows.shape
    (sh, sw), (dh, dw) = stride, dilation
    out = np.zeros((N, C, *padded_hw))
    for u in range(kh):
        for v in range(kw):
            rows = slice(u * dh, u * dh + sh * (H_out - 1) + 1, sh)
            cols = slice(v * dw, v * dw + sw * (W_out - 1) + 1, sw)
            out[:, :, rows, cols] += grad_windows[:, :, u, v]  # (N, C, H_out, W_out)
    return out
