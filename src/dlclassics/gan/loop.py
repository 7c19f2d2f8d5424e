"""The GAN's own short training loop, on the trainer's checkpoint, metrics and RNG helpers.

Goodfellow et al. (2014), Algorithm 1, with one discriminator step per generator step and the
updates of DCGAN (Adam, β₁ = 0.5). One step, all in :func:`gan_step`::

    z ~ N(0, I);  x̃ = G(z, y)
    D ← D − η ∇_D [−log D(x) − log(1 − D(x̃))]           (x̃ detached: G stays fixed)
                    (real target α = ``real_label`` < 1: one-sided label smoothing, game.py)
    G ← G − η ∇_G L_G(D(x̃))   (L_G: non-saturating −log D(x̃), or saturating log(1 − D(x̃)))

A GAN has two optimizers and no validation loss to pick a "best" model, so it does not bend
:class:`~dlclassics.train.Trainer` into that shape; it reuses its pieces instead. The run
directory has the trainer's layout (:mod:`dlclassics.train.checkpoint`): ``config.json``,
``metrics.jsonl``, ``model.safetensors`` + ``model.json`` (G and D together), and
``checkpoint/{optimizer.safetensors,state.json}`` with both optimizers and every RNG state,
plus ``samples/step-NNNNNN.png`` drawn from a fixed noise batch every ``sample_every`` steps.
The real examples of step s depend on (seed, s) only (:mod:`dlclassics.train.batches`), the
noise comes from the global generator that checkpoints restore: stopping at any checkpoint and
resuming ends with the same bits as never stopping.

**Averaged generator** (``ema_decay`` > 0; Yazici et al. 2019, "The Unusual Effectiveness of
Averaging in GAN Training"; ProGAN and StyleGAN sample the same way). The game's iterates
circle around an equilibrium instead of settling on it; their exponential moving average
lies nearer its centre. After each step, with β_t = min(β, (1 + t) / (10 + t)) (the warm-up of
TensorFlow's ``ExponentialMovingAverage``, so the random initial weights fade within the
first few hundred steps)::

    θ̄ ← β_t θ̄ + (1 − β_t) θ        (every parameter and batch-norm running statistic of G)

Ḡ = G(·; θ̄) only draws samples — it never enters the game — and is saved in the checkpoint as
``g_ema.*`` next to ``g.*`` and ``d.*``, so a resumed run keeps averaging the same bits.
"""

from __future__ import annotations

import copy
import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import torch
from torch import nn
from torch.utils.data import TensorDataset, default_collate

from dlclassics.errors import CheckpointError, ConfigError, TrainingDiverged
from dlclassics.gan.game import GeneratorLoss, discriminator_loss, generator_loss
from dlclassics.gan.models import Discriminator, Generator
from dlclassics.io import write_json
from dlclassics.train import rng
from dlclassics.train.batches import train_batches
from dlclassics.train.checkpoint import (
    CHECKPOINT_FORMAT,
    RUN_FORMAT,
    RunFiles,
    load_tensors,
    optimizer_from_files,
    optimizer_to_files,
    read_json,
    read_weights,
    save_tensors,
    save_weights,
)
from dlclassics.train.metrics import MetricsLog, truncate_metrics
from dlclassics.train.progress import ProgressBar

log = logging.getLogger(__name__)

# may differ on resume: the horizon and the bookkeeping (every other field fixes the trajectory)
RESUMABLE_CHANGES = frozenset(
    {"max_steps", "stop_after", "log_every", "sample_every", "checkpoint_every", "progress"}
)


@dataclass(frozen=True, kw_only=True)
class GANLoopConfig:
    max_steps: int = 3000  # generator updates (each after one discriminator update)
    # pause after this many steps; --resume continues exactly. None = run to max_steps
    stop_after: int | None = None
    batch_size: int = 64  # real examples per step (and as many fakes)
    lr_g: float = 2e-4  # Adam step of G (DCGAN's 0.0002)
    lr_d: float = 2e-4  # Adam step of D
    beta1: float = 0.5  # Adam β₁; DCGAN lowered it from 0.9, momentum destabilises the game
    # "linear": both steps fall linearly to 0 at max_steps (sharpens the samples at the end)
    lr_decay: Literal["constant", "linear"] = "constant"
    # D's target for real examples: 1 = the game's loss; 0.9 = one-sided label smoothing
    # (Salimans et al. 2016; gan/game.py), against a D that grows over-confident
    real_label: float = 1.0
    # β of the averaged generator Ḡ that draws the samples (module docstring); 0 = off, samples
    # from G itself. 0.999 averages over ~1,000 steps (ProGAN's and StyleGAN's choice)
    ema_decay: float = 0.0
    seed: int = 0  # initial weights, data order, noise
    log_every: int = 50  # steps between metrics.jsonl rows (means over those steps)
    sample_every: int = 500  # steps between sample pictures of a fixed noise batch
    checkpoint_every: int = 500  # steps between resumable checkpoints (and at the end)
    progress: bool = True  # live bar (only on a terminal)

    def __post_init__(self) -> None:
        for name in ("max_steps", "batch_size", "log_every", "sample_every", "checkpoint_every"):
            if getattr(self, name) < 1:
                flag = name.replace("_", "-")
                raise ConfigError(
                    f"{name}={getattr(self, name)} must be ≥ 1; pass a positive --{flag}"
                )
        if self.stop_after is not None and not 1 <= self.stop_after <= self.max_steps:
            raise ConfigError(
                f"stop_after={self.stop_after} must be between 1 and max_steps={self.max_steps}"
            )
        if not (self.lr_g > 0 and self.lr_d > 0 and 0 <= self.beta1 < 1):
            raise ConfigError("lr_g and lr_d must be > 0 and beta1 in [0, 1)")
        if not 0.5 < self.real_label <= 1:
            raise ConfigError(f"real_label={self.real_label} must be in (0.5, 1]; 1 = no smoothing")
        if not 0 <= self.ema_decay < 1:
            raise ConfigError(f"ema_decay={self.ema_decay} must be in [0, 1); 0 turns it off")


class GAN(nn.Module):
    """G and D in one module, so one safetensors file holds both (``g.*``, ``d.*``), and the
    averaged generator Ḡ (``g_ema.*``) when ``ema`` is set: it then draws the samples."""

    def __init__(self, g: Generator, d: Discriminator, *, ema: bool = False) -> None:
        super().__init__()
        self.g, self.d = g, d
        self.g_ema = copy.deepcopy(g).requires_grad_(False) if ema else None  # θ̄ starts at θ

    @property
    def sampler(self) -> Generator:
        """The generator that draws samples: Ḡ when averaging, else G."""
        return self.g if self.g_ema is None else self.g_ema

    @property
    def conditional(self) -> bool:
        return self.g.n_classes > 0

    @torch.inference_mode()
    def sample(
        self, n: int, generator: torch.Generator, y: torch.Tensor | None = None
    ) -> torch.Tensor:
        """``n`` samples of :attr:`sampler` in eval mode, no global RNG. Batch norm uses its
        running statistics: on the image DCGANs the measures equal those with each batch's own
        statistics (fid_own 214.8 vs 214.8 on MNIST after 2,500 steps; benchmarks/gan.py)."""
        was_training = self.training
        self.eval()
        try:
            z = torch.randn(n, self.g.latent, generator=generator)
            if self.conditional and y is None:
                y = torch.randint(self.g.n_classes, (n,), generator=generator)
            return self.sampler(z, y if self.conditional else None)
        finally:
            self.train(was_training)


@torch.no_grad()
def ema_update(average: nn.Module, model: nn.Module, decay: float, step: int) -> None:
    """θ̄ ← β_t θ̄ + (1 − β_t) θ with β_t = min(β, (1 + t) / (10 + t)), t = ``step`` (the
    steps taken before this one), over parameters and floating buffers (batch norm's running
    mean and variance); integer buffers (its batch count) are copied."""
    beta = min(decay, (1 + step) / (10 + step))
    pairs = zip(average.state_dict().values(), model.state_dict().values(), strict=True)
    for mine, theirs in pairs:  # state_dict's tensors share storage with the modules'
        if mine.is_floating_point():
            mine.lerp_(theirs, 1 - beta)  # β θ̄ + (1 − β) θ
        else:
            mine.copy_(theirs)


def gan_step(
    gan: GAN,
    opt_g: torch.optim.Optimizer,
    opt_d: torch.optim.Optimizer,
    real: torch.Tensor,
    labels: torch.Tensor,
    loss: GeneratorLoss,
    *,
    real_label: float = 1.0,
    ema_decay: float = 0.0,
    step: int = 0,
) -> dict[str, float]:
    """One discriminator update, then one generator update, then (``ema_decay`` > 0) the
    average Ḡ of G's weights; ``step``: steps taken before this one. Returns its scalars."""
    y = labels if gan.conditional else None  # fakes take the real batch's classes
    z = torch.randn(len(real), gan.g.latent)  # (B, Z)
    fake = gan.g(z, y)  # (B, *shape)
    real_logits, fake_logits = gan.d(real, y), gan.d(fake.detach(), y)
    d_loss = discriminator_loss(real_logits, fake_logits, real_label)
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()
    g_loss = generator_loss(gan.d(fake, y), loss)  # through the updated D
    opt_g.zero_grad(set_to_none=True)
    g_loss.backward()
    grads = [p.grad for p in gan.g.parameters() if p.grad is not None]
    g_grad = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    opt_g.step()
    if gan.g_ema is not None:
        ema_update(gan.g_ema, gan.g, ema_decay, step)
    return {
        "d_loss": d_loss.item(),
        "g_loss": g_loss.item(),
        "d_real": torch.sigmoid(real_logits).mean().item(),  # D(x)
        "d_fake": torch.sigmoid(fake_logits).mean().item(),  # D(G(z)) before D's update
        "g_grad_norm": g_grad.item(),  # ‖∇_θ L_G‖ of the generator's parameters
    }


@dataclass(frozen=True, kw_only=True)
class FitResult:
    run_dir: Path
    final_step: int
    paused: bool
    metrics: dict[str, float]  # the last metrics row
    cpu_seconds: float  # process CPU time of this call (all threads)
    wall_seconds: float


@dataclass
class _State:
    step: int = 0
    elapsed: float = 0.0  # training seconds over all resumes
    cpu: float = 0.0  # process CPU seconds of training over all resumes (every thread)
    sums: dict[str, float] | None = None  # scalars summed since the last metrics row
    steps_in_window: int = 0
    last: dict[str, float] | None = None


Draw = Callable[[GAN, Path], None]  # writes a picture of the GAN's samples to the path


class GANLoop:
    """Trains ``gan`` on ``data`` (tensors: examples in G's output space, class ids)."""

    def __init__(
        self,
        gan: GAN,
        config: GANLoopConfig,
        run_dir: Path,
        *,
        data: TensorDataset,
        loss: GeneratorLoss,
        run_config: dict[str, Any],
        draw: Draw,
    ) -> None:
        if len(data) < config.batch_size:
            raise ConfigError(
                f"the data has {len(data)} examples, fewer than batch_size={config.batch_size}"
            )
        if config.batch_size % gan.d.pack:
            raise ConfigError(
                f"batch_size={config.batch_size} must be a multiple of pack={gan.d.pack}"
            )
        if (gan.g_ema is not None) != (config.ema_decay > 0):
            raise ConfigError(
                f"ema_decay={config.ema_decay} needs a GAN built with ema={config.ema_decay > 0}"
            )
        self.gan, self.config, self.files = gan, config, RunFiles(run_dir)
        self.data, self.loss, self.run_config, self.draw = data, loss, run_config, draw
        betas = (config.beta1, 0.999)
        self.opt_g = torch.optim.Adam(gan.g.parameters(), lr=config.lr_g, betas=betas)
        self.opt_d = torch.optim.Adam(gan.d.parameters(), lr=config.lr_d, betas=betas)

    def fit(self, *, resume: bool = False) -> FitResult:
        wall, cpu = time.perf_counter(), time.process_time()
        state = self._resume() if resume else self._start()
        cfg = self.config
        batches = train_batches(
            self.data, n=len(self.data), batch_size=cfg.batch_size, seed=cfg.seed,
            start_step=state.step, rank=0, world_size=1, collate_fn=default_collate,
            num_workers=0, pin_memory=False,
        )  # fmt: skip
        end = cfg.max_steps if cfg.stop_after is None else min(cfg.max_steps, cfg.stop_after)
        bar = ProgressBar(
            total=cfg.max_steps, start=state.step, batch_size=cfg.batch_size, enabled=cfg.progress
        )
        purge = state.step + 1 if resume else None
        with MetricsLog(self.files.metrics, purge_step=purge) as out, bar:
            self._loop(state, batches, end, out, bar)
        return FitResult(
            run_dir=self.files.root,
            final_step=state.step,
            paused=state.step < cfg.max_steps,
            metrics=dict(state.last or {}),
            cpu_seconds=time.process_time() - cpu,
            wall_seconds=time.perf_counter() - wall,
        )

    def _loop(
        self, state: _State, batches: Iterator[Any], end: int, out: MetricsLog, bar: ProgressBar
    ) -> None:
        cfg = self.config
        clock = time.perf_counter() - state.elapsed
        cpu_clock = time.process_time() - state.cpu
        self.gan.train()
        while state.step < end:
            scale = 1 - state.step / cfg.max_steps if cfg.lr_decay == "linear" else 1.0
            for opt, lr in ((self.opt_g, cfg.lr_g), (self.opt_d, cfg.lr_d)):
                for group in opt.param_groups:
                    group["lr"] = lr * scale
            real, labels = next(batches)
            scalars = gan_step(
                self.gan, self.opt_g, self.opt_d, real, labels, self.loss,
                real_label=cfg.real_label, ema_decay=cfg.ema_decay, step=state.step,
            )  # fmt: skip
            if not all(math.isfinite(v) for v in scalars.values()):
                raise TrainingDiverged(
                    f"a loss became {scalars} at step {state.step + 1}; the last checkpoint "
                    f"in {self.files.root} is good; lower --lr-g/--lr-d"
                )
            state.step += 1
            state.elapsed = time.perf_counter() - clock
            state.cpu = time.process_time() - cpu_clock
            sums = state.sums or {}
            state.sums = {k: sums.get(k, 0.0) + v for k, v in scalars.items()}
            state.steps_in_window += 1
            bar.update(state.step, scalars["g_loss"])
            last = state.step == cfg.max_steps  # a pause (step == end) only checkpoints
            if state.step % cfg.log_every == 0 or last:
                state.last = {k: v / state.steps_in_window for k, v in state.sums.items()}
                state.sums, state.steps_in_window = None, 0
                out.write(
                    step=state.step, split="train", metrics=state.last, lr=cfg.lr_g * scale,
                    elapsed=state.elapsed,
                )  # fmt: skip
            if state.step % cfg.sample_every == 0 or last:
                self.draw(self.gan, self.files.root / "samples" / f"step-{state.step:06d}.png")
            if state.step % cfg.checkpoint_every == 0 or state.step == end:
                self._save(state)
                out.sync()

    # -- start, save, resume -------------------------------------------------------------

    def _start(self) -> _State:
        if self.files.exists():
            raise CheckpointError(
                f"{self.files.root} already holds a run; continue it with --resume, "
                "or pick a new run directory (or delete this one)"
            )
        self._write_config()
        rng.seed_all(self.config.seed + 1)  # the noise stream, apart from the initial weights
        return _State()

    def _write_config(self) -> None:
        write_json(
            self.files.config,
            {
                "format": RUN_FORMAT,
                "run": self.run_config,
                "trainer": _as_dict(self.config),
                "torch": torch.__version__,
                "written": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )

    def _save(self, state: _State) -> None:
        tensors: dict[str, torch.Tensor] = {}
        optimizers: dict[str, Any] = {}
        for name, opt in (("g", self.opt_g), ("d", self.opt_d)):
            opt_tensors, optimizers[name] = optimizer_to_files(opt.state_dict())
            tensors.update({f"{name}.{k}": v for k, v in opt_tensors.items()})
        save_tensors(self.files.optimizer, tensors, {"step": str(state.step)})
        sidecar = {
            "step": state.step,
            "elapsed": state.elapsed,
            "cpu_seconds": state.cpu,
            "metrics": state.last or {},
            "run_config": self.run_config,
            "trainer": _as_dict(self.config),
            "written": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        save_weights(self.files, "model", self.gan, sidecar)
        write_json(
            self.files.state,
            {  # last: its presence commits the checkpoint
                "format": CHECKPOINT_FORMAT,
                "step": state.step,
                "elapsed": state.elapsed,
                "cpu_seconds": state.cpu,
                "window": {"sums": state.sums or {}, "steps": state.steps_in_window},
                "last": state.last or {},
                "trainer": _as_dict(self.config),
                "optimizers": optimizers,
                "rng": rng.capture(torch.device("cpu")),
            },
        )

    def _resume(self) -> _State:
        files = self.files
        if not files.state.is_file():
            raise CheckpointError(
                f"{files.root} has no checkpoint to resume ({files.state} is missing); "
                "start the run afresh without --resume"
            )
        hint = "the checkpoint is damaged; start afresh in a new run directory"
        saved = read_json(files.state, hint)
        try:
            step = int(saved["step"])
            trainer, optimizers, rng_state = saved["trainer"], saved["optimizers"], saved["rng"]
            state = _State(
                step=step,
                elapsed=float(saved["elapsed"]),
                cpu=float(saved["cpu_seconds"]),
                sums=dict(saved["window"]["sums"]) or None,
                steps_in_window=int(saved["window"]["steps"]),
                last=dict(saved["last"]) or None,
            )
        except (KeyError, TypeError, ValueError) as err:
            raise CheckpointError(f"{files.state} lacks or garbles {err}; {hint}") from None
        for f in fields(self.config):
            # a field an older checkpoint lacks (ema_decay, real_label) had its default then
            now, then = getattr(self.config, f.name), trainer.get(f.name, f.default)
            if f.name not in RESUMABLE_CHANGES and now != then:
                raise ConfigError(
                    f"cannot resume with {f.name}={now!r}: the run was trained with {then!r}"
                )
        if self.config.max_steps < step:
            raise ConfigError(f"max_steps={self.config.max_steps} is below the checkpoint's {step}")
        meta = read_weights(self.gan, files.weights("model"), hint)
        opt_tensors, opt_meta = load_tensors(files.optimizer, hint)
        if meta.get("step") != str(step) or opt_meta.get("step") != str(step):
            raise CheckpointError(f"{files.root}: the run was killed while saving; {hint}")
        for name, opt in (("g", self.opt_g), ("d", self.opt_d)):
            mine = {k[2:]: v for k, v in opt_tensors.items() if k.startswith(f"{name}.")}
            opt.load_state_dict(optimizer_from_files(mine, optimizers[name], opt))
        rng.restore(rng_state, torch.device("cpu"))
        truncate_metrics(files.metrics, step)
        self._write_config()
        log.info("resumed %s at step %d", files.root, step)
        return state


def _as_dict(config: GANLoopConfig) -> dict[str, Any]:
    return {f.name: getattr(config, f.name) for f in fields(config)}
