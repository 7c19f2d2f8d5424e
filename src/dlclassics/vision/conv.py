"""2-D convolution from scratch: a loop version to read, an im2col version to use.

Course note 004 §三.2 PROCESS and §三.3 特征图: for every position of the window,
"R .* F1核1 + G .* F1核2 + B .* F1核3 + 偏置 = Output volumes[1, 1, 1]" — a filter spans all
C_in input channels (note 003 · 三维卷积, "3D convolution"), and C_out filters give C_out output
channels ("多个filter可以理解为同时进行水平边缘检测和垂直边缘检测"). §三.5.1 步长 is the stride s,
§三.5.3 边缘填充 the zero padding p; §三.6 Calculate Process: the same filter is used at every
position (参数共享). With dilation d the filter's taps are d pixels apart. In index form,

    Y[n, o, i, j] = b[o] + Σ_c Σ_u Σ_v  W[o, c, u, v] · X̃[n, c, i·s + u·d, j·s + v·d]

where X̃ is X padded with p zeros on each side, and the output has ⌊(n + 2p − d·(f − 1) − 1)/s⌋ + 1
rows and columns (:mod:`dlclassics.vision.shapes`). Backpropagating an upstream gradient G = ∂L/∂Y:

    ∂L/∂b[o]          = Σ_{n,i,j} G[n, o, i, j]
    ∂L/∂W[o, c, u, v] = Σ_{n,i,j} G[n, o, i, j] · X̃[n, c, i·s + u·d, j·s + v·d]
    ∂L/∂X̃[n, c, a, e] = Σ_{o,i,j,u,v : i·s+u·d = a, j·s+v·d = e} G[n, o, i, j] · W[o, c, u, v]

and ∂L/∂X is ∂L/∂X̃ without its padding border.

**Convolution vs cross-correlation** (note 003 · 卷积运算(数学意义)). The formula above, like
``torch.nn.functional.conv2d`` and every deep-learning library, *slides the filter as it is*: that
is cross-correlation. Convolution in the mathematical sense first flips the kernel — "先左右翻转，
再上下翻转" — and then cross-correlates. Since the filter is learned, the flip makes no difference
to what a network can represent, and deep learning calls cross-correlation "convolution".
:func:`cross_correlate2d` and :func:`convolve2d` write out both definitions on one 2-D image,

    cross-correlation   S(i, j) = Σ_m Σ_n I(i + m, j + n) · K(m, n)
    convolution         S(i, j) = Σ_m Σ_n I(i − m, j − n) · K(m, n),

and ``convolve2d(I, K) == cross_correlate2d(I, flip_kernel(K))``.

Two implementations, tested equal to ``torch.nn.functional.conv2d`` (values and gradients):

* :func:`conv2d_naive` / :func:`conv2d_naive_backward`: loops over (n, o, i, j), one window at a
  time — the formula, line for line.
* :func:`conv2d` / :func:`conv2d_backward`: **im2col**. Every window X̃[n, :, i·s + u·d, j·s + v·d]
  becomes one column of a matrix of shape (C_in·kh·kw, H_out·W_out) per image (the layout of
  ``torch.nn.functional.unfold``), so the whole layer is one matrix product with the filters
  flattened to (C_out, C_in·kh·kw). The backward pass is two more products; ∂L/∂X̃ scatter-adds the
  column gradients back onto the image (**col2im**, the layout of ``torch.nn.functional.fold``),
  one kernel offset (u, v) at a time.

>>> x = np.arange(16.0).reshape(1, 1, 4, 4)
>>> w = np.ones((1, 1, 2, 2))
>>> conv2d(x, w, stride=2)[0, 0]            # sums of the four 2×2 blocks
array([[10., 18.],
       [42., 50.]])
>>> conv2d(x, np.ones((2, 1, 3, 3)), padding="same").shape    # 2 filters, size kept
(1, 2, 4, 4)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlclassics.errors import ConfigError
from dlclassics.vision.shapes import Padding, conv2d_output_shape, pair, resolve_padding
from dlclassics.vision.windows import as_float, pad2d, scatter_windows, sliding_windows, unpad2d

__all__ = [
    "Conv2dGrads",
    "col2im",
    "conv2d",
    "conv2d_backward",
    "conv2d_naive",
    "conv2d_naive_backward",
    "convolve2d",
    "cross_correlate2d",
    "flip_kernel",
    "im2col",
]

FloatArray = NDArray[np.float64]
IntPair = int | tuple[int, int]


class Conv2dGrads(NamedTuple):
    """Gradients of the loss with respect to the layer's input, weight and bias."""

    dx: FloatArray  # (N, C_in, H, W)
    dw: FloatArray  # (C_out, C_in, kh, kw)
    db: FloatArray  # (C_out,)


@dataclass(frozen=True)
class _Geometry:
    """Everything about a conv2d call except the numbers: sizes, stride, padding, dilation."""

    kernel: tuple[int, int]  # (kh, kw)
    stride: tuple[int, int]  # (sh, sw)
    padding: tuple[int, int]  # (ph, pw), zeros on each side
    dilation: tuple[int, int]  # (dh, dw)
    out: tuple[int, int]  # (H_out, W_out)

    def window(self, i: int, j: int) -> tuple[slice, slice]:
        """Rows and columns of X̃ that output (i, j) reads: i·s + u·d for u = 0..kh−1."""
        (sh, sw), (dh, dw), (kh, kw) = self.stride, self.dilation, self.kernel
        rows = slice(i * sh, i * sh + dh * (kh - 1) + 1, dh)
        cols = slice(j * sw, j * sw + dw * (kw - 1) + 1, dw)
        return rows, cols


def _setup(
    x: ArrayLike,
    w: ArrayLike,
    b: ArrayLike | None,
    stride: IntPair,
    padding: Padding,
    dilation: IntPair,
) -> tuple[FloatArray, FloatArray, FloatArray, _Geometry]:
    """Check and convert the arguments of a conv2d call; b = 0 when it is None."""
    x_ = as_float("x", x, 4, "(N, C_in, H, W)")
    w_ = as_float("w", w, 4, "(C_out, C_in, kh, kw)")
    _, C_out, H_out, W_out = conv2d_output_shape(
        x_.shape, w_.shape, stride=stride, padding=padding, dilation=dilation
    )
    b_ = np.zeros(C_out) if b is None else np.asarray(b, dtype=np.float64)
    if b_.shape != (C_out,):
        raise ConfigError(f"b must have shape (C_out,) = ({C_out},), got shape {b_.shape}")
    kernel = (w_.shape[2], w_.shape[3])
    s, d = pair(stride, "stride"), pair(dilation, "dilation")
    geo = _Geometry(
        kernel, s, resolve_padding(padding, kernel, stride=s, dilation=d), d, (H_out, W_out)
    )
    return x_, w_, b_, geo


def _check_grad_out(grad_out: ArrayLike, shape: tuple[int, ...]) -> FloatArray:
    g = as_float("grad_out", grad_out, 4, "(N, C_out, H_out, W_out)")
    if g.shape != shape:
        raise ConfigError(f"grad_out must have the output's shape {shape}, got shape {g.shape}")
    return g


# --- the loop version: read this one ---------------------------------------------------------


def conv2d_naive(
    x: ArrayLike,
    w: ArrayLike,
    b: ArrayLike | None = None,
    *,
    stride: IntPair = 1,
    padding: Padding = 0,
    dilation: IntPair = 1,
) -> FloatArray:
    """Y[n, o, i, j] = b[o] + Σ W[o] ⊙ (window of X̃ at (i, j)), one window at a time.

    ``x`` is (N, C_in, H, W), ``w`` is (C_out, C_in, kh, kw), ``b`` is (C_out,) or None; returns
    (N, C_out, H_out, W_out). Slow: for reading and for testing :func:`conv2d` on small inputs.
    """
    x_, w_, b_, geo = _setup(x, w, b, stride, padding, dilation)
    N, C_out = x_.shape[0], w_.shape[0]
    H_out, W_out = geo.out
    xp = pad2d(x_, geo.padding)  # X̃: (N, C_in, H + 2ph, W + 2pw)
    y = np.empty((N, C_out, H_out, W_out))
    for n in range(N):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    rows, cols = geo.window(i, j)
                    window = xp[n, :, rows, cols]  # (C_in, kh, kw): the filter spans every channel
                    y[n, o, i, j] = np.sum(window * w_[o]) + b_[o]
    return y


def conv2d_naive_backward(
    grad_out: ArrayLike,
    x: ArrayLike,
    w: ArrayLike,
    *,
    stride: IntPair = 1,
    padding: Padding = 0,
    dilation: IntPair = 1,
) -> Conv2dGrads:
    """(∂L/∂X, ∂L/∂W, ∂L/∂b) from G = ∂L/∂Y, one window at a time.

    Each output Y[n, o, i, j] = Σ W[o] ⊙ window + b[o] sends G[n, o, i, j]·W[o] back to its window
    of X̃, G[n, o, i, j]·window to W[o] and G[n, o, i, j] to b[o]; overlapping windows add up.
    """
    x_, w_, _, geo = _setup(x, w, None, stride, padding, dilation)
    N, C_out = x_.shape[0], w_.shape[0]
    H_out, W_out = geo.out
    g = _check_grad_out(grad_out, (N, C_out, H_out, W_out))
    xp = pad2d(x_, geo.padding)
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w_)
    for n in range(N):
        for o in range(C_out):
            for i in range(H_out):
                for j in range(W_out):
                    rows, cols = geo.window(i, j)
                    dxp[n, :, rows, cols] += g[n, o, i, j] * w_[o]
                    dw[o] += g[n, o, i, j] * xp[n, :, rows, cols]
    return Conv2dGrads(np.ascontiguousarray(unpad2d(dxp, geo.padding)), dw, g.sum(axis=(0, 2, 3)))


# --- im2col and col2im ------------------------------------------------------------------------


def im2col(
    x: ArrayLike,
    kernel_size: IntPair,
    *,
    stride: IntPair = 1,
    padding: Padding = 0,
    dilation: IntPair = 1,
) -> FloatArray:
    """Windows of x (N, C, H, W) as columns: (N, C·kh·kw, H_out·W_out), as ``F.unfold``.

    Row c·kh·kw + u·kw + v of column i·W_out + j holds X̃[n, c, i·s + u·d, j·s + v·d].
    """
    x_ = as_float("x", x, 4, "(N, C, H, W)")
    N, C = x_.shape[:2]
    kernel = pair(kernel_size, "kernel_size")
    _, _, H_out, W_out = conv2d_output_shape(
        x_.shape, (1, C, *kernel), stride=stride, padding=padding, dilation=dilation
    )
    s, d = pair(stride, "stride"), pair(dilation, "dilation")
    xp = pad2d(x_, resolve_padding(padding, kernel, stride=s, dilation=d))
    windows = sliding_windows(xp, kernel, stride=s, dilation=d)  # (N, C, H_out, W_out, kh, kw)
    cols = np.empty((N, C, *kernel, H_out, W_out))  # a fresh array: never a view of x
    cols[...] = windows.transpose(0, 1, 4, 5, 2, 3)  # (N, C, kh, kw, H_out, W_out)
    return cols.reshape(N, C * kernel[0] * kernel[1], H_out * W_out)  # (N, C·kh·kw, L)


def col2im(
    cols: ArrayLike,
    output_size: IntPair,
    kernel_size: IntPair,
    *,
    stride: IntPair = 1,
    padding: Padding = 0,
    dilation: IntPair = 1,
) -> FloatArray:
    """The adjoint of :func:`im2col`: (N, C·kh·kw, L) → (N, C, H, W), summing overlaps (``F.fold``).

    ``output_size`` is the image's (H, W) before padding.
    """
    cols_ = as_float("cols", cols, 3, "(N, C·kh·kw, L)")
    (H, W), (kh, kw) = pair(output_size, "output_size"), pair(kernel_size, "kernel_size")
    N, K, _ = cols_.shape
    if K % (kh * kw):
        raise ConfigError(f"cols has {K} rows, not a multiple of kh·kw = {kh * kw}")
    C = K // (kh * kw)
    _, _, H_out, W_out = conv2d_output_shape(
        (N, C, H, W), (1, C, kh, kw), stride=stride, padding=padding, dilation=dilation
    )
    if cols_.shape[2] != H_out * W_out:
        raise ConfigError(
            f"cols has L={cols_.shape[2]} columns but a {H}×{W} image has "
            f"H_out·W_out = {H_out * W_out} windows: check output_size, kernel, stride, padding"
        )
    s, d = pair(stride, "stride"), pair(dilation, "dilation")
    ph, pw = resolve_padding(padding, (kh, kw), stride=s, dilation=d)
    grad_windows = cols_.reshape(N, C, kh, kw, H_out, W_out)
    dxp = scatter_windows(grad_windows, (H + 2 * ph, W + 2 * pw), stride=s, dilation=d)
    return np.ascontiguousarray(unpad2d(dxp, (ph, pw)))


# --- the im2col version: use this one --------------------------------------------------------


def conv2d(
    x: ArrayLike,
    w: ArrayLike,
    b: ArrayLike | None = None,
    *,
    stride: IntPair = 1,
    padding: Padding = 0,
    dilation: IntPair = 1,
) -> FloatArray:
    """Y = W_flat · im2col(X) + b, per image: (N, C_in, H, W) → (N, C_out, H_out, W_out).

    Same arguments and result as :func:`conv2d_naive` and ``torch.nn.functional.conv2d``
    (cross-correlation; ``padding`` may be an int, (ph, pw), ``"valid"`` or ``"same"``).
    """
    x_, w_, b_, geo = _setup(x, w, b, stride, padding, dilation)
    N, C_out = x_.shape[0], w_.shape[0]
    cols = im2col(x_, geo.kernel, stride=geo.stride, padding=geo.padding, dilation=geo.dilation)
    y = w_.reshape(C_out, -1) @ cols  # (C_out, C_in·kh·kw) @ (N, C_in·kh·kw, L) → (N, C_out, L)
    y += b_[:, None]
    return y.reshape(N, C_out, *geo.out)  # (N, C_out, H_out, W_out)


def conv2d_backward(
    grad_out: ArrayLike,
    x: ArrayLike,
    w: ArrayLike,
    *,
    stride: IntPair = 1,
    padding: Padding = 0,
    dilation: IntPair = 1,
) -> Conv2dGrads:
    """(∂L/∂X, ∂L/∂W, ∂L/∂b) from G = ∂L/∂Y with im2col (the columns are recomputed from x).

    With G_n = G[n] as (C_out, L) and cols_n = im2col(X)[n] as (C_in·kh·kw, L):
    ∂L/∂W = Σ_n G_n · cols_nᵀ, ∂L/∂cols_n = W_flatᵀ · G_n, ∂L/∂X = col2im(∂L/∂cols), ∂L/∂b = Σ G.
    """
    x_, w_, _, geo = _setup(x, w, None, stride, padding, dilation)
    N, _, H, W = x_.shape
    C_out = w_.shape[0]
    g = _check_grad_out(grad_out, (N, C_out, *geo.out))
    conv = {"stride": geo.stride, "padding": geo.padding, "dilation": geo.dilation}
    g_flat = g.reshape(N, C_out, -1)  # (N, C_out, L)
    cols = im2col(x_, geo.kernel, **conv)  # (N, C_in·kh·kw, L)
    dw = (g_flat @ cols.transpose(0, 2, 1)).sum(axis=0)  # Σ_n (C_out, L) @ (L, C_in·kh·kw)
    # (C_in·kh·kw, C_out) @ (N, C_out, L) → (N, C_in·kh·kw, L)
    dcols = w_.reshape(C_out, -1).T @ g_flat
    dx = col2im(dcols, (H, W), geo.kernel, **conv)  # (N, C_in, H, W)
    return Conv2dGrads(dx, dw.reshape(w_.shape), g.sum(axis=(0, 2, 3)))


# --- convolution vs cross-correlation (note 003 · 卷积运算(数学意义)) ---------------------------


def _check_image_kernel(image: ArrayLike, kernel: ArrayLike) -> tuple[FloatArray, FloatArray]:
    I = as_float("image", image, 2, "(H, W)")  # noqa: E741  (the notes' name for the image)
    K = as_float("kernel", kernel, 2, "(kh, kw)")
    if K.shape[0] > I.shape[0] or K.shape[1] > I.shape[1]:
        raise ConfigError(
            f"kernel {K.shape} is larger than the image {I.shape}: use a smaller kernel"
        )
    return I, K


def flip_kernel(kernel: ArrayLike) -> FloatArray:
    """The kernel turned by 180°: "先左右翻转，再上下翻转" (left–right, then up–down)."""
    K = as_float("kernel", kernel, 2, "(kh, kw)")
    return np.ascontiguousarray(K[:, ::-1][::-1, :])  # left–right, then up–down


def cross_correlate2d(image: ArrayLike, kernel: ArrayLike) -> FloatArray:
    """S(i, j) = Σ_m Σ_n I(i + m, j + n) · K(m, n) over the valid region (H−kh+1, W−kw+1).

    What deep learning calls convolution (``F.conv2d`` with one channel, no padding).
    """
    I, K = _check_image_kernel(image, kernel)  # noqa: E741  (the notes' I and K)
    kh, kw = K.shape
    H_out, W_out = I.shape[0] - kh + 1, I.shape[1] - kw + 1
    S = np.zeros((H_out, W_out))
    for m in range(kh):
        for n in range(kw):
            S += I[m : m + H_out, n : n + W_out] * K[m, n]  # I(i + m, j + n) for every (i, j)
    return S


def convolve2d(image: ArrayLike, kernel: ArrayLike) -> FloatArray:
    """S(i, j) = Σ_m Σ_n I(i − m, j − n) · K(m, n): convolution in the mathematical sense.

    Over the valid region, where the whole kernel lies on the image: output (i, j) here is the
    definition's (i + kh − 1, j + kw − 1), so that the result aligns with :func:`cross_correlate2d`
    and equals ``cross_correlate2d(image, flip_kernel(kernel))``.
    """
    I, K = _check_image_kernel(image, kernel)  # noqa: E741  (the notes' I and K)
    kh, kw = K.shape
    H_out, W_out = I.shape[0] - kh + 1, I.shape[1] - kw + 1
    S = np.zeros((H_out, W_out))
    for m in range(kh):
        for n in range(kw):
            top, left = kh - 1 - m, kw - 1 - n  # I(i − m, j − n), shifted into the valid region
            S += I[top : top + H_out, left : left + W_out] * K[m, n]
    return S
