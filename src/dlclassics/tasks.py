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

import torch
import torch.nn.functional as F
from torch import nn

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
    ) -> None:
        super().__init__()
        self.model = model
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
        loss = F.cross_entropy(scores, y)
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
