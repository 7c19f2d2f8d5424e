"""The plots every family shares: training curves (drawn by :mod:`dlclassics.train.curves`)
and confusion matrices.

All figures are drawn with matplotlib's Agg backend (no screen needed) and written
atomically as PNG.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from dlclassics.train.curves import plot_curves, pyplot, save_figure

__all__ = ["confusion_matrix", "plot_confusion", "plot_curves", "save_figure"]


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """C[i, j] = number of examples of true class i predicted as class j."""
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def plot_confusion(cm: np.ndarray, labels: Sequence[str], out: Path, *, title: str = "") -> Path:
    """Row-normalised confusion matrix with counts in each cell."""
    plt = pyplot()
    rates = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(7, 6))
    image = ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    fig.colorbar(image, ax=ax, fraction=0.046, label="fraction of true class")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            color = "white" if rates[i, j] > 0.5 else "black"
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=7, color=color)
    ax.set_title(title or f"accuracy {np.trace(cm) / max(cm.sum(), 1):.4f}")
    return save_figure(fig, out)
