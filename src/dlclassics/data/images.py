"""Image classification sets in one cached format, and the reader for it.

Every image data set (``fashion-mnist``, ``mnist``, ``mnist-5k``) is cached as two NumPy
files per split, loaded without pickle:

* ``{split}-images.npy``: ``uint8``, shape ``(N, 28, 28)``, 0 = background;
* ``{split}-labels.npy``: ``int64``, shape ``(N,)``, class ids ``0..9``.

>>> from dlclassics.data import load_images                       # doctest: +SKIP
>>> x, y = load_images("fashion-mnist", "val")                    # doctest: +SKIP
>>> x.shape, x.dtype, y[:5]                                       # doctest: +SKIP
((5000, 28, 28), dtype('uint8'), array([3, 4, 6, 0, 5]))

Scaling to floats (``x / 255``) and normalising belong to the model's input pipeline, not
to the cache. :func:`read_idx` parses the IDX format of LeCun's MNIST files (also used by
Fashion-MNIST): a magic number ``00 00 <type> <ndim>`` then ``ndim`` big-endian int32
sizes then the data.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from dlclassics.data.demand import require
from dlclassics.errors import ConfigError, DataError
from dlclassics.io import atomic_write

__all__ = [
    "IMAGE_PIXELS",
    "IMAGE_SHAPE",
    "ImageData",
    "ascii_image",
    "image_describer",
    "load_images",
    "read_idx",
    "save_split",
]

IMAGE_SHAPE = (28, 28)  # (H, W) of every image set here
IMAGE_PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]  # 784 inputs of a flattened image
ImageData = Literal["fashion-mnist", "mnist", "mnist-5k"]  # the registered image sets
_IDX_TYPES: dict[int, str] = {
    0x08: "u1",
    0x09: "i1",
    0x0B: ">i2",
    0x0C: ">i4",
    0x0D: ">f4",
    0x0E: ">f8",
}
_RAMP = " .:-=+*#%@"  # dark→bright characters for ascii_image


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (optionally gzip-compressed) as an array of its declared shape."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as err:
        raise DataError(f"{path} cannot be read ({err}); fetch the data set again") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise DataError(f"{path} is not an IDX file (bad magic number); fetch it again")
    ndim = data[3]
    header = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(data[4:header], dtype=">i4"))
    dtype = np.dtype(_IDX_TYPES[data[2]])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(shape) != ndim or len(data) != expected:
        raise DataError(
            f"{path}: IDX header says shape {shape} ({expected} bytes), file has {len(data)}; "
            "the file is truncated or corrupt, fetch it again"
        )
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).copy()


def _save_npy(path: Path, array: np.ndarray) -> None:
    with atomic_write(path) as f:
        np.save(f, array, allow_pickle=False)


def save_split(out_dir: Path, split: str, images: np.ndarray, labels: np.ndarray) -> None:
    """Write one split in the cached format, checking dtype, shape and label range."""
    assert images.dtype == np.uint8 and images.shape[1:] == IMAGE_SHAPE, images.shape
    assert labels.shape == (len(images),), (labels.shape, images.shape)
    assert labels.min() >= 0 and labels.max() <= 9, (labels.min(), labels.max())
    _save_npy(out_dir / f"{split}-images.npy", np.ascontiguousarray(images))
    _save_npy(out_dir / f"{split}-labels.npy", labels.astype(np.int64))


def _splits_in(path: Path) -> list[str]:
    return sorted(p.name.removesuffix("-images.npy") for p in path.glob("*-images.npy"))


def load_images(name: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    """``(images, labels)`` of a cached image set: ``uint8 (N, 28, 28)``, ``int64 (N,)``.

    Fetches the set on demand; raises :class:`DataError` when it cannot (offline mode, every
    source failing) and :class:`ConfigError` for a split it does not have.
    """
    path = require(name)
    images_file = path / f"{split}-images.npy"
    if not images_file.is_file():
        known = ", ".join(_splits_in(path)) or "(none)"
        raise ConfigError(f"data set {name!r} has no split {split!r}; choose one of: {known}")
    images = np.load(images_file, allow_pickle=False)
    labels = np.load(path / f"{split}-labels.npy", allow_pickle=False)
    return images, labels


def ascii_image(image: np.ndarray) -> str:
    """A 28×28 uint8 image as 28 lines of characters, darkest ' ' to brightest '@'."""
    levels = (image.astype(np.int64) * len(_RAMP)) // 256  # (H, W) in 0..len(_RAMP)-1
    return "\n".join("".join(_RAMP[v] for v in row) for row in levels)


def image_describer(
    class_names: Sequence[str], *, sample_split: str = "train"
) -> Callable[[Path], Mapping[str, Any]]:
    """A ``describe`` for an image set: counts per split, per-class counts, one drawn sample."""

    def describe(path: Path) -> Mapping[str, Any]:
        splits: dict[str, int] = {}
        classes: dict[str, list[int]] = {}
        for split in _splits_in(path):
            labels = np.load(path / f"{split}-labels.npy", allow_pickle=False)
            splits[split] = len(labels)
            classes[split] = np.bincount(labels, minlength=len(class_names)).tolist()
        images = np.load(path / f"{sample_split}-images.npy", mmap_mode="r", allow_pickle=False)
        labels = np.load(path / f"{sample_split}-labels.npy", allow_pickle=False)
        label = int(labels[0])
        return {
            "unit": "images",
            "splits": splits,
            "class_counts": classes,
            "classes": list(class_names),
            "sample": f"{sample_split}[0]: label {label} ({class_names[label]})\n"
            + ascii_image(np.asarray(images[0])),
        }

    return describe
