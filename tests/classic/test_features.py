"""Hand-made features (HOG, intensity histograms) and `dlc classic features` on real digits."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dlclassics.classic.features import (
    HistConfig,
    HOGConfig,
    handmade_features,
    hog_cells,
    hog_features,
    intensity_histogram,
)
from dlclassics.cli import main
from dlclassics.data import load_images
from dlclassics.data.features import save_features
from dlclassics.errors import ConfigError


def edge_image(direction: str) -> np.ndarray:
    """A 28×28 image, dark on one side of a vertical or horizontal edge, bright on the other."""
    image = np.zeros((28, 28))
    if direction == "vertical":
        image[:, 14:] = 1.0  # the intensity changes along x: gradient (∂x I, 0), θ = 0°
    else:
        image[14:, :] = 1.0  # along y: gradient (0, ∂y I), θ = 90°
    return image


@pytest.mark.parametrize(("direction", "bin_"), [("vertical", 0), ("horizontal", 4)])
def test_an_edge_puts_its_hog_energy_in_the_bin_of_its_gradient_direction(
    direction: str, bin_: int
) -> None:
    cells = hog_cells(edge_image(direction))  # (by, bx, 2, 2, 9)
    energy = cells.sum(axis=(0, 1, 2, 3))  # per orientation bin of 20°
    assert int(np.argmax(energy)) == bin_
    assert energy[bin_] > 0.9 * energy.sum()  # a straight edge votes in one bin only


def test_hog_of_a_flat_image_is_zero_and_its_size_follows_the_cells() -> None:
    # 28×28 with 4×4 cells: 7×7 cells, 6×6 blocks of 2×2 cells, 9 bins each
    features = hog_features(np.stack([np.full((28, 28), 0.5), edge_image("vertical")]))
    assert features.shape == (2, 6 * 6 * 2 * 2 * 9)
    assert not features[0].any()
    cells7 = hog_features(edge_image("vertical")[None], HOGConfig(cell=7))
    assert cells7.shape == (1, 3 * 3 * 2 * 2 * 9)


def test_intensity_histogram_equals_numpys_histogram() -> None:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    ours = intensity_histogram(images, HistConfig(bins=8))
    for row, image in zip(ours, images, strict=True):
        counts, _ = np.histogram(image / 255.0, bins=8, range=(0.0, 1.0))
        np.testing.assert_allclose(row, counts / image.size)


def test_unknown_handmade_features_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="hog"):
        handmade_features("sift", np.zeros((1, 28, 28)))


def test_features_command_tabulates_every_pairing_and_reads_cnn_tables(
    mnist500_home: Path, tmp_path: Path
) -> None:
    # a stand-in "CNN" table whose features are the pixels themselves: its rows must then
    # equal the pixel rows exactly (same classifier, same data, same order)
    splits = {}
    for split in ("train", "val", "test"):
        images, labels = load_images("mnist-5k", split)
        splits[split] = (images.reshape(len(images), -1).astype(np.float32) / 255, labels)
    table = save_features(tmp_path / "t.safetensors", splits, {"data": "mnist-5k"},
                          {"filters": np.ones((4, 1, 3, 3), dtype=np.float32)})  # fmt: skip
    run = tmp_path / "run"
    args = ["classic", "features", "--datasets", "mnist-5k", "--features", "pixels", "hog",
            "cnn", "--classifiers", "softmax", "knn", "--cnn-features", str(table),
            "--run-dir", str(run)]  # fmt: skip
    assert main(args) == 0
    rows = json.loads((run / "features.json").read_text())["rows"]
    acc = {(r["features"], r["classifier"]): r["test_accuracy"] for r in rows}
    assert len(acc) == 6
    assert acc["cnn", "knn"] == acc["pixels", "knn"]
    assert acc["cnn", "softmax"] == pytest.approx(acc["pixels", "softmax"], abs=0.021)  # float32
    # 400 training digits, 50 test digits (seeded splits, deterministic fits): pixels 0.84 with
    # both; HOG 0.92 softmax, 0.86 k-NN (chance: 0.1)
    assert min(acc.values()) > 0.7
    assert (run / "hog_filters_mnist-5k.png").stat().st_size > 10_000
