"""Weight initialization and what it does to activations in a deep net (004 §二.9.2).

Course note 004, 二 · 9.2、参数初始化: weights start as small random numbers — but how small
decides whether a deep network can learn at all. A layer h = f(W x) with W of shape
(fan_out, fan_in) and unit-variance inputs gives pre-activations of variance
fan_in · Var(W); to keep that variance ≈ constant from layer to layer:

    small      W ~ 0.01 · N(0, 1)                          (the notes' "small random")
    Xavier     Var(W) = 2 / (fan_in + fan_out)             (Glorot & Bengio 2010)
               normal: std = gain · √(2/(fan_in+fan_out));  uniform: ±gain · √(6/(fan_in+fan_out))
    He         Var(W) = 2 / fan_in                         (He et al. 2015, for ReLU,
               which zeroes half its inputs and so halves the variance)

Weights use the torch layout (out, in, *kernel), and the formulas and ``gain`` values are
``torch.nn.init``'s (``xavier_normal_``, ``xavier_uniform_``, ``kaiming_normal_``,
``calculate_gain``), which the tests check by statistics.

:func:`activation_stats` runs the classic experiment (CS231n, the source of the notes):
10 layers of 500 units, x ~ N(0, 1), and records the mean and std of every layer's
activations. What it shows (:func:`plot_activation_stats` draws it; std of layer 1 → 10,
seed 0, batch 1000):

* tanh + small init: the std shrinks ×0.22 per layer, 0.21 → 3e-7 — the signal (and the
  gradient, which flows back through the same small weights) vanishes;
* tanh + Xavier: the std declines slowly and stays of the same order, 0.63 → 0.23;
* ReLU + He: the std stays flat, 0.83 → 0.77; ReLU + Xavier loses half the variance per
  layer, 0.59 → 0.024.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from dlclassics.classic.activations import (
    ACTIVATIONS,
    ActivationName,
    dead_relu_fraction,
    saturated_fraction,
)
from dlclassics.errors import ConfigError
from dlclassics.io import write_bytes
from dlclassics.registry import Registry

Array = NDArray[Any]
Shape = tuple[int, ...]
InitName = Literal["small", "xavier", "xavier_uniform", "he"]


def fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel), as torch computes them."""
    if len(shape) < 2:
        raise ConfigError(f"fan_in/fan_out need a weight with ≥ 2 dims, got shape {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def calculate_gain(nonlinearity: str, negative_slope: float = 0.01) -> float:
    """The gain torch recommends for ``nonlinearity`` (``torch.nn.init.calculate_gain``)."""
    gains = {
        "linear": 1.0,
        "sigmoid": 1.0,
        "tanh": 5.0 / 3.0,
        "relu": math.sqrt(2.0),
        "leaky_relu": math.sqrt(2.0 / (1.0 + negative_slope**2)),
    }
    if nonlinearity not in gains:
        raise ConfigError(f"no gain for {nonlinearity!r}; choose one of: {', '.join(gains)}")
    return gains[nonlinearity]


def small_random(shape: Shape, rng: np.random.Generator, *, scale: float = 0.01) -> Array:
    """W = 0.01 · N(0, 1): fine for a shallow net, the signal dies in a deep one."""
    return scale * rng.standard_normal(shape)


def xavier_normal_std(shape: Shape, gain: float = 1.0) -> float:
    fan_in, fan_out = fans(shape)
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_normal(shape: Shape, rng: np.random.Generator, *, gain: float = 1.0) -> Array:
    """W ~ N(0, gain² · 2/(fan_in + fan_out))  (``torch.nn.init.xavier_normal_``)."""
    return xavier_normal_std(shape, gain) * rng.standard_normal(shape)


def xavier_uniform(shape: Shape, rng: np.random.Generator, *, gain: float = 1.0) -> Array:
    """W ~ U(−a, a), a = gain · √(6/(fan_in + fan_out)): the same variance as the normal one."""
    bound = math.sqrt(3.0) * xavier_normal_std(shape, gain)  # Var U(−a, a) = a²/3
    return rng.uniform(-bound, bound, size=shape)


def he_normal_std(
    shape: Shape,
    *,
    nonlinearity: Literal["relu", "leaky_relu"] = "relu",
    negative_slope: float = 0.0,
    mode: Literal["fan_in", "fan_out"] = "fan_in",
) -> float:
    fan_in, fan_out = fans(shape)
    fan = fan_in if mode == "fan_in" else fan_out
    gain = calculate_gain(nonlinearity, negative_slope)
    return gain / math.sqrt(fan)


def he_normal(
    shape: Shape,
    rng: np.random.Generator,
    *,
    nonlinearity: Literal["relu", "leaky_relu"] = "relu",
    negative_slope: float = 0.0,
    mode: Literal["fan_in", "fan_out"] = "fan_in",
) -> Array:
    """W ~ N(0, 2/fan_in) for ReLU (``torch.nn.init.kaiming_normal_`` with its defaults)."""
    std = he_normal_std(shape, nonlinearity=nonlinearity, negative_slope=negative_slope, mode=mode)
    return std * rng.standard_normal(shape)


InitFn = Callable[[Shape, np.random.Generator], Array]
INITS: Registry[InitFn] = Registry("initialization")
INITS.add("small", small_random)
INITS.add("xavier", xavier_normal)
INITS.add("xavier_uniform", xavier_uniform)
INITS.add("he", he_normal)


def init_weight(name: InitName, shape: Shape, rng: np.random.Generator) -> Array:
    """A weight of ``shape`` drawn with the named scheme (gain 1 for Xavier, ReLU's for He)."""
    return INITS[name](shape, rng)


# ---- the activation-statistics experiment ---------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ActivationStatsConfig:
    depth: int = 10  # hidden layers, each Linear (no bias) then the activation
    width: int = 500  # units per layer (= fan_in = fan_out)
    batch: int = 1000  # examples; inputs x ~ N(0, 1)
    seed: int = 0  # each (activation, init) run draws from default_rng(seed)


@dataclass(frozen=True)
class LayerStats:
    """Per-layer statistics of one run: index k is the output of hidden layer k+1."""

    activation: str
    init: str
    mean: tuple[float, ...]  # mean of the activations h_k over batch and units
    std: tuple[float, ...]  # their standard deviation
    saturated: tuple[float, ...]  # saturated_fraction of the pre-activations (tanh/sigmoid)
    dead: tuple[float, ...]  # dead_relu_fraction of the pre-activations (units never > 0)


def activation_stats(
    activation: ActivationName, init: InitName, config: ActivationStatsConfig | None = None
) -> LayerStats:
    """Push N(0, 1) inputs through ``depth`` layers; record mean/std of each layer's output."""
    cfg = config or ActivationStatsConfig()
    if cfg.depth < 1 or cfg.width < 1 or cfg.batch < 2:
        raise ConfigError(f"need depth ≥ 1, width ≥ 1 and batch ≥ 2, got {cfg}")
    rng = np.random.default_rng(cfg.seed)
    act = ACTIVATIONS[activation]
    h = rng.standard_normal((cfg.batch, cfg.width))  # (B, H)
    means, stds, saturated, dead = [], [], [], []
    for _ in range(cfg.depth):
        W = init_weight(init, (cfg.width, cfg.width), rng)  # (out, in)
        z = h @ W.T  # (B, H) pre-activations
        h = act.fn(z)
        means.append(float(h.mean()))
        stds.append(float(h.std()))
        saturated.append(saturated_fraction(z, activation))
        dead.append(dead_relu_fraction(z))
    return LayerStats(activation, init, tuple(means), tuple(stds), tuple(saturated), tuple(dead))


def activation_stats_grid(
    activations: Sequence[ActivationName] = ("tanh", "relu"),
    inits: Sequence[InitName] = ("small", "xavier", "he"),
    config: ActivationStatsConfig | None = None,
) -> list[LayerStats]:
    """:func:`activation_stats` for every (activation, init) pair."""
    return [activation_stats(a, i, config) for a in activations for i in inits]


def plot_activation_stats(stats: Sequence[LayerStats], path: str | os.PathLike[str]) -> Path:
    """One row per activation: mean (left) and std (right, log scale) per layer; a PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not stats:
        raise ConfigError("no statistics to plot: run activation_stats_grid() first")
    path = Path(path)
    activations = list(dict.fromkeys(s.activation for s in stats))
    fig = Figure(figsize=(10, 3.2 * len(activations)), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(activations), 2, squeeze=False)
    for row, activation in zip(axes, activations, strict=True):
        for s in (s for s in stats if s.activation == activation):
            layers = np.arange(1, len(s.mean) + 1)
            row[0].plot(layers, s.mean, marker="o", label=s.init)
            row[1].plot(layers, s.std, marker="o", label=s.init)
        row[0].set_title(f"{activation}: mean of activations")
        row[1].set_title(f"{activation}: std of activations")
        row[1].set_yscale("log")
        for ax in row:
            ax.set_xlabel("layer")
            ax.grid(alpha=0.3)
            ax.legend(title="init")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    write_bytes(path, buf.getvalue())
    return path
