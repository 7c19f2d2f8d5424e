"""Where the numbers go: ``metrics.jsonl`` always, TensorBoard when it is installed.

``metrics.jsonl`` has one JSON object per line::

    {"step": 50, "split": "train", "metrics": {"loss": 0.41, "grad_norm": 1.3}, "lr": 0.001,
     "elapsed": 2.07, "examples_per_s": 3090.5}
    {"step": 500, "split": "val", "metrics": {"val_loss": 0.38, "val_acc": 0.9}, "lr": 0.001,
     "elapsed": 20.4}

Train rows hold means over the ``log_every`` steps before ``step``; val rows hold
n-weighted means over the whole validation set (keys prefixed ``val_``). Non-finite values
are written as ``null`` so every line is strict JSON. On resume the rows after the checkpoint
are dropped (:func:`truncate_metrics`), so the file reads as one uninterrupted run.
"""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from dlclassics.io import write_text

logger = logging.getLogger(__name__)


class MetricsLog:
    """Appends rows to ``metrics.jsonl`` and mirrors them to TensorBoard (``<run>/tb``)."""

    def __init__(self, path: Path, *, tensorboard: bool = True, purge_step: int | None = None):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] = path.open("a", encoding="utf-8")
        self._tb = _summary_writer(path.parent / "tb", purge_step) if tensorboard else None

    def write(
        self,
        *,
        step: int,
        split: str,
        metrics: dict[str, float],
        lr: float,
        elapsed: float,
        **extra: float,
    ) -> None:
        row = {
            "step": step,
            "split": split,
            "metrics": metrics,
            "lr": lr,
            "elapsed": round(elapsed, 3),
            **extra,
        }
        self._file.write(json.dumps(_finite(row), ensure_ascii=False) + "\n")
        self._file.flush()  # one write per line: a crash tears at most the last line
        if self._tb is not None:
            for name, value in metrics.items():  # tags "train/loss", "val/loss", …
                self._tb.add_scalar(f"{split}/{name.removeprefix(split + '_')}", value, step)
            if split == "train":
                self._tb.add_scalar("train/lr", lr, step)

    def sync(self) -> None:
        """Make every row so far durable (called with each checkpoint)."""
        self._file.flush()
        os.fsync(self._file.fileno())
        if self._tb is not None:
            self._tb.flush()

    def close(self) -> None:
        self._file.close()
        if self._tb is not None:
            self._tb.close()

    def __enter__(self) -> MetricsLog:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def read_metrics(path: Path) -> list[dict[str, Any]]:
    """All complete rows of a ``metrics.jsonl`` (a torn last line is skipped)."""
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            logger.warning("skipping a torn line in %s", path)
    return rows


def truncate_metrics(path: Path, step: int) -> None:
    """Keep only the rows up to and including ``step`` (atomically)."""
    if path.is_file():
        rows = [row for row in read_metrics(path) if row["step"] <= step]
        write_text(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    return obj


def _summary_writer(log_dir: Path, purge_step: int | None) -> Any:
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:  # the optional extra `dlclassics[tensorboard]` is not installed
        return None
    return SummaryWriter(log_dir=str(log_dir), purge_step=purge_step)
