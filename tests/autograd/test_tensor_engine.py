"""The tensor engine: the notes' matrix example (004 §二.7), then torch float64 as the oracle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from dlclassics.autograd.tensor import Tensor, cross_entropy, dropout, log_softmax, no_grad
from dlclassics.errors import ConfigError

FAST = settings(max_examples=50, deadline=None)


def _pair(a: np.ndarray) -> tuple[Tensor, torch.Tensor]:
    return Tensor(a.copy(), requires_grad=True), torch.tensor(a, requires_grad=True)


def assert_matches_torch(
    ours: np.ndarray | None, theirs: torch.Tensor | None, tol: float = 1e-10
) -> None:
    assert ours is not None and theirs is not None
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=tol, atol=tol)


# ---- 004 §二.7: f(W, x) = ‖W·x‖² and the matrix rule -----------------------------------------


def test_notes_matrix_example_gradients_are_2q_xT_and_2WT_q() -> None:
    W = Tensor([[0.1, 0.5], [-0.3, 0.8]], requires_grad=True)
    x = Tensor([0.2, 0.4], requires_grad=True)
    q = W @ x  # (2,)
    f = (q**2).sum()  # f = Σ q_i², ∂f/∂q_i = 2 q_i
    f.backward()
    np.testing.assert_allclose(q.data, [0.22, 0.26])
    assert f.item() == pytest.approx(0.116)
    np.testing.assert_allclose(q.grad, [0.44, 0.52])
    np.testing.assert_allclose(W.grad, [[0.088, 0.176], [0.104, 0.208]])  # 2q·xᵀ
    np.testing.assert_allclose(x.grad, [-0.112, 0.636])  # 2Wᵀ·q
    assert W.grad.shape == W.shape and x.grad.shape == x.shape  # 梯度形状 = 输入形状


def test_matrix_rule_dW_is_dD_times_X_transpose_with_the_shape_of_W() -> None:
    rng = np.random.default_rng(0)
    H, D, N = 4, 3, 5
    W = Tensor(rng.normal(size=(H, D)), requires_grad=True)
    X = Tensor(rng.normal(size=(D, N)), requires_grad=True)
    dD = rng.normal(size=(H, N))  # upstream gradient ∂L/∂D
    D_ = W @ X  # (H, N)
    D_.backward(dD)
    np.testing.assert_allclose(W.grad, dD @ X.data.T)  # dW = dD·Xᵀ   (H, D)
    np.testing.assert_allclose(X.grad, W.data.T @ dD)  # dX = Wᵀ·dD   (D, N)
    assert W.grad.shape == (H, D) and X.grad.shape == (D, N)


def test_matmul_shape_mismatch_names_both_shapes() -> None:
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones((4, 5)))
    with pytest.raises(ConfigError, match=r"\(2, 3\) @ \(4, 5\).*\(3\).*\(4\)"):
        a @ b


# ---- elementwise ops, with broadcasting ------------------------------------------------------

BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (b * b + 1.0),
    "maximum": lambda a, b: a.maximum(b) if isinstance(a, Tensor) else torch.maximum(a, b),
}
values = st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 2))  # rounding makes ties


@FAST
@given(
    shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
    op=st.sampled_from(sorted(BINARY)),
    data=st.data(),
)
def test_broadcast_binary_ops_match_torch_and_unbroadcast_the_gradient(
    shapes: Any, op: str, data: st.DataObject
) -> None:
    sa, sb = shapes.input_shapes
    a = data.draw(hnp.arrays(np.float64, sa, elements=values))
    b = data.draw(hnp.arrays(np.float64, sb, elements=values))
    weight = data.draw(hnp.arrays(np.float64, shapes.result_shape, elements=values))
    (a_, at), (b_, bt) = _pair(a), _pair(b)
    out, out_t = BINARY[op](a_, b_), BINARY[op](at, bt)
    (out * weight).sum().backward()
    (out_t * torch.tensor(weight)).sum().backward()
    assert_matches_torch(out.data, out_t)
    assert_matches_torch(a_.grad, at.grad)
    assert_matches_torch(b_.grad, bt.grad)
    assert a_.grad is not None and a_.grad.shape == sa  # summed over the broadcast axes


def test_bias_gradient_is_the_sum_over_the_batch() -> None:
    x = Tensor(np.arange(6.0).reshape(3, 2))
    b = Tensor([10.0, 20.0], requires_grad=True)
    (x + b).sum().backward()  # b is used once per row
    np.testing.assert_array_equal(b.grad, [3.0, 3.0])


def test_numbers_and_arrays_on_the_left_keep_the_graph() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = 2.0 - x + np.array([1.0, 1.0]) * x / 4.0
    assert isinstance(y, Tensor)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [-0.75, -0.75])


UNARY: dict[str, tuple[Callable[[Any], Any], Callable[[torch.Tensor], torch.Tensor]]] = {
    "relu": (lambda t: t.relu(), torch.relu),
    "sigmoid": (lambda t: t.sigmoid(), torch.sigmoid),
    "tanh": (lambda t: t.tanh(), torch.tanh),
    "leaky_relu": (lambda t: t.leaky_relu(0.1), lambda t: F.leaky_relu(t, 0.1)),
    "exp": (lambda t: t.exp(), torch.exp),
    "log": (lambda t: (t * t + 0.5).log(), lambda t: (t * t + 0.5).log()),
    "pow": (lambda t: (t * t + 1.0) ** -1.5, lambda t: (t * t + 1.0) ** -1.5),
    "neg": (lambda t: -t, lambda t: -t),
}


@FAST
@given(
    a=hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), elements=values),
    op=st.sampled_from(sorted(UNARY)),
)
def test_unary_ops_match_torch(a: np.ndarray, op: str) -> None:
    ours, theirs = UNARY[op]
    (a_, at) = _pair(a)
    out, out_t = ours(a_), theirs(at)
    out.sum().backward()
    out_t.sum().backward()
    assert_matches_torch(out.data, out_t)
    assert_matches_torch(a_.grad, at.grad)


def test_sigmoid_does_not_overflow_for_large_inputs() -> None:
    x = Tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
    s = x.sigmoid()
    s.sum().backward()
    np.testing.assert_array_equal(s.data, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(x.grad, [0.0, 0.25, 0.0])


# ---- matmul -------------------------------------------------------------------------------

MATMUL_SHAPES = [
    ((3, 4), (4, 2)),  # the plain layer
    ((5, 3, 4), (4, 2)),  # a batch on the left, a shared matrix on the right
    ((2, 1, 3, 4), (5, 4, 2)),  # broadcast batch axes
    ((4,), (4, 2)),  # vector·matrix
    ((3, 4), (4,)),  # matrix·vector (004 §二.7: W·x)
    ((4,), (4,)),  # dot product
]


@pytest.mark.parametrize(("sa", "sb"), MATMUL_SHAPES, ids=str)
def test_matmul_matches_torch_for_batches_and_vectors(
    sa: tuple[int, ...], sb: tuple[int, ...]
) -> None:
    rng = np.random.default_rng(1)
    (a_, at), (b_, bt) = _pair(rng.normal(size=sa)), _pair(rng.normal(size=sb))
    out, out_t = a_ @ b_, at @ bt
    w = rng.normal(size=out_t.shape)
    (out * w).sum().backward()
    (out_t * torch.tensor(w)).sum().backward()
    assert out.shape == tuple(out_t.shape)
    assert_matches_torch(out.data, out_t)
    assert_matches_torch(a_.grad, at.grad)
    assert_matches_torch(b_.grad, bt.grad)


@FAST
@given(
    batch=st.lists(st.integers(1, 3), max_size=2),
    n=st.integers(1, 4),
    k=st.integers(1, 4),
    m=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_matmul_shapes_match_torch(
    batch: list[int], n: int, k: int, m: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    (a_, at), (b_, bt) = _pair(rng.normal(size=(*batch, n, k))), _pair(rng.normal(size=(k, m)))
    out, out_t = a_ @ b_, at @ bt
    w = rng.normal(size=out_t.shape)
    (out * w).sum().backward()
    (out_t * torch.tensor(w)).sum().backward()
    assert_matches_torch(out.data, out_t)
    assert_matches_torch(a_.grad, at.grad)
    # b was shared across the batch axes: its gradient is summed over them
    assert_matches_torch(b_.grad, bt.grad)


# ---- reductions ---------------------------------------------------------------------------


@FAST
@given(
    data=st.data(),
    shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
    op=st.sampled_from(["sum", "mean", "max"]),
    keepdims=st.booleans(),
)
def test_reductions_over_axes_match_torch(
    data: st.DataObject, shape: tuple[int, ...], op: str, keepdims: bool
) -> None:
    a = data.draw(hnp.arrays(np.float64, shape, elements=values))
    axis = data.draw(
        st.none()
        | hnp.valid_tuple_axes(len(shape), min_size=1)
        | st.integers(-len(shape), len(shape) - 1)
    )
    dims = tuple(range(len(shape))) if axis is None else axis
    (a_, at) = _pair(a)
    out = getattr(a_, op)(axis=axis, keepdims=keepdims)
    torch_op = {"sum": torch.sum, "mean": torch.mean, "max": torch.amax}[op]  # amax splits ties
    out_t = torch_op(at, dim=dims, keepdim=keepdims)
    w = data.draw(hnp.arrays(np.float64, tuple(out_t.shape), elements=values))
    (out * w).sum().backward()
    (out_t * torch.tensor(w)).sum().backward()
    assert out.shape == tuple(out_t.shape)
    assert_matches_torch(out.data, out_t)
    assert_matches_torch(a_.grad, at.grad)


def test_max_routes_the_gradient_to_the_largest_entry() -> None:
    x = Tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 7.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])  # tie: split


# ---- shape and indexing -------------------------------------------------------------------


def test_reshape_and_transpose_match_torch() -> None:
    rng = np.random.default_rng(2)
    (a_, at) = _pair(rng.normal(size=(2, 3, 4)))
    out = a_.reshape(6, 4).T.reshape((2, 2, 6)).transpose(2, 0, 1)  # (6, 2, 2)
    out_t = at.reshape(6, 4).T.reshape((2, 2, 6)).permute(2, 0, 1)
    w = rng.normal(size=(6, 2, 2))
    (out * w).sum().backward()
    (out_t * torch.tensor(w)).sum().backward()
    assert_matches_torch(out.data, out_t)
    assert_matches_torch(a_.grad, at.grad)


INDICES: list[Any] = [
    2,
    -1,
    slice(1, 3),
    (slice(None), 1),
    (1, slice(None, None, 2)),
    np.array([0, 2, 2, 3]),  # a repeated row: its gradients add up
    (np.array([0, 1, 1]), np.array([4, 0, 0])),  # repeated (row, col) pairs
    (np.arange(4), np.array([1, 0, 3, 3])),  # cross-entropy's pick: x[range(N), y]
    (Ellipsis, None, 2),
]


def _torch_index(index: Any) -> Any:
    if isinstance(index, tuple):
        return tuple(_torch_index(i) for i in index)
    return torch.as_tensor(index) if isinstance(index, np.ndarray) else index


@pytest.mark.parametrize("index", INDICES, ids=repr)
def test_indexing_scatter_adds_the_gradient_like_torch(index: Any) -> None:
    rng = np.random.default_rng(3)
    (a_, at) = _pair(rng.normal(size=(4, 5)))
    out, out_t = a_[index], at[_torch_index(index)]
    w = rng.normal(size=tuple(out_t.shape))
    (out * w).sum().backward()
    (out_t * torch.tensor(w)).sum().backward()
    assert_matches_torch(out.data, out_t)
    assert_matches_torch(a_.grad, at.grad)


def test_boolean_mask_and_tensor_index_select_entries() -> None:
    x = Tensor(np.arange(6.0), requires_grad=True)
    picked = x[x.data > 2.5] + x[Tensor([0, 0])].sum()
    picked.sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 0.0, 0.0, 1.0, 1.0, 1.0])


# ---- softmax losses -----------------------------------------------------------------------


@FAST
@given(
    logits=hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(2, 5)),
        elements=st.floats(-30, 30, allow_nan=False),
    ),
    axis=st.sampled_from([0, 1, -1]),
)
def test_log_softmax_matches_torch_even_for_large_scores(logits: np.ndarray, axis: int) -> None:
    (a_, at) = _pair(logits)
    out, out_t = log_softmax(a_, axis), torch.log_softmax(at, dim=axis)
    w = np.linspace(-1, 1, logits.size).reshape(logits.shape)
    (out * w).sum().backward()
    (out_t * torch.tensor(w)).sum().backward()
    assert_matches_torch(out.data, out_t)
    assert_matches_torch(a_.grad, at.grad)


@FAST
@given(data=st.data(), n=st.integers(1, 8), c=st.integers(2, 6))
def test_cross_entropy_matches_torch_functional_cross_entropy(
    data: st.DataObject, n: int, c: int
) -> None:
    logits = data.draw(hnp.arrays(np.float64, (n, c), elements=st.floats(-30, 30, allow_nan=False)))
    y = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    (a_, at) = _pair(logits)
    loss, loss_t = cross_entropy(a_, y), F.cross_entropy(at, torch.tensor(y))
    loss.backward()
    loss_t.backward()
    assert loss.item() == pytest.approx(loss_t.item(), rel=1e-10, abs=1e-10)
    assert_matches_torch(a_.grad, at.grad)


def test_cross_entropy_rejects_bad_targets_with_a_fix() -> None:
    logits = Tensor(np.zeros((3, 4)))
    with pytest.raises(ConfigError, match=r"\[0, 3\]"):
        cross_entropy(logits, np.array([0, 4, 1]))
    with pytest.raises(ConfigError, match="integer targets of shape"):
        cross_entropy(logits, np.array([0.0, 1.0, 1.0]))


def test_two_layer_net_gradients_match_torch() -> None:
    rng = np.random.default_rng(4)
    B, D, H, C = 8, 5, 7, 3
    X, y = rng.normal(size=(B, D)), rng.integers(0, C, size=B)
    params = [rng.normal(size=s) * 0.5 for s in [(H, D), (H,), (C, H), (C,)]]
    ours = [Tensor(p.copy(), requires_grad=True) for p in params]
    theirs = [torch.tensor(p, requires_grad=True) for p in params]
    W1, b1, W2, b2 = ours
    logits = (Tensor(X) @ W1.T + b1).relu() @ W2.T + b2  # (B, C)
    cross_entropy(logits, y).backward()
    W1t, b1t, W2t, b2t = theirs
    logits_t = torch.relu(torch.tensor(X) @ W1t.T + b1t) @ W2t.T + b2t
    F.cross_entropy(logits_t, torch.tensor(y)).backward()
    for p, pt in zip(ours, theirs, strict=True):
        assert_matches_torch(p.grad, pt.grad)


# ---- dropout and no_grad ------------------------------------------------------------------


def test_dropout_in_eval_mode_is_the_identity() -> None:
    x = Tensor(np.ones((3, 4)), requires_grad=True)
    assert dropout(x, 0.5, training=False, rng=np.random.default_rng(0)) is x


def test_dropout_in_train_mode_drops_p_and_scales_the_rest_by_one_over_keep() -> None:
    p, n = 0.3, 200_000
    x = Tensor(np.full(n, 2.0), requires_grad=True)
    out = dropout(x, p, training=True, rng=np.random.default_rng(0))
    dropped = out.data == 0.0
    # the dropped fraction is Binomial(n, p)/n with std √(p(1−p)/n) ≈ 0.001; allow 5σ
    assert abs(dropped.mean() - p) < 0.005
    np.testing.assert_allclose(out.data[~dropped], 2.0 / (1 - p))
    assert abs(out.data.mean() - 2.0) < 0.02  # expectation preserved
    out.sum().backward()
    np.testing.assert_allclose(x.grad, out.data / 2.0)  # gradient flows through the mask


def test_dropout_probability_must_be_below_one() -> None:
    with pytest.raises(ConfigError, match=r"\[0, 1\)"):
        dropout(Tensor([1.0]), 1.0, training=True, rng=np.random.default_rng(0))


def test_no_grad_records_no_graph() -> None:
    w = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        y = (w * 3.0).sum()
    assert not y.requires_grad and y._prev == ()
    assert (w * 3.0).requires_grad  # recording is back on after the block
    with pytest.raises(ConfigError, match="requires_grad=True"):
        y.backward()


def test_backward_of_a_non_scalar_needs_an_upstream_gradient() -> None:
    x = Tensor(np.ones((2, 2)), requires_grad=True)
    with pytest.raises(ConfigError, match=r"shape \(2, 2\) needs grad"):
        (x * 2.0).backward()


def test_backward_twice_doubles_leaf_gradients_and_no_more() -> None:
    x = Tensor([1.0, -2.0], requires_grad=True)
    y = ((x * x).tanh() * x).sum()
    y.backward()
    first = x.grad.copy()
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * first)


def test_default_dtype_is_float64() -> None:
    assert Tensor([1, 2, 3]).data.dtype == np.float64
