"""What a linear classifier learned: every row of W drawn as an image, one "template" per class.

Course note 004, 二、前向-后向传播神经网络 · 1、得分函数: "每个像素点都有不同的权重" — W holds one
weight per pixel per class, so row j of W (D = H·W pixels) reshaped to the image's shape is itself
a picture: the pattern that class j's score s_j = w_j · x + b_j rewards (bright) and punishes
(dark). 3.2 正则化惩罚项 recalls such a weight matrix, trained on cat pictures, with a few spiky
weights that λ‖W‖² flattens; these pictures show exactly that.

Each template is min–max scaled to [0, 1] on its own, so the picture shows its shape, not its
scale. Pass W without a folded bias column (``W[:, :-1]`` after :func:`~.linear.fold_bias`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from dlclassics.classic.preprocess import FloatArray, as_features
from dlclassics.errors import ConfigError, UserError


def template_images(W: ArrayLike, image_shape: tuple[int, ...]) -> FloatArray:
    """Rows of W as images in [0, 1]: (C, D) -> (C, *image_shape), each scaled on its own."""
    W = as_features(W, name="W")
    C, D = W.shape
    pixels = int(np.prod(image_shape))
    if pixels != D:
        hint = "; drop the bias column (W[:, :-1])" if pixels == D - 1 else ""
        raise UserError(
            f"W has shape {W.shape} but image_shape {tuple(image_shape)} has {pixels} pixels, "
            f"expected W of shape ({C}, {pixels}){hint}"
        )
    low = W.min(axis=1, keepdims=True)
    span = W.max(axis=1, keepdims=True) - low
    scaled = (W - low) / np.where(span > 0, span, 1.0)  # (C, D); a constant row draws grey 0
    return scaled.reshape(C, *image_shape)


def plot_templates(
    W: ArrayLike,
    labels: Sequence[str],
    out: Path,
    *,
    image_shape: tuple[int, ...] = (28, 28),
    ncols: int = 5,
    title: str = "learned templates: rows of W",
) -> Path:
    """A grid of the C templates, each titled with its class label; writes a PNG to ``out``.

    ``image_shape`` is (H, W) for grey images or (H, W, 3) for colour; ``labels`` has one name
    per row of W.
    """
    from matplotlib.figure import Figure

    from dlclassics.report.plots import save_figure

    if ncols < 1:
        raise ConfigError(f"ncols={ncols} must be ≥ 1")
    images = template_images(W, image_shape)  # (C, *image_shape)
    C = images.shape[0]
    if len(labels) != C:
        raise UserError(f"labels has {len(labels)} names but W has {C} rows; pass one per class")
    cols = min(ncols, C)
    rows = -(-C // cols)
    fig = Figure(figsize=(1.8 * cols, 1.9 * rows + 0.4))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    cmap = "gray" if images.ndim == 3 else None
    for ax, image, label in zip(axes, images, labels, strict=False):
        ax.imshow(image, cmap=cmap, vmin=0.0, vmax=1.0)
        ax.set_title(str(label), fontsize=9)
    for ax in axes:
        ax.axis("off")
    fig.suptitle(title)
    return save_figure(fig, out)
