"""A multilayer perceptron on the from-scratch tensor engine (004 §二.5, §二.8, §二.9.3).

Course note 004, 二 · 5、前向传播 and 5.2 细节: each layer computes the score function
of its inputs and passes it through a non-linearity, the output layer gives class scores,
and the softmax loss compares them with the labels:

    h₀ = x,   hₖ = dropout( f(Wₖ hₖ₋₁ + bₖ) ),   s = W_L h_{L−1} + b_L,   L = CE(s, y)

with f one of :mod:`dlclassics.classic.activations` and inverted dropout (二 · 9.3,
"每一次训练时，都会把某些隐含层的神经元屏蔽不用"): in training each hidden unit is
zeroed with probability p and the survivors are scaled by 1/(1−p), so evaluation uses
the whole network unchanged. Gradients come from :meth:`Tensor.backward`, updates from
the momentum rule of 二 · 8 (:class:`~dlclassics.classic.optim.Momentum`).

The model mirrors ``torch.nn`` so torch is an exact oracle: :func:`torch_mlp` builds the
same network as an ``nn.Sequential`` whose ``state_dict`` keys are ours —
``layers.0.weight`` (out, in), ``layers.0.bias``, ``layers.3.weight``, … (Linear at
0, 3, 6, …; activation and Dropout in between) — so ``ours.load_state_dict(ref.state_dict())``
and back gives the same logits and gradients to ~1e-15.

>>> import numpy as np
>>> X, y = spiral(n_per_class=50, classes=3, rng=np.random.default_rng(0))
>>> result = fit_engine_mlp(X, y, FitConfig(hidden=(32,), epochs=60))
>>> bool((result.model.predict(X) == y).mean() > 0.9)
True
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlclassics.autograd.tensor import Tensor, cross_entropy, dropout, no_grad
from dlclassics.classic.activations import ActivationName
from dlclassics.classic.init import InitName, init_weight
from dlclassics.classic.optim import Momentum
from dlclassics.errors import CheckpointError, ConfigError, TrainingDiverged

if TYPE_CHECKING:
    import torch

    from dlclassics.train.metrics import MetricsLog

log = logging.getLogger(__name__)
Array = NDArray[Any]


class Module:
    """The ``torch.nn.Module`` surface we need: parameters by name, train/eval, state dicts."""

    training = True

    def forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def __call__(self, x: Tensor | ArrayLike) -> Tensor:
        return self.forward(x if isinstance(x, Tensor) else Tensor(x))

    def own_parameters(self) -> dict[str, Tensor]:
        return {}

    def named_children(self) -> Iterator[tuple[str, Module]]:
        return iter(())

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        for name, p in self.own_parameters().items():
            yield prefix + name, p
        for name, child in self.named_children():
            yield from child.named_parameters(f"{prefix}{name}.")

    def parameters(self) -> list[Tensor]:
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = None

    def train(self, mode: bool = True) -> Module:
        self.training = mode
        for _, child in self.named_children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def state_dict(self) -> dict[str, Array]:
        """Parameter name → a copy of its array (float64), torch's key names."""
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Copy arrays (or CPU torch tensors) into the parameters, in place; keys must match."""
        params = dict(self.named_parameters())
        missing, unexpected = sorted(params.keys() - state.keys()), sorted(state.keys() - params)
        if missing or unexpected:
            raise CheckpointError(
                f"state dict does not fit this model: missing {missing}, unexpected {unexpected}; "
                "build the model with the same sizes"
            )
        for name, p in params.items():
            value = np.asarray(state[name], dtype=p.data.dtype)
            if value.shape != p.shape:
                raise CheckpointError(
                    f"{name} has shape {value.shape} in the state dict but {p.shape} in the model"
                )
            p.data[...] = value  # in place: an optimizer holding p keeps working


class Linear(Module):
    """y = x Wᵀ + b for a batch x (B, in): the score function f = Wx + b of 二 · 1, row-wise."""

    def __init__(self, d_in: int, d_out: int, *, init: InitName, rng: np.random.Generator):
        self.weight = Tensor(init_weight(init, (d_out, d_in), rng), requires_grad=True)
        self.bias = Tensor(np.zeros(d_out), requires_grad=True)

    def own_parameters(self) -> dict[str, Tensor]:
        return {"weight": self.weight, "bias": self.bias}

    def forward(self, x: Tensor) -> Tensor:
        return x @ self.weight.T + self.bias  # (B, in) @ (in, out) + (out,) → (B, out)


_ACTIVATION_METHODS: dict[str, Callable[[Tensor], Tensor]] = {
    "relu": Tensor.relu,
    "tanh": Tensor.tanh,
    "sigmoid": Tensor.sigmoid,
    "leaky_relu": Tensor.leaky_relu,  # negative slope 0.01, torch's default
}


class Activation(Module):
    def __init__(self, name: ActivationName):
        if name not in _ACTIVATION_METHODS:
            raise ConfigError(f"unknown activation {name!r}; choose one of: relu, tanh, sigmoid")
        self.name = name

    def forward(self, x: Tensor) -> Tensor:
        return _ACTIVATION_METHODS[self.name](x)


class Dropout(Module):
    """Inverted dropout with probability ``p``; the identity in eval mode."""

    def __init__(self, p: float, *, rng: np.random.Generator):
        if not 0.0 <= p < 1.0:
            raise ConfigError(f"dropout p={p} must lie in [0, 1)")
        self.p = p
        self.rng = rng

    def forward(self, x: Tensor) -> Tensor:
        return dropout(x, self.p, training=self.training, rng=self.rng)


@dataclass(frozen=True, kw_only=True)
class MLPConfig:
    sizes: tuple[int, ...] = (784, 256, 10)  # input features, hidden units…, classes
    activation: ActivationName = "relu"  # after every hidden Linear
    dropout: float = 0.0  # p, drop probability of each hidden unit in training
    init: InitName = "he"  # weight init (init.py); biases start at 0


class MLP(Module):
    """Linear → activation → Dropout, repeated, then a last Linear giving class scores."""

    def __init__(self, config: MLPConfig, *, rng: np.random.Generator):
        if len(config.sizes) < 2 or min(config.sizes) < 1:
            raise ConfigError(f"sizes={config.sizes} needs ≥ 2 positive sizes: (input, …, classes)")
        self.config = config
        self.layers: list[Module] = []
        pairs = list(zip(config.sizes[:-1], config.sizes[1:], strict=True))
        for k, (d_in, d_out) in enumerate(pairs):
            self.layers.append(Linear(d_in, d_out, init=config.init, rng=rng))
            if k < len(pairs) - 1:
                self.layers.append(Activation(config.activation))
                self.layers.append(Dropout(config.dropout, rng=rng))

    def named_children(self) -> Iterator[tuple[str, Module]]:
        return ((f"layers.{i}", layer) for i, layer in enumerate(self.layers))

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim != 2 or x.shape[1] != self.config.sizes[0]:
            raise ConfigError(
                f"MLP expects inputs of shape (B, {self.config.sizes[0]}), got {x.shape}"
            )
        for layer in self.layers:
            x = layer(x)
        return x  # (B, classes) scores

    def predict(self, X: ArrayLike) -> NDArray[np.int64]:
        """argmax_j s_j for each row of X, in eval mode, without recording a graph."""
        was_training = self.training
        self.eval()
        with no_grad():
            scores = self(np.asarray(X, dtype=np.float64)).data
        self.train(was_training)
        return scores.argmax(axis=1)

    def mean_loss(self, X: ArrayLike, y: ArrayLike) -> float:
        """The mean cross-entropy of (X, y), in eval mode, without recording a graph."""
        was_training = self.training
        self.eval()
        with no_grad():
            loss = cross_entropy(self(np.asarray(X, dtype=np.float64)), np.asarray(y)).item()
        self.train(was_training)
        return loss


def torch_mlp(config: MLPConfig) -> torch.nn.Sequential:
    """The same network in torch (float64), as ``nn.Sequential`` with keys ``layers.k.*``.

    The outer Sequential has one child named ``layers`` — the real stack — only so that
    the parameter names read ``layers.0.weight`` like ours.
    """
    import torch

    acts = {
        "relu": torch.nn.ReLU,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
        "leaky_relu": torch.nn.LeakyReLU,
    }
    mods: list[torch.nn.Module] = []
    pairs = list(zip(config.sizes[:-1], config.sizes[1:], strict=True))
    for k, (d_in, d_out) in enumerate(pairs):
        mods.append(torch.nn.Linear(d_in, d_out, dtype=torch.float64))
        if k < len(pairs) - 1:
            mods.append(acts[config.activation]())
            mods.append(torch.nn.Dropout(config.dropout))
    return torch.nn.Sequential(OrderedDict(layers=torch.nn.Sequential(*mods)))


# ---- a minimal training loop --------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class FitConfig:
    hidden: tuple[int, ...] = (100,)  # units per hidden layer
    activation: ActivationName = "relu"
    dropout: float = 0.0  # drop probability p of hidden units while training
    init: InitName = "he"  # He for ReLU; use "xavier" for tanh/sigmoid
    epochs: int = 20  # passes over the training set
    batch_size: int = 32  # examples per SGD step
    lr: float = 0.1  # η, step size per minibatch
    momentum: float = 0.9  # α of 004 §二.8
    weight_decay: float = 0.0  # λ: adds λw to every gradient (biases too)
    seed: int = 0  # initialization, shuffling and dropout masks


@dataclass
class FitResult:
    model: MLP
    losses: list[float] = field(default_factory=list)  # mean training loss of each epoch


def fit_engine_mlp(
    X: ArrayLike,
    y: ArrayLike,
    config: FitConfig | None = None,
    *,
    on_epoch: Callable[[int, float, MLP], None] | None = None,
) -> FitResult:
    """Train an :class:`MLP` on (X, y) by minibatch SGD with momentum; return it and its losses.

    ``X`` (N, D) float features, ``y`` (N,) integer labels 0…C−1. ``on_epoch(epoch, loss,
    model)`` is called after each epoch (progress bars, logging, validation: the model is in
    training mode; :meth:`MLP.predict` switches to eval mode and back).
    """
    cfg = config or FitConfig()
    X_ = np.asarray(X, dtype=np.float64)
    y_ = np.asarray(y)
    if X_.ndim != 2 or y_.shape != (len(X_),) or not np.issubdtype(y_.dtype, np.integer):
        raise ConfigError(
            f"fit_engine_mlp wants X (N, D) and integer y (N,); got X {X_.shape}, "
            f"y {y_.dtype} {y_.shape}"
        )
    if cfg.epochs < 1 or cfg.batch_size < 1:
        raise ConfigError(f"epochs={cfg.epochs} and batch_size={cfg.batch_size} must be ≥ 1")
    N, D = X_.shape
    C = int(y_.max()) + 1
    rng = np.random.default_rng(cfg.seed)
    model = MLP(
        MLPConfig(
            sizes=(D, *cfg.hidden, C),
            activation=cfg.activation,
            dropout=cfg.dropout,
            init=cfg.init,
        ),
        rng=rng,
    )
    opt = Momentum(
        model.parameters(), lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay
    )
    result = FitResult(model)
    model.train()
    for epoch in range(1, cfg.epochs + 1):
        order = rng.permutation(N)  # a fresh shuffle each epoch
        total = 0.0
        for start in range(0, N, cfg.batch_size):
            idx = order[start : start + cfg.batch_size]
            loss = cross_entropy(model(X_[idx]), y_[idx])  # forward: scores (b, C) → loss
            opt.zero_grad()
            loss.backward()  # backward: ∂L/∂W for every layer
            opt.step()  # w ← w + v,  v ← αv − η ∂L/∂w
            if not math.isfinite(loss.item()):
                raise TrainingDiverged(
                    f"training loss became {loss.item()} in epoch {epoch}: lower lr (now {cfg.lr})"
                )
            total += loss.item() * len(idx)
        mean_loss = total / N
        result.losses.append(mean_loss)
        log.debug("epoch %d loss %.4f", epoch, mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss, model)
    return result


@dataclass(eq=False)
class EpochMetrics:
    """An ``on_epoch`` for :func:`fit_engine_mlp` that validates and records every epoch.

    Writes the epoch's mean training loss and the val loss and accuracy as rows of the
    trainer's ``metrics.jsonl`` (step = SGD steps so far, ``elapsed`` counted from ``start``)
    and logs them; ``seconds`` adds up the time spent here, which is not training time.
    """

    metrics: MetricsLog
    X_val: Array  # (N_val, D) features
    y_val: Array  # (N_val,) labels
    fit: FitConfig  # the run's config: its lr is recorded, its epochs logged
    steps_per_epoch: int
    start: float = field(default_factory=time.perf_counter)  # perf_counter() when fitting began
    seconds: float = 0.0

    def __call__(self, epoch: int, loss: float, model: MLP) -> None:
        entered = time.perf_counter()
        step, elapsed, lr = epoch * self.steps_per_epoch, entered - self.start, self.fit.lr
        self.metrics.write(step=step, split="train", metrics={"loss": loss}, lr=lr, elapsed=elapsed)
        val = {
            "val_loss": model.mean_loss(self.X_val, self.y_val),
            "val_acc": float(np.mean(model.predict(self.X_val) == self.y_val)),
        }
        self.metrics.write(step=step, split="val", metrics=val, lr=lr, elapsed=elapsed)
        log.info(
            "epoch %d/%d: train loss %.4f, val loss %.4f, val acc %.4f (%.0f s)",
            epoch, self.fit.epochs, loss, val["val_loss"], val["val_acc"], elapsed,
        )  # fmt: skip
        self.seconds += time.perf_counter() - entered


def spiral(
    *, n_per_class: int = 100, classes: int = 3, noise: float = 0.2, rng: np.random.Generator
) -> tuple[Array, NDArray[np.int64]]:
    """The CS231n spiral: ``classes`` interleaved arms in 2-D, not linearly separable."""
    X = np.zeros((n_per_class * classes, 2))
    y = np.repeat(np.arange(classes), n_per_class)
    for c in range(classes):
        r = np.linspace(0.0, 1.0, n_per_class)  # radius
        t = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + rng.normal(0, noise, n_per_class)
        X[c * n_per_class : (c + 1) * n_per_class] = np.c_[r * np.sin(t), r * np.cos(t)]
    return X, y
