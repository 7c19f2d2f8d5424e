"""The classifier as a trainer task: softmax cross-entropy, L = −log p(y | x) (note 002)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlclassics.classify.models import Classifier
from dlclassics.classify.text import Batch
from dlclassics.train.task import EvalOutput, StepOutput


class ClassifyTask(nn.Module):
    """Trainer task around a :class:`Classifier`: loss and accuracy per batch."""

    def __init__(self, model: Classifier) -> None:
        super().__init__()
        self.model = model

    def training_step(self, batch: Batch) -> StepOutput:
        scores = self.model(batch.ids, batch.lengths)  # (B, classes)
        loss = F.cross_entropy(scores, batch.y)
        acc = (scores.argmax(-1) == batch.y).float().mean().item()
        return StepOutput(loss, {"acc": acc})

    def evaluation_step(self, batch: Batch) -> EvalOutput:
        scores = self.model(batch.ids, batch.lengths)
        loss = F.cross_entropy(scores, batch.y).item()
        acc = (scores.argmax(-1) == batch.y).float().mean().item()
        return EvalOutput({"loss": loss, "acc": acc}, len(batch.y))

    @torch.inference_mode()
    def probabilities(self, batch: Batch) -> Tensor:
        """p(y | x) for every class, (B, classes)."""
        self.eval()
        return torch.softmax(self.model(batch.ids, batch.lengths), dim=-1)
