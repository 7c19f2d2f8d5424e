"""Activation functions, their derivatives, and saturation diagnostics (004 §二.2, §二.5.2).

Course note 004, 二 · 2、激活函数: "Sigmoid求梯度不行啊" — backprop multiplies the upstream
gradient by the activation's local gradient f'(z), and the sigmoid's is at most 0.25 and
≈ 0 once |z| is large, so gradients vanish; "Relu挺好的，梯度为1". Each function comes with
its derivative with respect to the pre-activation z:

    sigmoid     σ(z) = 1/(1 + e^−z)        σ'(z) = σ(z)(1 − σ(z))      ≤ 1/4
    tanh        tanh(z)                    1 − tanh²(z)                ≤ 1
    ReLU        max(0, z)                  1 if z > 0 else 0
    leaky ReLU  z if z > 0 else a·z        1 if z > 0 else a           (a = 0.01)

Two diagnostics measure the problem on a batch of pre-activations Z (B, H):

* :func:`saturated_fraction` — the share of entries whose local gradient is below
  ``threshold`` × its maximum (sigmoid: |z| > 4.4 at the default 5 %; tanh: |z| > 2.2);
* :func:`dead_relu_fraction` — the share of units (columns) that are ≤ 0 for *every*
  example: no gradient reaches their weights, so they never recover.

>>> import numpy as np
>>> z = np.array([[-6.0, 0.0, 1.0], [-7.0, 2.0, 8.0]])
>>> saturated_fraction(z, "sigmoid"), dead_relu_fraction(z)
(0.5, 0.3333333333333333)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlclassics.errors import ConfigError
from dlclassics.registry import Registry

Array = NDArray[Any]
ActivationName = Literal["sigmoid", "tanh", "relu", "leaky_relu"]


def sigmoid(z: ArrayLike) -> Array:
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))  # no overflow for z ≪ 0


def sigmoid_grad(z: ArrayLike) -> Array:
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: ArrayLike) -> Array:
    return np.tanh(np.asarray(z, dtype=float))


def tanh_grad(z: ArrayLike) -> Array:
    return 1.0 - np.tanh(np.asarray(z, dtype=float)) ** 2


def relu(z: ArrayLike) -> Array:
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def relu_grad(z: ArrayLike) -> Array:
    return (np.asarray(z) > 0).astype(float)  # 0 at z = 0, as torch


def leaky_relu(z: ArrayLike, negative_slope: float = 0.01) -> Array:
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, negative_slope * z)


def leaky_relu_grad(z: ArrayLike, negative_slope: float = 0.01) -> Array:
    return np.where(np.asarray(z) > 0, 1.0, negative_slope)


@dataclass(frozen=True)
class Activation:
    """An activation f, its derivative f'(z), and the largest value f' takes."""

    name: str
    fn: Callable[[ArrayLike], Array]
    grad: Callable[[ArrayLike], Array]
    max_grad: float


ACTIVATIONS: Registry[Activation] = Registry("activation")
ACTIVATIONS.add("sigmoid", Activation("sigmoid", sigmoid, sigmoid_grad, 0.25))
ACTIVATIONS.add("tanh", Activation("tanh", tanh, tanh_grad, 1.0))
ACTIVATIONS.add("relu", Activation("relu", relu, relu_grad, 1.0))
ACTIVATIONS.add("leaky_relu", Activation("leaky_relu", leaky_relu, leaky_relu_grad, 1.0))


def saturated_fraction(
    z: ArrayLike, activation: ActivationName = "sigmoid", *, threshold: float = 0.05
) -> float:
    """Share of entries of ``z`` where f'(z) < threshold · max f' (the gradient is choked)."""
    if not 0.0 < threshold < 1.0:
        raise ConfigError(f"threshold={threshold} must lie in (0, 1): a fraction of max f'")
    act = ACTIVATIONS[activation]
    return float(np.mean(act.grad(z) < threshold * act.max_grad))


def dead_relu_fraction(z: ArrayLike) -> float:
    """Share of units (columns of Z, shape (B, H)) with z ≤ 0 on every example of the batch."""
    z = np.asarray(z)
    if z.ndim != 2:
        raise ConfigError(f"dead_relu_fraction wants pre-activations (B, H), got shape {z.shape}")
    return float(np.mean(np.all(z <= 0, axis=0)))
