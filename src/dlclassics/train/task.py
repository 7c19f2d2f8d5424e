"""The one training contract: what a model offers the trainer, and what the trainer returns.

A *task* is an ``nn.Module`` with two methods. The trainer never asks what model it runs::

    class Regression(nn.Module):
        def training_step(self, batch) -> StepOutput:
            x, y = batch
            loss = F.mse_loss(self.net(x), y)
            return StepOutput(loss, {})

        def evaluation_step(self, batch) -> EvalOutput:
            x, y = batch
            return EvalOutput({"loss": F.mse_loss(self.net(x), y).item()}, len(x))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol, runtime_checkable

import torch


class StepOutput(NamedTuple):
    loss: torch.Tensor  # scalar, to backprop
    logs: dict[str, float]  # extra scalars for the log (e.g. {"acc": 0.9})


class EvalOutput(NamedTuple):
    metrics: dict[str, float]  # means over this batch, e.g. {"loss": .., "acc": ..}
    n: int  # examples in the batch; the trainer takes the n-weighted mean


@runtime_checkable
class Task(Protocol):
    """Implemented by an ``nn.Module``; ``batch`` is whatever the collate function returns."""

    def training_step(self, batch: Any) -> StepOutput: ...

    def evaluation_step(self, batch: Any) -> EvalOutput: ...


@dataclass(frozen=True, kw_only=True)
class FitResult:
    run_dir: Path  # where config.json, metrics.jsonl and the checkpoints are
    final_step: int  # optimizer steps taken in total (across resumes)
    best_step: int | None  # step of best.safetensors; None when no evaluation ran
    best_metric: float | None  # value of config.metric at best_step
    stopped_early: bool  # True when patience ran out before max_steps
    paused: bool = False  # True when --stop-after ended it before max_steps (resume continues)
    metrics: dict[str, float] = field(default_factory=dict)  # last train row + last val row
