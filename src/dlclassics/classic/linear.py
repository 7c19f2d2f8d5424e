"""Linear classifiers: the score function f = Wx + b, the SVM and softmax losses, and SGD.

Course note 004, 二、前向-后向传播神经网络:

- **1、得分函数** — the score of every class for an image x (D pixels, one column):

      f(x; W, b) = Wx + b,      W: (C, D), one row per class;  b: (C,)

  For a batch X (N, D), one example per row, that is S = X Wᵀ + b, shape (N, C); s_j is the
  score of class j. The **bias trick** appends a constant 1 to x and b as a last column of W, so
  f = W'x' with x' = [x, 1] and W' = [W | b] (:func:`append_ones`, :func:`fold_bias`).
- **3、损失函数 · 3.1 实例** — the multiclass SVM (hinge) loss of example i, margin Δ (= 1 in the
  notes, ``delta`` here):

      L_i = Σ_{j≠y_i} max(0, s_j − s_{y_i} + Δ)

- **5.1 Softmax分类器** — scores → probabilities → minus log of the right class:

      P(y = k | x_i) = e^{s_k} / Σ_j e^{s_j},      L_i = −log P(y = y_i | x_i)

  computed stably as L_i = log Σ_j e^{s_j − m} − (s_{y_i} − m) with m = max_j s_j, which
  changes nothing mathematically but never overflows e^{s} (:func:`softmax`).
- **3.2 正则化惩罚项** and **5、前向传播** — the full loss is the mean data loss plus λR(W):

      L = (1/N) Σ_i L_i + λ Σ_k Σ_l W_{k,l}²

  The bias is not penalized (R depends on W only).

Each loss comes twice, ``*_naive`` (loops over examples and classes, the formula as written) and
``*_vectorized`` (whole-batch NumPy), both returning the loss and its analytic gradient
(∂L/∂W, ∂L/∂b); the tests check them against each other, against a numerical gradient and
against torch (``C · multi_margin_loss`` — torch divides the hinge sum by the C classes — and
``cross_entropy``). The hinge's subgradient at the kink (margin exactly 0) is taken as 0.

:class:`LinearClassifier` trains W, b by minibatch SGD (note 二 · 8、权重的更新迭代 without the
momentum term: W ← W − η ∂L/∂W, η = ``LinearConfig.lr``) and predicts argmax_j s_j;
:func:`plot_loss_history` draws its loss after every step.

>>> rng = np.random.default_rng(0)
>>> X = np.concatenate([rng.normal(-2, 1, (100, 2)), rng.normal(2, 1, (100, 2))])
>>> y = np.repeat([0, 1], 100)
>>> model = LinearClassifier.fit(X, y, LinearConfig(loss="svm", epochs=20))
>>> bool((model.predict(X) == y).mean() > 0.95)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from dlclassics.classic.preprocess import (
    FloatArray,
    IntArray,
    as_features,
    as_labels,
    check_width,
)
from dlclassics.errors import ConfigError, TrainingDiverged, UserError

LossName = Literal["svm", "softmax"]


# --- the score function and the bias trick -------------------------------------------------


def scores(X: FloatArray, W: FloatArray, b: FloatArray) -> FloatArray:
    """S = X Wᵀ + b: f(x_i; W, b) = W x_i + b for every row x_i of X, shape (N, C)."""
    return X @ W.T + b  # (N, D) @ (D, C) + (C,) -> (N, C)


def append_ones(X: FloatArray) -> FloatArray:
    """x' = [x, 1] for every row: (N, D) -> (N, D + 1)."""
    return np.hstack([X, np.ones((X.shape[0], 1))])


def fold_bias(W: FloatArray, b: FloatArray) -> FloatArray:
    """W' = [W | b]: the bias as the last column, (C, D) -> (C, D + 1), so W'x' = Wx + b."""
    return np.hstack([W, b[:, None]])


# --- losses: naive and vectorized ----------------------------------------------------------


class LossGrad(NamedTuple):
    loss: float  # L = mean data loss + λ‖W‖²
    dW: FloatArray  # ∂L/∂W, (C, D)
    db: FloatArray  # ∂L/∂b, (C,)


def _check_loss_inputs(W: FloatArray, b: FloatArray, X: FloatArray, y: IntArray) -> None:
    """Cheap shape and label checks (these run once per SGD step: no full scan of X)."""
    if W.ndim != 2 or X.ndim != 2 or X.shape[1] != W.shape[1]:
        raise UserError(
            f"X has shape {X.shape} and W has shape {W.shape}; W needs shape (C, {X.shape[-1]}), "
            "one row of weights per class"
        )
    if b.shape != (W.shape[0],):
        raise UserError(f"b has shape {b.shape} and W has shape {W.shape}; b needs shape (C,)")
    if y.shape != (X.shape[0],):
        raise UserError(f"y has shape {y.shape} but X has shape {X.shape}; one label per row")
    if X.shape[0] == 0:
        raise UserError("X is empty; pass at least one example")
    if y.min() < 0 or y.max() >= W.shape[0]:
        raise UserError(
            f"y has labels in [{y.min()}, {y.max()}] but W has {W.shape[0]} classes; "
            f"labels must lie in [0, {W.shape[0]})"
        )


def svm_loss_naive(
    W: FloatArray,
    b: FloatArray,
    X: FloatArray,
    y: IntArray,
    *,
    reg: float = 0.0,
    delta: float = 1.0,
) -> LossGrad:
    """Multiclass SVM loss and gradient, one example and one class at a time."""
    _check_loss_inputs(W, b, X, y)
    N, C = X.shape[0], W.shape[0]
    loss, dW, db = 0.0, np.zeros_like(W), np.zeros_like(b)
    for i in range(N):
        s = W @ X[i] + b  # (C,)
        for j in range(C):
            if j == y[i]:
                continue
            margin = s[j] - s[y[i]] + delta  # s_j − s_{y_i} + Δ
            if margin > 0:  # max(0, ·) is active: ∂/∂s_j = +1, ∂/∂s_{y_i} = −1
                loss += margin
                dW[j] += X[i]
                dW[y[i]] -= X[i]
                db[j] += 1.0
                db[y[i]] -= 1.0
    loss, dW, db = loss / N, dW / N, db / N
    loss += reg * float(np.sum(W * W))  # λR(W)
    dW += 2 * reg * W
    return LossGrad(loss, dW, db)


def svm_loss_vectorized(
    W: FloatArray,
    b: FloatArray,
    X: FloatArray,
    y: IntArray,
    *,
    reg: float = 0.0,
    delta: float = 1.0,
) -> LossGrad:
    """:func:`svm_loss_naive` for the whole batch at once."""
    _check_loss_inputs(W, b, X, y)
    N = X.shape[0]
    rows = np.arange(N)
    S = scores(X, W, b)  # (N, C)
    margins = np.maximum(0.0, S - S[rows, y][:, None] + delta)  # (N, C)
    margins[rows, y] = 0.0  # the sum skips j = y_i
    loss = float(margins.sum()) / N + reg * float(np.sum(W * W))
    dS = (margins > 0).astype(np.float64)  # +1 for every active margin
    dS[rows, y] = -dS.sum(axis=1)  # s_{y_i} appears in each, with −1
    dS /= N  # (N, C)
    return LossGrad(loss, dS.T @ X + 2 * reg * W, dS.sum(axis=0))  # (C, D), (C,)


def softmax(S: FloatArray) -> FloatArray:
    """e^{s_k} / Σ_j e^{s_j} per row, after shifting each row by its max (no overflow)."""
    shifted = S - S.max(axis=1, keepdims=True)  # (N, C), ≤ 0
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def softmax_loss_naive(
    W: FloatArray, b: FloatArray, X: FloatArray, y: IntArray, *, reg: float = 0.0
) -> LossGrad:
    """Softmax cross-entropy loss and gradient, one example at a time."""
    _check_loss_inputs(W, b, X, y)
    N, C = X.shape[0], W.shape[0]
    loss, dW, db = 0.0, np.zeros_like(W), np.zeros_like(b)
    for i in range(N):
        s = W @ X[i] + b  # (C,)
        s = s - s.max()  # shift: same probabilities, e^{s} ≤ 1
        log_sum = math.log(float(np.exp(s).sum()))
        loss += log_sum - s[y[i]]  # −log P(y_i | x_i)
        for j in range(C):
            p_j = math.exp(s[j] - log_sum)
            g = p_j - (1.0 if j == y[i] else 0.0)  # ∂L_i/∂s_j = P_j − 1[j = y_i]
            dW[j] += g * X[i]
            db[j] += g
    loss, dW, db = loss / N, dW / N, db / N
    loss += reg * float(np.sum(W * W))
    dW += 2 * reg * W
    return LossGrad(loss, dW, db)


def softmax_loss_vectorized(
    W: FloatArray, b: FloatArray, X: FloatArray, y: IntArray, *, reg: float = 0.0
) -> LossGrad:
    """:func:`softmax_loss_naive` for the whole batch at once."""
    _check_loss_inputs(W, b, X, y)
    N = X.shape[0]
    rows = np.arange(N)
    S = scores(X, W, b)
    shifted = S - S.max(axis=1, keepdims=True)  # (N, C)
    log_sum = np.log(np.exp(shifted).sum(axis=1))  # (N,)
    loss = float(np.mean(log_sum - shifted[rows, y])) + reg * float(np.sum(W * W))
    dS = np.exp(shifted - log_sum[:, None])  # P, (N, C)
    dS[rows, y] -= 1.0  # P − 1[j = y_i]
    dS /= N
    return LossGrad(loss, dS.T @ X + 2 * reg * W, dS.sum(axis=0))


# --- the classifier, trained by minibatch SGD ----------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LinearConfig:
    loss: LossName = "softmax"  # "svm": multiclass hinge with margin Δ; "softmax": cross-entropy
    lr: float = 0.01  # η, step size on the minibatch-mean loss
    lr_decay: float = 0.9  # η is multiplied by this after every epoch
    reg: float = 1e-4  # λ in λ‖W‖²
    delta: float = 1.0  # Δ, the SVM margin (the notes' "+1"); unused by softmax
    epochs: int = 10  # passes over the training set
    batch_size: int = 200  # examples per SGD step
    init_scale: float = 1e-3  # W starts as init_scale · N(0, 1); b starts at 0
    num_classes: int | None = None  # C; None: the largest training label + 1
    seed: int = 0  # seeds the Generator behind the initial W and the epoch shuffles


# The loss a config names, evaluated on a minibatch: (W, b, X, y, config) -> LossGrad.
_LOSSES: dict[str, Callable[[FloatArray, FloatArray, FloatArray, IntArray, LinearConfig], LossGrad]]
_LOSSES = {
    "svm": lambda W, b, X, y, c: svm_loss_vectorized(W, b, X, y, reg=c.reg, delta=c.delta),
    "softmax": lambda W, b, X, y, c: softmax_loss_vectorized(W, b, X, y, reg=c.reg),
}


def _check_linear_config(config: LinearConfig) -> None:
    if config.loss not in _LOSSES:
        raise ConfigError(f"loss={config.loss!r} is not known; choose 'svm' or 'softmax'")
    positive = {
        "lr": config.lr,
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "lr_decay": config.lr_decay,
    }
    for name, value in positive.items():
        if not value > 0:
            raise ConfigError(f"{name}={value} must be > 0")
    if not config.reg >= 0:
        raise ConfigError(f"reg={config.reg} must be ≥ 0 (λ, the L2 penalty)")
    if config.num_classes is not None and config.num_classes < 2:
        raise ConfigError(f"num_classes={config.num_classes} must be ≥ 2")


@dataclass(frozen=True, eq=False)
class LinearClassifier:
    """Trained weights of f(x; W, b) = Wx + b; predicts argmax_j s_j."""

    W: FloatArray  # (C, D)
    b: FloatArray  # (C,)
    config: LinearConfig
    loss_history: tuple[float, ...] = field(default=())  # minibatch loss after every SGD step

    @classmethod
    def fit(
        cls,
        X: ArrayLike,
        y: ArrayLike,
        config: LinearConfig = LinearConfig(),
        *,
        rng: np.random.Generator | None = None,
    ) -> LinearClassifier:
        """Minibatch SGD on ``config.loss``; ``rng`` defaults to ``default_rng(config.seed)``.

        Each epoch visits the rows in a fresh random order, ``batch_size`` at a time:
        W ← W − η ∂L/∂W, b ← b − η ∂L/∂b; then η ← η · lr_decay.
        """
        _check_linear_config(config)
        X = as_features(X)
        y_raw = as_labels(y, X.shape[0])
        C = max(int(y_raw.max()) + 1, 2) if config.num_classes is None else config.num_classes
        y = as_labels(y_raw, X.shape[0], num_classes=C)
        rng = np.random.default_rng(config.seed) if rng is None else rng
        N, D = X.shape
        W = config.init_scale * rng.standard_normal((C, D))
        b = np.zeros(C)
        loss_fn, lr = _LOSSES[config.loss], config.lr
        history: list[float] = []
        for epoch in range(config.epochs):
            order = rng.permutation(N)
            for start in range(0, N, config.batch_size):
                batch = order[start : start + config.batch_size]
                with np.errstate(over="ignore", invalid="ignore"):  # divergence is checked below
                    loss, dW, db = loss_fn(W, b, X[batch], y[batch], config)
                if not math.isfinite(loss):
                    raise TrainingDiverged(
                        f"loss became {loss} in epoch {epoch} (step {len(history)}); lower "
                        f"lr (now {config.lr}) or standardize X"
                    )
                W -= lr * dW
                b -= lr * db
                history.append(loss)
            lr *= config.lr_decay
        return cls(W=W, b=b, config=config, loss_history=tuple(history))

    def scores(self, X: ArrayLike) -> FloatArray:
        """S = X Wᵀ + b, shape (N, C)."""
        X = as_features(X)
        check_width(X, self.W.shape[1])
        return scores(X, self.W, self.b)

    def predict(self, X: ArrayLike) -> IntArray:
        """argmax_j s_j for every row (the smallest class index on a tie), shape (N,)."""
        return self.scores(X).argmax(axis=1).astype(np.int64)


def plot_loss_history(
    history: tuple[float, ...], steps_per_epoch: int, out: Path, *, title: str
) -> Path:
    """The minibatch loss after every SGD step (grey) and its mean over each epoch (line)."""
    from matplotlib.figure import Figure

    from dlclassics.report.plots import save_figure

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
