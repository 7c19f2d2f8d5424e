"""Learned features: the head's input of a trained CNN, exported as a feature table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from dlclassics.cli import main
from dlclassics.data import load_images
from dlclassics.data.features import load_features, save_features
from dlclassics.errors import DataError
from dlclassics.tasks import Classification
from dlclassics.vision.export import penultimate
from dlclassics.vision.models import build_model

SMALL = [
    "--data", "mnist-5k", "--batch-size", "32", "--eval-every", "20", "--checkpoint-every", "20",
    "--log-every", "10", "--warmup-steps", "0", "--no-progress",
]  # fmt: skip


@pytest.mark.parametrize("model", ["lenet", "resnet"])
def test_penultimate_is_what_the_head_reads(model: str) -> None:
    torch.manual_seed(0)
    task = Classification(build_model(model), mean=0.3, std=0.2).double()
    x = torch.rand(5, 1, 28, 28, dtype=torch.float64)
    z = penultimate(task, x, batch_size=2)  # three batches: 2, 2, 1
    net = task.model
    with torch.no_grad():
        h = (x - 0.3) / 0.2
        for name in net.block_names[:-1]:  # every block but the head
            h = net.block(name)(h)
        torch.testing.assert_close(z, h.reshape(5, -1))
        torch.testing.assert_close(net.head_layer()(z), task(x))


def test_feature_tables_round_trip_with_extras(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    splits = {s: (rng.standard_normal((n, 3)).astype(np.float32), rng.integers(0, 9, n))
              for s, n in (("train", 4), ("test", 2))}  # fmt: skip
    path = save_features(tmp_path / "f.safetensors", splits, {"data": "mnist"},
                         {"filters": np.ones((2, 1, 3, 3), np.float32)})  # fmt: skip
    table = load_features(path)
    assert table.meta["data"] == "mnist" and table.meta["dim"] == 3
    for s, (x, y) in splits.items():
        np.testing.assert_array_equal(table.splits[s][0], x)
        np.testing.assert_array_equal(table.splits[s][1], y)
    assert table.extras["filters"].shape == (2, 1, 3, 3)
    with pytest.raises(DataError, match="export-features"):
        load_features(tmp_path / "missing.safetensors")


def test_export_features_writes_every_split_of_a_trained_run(
    mnist500_home: Path, tmp_path: Path
) -> None:
    run = tmp_path / "lenet"
    assert main(["vision", "train", *SMALL, "--run-dir", str(run), "--max-steps", "3"]) == 0
    assert main(["vision", "export-features", "--run-dir", str(run)]) == 0
    table = load_features(run / "features.safetensors")
    assert table.meta["data"] == "mnist-5k" and table.meta["model"] == "lenet"
    for split, n in (("train", 400), ("val", 50), ("test", 50)):
        x, y = table.splits[split]
        assert x.shape == (n, 84)  # LeNet's fc2: the head's 84 inputs
        np.testing.assert_array_equal(y, load_images("mnist-5k", split)[1])
    assert table.extras["filters"].shape == (6, 1, 5, 5)
