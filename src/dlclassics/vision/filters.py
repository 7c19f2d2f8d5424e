"""Edge detection with hand-made filters: what a convolution layer's first filters learn.

Course note 003 · 卷积运算可以检测图像边缘 (convolution detects the edges of an image). The
lecture example behind the note: a 6×6 image whose left half is 10 and right half 0,
cross-correlated with the vertical-edge filter

    [[1, 0, −1],
     [1, 0, −1],
     [1, 0, −1]]

gives a 4×4 map (⌊(6 − 3)/1⌋ + 1 = 4) that is 0 where the image is flat and 30 in the two middle
columns, where the window straddles the edge: a bright band marks the vertical edge. Its
transpose finds horizontal edges. Sobel weights the middle row more (1, 2, 1), Scharr more still
(3, 10, 3), for a response that depends less on the edge's direction. With several filters the
layer answers several questions at once (三维卷积: "多个filter可以理解为同时进行水平边缘检测和垂直
边缘检测"); a trained CNN learns such filters instead of being given them.

Filters are applied like a conv layer (cross-correlation, :func:`dlclassics.vision.conv.conv2d`).
The sign of a response says which way the edge goes: + for bright-to-dark from left to right
(or top to bottom), − for dark-to-bright.

>>> image = np.array([[10.0] * 3 + [0.0] * 3] * 6)
>>> detect_edges(image[None], ["vertical"])[0, 0]
array([[ 0., 30., 30.,  0.],
       [ 0., 30., 30.,  0.],
       [ 0., 30., 30.,  0.],
       [ 0., 30., 30.,  0.]])
>>> # picture = edge_picture(load_images("fashion-mnist", "val")[0][:6], Path("edges.png"))
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlclassics.errors import ConfigError
from dlclassics.vision.conv import conv2d
from dlclassics.vision.shapes import Padding

__all__ = ["EDGE_KERNELS", "detect_edges", "edge_kernel", "edge_picture"]

FloatArray = NDArray[np.float64]

# name → 3×3 kernel. "vertical" filters respond to left–right changes (vertical edges), their
# transposes, "horizontal", to top–bottom changes.
EDGE_KERNELS: dict[str, FloatArray] = {
    "vertical": np.array([[1.0, 0.0, -1.0], [1.0, 0.0, -1.0], [1.0, 0.0, -1.0]]),  # note 003
    "horizontal": np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]]),
    "sobel-vertical": np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]),
    "sobel-horizontal": np.array([[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]]),
    "scharr-vertical": np.array([[3.0, 0.0, -3.0], [10.0, 0.0, -10.0], [3.0, 0.0, -3.0]]),
    "scharr-horizontal": np.array([[3.0, 10.0, 3.0], [0.0, 0.0, 0.0], [-3.0, -10.0, -3.0]]),
}
for _kernel in EDGE_KERNELS.values():
    _kernel.flags.writeable = False  # shared constants; edge_kernel() hands out copies


def edge_kernel(name: str) -> FloatArray:
    """A copy of the named 3×3 kernel from :data:`EDGE_KERNELS`."""
    if name not in EDGE_KERNELS:
        raise ConfigError(f"unknown edge kernel {name!r}; choose one of: {', '.join(EDGE_KERNELS)}")
    return EDGE_KERNELS[name].copy()


def detect_edges(
    images: ArrayLike, kernels: Sequence[str] = tuple(EDGE_KERNELS), *, padding: Padding = "valid"
) -> FloatArray:
    """Each image's response to each kernel: (N, H, W) → (N, len(kernels), H_out, W_out).

    Grey-scale images, one channel; the kernels act as the filters of one conv layer.
    """
    x = np.asarray(images, dtype=np.float64)
    if x.ndim != 3:
        raise ConfigError(f"images must have shape (N, H, W), got shape {x.shape}")
    if not kernels:
        raise ConfigError("no kernels given: name at least one of " + ", ".join(EDGE_KERNELS))
    w = np.stack([edge_kernel(name) for name in kernels])[:, None]  # (F, 1, 3, 3)
    return conv2d(x[:, None], w, padding=padding)  # (N, 1, H, W) → (N, F, H_out, W_out)


def edge_picture(
    images: ArrayLike,
    path: Path,
    *,
    kernels: Sequence[str] = ("vertical", "horizontal", "sobel-vertical", "scharr-vertical"),
    max_images: int = 6,
) -> Path:
    """Save a grid PNG: one row per image, the original then its response to each kernel.

    ``images`` is (N, H, W), e.g. the uint8 output of ``load_images`` (scaled to [0, 1] here);
    the first ``max_images`` are drawn. Responses use a diverging colour map centred on 0 (red
    +, blue −), with one scale per kernel shared by all rows. Returns ``path``.
    """
    x = np.asarray(images)
    if x.ndim != 3 or len(x) == 0:
        raise ConfigError(f"images must have shape (N, H, W) with N ≥ 1, got shape {x.shape}")
    if max_images < 1:
        raise ConfigError(f"max_images={max_images} must be ≥ 1")
    x = x[:max_images].astype(np.float64)
    if np.issubdtype(np.asarray(images).dtype, np.integer):
        x /= 255.0  # uint8 pixels → [0, 1]
    responses = detect_edges(x, kernels)  # (N, F, H − 2, W − 2)
    limits = np.abs(responses).max(axis=(0, 2, 3))  # (F,): one colour scale per kernel
    from matplotlib.figure import Figure

    from dlclassics.report.plots import save_figure

    rows, cols = len(x), 1 + len(kernels)
    fig = Figure(figsize=(1.6 * cols, 1.6 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for r in range(rows):
        axes[r, 0].imshow(x[r], cmap="gray")
        for f in range(len(kernels)):
            lim = max(float(limits[f]), 1e-12)
            axes[r, 1 + f].imshow(responses[r, f], cmap="RdBu_r", vmin=-lim, vmax=lim)
        for ax in axes[r]:
            ax.set_xticks([])
            ax.set_yticks([])
    for ax, title in zip(axes[0], ["image", *kernels], strict=True):
        ax.set_title(title, fontsize=8)
    return save_figure(fig, path)
