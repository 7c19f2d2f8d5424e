"""Training and evaluating the CNNs of notes 003/004 on real images, through the one trainer.

The ``dlc vision train`` and ``dlc vision eval`` commands (:mod:`dlclassics.vision.commands`)
and the tour call these; :mod:`dlclassics.vision.transfer` trains its source model here too.

Models come from :data:`dlclassics.vision.models.MODELS`; training goes through the run
lifecycle (:mod:`dlclassics.train.lifecycle`) with the :class:`~dlclassics.tasks.Classification`
task (pixels normalised by the training split's μ and σ), and with ``--augment`` through
:mod:`.augment` on training batches. Every model shares one default recipe (AdamW, cosine
schedule, 15 epochs); ``--preset resnet`` is He et al.'s SGD recipe for ResNet-20. On one CPU
thread a LeNet epoch takes about 15 s, a ResNet-20 epoch about 140 s.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch
from torch.utils.data import TensorDataset

from dlclassics.config import from_dict, replace, to_dict
from dlclassics.data.images import ImageData
from dlclassics.data.tensors import CLASS_NAMES, image_dataset
from dlclassics.errors import CheckpointError, ConfigError
from dlclassics.tasks import Classification, evaluate_classifier
from dlclassics.train import TrainerConfig, load_weights, read_run_config
from dlclassics.train.lifecycle import Prepared, RunResult, TrainCommand
from dlclassics.vision.augment import Augment, AugmentConfig
from dlclassics.vision.models import MODELS, ModelName, build_model, count_parameters

log = logging.getLogger(__name__)

# steps per epoch of Fashion-MNIST's 55,000 training images at batch 128 (the step counts below
# are fixed: on the 8,002-image `mnist` split they are 6.9× as many epochs)
EPOCH = 430


@dataclass(frozen=True, kw_only=True)
class VisionTrainConfig:
    model: ModelName = "lenet"  # architecture: lenet, vgg, inception, resnet or vit
    data: ImageData = "fashion-mnist"  # image data set (fetched on first use)
    run_dir: Path = Path("runs/vision")  # where weights, config.json and metrics.jsonl go
    augmentation: AugmentConfig = field(default_factory=AugmentConfig)  # --augment to turn on
    label_smoothing: float = 0.0  # ε of the training targets (1 − ε)·one_hot + ε/K; 0 = off
    trainer: TrainerConfig = field(
        default_factory=lambda: TrainerConfig(
            max_steps=15 * EPOCH,  # 15 epochs
            batch_size=128,
            optimizer="adamw",
            lr=2e-3,  # AdamW peak lr, after warmup
            weight_decay=0.01,  # λ, decoupled: w ← w − η·λ·w each step (torch's AdamW default)
            schedule="cosine",
            warmup_steps=EPOCH // 2,  # half an epoch: BN statistics settle before the peak lr
            eval_every=EPOCH,  # once per epoch
            checkpoint_every=EPOCH,
            metric="val_acc",
            metric_mode="max",
        )
    )

    def __post_init__(self) -> None:
        if not 0.0 <= self.label_smoothing < 1.0:
            raise ConfigError(
                f"label_smoothing={self.label_smoothing} must be in [0, 1); 0.1 is usual"
            )


PRESETS: dict[str, VisionTrainConfig] = {
    "quick": VisionTrainConfig(  # the tour's LeNet step: about a minute on 2 cores
        run_dir=Path("runs/vision-quick"),
        trainer=replace(
            VisionTrainConfig().trainer,
            max_steps=3 * EPOCH,  # 0.880 test accuracy (seed 0)
            warmup_steps=0,
        ),
    ),
    # He et al.'s CIFAR recipe (SGD + Nesterov momentum 0.9, lr 0.1, weight decay 5e-4), cosine,
    # label smoothing 0.1, cut to a 30-minute budget: 11 epochs of ResNet-20 at
    # ~140 s each on one CPU thread
    "resnet": VisionTrainConfig(
        model="resnet",
        run_dir=Path("runs/resnet"),
        label_smoothing=0.1,
        trainer=replace(
            VisionTrainConfig().trainer,
            max_steps=11 * EPOCH,
            optimizer="sgd",
            lr=0.1,
            momentum=0.9,
            nesterov=True,
            weight_decay=5e-4,  # coupled L2, as in the paper
        ),
    ),
    "full": VisionTrainConfig(  # twice as long, with crops and flips
        run_dir=Path("runs/vision-full"),
        augmentation=AugmentConfig(augment=True),
        trainer=replace(VisionTrainConfig().trainer, max_steps=30 * EPOCH),  # 30 epochs
    ),
}


def build(
    config: VisionTrainConfig, arch: Any = None, train: TensorDataset | None = None
) -> Classification:
    """The task (CNN + input normalisation + augmentation) for ``config``.

    ``arch`` is the model's config (default: the registered defaults). With ``train`` given,
    μ and σ come from its images; without it they are placeholders that :func:`load_weights`
    overwrites (they are buffers saved with the weights).
    """
    torch.manual_seed(config.trainer.seed)  # initial weights follow the run's seed
    model = build_model(config.model, arch, n_classes=len(CLASS_NAMES[config.data]))
    # NHWC weights make the CPU (oneDNN) convolutions ~1.3× faster on these small channel
    # counts (measured on ResNet-20, one thread); the values computed are the same
    model = model.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    augment = Augment.for_data(config.augmentation, config.data, seed=config.trainer.seed)
    if train is None:
        return Classification(model, augment=augment, label_smoothing=config.label_smoothing)
    x = train.tensors[0]
    return Classification(
        model,
        mean=x.mean().item(),
        std=x.std().item(),
        augment=augment,
        label_smoothing=config.label_smoothing,
    )


def saved_run(run_dir: Path) -> tuple[VisionTrainConfig, Any]:
    """The config and model config a run directory was trained with."""
    config = TRAIN.saved_config(run_dir)
    try:
        arch = from_dict(MODELS[config.model].config, read_run_config(run_dir)["arch"])
    except (KeyError, TypeError) as error:
        raise CheckpointError(
            f"{run_dir / 'config.json'} lacks a valid model config ({error}); "
            "pass the directory given to `dlc vision train --run-dir`"
        ) from None
    return config, arch


def prepare(config: VisionTrainConfig, resume: bool) -> Prepared[VisionTrainConfig]:
    """The CNN task and the train/val images of a run (the lifecycle does the rest)."""
    arch = saved_run(config.run_dir)[1] if resume else MODELS[config.model].config()
    train_data = image_dataset(config.data, "train", channel_axis=True)
    task = build(config, arch, train_data)
    return Prepared(
        config=config,
        task=task,
        train_data=train_data,
        val_data=image_dataset(config.data, "val", channel_axis=True),
        run_config={"arch": to_dict(arch)},
        summary=f"{config.model}: {count_parameters(task):,} parameters; "
        f"augmentation: {task.augment}",
    )


TRAIN: TrainCommand[VisionTrainConfig] = TrainCommand(
    command="vision train",
    config=VisionTrainConfig,
    prepare=prepare,
    evaluate_with="dlc vision eval",
)


def train(config: VisionTrainConfig) -> RunResult[VisionTrainConfig]:
    """Train a new run in ``config.run_dir`` (library entry; the CLI adds --resume)."""
    return TRAIN.start(config)


def load_run(
    run_dir: Path, which: Literal["best", "last"] = "best"
) -> tuple[Classification, VisionTrainConfig]:
    """A trained run's task with its weights loaded, and its config."""
    config, arch = saved_run(run_dir)
    task = build(config, arch)
    load_weights(task, run_dir, which=which)
    task.eval()
    return task, config


@dataclass(frozen=True, kw_only=True)
class VisionEvalConfig:
    run_dir: Path = Path("runs/vision")  # a directory written by `dlc vision train`
    split: Literal["test", "val"] = "test"
    which: Literal["best", "last"] = "best"  # weights with the best validation metric, or latest


def evaluate(config: VisionEvalConfig) -> dict[str, Any]:
    """Accuracy of a trained run on a split; writes eval.json and confusion.png."""
    task, run = load_run(config.run_dir, config.which)
    x, y = image_dataset(run.data, config.split, channel_axis=True).tensors
    return evaluate_classifier(
        task,
        x,
        y,
        CLASS_NAMES[run.data],
        config.run_dir,
        split=config.split,
        title=f"{run.model} on {run.data} {config.split}",
        extra={"model": run.model, "parameters": count_parameters(task.model)},
    )
