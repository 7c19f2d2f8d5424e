"""Max and average pooling, forward and backward.

Course note 004 §三.7 池化层: "有些特征屁用没有，给它压缩一波" — pooling shrinks
each feature map by summarising every k×k window with one number, and "Professional 说的选最大的
最好": max pooling is the usual choice. Pooling has no parameters and acts on each channel
separately. With window (kh, kw), stride s and padding p (output size ⌊(n + 2p − f)/s⌋ + 1):

    max:      Y[n, c, i, j] = max_{u,v} X̃[n, c, i·s + u, j·s + v]       (X̃ padded with −∞)
    average:  Y[n, c, i, j] = (1/|window|) Σ_{u,v} X̃[n, c, i·s + u, j·s + v]   (X̃ padded with 0)

The backward pass follows note 004 §二.7 (前向和反向传播的特殊运算结构): a max gate routes the
upstream gradient to the input that won and gives the others 0; an average gives each of the
|window| inputs 1/|window| of it. Overlapping windows (s < k) add their contributions.

**Ties.** When several entries of a window share the maximum, the whole gradient goes to the
*first* of them in row-major order (top row first, left to right) — the one ``np.argmax`` picks.
``torch.nn.functional.max_pool2d`` on the CPU makes the same choice (it scans the window the same
way and replaces the running maximum only on a strictly larger value), so the gradients are equal
even with ties; the tests check both.

Defaults and options as in torch: ``stride`` defaults to the kernel size; padding is at most half
the kernel; ``count_include_pad`` (average only) decides whether padded zeros count in |window|.
No ``ceil_mode`` and no dilation.

>>> x = np.array([[[[1.0, 3, 2, 4], [5, 6, 1, 2], [7, 2, 3, 3], [1, 0, 8, 1]]]])
>>> max_pool2d(x, 2)[0, 0]
array([[6., 4.],
       [7., 8.]])
>>> avg_pool2d(x, 2)[0, 0]
array([[3.75, 2.25],
       [2.5 , 3.75]])
>>> max_pool2d_backward(np.ones((1, 1, 2, 2)), x, 2)[0, 0]
array([[0., 0., 0., 1.],
       [0., 1., 0., 0.],
       [1., 0., 0., 0.],
       [0., 0., 1., 0.]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlclassics.errors import ConfigError
from dlclassics.vision.shapes import conv_output_size, pair
from dlclassics.vision.windows import as_float, pad2d, scatter_windows, sliding_windows, unpad2d

__all__ = [
    "avg_pool2d",
    "avg_pool2d_backward",
    "max_pool2d",
    "max_pool2d_backward",
]

FloatArray = NDArray[np.float64]
IntPair = int | tuple[int, int]
_UNIT = (1, 1)  # pooling windows are not dilated


@dataclass(frozen=True)
class _Pool:
    kernel: tuple[int, int]  # (kh, kw)
    stride: tuple[int, int]  # (sh, sw)
    padding: tuple[int, int]  # (ph, pw)
    out: tuple[int, int]  # (H_out, W_out)


def _setup(
    x: ArrayLike, kernel_size: IntPair, stride: IntPair | None, padding: IntPair
) -> tuple[FloatArray, _Pool]:
    x_ = as_float("x", x, 4, "(N, C, H, W)")
    kernel = pair(kernel_size, "kernel_size")
    s = kernel if stride is None else pair(stride, "stride")
    p = pair(padding, "padding", minimum=0)
    for k_, p_ in zip(kernel, p, strict=True):
        if 2 * p_ > k_:
            raise ConfigError(
                f"pooling padding={p} must be at most half the kernel {kernel}: "
                "otherwise a window could hold only padding"
            )
    out = (
        conv_output_size(x_.shape[2], kernel[0], padding=p[0], stride=s[0]),
        conv_output_size(x_.shape[3], kernel[1], padding=p[1], stride=s[1]),
    )
    return x_, _Pool(kernel, s, p, out)


def _check_grad(grad_out: ArrayLike, x: FloatArray, pool: _Pool) -> FloatArray:
    g = as_float("grad_out", grad_out, 4, "(N, C, H_out, W_out)")
    expected = (*x.shape[:2], *pool.out)
    if g.shape != expected:
        raise ConfigError(f"grad_out must have the output's shape {expected}, got {g.shape}")
    return g


def _backward(grad_windows: FloatArray, x: FloatArray, pool: _Pool) -> FloatArray:
    """Scatter per-window gradients (N, C, H_out, W_out, kh, kw) back onto x's shape."""
    ph, pw = pool.padding
    padded_hw = (x.shape[2] + 2 * ph, x.shape[3] + 2 * pw)
    dxp = scatter_windows(
        grad_windows.transpose(0, 1, 4, 5, 2, 3),  # (N, C, kh, kw, H_out, W_out)
        padded_hw,
        stride=pool.stride,
        dilation=_UNIT,
    )
    return np.ascontiguousarray(unpad2d(dxp, pool.padding))


def _argmax(x: FloatArray, pool: _Pool) -> tuple[FloatArray, NDArray[np.intp]]:
    """Each window's maximum and its flat index u·kw + v (the first one on ties)."""
    N, C = x.shape[:2]
    kh, kw = pool.kernel
    xp = pad2d(x, pool.padding, value=-np.inf)  # padding never wins a max
    windows = sliding_windows(xp, pool.kernel, stride=pool.stride, dilation=_UNIT)
    flat = windows.reshape(N, C, *pool.out, kh * kw)  # (N, C, H_out, W_out, kh·kw)
    idx = flat.argmax(axis=-1)  # (N, C, H_out, W_out); first maximum in row-major order
    return np.take_along_axis(flat, idx[..., None], axis=-1)[..., 0], idx


def max_pool2d(
    x: ArrayLike, kernel_size: IntPair, *, stride: IntPair | None = None, padding: IntPair = 0
) -> FloatArray:
    """Y = the maximum of each window: (N, C, H, W) → (N, C, H_out, W_out)."""
    x_, pool = _setup(x, kernel_size, stride, padding)
    return _argmax(x_, pool)[0]


def max_pool2d_backward(
    grad_out: ArrayLike,
    x: ArrayLike,
    kernel_size: IntPair,
    *,
    stride: IntPair | None = None,
    padding: IntPair = 0,
) -> FloatArray:
    """∂L/∂X: each window's upstream gradient goes to its argmax (first one on ties)."""
    x_, pool = _setup(x, kernel_size, stride, padding)
    g = _check_grad(grad_out, x_, pool)
    kh, kw = pool.kernel
    _, idx = _argmax(x_, pool)
    one_hot = idx[..., None] == np.arange(kh * kw)  # (N, C, H_out, W_out, kh·kw)
    routed = one_hot * g[..., None]  # the window's gradient, all of it at the argmax
    grad_windows = routed.reshape(*g.shape, kh, kw)  # (N, C, H_out, W_out, kh, kw)
    return _backward(grad_windows, x_, pool)


def _window_counts(x: FloatArray, pool: _Pool, count_include_pad: bool) -> FloatArray | float:
    """|window|: kh·kw, or (count_include_pad=False) the number of real pixels in each window."""
    kh, kw = pool.kernel
    if count_include_pad or pool.padding == (0, 0):
        return float(kh * kw)
    ones = pad2d(np.ones((1, 1, *x.shape[2:])), pool.padding)  # 1 on the image, 0 on the padding
    windows = sliding_windows(ones, pool.kernel, stride=pool.stride, dilation=_UNIT)
    return windows.sum(axis=(-2, -1))  # (1, 1, H_out, W_out)


def avg_pool2d(
    x: ArrayLike,
    kernel_size: IntPair,
    *,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    count_include_pad: bool = True,
) -> FloatArray:
    """Y = the mean of each window: (N, C, H, W) → (N, C, H_out, W_out)."""
    x_, pool = _setup(x, kernel_size, stride, padding)
    windows = sliding_windows(
        pad2d(x_, pool.padding), pool.kernel, stride=pool.stride, dilation=_UNIT
    )
    return windows.sum(axis=(-2, -1)) / _window_counts(x_, pool, count_include_pad)


def avg_pool2d_backward(
    grad_out: ArrayLike,
    x: ArrayLike,
    kernel_size: IntPair,
    *,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    count_include_pad: bool = True,
) -> FloatArray:
    """∂L/∂X: each window's upstream gradient is shared equally, 1/|window| to each entry."""
    x_, pool = _setup(x, kernel_size, stride, padding)
    g = _check_grad(grad_out, x_, pool)
    share = g / _window_counts(x_, pool, count_include_pad)  # (N, C, H_out, W_out)
    grad_windows = np.broadcast_to(share[..., None, None], (*g.shape, *pool.kernel))
    return _backward(grad_windows, x_, pool)
