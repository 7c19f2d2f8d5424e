"""Learning rate too small, right, too large: descent on a narrow valley (004 §二.4, §二.6.3).

Note 004 (二 · 4、迭代法; 二 · 6.3) updates w_new = w_old − η ∂L/∂w and warns that the step size
η decides everything: too small and the loss creeps down, too large and w jumps across the
valley, oscillating (震荡) or diverging. On the quadratic bowl

    L(w) = ½ (a₁ w₁² + a₂ w₂²),   ∂L/∂w = (a₁ w₁, a₂ w₂),

each coordinate evolves as w_i ← (1 − η a_i) w_i, so plain gradient descent

* converges monotonically when η < 1/a_max,
* oscillates (the sign of w flips every step) while converging when 1/a_max < η < 2/a_max,
* diverges when η > 2/a_max.

:func:`descend` runs :class:`~dlclassics.classic.optim.SGD` (the same update) on that bowl and
:func:`plot_learning_rates` draws the notes' picture: loss curves and the path of w over the
contours, one per learning rate. Momentum damps the zig-zag (see :mod:`.optim`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dlclassics.classic.optim import SGD
from dlclassics.errors import ConfigError


@dataclass(frozen=True, kw_only=True)
class Valley:
    curvatures: tuple[float, float] = (1.0, 20.0)  # a₁, a₂: a valley 20× steeper across than along
    start: tuple[float, float] = (-9.0, 2.0)  # w(0)

    def loss(self, w: np.ndarray) -> float:
        a = np.asarray(self.curvatures)
        return float(0.5 * np.sum(a * w * w))

    def grad(self, w: np.ndarray) -> np.ndarray:
        return np.asarray(self.curvatures) * w


def descend(valley: Valley, lr: float, steps: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """Path of w (steps + 1, 2) and loss (steps + 1,) under w ← w − η ∇L."""
    if lr <= 0 or steps < 1:
        raise ConfigError(f"lr={lr} and steps={steps} must be positive")
    w = np.array(valley.start, dtype=np.float64)
    optimizer = SGD([w], lr=lr)
    path, losses = [w.copy()], [valley.loss(w)]
    for _ in range(steps):
        optimizer.step([valley.grad(w)])
        path.append(w.copy())
        losses.append(valley.loss(w))
    return np.array(path), np.array(losses)


def regimes(valley: Valley) -> dict[str, float]:
    """Three learning rates from the bowl's curvature: too small, right, too large."""
    a_max = max(valley.curvatures)
    return {"too small": 0.05 / a_max, "right": 0.9 / a_max, "too large": 2.05 / a_max}


def plot_learning_rates(
    out: Path, valley: Valley | None = None, lrs: Sequence[float] | None = None, steps: int = 40
) -> Path:
    """Loss vs step (log scale) and the path of w over the loss contours, per learning rate."""
    from dlclassics.report.plots import pyplot, save_figure

    valley = valley or Valley()
    named = regimes(valley) if lrs is None else {f"η = {lr:g}": lr for lr in lrs}
    plt = pyplot()
    fig, (ax_loss, ax_path) = plt.subplots(1, 2, figsize=(11, 4))
    grid = np.linspace(-10, 10, 201)
    w1, w2 = np.meshgrid(grid, np.linspace(-4, 4, 161))
    a1, a2 = valley.curvatures
    ax_path.contour(w1, w2, 0.5 * (a1 * w1**2 + a2 * w2**2), levels=15, cmap="Greys", alpha=0.5)
    for name, lr in named.items():
        path, losses = descend(valley, lr, steps)
        label = f"{name} (η = {lr:.3g})" if not name.startswith("η") else name
        ax_loss.semilogy(losses, label=label)
        shown = np.clip(path, [-10, -4], [10, 4])
        ax_path.plot(shown[:, 0], shown[:, 1], marker=".", label=label)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss L(w)")
    ax_loss.legend()
    ax_path.set_xlabel("w₁ (gentle slope)")
    ax_path.set_ylabel("w₂ (steep slope)")
    ax_path.set_title("gradient descent on L = ½(w₁² + 20 w₂²)")
    return save_figure(fig, out)
