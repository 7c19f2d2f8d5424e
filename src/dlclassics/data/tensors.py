"""Cached data sets as torch tensors, fetched on first use.

Images become float32 in [0, 1] with shape (N, H, W); labels int64 (N,). Scaling to [0, 1]
only changes units — the zero-centring and normalisation of notes 004 (数据预处理) are
done by the task with statistics of the training split.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import TensorDataset

from dlclassics.data import load_images, require
from dlclassics.data.sets import fashion_mnist, mnist

# class id -> name, for every image data set
CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "fashion-mnist": fashion_mnist.CLASSES,
    "mnist": mnist.DIGITS,
    "mnist-5k": mnist.DIGITS,
}


def ensure(name: str) -> None:
    """Fetch ``name`` into the cache unless it is already there (or offline: say how)."""
    require(name)


def image_dataset(name: str, split: str, *, channel_axis: bool = False) -> TensorDataset:
    """(images float32 (N, H, W) in [0, 1], labels int64 (N,)) of one split.

    With ``channel_axis`` the images are (N, 1, H, W), the layout convolution layers take.
    """
    ensure(name)
    images, labels = load_images(name, split)
    x = torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32) / 255.0)
    if channel_axis:
        x = x[:, None]  # (N, 1, H, W): grey images have one channel
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    return TensorDataset(x, y)
