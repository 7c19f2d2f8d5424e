"""Transfer learning: frozen weights and BN statistics stay put; the optimizer never sees them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from dlclassics.data.tensors import image_dataset
from dlclassics.errors import ConfigError
from dlclassics.tasks import Classification
from dlclassics.train import Trainer, TrainerConfig
from dlclassics.vision.models import ResNetConfig, build_model, count_parameters
from dlclassics.vision.transfer import few_labels

TINY_RESNET = ResNetConfig(widths=(4, 8), blocks_per_stage=1, zero_init_residual=False)


@pytest.fixture(autouse=True, scope="module")
def _one_thread() -> Iterator[None]:
    """Tiny models on a shared CPU: one torch thread beats two that wait for each other."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def trainer_for(task: Classification, run_dir: Path, steps: int = 5) -> Trainer:
    config = TrainerConfig(max_steps=steps, batch_size=32, progress=False, weight_decay=0.1)
    train = image_dataset("mnist-5k", "train", channel_axis=True)
    return Trainer(task, config, run_dir, train_data=train)


def test_frozen_parameters_and_statistics_do_not_change_while_the_head_learns(
    mnist500_home: Path, tmp_path: Path
) -> None:
    torch.manual_seed(0)
    net = build_model("resnet", TINY_RESNET)
    net.replace_head(10)
    net.freeze_through("stage1")
    before = {k: v.clone() for k, v in net.state_dict().items()}
    trainer_for(Classification(net), tmp_path / "run").fit()
    after = net.state_dict()
    for name, value in before.items():
        frozen = name.split(".")[0] in ("stem", "stage1")
        # weights, BN γ/β, running μ/σ² and the batch counter: all untouched when frozen
        assert torch.equal(after[name], value) == frozen, name
    assert net.block("stem")[1].num_batches_tracked == 0  # BN never ran in training mode


def test_the_optimizer_gets_exactly_the_trainable_parameters(
    mnist500_home: Path, tmp_path: Path
) -> None:
    net = build_model("lenet")
    net.freeze_through("fc1")
    trainer = trainer_for(Classification(net), tmp_path / "run")
    in_optimizer = {id(p) for group in trainer.optimizer.param_groups for p in group["params"]}
    trainable = {id(p) for p in net.parameters() if p.requires_grad}
    assert in_optimizer == trainable
    assert {n.split(".")[0] for n, p in net.named_parameters() if id(p) in in_optimizer} == {
        "fc2",
        "head",
    }
    optimized = sum(p.numel() for g in trainer.optimizer.param_groups for p in g["params"])
    assert optimized == count_parameters(net, trainable_only=True) == 84 * 121 + 10 * 85


def test_the_trainer_refuses_a_model_with_nothing_left_to_train(
    mnist500_home: Path, tmp_path: Path
) -> None:
    net = build_model("lenet")
    for p in net.parameters():
        p.requires_grad_(False)
    with pytest.raises(ConfigError, match="nothing to train: every parameter has requires_grad"):
        trainer_for(Classification(net), tmp_path / "run")


def test_few_labels_takes_the_same_number_of_each_class_reproducibly(mnist500_home: Path) -> None:
    data = image_dataset("mnist-5k", "train", channel_axis=True)
    subset = few_labels(data, 100, seed=0)
    x, y = subset.tensors
    assert x.shape == (100, 1, 28, 28)
    assert torch.bincount(y).tolist() == [10] * 10
    assert torch.equal(few_labels(data, 100, seed=0).tensors[0], x)
    assert not torch.equal(few_labels(data, 100, seed=1).tensors[0], x)
    label_of = {i.numpy().tobytes(): int(c) for i, c in zip(*data.tensors, strict=True)}
    assert all(label_of[i.numpy().tobytes()] == c for i, c in zip(x, y, strict=True))
    with pytest.raises(ConfigError, match="multiple of the 10 classes"):
        few_labels(data, 105, seed=0)
    with pytest.raises(ConfigError, match="smallest class has 40"):
        few_labels(data, 1000, seed=0)
