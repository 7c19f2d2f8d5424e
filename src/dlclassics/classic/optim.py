"""Optimizers from scratch: SGD, momentum, Nesterov, RMSProp, Adam (004 §二.8, §二.4).

Course note 004, 二 · 8、权重的更新迭代 — the update with a smoothing (momentum) term::

    w(t+1) = w(t) − η ∂L/∂w + α [w(t) − w(t−1)]                     (notes' form)

The last term re-applies a fraction α of the previous step, so steps in a consistent
direction build up speed and oscillating components cancel (the 震荡 of 二 · 4、迭代法).
Naming the previous step v(t) = w(t) − w(t−1) gives the equivalent *velocity form*::

    v(t+1) = α v(t) − η ∂L/∂w,     w(t+1) = w(t) + v(t+1)            (velocity form)

:class:`MomentumNotes` implements the first and :class:`Momentum` the second; the tests
show they produce the same weights. ``torch.optim.SGD(momentum=μ)`` keeps a different
buffer, b(t+1) = μ b(t) + ∂L/∂w and w(t+1) = w(t) − η b(t+1): with a constant η,
b = −v/η, so the trajectories are identical, but the buffer differs from our velocity by a
factor of −η (and the two diverge when η changes during training: torch's step then
rescales the whole history, the velocity form only the new gradient).

The others, each as in ``torch.optim`` and checked against it step by step:

* :class:`SGD` — w ← w − η g  (the plain rule of 二 · 6.3: w_new = w_old − 学习率 × 梯度);
* :class:`Nesterov` — momentum evaluated at the look-ahead point:
  v ← α v − η g,  w ← w − η g + α v  (torch ``SGD(nesterov=True)``);
* :class:`RMSProp` — s ← ρ s + (1−ρ) g²,  w ← w − η g / (√s + ε): each weight's step is
  divided by its recent gradient size (large slope → smaller step, cf. 二 · 4);
* :class:`Adam` — m ← β₁m + (1−β₁)g,  s ← β₂s + (1−β₂)g²,
  w ← w − η m̂ / (√ŝ + ε) with bias corrections m̂ = m/(1−β₁ᵗ), ŝ = s/(1−β₂ᵗ).

Every optimizer takes a list of parameters — NumPy arrays, updated in place, or
:class:`~dlclassics.autograd.tensor.Tensor` objects of the tensor engine — and ``step``
takes the matching gradients (or reads ``Tensor.grad`` when none are given)::

    >>> import numpy as np
    >>> w = np.array([1.0, -2.0])
    >>> opt = Momentum([w], lr=0.1, momentum=0.9)
    >>> opt.step([2 * w])             # ∂(‖w‖²)/∂w
    >>> w.tolist()
    [0.8, -1.6]

``weight_decay`` λ adds λw to every gradient (the L2 penalty of 二 · 3.2 as
½λ‖w‖², the same convention as torch).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dlclassics.autograd.tensor import Tensor
from dlclassics.errors import ConfigError

Array = NDArray[Any]
Param = Array | Tensor


class Optimizer(ABC):
    """Holds the parameters and per-parameter state; subclasses write one update rule."""

    def __init__(self, params: Sequence[Param], *, lr: float, weight_decay: float = 0.0) -> None:
        if lr <= 0 or not math.isfinite(lr):
            raise ConfigError(f"learning rate lr={lr} must be a positive number")
        if weight_decay < 0:
            raise ConfigError(f"weight_decay={weight_decay} must be ≥ 0")
        self.params = list(params)
        if not self.params:
            raise ConfigError("the optimizer got no parameters: pass model.parameters()")
        for p in self.params:
            data = p.data if isinstance(p, Tensor) else p
            if not np.issubdtype(data.dtype, np.floating):
                raise ConfigError(f"parameters must be float arrays, got {data.dtype}")
        self.lr = lr
        self.weight_decay = weight_decay
        self.t = 0  # steps taken

    def _arrays(self) -> list[Array]:
        return [p.data if isinstance(p, Tensor) else p for p in self.params]

    def step(self, grads: Sequence[Array] | None = None) -> None:
        """Apply one update to every parameter, in place."""
        if grads is None:
            grads = [_tensor_grad(p) for p in self.params]
        if len(grads) != len(self.params):
            raise ConfigError(f"step got {len(grads)} gradients for {len(self.params)} parameters")
        self.t += 1
        for i, (w, grad) in enumerate(zip(self._arrays(), grads, strict=True)):
            g = np.asarray(grad)
            if g.shape != w.shape:
                raise ConfigError(f"gradient {i} has shape {g.shape}, its parameter {w.shape}")
            if self.weight_decay:
                g = g + self.weight_decay * w
            self._update(i, w, g)

    @abstractmethod
    def _update(self, i: int, w: Array, g: Array) -> None:
        """Update parameter ``i`` (array ``w``, in place) with its gradient ``g``."""

    def zero_grad(self) -> None:
        """Clear the ``.grad`` of tensor parameters (arrays carry no gradient)."""
        for p in self.params:
            if isinstance(p, Tensor):
                p.grad = None


def _tensor_grad(p: Param) -> Array:
    if not isinstance(p, Tensor):
        raise ConfigError("step() without gradients needs Tensor parameters: pass step(grads)")
    return p.grad if p.grad is not None else np.zeros_like(p.data)


class SGD(Optimizer):
    """w ← w − η g."""

    def _update(self, i: int, w: Array, g: Array) -> None:
        w -= self.lr * g


class MomentumNotes(Optimizer):
    """004 §二.8 as written: w(t+1) = w(t) − η ∂L/∂w + α[w(t) − w(t−1)], with w(−1) = w(0)."""

    def __init__(
        self, params: Sequence[Param], *, lr: float, alpha: float = 0.9, weight_decay: float = 0.0
    ) -> None:
        super().__init__(params, lr=lr, weight_decay=weight_decay)
        _check_unit("alpha", alpha)
        self.alpha = alpha
        self.previous = [w.copy() for w in self._arrays()]  # w(t−1)

    def _update(self, i: int, w: Array, g: Array) -> None:
        w_prev = self.previous[i]
        w_next = w - self.lr * g + self.alpha * (w - w_prev)
        w_prev[...] = w  # becomes w(t) for the next step
        w[...] = w_next


class Momentum(Optimizer):
    """Velocity form: v ← α v − η g,  w ← w + v  (v = the last step w(t) − w(t−1))."""

    def __init__(
        self,
        params: Sequence[Param],
        *,
        lr: float,
        momentum: float = 0.9,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr=lr, weight_decay=weight_decay)
        _check_unit("momentum", momentum)
        self.momentum = momentum
        self.velocity = [np.zeros_like(w) for w in self._arrays()]

    def _update(self, i: int, w: Array, g: Array) -> None:
        v = self.velocity[i]
        v *= self.momentum
        v -= self.lr * g
        w += v


class Nesterov(Momentum):
    """Nesterov momentum: v ← α v − η g,  w ← w − η g + α v  (the step from the look-ahead).

    Equal to w ← w + v + α(v − v_prev): after taking the momentum step v, the gradient is
    treated as if measured at the point the momentum was heading to.
    """

    def _update(self, i: int, w: Array, g: Array) -> None:
        v = self.velocity[i]
        v *= self.momentum
        v -= self.lr * g
        w += self.momentum * v - self.lr * g


class RMSProp(Optimizer):
    """s ← ρ s + (1−ρ) g²,  w ← w − η g / (√s + ε)  (torch ``RMSprop``, not centred)."""

    def __init__(
        self,
        params: Sequence[Param],
        *,
        lr: float = 1e-2,  # torch's default
        rho: float = 0.99,  # decay of the squared-gradient average (torch calls it alpha)
        eps: float = 1e-8,  # keeps the step finite where s ≈ 0
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr=lr, weight_decay=weight_decay)
        _check_unit("rho", rho)
        self.rho, self.eps = rho, eps
        self.square_avg = [np.zeros_like(w) for w in self._arrays()]

    def _update(self, i: int, w: Array, g: Array) -> None:
        s = self.square_avg[i]
        s *= self.rho
        s += (1 - self.rho) * g * g
        w -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam: momentum on g (m) and RMSProp on g² (s), both bias-corrected (torch ``Adam``)."""

    def __init__(
        self,
        params: Sequence[Param],
        *,
        lr: float = 1e-3,  # torch's default
        betas: tuple[float, float] = (0.9, 0.999),  # decay of m and of s
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr=lr, weight_decay=weight_decay)
        for name, beta in zip(("beta1", "beta2"), betas, strict=True):
            _check_unit(name, beta)
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.m = [np.zeros_like(w) for w in self._arrays()]
        self.s = [np.zeros_like(w) for w in self._arrays()]

    def _update(self, i: int, w: Array, g: Array) -> None:
        m, s = self.m[i], self.s[i]
        m *= self.beta1
        m += (1 - self.beta1) * g
        s *= self.beta2
        s += (1 - self.beta2) * g * g
        m_hat = m / (1 - self.beta1**self.t)  # m and s start at 0: undo that early bias
        s_hat = s / (1 - self.beta2**self.t)
        w -= self.lr * m_hat / (np.sqrt(s_hat) + self.eps)


def _check_unit(name: str, value: float) -> None:
    if not 0.0 <= value < 1.0:
        raise ConfigError(f"{name}={value} must lie in [0, 1)")
