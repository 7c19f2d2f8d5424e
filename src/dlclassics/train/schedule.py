"""Optimizers and learning-rate schedules, both straight from :class:`TrainerConfig`.

The learning rate is a pure function of the step, so a checkpoint needs no scheduler state:
``lr_at(s)`` is the rate of update number ``s + 1`` (``s`` updates already done).

    warmup (s < W):   η_s = η · (s + 1) / W       # reaches η at the last warmup step
    then, with progress t = (s − W) / (T − W) ∈ [0, 1):
      constant  η_s = η
      linear    η_s = η · (1 − t)
      cosine    η_s = η · ½ (1 + cos πt)          # SGDR (Loshchilov & Hutter 2017), no restarts
      step      η_s = η · 0.1^[t ≥ ½] · 0.1^[t ≥ ¾]   # ÷10 at 32k, 48k of 64k (He et al. 2016)

``T`` is the *configured* ``max_steps``. Raising it on resume stretches the decay over the new
horizon from the resume step on: the rate at the resume step jumps to its value on the longer
curve, exactly as if the longer run had been planned from the start. Such a run matches
neither the short nor the long uninterrupted run bit for bit; with ``schedule="constant"``
(and no warmup left) it matches the long one.

Optimizers (notes 004 §二.8, "权重的更新迭代"): plain SGD is ``w ← w − η∇``; with momentum μ
the notes write ``w ← w − η∇ + μ(w − w_prev)``, which torch computes as ``b ← μb + ∇,
w ← w − ηb`` (the same update while η is constant). ``weight_decay`` λ adds ``λw`` to the
gradient for sgd/adam (L2, coupled) and shrinks ``w ← w − ηλw`` separately for adamw
(Loshchilov & Hutter, 2019). All parameters, biases included, are decayed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch

from dlclassics.train.config import TrainerConfig


def lr_at(step: int, config: TrainerConfig) -> float:
    """Learning rate of the update that follows ``step`` completed updates."""
    peak, warmup = config.lr, config.warmup_steps
    if step < warmup:
        return peak * (step + 1) / warmup
    t = min(1.0, (step - warmup) / max(1, config.max_steps - warmup))  # progress in [0, 1]
    if config.schedule == "constant":
        return peak
    if config.schedule == "linear":
        return peak * (1.0 - t)
    if config.schedule == "cosine":
        return peak * 0.5 * (1.0 + math.cos(math.pi * t))
    assert config.schedule == "step", config.schedule
    return peak * 0.1 ** ((t >= 0.5) + (t >= 0.75))


def build_optimizer(
    params: Iterable[torch.nn.Parameter], config: TrainerConfig
) -> torch.optim.Optimizer:
    """The optimizer named by ``config.optimizer``; its lr is set by the trainer every step."""
    params = [p for p in params if p.requires_grad]
    lr, wd = config.lr, config.weight_decay
    if config.optimizer == "sgd":
        return torch.optim.SGD(
            params, lr=lr, momentum=config.momentum, nesterov=config.nesterov, weight_decay=wd
        )
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd)
    assert config.optimizer == "adamw", config.optimizer
    return torch.optim.AdamW(params, lr=lr, weight_decay=wd)
