"""``dlc classic``: the classic classifiers of course note 004 on real images.

    dlc classic knn --data fashion-mnist --run-dir runs/knn            # ≥ 85 % test accuracy
    dlc classic knn --run-dir runs/knn --cv                            # k by 5-fold CV first
    dlc classic softmax --run-dir runs/softmax                         # ≥ 84 %
    dlc classic svm --run-dir runs/svm                                 # ≥ 83 %
    dlc classic mlp --run-dir runs/engine-mlp                          # ≥ 88 %, NumPy engine
    dlc classic svm --preset quick --run-dir runs/svm-quick            # seconds, not minutes
    dlc classic features --cnn-features runs/lenet/features.safetensors  # HOG vs pixels vs CNN

One protocol for all four (:mod:`~dlclassics.classic.protocol`): fit on the ``train`` split
(55,000 Fashion-MNIST images), choose every default on ``val`` (5,000; see
``benchmarks/classic.py``), look at ``test`` (10,000) once. Pixels are scaled to [0, 1] and
flattened to 784 features; the linear models and the MLP then standardize them with statistics
of ``train`` (二 · 9.1: 中心化, 放缩).

Every command writes to ``--run-dir``: ``config.json`` (the resolved config, also printed),
``results.json`` (val and test accuracy, fit and predict seconds) and ``confusion.png`` (test);
and per model:

- knn — ``cv.png`` with ``--cv``: accuracy against k on each fold (the notes compare K = 3
  with K = 5 by hand, 一 · 4; 5-fold cross-validation picks k from the data);
- svm, softmax — ``loss.png`` (the SGD loss history) and ``templates.png`` (二 · 1、得分函数:
  each row of W drawn as a 28×28 image);
- mlp — ``metrics.jsonl`` (per-epoch rows in the trainer's format), ``curves.png``, and the
  epoch time of our tensor engine as a ratio to the same network in torch, timed in this run
  (:mod:`~dlclassics.classic.reference`).

Bad input (k larger than the training set, a learning rate that diverges, labels outside the
classes, NaN) comes from the library as a :class:`~dlclassics.errors.UserError`: one line on
stderr and exit code 2.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from dlclassics.classic import protocol
from dlclassics.classic.features import FeaturesRunConfig, compare_features
from dlclassics.classic.knn import CVResult, KNNClassifier, KNNConfig, cross_validate_k, plot_cv
from dlclassics.classic.linear import LinearClassifier, LinearConfig, plot_loss_history
from dlclassics.classic.mlp_engine import EpochMetrics, FitConfig, fit_engine_mlp
from dlclassics.classic.preprocess import FloatArray, IntArray
from dlclassics.classic.protocol import Preprocess, Splits, load_splits, preprocess
from dlclassics.classic.reference import epoch_time_ratio
from dlclassics.classic.templates import plot_templates
from dlclassics.commands import Command
from dlclassics.config import replace, to_dict
from dlclassics.data.images import ImageData
from dlclassics.data.tensors import CLASS_NAMES
from dlclassics.errors import ConfigError
from dlclassics.io import write_json
from dlclassics.registry import Registry
from dlclassics.report.plots import plot_confusion, plot_curves

log = logging.getLogger(__name__)

ModelName = Literal["knn", "svm", "softmax", "mlp"]
QUICK_ROWS = 10_000  # training rows of the quick presets (the first rows of the shuffled split)


# --- the shared beginning and ending: config.json; scores, confusion.png, results.json -------


@dataclass(frozen=True, kw_only=True)
class ImageRunConfig:
    """The options every command shares: the data, the output folder, the training rows."""

    data: ImageData = "fashion-mnist"  # image data set (fetched on first use)
    run_dir: Path = Path("runs/classic")  # config.json, results.json, confusion.png
    train_rows: int | None = None  # the first N rows of the train split; None: all (55,000)


def _start(command: str, config: ImageRunConfig) -> None:
    """Print the resolved config and save it as ``config.json``."""
    resolved = {"command": f"classic {command}", "run": to_dict(config)}
    log.info("config: %s", json.dumps(resolved["run"], default=str))
    config.run_dir.mkdir(parents=True, exist_ok=True)
    write_json(config.run_dir / "config.json", resolved)


def _finish(
    model: ModelName,
    config: ImageRunConfig,
    splits: Splits,
    predict: Callable[[FloatArray], IntArray],
    *,
    fit_seconds: float,
    describe: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Accuracy on val and test; writes ``confusion.png`` (test) and ``results.json``."""
    data, labels = config.data, CLASS_NAMES[config.data]
    s = protocol.score(splits, predict, len(labels))
    title = f"{describe} on {data} test: accuracy {s.test_accuracy:.4f}"
    plot_confusion(s.confusion, labels, config.run_dir / "confusion.png", title=title)
    target = protocol.TARGETS[model] if data == protocol.TARGET_DATA else None
    results = {
        "model": model,
        "data": data,
        "train_rows": len(splits.X_train),
        "val_examples": len(splits.X_val),
        "test_examples": len(splits.X_test),
        "val_accuracy": round(s.val_accuracy, 4),
        "test_accuracy": round(s.test_accuracy, 4),
        "target_test_accuracy": target,
        "fit_seconds": round(fit_seconds, 3),
        "predict_seconds": round(s.predict_seconds, 3),  # the whole test split
        **(extra or {}),
    }
    write_json(config.run_dir / "results.json", results)
    goal = "" if target is None else f" (target ≥ {target})"
    print(
        f"{describe} on {data}: val {s.val_accuracy:.4f}, test {s.test_accuracy:.4f}{goal}; "
        f"fit {fit_seconds:.1f} s, predict {s.predict_seconds:.1f} s; outputs in {config.run_dir}"
    )
    return results


# --- knn ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class KNNRunConfig(ImageRunConfig):
    run_dir: Path = Path("runs/knn")  # config.json, results.json, confusion.png (and cv.png)
    # k = 4: the best Fashion-MNIST val accuracy of k = 1..20 with L2 (0.8538; k = 5: 0.8512),
    # benchmarks/classic.py. --metric l1 works too but scores only a few rows/s on 55,000.
    knn: KNNConfig = field(default_factory=lambda: protocol.KNN)
    cv: bool = False  # choose k by cross-validation on cv_rows training rows first (replaces k)
    cv_rows: int = 5000  # the first N training rows the CV uses (a subset: seconds, not minutes)
    cv_ks: tuple[int, ...] = (1, 2, 3, 4, 5, 7, 9, 12, 15, 20)  # candidate values of k
    cv_folds: int = 5  # each fold held out once while the others are the training set
    seed: int = 0  # shuffles the CV rows into folds


def knn(config: KNNRunConfig) -> dict[str, Any]:
    """k-NN (004 一 · 4): memorize train, vote among the k nearest; k by CV with ``--cv``."""
    _start("knn", config)
    splits = load_splits(config.data, config.train_rows)
    knn_config, extra = config.knn, {}
    if config.cv:
        rows = min(config.cv_rows, len(splits.X_train))
        cv: CVResult = cross_validate_k(
            splits.X_train[:rows],
            splits.y_train[:rows],
            config.cv_ks,
            folds=config.cv_folds,
            rng=np.random.default_rng(config.seed),
            config=knn_config,
        )
        plot_cv(cv, config.run_dir / "cv.png", title=f"k-NN on {rows} {config.data} images")
        knn_config = replace(knn_config, k=cv.best_k)
        extra["cv"] = {"rows": rows, **cv.summary()}
        log.info("cross-validation chose k = %d (mean accuracy %.4f)", cv.best_k, cv.mean.max())
    start = time.perf_counter()
    model = KNNClassifier.fit(splits.X_train, splits.y_train, knn_config)
    fit_seconds = time.perf_counter() - start
    return _finish(
        "knn",
        config,
        splits,
        model.predict,
        fit_seconds=fit_seconds,
        describe=f"k-NN (k={knn_config.k}, {knn_config.metric})",
        extra={"k": knn_config.k, "metric": knn_config.metric, **extra},
    )


KNN_PRESETS: dict[str, KNNRunConfig] = {
    "quick": KNNRunConfig(run_dir=Path("runs/knn-quick"), train_rows=QUICK_ROWS),
    "full": KNNRunConfig(run_dir=Path("runs/knn-full"), cv=True),
}


# --- svm and softmax ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LinearRunConfig(ImageRunConfig):
    run_dir: Path = Path("runs/linear")  # config.json, results.json, confusion/loss/templates PNG
    preprocess: Preprocess = "normalize"  # fitted on train: (x − μ)/σ, x − μ, or pixels as is
    model: LinearConfig = field(default_factory=LinearConfig)  # loss, η, λ, epochs, batch, seed


@dataclass(frozen=True, kw_only=True)
class SoftmaxRunConfig(LinearRunConfig):
    run_dir: Path = Path("runs/softmax")
    model: LinearConfig = field(default_factory=lambda: protocol.SOFTMAX)  # 5.1 Softmax分类器


@dataclass(frozen=True, kw_only=True)
class SVMRunConfig(LinearRunConfig):
    run_dir: Path = Path("runs/svm")
    model: LinearConfig = field(default_factory=lambda: protocol.SVM)  # 3.1: hinge with margin Δ


def _linear(name: Literal["svm", "softmax"], config: LinearRunConfig) -> dict[str, Any]:
    """Train f = Wx + b with the ``name`` loss (004 二 · 1, 3, 5.1) by minibatch SGD."""
    if config.model.loss != name:
        raise ConfigError(
            f"`dlc classic {name}` trains loss={name!r}, not {config.model.loss!r}; "
            f"run `dlc classic {config.model.loss}` instead"
        )
    _start(name, config)
    splits = preprocess(load_splits(config.data, config.train_rows), config.preprocess)
    start = time.perf_counter()
    model = LinearClassifier.fit(splits.X_train, splits.y_train, config.model)
    fit_seconds = time.perf_counter() - start
    describe = {"svm": "linear SVM", "softmax": "softmax classifier"}[name]
    steps_per_epoch = -(-len(splits.X_train) // config.model.batch_size)
    title = f"{describe}: SGD loss (η={config.model.lr}, λ={config.model.reg})"
    plot_loss_history(model.loss_history, steps_per_epoch, config.run_dir / "loss.png", title=title)
    plot_templates(
        model.W,
        CLASS_NAMES[config.data],
        config.run_dir / "templates.png",
        title=f"{describe} templates: rows of W on {protocol.FEATURES[config.preprocess]}",
    )
    return _finish(
        name,
        config,
        splits,
        model.predict,
        fit_seconds=fit_seconds,
        describe=describe,
        extra={"final_loss": round(float(np.mean(model.loss_history[-steps_per_epoch:])), 4)},
    )


def softmax(config: LinearRunConfig) -> dict[str, Any]:
    """The softmax classifier (cross-entropy loss, 004 二 · 5.1)."""
    return _linear("softmax", config)


def svm(config: LinearRunConfig) -> dict[str, Any]:
    """The multiclass linear SVM (hinge loss with margin Δ, 004 二 · 3.1)."""
    return _linear("svm", config)


def _linear_presets(base: LinearRunConfig, name: str) -> dict[str, LinearRunConfig]:
    return {
        "quick": replace(  # 10,000 rows, 5 epochs: a few seconds
            base,
            run_dir=Path(f"runs/{name}-quick"),
            train_rows=QUICK_ROWS,
            model=replace(base.model, epochs=5),
        ),
        "full": replace(base, run_dir=Path(f"runs/{name}-full")),
    }


SOFTMAX_PRESETS = _linear_presets(SoftmaxRunConfig(), "softmax")
SVM_PRESETS = _linear_presets(SVMRunConfig(), "svm")


# --- the MLP on our own tensor engine -----------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class EngineMLPRunConfig(ImageRunConfig):
    run_dir: Path = Path("runs/engine-mlp")  # config, results, metrics.jsonl, curves, confusion
    preprocess: Preprocess = "normalize"  # fitted on train: (x − μ)/σ, x − μ, or pixels as is
    # 784 → 256 → 10 ReLU, He init, SGD with momentum 0.9 (二 · 8) at a constant η = 0.01,
    # batch 64, 20 epochs: 0.8966 Fashion-MNIST val accuracy. Tried on val too: η = 0.05
    # oscillated (0.78–0.84 in its first 8 epochs); dropout 0.2 reached 0.8886 in 20 epochs.
    fit: FitConfig = field(default_factory=lambda: protocol.MLP_FIT)
    timing_batches: int = 20  # SGD steps timed in each engine (best of 3) for the time ratio


def engine_mlp(config: EngineMLPRunConfig) -> dict[str, Any]:
    """The MLP of 004 二 · 5 on our NumPy tensor engine: SGD + momentum, per-epoch metrics."""
    from dlclassics.train.metrics import MetricsLog

    _start("mlp", config)
    splits = preprocess(load_splits(config.data, config.train_rows), config.preprocess)
    fit = config.fit
    steps_per_epoch = -(-len(splits.X_train) // fit.batch_size)
    metrics_path = config.run_dir / "metrics.jsonl"
    metrics_path.unlink(missing_ok=True)  # a fresh run: rows of an older one would mix in
    start = time.perf_counter()
    with MetricsLog(metrics_path, tensorboard=False) as metrics:
        on_epoch = EpochMetrics(metrics, splits.X_val, splits.y_val, fit, steps_per_epoch, start)
        result = fit_engine_mlp(splits.X_train, splits.y_train, fit, on_epoch=on_epoch)
    fit_seconds = time.perf_counter() - start - on_epoch.seconds  # training only, not validation
    plot_curves(metrics_path, config.run_dir / "curves.png")
    timing = epoch_time_ratio(splits.X_train, splits.y_train, fit, batches=config.timing_batches)
    sizes = " → ".join(
        map(str, (splits.X_train.shape[1], *fit.hidden, len(CLASS_NAMES[config.data])))
    )
    return _finish(
        "mlp",
        config,
        splits,
        result.model.predict,
        fit_seconds=fit_seconds,
        describe=f"engine MLP {sizes}",
        extra={
            "epochs": fit.epochs,
            "epoch_losses": [round(v, 4) for v in result.losses],
            **timing,
        },
    )


MLP_PRESETS: dict[str, EngineMLPRunConfig] = {
    "quick": EngineMLPRunConfig(  # 10,000 rows, 3 epochs: ~15 s on one core
        run_dir=Path("runs/engine-mlp-quick"),
        train_rows=QUICK_ROWS,
        fit=replace(EngineMLPRunConfig().fit, epochs=3),
    ),
    "full": EngineMLPRunConfig(run_dir=Path("runs/engine-mlp-full")),
}


def _command(
    run: Callable[[Any], dict[str, Any]], config: type, presets: Mapping[str, Any]
) -> Command:
    """A ``dlc classic`` command: options from ``config``; ``run`` returns results, it 0."""

    def command(options: Any) -> int:
        run(options)
        return 0

    return Command(config=config, run=command, presets=presets)


COMMANDS: Registry[Command] = Registry("classic command")  # help lines: dlclassics.classic
COMMANDS.add("knn", _command(knn, KNNRunConfig, KNN_PRESETS))
COMMANDS.add("svm", _command(svm, SVMRunConfig, SVM_PRESETS))
COMMANDS.add("softmax", _command(softmax, SoftmaxRunConfig, SOFTMAX_PRESETS))
COMMANDS.add("mlp", _command(engine_mlp, EngineMLPRunConfig, MLP_PRESETS))


# --- hand-made vs learned features -------------------------------------------------------------


def features(config: FeaturesRunConfig) -> dict[str, Any]:
    """Every (data set, features, classifier): ``features.json`` and the HOG/filters pictures."""
    config.run_dir.mkdir(parents=True, exist_ok=True)
    result = {"config": to_dict(config), **compare_features(config)}
    write_json(config.run_dir / "features.json", result)
    print(features_table(result["rows"]))
    print(*result["pictures"], config.run_dir / "features.json", sep="\n")
    return result


def features_table(rows: list[dict[str, Any]]) -> str:
    """Test accuracy as text: a line per (data set, features), a column per classifier."""
    classifiers = list(dict.fromkeys(r["classifier"] for r in rows))
    cells = {(r["data"], r["features"], r["classifier"]): r["test_accuracy"] for r in rows}
    lines = ["data           features   dim    " + "  ".join(f"{c:>7}" for c in classifiers)]
    dims = {(r["data"], r["features"]): r["dim"] for r in rows}
    for data, name in dict.fromkeys((r["data"], r["features"]) for r in rows):
        accs = [cells.get((data, name, c)) for c in classifiers]
        text = "  ".join("      -" if a is None else f"{a:7.4f}" for a in accs)
        lines.append(f"{data:14} {name:9} {dims[data, name]:5}  {text}")
    return "\n".join(lines)


COMMANDS.add("features", _command(features, FeaturesRunConfig, {}))
