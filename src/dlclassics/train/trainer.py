"""The one trainer: a step-based loop for any :class:`~dlclassics.train.task.Task`.

    trainer = Trainer(task, TrainerConfig(max_steps=2000, lr=1e-3), Path("runs/mlp"),
                      train_data=train, val_data=val, run_config={"model": "mlp", ...})
    result = trainer.fit()                     # or fit(resume=True) to continue runs/mlp
    load_weights(model, "runs/mlp", "best")    # later, for evaluation or sampling

Each step ``s → s + 1``: set ``lr = lr_at(s)``; ``loss = task.training_step(batch)``;
backward; global gradient norm (clipped to ``grad_clip``); stop with
:class:`TrainingDiverged` if the loss or the norm is NaN/inf (before the update, so the last
checkpoint stays good); optimizer step. Then, every ``log_every`` steps a train row, every
``eval_every`` steps (and at the end) an evaluation that may update ``best.safetensors`` and
count towards ``patience``, every ``checkpoint_every`` steps, after each evaluation and at the
end a resumable checkpoint (layout in :mod:`dlclassics.train.checkpoint`).

A new run refuses a directory that already holds one, writes ``config.json`` and then the
run's own files through ``own_files(run_dir)`` (a vocabulary, BPE models), so no family checks
the directory itself; a resumed run keeps the files it has. The run lifecycle around
``fit`` — saved config, ``--resume``, curves, the last line — is :mod:`.lifecycle`.

Exact resume. The examples of step ``s`` depend on ``(seed, s)`` only (:mod:`.batches`), the
learning rate on ``s`` only (:mod:`.schedule`), and a checkpoint restores weights, optimizer
state and every global RNG. Evaluation runs between saved/restored RNG states, so it never
shifts the dropout stream. On one CPU process, stopping at any checkpoint and resuming ends
with the same bits as never stopping. (With ``num_workers > 0``, randomness drawn *inside*
worker processes is re-seeded per epoch and is not reproduced mid-epoch.)

Ctrl-C. The first SIGINT asks the loop to stop after the current step: it saves a checkpoint
and raises ``KeyboardInterrupt`` (exit code 130 in the CLI); resuming is then exact. A second
Ctrl-C, or a ``KeyboardInterrupt`` raised by code, stops at once: a checkpoint is written
only if it arrived between steps (during evaluation, logging or saving), never from a
half-done step; otherwise the previous checkpoint stays.

Distributed. Under ``torchrun`` the step runs through DDP (see :class:`_TrainingStep`),
rank ``r`` takes its slice of each global batch, evaluation sums are all-reduced, and rank 0
alone writes files and draws the bar; every rank stores its own RNG state in ``state.json``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sized
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

import torch
from torch import nn
from torch.utils.data import Dataset, default_collate

from dlclassics.errors import CheckpointError, ConfigError, TrainingDiverged
from dlclassics.io import write_json
from dlclassics.train import distributed, rng
from dlclassics.train.batches import eval_batches, to_device, train_batches
from dlclassics.train.checkpoint import (
    CHECKPOINT_FORMAT,
    RUN_FORMAT,
    RunFiles,
    jsonable,
    load_tensors,
    optimizer_from_files,
    optimizer_to_files,
    read_json,
    read_weights,
    save_tensors,
    save_weights,
)
from dlclassics.train.config import RESUMABLE_CHANGES, TrainerConfig
from dlclassics.train.metrics import MetricsLog, truncate_metrics
from dlclassics.train.progress import ProgressBar
from dlclassics.train.schedule import build_optimizer, lr_at
from dlclassics.train.task import FitResult, StepOutput, Task, evaluation_metrics

logger = logging.getLogger(__name__)


class _TrainingStep(nn.Module):
    """Routes ``forward`` to ``task.training_step``.

    DDP registers its gradient all-reduce through ``forward``; calling ``training_step`` on the
    bare task would skip it. Wrapping the step as a forward keeps the task contract unchanged.
    """

    def __init__(self, task: nn.Module) -> None:
        super().__init__()
        self.task = task

    def forward(self, batch: Any) -> StepOutput:
        return cast(Task, self.task).training_step(batch)


@dataclass
class _Window:
    """Sums of the per-step scalars since the last train row."""

    sums: dict[str, float] = field(default_factory=dict)
    steps: int = 0
    start: float = field(default_factory=time.perf_counter)  # for examples/s; not saved

    def add(self, values: dict[str, float]) -> None:
        for k, v in values.items():
            self.sums[k] = self.sums.get(k, 0.0) + v
        self.steps += 1


@dataclass(kw_only=True)
class _RunState:
    """What changes as the loop runs; ``state.json`` stores all of it."""

    step: int = 0  # optimizer steps completed
    best_metric: float | None = None  # best value of config.metric so far
    best_step: int | None = None  # step of that value (= best.safetensors)
    evals_since_best: int = 0  # evaluations without improvement (for patience)
    elapsed: float = 0.0  # seconds of training, summed over resumes
    last_train: dict[str, float] = field(default_factory=dict)  # newest train row
    last_val: dict[str, float] = field(default_factory=dict)  # newest val row
    saved_step: int | None = None  # step of the newest checkpoint on disk
    window: _Window = field(default_factory=_Window)  # steps since the last train row


class Trainer:
    """Trains ``task`` on ``train_data`` by ``config``, writing everything to ``run_dir``."""

    def __init__(
        self,
        task: nn.Module,
        config: TrainerConfig,
        run_dir: str | Path,
        *,
        train_data: Dataset[Any],
        val_data: Dataset[Any] | None = None,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        run_config: Mapping[str, Any] | None = None,
        own_files: Callable[[Path], None] | None = None,
    ) -> None:
        if not isinstance(task, Task):
            raise TypeError(f"{type(task).__name__} lacks training_step/evaluation_step")
        self.config = config
        self.ctx = distributed.setup(config.device)
        self.task = task.to(self.ctx.device)
        self._api = cast(Task, self.task)  # the same object, typed by the contract
        self.files = RunFiles(Path(run_dir))
        self.train_data, self.val_data = train_data, val_data
        self.collate_fn = collate_fn or default_collate
        self.run_config = None if run_config is None else jsonable(dict(run_config))
        self.own_files = own_files  # the run's own files (vocab …), written by a new run only
        self._n_train = _length(train_data, "train_data")
        world, batch = self.ctx.world_size, config.batch_size
        if batch % world:
            raise ConfigError(f"batch_size={batch} must be divisible by the {world} processes")
        if self._n_train < batch:
            raise ConfigError(
                f"train_data has {self._n_train} examples, fewer than batch_size={batch}; "
                "lower --batch-size"
            )
        if val_data is None and config.patience is not None:
            raise ConfigError("patience needs val_data to evaluate; drop --patience")
        if val_data is not None and _length(val_data, "val_data") < world:
            raise ConfigError(f"val_data needs at least one example per process ({world})")
        self._params = [p for p in task.parameters() if p.requires_grad]  # frozen ones skipped
        if not self._params:
            raise ConfigError(
                f"{type(task).__name__} has nothing to train: every parameter has "
                "requires_grad=False; unfreeze some layers"
            )
        self.optimizer = build_optimizer(self._params, config)
        self._step_fn = distributed.wrap(_TrainingStep(self.task), self.ctx)
        self._log: MetricsLog | None = None
        self._stop_requested = False  # set by the first Ctrl-C
        self._in_step = False  # True from fetching a batch to counting the finished step

    # -- public --------------------------------------------------------------------------

    @property
    def is_main(self) -> bool:
        """True on the process that writes files (rank 0, or the only process)."""
        return self.ctx.is_main

    def fit(self, *, resume: bool = False) -> FitResult:
        """Train to ``config.max_steps`` (or early stop); ``resume`` continues ``run_dir``."""
        if self.val_data is not None:
            self._check_metric_name(self.val_data)
        state = self._resume() if resume else self._start()
        cfg = self.config
        bar = ProgressBar(
            total=cfg.max_steps,
            start=state.step,
            batch_size=cfg.batch_size,
            enabled=cfg.progress and self.ctx.is_main,
        )
        with contextlib.ExitStack() as stack:
            if self.ctx.is_main:
                purge = state.step + 1 if resume else None
                self._log = stack.enter_context(MetricsLog(self.files.metrics, purge_step=purge))
            stack.enter_context(self._deferred_sigint())
            stack.enter_context(bar)
            outcome = self._loop(state, bar)
        self._log = None
        if outcome == "interrupted":
            logger.warning("stopped by Ctrl-C at step %d; checkpoint saved", state.step)
            raise KeyboardInterrupt
        return FitResult(
            run_dir=self.files.root,
            final_step=state.step,
            best_step=state.best_step,
            best_metric=state.best_metric,
            stopped_early=outcome == "early",
            paused=outcome == "paused",
            metrics={**state.last_train, **state.last_val},
        )

    def evaluate(self, data: Dataset[Any]) -> dict[str, float]:
        """n-weighted means of ``task.evaluation_step`` over ``data`` (all ranks together),
        with the metrics the task derives from them (:func:`~.task.evaluation_metrics`)."""
        device, saved_rng = self.ctx.device, rng.capture(self.ctx.device)
        was_training = self.task.training
        self.task.eval()
        sums: dict[str, float] = {}
        n = 0
        try:
            with torch.inference_mode():
                for batch in self._eval_batches(data):
                    out = self._api.evaluation_step(to_device(batch, device))
                    n += out.n
                    for k, v in out.metrics.items():
                        sums[k] = sums.get(k, 0.0) + float(v) * out.n
        finally:
            self.task.train(was_training)
            rng.restore(saved_rng, device)
        names = sorted(sums)
        totals = torch.tensor([n, *(sums[k] for k in names)], dtype=torch.float64, device=device)
        n_all, *sums_all = distributed.all_reduce_sum(totals, self.ctx).tolist()
        if n_all == 0:
            raise ConfigError("the evaluation data is empty; pass a non-empty data set")
        means = {k: s / n_all for k, s in zip(names, sums_all, strict=True)}
        return evaluation_metrics(self.task, means)

    # -- the loop ------------------------------------------------------------------------

    def _loop(
        self, state: _RunState, bar: ProgressBar
    ) -> Literal["done", "early", "interrupted", "paused"]:
        cfg, device = self.config, self.ctx.device
        batches = train_batches(
            self.train_data,
            n=self._n_train,
            batch_size=cfg.batch_size,
            seed=cfg.seed,
            start_step=state.step,
            rank=self.ctx.rank,
            world_size=self.ctx.world_size,
            collate_fn=self.collate_fn,
            num_workers=cfg.num_workers,
            pin_memory=device.type == "cuda",
        )
        clock = time.perf_counter() - state.elapsed
        self.task.train()
        try:
            while state.step < cfg.max_steps:
                if self._patience_spent(state):
                    return "early"
                lr = lr_at(state.step, cfg)
                loss, stop = self._train_step(batches, lr, state)
                state.elapsed = time.perf_counter() - clock
                bar.update(state.step, loss)
                self._after_step(state, lr)
                if stop or (self._stop_requested and not self.ctx.is_distributed):
                    if state.saved_step != state.step:
                        self._save(state)
                    return "interrupted"
                if cfg.stop_after is not None and state.step >= cfg.stop_after:
                    if state.saved_step != state.step:
                        self._save(state)
                    return "paused"
            return "done"
        except KeyboardInterrupt:
            self._save_after_raw_interrupt(state)
            raise

    def _train_step(
        self, batches: Iterator[Any], lr: float, state: _RunState
    ) -> tuple[float, bool]:
        """Step ``state.step → state.step + 1``; returns the loss and whether a rank asks to stop.

        The loss and logs are averaged over ranks into ``state.window``.
        """
        self._in_step = True
        batch = to_device(next(batches), self.ctx.device)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.optimizer.zero_grad(set_to_none=True)
        loss, logs = self._step_fn(batch)
        loss.backward()
        if self.config.grad_clip is not None:
            norm = torch.nn.utils.clip_grad_norm_(self._params, self.config.grad_clip)
        else:
            norm = _grad_norm(self._params, self.ctx.device)
        names = sorted(logs)
        extra = [float(logs[k]) for k in names] + [float(self._stop_requested)]
        packed = torch.cat(
            [
                torch.stack([loss.detach().float(), norm.float()]),
                torch.tensor(extra, device=self.ctx.device),
            ]
        )
        loss_v, norm_v, *rest = distributed.all_reduce_sum(packed, self.ctx).tolist()
        world = self.ctx.world_size
        for what, value in (("loss", loss_v / world), ("gradient norm", norm_v / world)):
            if not math.isfinite(value):
                self._in_step = False
                raise self._diverged(what, value, state)
        self.optimizer.step()
        state.step += 1
        logs_v = {k: v / world for k, v in zip(names, rest[:-1], strict=True)}
        state.window.add({"loss": loss_v / world, **logs_v, "grad_norm": norm_v / world})
        self._in_step = False
        return loss_v / world, rest[-1] > 0

    def _after_step(self, state: _RunState, lr: float) -> None:
        """Log, evaluate and checkpoint as due after ``state.step``."""
        cfg, step, window = self.config, state.step, state.window
        last = step == cfg.max_steps
        if step % cfg.log_every == 0 or last:
            seconds = time.perf_counter() - window.start
            state.last_train = {k: v / window.steps for k, v in window.sums.items()}
            state.window = _Window()
            self._write(
                "train",
                step,
                state.last_train,
                lr,
                state.elapsed,
                examples_per_s=window.steps * cfg.batch_size / max(seconds, 1e-9),
            )
        evaluated = self.val_data is not None and (step % cfg.eval_every == 0 or last)
        if evaluated:
            self._evaluate_and_track(state, lr)
        if evaluated or step % cfg.checkpoint_every == 0 or last:
            self._save(state)
        if last and self.val_data is None and self.ctx.is_main:
            save_weights(self.files, "best", self.task, self._sidecar(state, step))

    def _evaluate_and_track(self, state: _RunState, lr: float) -> None:
        assert self.val_data is not None
        cfg = self.config
        metrics = {f"val_{k}": v for k, v in self.evaluate(self.val_data).items()}
        value = metrics[cfg.metric]
        best = state.best_metric
        improved = math.isfinite(value) and (
            best is None or (value < best if cfg.metric_mode == "min" else value > best)
        )
        state.last_val = metrics
        if improved:
            state.best_metric, state.best_step, state.evals_since_best = value, state.step, 0
            if self.ctx.is_main:
                save_weights(self.files, "best", self.task, self._sidecar(state, state.step))
        else:
            state.evals_since_best += 1
        self._write("val", state.step, metrics, lr, state.elapsed)
        shown = "  ".join(f"{k} {v:.4g}" for k, v in metrics.items())
        if self.ctx.is_main:
            logger.info("step %d  %s%s", state.step, shown, "  (best)" if improved else "")

    def _patience_spent(self, state: _RunState) -> bool:
        patience = self.config.patience
        return patience is not None and state.evals_since_best >= patience

    def _check_metric_name(self, data: Dataset[Any]) -> None:
        """Fail now, not after ``eval_every`` steps, if ``metric`` is not evaluated."""
        saved_rng, was_training = rng.capture(self.ctx.device), self.task.training
        self.task.eval()
        try:
            with torch.inference_mode():
                batch = to_device(next(iter(self._eval_batches(data))), self.ctx.device)
                means = self._api.evaluation_step(batch).metrics
                names = [f"val_{k}" for k in evaluation_metrics(self.task, dict(means))]
        finally:
            self.task.train(was_training)
            rng.restore(saved_rng, self.ctx.device)
        if self.config.metric not in names:
            raise ConfigError(
                f"metric={self.config.metric!r} is not evaluated; choose one of {', '.join(names)}"
            )

    def _eval_batches(self, data: Dataset[Any]) -> Iterator[Any]:
        cfg, ctx = self.config, self.ctx
        return eval_batches(
            data,
            n=_length(data, "evaluation data"),
            batch_size=cfg.batch_size // ctx.world_size,
            rank=ctx.rank,
            world_size=ctx.world_size,
            collate_fn=self.collate_fn,
            num_workers=cfg.num_workers,
            pin_memory=ctx.device.type == "cuda",
        )

    def _diverged(self, what: str, value: float, state: _RunState) -> TrainingDiverged:
        if state.saved_step is None:
            where = "no checkpoint was saved yet"
        else:
            path = self.files.weights("model")
            where = f"last good checkpoint: {path} (step {state.saved_step})"
        return TrainingDiverged(
            f"{what} became {value} at step {state.step + 1}; {where}; "
            "lower --lr or enable --grad-clip"
        )

    def _write(
        self,
        split: str,
        step: int,
        metrics: dict[str, float],
        lr: float,
        elapsed: float,
        **extra: float,
    ) -> None:
        if self._log is not None:
            self._log.write(
                step=step, split=split, metrics=metrics, lr=lr, elapsed=elapsed, **extra
            )

    # -- start, save, resume -------------------------------------------------------------

    def _start(self) -> _RunState:
        if self.files.exists():
            raise CheckpointError(
                f"{self.files.root} already holds a run; continue it with --resume, "
                "or pick a new run directory (or delete this one)"
            )
        distributed.barrier(self.ctx)  # every rank has looked before rank 0 writes
        rng.seed_all(self.config.seed + self.ctx.rank)
        self.run_config = self.run_config or {}
        if self.ctx.is_main:
            self._write_config(self.run_config)
            if self.own_files is not None:
                self.own_files(self.files.root)
        return _RunState()

    def _write_config(self, run_config: dict[str, Any]) -> None:
        write_json(
            self.files.config,
            {
                "format": RUN_FORMAT,
                "run": run_config,
                "trainer": self.config.to_dict(),
                "world_size": self.ctx.world_size,
                "torch": torch.__version__,
                "written": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )

    def _sidecar(self, state: _RunState, step: int) -> dict[str, Any]:
        epoch, index = divmod(step, self._n_train // self.config.batch_size)
        return {
            "step": step,
            "epoch": epoch,  # epochs completed before this step's position
            "index_in_epoch": index,  # batches of that epoch already seen
            "metrics": {**state.last_train, **state.last_val},
            "metric": self.config.metric if self.val_data is not None else None,
            "best_metric": state.best_metric,
            "best_step": state.best_step,
            "run_config": self.run_config,
            "trainer": self.config.to_dict(),
            "written": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    def _save(self, state: _RunState) -> None:
        """Write the resumable checkpoint of ``state.step`` (all ranks call; rank 0 writes)."""
        rng_states = distributed.gather_to_main(rng.capture(self.ctx.device), self.ctx)
        if self.ctx.is_main:
            tensors, optimizer_json = optimizer_to_files(self.optimizer.state_dict())
            save_tensors(self.files.optimizer, tensors, {"step": str(state.step)})
            sidecar = self._sidecar(state, state.step)
            save_weights(self.files, "model", self.task, sidecar)
            write_json(
                self.files.state,
                {  # last: its presence commits the checkpoint
                    "format": CHECKPOINT_FORMAT,
                    "step": state.step,
                    "epoch": sidecar["epoch"],
                    "index_in_epoch": sidecar["index_in_epoch"],
                    "world_size": self.ctx.world_size,
                    "best_metric": state.best_metric,
                    "best_step": state.best_step,
                    "evals_since_best": state.evals_since_best,
                    "elapsed": state.elapsed,
                    "last_train": state.last_train,
                    "last_val": state.last_val,
                    "window": {"sums": state.window.sums, "steps": state.window.steps},
                    "trainer": self.config.to_dict(),
                    "optimizer": optimizer_json,
                    "rng": rng_states,
                },
            )
            if self._log is not None:
                self._log.sync()
        state.saved_step = state.step

    def _save_after_raw_interrupt(self, state: _RunState) -> None:
        if self._in_step or self.ctx.is_distributed or state.saved_step == state.step:
            where = "none yet" if state.saved_step is None else f"step {state.saved_step}"
            logger.warning("interrupted; keeping the last checkpoint (%s)", where)
            return
        self._save(state)
        logger.warning("interrupted between steps; checkpoint saved at step %d", state.step)

    def _resume(self) -> _RunState:
        files, cfg = self.files, self.config
        if not files.state.is_file():
            raise CheckpointError(
                f"{files.root} has no checkpoint to resume ({files.state} is missing); "
                "start the run afresh without --resume (delete the directory first if it exists)"
            )
        hint = "the checkpoint is damaged; start afresh in a new run directory"
        saved = read_json(files.state, hint)
        try:
            if saved["format"] != CHECKPOINT_FORMAT:
                raise ValueError(f"format {saved['format']!r}")
            saved_config = TrainerConfig.from_dict(saved["trainer"])
            rng_states = list(saved["rng"])
            optimizer_json = dict(saved["optimizer"])
            state = _RunState(
                step=int(saved["step"]),
                best_metric=saved["best_metric"],
                best_step=saved["best_step"],
                evals_since_best=int(saved["evals_since_best"]),
                elapsed=float(saved["elapsed"]),
                last_train=dict(saved["last_train"]),
                last_val=dict(saved["last_val"]),
                saved_step=int(saved["step"]),
                window=_Window(sums=dict(saved["window"]["sums"]), steps=saved["window"]["steps"]),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise CheckpointError(f"{files.state} lacks or garbles {err}; {hint}") from None
        step = state.step
        cfg.check_resumable(saved_config)
        if cfg.max_steps < step:
            raise ConfigError(
                f"max_steps={cfg.max_steps} is below the checkpoint's step {step}; "
                f"pass --max-steps {step} or more"
            )
        changed = [
            k for k in sorted(RESUMABLE_CHANGES) if getattr(cfg, k) != getattr(saved_config, k)
        ]
        if changed and self.ctx.is_main:
            logger.info("resuming with changed %s", ", ".join(changed))
        model_meta = read_weights(self.task, files.weights("model"), hint)
        optimizer_tensors, optimizer_meta = load_tensors(files.optimizer, hint)
        for path, meta in ((files.weights("model"), model_meta), (files.optimizer, optimizer_meta)):
            if meta.get("step") != str(step):
                raise CheckpointError(
                    f"{path} is at step {meta.get('step')} but {files.state} at step {step}: "
                    f"the run was killed while saving; {hint}"
                )
        try:
            self.optimizer.load_state_dict(
                optimizer_from_files(optimizer_tensors, optimizer_json, self.optimizer)
            )
        except (KeyError, TypeError, ValueError) as err:
            raise CheckpointError(
                f"{files.optimizer} does not fit the optimizer ({err}); {hint}"
            ) from None
        if len(rng_states) == self.ctx.world_size:
            rng.restore(rng_states[self.ctx.rank], self.ctx.device)
        else:
            logger.warning(
                "resuming on %d processes, saved on %d: dropout masks will differ",
                self.ctx.world_size,
                len(rng_states),
            )
            rng.seed_all(cfg.seed + self.ctx.rank + step)
        if self.run_config is None:  # keep the one the run was started with
            self.run_config = read_json(files.config, hint).get("run", {})
        distributed.barrier(self.ctx)  # every rank has read config.json before it is rewritten
        if self.ctx.is_main:
            truncate_metrics(files.metrics, step)
            self._write_config(self.run_config)
        logger.info("resumed %s at step %d", files.root, step)
        return state

    # -- Ctrl-C --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _deferred_sigint(self) -> Iterator[None]:
        """First SIGINT: finish the step, save, stop. Second: ``KeyboardInterrupt`` now."""
        if threading.current_thread() is not threading.main_thread():
            yield  # signal handlers live in the main thread only
            return

        def handler(signum: int, frame: Any) -> None:
            if self._stop_requested:
                raise KeyboardInterrupt
            self._stop_requested = True
            logger.warning("Ctrl-C: saving a checkpoint after this step (again to quit now)")

        previous = signal.signal(signal.SIGINT, handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
            self._stop_requested = False


def _grad_norm(params: list[nn.Parameter], device: torch.device) -> torch.Tensor:
    """Global L2 norm of all gradients, ‖(‖g₁‖, …, ‖gₖ‖)‖₂ (as clip_grad_norm_ computes it)."""
    norms = [torch.linalg.vector_norm(p.grad) for p in params if p.grad is not None]
    return torch.linalg.vector_norm(torch.stack(norms)) if norms else torch.zeros((), device=device)


def _length(data: Dataset[Any], what: str) -> int:
    if not isinstance(data, Sized):
        raise ConfigError(f"{what} must be a map-style Dataset with __len__")
    return len(data)
