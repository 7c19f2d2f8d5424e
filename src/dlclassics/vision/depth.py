"""Features through the depth: every layer's maps for one image, and what excites a channel.

Note 004 §三.3 特征图 and §三.4 堆叠卷积层: stacked convolutions go from low-level features
(edges, blobs of ink) to abstract ones (parts, whole shapes), while the maps shrink and the
receptive field grows. Two views of a trained net make that visible:

- :func:`layer_maps` — the output of every feature layer (each conv of a plain net; each
  residual or Inception block as a whole) for one image, a row per layer;
- :func:`top_images` — per layer and chosen channel, the test images whose activation
  max_{i,j} a_c(i, j) is largest (Zeiler & Fergus 2014 show the same for ImageNet nets):
  first-layer channels prefer simple strokes and edges, later ones whole kinds of garment.

    dlc vision layers --run-dir runs/lenet      # depth_maps.png, top_images.png
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
from torch import nn

from dlclassics.data.images import ImageData
from dlclassics.data.tensors import image_dataset
from dlclassics.errors import ConfigError
from dlclassics.report.plots import save_figure
from dlclassics.tasks import Classification
from dlclassics.vision.models import BasicBlock, InceptionBlock, Net
from dlclassics.vision.run import load_run

UNITS = (BasicBlock, InceptionBlock)  # blocks drawn as one layer (their inner convs are not)


@dataclass(frozen=True, kw_only=True)
class LayersConfig:
    run_dir: Path = Path("runs/vision")  # a directory written by `dlc vision train`
    data: ImageData | None = None  # images (default: the run's data set)
    index: int = 0  # the test image whose maps are drawn
    channels: tuple[int, ...] = (0, 1)  # channels of each layer whose top images are shown
    top: int = 6  # images per channel
    images: int = 2000  # the first N test images searched for the top ones
    max_maps: int = 8  # maps drawn per layer
    out: Path | None = None  # where the PNGs go (default: the run dir)
    which: Literal["best", "last"] = "best"  # which weights of the run


def feature_layers(net: Net) -> list[tuple[str, nn.Module]]:
    """Each conv of a plain net, or each residual / Inception block as one layer, in order."""
    layers: list[tuple[str, nn.Module]] = []
    for name, module in net.named_modules():
        if any(name.startswith(f"{unit}.") for unit, _ in layers):
            continue  # inside a block already listed
        if isinstance(module, (*UNITS, nn.Conv2d)):
            layers.append((name, module))
    return layers


@contextmanager
def caught_outputs(layers: list[tuple[str, nn.Module]]) -> Iterator[dict[str, torch.Tensor]]:
    """Forward hooks: while inside, ``outputs[name]`` is that layer's last output."""
    outputs: dict[str, torch.Tensor] = {}

    def catch(name: str) -> Callable[[nn.Module, object, torch.Tensor], None]:
        def hook(module: nn.Module, inputs: object, output: torch.Tensor) -> None:
            outputs[name] = output.detach()

        return hook

    handles = [m.register_forward_hook(catch(name)) for name, m in layers]
    try:
        yield outputs
    finally:
        for handle in handles:
            handle.remove()


@torch.inference_mode()
def layer_maps(task: Classification, image: torch.Tensor) -> dict[str, torch.Tensor]:
    """Every feature layer's maps for one image (C, H, W): name → (C_l, H_l, W_l)."""
    net = task.model
    assert isinstance(net, Net)
    task.eval()
    with caught_outputs(feature_layers(net)) as outputs:
        task(image[None])
    return {name: maps[0] for name, maps in outputs.items()}


@torch.inference_mode()
def top_images(
    task: Classification, x: torch.Tensor, channels: tuple[int, ...], top: int, batch: int = 500
) -> dict[str, dict[int, list[int]]]:
    """Per layer and channel c, the indices of the ``top`` images with the largest max_ij a_c."""
    net = task.model
    assert isinstance(net, Net)
    task.eval()
    layers = feature_layers(net)
    peaks: dict[str, list[torch.Tensor]] = {name: [] for name, _ in layers}
    with caught_outputs(layers) as outputs:
        for i in range(0, len(x), batch):
            task(x[i : i + batch])
            for name, maps in outputs.items():
                peaks[name].append(maps.amax(dim=(2, 3)))  # (B, C_l)
    result: dict[str, dict[int, list[int]]] = {}
    for name, parts in peaks.items():
        peak = torch.cat(parts)  # (N, C_l)
        result[name] = {
            c: peak[:, c].argsort(descending=True)[:top].tolist()
            for c in channels
            if c < peak.shape[1]
        }
    return result


def plot_layer_maps(
    image: torch.Tensor, maps: dict[str, torch.Tensor], path: Path, *, max_maps: int, title: str
) -> Path:
    """A row per layer: the input, then its first ``max_maps`` maps (each on its own scale)."""
    from matplotlib.figure import Figure

    height = 1.15 * len(maps) + 0.6
    fig = Figure(figsize=(1.1 * (max_maps + 1), height))
    axes = fig.subplots(len(maps), max_maps + 1, squeeze=False)
    fig.subplots_adjust(top=1 - 0.45 / height)
    for ax in axes.flat:
        ax.set_axis_off()
    for r, (name, m) in enumerate(maps.items()):
        axes[r, 0].imshow(image.mean(dim=0).numpy(), cmap="gray")
        C, H, W = m.shape
        axes[r, 0].set_title(f"{name}\n{C}×{H}×{W}", fontsize=6)
        for c in range(min(max_maps, C)):
            axes[r, c + 1].imshow(m[c].float().numpy(), cmap="viridis")
    fig.suptitle(title, fontsize=9)
    return save_figure(fig, path)


def plot_top_images(
    x: torch.Tensor, top: dict[str, dict[int, list[int]]], path: Path, *, title: str
) -> Path:
    """A row per (layer, channel): the images that excite it most."""
    from matplotlib.figure import Figure

    rows = [(name, c, idx) for name, per in top.items() for c, idx in per.items()]
    if not rows:
        raise ConfigError("no layer has the requested channels; choose smaller --channels")
    cols = max(len(idx) for _, _, idx in rows)
    height = 0.95 * len(rows) + 0.6
    fig = Figure(figsize=(0.9 * cols + 1.4, height))
    axes = fig.subplots(len(rows), cols, squeeze=False)
    for r, (name, c, idx) in enumerate(rows):
        for j, ax in enumerate(axes[r]):
            ax.set_axis_off()
            if j < len(idx):
                ax.imshow(x[idx[j]].mean(dim=0).numpy(), cmap="gray")
        axes[r, 0].text(-0.15, 0.5, f"{name}\nch {c}", transform=axes[r, 0].transAxes,
                        ha="right", va="center", fontsize=6)  # fmt: skip
    fig.subplots_adjust(left=1.2 / (0.9 * cols + 1.4), top=1 - 0.45 / height)
    fig.suptitle(title, fontsize=9)
    return save_figure(fig, path)


def draw_layers(config: LayersConfig) -> list[Path]:
    """Write ``depth_maps.png`` and ``top_images.png`` for the run; return their paths."""
    task, run = load_run(config.run_dir, config.which)
    x = image_dataset(config.data or run.data, "test", channel_axis=True).tensors[0]
    if not 0 <= config.index < len(x):
        raise ConfigError(f"index={config.index} is outside the {len(x)} test images")
    if config.top < 1 or config.images < 1 or not config.channels:
        raise ConfigError("top and images must be ≥ 1 and --channels needs at least one channel")
    out = config.out or config.run_dir
    maps = layer_maps(task, x[config.index])
    searched = x[: config.images]
    top = top_images(task, searched, config.channels, config.top)
    n = len(searched)
    return [
        plot_layer_maps(x[config.index], maps, out / "depth_maps.png", max_maps=config.max_maps,
                        title=f"{run.model}: every layer's maps for test image {config.index}"),
        plot_top_images(searched, top, out / "top_images.png",
                        title=f"{run.model}: the {config.top} of {n} test images that excite "
                        "each channel most (max over positions)"),
    ]  # fmt: skip
