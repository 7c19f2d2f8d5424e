"""``dlc classic``: the classic classifiers of course note 004 on real images.

    dlc classic knn --data fashion-mnist --run-dir runs/knn            # ≥ 85 % test accuracy
    dlc classic knn --run-dir runs/knn --cv                            # k by 5-fold CV first
    dlc classic softmax --run-dir runs/softmax                         # ≥ 84 %
    dlc classic svm --run-dir runs/svm                                 # ≥ 83 %
    dlc classic mlp --run-dir runs/engine-mlp                          # ≥ 88 %, NumPy engine
    dlc classic svm --preset quick --run-dir runs/svm-quick            # seconds, not minutes

One protocol for all four: fit on the ``train`` split (55,000 Fashion-MNIST images), report
accuracy on ``val`` (5,000, the split every default below was chosen on — see
``benchmarks/classic.py``) and on ``test`` (10,000, looked at once). Pixels are scaled to
[0, 1] and flattened to 784 features; the linear models and the MLP then subtract the training
mean and divide by the training std (二 · 9.1: 中心化, 放缩), fitted on ``train`` only.

Every command writes to ``--run-dir``: ``config.json`` (the resolved config, also printed),
``results.json`` (val and test accuracy, fit and predict seconds) and ``confusion.png`` (test);
and per model:

- knn — ``cv.png`` with ``--cv``: accuracy against k on each fold (the notes compare K = 3
  with K = 5 by hand, 一 · 4; 5-fold cross-validation picks k from the data);
- svm, softmax — ``loss.png`` (the SGD loss history) and ``templates.png`` (二 · 1、得分函数:
  each row of W drawn as a 28×28 image);
- mlp — ``metrics.jsonl`` (per-epoch rows in the trainer's format), ``curves.png``, and the
  epoch time of our tensor engine as a ratio to the same network in torch, timed in this run.

Bad input (k larger than the training set, a learning rate that diverges, labels outside the
classes, NaN) comes from the library as a :class:`~dlclassics.errors.UserError`: one line on
stderr and exit code 2.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from dlclassics.classic.knn import CVResult, KNNClassifier, KNNConfig, cross_validate_k, plot_cv
from dlclassics.classic.linear import LinearClassifier, LinearConfig
from dlclassics.classic.mlp_engine import MLP, FitConfig, MLPConfig, fit_engine_mlp, torch_mlp
from dlclassics.classic.preprocess import FloatArray, IntArray, MeanSubtraction, Normalization
from dlclassics.classic.templates import plot_templates
from dlclassics.commands import Command
from dlclassics.config import replace, to_dict
from dlclassics.data import load_images
from dlclassics.data.tensors import CLASS_NAMES, ensure
from dlclassics.errors import ConfigError
from dlclassics.io import write_json
from dlclassics.data.images import ImageData
from dlclassics.registry import Registry
from dlclassics.report.plots import confusion_matrix, plot_confusion, plot_curves, save_figure

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

ModelName = Literal["knn", "svm", "softmax", "mlp"]
Preprocess = Literal["normalize", "center", "none"]

# The targets of benchmarks/classic.py: test accuracy on Fashion-MNIST (other data sets have none).
TARGETS: dict[str, float] = {"knn": 0.85, "softmax": 0.84, "svm": 0.83, "mlp": 0.88}
TARGET_DATA = "fashion-mnist"
QUICK_ROWS = 10_000  # training rows of the quick presets (the first rows of the shuffled split)


# --- data -------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Splits:
    """Flattened images in [0, 1] (N, 784) and int64 labels (N,) of train, val and test."""

    X_train: FloatArray
    y_train: IntArray
    X_val: FloatArray
    y_val: IntArray
    X_test: FloatArray
    y_test: IntArray


def _split(data: str, split: str) -> tuple[FloatArray, IntArray]:
    images, labels = load_images(data, split)  # uint8 (N, 28, 28), int64 (N,)
    X = images.reshape(len(images), -1).astype(np.float64) / 255.0  # (N, 784) in [0, 1]
    return X, np.asarray(labels, dtype=np.int64)


def load_splits(data: str, train_rows: int | None = None) -> Splits:
    """The three splits of ``data`` (fetched on first use); ``train_rows`` keeps the first rows
    of the (already shuffled) train split."""
    ensure(data)
    X_train, y_train = _split(data, "train")
    if train_rows is not None:
        if not 1 <= train_rows <= len(X_train):
            raise ConfigError(
                f"train_rows={train_rows} but the train split of {data} has {len(X_train)} "
                f"rows; choose 1..{len(X_train)} (or leave it out for all)"
            )
        X_train, y_train = X_train[:train_rows], y_train[:train_rows]
    return Splits(X_train, y_train, *_split(data, "val"), *_split(data, "test"))


def _identity(X: FloatArray) -> FloatArray:
    return X


def _fit_normalize(X: FloatArray) -> Callable[[FloatArray], FloatArray]:
    return Normalization.fit(X).transform


def _fit_center(X: FloatArray) -> Callable[[FloatArray], FloatArray]:
    return MeanSubtraction.fit(X).transform


# 004 二 · 9.1: fit the statistics on train, apply them unchanged to every split.
PREPROCESS: dict[str, Callable[[FloatArray], Callable[[FloatArray], FloatArray]]] = {
    "normalize": _fit_normalize,  # (X − μ) / σ per pixel: 中心化 then 放缩
    "center": _fit_center,  # X − μ
    "none": lambda X: _identity,  # pixels / 255 as they are
}


_FEATURES = {"normalize": "normalized pixels", "center": "centred pixels", "none": "pixels"}


def preprocess(splits: Splits, how: Preprocess) -> Splits:
    """Every split transformed with statistics fitted on the train split only."""
    if how not in PREPROCESS:
        raise ConfigError(
            f"preprocess={how!r} is not known; choose one of: {', '.join(PREPROCESS)}"
        )
    f = PREPROCESS[how](splits.X_train)
    return Splits(
        f(splits.X_train), splits.y_train, f(splits.X_val), splits.y_val, f(splits.X_test),
        splits.y_test,
    )  # fmt: skip


# --- the shared ending: accuracy on val and test, confusion matrix, results.json ---------------


def _start(command: str, config: Any, run_dir: Path) -> None:
    """Print the resolved config and save it as ``config.json``."""
    resolved = {"command": f"classic {command}", "run": to_dict(config)}
    log.info("config: %s", json.dumps(resolved["run"], default=str))
    run_dir.mkdir(parents=True, exist_ok=True)
    write_json(run_dir / "config.json", resolved)


def _finish(
    model: ModelName,
    data: str,
    splits: Splits,
    predict: Callable[[FloatArray], IntArray],
    *,
    fit_seconds: float,
    run_dir: Path,
    describe: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Accuracy on val and test; writes ``confusion.png`` (test) and ``results.json``."""
    val_accuracy = float(np.mean(predict(splits.X_val) == splits.y_val))
    start = time.perf_counter()
    predictions = predict(splits.X_test)
    predict_seconds = time.perf_counter() - start
    labels = CLASS_NAMES[data]
    cm = confusion_matrix(splits.y_test, predictions, len(labels))
    test_accuracy = float(np.trace(cm) / cm.sum())
    plot_confusion(
        cm,
        labels,
        run_dir / "confusion.png",
        title=f"{describe} on {data} test: accuracy {test_accuracy:.4f}",
    )
    target = TARGETS[model] if data == TARGET_DATA else None
    results = {
        "model": model,
        "data": data,
        "train_rows": len(splits.X_train),
        "val_examples": len(splits.X_val),
        "test_examples": len(splits.X_test),
        "val_accuracy": round(val_accuracy, 4),
        "test_accuracy": round(test_accuracy, 4),
        "target_test_accuracy": target,
        "fit_seconds": round(fit_seconds, 3),
        "predict_seconds": round(predict_seconds, 3),  # the whole test split
        **(extra or {}),
    }
    write_json(run_dir / "results.json", results)
    goal = "" if target is None else f" (target ≥ {target})"
    print(
        f"{describe} on {data}: val {val_accuracy:.4f}, test {test_accuracy:.4f}{goal}; "
        f"fit {fit_seconds:.1f} s, predict {predict_seconds:.1f} s; outputs in {run_dir}"
    )
    return results


# --- knn ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class KNNRunConfig:
    data: ImageData = "fashion-mnist"  # image data set (fetched on first use)
    run_dir: Path = Path("runs/knn")  # config.json, results.json, confusion.png (and cv.png)
    train_rows: int | None = None  # the first N rows of the train split; None: all (55,000)
    # k = 4: the best Fashion-MNIST val accuracy of k = 1..20 with L2 (0.8538; k = 5: 0.8512),
    # benchmarks/classic.py. --metric l1 works too but scores only a few rows/s on 55,000.
    knn: KNNConfig = field(default_factory=lambda: KNNConfig(k=4))
    cv: bool = False  # choose k by cross-validation on cv_rows training rows first (replaces k)
    cv_rows: int = 5000  # the first N training rows the CV uses (a subset: seconds, not minutes)
    cv_ks: tuple[int, ...] = (1, 2, 3, 4, 5, 7, 9, 12, 15, 20)  # candidate values of k
    cv_folds: int = 5  # each fold held out once while the others are the training set
    seed: int = 0  # shuffles the CV rows into folds


def knn(config: KNNRunConfig) -> dict[str, Any]:
    """k-NN (004 一 · 4): memorize train, vote among the k nearest; k by CV with ``--cv``."""
    _start("knn", config, config.run_dir)
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
        extra["cv"] = {
            "rows": rows,
            "folds": config.cv_folds,
            "ks": list(cv.ks),
            "mean_accuracy": [round(float(a), 4) for a in cv.mean],
            "best_k": cv.best_k,
        }
        log.info("cross-validation chose k = %d (mean accuracy %.4f)", cv.best_k, cv.mean.max())
    start = time.perf_counter()
    model = KNNClassifier.fit(splits.X_train, splits.y_train, knn_config)
    fit_seconds = time.perf_counter() - start
    return _finish(
        "knn",
        config.data,
        splits,
        model.predict,
        fit_seconds=fit_seconds,
        run_dir=config.run_dir,
        describe=f"k-NN (k={knn_config.k}, {knn_config.metric})",
        extra={"k": knn_config.k, "metric": knn_config.metric, **extra},
    )


KNN_PRESETS: dict[str, KNNRunConfig] = {
    "quick": KNNRunConfig(run_dir=Path("runs/knn-quick"), train_rows=QUICK_ROWS),
    "full": KNNRunConfig(run_dir=Path("runs/knn-full"), cv=True),
}


# --- svm and softmax ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LinearRunConfig:
    data: ImageData = "fashion-mnist"  # image data set (fetched on first use)
    run_dir: Path = Path("runs/linear")  # config.json, results.json, confusion/loss/templates PNG
    train_rows: int | None = None  # the first N rows of the train split; None: all (55,000)
    preprocess: Preprocess = "normalize"  # fitted on train: (x − μ)/σ, x − μ, or pixels as is
    model: LinearConfig = field(default_factory=LinearConfig)  # loss, η, λ, epochs, batch, seed


# Chosen on Fashion-MNIST val by benchmarks/classic.py: the grid η ∈ {0.003, 0.01, 0.03, 0.1,
# 0.3, 1}, λ ∈ {1e-4, 1e-3, 1e-2} on normalized pixels, 20 epochs of batch 200, η × 0.9 per
# epoch. Best val accuracy: softmax 0.8556 (η = 0.3, λ = 1e-3), SVM 0.8524 (η = 0.03, λ = 1e-3).
SOFTMAX = LinearConfig(loss="softmax", learning_rate=0.3, reg=1e-3, epochs=20)
SVM = LinearConfig(loss="svm", learning_rate=0.03, reg=1e-3, epochs=20)


@dataclass(frozen=True, kw_only=True)
class SoftmaxRunConfig(LinearRunConfig):
    run_dir: Path = Path("runs/softmax")
    model: LinearConfig = field(default_factory=lambda: SOFTMAX)  # 5.1 Softmax分类器


@dataclass(frozen=True, kw_only=True)
class SVMRunConfig(LinearRunConfig):
    run_dir: Path = Path("runs/svm")
    model: LinearConfig = field(default_factory=lambda: SVM)  # 3.1: hinge with margin Δ


def plot_loss_history(
    history: tuple[float, ...], steps_per_epoch: int, out: Path, *, title: str
) -> Path:
    """The minibatch loss after every SGD step (grey) and its mean over each epoch (line)."""
    from matplotlib.figure import Figure

    losses = np.asarray(history)
    fig = Figure(figsize=(6, 3.8))
    ax = fig.subplots()
    ax.plot(np.arange(1, len(losses) + 1), losses, color="grey", alpha=0.4, lw=0.6, label="step")
    epochs = len(losses) // steps_per_epoch
    if epochs:
        means = losses[: epochs * steps_per_epoch].reshape(epochs, steps_per_epoch).mean(axis=1)
        ax.plot(steps_per_epoch * np.arange(1, epochs + 1), means, marker="o", label="epoch mean")
    ax.set_yscale("log")
    ax.set_xlabel("SGD step")
    ax.set_ylabel("loss (data + λ‖W‖²)")
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    return save_figure(fig, out)


def _linear(name: Literal["svm", "softmax"], config: LinearRunConfig) -> dict[str, Any]:
    """Train f = Wx + b with the ``name`` loss (004 二 · 1, 3, 5.1) by minibatch SGD."""
    if config.model.loss != name:
        raise ConfigError(
            f"`dlc classic {name}` trains loss={name!r}, not {config.model.loss!r}; "
            f"run `dlc classic {config.model.loss}` instead"
        )
    _start(name, config, config.run_dir)
    splits = preprocess(load_splits(config.data, config.train_rows), config.preprocess)
    start = time.perf_counter()
    model = LinearClassifier.fit(splits.X_train, splits.y_train, config.model)
    fit_seconds = time.perf_counter() - start
    describe = {"svm": "linear SVM", "softmax": "softmax classifier"}[name]
    steps_per_epoch = -(-len(splits.X_train) // config.model.batch_size)
    plot_loss_history(
        model.loss_history,
        steps_per_epoch,
        config.run_dir / "loss.png",
        title=f"{describe}: SGD loss (η={config.model.learning_rate}, λ={config.model.reg})",
    )
    plot_templates(
        model.W,
        CLASS_NAMES[config.data],
        config.run_dir / "templates.png",
        title=f"{describe} templates: rows of W on {_FEATURES[config.preprocess]}",
    )
    return _finish(
        name,
        config.data,
        splits,
        model.predict,
        fit_seconds=fit_seconds,
        run_dir=config.run_dir,
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
class EngineMLPRunConfig:
    data: ImageData = "fashion-mnist"  # image data set (fetched on first use)
    run_dir: Path = Path("runs/engine-mlp")  # config, results, metrics.jsonl, curves, confusion
    train_rows: int | None = None  # the first N rows of the train split; None: all (55,000)
    preprocess: Preprocess = "normalize"  # fitted on train: (x − μ)/σ, x − μ, or pixels as is
    # 784 → 256 → 10 ReLU, He init, SGD with momentum 0.9 (二 · 8) at a constant η = 0.01,
    # batch 64, 20 epochs: 0.8966 Fashion-MNIST val accuracy. Tried on val too: η = 0.05
    # oscillated (0.78–0.84 in its first 8 epochs); dropout 0.2 reached 0.8886 in 20 epochs.
    fit: FitConfig = field(
        default_factory=lambda: FitConfig(hidden=(256,), batch_size=64, lr=0.01, epochs=20)
    )
    timing_batches: int = 20  # SGD steps timed in each engine (best of 3) for the time ratio


def engine_initial_state(
    n_features: int, n_classes: int, fit: FitConfig
) -> tuple[MLP, np.random.Generator]:
    """The MLP :func:`fit_engine_mlp` starts from, and its generator in the same state.

    ``fit_engine_mlp`` seeds one generator with ``fit.seed``, builds the MLP from it, then
    draws each epoch's shuffle from it; rebuilding both here lets torch start from the same
    weights and (with dropout 0) visit the batches in the same order.
    """
    rng = np.random.default_rng(fit.seed)
    sizes = (n_features, *fit.hidden, n_classes)
    config = MLPConfig(sizes=sizes, activation=fit.activation, dropout=fit.dropout, init=fit.init)
    return MLP(config, rng=rng), rng


def fit_torch_mlp(X: FloatArray, y: IntArray, fit: FitConfig) -> torch.nn.Module:
    """The same training in torch: :func:`torch_mlp` (float64) from the engine's initial
    weights, ``torch.optim.SGD`` with the same momentum (equal to ours at a constant η, see
    :mod:`~dlclassics.classic.optim`) and weight decay, the same shuffles and batches.

    With ``fit.dropout`` = 0 both compute the same numbers up to rounding; with dropout the
    masks (torch's own generator) and, after the first epoch, the shuffles differ.
    """
    import torch
    import torch.nn.functional as F

    engine, rng = engine_initial_state(X.shape[1], int(y.max()) + 1, fit)
    model = torch_mlp(engine.config)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in engine.state_dict().items()})
    opt = torch.optim.SGD(
        model.parameters(), lr=fit.lr, momentum=fit.momentum, weight_decay=fit.weight_decay
    )
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    model.train()
    for _ in range(fit.epochs):
        order = torch.from_numpy(rng.permutation(len(X)))  # the engine's shuffle of this epoch
        for start in range(0, len(X), fit.batch_size):
            idx = order[start : start + fit.batch_size]
            loss = F.cross_entropy(model(X_t[idx]), y_t[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def numpy_blas_threads() -> int | None:
    """Threads of NumPy's OpenBLAS (via threadpoolctl, when installed), else None."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    counts = [p["num_threads"] for p in threadpool_info() if p["internal_api"] == "openblas"]
    return max(counts) if counts else None


def epoch_time_ratio(
    X: FloatArray, y: IntArray, fit: FitConfig, *, batches: int, repeats: int = 3
) -> dict[str, float | int | None]:
    """Seconds per SGD step of our engine and of torch on the same ``batches`` batches.

    Both in float64, from the same initial weights; alternating engine and torch, best of
    ``repeats``. Torch gets as many threads as NumPy's BLAS has (when threadpoolctl can tell),
    and its own count back afterwards. The ratio of steps is the ratio of epochs.
    """
    import torch

    if batches < 1:
        raise ConfigError(f"timing_batches={batches} must be ≥ 1")
    n = min(len(X), batches * fit.batch_size)
    X_few, y_few = X[:n], y[:n]
    steps = -(-n // fit.batch_size)
    one_epoch = replace(fit, epochs=1)
    best = {"engine": float("inf"), "torch": float("inf")}
    blas, torch_threads = numpy_blas_threads(), torch.get_num_threads()
    try:
        if blas is not None:
            torch.set_num_threads(blas)
        for _ in range(repeats):
            start = time.perf_counter()
            fit_engine_mlp(X_few, y_few, one_epoch)
            best["engine"] = min(best["engine"], time.perf_counter() - start)
            start = time.perf_counter()
            fit_torch_mlp(X_few, y_few, one_epoch)
            best["torch"] = min(best["torch"], time.perf_counter() - start)
        timed_threads = torch.get_num_threads()
    finally:
        torch.set_num_threads(torch_threads)
    return {
        "engine_step_ms": round(1000 * best["engine"] / steps, 3),
        "torch_step_ms": round(1000 * best["torch"] / steps, 3),
        "engine_over_torch_epoch_time": round(best["engine"] / best["torch"], 2),
        "timed_steps": steps,
        "numpy_blas_threads": blas,
        "torch_threads": timed_threads,
    }


def _mean_loss(model: MLP, X: FloatArray, y: IntArray) -> float:
    """Cross-entropy of the whole split in eval mode, without recording a graph."""
    from dlclassics.autograd.tensor import Tensor, cross_entropy, no_grad

    was_training = model.training
    model.eval()
    with no_grad():
        loss = cross_entropy(model(Tensor(X)), y).item()
    model.train(was_training)
    return loss


def engine_mlp(config: EngineMLPRunConfig) -> dict[str, Any]:
    """The MLP of 004 二 · 5 on our NumPy tensor engine: SGD + momentum, per-epoch metrics."""
    from dlclassics.train.metrics import MetricsLog

    _start("mlp", config, config.run_dir)
    splits = preprocess(load_splits(config.data, config.train_rows), config.preprocess)
    fit = config.fit
    steps_per_epoch = -(-len(splits.X_train) // fit.batch_size)
    metrics_path = config.run_dir / "metrics.jsonl"
    metrics_path.unlink(missing_ok=True)  # a fresh run: rows of an older one would mix in
    start = time.perf_counter()
    validating = [0.0]  # seconds spent in on_epoch, left out of fit_seconds
    with MetricsLog(metrics_path, tensorboard=False) as metrics:

        def on_epoch(epoch: int, loss: float, model: MLP) -> None:
            entered = time.perf_counter()
            step, elapsed = epoch * steps_per_epoch, entered - start
            metrics.write(
                step=step, split="train", metrics={"loss": loss}, lr=fit.lr, elapsed=elapsed
            )
            val = {
                "val_loss": _mean_loss(model, splits.X_val, splits.y_val),
                "val_acc": float(np.mean(model.predict(splits.X_val) == splits.y_val)),
            }
            metrics.write(step=step, split="val", metrics=val, lr=fit.lr, elapsed=elapsed)
            log.info(
                "epoch %d/%d: train loss %.4f, val loss %.4f, val acc %.4f (%.0f s)",
                epoch, fit.epochs, loss, val["val_loss"], val["val_acc"], elapsed,
            )  # fmt: skip
            validating[0] += time.perf_counter() - entered

        result = fit_engine_mlp(splits.X_train, splits.y_train, fit, on_epoch=on_epoch)
    fit_seconds = time.perf_counter() - start - validating[0]  # training only
    plot_curves(metrics_path, config.run_dir / "curves.png")
    timing = epoch_time_ratio(splits.X_train, splits.y_train, fit, batches=config.timing_batches)
    log.info(
        "one SGD step: engine %.2f ms, torch %.2f ms — engine epoch time = %.2f × torch's",
        timing["engine_step_ms"], timing["torch_step_ms"], timing["engine_over_torch_epoch_time"],
    )  # fmt: skip
    sizes = " → ".join(
        map(str, (splits.X_train.shape[1], *fit.hidden, len(CLASS_NAMES[config.data])))
    )
    return _finish(
        "mlp",
        config.data,
        splits,
        result.model.predict,
        fit_seconds=fit_seconds,
        run_dir=config.run_dir,
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


def _exit_code(run: Callable[[Any], dict[str, Any]]) -> Callable[[Any], int]:
    def command(config: Any) -> int:
        run(config)
        return 0

    return command


COMMANDS: Registry[Command] = Registry("classic command")
COMMANDS.add(
    "knn",
    Command(
        help="k-nearest neighbours on image pixels; k by cross-validation with --cv",
        config=KNNRunConfig,
        run=_exit_code(knn),
        presets=KNN_PRESETS,
    ),
)
COMMANDS.add(
    "svm",
    Command(
        help="linear SVM (multiclass hinge) by minibatch SGD; loss curve and templates",
        config=SVMRunConfig,
        run=_exit_code(svm),
        presets=SVM_PRESETS,
    ),
)
COMMANDS.add(
    "softmax",
    Command(
        help="softmax classifier (cross-entropy) by minibatch SGD; loss curve and templates",
        config=SoftmaxRunConfig,
        run=_exit_code(softmax),
        presets=SOFTMAX_PRESETS,
    ),
)
COMMANDS.add(
    "mlp",
    Command(
        help="MLP on our NumPy tensor engine; epoch time as a ratio to torch",
        config=EngineMLPRunConfig,
        run=_exit_code(engine_mlp),
        presets=MLP_PRESETS,
    ),
)
