"""Hand-made features against learned ones, under the same classifiers (note 004 §一.1–2).

Note 004 §一.2 特征工程的作用: "数据的特征决定了模型的上限" — the features set the ceiling, the
classifier only approaches it; §一.1: machine learning picks its features by hand, deep
learning learns them. This module puts four kinds of features side by side, each fed to the
same linear SVM, softmax classifier and k-NN of this package:

- ``pixels`` — the 784 intensities in [0, 1] (no feature engineering);
- ``hist`` — the intensity histogram: the share of pixels in each of B equal bins of [0, 1]
  (throws away *where* ink is, keeps *how much*);
- ``hog`` — histograms of oriented gradients (Dalal & Triggs 2005, via scikit-image): the
  gradient g = (∂x I, ∂y I) at every pixel votes |g| into one of 9 orientation bins of its
  unsigned angle θ = atan2(∂y I, ∂x I) mod 180° within its c×c cell; the cell histograms
  are L2-Hys normalised over overlapping 2×2-cell blocks. Edges, not intensities: a vertical
  edge (a horizontal gradient, θ = 0°) lands in bin 0;
- ``hog+hist`` — both, concatenated;
- ``cnn`` — a trained CNN's penultimate activations z(x) (``dlc vision export-features``),
  read from a :mod:`dlclassics.data.features` table.

Linear models see every feature standardised with train statistics (二 · 9.1); k-NN sees the
raw feature values, as it sees raw pixels in ``dlc classic knn``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from dlclassics.classic.knn import KNNClassifier
from dlclassics.classic.linear import LinearClassifier
from dlclassics.classic.preprocess import FloatArray, IntArray, Normalization
from dlclassics.classic.protocol import KNN, SOFTMAX, SVM, Splits, load_splits
from dlclassics.data.features import FeatureTable, load_features
from dlclassics.data.images import ImageData
from dlclassics.errors import ConfigError, DataError
from dlclassics.report.plots import save_figure

log = logging.getLogger(__name__)

FeatureName = Literal["pixels", "hist", "hog", "hog+hist", "cnn"]
ClassifierName = Literal["svm", "softmax", "knn"]


@dataclass(frozen=True, kw_only=True)
class HOGConfig:
    orientations: int = 9  # unsigned-angle bins of 20° (Dalal & Triggs)
    cell: int = 4  # c: pixels per side of a cell; 28×28 → 7×7 cells
    block: int = 2  # cells per side of a normalisation block


@dataclass(frozen=True, kw_only=True)
class HistConfig:
    bins: int = 16  # equal bins of the intensity range [0, 1]


def hog_features(images: NDArray[Any], config: HOGConfig = HOGConfig()) -> FloatArray:
    """HOG of each image (N, H, W) in [0, 1] or uint8 → (N, D), D = blocks² · block² · bins."""
    from skimage.feature import hog

    x = _unit(images)
    return np.stack([hog(img, **_hog_args(config)) for img in x]).astype(np.float64)


def _hog_args(config: HOGConfig) -> dict[str, Any]:
    return {"orientations": config.orientations, "pixels_per_cell": (config.cell, config.cell),
            "cells_per_block": (config.block, config.block), "block_norm": "L2-Hys"}  # fmt: skip


def hog_cells(image: NDArray[Any], config: HOGConfig = HOGConfig()) -> NDArray[np.float64]:
    """The block-normalised HOG of one image, unflattened: (by, bx, block, block, orientations)."""
    from skimage.feature import hog

    return np.asarray(hog(_unit(image), feature_vector=False, **_hog_args(config)))


def hog_picture(image: NDArray[Any], config: HOGConfig = HOGConfig()) -> NDArray[np.float64]:
    """scikit-image's drawing of the cells: one line per orientation, as bright as its vote."""
    from skimage.feature import hog

    _, picture = hog(_unit(image), visualize=True, **_hog_args(config))
    return np.asarray(picture)


def intensity_histogram(images: NDArray[Any], config: HistConfig = HistConfig()) -> FloatArray:
    """Share of each image's pixels in each of ``bins`` equal bins of [0, 1] → (N, bins)."""
    x = _unit(images).reshape(len(images), -1)  # (N, H·W)
    index = np.minimum((x * config.bins).astype(np.int64), config.bins - 1)  # bin of each pixel
    counts = np.stack([np.bincount(row, minlength=config.bins) for row in index])
    return counts / x.shape[1]  # (N, bins), rows sum to 1


def _unit(images: NDArray[Any]) -> FloatArray:
    if np.issubdtype(images.dtype, np.integer):
        return images.astype(np.float64) / 255.0
    return images.astype(np.float64)


HANDMADE = ("pixels", "hist", "hog", "hog+hist")  # the hand-made FeatureNames


def handmade_features(
    name: str, images: NDArray[Any], hog: HOGConfig = HOGConfig(), hist: HistConfig = HistConfig()
) -> FloatArray:
    """The hand-made features ``name`` of images (N, H, W) → (N, D)."""
    if name == "pixels":
        return _unit(images).reshape(len(images), -1)
    if name == "hist":
        return intensity_histogram(images, hist)
    if name == "hog":
        return hog_features(images, hog)
    if name == "hog+hist":
        return np.hstack([hog_features(images, hog), intensity_histogram(images, hist)])
    raise ConfigError(f"unknown hand-made features {name!r}; choose one of {', '.join(HANDMADE)}")


# --- the classifiers, one protocol -------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FeatureSplits:
    """Features of train, val and test (N, D) and their labels."""

    X_train: FloatArray
    y_train: IntArray
    X_val: FloatArray
    y_val: IntArray
    X_test: FloatArray
    y_test: IntArray


def fit_predict(
    classifier: ClassifierName, s: FeatureSplits
) -> tuple[Callable[[FloatArray], IntArray], float]:
    """Fit ``classifier`` on train (the settings of :mod:`.protocol`); predict and fit seconds."""
    start = time.perf_counter()
    if classifier == "knn":
        knn = KNNClassifier.fit(s.X_train, s.y_train, KNN)
        return knn.predict, time.perf_counter() - start
    config = {"svm": SVM, "softmax": SOFTMAX}.get(classifier)
    if config is None:
        raise ConfigError(f"unknown classifier {classifier!r}; choose svm, softmax or knn")
    scale = Normalization.fit(s.X_train)  # standardise with train statistics (二 · 9.1)
    model = LinearClassifier.fit(scale.transform(s.X_train), s.y_train, config)
    seconds = time.perf_counter() - start
    return (lambda X: model.predict(scale.transform(X))), seconds


def evaluate(classifier: ClassifierName, s: FeatureSplits) -> dict[str, Any]:
    """Val and test accuracy of ``classifier`` on these features."""
    predict, fit_seconds = fit_predict(classifier, s)
    return {
        "classifier": classifier,
        "dim": s.X_train.shape[1],
        "val_accuracy": round(float(np.mean(predict(s.X_val) == s.y_val)), 4),
        "test_accuracy": round(float(np.mean(predict(s.X_test) == s.y_test)), 4),
        "fit_seconds": round(fit_seconds, 2),
    }


# --- the picture: HOG cells beside the CNN's first-layer filters -----------------------------


def plot_hog_and_filters(
    images: NDArray[Any],
    path: Path,
    *,
    filters: NDArray[Any] | None = None,
    config: HOGConfig = HOGConfig(),
    title: str = "",
) -> Path:
    """Top: images and their HOG cells (hand-made); bottom: first-layer CNN filters (learned)."""
    from matplotlib.figure import Figure

    n = len(images)
    w = None if filters is None else filters.mean(axis=1)  # (C_out, k, k), channels averaged
    cols = max(n, 0 if w is None else min(len(w), 2 * n))
    rows = 2 + (0 if w is None else -(-len(w) // cols))
    fig = Figure(figsize=(1.3 * cols, 1.35 * rows + 0.5))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.flat:
        ax.set_axis_off()
    for i, image in enumerate(images):
        axes[0, i].imshow(_unit(image), cmap="gray")
        axes[1, i].imshow(hog_picture(image, config), cmap="magma")
    axes[0, 0].set_title("images", fontsize=8, loc="left")
    axes[1, 0].set_title(f"HOG, {config.cell}×{config.cell} cells", fontsize=8, loc="left")
    if w is not None:
        lim = max(float(np.abs(w).max()), 1e-12)
        for j, kernel in enumerate(w):
            ax = axes[2 + j // cols, j % cols]
            ax.imshow(kernel, cmap="RdBu_r", vmin=-lim, vmax=lim)
        axes[2, 0].set_title(f"CNN first-layer filters ({w.shape[1]}×{w.shape[2]})", fontsize=8,
                             loc="left")  # fmt: skip
    fig.suptitle(title or "hand-made edges (HOG) and learned ones (first conv layer)", fontsize=9)
    return save_figure(fig, path)


# --- the comparison: every (data set, features, classifier) ------------------------------------


@dataclass(frozen=True, kw_only=True)
class FeaturesRunConfig:
    datasets: tuple[ImageData, ...] = ("fashion-mnist", "mnist")  # fetched on first use
    features: tuple[FeatureName, ...] = ("pixels", "hist", "hog", "hog+hist", "cnn")
    classifiers: tuple[ClassifierName, ...] = ("svm", "softmax", "knn")
    # tables of `dlc vision export-features`; each data set uses the one made on it (its
    # features.json "data"); without one its cnn rows are left out, with a warning
    cnn_features: tuple[Path, ...] = ()
    train_rows: int | None = None  # the first N rows of the train split; None: all
    run_dir: Path = Path("runs/features")  # features.json, hog_filters.png
    hog: HOGConfig = field(default_factory=HOGConfig)
    hist: HistConfig = field(default_factory=HistConfig)


def _table_for(data: str, paths: tuple[Path, ...]) -> FeatureTable | None:
    for path in paths:
        table = load_features(path)
        if table.meta.get("data") == data:
            return table
    return None


def _cnn_splits(table: FeatureTable, splits: Splits, path_hint: str) -> FeatureSplits:
    parts: list[NDArray[Any]] = []
    for name, y in (("train", splits.y_train), ("val", splits.y_val), ("test", splits.y_test)):
        x, labels = table.splits[name]
        if not np.array_equal(labels[: len(y)], y):
            raise DataError(
                f"the {name} labels of {path_hint} differ from the {name} split of "
                f"{table.meta.get('data')}; export the features again from the same data set"
            )
        parts += [x[: len(y)].astype(np.float64), y]
    return FeatureSplits(*parts)


def handmade_splits(name: str, splits: Splits, config: FeaturesRunConfig) -> FeatureSplits:
    """The hand-made features ``name`` of every split (rows reshaped to 28×28 images first)."""

    def f(X: FloatArray) -> FloatArray:
        return handmade_features(name, X.reshape(len(X), 28, 28), config.hog, config.hist)

    return FeatureSplits(f(splits.X_train), splits.y_train, f(splits.X_val), splits.y_val,
                         f(splits.X_test), splits.y_test)  # fmt: skip


def compare_features(config: FeaturesRunConfig) -> dict[str, Any]:
    """Rows of (data, features, classifier, accuracies); the HOG/filters picture per data set."""
    unknown = set(config.features) - {*HANDMADE, "cnn"}
    if unknown:
        raise ConfigError(f"unknown features {sorted(unknown)}; choose from {[*HANDMADE, 'cnn']}")
    rows: list[dict[str, Any]] = []
    pictures: list[str] = []
    for data in config.datasets:
        splits = load_splits(data, config.train_rows)
        table = _table_for(data, config.cnn_features)
        for name in config.features:
            if name == "cnn":
                if table is None:
                    log.warning("no --cnn-features table made on %s: its cnn rows are left out",
                                data)  # fmt: skip
                    continue
                s = _cnn_splits(table, splits, f"the cnn features of {data}")
            else:
                s = handmade_splits(name, splits, config)
            for classifier in config.classifiers:
                row = {"data": data, "features": name, **evaluate(classifier, s)}
                log.info("%s", row)
                rows.append(row)
        images = splits.X_test[:6].reshape(-1, 28, 28)
        filters = None if table is None else table.extras.get("filters")
        source = "" if table is None else f" · first-layer filters of {table.meta.get('model')}"
        picture = plot_hog_and_filters(images, config.run_dir / f"hog_filters_{data}.png",
                                       filters=filters, config=config.hog,
                                       title=f"{data}: HOG cells{source}")  # fmt: skip
        pictures.append(str(picture))
    return {"rows": rows, "pictures": pictures}
