"""Our own judge: a small CNN classifier whose features and probabilities the measures read.

It plays the part the ImageNet Inception network plays for FID and the Inception score
(:mod:`.measures`): trained once per data set through the shared trainer (a
:class:`~dlclassics.tasks.Classification` task) and saved as an ordinary run directory,
``runs/gan-judge-<data>`` by default, which every ``dlc gan eval`` of that data set reuses::

    (B, 1, 28, 28) →conv 3×3→ReLU→pool→ (B, 32, 14, 14) →conv 3×3→ReLU→pool→ (B, 64, 7, 7)
                   →flatten→linear→ReLU→ (B, 128) features  →linear→ (B, 10) class scores
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import TensorDataset

from dlclassics.data.tensors import image_dataset
from dlclassics.errors import CheckpointError
from dlclassics.tasks import Classification
from dlclassics.train import Trainer, TrainerConfig, load_weights, read_run_config

log = logging.getLogger(__name__)

COMMAND = "gan judge"  # config.json's "command" of a judge run
FEATURES = 128  # D of the feature vectors
# epochs of training: 3 left it under-fitted (Fashion-MNIST 91.6 % train, 89.9 % test accuracy,
# classifier score of the real test images 7.58); with 12 it reaches the accuracy this CNN
# can reach (the measured figures: benchmarks/gan.py). Saved in config.json: a judge trained
# for another number of epochs is refused, so measures of one data set share one judge.
EPOCHS = 12


class JudgeNet(nn.Module):
    """The CNN above; ``features`` is its penultimate layer."""

    def __init__(self, n_classes: int = 10) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (B, 32, 14, 14)
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (B, 64, 7, 7)
            nn.Flatten(), nn.Linear(64 * 7 * 7, FEATURES), nn.ReLU(),  # (B, 128)
        )  # fmt: skip
        self.head = nn.Linear(FEATURES, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))  # (B, classes)


def judge_trainer_config(data: str) -> TrainerConfig:
    """``EPOCHS`` epochs of the train split (Fashion-MNIST 55,000 images; MNIST 8,002), checked
    on the val split after each; the best val accuracy is kept (``best.safetensors``)."""
    epoch = max(1, len(image_dataset(data, "train")) // 128)
    steps = EPOCHS * epoch
    return TrainerConfig(
        max_steps=steps, batch_size=128, lr=1e-3, schedule="cosine", eval_every=epoch,
        checkpoint_every=steps, log_every=50, metric="val_acc", metric_mode="max",
        progress=False, device="cpu",
    )  # fmt: skip


def train_judge(data: str, run_dir: Path, seed: int = 0) -> Classification:
    """Train the judge of ``data`` into ``run_dir``; returns it in eval mode."""
    log.info("training the judge classifier of %s into %s (once per data set)", data, run_dir)
    train = image_dataset(data, "train", channel_axis=True)
    val = image_dataset(data, "val", channel_axis=True)
    torch.manual_seed(seed)
    x = train.tensors[0]
    task = Classification(JudgeNet(), mean=x.mean().item(), std=x.std().item())
    config = judge_trainer_config(data)
    run = {"command": COMMAND, "run": {"data": data, "seed": seed, "epochs": EPOCHS}}
    Trainer(task, config, run_dir, train_data=train, val_data=val, run_config=run).fit()
    return task.eval()


def load_judge(data: str, run_dir: Path) -> Classification:
    """The judge of ``data`` saved in ``run_dir``, trained there first if it is missing."""
    if not (run_dir / "config.json").exists():
        return train_judge(data, run_dir)
    saved = read_run_config(run_dir)
    if saved.get("command") != COMMAND or saved.get("run", {}).get("data") != data:
        raise CheckpointError(
            f"{run_dir} is not a judge classifier of {data}; pass --judge-dir of one "
            "(or a new directory to train it there)"
        )
    epochs = saved["run"].get("epochs", 3)  # judges written before the field trained 3
    if epochs != EPOCHS:
        raise CheckpointError(
            f"{run_dir} holds a judge trained {epochs} epochs, not the current {EPOCHS}: its "
            "measures are not comparable; delete it (it is retrained) or pass a new --judge-dir"
        )
    task = Classification(JudgeNet())
    load_weights(task, run_dir, which="best")
    return task.eval()


@torch.inference_mode()
def judge(
    task: Classification, images: torch.Tensor, batch: int = 1000
) -> tuple[np.ndarray, np.ndarray]:
    """(features (N, 128), class probabilities (N, K)) of (N, 1, 28, 28) images in [0, 1]."""
    task.eval()
    net = task.model
    assert isinstance(net, JudgeNet)
    feats, probs = [], []
    for i in range(0, len(images), batch):
        h = net.body((images[i : i + batch] - task.mean) / task.std)  # (b, 128)
        feats.append(h.double().numpy())
        probs.append(torch.softmax(net.head(h), dim=1).double().numpy())
    return np.concatenate(feats), np.concatenate(probs)


def real_images(data: str, split: str) -> torch.Tensor:
    """(N, 1, 28, 28) float images in [0, 1] of a split."""
    dataset: TensorDataset = image_dataset(data, split, channel_axis=True)
    return dataset.tensors[0]
