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

The trainer averages each metric over the evaluation set (n-weighted). A metric that is not a
mean — an F1 is a ratio of sums — comes from an optional third method, which receives those
means and returns the metrics derived from them (see :func:`evaluation_metrics`)::

        def evaluation_summary(self, means: dict[str, float]) -> dict[str, float]:
            return {"f1": 2 * means["tp"] / (means["predicted"] + means["gold"])}
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


def evaluation_metrics(task: object, means: dict[str, float]) -> dict[str, float]:
    """``means`` joined by what ``task.evaluation_summary(means)`` derives from them, if the
    task has that method (the means win no name clash: a summary only adds metrics)."""
    summary = getattr(task, "evaluation_summary", None)
    if summary is None:
        return means
    derived = summary(means)
    clash = sorted(set(derived) & set(means))
    if clash:
        raise TypeError(f"evaluation_summary returns {clash}, already means of the batches")
    return {**means, **derived}


@dataclass(frozen=True, kw_only=True)
class FitResult:
    run_dir: Path  # where config.json, metrics.jsonl and the checkpoints are
    final_step: int  # optimizer steps taken in total (across resumes)
    best_step: int | None  # step of best.safetensors; None when no evaluation ran
    best_metric: float | None  # value of config.metric at best_step
    stopped_early: bool  # True when patience ran out before max_steps
    paused: bool = False  # True when --stop-after ended it before max_steps (resume continues)
    metrics: dict[str, float] = field(default_factory=dict)  # last train row + last val row
