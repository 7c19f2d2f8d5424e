"""A scalar autograd engine: backpropagation on a computational graph (004 §二.6, §二.7).

Every :class:`Value` remembers the operation that produced it and its inputs, so an
expression builds a computational graph on the fly. :meth:`Value.backward` then walks the
graph from the output back to the inputs in reverse topological order and applies the
chain rule of 004 §二.6.3 at every node::

    梯度 = 上游梯度 × 局部梯度        ∂f/∂x = ∂f/∂z · ∂z/∂x

The gates of 004 §二.7 fall out of the local gradients:

* add gate ``z = x + y`` *distributes* the upstream gradient: ∂z/∂x = ∂z/∂y = 1;
* multiply gate ``z = x·y`` *swaps* the inputs: ∂z/∂x = y, ∂z/∂y = x;
* max gate ``z = max(x, y)`` *routes* the gradient to the larger input (at a tie it is
  split in half, as torch does);
* sigmoid ``σ(x) = 1/(1+e^−x)`` has the local gradient (1−σ)·σ, computed from its output.

The worked example of 004 §二.6.3 (w = [2, −3, −3], x = [−1, −2])::

    >>> w0, x0, w1, x1, w2 = Value(2.0), Value(-1.0), Value(-3.0), Value(-2.0), Value(-3.0)
    >>> f = (w0 * x0 + w1 * x1 + w2).sigmoid()
    >>> f.backward()
    >>> round(f.data, 2), round(w0.grad, 2), round(x0.grad, 2)
    (0.73, -0.2, 0.39)

The API mirrors torch (``.data``, ``.grad``, ``backward()``, ``Module.parameters()``,
``Module.zero_grad()``) and follows karpathy/micrograd, whose test we extend in
``tests/autograd``: the same expression built here and in torch float64 gives the same
values and gradients. :func:`dlclassics.autograd.graph.draw_graph` draws a graph (and
:func:`~dlclassics.autograd.graph.to_dot` gives its DOT text).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

import numpy as np

from dlclassics.autograd.graph import topological_order
from dlclassics.errors import ConfigError

Number = int | float
ActivationName = Literal["relu", "tanh", "sigmoid", "linear"]


def _noop() -> None:
    return None


class Value:
    """A scalar that records how it was computed, so gradients can flow back to its inputs."""

    __slots__ = ("_backward", "_op", "_prev", "data", "grad", "label")

    def __init__(
        self,
        data: Number,
        _children: tuple[Value, ...] = (),
        _op: str = "",
        label: str = "",
    ) -> None:
        self.data = float(data)
        self.grad = 0.0  # ∂(output)/∂(self), filled in by backward()
        self._backward: Callable[[], None] = _noop  # pushes self.grad into the children
        self._prev = _children
        self._op = _op
        self.label = label

    # ---- binary gates -------------------------------------------------------------------
    def __add__(self, other: Value | Number) -> Value:
        other = _lift(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:  # add gate distributes: local gradients are 1 and 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __sub__(self, other: Value | Number) -> Value:
        other = _lift(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward() -> None:
            self.grad += out.grad
            other.grad -= out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | Number) -> Value:
        other = _lift(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:  # multiply gate swaps: ∂(xy)/∂x = y, ∂(xy)/∂y = x
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __truediv__(self, other: Value | Number) -> Value:
        other = _lift(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward() -> None:  # ∂(x/y)/∂x = 1/y, ∂(x/y)/∂y = −x/y²
            self.grad += out.grad / other.data
            other.grad -= out.grad * self.data / other.data**2

        out._backward = _backward
        return out

    def max(self, other: Value | Number) -> Value:
        """Max gate: the gradient goes to the larger input (split in half at a tie)."""
        other = _lift(other)
        out = Value(max(self.data, other.data), (self, other), "max")

        def _backward() -> None:
            if self.data == other.data:
                self.grad += 0.5 * out.grad
                other.grad += 0.5 * out.grad
            elif self.data > other.data:
                self.grad += out.grad
            else:
                other.grad += out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent: Number) -> Value:
        if not isinstance(exponent, int | float):
            return NotImplemented  # Value ** Value: write (b * a.log()).exp()
        out = Value(self.data**exponent, (self,), f"**{exponent:g}")

        def _backward() -> None:  # ∂(x^p)/∂x = p·x^(p−1)
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def __rpow__(self, base: Number) -> Value:
        """``c ** x`` for a positive number c, as exp(x·ln c)."""
        if not isinstance(base, int | float):
            return NotImplemented
        return (self * math.log(base)).exp()

    # ---- unary gates --------------------------------------------------------------------
    def exp(self) -> Value:
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward() -> None:  # ∂e^x/∂x = e^x, the output itself
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        if self.data <= 0:
            raise ConfigError(f"log of {self.data:g}: the input must be positive")
        out = Value(math.log(self.data), (self,), "log")

        def _backward() -> None:
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward() -> None:  # ∂tanh/∂x = 1 − tanh²
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        s = 1.0 / (1.0 + math.exp(-self.data)) if self.data >= 0 else _sigmoid_neg(self.data)
        out = Value(s, (self,), "sigmoid")

        def _backward() -> None:  # 004 §二.6.3: σ' = (1 − σ)·σ, read off the output
            self.grad += (1.0 - out.data) * out.data * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward() -> None:  # gradient 1 where the unit is active, 0 elsewhere
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    # ---- backpropagation ----------------------------------------------------------------
    def backward(self) -> None:
        """Fill ``.grad`` of every node with ∂self/∂node (leaves accumulate, as in torch)."""
        order = topological_order(self)
        for node in order:  # interior grads restart, so a second backward() is not doubled
            if node._prev:
                node.grad = 0.0
        self.grad += 1.0  # ∂f/∂f (interior roots were just reset to 0)
        for node in reversed(order):
            node._backward()

    # ---- the reflected and derived operators --------------------------------------------
    def __neg__(self) -> Value:
        return self * -1.0

    def __radd__(self, other: Number) -> Value:
        return self + other

    def __rsub__(self, other: Number) -> Value:
        return _lift(other) - self

    def __rmul__(self, other: Number) -> Value:
        return self * other

    def __rtruediv__(self, other: Number) -> Value:
        return _lift(other) / self

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"


def _sigmoid_neg(x: float) -> float:
    e = math.exp(x)  # for x < 0 this form never overflows
    return e / (1.0 + e)


def _lift(x: Value | Number) -> Value:
    return x if isinstance(x, Value) else Value(x, label="const")


# ---- a tiny module API, as in micrograd and torch.nn ------------------------------------
class Module:
    """Base class: ``parameters()`` lists the trainable leaves; ``zero_grad()`` resets them."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """One unit: act(Σᵢ wᵢxᵢ + b) — the score function f = Wx + b of 004 §二.1 for one row."""

    def __init__(
        self, nin: int, *, activation: ActivationName = "relu", rng: np.random.Generator
    ) -> None:
        # micrograd's init: weights uniform in [−1, 1], bias 0
        self.w = [Value(float(v)) for v in rng.uniform(-1.0, 1.0, size=nin)]
        self.b = Value(0.0)
        self.activation: ActivationName = activation

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return _ACTIVATIONS[self.activation](act)

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]


class Layer(Module):
    """``nout`` independent neurons reading the same ``nin`` inputs."""

    def __init__(
        self, nin: int, nout: int, *, activation: ActivationName = "relu", rng: np.random.Generator
    ) -> None:
        self.neurons = [Neuron(nin, activation=activation, rng=rng) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | Number]) -> list[Value]:
        return [n(x) for n in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]


class MLP(Module):
    """Layers of neurons; hidden layers use ``activation``, the last layer is linear."""

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        activation: ActivationName = "relu",
        rng: np.random.Generator,
    ) -> None:
        sizes = [nin, *nouts]
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation=activation if i < len(nouts) - 1 else "linear",
                rng=rng,
            )
            for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Value | Number]) -> list[Value]:
        out = self.layers[0](x)
        for layer in self.layers[1:]:
            out = layer(out)
        return out

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]


_ACTIVATIONS: dict[ActivationName, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "linear": lambda v: v,
}


def values(xs: Iterable[Number]) -> list[Value]:
    """Wrap plain numbers as leaves: ``values([2, -3, -3])``."""
    return [Value(x) for x in xs]
