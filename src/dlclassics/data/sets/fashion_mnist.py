"""Fashion-MNIST: 70,000 28×28 grayscale images of Zalando articles in 10 classes.

Xiao, Rasul & Vollgraf (2017), a drop-in replacement for MNIST with the same format and
the same 60,000 / 10,000 train / test division, but harder (a linear classifier reaches
about 84 %, a small CNN about 91–93 %). It is the main image benchmark here.

Sources, in order:

1. upstream: the four IDX ``.gz`` files of the zalandoresearch/fashion-mnist repository,
   fetched together as one group. The two label files were measured from that repository
   (sha256 and size below); the image files were not (no machine of ours reached them), so
   they carry no artifact checksum — the converted arrays' checksums check them instead;
2. the Debian package ``dataset-fashion-mnist`` (``0.0~git20200523.55506a9-1``), which ships
   the same files re-gzipped (the decompressed IDX bytes are identical for the label files,
   verified; the converted arrays verify the rest).

Splits (fixed; seed ``SPLIT_SEED``):

* ``test``: the official 10,000 test images, in the official order;
* ``val``: 5,000 images carved from the official training set, 500 per class, chosen by
  :func:`~dlclassics.data.splits.stratified_split` with ``SPLIT_SEED``, in official order;
* ``train``: the other 55,000 official training images, in official order.

Published Fashion-MNIST results train on all 60,000 (``train`` + ``val``); concatenate the
two to compare with them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.extract import find_member
from dlclassics.data.images import IMAGE_SHAPE, image_describer, read_idx, save_split
from dlclassics.data.splits import stratified_split
from dlclassics.errors import DataError

NAME = "fashion-mnist"
CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
SPLIT_SEED = 0  # seed of the train/val carve-out; changing it changes the cached checksums
VAL_PER_CLASS = 500  # 10 classes × 500 = 5,000 validation images out of 60,000

_UPSTREAM = "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/"
_RAW = {  # official split -> (images file, labels file)
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
_COUNTS = {"train": 60_000, "test": 10_000}  # official sizes, checked on conversion


def _upstream(filename: str, sha256: str | None, size: int | None) -> Source:
    return Source(
        kind="url",
        locator=_UPSTREAM + filename,
        filename=filename,
        sha256=sha256,
        size=size,
        group="upstream",
    )


def _read_official(raw_dir: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    images_file, labels_file = _RAW[split]
    images = read_idx(find_member(raw_dir, images_file))
    labels = read_idx(find_member(raw_dir, labels_file))
    n = _COUNTS[split]
    if images.shape != (n, *IMAGE_SHAPE) or images.dtype != np.uint8:
        raise DataError(f"{images_file}: expected uint8 {(n, *IMAGE_SHAPE)}, got {images.shape}")
    if labels.shape != (n,) or labels.max() > 9:
        raise DataError(f"{labels_file}: expected {n} labels in 0..9, got {labels.shape}")
    return images, labels.astype(np.int64)


def convert(raw_dir: Path, out_dir: Path) -> None:
    """IDX files → ``{train,val,test}-{images,labels}.npy`` (see the module docstring)."""
    images, labels = _read_official(raw_dir, "train")
    per_class = _COUNTS["train"] // len(CLASSES)  # 6,000: the official set is balanced
    fractions = {"val": VAL_PER_CLASS / per_class}
    parts = stratified_split(labels, fractions, rest="train", seed=SPLIT_SEED, shuffle=False)
    for split, idx in parts.items():
        save_split(out_dir, split, images[idx], labels[idx])
    save_split(out_dir, "test", *_read_official(raw_dir, "test"))


DATASET = Dataset(
    name=NAME,
    description="Fashion-MNIST: 70k 28×28 grayscale Zalando article images, 10 classes",
    license="MIT (Zalando SE)",
    citation=(
        "Han Xiao, Kashif Rasul, Roland Vollgraf. Fashion-MNIST: a Novel Image Dataset for "
        "Benchmarking Machine Learning Algorithms. arXiv:1708.07747, 2017."
    ),
    sources=(
        _upstream("train-images-idx3-ubyte.gz", None, None),
        _upstream(
            "train-labels-idx1-ubyte.gz",
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            29_515,
        ),
        _upstream("t10k-images-idx3-ubyte.gz", None, None),
        _upstream(
            "t10k-labels-idx1-ubyte.gz",
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
            5_148,
        ),
        Source(
            kind="deb",
            locator="dataset-fashion-mnist=0.0~git20200523.55506a9-1",
            filename="dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb",
            sha256="39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0",
            size=30_900_652,
            members=("usr/share/datasets/fashion-mnist/*-ubyte.gz",),
        ),
    ),
    splits={
        "train": "official training set minus val: 55,000 images, official order",
        "val": f"{VAL_PER_CLASS} per class from the official training set "
        f"(stratified, seed {SPLIT_SEED}): 5,000 images, official order",
        "test": "official test set: 10,000 images, official order",
    },
    convert=convert,
    describe=image_describer(CLASSES),
    # measured by running convert on the Debian package's files, 2026-11-23
    files={
        "test-images.npy": "fa687ea6e35cd511e68bc9cd5049edbadf6eb7dfde574e880a3325309e5aadfd",
        "test-labels.npy": "33e7c41e1d27e7ea46528a86fd6d54e0eb0d60f705e95ae5e9c956635f269cbc",
        "train-images.npy": "7ebfcbc7c67725be3d6d73afb0642594a46089b2cb25b975bbe71b60051a88a9",
        "train-labels.npy": "4078d764e7852b3b2d3fb00ef21ec43c93c3dac9fe3bca4613f18f56ad212039",
        "val-images.npy": "35b943b97b1fc6d305bacdc18e06a3907d5f1f42cadffeb7d3b7815604295812",
        "val-labels.npy": "8b04841ff88a695dd4529ad80c14810f41333c465f6d9beef03ca4ee46926bc4",
    },
)

DATASETS.add(NAME, DATASET)
