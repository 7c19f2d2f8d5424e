"""Width and the decision boundary: one-hidden-layer MLPs on 2-D data (note 004 §二.5.3).

Note 004 §二.5.3 神经元个数的影响: "多一点分类效果好一点，但是太多也可能过拟合". A network
f(x) = W₂ φ(W₁ x + b₁) + b₂ with H hidden units on points x ∈ ℝ² splits the plane along its
decision boundary {x : f(x)₀ = f(x)₁}. With ReLU φ the boundary is piecewise linear with at
most H kinks' worth of pieces: H = 1 draws one line, a few units a polygon, tens of units
follow the spiral arms — and, with noisy labels, the noise too. The L2 penalty of §二.3.2,

    L = (1/N) Σᵢ −log softmax(f(xᵢ))_{yᵢ} + (λ/2) Σ_W ‖W‖²       (weights, not biases)

smooths the boundary back: the same wide network with λ > 0 trades a few training points for
a simpler curve.

:func:`sweep` trains one network per (data set, λ, width) on a fixed train/val split, full
batch with Adam; :func:`boundary_grid` lays the grid the boundary is drawn on;
:func:`plot_boundaries` draws a row per (data set, λ) and a column per width, and
:func:`plot_accuracy` train and val accuracy against the width.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import NDArray

from dlclassics.errors import ConfigError
from dlclassics.mlp.model import MLP, MLPConfig
from dlclassics.mlp.toy2d import Toy2D, make_data
from dlclassics.report.plots import save_figure


@dataclass(frozen=True, kw_only=True)
class BoundaryConfig:
    datasets: tuple[Toy2D, ...] = ("spirals", "moons", "circles")
    widths: tuple[int, ...] = (1, 2, 3, 5, 10, 20, 50)  # hidden units H of the one hidden layer
    # λ of the L2 penalty, one row of pictures per value (1e-2 already flattens the spirals to
    # a line and a kink at every width)
    l2: tuple[float, ...] = (0.0, 1e-3)
    activation: Literal["relu", "tanh"] = "relu"  # φ; ReLU: piecewise-linear boundaries
    points: int = 400  # points per data set, half of each class
    val_fraction: float = 0.25  # the last quarter of the (shuffled) points is validation
    steps: int = 3000  # full-batch Adam steps per network
    lr: float = 0.02  # Adam step size
    seed: int = 0  # data and initial weights
    resolution: int = 150  # grid points per axis of the boundary pictures
    out: Path = Path("runs/mlp-boundary")  # boundary.png, accuracy.png, boundary.json

    def __post_init__(self) -> None:
        if not self.datasets or not self.widths or not self.l2:
            raise ConfigError("datasets, widths and l2 each need at least one value")
        if min(self.widths) < 1:
            raise ConfigError(f"widths={self.widths}: every width must be ≥ 1")
        if min(self.l2) < 0:
            raise ConfigError(f"l2={self.l2}: λ must be ≥ 0")
        if not 0 < self.val_fraction < 1:
            raise ConfigError(f"val_fraction={self.val_fraction} must be in (0, 1)")
        if self.points < 8 or self.steps < 1 or self.resolution < 2:
            raise ConfigError("points must be ≥ 8, steps ≥ 1 and resolution ≥ 2")


@dataclass(frozen=True, eq=False)
class Grid:
    """A square grid over the data: ``points`` (R·R, 2) in row-major order of (ys, xs)."""

    xs: NDArray[np.float32]  # (R,) x coordinates
    ys: NDArray[np.float32]  # (R,) y coordinates
    points: NDArray[np.float32]  # (R·R, 2): (xs[j], ys[i]) at row i·R + j


def boundary_grid(X: NDArray[Any], resolution: int, margin: float = 0.1) -> Grid:
    """A grid spanning the data's bounding box widened by ``margin`` of its size on each side."""
    lo, hi = X.min(axis=0), X.max(axis=0)  # (2,), (2,)
    pad = margin * (hi - lo)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution, dtype=np.float32)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)  # (R, R) each: gx[i, j] = xs[j], gy[i, j] = ys[i]
    return Grid(xs, ys, np.stack([gx.ravel(), gy.ravel()], axis=1))


def l2_penalty(model: torch.nn.Module) -> torch.Tensor:
    """½ Σ_W ‖W‖² over the weight matrices (biases are not penalised, §二.3.2)."""
    return 0.5 * sum(
        (p.pow(2).sum() for n, p in model.named_parameters() if n.endswith("weight")),
        torch.tensor(0.0),
    )


def fit_mlp(X: torch.Tensor, y: torch.Tensor, width: int, l2: float, config: BoundaryConfig) -> MLP:
    """One hidden layer of ``width`` units, full-batch Adam for ``config.steps`` steps."""
    torch.manual_seed(config.seed)  # the same initial weights for every data set and λ
    model = MLP(
        MLPConfig(hidden=(width,), activation=config.activation, dropout=0.0),
        n_inputs=2,
        n_classes=2,
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    for _ in range(config.steps):
        loss = F.cross_entropy(model(X), y) + l2 * l2_penalty(model)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


@torch.no_grad()
def accuracy(model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    return float((model(X).argmax(-1) == y).float().mean())


@dataclass(frozen=True, eq=False)
class Fitted:
    """One trained network: its scores and the class-1 probability over the grid."""

    dataset: str
    width: int
    l2: float
    train_accuracy: float
    val_accuracy: float
    probability: NDArray[np.float32]  # (R, R): P(class 1) at each grid point


@dataclass(frozen=True, eq=False)
class DataSplit:
    X_train: NDArray[np.float32]
    y_train: NDArray[np.int64]
    X_val: NDArray[np.float32]
    y_val: NDArray[np.int64]
    grid: Grid


def split_data(name: Toy2D, config: BoundaryConfig) -> DataSplit:
    X, y = make_data(name, config.points, np.random.default_rng(config.seed))
    n_train = config.points - max(1, round(config.val_fraction * config.points))
    grid = boundary_grid(X, config.resolution)
    return DataSplit(X[:n_train], y[:n_train], X[n_train:], y[n_train:], grid)


def sweep(config: BoundaryConfig) -> tuple[dict[str, DataSplit], list[Fitted]]:
    """Train every (data set, λ, width); the data and the fitted networks' grids and scores."""
    data: dict[str, DataSplit] = {}
    fitted: list[Fitted] = []
    for name in config.datasets:
        d = data[name] = split_data(name, config)
        X, y = torch.from_numpy(d.X_train), torch.from_numpy(d.y_train)
        Xv, yv = torch.from_numpy(d.X_val), torch.from_numpy(d.y_val)
        R = config.resolution
        for l2 in config.l2:
            for width in config.widths:
                model = fit_mlp(X, y, width, l2, config)
                with torch.no_grad():
                    p = model(torch.from_numpy(d.grid.points)).softmax(-1)[:, 1]  # (R·R,)
                fitted.append(
                    Fitted(
                        name, width, l2, accuracy(model, X, y), accuracy(model, Xv, yv),
                        p.numpy().reshape(R, R),
                    )
                )  # fmt: skip
    return data, fitted


def rows(fitted: list[Fitted]) -> list[dict[str, Any]]:
    """The JSON rows: data set, width, λ, train and val accuracy."""
    return [
        {"dataset": f.dataset, "width": f.width, "l2": f.l2,
         "train_accuracy": round(f.train_accuracy, 4), "val_accuracy": round(f.val_accuracy, 4)}
        for f in fitted
    ]  # fmt: skip


LEVELS = np.linspace(0.0, 1.0, 9)  # shades of P(class 1): 8 bands keep the PNG small


def plot_boundaries(
    data: dict[str, DataSplit], fitted: list[Fitted], path: Path, *, title: str = ""
) -> Path:
    """A row per (data set, λ), a column per width: P(class 1) shaded, boundary, points."""
    from matplotlib.figure import Figure

    keys = list(dict.fromkeys((f.dataset, f.l2) for f in fitted))
    widths = list(dict.fromkeys(f.width for f in fitted))
    by = {(f.dataset, f.l2, f.width): f for f in fitted}
    fig = Figure(figsize=(1.7 * len(widths) + 0.6, 1.8 * len(keys) + 0.6))
    axes = fig.subplots(len(keys), len(widths), squeeze=False)
    for r, (name, l2) in enumerate(keys):
        d = data[name]
        for c, width in enumerate(widths):
            ax, f = axes[r, c], by[name, l2, width]
            ax.contourf(d.grid.xs, d.grid.ys, f.probability, levels=LEVELS, cmap="RdBu_r",
                        alpha=0.6)  # fmt: skip
            ax.contour(d.grid.xs, d.grid.ys, f.probability, levels=[0.5], colors="k",
                       linewidths=0.8)  # fmt: skip
            ax.scatter(*d.X_train.T, c=d.y_train, cmap="bwr", s=3, linewidths=0)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"H={width}: {f.train_accuracy:.2f}/{f.val_accuracy:.2f}", fontsize=7)
            if c == 0:
                ax.set_ylabel(f"{name}\nλ={l2:g}", fontsize=8)
    fig.suptitle(title or "decision boundary by hidden width H (train/val accuracy)", fontsize=10)
    return save_figure(fig, path)


def plot_accuracy(fitted: list[Fitted], path: Path) -> Path:
    """Train (solid) and val (dashed) accuracy against the width, one panel per data set."""
    from matplotlib.figure import Figure

    names = list(dict.fromkeys(f.dataset for f in fitted))
    fig = Figure(figsize=(3.2 * len(names), 2.8))
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    for ax, name in zip(axes, names, strict=True):
        for i, l2 in enumerate(dict.fromkeys(f.l2 for f in fitted if f.dataset == name)):
            sel = [f for f in fitted if f.dataset == name and f.l2 == l2]
            w = [f.width for f in sel]
            colour = f"C{i}"
            ax.plot(w, [f.train_accuracy for f in sel], "-o", color=colour, ms=3,
                    label=f"train λ={l2:g}")  # fmt: skip
            ax.plot(w, [f.val_accuracy for f in sel], "--s", color=colour, ms=3,
                    label=f"val λ={l2:g}")  # fmt: skip
        ax.set_xscale("log")
        ax.set_xlabel("hidden units H")
        ax.set_ylabel("accuracy")
        ax.set_title(name, fontsize=9)
        ax.set_ylim(0.4, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6)
    return save_figure(fig, path)


def run_boundary(config: BoundaryConfig, *, command: str = "") -> dict[str, Any]:
    """The sweep, its pictures and ``boundary.json`` (rows + the command) in ``config.out``."""
    from dlclassics.config import to_dict
    from dlclassics.io import write_json

    data, fitted = sweep(config)
    result = {
        "command": command,
        "config": to_dict(config),
        "notes": "one hidden layer, full-batch Adam; val = the last "
        f"{config.val_fraction:.0%} of the shuffled points",
        "rows": rows(fitted),
        "pictures": [
            str(plot_boundaries(data, fitted, config.out / "boundary.png")),
            str(plot_accuracy(fitted, config.out / "accuracy.png")),
        ],
    }
    write_json(config.out / "boundary.json", result)
    return result
