"""The scalar engine: the notes' worked examples (004 §二.6–§二.7), then torch as the oracle."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dlclassics.autograd.scalar import MLP, Value, values
from dlclassics.errors import ConfigError

# ---- 004 §二.6.2 简单实例: f(x, y, z) = (x + y)·z -------------------------------------------


def test_simple_example_x_plus_y_times_z_gives_the_notes_gradients() -> None:
    # the slide's numbers (CS231n): x = −2, y = 5, z = −4, q = x + y = 3, f = q·z = −12
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    q = x + y
    f = q * z
    f.backward()
    assert (q.data, f.data) == (3.0, -12.0)
    assert z.grad == 3.0  # ∂f/∂z = q
    assert q.grad == -4.0  # ∂f/∂q = z
    assert (x.grad, y.grad) == (-4.0, -4.0)  # ∂f/∂x = ∂f/∂q · ∂q/∂x = −4 · 1


def test_chain_is_passed_back_one_step_at_a_time() -> None:
    # 004 §二.6.2 "一步一步传": f = [(x·w₁)·w₂]·w₃, ∂f/∂w₁ needs ∂f/∂(x·w₁) = w₂·w₃ first
    x, w1, w2, w3 = values([2.0, 3.0, -1.0, 0.5])
    a = x * w1
    b = a * w2
    f = b * w3
    f.backward()
    assert b.grad == 0.5  # = w₃
    assert a.grad == -0.5  # = w₃·w₂
    assert w1.grad == -1.0  # = w₃·w₂·x
    assert w2.grad == 3.0  # = w₃·a
    assert w3.grad == -6.0  # = b


# ---- 004 §二.6.3 复杂实例: the sigmoid neuron --------------------------------------------------


def _neuron(
    sigmoid_gate: bool,
) -> tuple[Value, list[Value], list[Value], dict[str, Value]]:
    """f(w, x) = 1/(1 + e^−(w0·x0 + w1·x1 + w2)) with w = [2, −3, −3], x = [−1, −2]."""
    w = values([2.0, -3.0, -3.0])
    x = values([-1.0, -2.0])
    dot = w[0] * x[0] + w[1] * x[1] + w[2]
    if sigmoid_gate:
        return dot.sigmoid(), w, x, {"dot": dot}
    neg = dot * -1.0
    e = neg.exp()
    f = 1.0 / (1.0 + e)
    return f, w, x, {"dot": dot, "neg": neg, "exp": e}


@pytest.mark.parametrize("sigmoid_gate", [True, False], ids=["sigmoid-gate", "elementary-gates"])
def test_sigmoid_neuron_gives_the_notes_value_and_gradients(sigmoid_gate: bool) -> None:
    f, w, x, _ = _neuron(sigmoid_gate)
    f.backward()
    assert round(f.data, 2) == 0.73
    # the slide's gradients, to its two decimals
    assert [round(v.grad, 2) for v in w] == [-0.20, -0.39, 0.20]
    assert [round(v.grad, 2) for v in x] == [0.39, -0.59]
    # exactly: ∂f/∂w0 = σ'·x0, ∂f/∂x0 = σ'·w0, ... with σ' = (1 − σ)σ
    s = 1 / (1 + math.exp(-1.0))
    ds = (1 - s) * s
    assert [v.grad for v in w] == pytest.approx([ds * -1, ds * -2, ds])
    assert [v.grad for v in x] == pytest.approx([ds * 2, ds * -3])


def test_sigmoid_local_gradient_is_read_off_its_output() -> None:
    # 004 §二.6.3: "下图的0.2可以直接由0.73求出": (1 − 0.73)·0.73 ≈ 0.2
    f, _, _, nodes = _neuron(sigmoid_gate=True)
    f.backward()
    assert nodes["dot"].grad == pytest.approx((1 - f.data) * f.data)
    assert round(nodes["dot"].grad, 2) == 0.20
    assert round((1 - 0.73) * 0.73, 2) == 0.20


def test_exp_gate_passes_upstream_times_local_gradient() -> None:
    # 004 §二.6.3: ∂f/∂z = −0.53 at the exp output, ∂z/∂x = e^x at x = −1,
    # so ∂f/∂x = −0.53 · e^−1 ≈ −0.20  (梯度 = 上游梯度 × 局部梯度)
    f, _, _, nodes = _neuron(sigmoid_gate=False)
    f.backward()
    assert nodes["neg"].data == -1.0
    assert round(nodes["exp"].grad, 2) == -0.53
    assert nodes["neg"].grad == pytest.approx(nodes["exp"].grad * math.exp(-1.0))
    assert round(nodes["neg"].grad, 2) == -0.20


# ---- 004 §二.7 gates ------------------------------------------------------------------------


def test_max_gate_routes_upstream_gradient_to_the_larger_input() -> None:
    # 004 §二.7: X < Y, so ∂max/∂X = 0 and ∂max/∂Y = 1; times the upstream 0.2 → 0 and 0.2
    x, y = Value(1.0), Value(3.0)
    m = x.max(y)
    upstream = m * 0.2
    upstream.backward()
    assert (x.grad, y.grad) == (0.0, 0.2)


def test_max_gate_splits_a_tie_in_half_like_torch() -> None:
    x, y = Value(2.0), Value(2.0)
    x.max(y).backward()
    xt = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    yt = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    torch.maximum(xt, yt).backward()
    assert (x.grad, y.grad) == (xt.grad.item(), yt.grad.item()) == (0.5, 0.5)


def test_gate_patterns_add_distributes_multiply_swaps_max_routes() -> None:
    # f = 2·(x·y + max(z, w)) at x = 3, y = −4, z = 2, w = −1 (the CS231n gate figure)
    x, y, z, w = values([3.0, -4.0, 2.0, -1.0])
    xy = x * y
    mx = z.max(w)
    s = xy + mx
    f = s * 2.0
    f.backward()
    assert f.data == -20.0
    assert xy.grad == mx.grad == s.grad == 2.0  # add gate: both inputs get the upstream 2
    assert (x.grad, y.grad) == (-8.0, 6.0)  # multiply gate: x gets y·2, y gets x·2
    assert (z.grad, w.grad) == (2.0, 0.0)  # max gate: all to the larger input z


def test_a_value_used_twice_accumulates_both_gradients() -> None:
    a = Value(3.0)
    f = a * a + a  # ∂f/∂a = 2a + 1
    f.backward()
    assert a.grad == 7.0


def test_calling_backward_twice_accumulates_leaf_gradients_once_per_call() -> None:
    x, y = Value(2.0), Value(-3.0)
    f = (x * y).tanh() * x
    f.backward()
    first = (x.grad, y.grad)
    f.backward()
    assert (x.grad, y.grad) == pytest.approx((2 * first[0], 2 * first[1]))


def test_deep_graph_does_not_hit_the_recursion_limit() -> None:
    xs = values(np.linspace(-1, 1, 5000))
    total = sum(xs, Value(0.0))
    total.backward()
    assert all(x.grad == 1.0 for x in xs)


def test_log_of_a_non_positive_value_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="must be positive"):
        Value(0.0).log()


# ---- torch float64 as the oracle ------------------------------------------------------------


def test_micrograd_sanity_expression_matches_torch() -> None:
    # karpathy/micrograd test/test_engine.py::test_more_ops, with every op of ours added
    def build(a: Any, b: Any) -> tuple[Any, ...]:
        c = a + b
        d = a * b + b**3
        c = c + c + 1
        c = c + 1 + c + (-a)
        d = d + d * 2 + (b + a).relu()
        d = d + 3 * d + (b - a).relu()
        e = c - d
        f = e**2
        g = f / 2.0
        g = g + 10.0 / f
        h = (a.tanh() + b.sigmoid() + (a * 0.1).exp() + (b * b).log()) * a.max(b)
        return g + h, g, h

    a, b = Value(-4.0), Value(2.0)
    out, _, _ = build(a, b)
    out.backward()
    at = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    out_t, _, _ = build(at, bt)
    out_t.backward()
    assert out.data == pytest.approx(out_t.item(), rel=1e-12)
    assert a.grad == pytest.approx(at.grad.item(), rel=1e-12)
    assert b.grad == pytest.approx(bt.grad.item(), rel=1e-12)


# A random expression program: leaves, then ops that read earlier nodes (by index mod size).
UNARY: dict[str, Callable[[Any], Any]] = {
    "neg": lambda x: -x,
    "exp": lambda x: x.exp(),
    "log": lambda x: (x * x + 0.5).log(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "relu": lambda x: x.relu(),
    "square": lambda x: x**2,
    "cube": lambda x: x**3,
    "rsqrt": lambda x: (x * x + 1.0) ** -0.5,
}
BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / (y * y + 1.0),
    "max": lambda x, y: x.max(y),
}
WITH_CONSTANT: dict[str, Callable[[Any, float], Any]] = {
    "radd": lambda x, c: c + x,
    "rsub": lambda x, c: c - x,
    "rmul": lambda x, c: c * x,
    "rdiv": lambda x, c: c / (x * x + 1.0),
    "rpow": lambda x, c: (abs(c) + 0.5) ** x,
}

small = st.floats(-2.0, 2.0, allow_nan=False).map(lambda v: round(v, 3))  # ties happen too
step = st.one_of(
    st.tuples(st.sampled_from(sorted(UNARY)), st.integers(0, 99)),
    st.tuples(st.sampled_from(sorted(BINARY)), st.integers(0, 99), st.integers(0, 99)),
    st.tuples(st.sampled_from(sorted(WITH_CONSTANT)), st.integers(0, 99), small),
)


def _run(program: list[tuple[Any, ...]], leaves: list[Any]) -> list[Any]:
    pool = list(leaves)
    for op, *args in program:
        if op in UNARY:
            pool.append(UNARY[op](pool[args[0] % len(pool)]))
        elif op in BINARY:
            pool.append(BINARY[op](pool[args[0] % len(pool)], pool[args[1] % len(pool)]))
        else:
            pool.append(WITH_CONSTANT[op](pool[args[0] % len(pool)], args[1]))
    return pool


@settings(max_examples=50, deadline=None)
@given(
    leaves=st.lists(small, min_size=1, max_size=4), program=st.lists(step, min_size=1, max_size=8)
)
def test_random_expression_graphs_match_torch_values_and_gradients(
    leaves: list[float], program: list[tuple[Any, ...]]
) -> None:
    leaves_t = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in leaves]
    pool_t = _run(program, leaves_t)
    out_t = pool_t[-1] + pool_t[-2] if len(pool_t) > 1 else pool_t[-1]
    assume(all(abs(n.item()) < 1e6 for n in pool_t))  # programs that overflow say nothing
    out_t.backward()
    grads_t = [0.0 if t.grad is None else t.grad.item() for t in leaves_t]
    assume(all(math.isfinite(g) and abs(g) < 1e6 for g in grads_t))

    leaves_v = values(leaves)
    pool_v = _run(program, leaves_v)
    out_v = pool_v[-1] + pool_v[-2] if len(pool_v) > 1 else pool_v[-1]
    out_v.backward()

    for node_v, node_t in zip(pool_v, pool_t, strict=True):
        assert node_v.data == pytest.approx(node_t.item(), rel=1e-9, abs=1e-9)
    assert [v.grad for v in leaves_v] == pytest.approx(grads_t, rel=1e-6, abs=1e-6)


# ---- the module API --------------------------------------------------------------------------


def test_mlp_forward_and_parameter_gradients_match_torch() -> None:
    rng = np.random.default_rng(0)
    model = MLP(3, [4, 4, 2], activation="tanh", rng=rng)
    x = [0.5, -1.2, 2.0]
    out = model(x)
    loss = sum((o * o for o in out), Value(0.0))
    model.zero_grad()
    loss.backward()

    layers = []
    for layer in model.layers:
        lin = torch.nn.Linear(len(layer.neurons[0].w), len(layer.neurons)).double()
        with torch.no_grad():
            lin.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons]))
            lin.bias.copy_(torch.tensor([n.b.data for n in layer.neurons]))
        layers.append(lin)
    h = torch.tensor(x, dtype=torch.float64)
    for i, lin in enumerate(layers):
        h = lin(h)
        h = torch.tanh(h) if i < len(layers) - 1 else h
    (h * h).sum().backward()

    torch.testing.assert_close(torch.tensor([o.data for o in out], dtype=torch.float64), h)
    for layer, lin in zip(model.layers, layers, strict=True):
        grad_w = [[w.grad for w in n.w] for n in layer.neurons]
        grad_b = [n.b.grad for n in layer.neurons]
        torch.testing.assert_close(torch.tensor(grad_w, dtype=torch.float64), lin.weight.grad)
        torch.testing.assert_close(torch.tensor(grad_b, dtype=torch.float64), lin.bias.grad)


def test_module_lists_its_parameters_and_zero_grad_clears_them() -> None:
    model = MLP(2, [3, 1], rng=np.random.default_rng(1))
    assert len(model.parameters()) == (2 + 1) * 3 + (3 + 1) * 1
    model([1.0, -1.0])[0].backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
