"""Data preprocessing: mean subtraction, normalization, PCA and whitening.

Course note 004, 二、前向-后向传播神经网络 · 9、预防过拟合 · 9.1 数据预处理: "需要两步 ——
中心化；对各个维度进行放缩" — centre the data, then rescale each dimension. The note's figure is
the classic CS231n one; PCA and whitening complete it as in CS231n's *Data Preprocessing* notes.

For a data matrix X of shape (N, D), one example per row:

- mean subtraction   X' = X − μ,                          μ = (1/N) Σ_i x_i
- normalization      X' = (X − μ) / σ,                    σ_d = sqrt((1/N) Σ_i (x_id − μ_d)²)
- PCA                Σ = X'ᵀX' / (N − 1),  U S Uᵀ = svd(Σ),  X_rot = X' U[:, :k]
- whitening          X_white = X_rot / sqrt(S[:k] + ε)

A feature with σ_d = 0 (a pixel that is always black) is left unscaled (σ_d := 1), as
scikit-learn's ``StandardScaler`` does. The covariance divides by N − 1, so ``PCA.variances`` equal
scikit-learn's ``PCA.explained_variance_`` and whitened data has identity sample covariance
(``np.cov``). Each component's sign is fixed so that its largest-magnitude entry is positive
(scikit-learn's ``svd_flip`` rule), which makes the fit deterministic.

Every transform is **fit on the training set only** and then applied unchanged to validation and
test data: ``Cls.fit(X_train)`` returns a frozen record of the fitted statistics (μ, σ, U, S), and
its ``transform`` applies them.

>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(500, 2)) @ np.array([[2.0, 1.0], [0.0, 0.5]]) + 3.0
>>> white = Whitening.fit(X, WhiteningConfig(eps=0.0))
>>> bool(np.allclose(np.cov(white.transform(X), rowvar=False), np.eye(2)))
True

This module also holds the input checks every classic model shares (:func:`as_features`,
:func:`as_labels`, :func:`check_width`): bad arrays raise :class:`~dlclassics.errors.UserError`
and bad option values :class:`~dlclassics.errors.ConfigError`, each with a one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlclassics.errors import ConfigError, UserError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


# --- input checks shared by knn.py, linear.py and templates.py -------------------------------


def as_features(X: ArrayLike, *, name: str = "X") -> FloatArray:
    """``X`` as a finite float64 matrix of shape (N, D), or a one-line :class:`UserError`."""
    arr = np.asarray(X)
    if arr.dtype.kind not in "biuf":
        raise UserError(f"{name} has dtype {arr.dtype}; pass a numeric array of shape (N, D)")
    if arr.ndim != 2:
        raise UserError(
            f"{name} has shape {arr.shape}; expected (N, D), one example per row "
            f"(flatten images with {name}.reshape(len({name}), -1))"
        )
    if arr.size == 0:
        raise UserError(f"{name} is empty (shape {arr.shape}); pass at least one row and column")
    out = np.ascontiguousarray(arr, dtype=np.float64)
    finite = np.isfinite(out)
    if not finite.all():
        row = int(np.argwhere(~finite)[0, 0])
        raise UserError(
            f"{name} has {int((~finite).sum())} NaN or infinite values (first in row {row}); "
            "drop or impute them before fitting"
        )
    return out


def as_labels(y: ArrayLike, n: int, *, num_classes: int | None = None, name: str = "y") -> IntArray:
    """``y`` as int64 labels of shape (n,); with ``num_classes`` C, each must lie in [0, C)."""
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise UserError(f"{name} has shape {arr.shape} but X has {n} rows; expected shape ({n},)")
    if n == 0:
        raise UserError(f"{name} is empty; pass at least one labelled example")
    if arr.dtype.kind not in "biu":
        raise UserError(f"{name} has dtype {arr.dtype}; labels must be integers (class indices)")
    labels = arr.astype(np.int64)
    if num_classes is not None:
        low, high = int(labels.min()), int(labels.max())
        if low < 0 or high >= num_classes:
            bad = low if low < 0 else high
            raise UserError(
                f"{name} has label {bad}, outside [0, {num_classes}); "
                f"labels must be class indices 0..{num_classes - 1}"
            )
    return labels


def check_width(X: FloatArray, n_features: int, *, name: str = "X") -> None:
    """Raise a :class:`UserError` naming both shapes unless ``X`` has ``n_features`` columns."""
    if X.shape[1] != n_features:
        raise UserError(
            f"{name} has shape {X.shape}; expected {(X.shape[0], n_features)}, with the "
            f"{n_features} features this was fit on"
        )


# --- the transforms ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MeanSubtraction:
    """X' = X − μ: centre every feature on the training mean."""

    mean: FloatArray  # μ, (D,)

    @classmethod
    def fit(cls, X: ArrayLike) -> MeanSubtraction:
        X = as_features(X)
        return cls(mean=X.mean(axis=0))

    def transform(self, X: ArrayLike) -> FloatArray:
        X = as_features(X)
        check_width(X, self.mean.shape[0])
        return X - self.mean  # (N, D)


@dataclass(frozen=True, eq=False)
class Normalization:
    """X' = (X − μ) / σ: zero mean and unit variance per feature (σ_d = 0 is left as 1)."""

    mean: FloatArray  # μ, (D,)
    std: FloatArray  # σ, (D,); population std (divides by N), 1 where a feature is constant

    @classmethod
    def fit(cls, X: ArrayLike) -> Normalization:
        X = as_features(X)
        N = X.shape[0]
        mean, var = X.mean(axis=0), X.var(axis=0)
        # A constant feature has σ = 0 up to rounding, and dividing by it would only blow the
        # rounding up: treat σ² within the rounding bound of its computation as 0 (sklearn's rule).
        eps = np.finfo(np.float64).eps
        constant = var <= N * eps * var + (N * mean * eps) ** 2
        return cls(mean=mean, std=np.where(constant, 1.0, np.sqrt(var)))

    def transform(self, X: ArrayLike) -> FloatArray:
        X = as_features(X)
        check_width(X, self.mean.shape[0])
        return (X - self.mean) / self.std  # (N, D)


@dataclass(frozen=True, kw_only=True)
class PCAConfig:
    n_components: int | None = None  # k, principal directions kept; None keeps all D


@dataclass(frozen=True, eq=False, kw_only=True)
class PCA:
    """X_rot = (X − μ) U[:, :k]: coordinates along the directions of largest variance."""

    mean: FloatArray  # μ, (D,)
    components: FloatArray  # U[:, :k]ᵀ, (k, D): one unit direction per row, largest variance first
    variances: FloatArray  # S[:k], (k,): the training data's variance along each component

    @classmethod
    def fit(cls, X: ArrayLike, config: PCAConfig = PCAConfig()) -> PCA:
        X = as_features(X)
        N, D = X.shape
        k = D if config.n_components is None else config.n_components
        if not 1 <= k <= D:
            raise ConfigError(
                f"n_components={config.n_components} but X has {D} features; choose 1..{D}"
            )
        if N < 2:
            raise UserError(f"X has shape {X.shape}; PCA needs at least 2 rows to estimate Σ")
        mean = X.mean(axis=0)
        Xc = X - mean  # (N, D)
        cov = Xc.T @ Xc / (N - 1)  # Σ, (D, D)
        U, S, _ = np.linalg.svd(cov)  # Σ = U diag(S) Uᵀ, S descending
        components = U[:, :k].T  # (k, D)
        # svd_flip: make each direction's largest-|·| entry positive, so the fit is unique.
        signs = np.sign(components[np.arange(k), np.abs(components).argmax(axis=1)])
        return cls(mean=mean, components=components * signs[:, None], variances=S[:k])

    def transform(self, X: ArrayLike) -> FloatArray:
        X = as_features(X)
        check_width(X, self.mean.shape[0])
        return (X - self.mean) @ self.components.T  # (N, k)


@dataclass(frozen=True, kw_only=True)
class WhiteningConfig:
    n_components: int | None = None  # k, principal directions kept; None keeps all D
    eps: float = 1e-5  # ε added to each variance before the square root (data units squared);
    # keeps directions of ~zero variance from being blown up into noise


@dataclass(frozen=True, eq=False, kw_only=True)
class Whitening:
    """X_white = X_rot / sqrt(S + ε): PCA, then unit variance along every component."""

    pca: PCA  # μ, U and S of the training data
    eps: float  # ε

    @classmethod
    def fit(cls, X: ArrayLike, config: WhiteningConfig = WhiteningConfig()) -> Whitening:
        if not config.eps >= 0:
            raise ConfigError(f"eps={config.eps} must be ≥ 0; the default is 1e-5")
        pca = PCA.fit(X, PCAConfig(n_components=config.n_components))
        flat = pca.variances.min() <= np.finfo(np.float64).eps * pca.variances.max() * len(pca.mean)
        if config.eps == 0 and flat:
            raise ConfigError(
                "X has a direction of zero variance, so whitening divides by 0; set eps > 0 "
                "or keep fewer n_components"
            )
        return cls(pca=pca, eps=config.eps)

    def transform(self, X: ArrayLike) -> FloatArray:
        return self.pca.transform(X) / np.sqrt(self.pca.variances + self.eps)  # (N, k)


# --- the classic four-panel picture --------------------------------------------------------


def plot_preprocessing(X: ArrayLike, out: Path, *, eps: float = 1e-5) -> Path:
    """Draw 2-D data original, zero-centred, decorrelated (PCA) and whitened; write a PNG.

    The same four panels as CS231n's preprocessing figure: the cloud moves to the origin, rotates
    onto its principal axes, then becomes round. Returns ``out``.
    """
    from matplotlib.figure import Figure

    from dlclassics.report.plots import save_figure

    X = as_features(X)
    if X.shape[1] != 2:
        raise UserError(f"X has shape {X.shape}; this picture needs 2-D points, shape (N, 2)")
    panels = {
        "original data": X,
        "zero-centred": MeanSubtraction.fit(X).transform(X),
        "decorrelated (PCA)": PCA.fit(X).transform(X),
        "whitened": Whitening.fit(X, WhiteningConfig(eps=eps)).transform(X),
    }
    fig = Figure(figsize=(14, 3.8))
    axes = fig.subplots(1, 4)
    for ax, (title, Z) in zip(axes, panels.items(), strict=True):
        limit = 1.05 * float(np.abs(Z).max())
        ax.scatter(Z[:, 0], Z[:, 1], s=6, alpha=0.5)
        ax.axhline(0, color="grey", lw=0.6)
        ax.axvline(0, color="grey", lw=0.6)
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_aspect("equal")
        ax.set_title(title)
    return save_figure(fig, out)
