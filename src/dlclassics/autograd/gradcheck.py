"""Gradient checking: is an analytic gradient right? (004 §二.7 "如何看出梯度是否有错").

The notes check the *shape* of a gradient (it must equal the input's shape). This module
checks the *numbers*, by comparing with centred differences

    ∂f/∂xᵢ ≈ ( f(x + h·eᵢ) − f(x − h·eᵢ) ) / 2h        (error O(h²))

through the relative error

    rel(a, n) = |a − n| / max(|a|, |n|, tiny)          (largest over the entries).

With float64, h = 1e-5 and a smooth f whose gradient entries are not tiny, a correct
gradient gives rel ≲ 1e-7; a wrong one gives ≳ 1e-2. Entries where both numbers are
near zero make the ratio meaningless (1e-11 round-off against an exact 0 reads as 1):
check on random inputs, or raise ``tiny`` to the scale below which you compare absolutely.
Kinks (ReLU at 0, hinge loss at the margin) also break the check where x sits within h.

    >>> import numpy as np
    >>> x = np.array([1.0, -2.0, 0.5])
    >>> n = numerical_gradient(lambda v: float(np.sum(v**3)), x)
    >>> relative_error(3 * x**2, n) < 1e-8
    True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlclassics.autograd.tensor import Tensor
from dlclassics.errors import ConfigError

Array = NDArray[Any]


def numerical_gradient(f: Callable[[Array], float], x: Array, h: float = 1e-5) -> Array:
    """∂f/∂x by centred differences, one entry at a time.

    ``f`` maps the array ``x`` to a scalar. ``x`` is perturbed in place and restored
    exactly afterwards, so ``f`` may close over it (``lambda _: loss(W)`` with ``x is W``)
    as well as read its argument. ``x`` must be a floating-point array.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise ConfigError("numerical_gradient needs a float ndarray x: use np.asarray(x, float)")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i].copy()
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old  # restore the exact original value
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike, *, tiny: float = 1e-12) -> float:
    """max over entries of |a − b| / max(|a|, |b|, tiny); 0 for two empty arrays."""
    a_ = np.asarray(a, dtype=np.float64)
    b_ = np.asarray(b, dtype=np.float64)
    if a_.shape != b_.shape:
        raise ConfigError(
            f"relative_error of arrays with different shapes {a_.shape} and {b_.shape}"
        )
    if a_.size == 0:
        return 0.0
    denom = np.maximum(np.maximum(np.abs(a_), np.abs(b_)), tiny)
    return float(np.max(np.abs(a_ - b_) / denom))


def check_gradient(
    f: Callable[[Array], float], x: Array, analytic: ArrayLike, *, h: float = 1e-5
) -> float:
    """Relative error between an analytic gradient of ``f`` at ``x`` and centred differences."""
    analytic = np.asarray(analytic)
    if analytic.shape != x.shape:  # the notes' first check: gradient shape = input shape
        raise ConfigError(f"gradient has shape {analytic.shape}, but its input has {x.shape}")
    return relative_error(analytic, numerical_gradient(f, x, h))


def gradcheck(fn: Callable[..., Tensor], inputs: Sequence[Tensor], *, h: float = 1e-6) -> float:
    """Largest relative error between :meth:`Tensor.backward` and centred differences.

    ``fn(*inputs)`` must return a scalar :class:`Tensor`; every input with
    ``requires_grad=True`` is checked (like ``torch.autograd.gradcheck``, which returns a
    bool instead of the error).
    """
    for t in inputs:
        t.zero_grad()
    fn(*inputs).backward()
    worst = 0.0
    for t in inputs:
        if not t.requires_grad:
            continue
        analytic = t.grad if t.grad is not None else np.zeros_like(t.data)
        numeric = numerical_gradient(lambda _: fn(*inputs).item(), t.data, h)
        worst = max(worst, relative_error(analytic, numeric))
    return worst
