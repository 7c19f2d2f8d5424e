"""A trained CNN's learned features: the penultimate activations of every image, as a table.

Note 004 §一.1–2: a network is "也是一个提取特征的手段" — the layers before the head turn pixels
into a feature vector z(x) ∈ ℝ^D, and the head is only a linear classifier s = W z + b on it.
:func:`penultimate` catches z(x), the input of the head, for a batch of images;
:func:`export_features` writes z for the train, val and test splits of the run's data set
(and the first conv layer's filters) to a :mod:`dlclassics.data.features` table, which ``dlc
classic features`` feeds to the same SVM, softmax and k-NN as the hand-made features.

    dlc vision train --model lenet --run-dir runs/lenet
    dlc vision export-features --run-dir runs/lenet      # runs/lenet/features.safetensors
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch

from dlclassics.data.features import save_features
from dlclassics.data.images import ImageData
from dlclassics.data.tensors import image_dataset
from dlclassics.tasks import Classification
from dlclassics.vision.models import Net
from dlclassics.vision.run import load_run


@dataclass(frozen=True, kw_only=True)
class ExportFeaturesConfig:
    run_dir: Path = Path("runs/vision")  # a directory written by `dlc vision train`
    data: ImageData | None = None  # images to describe (default: the run's data set)
    out: Path | None = None  # the table (default: RUN_DIR/features.safetensors)
    which: Literal["best", "last"] = "best"  # which weights of the run
    batch_size: int = 1024  # images per forward pass (memory, not results)


@torch.inference_mode()
def penultimate(task: Classification, x: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """z(x): the input of the net's head for images x (N, C, H, W) → (N, D), in eval mode."""
    net = task.model
    assert isinstance(net, Net)
    caught: list[torch.Tensor] = []

    def hook(module: torch.nn.Module, inputs: tuple[torch.Tensor, ...]) -> None:
        caught.append(inputs[0].detach().reshape(len(inputs[0]), -1))  # (B, D)

    handle = net.head_layer().register_forward_pre_hook(hook)
    task.eval()
    try:
        for i in range(0, len(x), batch_size):
            task(x[i : i + batch_size])
    finally:
        handle.remove()
    return torch.cat(caught)  # (N, D)


def export_features(config: ExportFeaturesConfig) -> Path:
    """Write the run's penultimate features of train/val/test and its first-layer filters."""
    task, run = load_run(config.run_dir, config.which)
    net = task.model
    assert isinstance(net, Net)
    data = config.data or run.data
    splits = {}
    for split in ("train", "val", "test"):
        x, y = image_dataset(data, split, channel_axis=True).tensors
        z = penultimate(task, x, config.batch_size)  # (N, D)
        splits[split] = (z.float().numpy(), y.numpy().astype(np.int64))
    out = config.out or config.run_dir / "features.safetensors"
    filters = net.first_conv().weight.detach().float().numpy()  # (C_out, C_in, k, k)
    meta = {"data": data, "source": f"{run.model} penultimate", "model": run.model,
            "run_dir": str(config.run_dir), "trained_on": run.data}  # fmt: skip
    return save_features(out, splits, meta, {"filters": filters})
