"""Hand-made vs learned features: one table of test accuracy (``dlc classic features``).

Targets (note 004 §一.2, "数据的特征决定了模型的上限"), Fashion-MNIST test split: HOG beats raw
pixels with every classifier (linear SVM, softmax, k-NN), and a trained CNN's penultimate
features beat HOG. Also on MNIST (the 10,000-digit set's fixed splits).

The CNN features come from LeNet runs of ``dlc vision train`` exported by ``dlc vision
export-features``; pass their tables:

    dlc vision train --model lenet --run-dir runs/lenet-fmnist --max-steps 1720
    dlc vision export-features --run-dir runs/lenet-fmnist
    dlc vision train --model lenet --data mnist --run-dir runs/lenet-mnist --max-steps 600
    dlc vision export-features --run-dir runs/lenet-mnist
    python benchmarks/features.py --cnn-features runs/lenet-{fmnist,mnist}/features.safetensors

Writes ``benchmarks/results/features.json`` (rows: data, features, classifier, dim,
val_accuracy, test_accuracy, fit_seconds) and the HOG/filters pictures beside it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from _common import RESULTS, write_results
from dlclassics.classic.features import FeaturesRunConfig, compare_features
from dlclassics.data.features import load_features


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cnn-features", type=Path, nargs="*", default=[])
    parser.add_argument("--datasets", nargs="+", default=["fashion-mnist", "mnist"])
    parser.add_argument("--train-rows", type=int, default=None, help="first N train rows")
    args = parser.parse_args()
    torch.set_num_threads(1)
    config = FeaturesRunConfig(
        datasets=tuple(args.datasets),
        cnn_features=tuple(args.cnn_features),
        train_rows=args.train_rows,
        run_dir=RESULTS / "features",
    )
    start = time.process_time()
    result = compare_features(config)
    cnn = {}
    for path in args.cnn_features:
        table = load_features(path)
        run = json.loads((Path(table.meta["run_dir"]) / "model.json").read_text())
        cnn[table.meta["data"]] = {"source": table.meta["source"], "step": run.get("step"),
                                   "run_metrics": run.get("metrics")}  # fmt: skip
    write_results(
        "features",
        "features_vs_learned",
        result["rows"],
        cnn_runs=cnn,
        pictures=[str(Path(p).relative_to(RESULTS.parent.parent)) for p in result["pictures"]],
        cpu_seconds=round(time.process_time() - start, 1),
        notes=(
            "Each (data, features) is fed to the same three classifiers with the settings chosen "
            "on Fashion-MNIST pixels (benchmarks/classic.py): linear SVM and softmax by SGD on "
            "features standardised with train statistics, k-NN (k=4, L2) on raw feature values. "
            "hog: 9 orientations, 4x4-pixel cells, 2x2-cell blocks, L2-Hys (scikit-image); hist: "
            "16 intensity bins; cnn: the penultimate activations (the head's input) of a LeNet "
            "trained on the same train split. Machine shared with other jobs."
        ),
    )


if __name__ == "__main__":
    main()
