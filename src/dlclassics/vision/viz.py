"""What a trained CNN looks at: its first-layer filters and the feature maps of one image.

Note 003 · 卷积运算可以检测图像边缘 and 三维卷积 ("多个filter可以理解为同时进行水平边缘检测
和垂直边缘检测，或者其它类型的边缘检测"); note 004 §三.3 特征图 and §三.4 堆叠卷积层 (features go
from low-level to abstract). The first conv layer's filters act on pixels, so they can be
drawn as images and compared with the hand-made edge filters of
:mod:`dlclassics.vision.filters`; its output for one
image, one map per filter, shows where each filter fires.

    fig = plot_filters(net.first_conv().weight, Path("filters.png"))
    maps = feature_maps(task, image, net.first_conv())       # (C_out, H_out, W_out)
    plot_feature_maps(image, maps, Path("feature_maps.png"))
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dlclassics.report.plots import save_figure

__all__ = ["feature_maps", "plot_feature_maps", "plot_filters"]


def feature_maps(task: nn.Module, image: torch.Tensor, layer: nn.Module) -> torch.Tensor:
    """Output of ``layer`` while ``task`` classifies one image (C, H, W) → (C_out, H', W').

    ``task`` is what was trained (e.g. a :class:`~dlclassics.tasks.Classification`, which
    normalises the pixels first); a forward hook on ``layer`` catches its output.
    """
    caught: list[torch.Tensor] = []

    def hook(module: nn.Module, inputs: object, output: torch.Tensor) -> None:
        caught.append(output.detach().clone())

    handle = layer.register_forward_hook(hook)
    was_training = task.training
    task.eval()
    try:
        with torch.inference_mode():
            task(image[None])  # (1, C, H, W)
    finally:
        handle.remove()
        task.train(was_training)
    assert caught, "the layer did not run in the forward pass"
    return caught[0][0]  # (C_out, H', W')


def _grid(n: int) -> tuple[int, int]:
    cols = math.ceil(math.sqrt(n))
    return math.ceil(n / cols), cols


def plot_filters(weight: torch.Tensor, path: Path, *, title: str = "") -> Path:
    """One tile per filter of a (C_out, C_in, k, k) weight (channels averaged), 0 = white.

    A diverging colour map with one symmetric scale for all tiles: red weights add the pixel,
    blue subtract it, so an edge filter shows as a red band beside a blue one.
    """
    from matplotlib.figure import Figure

    w = weight.detach().float().mean(dim=1).cpu().numpy()  # (C_out, k, k)
    lim = max(float(np.abs(w).max()), 1e-12)
    rows, cols = _grid(len(w))
    fig = Figure(figsize=(1.1 * cols, 1.1 * rows + 0.4))
    axes = fig.subplots(rows, cols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i < len(w):
            ax.imshow(w[i], cmap="RdBu_r", vmin=-lim, vmax=lim)
            ax.set_title(str(i), fontsize=7)
    fig.suptitle(title or f"{len(w)} first-layer filters, {w.shape[1]}×{w.shape[2]}", fontsize=9)
    return save_figure(fig, path)


def plot_feature_maps(
    image: torch.Tensor, maps: torch.Tensor, path: Path, *, title: str = "", max_maps: int = 32
) -> Path:
    """The input image (C, H, W), then up to ``max_maps`` feature maps (C_out, H', W')."""
    from matplotlib.figure import Figure

    shown = maps[:max_maps].float().cpu().numpy()
    rows, cols = _grid(len(shown) + 1)
    fig = Figure(figsize=(1.3 * cols, 1.3 * rows + 0.4))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    axes.flat[0].imshow(image.float().mean(dim=0).cpu().numpy(), cmap="gray")
    axes.flat[0].set_title("input", fontsize=7)
    for i, fmap in enumerate(shown):
        axes.flat[i + 1].imshow(fmap, cmap="viridis")
        axes.flat[i + 1].set_title(str(i), fontsize=7)
    fig.suptitle(
        title or f"{len(maps)} feature maps, {shown.shape[1]}×{shown.shape[2]}", fontsize=9
    )
    return save_figure(fig, path)
