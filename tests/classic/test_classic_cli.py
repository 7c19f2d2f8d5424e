"""`dlc classic knn / svm / softmax / mlp` end to end on real digits (500 MNIST images).

The commands run in-process through ``dlclassics.cli.main``, as the console script does, with
``$DLCLASSICS_HOME`` pointing at a cache built from ``fixtures/mnist_5k_500.csv.gz``: 400
training, 50 validation and 50 test digits.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from dlclassics.cli import main
from dlclassics.train.metrics import read_metrics

DIGITS = ["--data", "mnist-5k"]


def results(run: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((run / "results.json").read_text())
    return data


def assert_common_outputs(run: Path, command: str) -> dict[str, Any]:
    config = json.loads((run / "config.json").read_text())
    assert config["command"] == f"classic {command}" and config["run"]["data"] == "mnist-5k"
    assert (run / "confusion.png").stat().st_size > 10_000
    out = results(run)
    assert (out["train_rows"], out["val_examples"], out["test_examples"]) == (400, 50, 50)
    assert out["fit_seconds"] >= 0 and out["predict_seconds"] >= 0
    assert out["target_test_accuracy"] is None  # targets are for Fashion-MNIST only
    return out


def test_knn_chooses_k_by_cross_validation_and_writes_its_plot(
    mnist500_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    run = tmp_path / "knn"
    argv = ["classic", "knn", *DIGITS, "--run-dir", str(run), "--cv", "--cv-ks", "1", "3", "5"]
    assert main(argv) == 0
    out = assert_common_outputs(run, "knn")
    assert out["cv"]["rows"] == 400 and out["cv"]["ks"] == [1, 3, 5]
    assert out["k"] == out["cv"]["best_k"]
    assert out["cv"]["mean_accuracy"][[1, 3, 5].index(out["k"])] == max(out["cv"]["mean_accuracy"])
    assert (run / "cv.png").stat().st_size > 10_000
    # Deterministic (no randomness once k is fixed): 0.86 val / 0.82 test with k = 1 here.
    assert out["test_accuracy"] >= 0.8
    assert f"k-NN (k={out['k']}, l2) on mnist-5k" in capsys.readouterr().out
    assert '"cv": true' in caplog.text  # the resolved config is printed


@pytest.mark.parametrize("model", ["softmax", "svm"])
def test_linear_models_write_loss_history_and_templates(
    model: str, mnist500_home: Path, tmp_path: Path
) -> None:
    run = tmp_path / model
    assert main(["classic", model, *DIGITS, "--run-dir", str(run), "--epochs", "10"]) == 0
    out = assert_common_outputs(run, model)
    for picture in ("loss.png", "templates.png"):
        assert (run / picture).stat().st_size > 10_000, picture
    saved = json.loads((run / "config.json").read_text())["run"]
    assert saved["model"]["loss"] == model and saved["model"]["epochs"] == 10
    assert saved["preprocess"] == "normalize"
    # 10 epochs on 400 digits: test 0.80-0.90 over seeds 0-9 for both losses (chance: 0.10).
    assert out["test_accuracy"] >= 0.72


def test_engine_mlp_logs_epochs_in_the_trainers_format_and_times_torch(
    mnist500_home: Path, tmp_path: Path
) -> None:
    run = tmp_path / "mlp"
    argv = ["classic", "mlp", *DIGITS, "--run-dir", str(run), "--epochs", "3", "--hidden", "64"]
    assert main([*argv, "--timing-batches", "2"]) == 0
    out = assert_common_outputs(run, "mlp")
    rows = read_metrics(run / "metrics.jsonl")
    assert [(r["split"], r["step"]) for r in rows] == [
        (split, epoch * 7) for epoch in (1, 2, 3) for split in ("train", "val")
    ]  # 400 digits at batch 64: 7 steps per epoch
    assert set(rows[0]["metrics"]) == {"loss"} and set(rows[1]["metrics"]) == {
        "val_loss",
        "val_acc",
    }
    assert [r["metrics"]["loss"] for r in rows[::2]] == pytest.approx(out["epoch_losses"], abs=1e-4)
    assert rows[-1]["metrics"]["val_acc"] == out["val_accuracy"]
    assert (run / "curves.png").stat().st_size > 10_000
    assert out["timed_steps"] == 2 and out["engine_over_torch_epoch_time"] > 0
    # 3 epochs on 400 digits: test 0.80-0.90 over seeds 0-9.
    assert out["test_accuracy"] >= 0.72


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["knn", "--train-rows", "3"], "k=4 is larger than the training set (3 rows)"),
        (["knn", "--k", "0"], "k=0 must be ≥ 1"),
        (["knn", "--cv", "--cv-ks", "1", "399"], "k=399 does not fit"),
        (["knn", "--train-rows", "0"], "train_rows=0"),
        (["svm", "--lr", "1e300", "--epochs", "1"], "loss became"),
        (["softmax", "--reg=-1"], "reg=-1.0 must be ≥ 0"),
        (["svm", "--loss", "softmax"], "run `dlc classic softmax` instead"),
        (["mlp", "--dropout", "1.5", "--epochs", "1"], "dropout p=1.5"),
        (["knn", "--metric", "l3"], "invalid choice 'l3'"),
        (["softmax", "--preset", "huge"], "unknown preset 'huge'"),
    ],
)
def test_bad_input_prints_one_line_and_exits_2(
    argv: list[str],
    message: str,
    mnist500_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    command = ["classic", argv[0], *DIGITS, "--run-dir", str(tmp_path / "run"), *argv[1:]]
    assert main(command) == 2
    stderr = capsys.readouterr().err
    err = [line for line in stderr.splitlines() if line.startswith("error")]
    assert len(err) == 1 and message in err[0], stderr  # besides it, only the config is logged
    assert "Traceback" not in stderr


def test_the_tour_has_a_classic_step() -> None:
    from dlclassics.classic.tour import tour_step
    from dlclassics.families import tour_families
    from dlclassics.tour.commands import _step

    assert "classic" in tour_families() and _step("classic") is tour_step


@pytest.mark.slow
def test_the_quick_tour_step_runs_all_four_on_fashion_mnist(tmp_path: Path) -> None:
    from dlclassics.classic.tour import tour_step
    from dlclassics.tour import TourConfig

    section = tour_step(TourConfig(quick=True), tmp_path / "classic")
    assert all(image.is_file() for image in section.images) and len(section.images) == 6
    # Quick presets, seed 0 (10,000 training images): k-NN 0.82, softmax 0.82, SVM 0.82,
    # engine MLP 0.85 test accuracy.
    accuracies = [float(row.ours.split()[0]) for row in section.rows[:4]]
    assert min(accuracies) >= 0.78
