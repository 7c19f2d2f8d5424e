"""A tensor autograd engine on NumPy: backprop with matrices (004 §二.7, §二.5.2).

The scalar engine (:mod:`.scalar`) with arrays at the nodes. Every operation stores a
function ``g ↦ (gradient for each input)``; :meth:`Tensor.backward` calls them in reverse
topological order. Three rules go beyond the scalar case:

* **Matrix rule** (004 §二.7, f = ‖W·x‖²): for D = W·X the local gradients are

      dW = dD · Xᵀ        dX = Wᵀ · dD

  so a gradient always has the shape of its input ("梯度矩阵的行列长度 = 输入矩阵的行列长度",
  the notes' shape check). A mismatched product raises an error naming both shapes.
* **Broadcasting**: ``x + b`` with x of shape (B, H) and b of shape (H,) uses b once per
  row, so b's gradient is the *sum* over the broadcast axes (the add gate distributes,
  and the copies add up): ``_unbroadcast``.
* **Indexing** ``x[idx]`` scatter-adds the gradient back (``np.add.at``): an element picked
  twice receives both gradients — how cross-entropy's ``log_softmax[range(N), y]`` learns.

Everything is float64 by default (gradients match torch float64 to ~1e-12)::

    >>> import numpy as np
    >>> W = Tensor([[0.1, 0.5], [-0.3, 0.8]], requires_grad=True)
    >>> x = Tensor([[0.2], [0.4]], requires_grad=True)
    >>> f = ((W @ x) ** 2).sum()        # 004 §二.7: f = Σ q_i², q = W·x
    >>> f.backward()
    >>> np.round(W.grad, 3).tolist()    # 2q · xᵀ
    [[0.088, 0.176], [0.104, 0.208]]

``with no_grad():`` turns recording off (evaluation, optimizer updates).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from dlclassics.autograd.graph import topological_order
from dlclassics.errors import ConfigError

Array = NDArray[Any]
Axis = int | tuple[int, ...] | None
BackwardFn = Callable[[Array], tuple[Array | None, ...]]


class _GradMode:
    enabled = True  # process-wide, like torch's default grad mode


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, operations record no graph (results have ``requires_grad=False``)."""
    previous = _GradMode.enabled
    _GradMode.enabled = False
    try:
        yield
    finally:
        _GradMode.enabled = previous


def is_grad_enabled() -> bool:
    return _GradMode.enabled


class Tensor:
    """An n-d array that records the operations applied to it, for :meth:`backward`.

    ``data`` is a NumPy array (``np.asarray``: an existing float64 array is shared, not
    copied — like ``torch.from_numpy``); ``grad`` is ``None`` until a backward pass
    reaches the tensor, then an array of the same shape.
    """

    __array_ufunc__ = None  # `ndarray + Tensor` defers to Tensor.__radd__, keeping the graph

    def __init__(
        self,
        data: Tensor | ArrayLike,
        *,
        requires_grad: bool = False,
        dtype: DTypeLike = np.float64,
        label: str = "",
    ) -> None:
        if isinstance(data, Tensor):
            data = data.data
        self.data: Array = np.asarray(data, dtype=dtype)
        self.grad: Array | None = None
        self.requires_grad = requires_grad
        self.label = label
        self._prev: tuple[Tensor, ...] = ()
        self._op = ""
        self._backward: BackwardFn | None = None

    # ---- plumbing -----------------------------------------------------------------------
    def _result(self, data: Array, parents: tuple[Tensor, ...], op: str, fn: BackwardFn) -> Tensor:
        out = Tensor(data, dtype=data.dtype)
        if _GradMode.enabled and any(p.requires_grad for p in parents):
            out.requires_grad = True
            out._prev, out._op, out._backward = parents, op, fn
        return out

    def _accumulate(self, g: Array) -> None:
        if self.grad is None:
            self.grad = np.array(g, dtype=self.data.dtype)  # own copy (g may be a view)
        else:
            self.grad = self.grad + g

    def backward(self, grad: ArrayLike | None = None) -> None:
        """Fill ``.grad`` of every tensor in the graph with ∂self/∂tensor (leaves accumulate).

        ``grad`` is the upstream gradient ∂L/∂self; it may be omitted for a scalar output.
        """
        if not self.requires_grad:
            raise ConfigError(
                "backward() on a tensor that does not require grad: create the inputs with "
                "requires_grad=True, outside no_grad()"
            )
        if grad is None:
            if self.data.size != 1:
                raise ConfigError(
                    f"backward() on an output of shape {self.shape} needs grad=∂L/∂output: "
                    "pass grad=, or reduce to a scalar with .sum() or .mean() first"
                )
            seed = np.ones_like(self.data)
        else:
            seed = np.asarray(grad, dtype=self.data.dtype)
            if seed.shape != self.shape:
                raise ConfigError(f"grad has shape {seed.shape}, output has shape {self.shape}")
        order = topological_order(self)
        for node in order:  # interior grads restart, so a second backward() is not doubled
            if node._prev:
                node.grad = None
        self._accumulate(seed)
        for node in reversed(order):
            if node._backward is None or node.grad is None:
                continue
            grads = node._backward(node.grad)
            for parent, g in zip(node._prev, grads, strict=True):
                if g is not None and parent.requires_grad:
                    parent._accumulate(_unbroadcast(g, parent.shape))

    def zero_grad(self) -> None:
        self.grad = None

    def detach(self) -> Tensor:
        """The same data, cut from the graph."""
        return Tensor(self.data, dtype=self.data.dtype)

    # ---- elementwise binary gates -------------------------------------------------------
    def __add__(self, other: Tensor | ArrayLike) -> Tensor:
        o = _as_tensor(other)
        return self._result(self.data + o.data, (self, o), "+", lambda g: (g, g))

    def __sub__(self, other: Tensor | ArrayLike) -> Tensor:
        o = _as_tensor(other)
        return self._result(self.data - o.data, (self, o), "-", lambda g: (g, -g))

    def __mul__(self, other: Tensor | ArrayLike) -> Tensor:
        o = _as_tensor(other)
        a, b = self.data, o.data
        return self._result(a * b, (self, o), "*", lambda g: (g * b, g * a))  # swap

    def __truediv__(self, other: Tensor | ArrayLike) -> Tensor:
        o = _as_tensor(other)
        a, b = self.data, o.data
        return self._result(a / b, (self, o), "/", lambda g: (g / b, -g * a / b**2))

    def __pow__(self, exponent: float) -> Tensor:
        if not isinstance(exponent, int | float):
            return NotImplemented
        a = self.data
        return self._result(
            a**exponent, (self,), f"**{exponent:g}", lambda g: (g * exponent * a ** (exponent - 1),)
        )

    def maximum(self, other: Tensor | ArrayLike) -> Tensor:
        """Elementwise max gate: the gradient goes to the larger input (halved at a tie)."""
        o = _as_tensor(other)
        a, b = self.data, o.data
        share_a = np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0))
        return self._result(
            np.maximum(a, b), (self, o), "max", lambda g: (g * share_a, g * (1.0 - share_a))
        )

    def __matmul__(self, other: Tensor | ArrayLike) -> Tensor:
        """D = W·X, with dW = dD·Xᵀ and dX = Wᵀ·dD (004 §二.7); vectors as in ``np.matmul``."""
        o = _as_tensor(other)
        a, b = self.data, o.data
        _check_matmul(a.shape, b.shape)
        a2 = a[None, :] if a.ndim == 1 else a  # (1, K): a vector on the left is a row
        b2 = b[:, None] if b.ndim == 1 else b  # (K, 1): a vector on the right is a column
        try:
            out = a2 @ b2  # (..., M, N)
        except ValueError:
            raise ConfigError(
                f"matmul batch shapes do not broadcast: {a.shape} @ {b.shape}"
            ) from None
        # drop the axes the vectors were given: a's row axis −2, b's column axis −1
        vector_axes = (-2,) * (a.ndim == 1) + (-1,) * (b.ndim == 1)
        out = np.squeeze(out, axis=vector_axes)

        def backward(g: Array) -> tuple[Array, Array]:
            g2 = np.expand_dims(g, vector_axes)  # back to (..., M, N)
            da = g2 @ np.swapaxes(b2, -1, -2)  # dA = dD · Bᵀ
            db = np.swapaxes(a2, -1, -2) @ g2  # dB = Aᵀ · dD
            return (
                _unbroadcast(da, a2.shape).reshape(a.shape),
                _unbroadcast(db, b2.shape).reshape(b.shape),
            )

        return self._result(out, (self, o), "@", backward)

    # ---- reflected and derived ----------------------------------------------------------
    def __neg__(self) -> Tensor:
        return self._result(-self.data, (self,), "neg", lambda g: (-g,))

    def __radd__(self, other: ArrayLike) -> Tensor:
        return _as_tensor(other) + self

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return _as_tensor(other) - self

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return _as_tensor(other) * self

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return _as_tensor(other) / self

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return _as_tensor(other) @ self

    # ---- elementwise unary gates --------------------------------------------------------
    def exp(self) -> Tensor:
        out = np.exp(self.data)
        return self._result(out, (self,), "exp", lambda g: (g * out,))

    def log(self) -> Tensor:
        a = self.data
        return self._result(np.log(a), (self,), "log", lambda g: (g / a,))

    def tanh(self) -> Tensor:
        out = np.tanh(self.data)
        return self._result(out, (self,), "tanh", lambda g: (g * (1.0 - out**2),))

    def sigmoid(self) -> Tensor:
        out = np.exp(-np.logaddexp(0.0, -self.data))  # 1/(1+e^−x) without overflow
        return self._result(out, (self,), "sigmoid", lambda g: (g * out * (1.0 - out),))

    def relu(self) -> Tensor:
        active = self.data > 0
        return self._result(
            np.where(active, self.data, 0.0), (self,), "relu", lambda g: (g * active,)
        )

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        slope = np.where(self.data > 0, 1.0, negative_slope)
        return self._result(self.data * slope, (self,), "leaky_relu", lambda g: (g * slope,))

    # ---- reductions ---------------------------------------------------------------------
    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        shape = self.shape

        def backward(g: Array) -> tuple[Array]:  # every summand gets the whole gradient
            return (np.broadcast_to(_expand(g, axis, len(shape), keepdims), shape),)

        return self._result(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum", backward)

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        shape = self.shape
        out = self.data.mean(axis=axis, keepdims=keepdims)
        n = self.data.size / max(np.size(out), 1)  # how many entries each mean averages

        def backward(g: Array) -> tuple[Array]:
            return (np.broadcast_to(_expand(g, axis, len(shape), keepdims) / n, shape),)

        return self._result(np.asarray(out), (self,), "mean", backward)

    def max(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Max over ``axis``; the gradient goes to the maximum (split evenly among ties,
        like ``torch.amax``)."""
        a = self.data
        top = a.max(axis=axis, keepdims=True)
        winners = a == top
        share = winners / winners.sum(axis=axis, keepdims=True)

        def backward(g: Array) -> tuple[Array]:
            return (share * _expand(g, axis, a.ndim, keepdims),)

        return self._result(a.max(axis=axis, keepdims=keepdims), (self,), "max", backward)

    # ---- shape --------------------------------------------------------------------------
    def reshape(self, *shape: int) -> Tensor:
        old = self.shape
        new = shape[0] if len(shape) == 1 and isinstance(shape[0], tuple) else shape
        return self._result(self.data.reshape(new), (self,), "reshape", lambda g: (g.reshape(old),))

    def transpose(self, *axes: int) -> Tensor:
        perm = tuple(axes) if axes else tuple(reversed(range(self.ndim)))
        inverse = tuple(np.argsort(perm))
        return self._result(
            self.data.transpose(perm), (self,), "transpose", lambda g: (g.transpose(inverse),)
        )

    @property
    def T(self) -> Tensor:
        return self.transpose()

    def __getitem__(self, index: Any) -> Tensor:
        idx = _plain_index(index)
        a = self.data

        def backward(g: Array) -> tuple[Array]:
            full = np.zeros_like(a)
            np.add.at(full, idx, g)  # scatter-add: repeated picks add up
            return (full,)

        return self._result(np.asarray(a[idx]), (self,), "[]", backward)

    # ---- losses -------------------------------------------------------------------------
    def log_softmax(self, axis: int = -1) -> Tensor:
        """log softmax: s_j − log Σ_k e^{s_k}, shifted by max s for stability (004 §二.5.1)."""
        a = self.data
        shifted = a - a.max(axis=axis, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        softmax = np.exp(out)

        def backward(g: Array) -> tuple[Array]:  # J = diag(p) − p·pᵀ applied to g
            return (g - softmax * g.sum(axis=axis, keepdims=True),)

        return self._result(out, (self,), "log_softmax", backward)

    # ---- conveniences -------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.data.shape)

    @property
    def ndim(self) -> int:
        return int(self.data.ndim)

    @property
    def size(self) -> int:
        return int(self.data.size)

    def __len__(self) -> int:
        return len(self.data)

    def item(self) -> float:
        return float(self.data.reshape(()))

    def numpy(self) -> Array:
        return self.data

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        body = np.array2string(self.data, precision=4, separator=", ", threshold=20)
        return f"Tensor({body}{grad})"


# ---- functional forms ---------------------------------------------------------------------
def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    return x.log_softmax(axis)


def cross_entropy(logits: Tensor, targets: ArrayLike) -> Tensor:
    """Mean softmax loss L = −(1/N) Σᵢ log( e^{s_{yᵢ}} / Σ_j e^{s_j} ) (004 §二.5.1).

    ``logits`` (N, C) scores, ``targets`` (N,) integer class indices — as
    ``torch.nn.functional.cross_entropy`` with its defaults.
    """
    y = np.asarray(targets)
    if logits.ndim != 2:
        raise ConfigError(f"cross_entropy wants logits of shape (N, C), got {logits.shape}")
    n, c = logits.shape
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ConfigError(
            f"cross_entropy wants integer targets of shape ({n},), got {y.dtype} {y.shape}"
        )
    if n and (y.min() < 0 or y.max() >= c):
        raise ConfigError(
            f"targets must lie in [0, {c - 1}] for {c} classes; got {y.min()}..{y.max()}"
        )
    picked = logits.log_softmax(axis=1)[np.arange(n), y]  # (N,) log-probability of the truth
    return -picked.mean()


def dropout(x: Tensor, p: float, *, training: bool, rng: np.random.Generator) -> Tensor:
    """Inverted dropout (004 §二.9.3): drop each unit with probability p, scale the rest by 1/(1−p).

    Scaling at training time keeps E[output] = input, so evaluation (``training=False``)
    is the identity and needs no rescaling.
    """
    if not 0.0 <= p < 1.0:
        raise ConfigError(f"dropout p={p} must lie in [0, 1): it is the probability to drop")
    if not training or p == 0.0:
        return x
    mask = (rng.random(x.shape) >= p) / (1.0 - p)  # 0 or 1/(1−p); E[mask] = 1
    return x._result(x.data * mask, (x,), "dropout", lambda g: (g * mask,))


# ---- helpers ------------------------------------------------------------------------------
def _as_tensor(x: Tensor | ArrayLike) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _unbroadcast(grad: Array, shape: tuple[int, ...]) -> Array:
    """Sum ``grad`` down to ``shape``: over the leading axes broadcasting added, and over the
    axes it stretched from size 1 (each copy of an input passed its gradient back)."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    assert grad.shape == shape, (grad.shape, shape)
    return grad


def _expand(g: Array, axis: Axis, ndim: int, keepdims: bool) -> Array:
    """Re-insert the reduced axes of a reduction's output gradient, so it broadcasts back."""
    if keepdims:
        return g
    if axis is None:
        return g.reshape((1,) * ndim)
    axes = (axis,) if isinstance(axis, int) else axis
    return np.expand_dims(g, tuple(a % ndim for a in axes))


def _plain_index(index: Any) -> Any:
    """Tensors inside an index become their (integer) arrays."""
    if isinstance(index, Tensor):
        return index.data.astype(np.intp)
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    return index


def _check_matmul(sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    if not sa or not sb:
        raise ConfigError(f"matmul needs at least 1-d operands, got {sa} @ {sb}: use * for scalars")
    k_left = sa[-1]
    k_right = sb[0] if len(sb) == 1 else sb[-2]
    if k_left != k_right:
        where = "length" if len(sb) == 1 else "second-to-last axis"
        raise ConfigError(
            f"matmul shape mismatch: {sa} @ {sb}: the left operand's last axis ({k_left}) "
            f"must equal the right operand's {where} ({k_right}); transpose one of them "
            "or fix the layer sizes"
        )
