"""Training curves of a run: loss (and accuracy) against the step, from ``metrics.jsonl``.

Drawn with matplotlib's Agg backend (no screen needed), imported only when a figure is drawn,
and written atomically as PNG: ``plot_curves(run_dir / "metrics.jsonl", run_dir / "curves.png")``.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dlclassics.io import write_bytes
from dlclassics.train.metrics import read_metrics


def pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig: Any, path: Path) -> Path:
    """Render ``fig`` to PNG bytes and write them atomically; closes the figure."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    pyplot().close(fig)
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
    # a metric no row reports (no accuracy for a language model) gets no empty panel
    keys = [k for k in keys if any(name == k for name, _ in series)] or list(keys[:1])
    plt = pyplot()
    fig, axes = plt.subplots(1, len(keys), figsize=(5 * len(keys), 3.5), squeeze=False)
    for ax, key in zip(axes[0], keys, strict=True):
        for (name, split), points in sorted(series.items()):
            if name == key and points:
                steps, values = zip(*points, strict=True)
                ax.plot(steps, values, label=split, marker="o" if split != "train" else None)
        ax.set_xlabel("step")
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        if ax.lines:  # a run paused before its first logged step has none yet
            ax.legend()
    return save_figure(fig, out)
