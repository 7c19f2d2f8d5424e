"""A tiny classification task for the trainer tests (and the DDP child script).

An MLP with dropout on a seeded, learnable toy problem: labels come from a random linear
"teacher", so the loss can fall well below log(3) within a few dozen steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import TensorDataset

from dlclassics.train import EvalOutput, StepOutput

D_IN, HIDDEN, CLASSES = 8, 32, 3


def make_data(n: int = 256, seed: int = 0) -> TensorDataset:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, D_IN, generator=g)  # (N, D)
    teacher = torch.randn(D_IN, CLASSES, generator=torch.Generator().manual_seed(1234))
    y = (x @ teacher).argmax(-1)  # (N,)
    return TensorDataset(x, y)


class TinyClassifier(nn.Module):
    def __init__(self, dropout: float = 0.2) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(D_IN, HIDDEN), nn.ReLU(), nn.Dropout(dropout), nn.Linear(HIDDEN, CLASSES)
        )
        self.calls = 0  # training_step calls; equals the step number in a run not resumed
        self.step_hook: Callable[[int], None] | None = None  # called with `calls` first
        self.eval_hook: Callable[[int], None] | None = None  # called with `calls`
        self.poison_at: int | None = None  # call whose loss becomes NaN

    def training_step(self, batch: Any) -> StepOutput:
        self.calls += 1
        if self.step_hook is not None:
            self.step_hook(self.calls)
        x, y = batch
        logits = self.net(x)  # (B, C)
        loss = F.cross_entropy(logits, y)
        if self.poison_at == self.calls:
            loss = loss * float("nan")
        acc = (logits.argmax(-1) == y).float().mean().item()
        return StepOutput(loss, {"acc": acc})

    def evaluation_step(self, batch: Any) -> EvalOutput:
        if self.eval_hook is not None:
            self.eval_hook(self.calls)
        x, y = batch
        logits = self.net(x)  # (B, C)
        loss = F.cross_entropy(logits, y).item()
        acc = (logits.argmax(-1) == y).float().mean().item()
        return EvalOutput({"loss": loss, "acc": acc}, len(y))


def make_task(seed: int = 0, dropout: float = 0.2) -> TinyClassifier:
    torch.manual_seed(seed)
    return TinyClassifier(dropout)
