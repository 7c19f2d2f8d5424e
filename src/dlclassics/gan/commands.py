"""``dlc gan train | sample | eval``: the minimax game on the 2-D ring and on real images.

dlc gan train --preset ring                                  # 8 Gaussians, PacGAN: 8/8 modes
dlc gan train --data fashion-mnist --model dcgan --run-dir runs/dcgan
dlc gan sample --run-dir runs/dcgan --n 64                   # runs/dcgan/sample.png
dlc gan sample --run-dir runs/cdcgan --n 64 --class 7        # one class of a cDCGAN
dlc gan eval --run-dir runs/dcgan                            # own-FID, classifier score …
dlc gan eval --run-dir runs/dcgan --weights g                # G itself, not the average Ḡ
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import torch
import tyro

from dlclassics.commands import Command
from dlclassics.errors import ConfigError
from dlclassics.gan.evaluate import evaluate_images, evaluate_ring
from dlclassics.gan.loop import GAN
from dlclassics.gan.mixture import ring_means
from dlclassics.gan.pictures import image_grid, scatter
from dlclassics.gan.training import RING, TRAIN_COMMAND, GANTrainConfig, load_gan, n_classes
from dlclassics.io import write_json
from dlclassics.registry import Registry

# which generator draws: None = the average Ḡ of a run trained with --ema-decay, else G;
# "ema" = Ḡ (refused for a run without one); "g" = G's own last weights
Weights = Literal["ema", "g"] | None


def load_sampler(run_dir: Path, weights: Weights) -> tuple[GANTrainConfig, GAN]:
    """A trained run whose :attr:`GAN.sampler` is the generator ``weights`` names."""
    run, gan = load_gan(run_dir)
    if weights == "ema" and gan.g_ema is None:
        raise ConfigError(f"{run_dir} was trained without --ema-decay: it has no average Ḡ")
    if weights == "g":
        gan.g_ema = None  # sample G itself
    return run, gan


@dataclass(frozen=True, kw_only=True)
class GANSampleConfig:
    run_dir: Path = Path("runs/gan")  # a directory written by `dlc gan train`
    n: int = 64  # samples to draw (a square-ish grid of images, or points of a scatter)
    # conditional models: draw only this class id (default: every class)
    class_: Annotated[int | None, tyro.conf.arg(name="class")] = None
    seed: int = 0  # the noise
    out: Path | None = None  # the PNG (default: RUN_DIR/sample.png)
    weights: Weights = None  # which generator draws (Weights above)


def sample(config: GANSampleConfig) -> Path:
    """Draw ``n`` samples of a trained run into a PNG; returns its path."""
    if not 1 <= config.n <= 10_000:
        raise ConfigError(f"n={config.n} must be between 1 and 10000; pass --n 64 for a grid")
    run, gan = load_sampler(config.run_dir, config.weights)
    out = config.out or config.run_dir / "sample.png"
    generator = torch.Generator().manual_seed(config.seed)
    y = None
    if config.class_ is not None:
        classes = n_classes(run.data)
        if not gan.conditional:
            raise ConfigError(f"{run.model} is not class-conditional; drop --class (or use cdcgan)")
        if not 0 <= config.class_ < classes:
            raise ConfigError(f"class={config.class_} must be between 0 and {classes - 1}")
        y = torch.full((config.n,), config.class_)
    if run.data == RING:
        return scatter(gan.sample(config.n, generator), ring_means(run.ring), out)
    rows = max(1, round(config.n**0.5))
    return image_grid(gan.sample(config.n, generator, y), rows, out)


def sample_command(config: GANSampleConfig) -> int:
    print(f"{config.n} samples in {sample(config)}")
    return 0


@dataclass(frozen=True, kw_only=True)
class GANEvalConfig:
    run_dir: Path = Path("runs/gan")  # a directory written by `dlc gan train`
    n: int = 10_000  # samples to judge
    judge_dir: Path | None = None  # the judge classifier's run (default runs/gan-judge-DATA)
    seed: int = 0  # the noise
    weights: Weights = None  # which generator draws (Weights above)


def evaluate(config: GANEvalConfig) -> dict[str, Any]:
    """The run's measures, next to their real-data floor; writes eval.json (and pictures)."""
    if config.n < 100:
        raise ConfigError(f"n={config.n} is too few samples to measure; pass --n 100 or more")
    run, gan = load_sampler(config.run_dir, config.weights)
    generator = torch.Generator().manual_seed(config.seed)
    if run.data == RING:
        result = evaluate_ring(run, gan, config.n, generator, config.run_dir)
    else:
        judge_dir = config.judge_dir or Path(f"runs/gan-judge-{run.data}")
        result = evaluate_images(run, gan, config.n, generator, config.run_dir, judge_dir)
    result["weights"] = "g" if gan.g_ema is None else "ema"
    write_json(config.run_dir / "eval.json", result)
    return result


def eval_command(config: GANEvalConfig) -> int:
    result = evaluate(config)
    shown = "  ".join(
        f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}"
        for k, v in result.items()
        if isinstance(v, int | float)
    )
    print(f"{shown}; details in {config.run_dir / 'eval.json'}")
    return 0


COMMANDS: Registry[Command] = Registry("gan command")
COMMANDS.add("train", TRAIN_COMMAND)
COMMANDS.add("sample", Command(config=GANSampleConfig, run=sample_command))
COMMANDS.add("eval", Command(config=GANEvalConfig, run=eval_command))
