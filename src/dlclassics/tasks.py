"""Training contracts shared by families: supervised classification.

A task is an ``nn.Module`` that owns a model and turns a batch into a loss
(``training_step``) or into metrics (``evaluation_step``); the trainer never asks which model
it runs. Input preprocessing that the notes teach (004: zero-centre, then scale) lives in the
task as buffers, so it is saved with the weights and applied identically at evaluation:

    x̂ = (x − μ) / σ,   μ, σ computed on the training split only.

An optional ``augment`` module (e.g. :class:`dlclassics.vision.augment.Augment`) transforms
the raw images of training batches only; evaluation and prediction see them unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dlclassics.io import write_json
from dlclassics.report.plots import confusion_matrix, plot_confusion
from dlclassics.train import EvalOutput, StepOutput


class Classification(nn.Module):
    """Softmax cross-entropy over class scores, L = −log softmax(f(x̂))_y (004, softmax loss)."""

    mean: torch.Tensor  # μ of the training pixels (a buffer: saved with the weights)
    std: torch.Tensor  # σ of the training pixels

    def __init__(
        self,
        model: nn.Module,
        *,
        mean: float = 0.0,
        std: float = 1.0,
        augment: nn.Module | None = None,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__()
        self.model = model
        # ε: train on targets (1 − ε)·one_hot(y) + ε/K (Szegedy et al. 2016); evaluation losses
        # stay plain cross-entropy so runs with and without smoothing compare
        self.label_smoothing = label_smoothing
        self.augment = augment  # training batches only; its buffers are saved with the weights
        self.register_buffer("mean", torch.tensor(float(mean)))
        self.register_buffer("std", torch.tensor(float(std)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model((x - self.mean) / self.std)  # (B, classes)

    def training_step(self, batch: tuple[torch.Tensor, torch.Tensor]) -> StepOutput:
        x, y = batch
        if self.augment is not None:
            x = self.augment(x)
        scores = self(x)
        loss = F.cross_entropy(scores, y, label_smoothing=self.label_smoothing)
        acc = (scores.argmax(-1) == y).float().mean().item()
        return StepOutput(loss, {"acc": acc})

    def evaluation_step(self, batch: tuple[torch.Tensor, torch.Tensor]) -> EvalOutput:
        x, y = batch
        scores = self(x)
        loss = F.cross_entropy(scores, y).item()
        acc = (scores.argmax(-1) == y).float().mean().item()
        return EvalOutput({"loss": loss, "acc": acc}, len(y))

    @torch.inference_mode()
    def predict(self, x: torch.Tensor, batch_size: int = 4096) -> torch.Tensor:
        """Predicted class of every row of ``x``, in batches."""
        self.eval()
        return torch.cat(
            [self(x[i : i + batch_size]).argmax(-1) for i in range(0, len(x), batch_size)]
        )


def evaluate_classifier(
    task: Classification,
    x: torch.Tensor,
    y: torch.Tensor,
    labels: Sequence[str],
    run_dir: Path,
    *,
    split: str,
    title: str,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Accuracy of ``task`` on (x, y); writes ``run_dir/eval.json`` and ``confusion.png``."""
    predictions = task.predict(x, batch_size=1024).numpy()  # bounded memory for CNNs
    cm = confusion_matrix(y.numpy(), predictions, len(labels))
    accuracy = float(np.trace(cm) / cm.sum())
    plot_confusion(cm, labels, run_dir / "confusion.png", title=f"{title}: accuracy {accuracy:.4f}")
    result = {"split": split, "accuracy": accuracy, "examples": int(cm.sum()), **(extra or {})}
    write_json(run_dir / "eval.json", result)
    return result


def eval_summary(result: Mapping[str, Any], run_dir: Path) -> str:
    """The one line ``dlc … eval`` prints."""
    return (
        f"{result['split']} accuracy {result['accuracy']:.4f} ({result['examples']} images); "
        f"confusion matrix: {run_dir / 'confusion.png'}"
    )
