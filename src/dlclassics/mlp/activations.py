"""Activations and initialisation in a deep MLP, watched layer by layer (note 004 §二.2, 9.2).

Note 004 §二.2 激活函数 and §二.9.2 参数初始化: sigmoid saturates (σ' ≤ ¼, and ≈ 0 where
σ ≈ 0 or 1), so gradients shrink layer after layer; ReLU passes them on, but a unit whose
input is negative for every example is *dead* — it outputs 0 and gets no gradient again.
The initial scale decides how the signal travels through L layers of h_l = φ(W_l h_{l−1}):

- too small (std 0.01): Var(h_l) shrinks by about n·0.01² per layer — activations and
  weight gradients collapse towards 0 in the deep layers, and nothing learns;
- Xavier (Var W = 2/(n_in + n_out)): keeps the variance of tanh (linear near 0) layers;
- He (Var W = 2/n_in): the factor 2 makes up for ReLU zeroing half its inputs.

Batch normalisation (Ioffe & Szegedy 2015) between each linear layer and its activation
rescales every unit to mean 0, variance 1 over the batch, whatever W's scale: it rescues the
too-small init.

:class:`StatsRecorder` hooks a :class:`~dlclassics.mlp.model.MLP`: after a forward and backward
pass it holds, for each hidden layer l, the mean and std of its activations h_l, the share of
*saturated* activations (sigmoid < 0.02 or > 0.98, |tanh| > 0.98, ReLU = 0, leaky ReLU < 0),
the share of *dead* units (saturated for every example of the batch) and the std of the
weight gradient ∂L/∂W_l. :func:`run_study` trains one network per (activation, init, BN) on
Fashion-MNIST and records these over training with the validation accuracy.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from dlclassics.data.images import IMAGE_PIXELS, ImageData
from dlclassics.data.tensors import CLASS_NAMES, image_dataset
from dlclassics.errors import ConfigError
from dlclassics.mlp.model import ACTIVATIONS, MLP, MLPConfig
from dlclassics.report.plots import save_figure

Activation = Literal["sigmoid", "tanh", "relu", "leaky_relu"]
Init = Literal["small", "xavier", "he"]


def saturated(name: str, a: torch.Tensor) -> torch.Tensor:
    """Where the activation ``name`` passes (almost) no gradient, elementwise (bool)."""
    if name == "sigmoid":
        return (a < 0.02) | (a > 0.98)  # σ' = σ(1 − σ) < 0.02
    if name == "tanh":
        return a.abs() > 0.98  # tanh' = 1 − tanh² < 0.04
    if name == "relu":
        return a <= 0
    if name == "leaky_relu":
        return a < 0  # slope 0.01 only
    raise ConfigError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")


@dataclass(frozen=True)
class LayerStats:
    """One hidden layer on one batch."""

    mean: float  # mean of h_l over examples and units
    std: float  # std of h_l
    saturated: float  # share of (example, unit) entries in the flat / zero part of φ
    dead: float  # share of units saturated for every example of the batch
    grad_std: float  # std of ∂L/∂W_l (NaN before a backward pass)


class StatsRecorder:
    """Forward hooks on the activations and the linear layers of an MLP's hidden layers."""

    def __init__(self, model: MLP, activation: str) -> None:
        self.activation = activation
        modules = list(model.net)
        self.acts = [m for m in modules if isinstance(m, ACTIVATIONS[activation])]
        self.linears = [m for m in modules if isinstance(m, nn.Linear)][: len(self.acts)]
        self.outputs: list[torch.Tensor | None] = [None] * len(self.acts)
        self._handles = [m.register_forward_hook(self._catch(i)) for i, m in enumerate(self.acts)]

    def _catch(self, i: int) -> Any:
        def hook(module: nn.Module, inputs: object, output: torch.Tensor) -> None:
            self.outputs[i] = output.detach()

        return hook

    def stats(self) -> list[LayerStats]:
        """Per hidden layer: statistics of the last forward pass and of the gradients now."""
        out = []
        for a, linear in zip(self.outputs, self.linears, strict=True):
            assert a is not None, "no forward pass recorded yet"
            s = saturated(self.activation, a)  # (B, H)
            grad = linear.weight.grad
            out.append(
                LayerStats(
                    mean=float(a.mean()),
                    std=float(a.std()),
                    saturated=float(s.float().mean()),
                    dead=float(s.all(dim=0).float().mean()),
                    grad_std=math.nan if grad is None else float(grad.std()),
                )
            )
        return out

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()


@dataclass(frozen=True, kw_only=True)
class StudyConfig:
    data: ImageData = "fashion-mnist"  # image data set (fetched on first use)
    activations: tuple[Activation, ...] = ("sigmoid", "tanh", "relu", "leaky_relu")
    inits: tuple[Init, ...] = ("small", "xavier", "he")
    batch_norm_init: Init | None = "small"  # also train each activation with BN and this init
    depth: int = 8  # hidden layers
    width: int = 256  # units per hidden layer
    train_rows: int = 10_000  # the first N images of the train split
    val_rows: int = 2_000  # the first N images of the val split
    epochs: int = 3  # passes over the train rows
    batch_size: int = 128
    lr: float = 0.05  # SGD step size η, momentum 0.9 (plain SGD shows what the init does)
    record_every: int = 20  # steps between statistics and val accuracy
    seed: int = 0  # data order and initial weights
    out: Path = Path("runs/mlp-activations")  # activations.json and the PNGs

    def __post_init__(self) -> None:
        if self.depth < 1 or self.width < 1 or self.epochs < 1 or self.record_every < 1:
            raise ConfigError("depth, width, epochs and record_every must be ≥ 1")
        if self.train_rows < self.batch_size:
            raise ConfigError(f"train_rows={self.train_rows} < batch_size={self.batch_size}")


@dataclass(kw_only=True)
class StudyRun:
    activation: str
    init: str
    batch_norm: bool
    steps: list[int] = field(default_factory=list)  # when each record was taken
    layers: list[list[LayerStats]] = field(default_factory=list)  # per record, per layer
    val_accuracy: list[float] = field(default_factory=list)  # per record
    cpu_seconds: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.init}{' + BN' if self.batch_norm else ''}"

    def summary(self) -> dict[str, Any]:
        first, last = self.layers[0], self.layers[-1]
        return {
            "activation": self.activation, "init": self.init, "batch_norm": self.batch_norm,
            "final_val_accuracy": round(self.val_accuracy[-1], 4),
            "act_std_first_layer_at_init": float(f"{first[0].std:.3g}"),
            "act_std_last_layer_at_init": float(f"{first[-1].std:.3g}"),
            "grad_std_first_layer_at_init": float(f"{first[0].grad_std:.3g}"),
            "grad_std_last_layer_at_init": float(f"{first[-1].grad_std:.3g}"),
            "dead_share_at_end": round(float(np.mean([s.dead for s in last])), 4),
            "saturated_share_at_end": round(float(np.mean([s.saturated for s in last])), 4),
            "cpu_seconds": round(self.cpu_seconds, 1),
        }  # fmt: skip


@torch.no_grad()
def _accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    acc = float((model(x).argmax(-1) == y).float().mean())
    model.train()
    return acc


def train_one(
    config: StudyConfig,
    activation: str,
    init: str,
    batch_norm: bool,
    data: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor],
) -> StudyRun:
    """SGD with momentum on standardised pixels; statistics every ``record_every`` steps."""
    x, y, xv, yv = data
    torch.manual_seed(config.seed)
    model = MLP(
        MLPConfig(hidden=(config.width,) * config.depth, activation=activation, init=init,  # type: ignore[arg-type]
                  dropout=0.0, batch_norm=batch_norm),
        n_inputs=IMAGE_PIXELS, n_classes=len(CLASS_NAMES[config.data]),
    )  # fmt: skip
    recorder = StatsRecorder(model, activation)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=0.9)
    order = torch.Generator().manual_seed(config.seed)
    run = StudyRun(activation=activation, init=init, batch_norm=batch_norm)
    start, step = time.process_time(), 0
    for _ in range(config.epochs):
        perm = torch.randperm(len(x), generator=order)
        for i in range(0, len(x) - config.batch_size + 1, config.batch_size):
            batch = perm[i : i + config.batch_size]
            loss = F.cross_entropy(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            if step % config.record_every == 0:  # statistics of this step's forward/backward
                run.steps.append(step)
                run.layers.append(recorder.stats())
                run.val_accuracy.append(_accuracy(model, xv, yv))
            if torch.isfinite(loss):
                optimizer.step()
            step += 1
    optimizer.zero_grad()  # the final statistics: one more forward/backward, no update
    F.cross_entropy(model(x[: config.batch_size]), y[: config.batch_size]).backward()
    run.steps.append(step)
    run.layers.append(recorder.stats())
    run.val_accuracy.append(_accuracy(model, xv, yv))
    recorder.remove()
    run.cpu_seconds = time.process_time() - start
    return run


def load_study_data(
    config: StudyConfig,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Train/val rows, standardised with the train rows' pixel mean and std (二 · 9.1)."""
    x, y = image_dataset(config.data, "train").tensors
    xv, yv = image_dataset(config.data, "val").tensors
    x, y = x[: config.train_rows].flatten(1), y[: config.train_rows]
    xv, yv = xv[: config.val_rows].flatten(1), yv[: config.val_rows]
    mean, std = x.mean(), x.std()
    return (x - mean) / std, y, (xv - mean) / std, yv


def run_study(config: StudyConfig, *, command: str = "") -> dict[str, Any]:
    """Every (activation, init), and (activation, BN); ``activations.json`` and three PNGs."""
    from dlclassics.config import to_dict
    from dlclassics.io import write_json

    data = load_study_data(config)
    runs = []
    for activation in config.activations:
        settings = [(init, False) for init in config.inits]
        if config.batch_norm_init is not None:
            settings.append((config.batch_norm_init, True))
        for init, bn in settings:
            runs.append(train_one(config, activation, init, bn, data))
    result = {
        "command": command,
        "config": to_dict(config),
        "summary": [r.summary() for r in runs],
        "runs": [
            {"activation": r.activation, "init": r.init, "batch_norm": r.batch_norm,
             "steps": r.steps, "val_accuracy": [round(a, 4) for a in r.val_accuracy],
             "layers": [[{k: (None if isinstance(v, float) and math.isnan(v) else
                              float(f"{v:.4g}")) for k, v in s.__dict__.items()}
                         for s in record] for record in r.layers]}
            for r in runs
        ],
        "pictures": [
            str(plot_layer_stats(runs, "std", config.out / "activation_std.png")),
            str(plot_layer_stats(runs, "grad_std", config.out / "gradient_std.png")),
            str(plot_layer_stats(runs, "saturated", config.out / "saturated.png")),
            str(plot_study_accuracy(runs, config.out / "accuracy.png")),
        ],
    }  # fmt: skip
    write_json(config.out / "activations.json", result)
    return result


TITLES = {
    "std": "std of activations h_l",
    "grad_std": "std of weight gradients ∂L/∂W_l",
    "saturated": "share of saturated (or zero) activations",
}


def plot_layer_stats(runs: list[StudyRun], key: str, path: Path) -> Path:
    """A panel per (activation, setting): ``key`` per layer at the start and at the end."""
    from matplotlib.figure import Figure

    activations = list(dict.fromkeys(r.activation for r in runs))
    labels = list(dict.fromkeys(r.label for r in runs))
    fig = Figure(figsize=(2.6 * len(labels), 2.1 * len(activations) + 0.6))
    # one y scale for every panel: the settings compare at a glance
    axes = fig.subplots(len(activations), len(labels), squeeze=False, sharey=True)
    for r in runs:
        ax = axes[activations.index(r.activation), labels.index(r.label)]
        depth = range(1, len(r.layers[0]) + 1)
        for record, style, when in ((0, "o-", "step 0"), (-1, "s--", f"step {r.steps[-1]}")):
            ax.plot(depth, [getattr(s, key) for s in r.layers[record]], style, ms=3, label=when)
        if key != "saturated":
            ax.set_yscale("log")
        dead = np.mean([s.dead for s in r.layers[-1]])
        ax.set_title(f"{r.activation}, {r.label}: val {r.val_accuracy[-1]:.2f}, "
                     f"dead {dead:.0%}", fontsize=7)  # fmt: skip
        ax.tick_params(which="both", labelsize=6)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=6)
    for ax in axes[-1]:
        ax.set_xlabel("hidden layer l", fontsize=7)
    fig.suptitle(f"{TITLES[key]} per layer, at the first and the last step", fontsize=10)
    return save_figure(fig, path)


def plot_study_accuracy(runs: list[StudyRun], path: Path) -> Path:
    """Validation accuracy over training, a panel per activation, a line per setting."""
    from matplotlib.figure import Figure

    activations = list(dict.fromkeys(r.activation for r in runs))
    fig = Figure(figsize=(3.0 * len(activations), 2.8))
    axes = fig.subplots(1, len(activations), squeeze=False)[0]
    for r in runs:
        ax = axes[activations.index(r.activation)]
        ax.plot(r.steps, r.val_accuracy, label=r.label)
        ax.set_title(r.activation, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("val accuracy")
    for ax in axes:
        ax.legend(fontsize=6)
    return save_figure(fig, path)
