"""The trainer's configuration: one frozen dataclass, validated on construction.

Every default says its unit or why it was chosen. ``TrainerConfig`` is what ``dlc`` exposes as
``--max-steps``, ``--lr`` … (tyro builds the flags from the fields) and what a run directory
stores in ``config.json`` under ``"trainer"``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from dlclassics.errors import ConfigError

Optimizer = Literal["sgd", "adam", "adamw"]
Schedule = Literal["constant", "cosine", "linear", "step"]

# Fields that may differ when a run is resumed: the horizon (max_steps, patience), the
# bookkeeping, the machine, and the two knobs that rescue a diverging run (lr, grad_clip; these
# change the steps still to come). Every other field must match the checkpoint, because it
# fixes the data order or the meaning of the saved optimizer and best-metric state.
RESUMABLE_CHANGES = frozenset(
    {"max_steps", "stop_after", "patience", "eval_every", "log_every", "checkpoint_every",
     "progress", "device", "num_workers", "lr", "grad_clip"}
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class TrainerConfig:
    max_steps: int = 2000  # optimizer steps; also the horizon of the lr schedule
    # pause after this many steps; `--resume` then continues to max_steps exactly as if the
    # run had never stopped (the schedule still follows max_steps). None = run to max_steps
    stop_after: int | None = None
    batch_size: int = 128  # examples per step (global: split across DDP ranks)
    optimizer: Optimizer = "adam"  # Adam needs the least lr tuning for the small models here
    lr: float = 1e-3  # peak learning rate (Adam's usual default)
    momentum: float = 0.9  # SGD momentum μ (notes 004 §二.8: w ← w − η∇ + μ(w − w_prev))
    nesterov: bool = False  # SGD only: look-ahead gradient (needs momentum > 0)
    weight_decay: float = 0.0  # L2 (coupled for sgd/adam, decoupled for adamw); 0 = off
    schedule: Schedule = "cosine"  # lr decay after warmup; cosine has no knee to tune
    warmup_steps: int = 0  # steps of linear lr warmup from peak/warmup_steps to peak
    grad_clip: float | None = None  # max global gradient L2 norm; None = off
    eval_every: int = 500  # steps between evaluations on val data
    log_every: int = 50  # steps between metrics.jsonl train rows (means over those steps)
    checkpoint_every: int = 500  # steps between resumable checkpoints (also at end/eval/Ctrl-C)
    metric: str = "val_loss"  # tracked for best checkpoint / early stopping
    metric_mode: Literal["min", "max"] = "min"  # "min" for losses, "max" for accuracies
    patience: int | None = None  # early stopping: evaluations without improvement; None = off
    seed: int = 0  # data order (seed, epoch) and the dropout stream (seed + rank)
    device: str = "auto"  # "auto" = cuda if available else cpu; or "cpu", "cuda", "cuda:1"
    progress: bool = True  # live bar (only on a terminal, only on rank 0)
    num_workers: int = 0  # DataLoader worker processes; 0 = load in the training process

    def __post_init__(self) -> None:
        positive = ("max_steps", "batch_size", "eval_every", "log_every", "checkpoint_every")
        for name in positive:
            value = getattr(self, name)
            if value < 1:
                raise ConfigError(f"{name}={value} must be >= 1; pass a positive --{_flag(name)}")
        if self.stop_after is not None and not 1 <= self.stop_after <= self.max_steps:
            raise ConfigError(
                f"stop_after={self.stop_after} must be between 1 and max_steps={self.max_steps}"
            )
        for name in ("lr", "momentum", "weight_decay", "warmup_steps", "num_workers"):
            value = getattr(self, name)
            if value < 0:
                raise ConfigError(f"{name}={value} must be >= 0; pass --{_flag(name)} 0 or more")
        _check_choice("optimizer", self.optimizer, ("sgd", "adam", "adamw"))
        _check_choice("schedule", self.schedule, ("constant", "cosine", "linear", "step"))
        _check_choice("metric_mode", self.metric_mode, ("min", "max"))
        if self.nesterov and (self.optimizer != "sgd" or self.momentum == 0):
            raise ConfigError(
                "nesterov=True needs optimizer='sgd' and momentum > 0; drop --nesterov or "
                "pass --optimizer sgd --momentum 0.9"
            )
        if self.grad_clip is not None and not self.grad_clip > 0:
            raise ConfigError(f"grad_clip={self.grad_clip} must be > 0; omit it to turn off")
        if self.patience is not None and self.patience < 1:
            raise ConfigError(f"patience={self.patience} must be >= 1; omit it to turn off")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainerConfig:
        """Rebuild a config from ``to_dict`` output (e.g. ``config.json["trainer"]``)."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"unknown trainer option(s) {unknown}; this dlclassics is too old")
        return cls(**data)

    def check_resumable(self, saved: TrainerConfig) -> None:
        """Raise ``ConfigError`` if resuming ``saved`` with ``self`` would change the trajectory."""
        for field in dataclasses.fields(self):
            if field.name in RESUMABLE_CHANGES:
                continue
            now, then = getattr(self, field.name), getattr(saved, field.name)
            if now != then:
                raise ConfigError(
                    f"cannot resume with {field.name}={now!r}: the run was trained with "
                    f"{then!r}; pass the original value or start a new run "
                    f"(only {', '.join(sorted(RESUMABLE_CHANGES))} may change on resume)"
                )


def _flag(name: str) -> str:
    return name.replace("_", "-")


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(f"{name}={value!r} is not one of {', '.join(choices)}")
