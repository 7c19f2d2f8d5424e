"""A GAN run: its config, its data, its pictures, and ``dlc gan train``'s lifecycle.

    dlc gan train --data 8-gaussians --model mlp-gan --pack 4 --run-dir runs/ring
    dlc gan train --data fashion-mnist --model dcgan --run-dir runs/dcgan --stop-after 500
    dlc gan train --resume runs/dcgan                # continues, bit-identical
    dlc gan sample --run-dir runs/dcgan --n 64       # a grid of 64 samples

The lifecycle follows :mod:`dlclassics.train.lifecycle` (config.json's ``"command"``,
``--resume DIR`` with trainer options overridable, curves.png, a last line that names the next
command) around the GAN's own loop (:mod:`.loop`) instead of the one-optimizer trainer.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import torch
from torch.utils.data import TensorDataset

from dlclassics.commands import Command
from dlclassics.config import from_dict, replace, to_dict
from dlclassics.data.tensors import image_dataset
from dlclassics.errors import CheckpointError, ConfigError
from dlclassics.gan.game import GeneratorLoss
from dlclassics.gan.loop import GAN, FitResult, GANLoop, GANLoopConfig
from dlclassics.gan.mixture import RingConfig, ring_means, sample_ring
from dlclassics.gan.models import MODELS, ModelConfig
from dlclassics.gan.pictures import image_grid, scatter
from dlclassics.train.checkpoint import read_run_config, read_weights
from dlclassics.train.curves import plot_curves

log = logging.getLogger(__name__)

COMMAND = "gan train"
GANData = Literal["fashion-mnist", "mnist", "mnist-5k", "8-gaussians"]
GANModel = Literal["dcgan", "mlp-gan", "cdcgan"]
RING: Literal["8-gaussians"] = "8-gaussians"


@dataclass(frozen=True, kw_only=True)
class GANTrainConfig:
    data: GANData = "fashion-mnist"  # images (fetched on first use) or the 2-D ring
    model: GANModel = "dcgan"  # generator/discriminator pair (gan/models.py)
    loss: GeneratorLoss = "non-saturating"  # G's loss: −log D(G(z)), or log(1 − D(G(z)))
    run_dir: Path = Path("runs/gan")  # config.json, weights, metrics, samples/
    net: ModelConfig = field(default_factory=ModelConfig)
    ring: RingConfig = field(default_factory=RingConfig)  # 8-gaussians only
    trainer: GANLoopConfig = field(default_factory=GANLoopConfig)

    def __post_init__(self) -> None:
        if self.data == RING and self.model != "mlp-gan":
            raise ConfigError(f"data={RING!r} is 2-D points: use --model mlp-gan")
        if MODELS[self.model].conditional and self.net.pack != 1:
            raise ConfigError(f"model={self.model!r} cannot pack samples; drop --pack")


PRESETS: dict[str, GANTrainConfig] = {
    # the ring covered: PacGAN's packing of 4 samples per judgement; 10,000 steps at a constant
    # step (6,000: 8/8 modes but 76 % within 3σ, the rest on bridges between modes; a linear
    # decay to 0 froze the bridges, 57 %)
    "ring": GANTrainConfig(
        data=RING, model="mlp-gan", run_dir=Path("runs/gan-ring"), net=ModelConfig(pack=4),
        trainer=GANLoopConfig(max_steps=10_000, batch_size=256, lr_g=5e-4, lr_d=5e-4,
                              sample_every=500, checkpoint_every=1000),
    ),
    # the same game with a plain discriminator: it collapses onto a few modes
    "ring-collapse": GANTrainConfig(
        data=RING, model="mlp-gan", run_dir=Path("runs/gan-ring-collapse"),
        trainer=GANLoopConfig(max_steps=10_000, batch_size=256, lr_g=5e-4, lr_d=5e-4,
                              sample_every=500, checkpoint_every=1000),
    ),
}  # fmt: skip


def n_classes(data: str) -> int:
    return 8 if data == RING else 10


def shape_of(data: str) -> tuple[int, ...]:
    return (2,) if data == RING else (1, 28, 28)


def build_gan(config: GANTrainConfig) -> GAN:
    """G and D of ``config``, initialised from its seed."""
    torch.manual_seed(config.trainer.seed)
    spec = MODELS[config.model]
    classes = n_classes(config.data) if spec.conditional else 0
    g, d = spec.build(config.net, shape_of(config.data), classes)
    return GAN(g, d, ema=config.trainer.ema_decay > 0)


def real_data(config: GANTrainConfig) -> TensorDataset:
    """Training examples in G's output space: ring points, or images scaled to [−1, 1]."""
    if config.data == RING:
        generator = torch.Generator().manual_seed(0)  # one fixed training set per RingConfig
        points, modes = sample_ring(config.ring, config.ring.size, generator)
        return TensorDataset(points, modes)
    x, y = image_dataset(config.data, "train", channel_axis=True).tensors
    return TensorDataset(x * 2 - 1, y)  # (N, 1, 28, 28) in [−1, 1], like tanh


def drawer(config: GANTrainConfig) -> Any:
    """The picture of a fixed noise batch: a scatter of 1,000 points or a grid of images."""
    seed = config.trainer.seed

    def draw(gan: GAN, out: Path) -> None:
        generator = torch.Generator().manual_seed(seed)
        if config.data == RING:
            samples = gan.sample(1000, generator)
            scatter(samples, ring_means(config.ring), out, title=out.stem)
            return
        y = torch.arange(10).repeat_interleave(8) if gan.conditional else None  # a row per class
        image_grid(
            gan.sample(80 if y is not None else 64, generator, y), 10 if y is not None else 8, out
        )

    return draw


# -- the lifecycle ---------------------------------------------------------------------------


def saved_config(run_dir: Path) -> GANTrainConfig:
    """The config ``run_dir`` was trained with; one clear error for any other directory."""
    data = read_run_config(run_dir)
    if data.get("command") != COMMAND:
        other = f"a `dlc {data['command']}`" if data.get("command") else "another kind of"
        raise CheckpointError(
            f"{run_dir} holds {other} run, not a `dlc {COMMAND}` run; "
            f"pass a directory written by `dlc {COMMAND} --run-dir`"
        )
    try:
        return from_dict(GANTrainConfig, data["run"])
    except (KeyError, TypeError, ValueError) as error:
        raise CheckpointError(f"{run_dir / 'config.json'} is damaged ({error})") from None


def load_gan(run_dir: Path) -> tuple[GANTrainConfig, GAN]:
    """A trained run's config and its latest G and D, in eval mode."""
    config = saved_config(run_dir)
    gan = build_gan(config)
    read_weights(gan, run_dir / "model.safetensors", f"is {run_dir} a trained `dlc gan train` run?")
    return config, gan.eval()


@dataclass(frozen=True, kw_only=True)
class GANRunResult:
    config: GANTrainConfig
    fit: FitResult


def train(config: GANTrainConfig, *, resume: bool = False) -> GANRunResult:
    """Train a new run in ``config.run_dir`` (or continue it with ``resume``)."""
    if resume:
        _check_unchanged(config)
    gan = build_gan(config)
    data = real_data(config)
    log.info("config: %s", json.dumps(to_dict(config), default=str))
    n_g = sum(p.numel() for p in gan.g.parameters())
    n_d = sum(p.numel() for p in gan.d.parameters())
    log.info("%s on %s: G %s parameters, D %s; %s examples", config.model, config.data,
             f"{n_g:,}", f"{n_d:,}", f"{len(data):,}")  # fmt: skip
    run = {"command": COMMAND, "run": to_dict(config)}
    loop = GANLoop(
        gan, config.trainer, config.run_dir, data=data, loss=config.loss, run_config=run,
        draw=drawer(config),
    )  # fmt: skip
    fit = loop.fit(resume=resume)
    keys = ("d_loss", "g_loss", "d_real", "d_fake", "g_grad_norm")
    plot_curves(config.run_dir / "metrics.jsonl", config.run_dir / "curves.png", keys=keys)
    return GANRunResult(config=config, fit=fit)


def train_in_stages(
    config: GANTrainConfig, stops: tuple[int, ...], n: int = 1000
) -> list[tuple[int, torch.Tensor]]:
    """Train to each step of ``stops`` in turn (pause, then resume: the same run as one go)
    and draw ``n`` samples there: the game step by step, for stepped scatter plots."""
    assert list(stops) == sorted(stops) and stops[-1] == config.trainer.max_steps, stops
    samples = []
    for i, stop in enumerate(stops):
        staged = replace(config, trainer=replace(config.trainer, stop_after=stop))
        result = train(staged, resume=i > 0)
        gan = build_gan(config)
        read_weights(gan, config.run_dir / "model.safetensors", "the run just written")
        samples.append((result.fit.final_step, gan.sample(n, torch.Generator().manual_seed(0))))
    return samples


def _check_unchanged(config: GANTrainConfig) -> None:
    saved = saved_config(config.run_dir)
    for f in fields(config):
        old, new = getattr(saved, f.name), getattr(config, f.name)
        if f.name not in ("run_dir", "trainer") and old != new:
            raise CheckpointError(
                f"{config.run_dir} holds a run with {f.name}={old!r}; cannot resume it with "
                f"{f.name}={new!r} — drop that option"
            )


def final_line(result: GANRunResult) -> str:
    fit, run_dir = result.fit, result.fit.run_dir
    if fit.paused:
        return (
            f"paused at step {fit.final_step} of {result.config.trainer.max_steps}; "
            f"continue with: dlc {COMMAND} --resume {run_dir}"
        )
    shown = ", ".join(f"{k} {fit.metrics[k]:.3f}" for k in ("d_real", "d_fake") if k in fit.metrics)
    return (
        f"trained {fit.final_step} steps ({fit.wall_seconds:.0f} s, {fit.cpu_seconds:.0f} CPU s; "
        f"last {shown}); samples in {run_dir / 'samples'}; next: dlc gan eval --run-dir {run_dir}"
    )


class _Train:
    """``dlc gan train`` and its ``--resume DIR`` (:class:`dlclassics.commands.Resumable`)."""

    def resume_config(self, run_dir: Path) -> GANTrainConfig:
        saved = saved_config(run_dir)
        return replace(saved, run_dir=run_dir, trainer=replace(saved.trainer, stop_after=None))

    def run_resumed(self, config: GANTrainConfig) -> int:
        print(final_line(train(config, resume=True)))
        return 0

    def run_new(self, config: GANTrainConfig) -> int:
        print(final_line(train(config)))
        return 0


_TRAIN = _Train()
TRAIN_COMMAND = Command(
    config=GANTrainConfig, run=_TRAIN.run_new, presets=PRESETS, resumable=_TRAIN
)
