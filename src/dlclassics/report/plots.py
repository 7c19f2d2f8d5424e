"""The plots every family shares: training curves and confusion matrices.

All figures are drawn with matplotlib's Agg backend (no screen needed) and written
atomically as PNG.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dlclassics.io import write_bytes
from dlclassics.train.metrics import read_metrics


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Any, path: Path) -> Path:
    """Render ``fig`` to PNG bytes and write them atomically; closes the figure."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    _pyplot().close(fig)
    write_bytes(path, buffer.getvalue())
    return path


def plot_curves(metrics_jsonl: Path, out: Path, *, keys: Sequence[str] = ("loss", "acc")) -> Path:
    """One panel per metric name, train and validation against the step."""
    series: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    for row in read_metrics(metrics_jsonl):
        split = row.get("split", "train")
        metrics = row.get("metrics", {})
        for key in keys:
            value = metrics.get(key, metrics.get(f"{split}_{key}"))  # val rows say "val_loss"
            if value is not None:
                series[(key, split)].append((int(row["step"]), float(value)))
    plt = _pyplot()
    fig, axes = plt.subplots(1, len(keys), figsize=(5 * len(keys), 3.5), squeeze=False)
    for ax, key in zip(axes[0], keys, strict=True):
        for (name, split), points in sorted(series.items()):
            if name == key and points:
                steps, values = zip(*points, strict=True)
                ax.plot(steps, values, label=split, marker="o" if split != "train" else None)
        ax.set_xlabel("step")
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        ax.legend()
    return save_figure(fig, out)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """C[i, j] = number of examples of true class i predicted as class j."""
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def plot_confusion(cm: np.ndarray, labels: Sequence[str], out: Path, *, title: str = "") -> Path:
    """Row-normalised confusion matrix with counts in each cell."""
    plt = _pyplot()
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
