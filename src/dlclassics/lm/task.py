"""A language model as a trainer task: truncated BPTT on stream windows, exact resume.

Truncated back-propagation through time needs the hidden state that enters each window.
The classic recipe (Zaremba et al. 2014) reads B parallel streams in order and carries the
detached state from one step to the next. Our :class:`~dlclassics.train.Trainer` visits
examples in a seeded random order instead, so that resuming is exact and batches are
decorrelated; we keep that, and give every window its own state: a training example is a
window of T targets *plus the ``warmup`` tokens before it*
(:class:`~dlclassics.lm.data.StreamWindows`).
The task reads the warm-up tokens without gradient (``model.advance``), detaches, and
back-propagates through the T steps of the window only:

    state = advance(x[:, :W], initial_state)          # no gradient: the detached state
    loss  = mean_t −log p(y_t | x[:, W:], state)      # gradient through ≤ T steps

For the n-gram-context models (maxent, nnlm) W = n − 1 is exactly their context, so the
window gives each target its full history; an RNN sees W + T tokens of history (W = T by
default) instead of the whole past, at the cost of reading W extra tokens per window. There
is no state between steps, so a checkpoint (weights, optimizer, RNG) resumes exactly.
"""

from __future__ import annotations

import copy
import time

import torch
from torch import Tensor, nn

from dlclassics.lm.models.base import LanguageModel
from dlclassics.train.task import EvalOutput, StepOutput

Batch = tuple[Tensor, Tensor]  # x (B, W + T), y (B, T)


class LMTask(nn.Module):
    """Trainer task: mean −log p over each window's targets (nats per token)."""

    def __init__(self, model: LanguageModel, warmup: int) -> None:
        super().__init__()
        self.model, self.warmup = model, warmup

    def window_nll(self, batch: Batch) -> Tensor:
        x, y = batch
        B = x.shape[0]
        state = self.model.initial_state(B, x.device)
        if self.warmup:
            state = tuple(s.detach() for s in self.model.advance(x[:, : self.warmup], state))
        nll, _ = self.model.nll(x[:, self.warmup :], y, state)  # (B, T)
        return nll

    def training_step(self, batch: Batch) -> StepOutput:
        return StepOutput(self.window_nll(batch).mean(), {})

    def evaluation_step(self, batch: Batch) -> EvalOutput:
        nll = self.window_nll(batch)
        return EvalOutput({"loss": nll.mean().item()}, len(nll))


def seconds_per_step(
    task: LMTask, batches: list[Batch], *, lr: float = 1e-3, repeats: int = 2
) -> float:
    """Process CPU seconds of one training step (forward, backward, Adam) on a copy of ``task``.

    Used to turn a CPU budget into a step count (``dlc lm train --cpu-budget``): the best of
    ``repeats`` passes over ``batches`` after one untimed pass; the task itself is untouched.
    """
    probe = copy.deepcopy(task)
    probe.train()
    optimizer = torch.optim.Adam(probe.parameters(), lr=lr)
    rng = torch.get_rng_state()
    best = float("inf")
    for attempt in range(repeats + 1):
        start = time.process_time()
        for batch in batches:
            optimizer.zero_grad(set_to_none=True)
            probe.training_step(batch).loss.backward()
            optimizer.step()
        if attempt:  # the first pass warms up allocators and caches
            best = min(best, (time.process_time() - start) / len(batches))
    torch.set_rng_state(rng)  # the dropout stream of the real run is unchanged
    return best
