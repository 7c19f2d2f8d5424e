"""``dlc mlp train`` and ``dlc mlp eval``: the MLP on real images, through the one trainer.

dlc mlp train --data fashion-mnist --run-dir runs/mlp        # ≥ 88 % test accuracy
dlc mlp train --resume runs/mlp --max-steps 12000             # continue, bit-exact
dlc mlp eval --run-dir runs/mlp                               # test accuracy + confusion PNG
dlc mlp boundary --out runs/mlp-boundary                      # width vs decision boundary, 2-D
dlc mlp activations --out runs/mlp-activations                # sigmoid/tanh/ReLU × init, 8 layers
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch
from torch.utils.data import TensorDataset

from dlclassics.commands import Command, invocation
from dlclassics.config import replace
from dlclassics.data.images import IMAGE_PIXELS, ImageData
from dlclassics.data.tensors import CLASS_NAMES, image_dataset
from dlclassics.mlp.activations import StudyConfig, run_study
from dlclassics.mlp.boundary import BoundaryConfig, run_boundary
from dlclassics.mlp.model import MLP, MLPConfig
from dlclassics.registry import Registry
from dlclassics.tasks import Classification, eval_summary, evaluate_classifier
from dlclassics.train import TrainerConfig, load_weights
from dlclassics.train.lifecycle import Prepared, RunResult, TrainCommand

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class MLPTrainConfig:
    data: ImageData = "fashion-mnist"  # image data set (fetched on first use)
    run_dir: Path = Path("runs/mlp")  # where weights, config.json and metrics.jsonl go
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


def prepare(config: MLPTrainConfig, resume: bool) -> Prepared[MLPTrainConfig]:
    """The task and the train/val images of a run (the lifecycle does the rest)."""
    train_data = image_dataset(config.data, "train")
    return Prepared(
        config=config,
        task=build(config, train_data),
        train_data=train_data,
        val_data=image_dataset(config.data, "val"),
    )


TRAIN: TrainCommand[MLPTrainConfig] = TrainCommand(
    command="mlp train", config=MLPTrainConfig, prepare=prepare, evaluate_with="dlc mlp eval"
)


def train(config: MLPTrainConfig) -> RunResult[MLPTrainConfig]:
    """Train a new run in ``config.run_dir`` (library entry; the CLI adds --resume)."""
    return TRAIN.start(config)


@dataclass(frozen=True, kw_only=True)
class MLPEvalConfig:
    run_dir: Path = Path("runs/mlp")  # a directory written by `dlc mlp train`
    split: Literal["test", "val"] = "test"
    which: Literal["best", "last"] = "best"  # weights with the best validation metric, or latest


def evaluate(config: MLPEvalConfig) -> dict[str, Any]:
    """Accuracy of a trained run on a split; writes eval.json and confusion.png."""
    run = TRAIN.saved_config(config.run_dir)
    task = build(run)
    load_weights(task, config.run_dir, which=config.which)
    x, y = image_dataset(run.data, config.split).tensors
    title = f"MLP on {run.data} {config.split}"
    labels = CLASS_NAMES[run.data]
    return evaluate_classifier(task, x, y, labels, config.run_dir, split=config.split, title=title)


def eval_command(config: MLPEvalConfig) -> int:
    print(eval_summary(evaluate(config), config.run_dir))
    return 0


def boundary_command(config: BoundaryConfig) -> int:
    result = run_boundary(config, command=invocation())
    print("data set  λ       width  train   val")
    for row in result["rows"]:
        print(f"{row['dataset']:8}  {row['l2']:<6g}  {row['width']:5}  "
              f"{row['train_accuracy']:.3f}  {row['val_accuracy']:.3f}")  # fmt: skip
    print(*result["pictures"], config.out / "boundary.json", sep="\n")
    return 0


def activations_command(config: StudyConfig) -> int:
    result = run_study(config, command=invocation())
    last = f"L{config.depth}"
    print(f"activation  init         val acc  h std L1 → {last}   ∂W std L1 → {last}   dead")
    for r in result["summary"]:
        init = r["init"] + (" + BN" if r["batch_norm"] else "")
        h = f"{r['act_std_first_layer_at_init']:.2g} → {r['act_std_last_layer_at_init']:.2g}"
        g = f"{r['grad_std_first_layer_at_init']:.2g} → {r['grad_std_last_layer_at_init']:.2g}"
        print(f"{r['activation']:10}  {init:11}  {r['final_val_accuracy']:.3f}    {h:17}  "
              f"{g:17}  {r['dead_share_at_end']:.0%}")  # fmt: skip
    print(*result["pictures"], config.out / "activations.json", sep="\n")
    return 0


COMMANDS: Registry[Command] = Registry("mlp command")
COMMANDS.add("train", TRAIN.cli(PRESETS))
COMMANDS.add(
    "eval",
    Command(
        config=MLPEvalConfig,
        run=eval_command,
    ),
)
COMMANDS.add("boundary", Command(config=BoundaryConfig, run=boundary_command))
COMMANDS.add("activations", Command(config=StudyConfig, run=activations_command))
