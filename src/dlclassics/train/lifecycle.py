"""A training run's lifecycle, written once for every family that trains through the Trainer.

    dlc mlp train --run-dir runs/m --max-steps 40 --stop-after 20   # pauses at step 20 …
    dlc mlp train --resume runs/m                                   # … and ends bit-identical

A family declares one :class:`TrainCommand`: its config type (a frozen dataclass with a
``run_dir`` and a ``trainer`` field), the name saved as ``config.json``'s ``"command"``, and
``prepare`` — how to build its task and where its data comes from (a :class:`Prepared`). The
lifecycle does the rest, the same way for every family:

1. **start** a new run (the trainer refuses a directory that already holds one), or
   **resume** one: ``--resume DIR`` reads the config saved in ``DIR``, continues to its
   ``max_steps`` (a pause is one-off, so ``stop_after`` is dropped), and lets options given on
   the command line override the trainer's fields; any other field must stay as it was;
2. prepare the task and data, log the resolved config, and hand the run's own files
   (vocabulary, BPE models) to the trainer, which writes them only when it starts a new run;
3. train, timing wall-clock and process CPU seconds; leave the ``torchrun`` group;
4. draw ``curves.png`` and print one last line: either
   ``paused at step N of M; continue with: dlc … --resume DIR`` or the best metric, where
   the weights are and the command that evaluates them.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Generic, TypeVar

from torch import nn
from torch.utils.data import Dataset

from dlclassics.commands import Command
from dlclassics.config import from_dict, replace, to_dict
from dlclassics.errors import CheckpointError
from dlclassics.train import distributed
from dlclassics.train.checkpoint import read_run_config
from dlclassics.train.curves import plot_curves
from dlclassics.train.task import FitResult
from dlclassics.train.trainer import Trainer

log = logging.getLogger(__name__)

C = TypeVar("C")  # a family's train config: a frozen dataclass with run_dir and trainer
LEGACY_KEYS = ("resume",)  # fields older run configs saved and the lifecycle now owns


@dataclass(frozen=True, kw_only=True)
class Prepared(Generic[C]):
    """What a family hands the lifecycle: the task, its data and the run's own files."""

    config: C  # the config to train with (a family may derive fields, e.g. max_steps)
    task: nn.Module  # a Task: training_step / evaluation_step
    train_data: Dataset[Any]
    val_data: Dataset[Any] | None = None
    collate_fn: Callable[[list[Any]], Any] | None = None
    run_config: Mapping[str, Any] = field(default_factory=dict)  # more keys for config.json
    own_files: Callable[[Path], None] | None = None  # writes vocab, BPE … into a new run dir
    summary: str = ""  # one line logged before training (sizes, parameters)


@dataclass(frozen=True, kw_only=True)
class RunResult(Generic[C]):
    """A finished (or paused) run: the trainer's result, the config and what it cost."""

    config: C
    fit: FitResult
    wall_seconds: float  # time.perf_counter around Trainer.fit
    cpu_seconds: float  # time.process_time around Trainer.fit (every thread of the process)
    is_main: bool = True  # False on the torchrun ranks that write and print nothing

    @property
    def run_dir(self) -> Path:
        return self.fit.run_dir


@dataclass(frozen=True, kw_only=True)
class TrainCommand(Generic[C]):
    """One family's ``dlc FAMILY train``: everything the lifecycle cannot know by itself."""

    command: str  # e.g. "mlp train": `dlc mlp train`, and config.json's "command"
    config: type[C]
    prepare: Callable[[C, bool], Prepared[C]]  # (config, resuming) -> task and data
    evaluate_with: str  # the next command, e.g. "dlc mlp eval"
    best: Callable[[float], str] | None = None  # best metric in words (default: its value)

    # -- the run config in config.json ---------------------------------------------------

    def saved_config(self, run_dir: Path) -> C:
        """The config ``run_dir`` was trained with; one clear error for any other directory."""
        data = read_run_config(run_dir)
        hint = f"pass a directory written by `dlc {self.command} --run-dir`"
        if data.get("command") != self.command:
            other = f"a `dlc {data['command']}`" if data.get("command") else "another kind of"
            raise CheckpointError(
                f"{run_dir} holds {other} run, not a `dlc {self.command}` run; {hint}"
            )
        try:
            saved = {k: v for k, v in data["run"].items() if k not in LEGACY_KEYS}
            return from_dict(self.config, saved)
        except (KeyError, TypeError, ValueError) as error:
            raise CheckpointError(
                f"{run_dir / 'config.json'} is damaged ({error}); {hint}"
            ) from None

    def resume_config(self, run_dir: Path) -> C:
        """The saved config, continuing in ``run_dir`` to its max_steps (a pause is one-off)."""
        saved: Any = self.saved_config(run_dir)
        trainer = replace(saved.trainer, stop_after=None)
        return replace(saved, run_dir=run_dir, trainer=trainer)

    # -- train ---------------------------------------------------------------------------

    def start(self, config: C) -> RunResult[C]:
        """Train a new run in ``config.run_dir``."""
        return self._fit(config, resume=False)

    def resume(self, config: C) -> RunResult[C]:
        """Continue the run in ``config.run_dir`` (see :meth:`resume_config`)."""
        self._check_unchanged(config)
        return self._fit(config, resume=True)

    def _check_unchanged(self, config: C) -> None:
        """Only trainer options may change on resume (the trainer checks which of those)."""
        run_dir: Path = getattr(config, "run_dir")  # noqa: B009 - C is any family's config
        saved = self.saved_config(run_dir)
        for f in fields(config):  # type: ignore[arg-type]
            if f.name in ("run_dir", "trainer"):
                continue
            old, new = getattr(saved, f.name), getattr(config, f.name)
            if old != new:
                raise CheckpointError(
                    f"{run_dir} holds a run with {f.name}={old!r}; cannot resume it with "
                    f"{f.name}={new!r} — drop that option or start a new --run-dir"
                )

    def _fit(self, config: C, *, resume: bool) -> RunResult[C]:
        prepared = self.prepare(config, resume)
        config = prepared.config
        c: Any = config
        log.info("config: %s", json.dumps(to_dict(config), default=str))
        if prepared.summary:
            log.info("%s", prepared.summary)
        trainer = Trainer(
            prepared.task,
            c.trainer,
            c.run_dir,
            train_data=prepared.train_data,
            val_data=prepared.val_data,
            collate_fn=prepared.collate_fn,
            run_config={"command": self.command, "run": to_dict(config), **prepared.run_config},
            own_files=prepared.own_files,
        )
        wall, cpu = time.perf_counter(), time.process_time()
        fit = trainer.fit(resume=resume)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        distributed.shutdown()  # no-op outside torchrun
        if trainer.is_main:
            plot_curves(fit.run_dir / "metrics.jsonl", fit.run_dir / "curves.png")
        return RunResult(
            config=config, fit=fit, wall_seconds=wall, cpu_seconds=cpu, is_main=trainer.is_main
        )

    # -- the command line ----------------------------------------------------------------

    def final_line(self, result: RunResult[C]) -> str:
        """What the user reads last: how to continue a paused run, or where the result is."""
        fit, run_dir = result.fit, result.run_dir
        max_steps = getattr(result.config, "trainer").max_steps  # noqa: B009
        if fit.paused:
            return (
                f"paused at step {fit.final_step} of {max_steps}; "
                f"continue with: dlc {self.command} --resume {run_dir}"
            )
        cost = (
            f"{fit.final_step} steps, {result.wall_seconds:.0f} s, {result.cpu_seconds:.0f} CPU s"
        )
        if fit.best_metric is None:
            best = "no evaluation ran"
        else:
            metric = getattr(result.config, "trainer").metric  # noqa: B009
            shown = self.best(fit.best_metric) if self.best else f"{metric} {fit.best_metric:.4f}"
            best = f"best {shown} at step {fit.best_step}"
        return (
            f"{best} ({cost}); weights in {run_dir}; next: {self.evaluate_with} --run-dir {run_dir}"
        )

    def cli(self, presets: Mapping[str, C] | None = None) -> Command:
        """``dlc … train`` for the CLI: options from the config, ``--resume DIR`` built in."""
        return Command(config=self.config, run=self.run_new, presets=presets or {}, resumable=self)

    def run_new(self, config: C) -> int:
        """``dlc … train``: start a run and print its last line (only rank 0 prints)."""
        return self._report(self.start(config))

    def run_resumed(self, config: C) -> int:
        """``dlc … train --resume DIR``: continue a run and print its last line."""
        return self._report(self.resume(config))

    def _report(self, result: RunResult[C]) -> int:
        if result.is_main:
            print(self.final_line(result))
        return 0
