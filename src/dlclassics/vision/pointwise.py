"""1×1 convolution: a linear layer applied at every pixel, and why Inception uses it.

Course note 003 · 1×1卷积层的作用: "减少通道数，从而降低模型复杂度" (reduce the number of
channels, and with it the model's cost); note 003 · GoogLenet: inception module, whose branches
put a 1×1 convolution in front of the 3×3 and 5×5 ones.

A 1×1 filter sees one pixel, across all C_in channels (三维卷积 with f = 1), so a layer of C_out of
them mixes the channels of each pixel and nothing else:

    Y[n, :, i, j] = W · X[n, :, i, j] + b          W: (C_out, C_in), the same at every (i, j)

— exactly a fully connected layer (``torch.nn.Linear(C_in, C_out)``) applied at each position,
which is what the tests check, besides :func:`conv1x1` == ``conv2d`` with a (C_out, C_in, 1, 1)
kernel. With C_out < C_in it is a cheap "bottleneck" before an expensive convolution:
:func:`bottleneck_table` counts the multiplications of the lecture example the notes follow
(deeplearning.ai, Inception network motivation) — a 5×5 "same" convolution from 28×28×192 to
28×28×32 costs 28·28·32 · 5·5·192 ≈ 120 M multiplications; squeezing to 16 channels with a 1×1
convolution first costs 28·28·16·192 + 28·28·32 · 5·5·16 ≈ 12.4 M, a tenth.

>>> rows = bottleneck_table()
>>> [(row["multiplications"], row["weights"]) for row in rows]
[(120422400, 153600), (12443648, 15872)]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlclassics.errors import ConfigError
from dlclassics.vision.windows import as_float

__all__ = ["bottleneck_table", "conv1x1", "conv_cost"]

FloatArray = NDArray[np.float64]


def conv1x1(x: ArrayLike, w: ArrayLike, b: ArrayLike | None = None) -> FloatArray:
    """Y[n, o, i, j] = Σ_c W[o, c] · X[n, c, i, j] + b[o]: per-pixel channel mixing.

    ``x`` is (N, C_in, H, W); ``w`` is (C_out, C_in) or a conv kernel (C_out, C_in, 1, 1).
    """
    x_ = as_float("x", x, 4, "(N, C_in, H, W)")
    w_ = np.asarray(w, dtype=np.float64)
    if w_.ndim == 4 and w_.shape[2:] == (1, 1):
        w_ = w_[:, :, 0, 0]  # (C_out, C_in)
    if w_.ndim != 2 or w_.shape[1] != x_.shape[1]:
        raise ConfigError(
            f"conv1x1 needs w of shape (C_out, C_in={x_.shape[1]}) or (C_out, C_in, 1, 1) for "
            f"x.shape={x_.shape}, got w.shape={np.shape(w)}"
        )
    y = np.einsum("oc,nchw->nohw", w_, x_)  # (N, C_out, H, W)
    if b is not None:
        y += np.asarray(b, dtype=np.float64).reshape(-1, 1, 1)
    return y


def conv_cost(
    in_channels: int, out_channels: int, kernel: int, out_hw: tuple[int, int]
) -> dict[str, int]:
    """Weights (no bias) and multiplications of a conv layer with a kernel×kernel filter.

    weights = C_out · C_in · f², multiplications = H_out · W_out · C_out · f² · C_in
    (one per weight per output position).
    """
    for name, value in [
        ("in_channels", in_channels),
        ("out_channels", out_channels),
        ("kernel", kernel),
        ("out height", out_hw[0]),
        ("out width", out_hw[1]),
    ]:
        if value < 1:
            raise ConfigError(f"{name}={value} must be ≥ 1")
    weights = out_channels * in_channels * kernel * kernel
    return {"weights": weights, "multiplications": out_hw[0] * out_hw[1] * weights}


def bottleneck_table(
    *,
    height: int = 28,
    width: int = 28,
    in_channels: int = 192,
    out_channels: int = 32,
    kernel: int = 5,
    bottleneck: int = 16,
) -> list[dict[str, Any]]:
    """Cost of a "same" kernel×kernel convolution, directly and behind a 1×1 bottleneck.

    Two rows, ``path``, ``weights`` (no biases) and ``multiplications``; the defaults are the
    lecture's Inception example (28×28×192 → 28×28×32 with 5×5 filters, bottleneck 16).
    """
    hw = (height, width)
    direct = conv_cost(in_channels, out_channels, kernel, hw)
    squeeze = conv_cost(in_channels, bottleneck, 1, hw)
    expand = conv_cost(bottleneck, out_channels, kernel, hw)
    k = f"{kernel}×{kernel}"
    return [
        {"path": f"{k} conv {in_channels}→{out_channels}", **direct},
        {
            "path": f"1×1 conv {in_channels}→{bottleneck}, {k} conv {bottleneck}→{out_channels}",
            "weights": squeeze["weights"] + expand["weights"],
            "multiplications": squeeze["multiplications"] + expand["multiplications"],
        },
    ]
