"""``dlc mlp train`` and ``dlc mlp eval``: the MLP on real images, through the one trainer.

dlc mlp train --data fashion-mnist --run-dir runs/mlp        # ≥ 88 % test accuracy
dlc mlp train --resume runs/mlp --max-steps 12000             # continue, bit-exact
dlc mlp eval --run-dir runs/mlp                               # test accuracy + confusion PNG
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch
from torch.utils.data import TensorDataset

from dlclassics.commands import Command
from dlclassics.config import from_dict, replace, to_dict
from dlclassics.data.images import IMAGE_PIXELS, ImageData
from dlclassics.data.tensors import CLASS_NAMES, image_dataset
from dlclassics.errors import CheckpointError
from dlclassics.mlp.model import MLP, MLPConfig
from dlclassics.registry import Registry
from dlclassics.report.plots import plot_curves
from dlclassics.tasks import Classification, eval_summary, evaluate_classifier
from dlclassics.train import Trainer, TrainerConfig, distributed, load_weights, read_run_config

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class MLPTrainConfig:
    data: ImageData = "fashion-mnist"  # image data set (fetched on first use)
    run_dir: Path = Path("runs/mlp")  # where weights, config.json and metrics.jsonl go
    resume: Path | None = None  # continue the run saved in this directory
    model: MLPConfig = field(default_factory=MLPConfig)
    trainer: TrainerConfig = field(
        default_factory=lambda: TrainerConfig(
            max_steps=8600,  # 20 epochs of the 55,000-image train split at batch 128
            batch_size=128,
            optimizer="adam",
            lr=1e-3,
            schedule="cosine",
            eval_every=430,  # once per epoch
            checkpoint_every=430,
            metric="val_acc",
            metric_mode="max",
        )
    )


PRESETS: dict[str, MLPTrainConfig] = {
    "quick": MLPTrainConfig(
        run_dir=Path("runs/mlp-quick"),
        trainer=replace(MLPTrainConfig().trainer, max_steps=2150),  # 5 epochs
    ),
    "full": MLPTrainConfig(
        run_dir=Path("runs/mlp-full"),
        model=MLPConfig(hidden=(1024, 512, 256), dropout=0.3),
        trainer=replace(MLPTrainConfig().trainer, max_steps=25800),  # 60 epochs
    ),
}


def build(config: MLPTrainConfig, train: TensorDataset | None = None) -> Classification:
    """The task (model + input normalisation) for ``config``.

    With ``train`` given, μ and σ come from its images; without it they are placeholders
    that :func:`load_weights` overwrites (they are buffers saved with the weights).
    """
    torch.manual_seed(config.trainer.seed)  # initial weights follow the run's seed
    model = MLP(config.model, n_inputs=IMAGE_PIXELS, n_classes=len(CLASS_NAMES[config.data]))
    if train is None:
        return Classification(model)
    x = train.tensors[0]
    return Classification(model, mean=x.mean().item(), std=x.std().item())


def saved_config(run_dir: Path) -> MLPTrainConfig:
    """The config a run directory was trained with."""
    data = read_run_config(run_dir)
    try:
        config = from_dict(MLPTrainConfig, data["run"])
    except (KeyError, TypeError) as error:
        raise CheckpointError(
            f"{run_dir / 'config.json'} is not an MLP run config ({error}); "
            "pass the directory given to `dlc mlp train --run-dir`"
        ) from None
    return config


def resume_config(run_dir: Path) -> MLPTrainConfig:
    """The saved config, continuing in ``run_dir`` to its max_steps (a pause is one-off)."""
    saved = saved_config(run_dir)
    trainer = replace(saved.trainer, stop_after=None)
    return replace(saved, run_dir=run_dir, resume=run_dir, trainer=trainer)


def train(config: MLPTrainConfig) -> int:
    run_dir = config.resume or config.run_dir
    log.info("config: %s", json.dumps(to_dict(config), default=str))
    train_data = image_dataset(config.data, "train")
    task = build(config, train_data)
    trainer = Trainer(
        task,
        config.trainer,
        run_dir,
        train_data=train_data,
        val_data=image_dataset(config.data, "val"),
        run_config={"command": "mlp train", "run": to_dict(config)},
    )
    result = trainer.fit(resume=config.resume is not None)
    distributed.shutdown()  # no-op outside torchrun
    if trainer.is_main:
        plot_curves(run_dir / "metrics.jsonl", run_dir / "curves.png")
        print(
            f"best {config.trainer.metric} {result.best_metric:.4f} at step {result.best_step}; "
            f"weights in {run_dir}; next: dlc mlp eval --run-dir {run_dir}"
        )
    return 0


@dataclass(frozen=True, kw_only=True)
class MLPEvalConfig:
    run_dir: Path = Path("runs/mlp")  # a directory written by `dlc mlp train`
    split: Literal["test", "val"] = "test"
    which: Literal["best", "last"] = "best"  # weights with the best validation metric, or latest


def evaluate(config: MLPEvalConfig) -> dict[str, Any]:
    """Accuracy of a trained run on a split; writes eval.json and confusion.png."""
    run = saved_config(config.run_dir)
    task = build(run)
    load_weights(task, config.run_dir, which=config.which)
    x, y = image_dataset(run.data, config.split).tensors
    title = f"MLP on {run.data} {config.split}"
    labels = CLASS_NAMES[run.data]
    return evaluate_classifier(task, x, y, labels, config.run_dir, split=config.split, title=title)


def eval_command(config: MLPEvalConfig) -> int:
    print(eval_summary(evaluate(config), config.run_dir))
    return 0


COMMANDS: Registry[Command] = Registry("mlp command")
COMMANDS.add(
    "train",
    Command(
        help="train the ReLU MLP on an image data set (Fashion-MNIST by default)",
        config=MLPTrainConfig,
        run=train,
        presets=PRESETS,
        resume_from=resume_config,
    ),
)
COMMANDS.add(
    "eval",
    Command(
        help="test accuracy and confusion matrix of a trained MLP",
        config=MLPEvalConfig,
        run=eval_command,
    ),
)
