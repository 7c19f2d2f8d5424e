"""The classic classifiers' step in ``dlc tour`` (course note 004): k-NN, linear SVM, softmax
and the MLP on our own tensor engine, on Fashion-MNIST, each compared with its target
(``benchmarks/classic.py``).

Full tour: the ``dlc classic`` defaults (all 55,000 training images; k-NN's k by 5-fold CV on
5,000 of them). ``--quick``: each command's ``quick`` preset — 10,000 training images, 5 epochs
for the linear models, 3 for the MLP, k by CV on 2,000 images — about a minute on 2 cores; the
targets are for the full runs, so quick rows are informational.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from dlclassics.classic.commands import (
    KNN_PRESETS,
    MLP_PRESETS,
    SOFTMAX_PRESETS,
    SVM_PRESETS,
    EngineMLPRunConfig,
    KNNRunConfig,
    LinearRunConfig,
    SoftmaxRunConfig,
    SVMRunConfig,
    engine_mlp,
    knn,
    softmax,
    svm,
)
from dlclassics.classic.features import FeaturesRunConfig, compare_features
from dlclassics.classic.learning_rate import plot_learning_rates
from dlclassics.classic.protocol import TARGETS
from dlclassics.config import replace
from dlclassics.data.images import ImageData
from dlclassics.report.html import ResultRow, Section
from dlclassics.tour import TourConfig

DATA: ImageData = "fashion-mnist"


def _configs(
    config: TourConfig, out_dir: Path
) -> tuple[KNNRunConfig, LinearRunConfig, LinearRunConfig, EngineMLPRunConfig]:
    """The four run configs of this tour, each writing to its own folder under ``out_dir``."""
    if config.quick:
        knn_run = replace(KNN_PRESETS["quick"], cv=True, cv_rows=2000)
        soft_run: LinearRunConfig = SOFTMAX_PRESETS["quick"]
        svm_run: LinearRunConfig = SVM_PRESETS["quick"]
        mlp_run = MLP_PRESETS["quick"]
    else:
        knn_run = KNNRunConfig(cv=True)
        soft_run, svm_run = SoftmaxRunConfig(), SVMRunConfig()
        mlp_run = EngineMLPRunConfig()
    seed = config.seed
    return (
        replace(knn_run, data=DATA, run_dir=out_dir / "knn", seed=seed),
        replace(
            soft_run,
            data=DATA,
            run_dir=out_dir / "softmax",
            model=replace(soft_run.model, seed=seed),
        ),
        replace(
            svm_run, data=DATA, run_dir=out_dir / "svm", model=replace(svm_run.model, seed=seed)
        ),
        replace(mlp_run, data=DATA, run_dir=out_dir / "mlp", fit=replace(mlp_run.fit, seed=seed)),
    )


def _accuracy_row(what: str, result: dict[str, Any], quick: bool) -> ResultRow:
    target = TARGETS[result["model"]]
    return ResultRow(
        what=f"{what}: test accuracy ({result['test_examples']:,} images)",
        ours=f"{result['test_accuracy']:.4f} (val {result['val_accuracy']:.4f}, "
        f"{result['train_rows']:,} training images)",
        reference=f"≥ {target} (benchmarks/classic.py target, all 55,000 training images)",
        ok=None if quick else result["test_accuracy"] >= target,
    )


FEATURE_ROWS = 2000  # training images of the features table in the tour: a few seconds


def _features_rows(out_dir: Path) -> tuple[list[ResultRow], list[Path], float]:
    """Pixels vs HOG under softmax and k-NN on a 2,000-image slice (``dlc classic features``)."""
    start = time.perf_counter()
    config = FeaturesRunConfig(datasets=(DATA,), features=("pixels", "hog"),
                               classifiers=("softmax", "knn"), train_rows=FEATURE_ROWS,
                               run_dir=out_dir / "features")  # fmt: skip
    result = compare_features(config)
    rows = [
        ResultRow(
            what=f"{r['features']} ({r['dim']} features) + {r['classifier']}: test accuracy",
            ours=f"{r['test_accuracy']:.4f} ({FEATURE_ROWS:,} training images)",
            reference="HOG > pixels for every classifier (benchmarks/features.py, all images)",
        )
        for r in result["rows"]
    ]
    return rows, [Path(p) for p in result["pictures"]], time.perf_counter() - start


def tour_step(config: TourConfig, out_dir: Path) -> Section:
    """Run the four ``dlc classic`` commands and gather their figures into one section."""
    shutil.rmtree(out_dir, ignore_errors=True)  # the tour's own output: each tour starts afresh
    knn_run, soft_run, svm_run, mlp_run = _configs(config, out_dir)
    start = time.perf_counter()
    results = {
        "knn": knn(knn_run),
        "softmax": softmax(soft_run),
        "svm": svm(svm_run),
        "mlp": engine_mlp(mlp_run),
    }
    seconds = time.perf_counter() - start
    feature_rows, feature_pictures, feature_seconds = _features_rows(out_dir)
    quick = config.quick
    k, cv = results["knn"]["k"], results["knn"]["cv"]
    mlp = results["mlp"]
    rows = [
        _accuracy_row(
            f"k-NN, L2, k = {k} (5-fold CV on {cv['rows']:,} images)", results["knn"], quick
        ),
        _accuracy_row("softmax classifier (SGD)", results["softmax"], quick),
        _accuracy_row("linear SVM (SGD, Δ = 1)", results["svm"], quick),
        _accuracy_row(
            f"MLP 784 → {' → '.join(map(str, mlp_run.fit.hidden))} → 10 on our engine, "
            f"{mlp_run.fit.epochs} epochs",
            mlp,
            quick,
        ),
        ResultRow(
            what="engine MLP epoch time ÷ torch's (same network, float64, same batches)",
            ours=f"{mlp['engine_over_torch_epoch_time']:.2f}× ({mlp['engine_step_ms']:.1f} vs "
            f"{mlp['torch_step_ms']:.1f} ms per step, {mlp['torch_threads']} thread(s))",
            reference="reported, no target (benchmarks/classic.py)",
        ),
        *feature_rows,
    ]
    options = " --preset quick --cv --cv-rows 2000" if quick else " --cv"
    commands = [f"dlc classic knn --run-dir runs/knn{options}"]
    options = " --preset quick" if quick else ""
    commands += [f"dlc classic {m} --run-dir runs/{m}{options}" for m in ("softmax", "svm", "mlp")]
    commands.append(
        f"dlc classic features --datasets {DATA} --features pixels hog --classifiers softmax "
        f"knn --train-rows {FEATURE_ROWS}"
    )
    return Section(
        title="Classic classifiers on Fashion-MNIST (notes 004: k-NN, SVM, softmax, MLP)",
        summary=(
            "Each model fits the train split, reports accuracy on the 5,000-image val split and "
            "the 10,000-image test split. k-NN votes among the k nearest training images by "
            "pixel distance, k chosen by 5-fold cross-validation; the SVM (hinge) and softmax "
            "(cross-entropy) are the score function f = Wx + b on normalized pixels, trained by "
            "minibatch SGD — their rows of W, drawn as images, are the class templates; the MLP "
            "runs on our NumPy tensor engine (backprop from scratch), SGD with momentum."
        ),
        rows=rows,
        images=[
            soft_run.run_dir / "templates.png",
            knn_run.run_dir / "cv.png",
            mlp_run.run_dir / "curves.png",
            svm_run.run_dir / "loss.png",
            plot_learning_rates(out_dir / "learning_rates.png"),
            *feature_pictures,
        ],
        notes=[
            "The templates of the val-best step size (η = 0.3) are grainy: large steps fit "
            "pixel-level detail. With --lr 0.01 the rows of W look like smooth class "
            "outlines, at about 1 point lower val accuracy (0.843 vs 0.856, 55,000 images) — "
            "the trade-off note 004 二 · 3.2 正则化惩罚项 describes.",
            f"Hand-made features (note 004 §一.2, 特征工程): HOG — histograms of gradient "
            f"orientations in 4×4-pixel cells — against raw pixels, same classifiers, on "
            f"{FEATURE_ROWS:,} training images ({feature_seconds:.0f} s; not in the time below). "
            "`dlc classic features` adds intensity histograms and a CNN's learned features.",
        ],
        seconds=seconds,
        timed="training + evaluation of the four models",
        command="; ".join(commands),
    )
