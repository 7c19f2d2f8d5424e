"""Initialization against torch.nn.init, activations, and the deep-net statistics (004 §二.9.2)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from dlclassics.classic.activations import (
    ACTIVATIONS,
    dead_relu_fraction,
    leaky_relu,
    leaky_relu_grad,
    saturated_fraction,
)
from dlclassics.classic.init import (
    ActivationStatsConfig,
    activation_stats,
    activation_stats_grid,
    calculate_gain,
    fans,
    he_normal,
    he_normal_std,
    plot_activation_stats,
    small_random,
    xavier_normal,
    xavier_normal_std,
    xavier_uniform,
)
from dlclassics.errors import ConfigError

SHAPE = (600, 1000)  # 6e5 weights: a sample std is within ~0.1 % of the true one


def _torch_weight(shape: tuple[int, ...], init: str) -> np.ndarray:
    torch.manual_seed(0)
    w = torch.empty(shape, dtype=torch.float64)
    getattr(torch.nn.init, init)(w)
    return w.numpy()


def test_fans_follow_torch_for_linear_and_conv_weights() -> None:
    assert fans((600, 1000)) == (1000, 600)
    assert fans((16, 3, 5, 5)) == (75, 400)  # conv: in·k·k and out·k·k
    with pytest.raises(ConfigError, match="≥ 2 dims"):
        fans((10,))


@pytest.mark.parametrize("nonlinearity", ["linear", "sigmoid", "tanh", "relu", "leaky_relu"])
def test_gains_equal_torch_calculate_gain(nonlinearity: str) -> None:
    assert calculate_gain(nonlinearity) == pytest.approx(torch.nn.init.calculate_gain(nonlinearity))


def test_small_random_is_a_hundredth_of_a_standard_normal() -> None:
    w = small_random(SHAPE, np.random.default_rng(0))
    assert w.std() == pytest.approx(0.01, rel=0.01)
    assert abs(w.mean()) < 1e-4


def test_xavier_normal_has_the_glorot_std_like_torch() -> None:
    expected = math.sqrt(2.0 / (1000 + 600))  # exact formula
    assert xavier_normal_std(SHAPE) == pytest.approx(expected)
    ours = xavier_normal(SHAPE, np.random.default_rng(0))
    theirs = _torch_weight(SHAPE, "xavier_normal_")
    assert ours.std() == pytest.approx(expected, rel=0.01)
    assert theirs.std() == pytest.approx(expected, rel=0.01)


def test_xavier_uniform_has_the_glorot_bound_and_std_like_torch() -> None:
    bound = math.sqrt(6.0 / (1000 + 600))
    ours = xavier_uniform(SHAPE, np.random.default_rng(0))
    theirs = _torch_weight(SHAPE, "xavier_uniform_")
    for w in (ours, theirs):
        assert np.abs(w).max() <= bound
        assert np.abs(w).max() > 0.999 * bound  # the whole interval is used
        assert w.std() == pytest.approx(bound / math.sqrt(3.0), rel=0.01)


def test_he_normal_has_std_sqrt_two_over_fan_in_like_torch_kaiming_normal() -> None:
    expected = math.sqrt(2.0 / 1000)
    assert he_normal_std(SHAPE) == pytest.approx(expected)
    assert he_normal_std(SHAPE, mode="fan_out") == pytest.approx(math.sqrt(2.0 / 600))
    ours = he_normal(SHAPE, np.random.default_rng(0))
    theirs = _torch_weight(SHAPE, "kaiming_normal_")
    assert ours.std() == pytest.approx(expected, rel=0.01)
    assert theirs.std() == pytest.approx(expected, rel=0.01)


# ---- activations ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_activations_and_derivatives_match_torch(name: str) -> None:
    z = np.linspace(-6, 6, 121) + 0.013  # avoid z = 0 exactly, where ReLU has a kink
    zt = torch.tensor(z, requires_grad=True)
    ft = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": torch.nn.functional.leaky_relu,
    }[name](zt)
    ft.sum().backward()
    act = ACTIVATIONS[name]
    np.testing.assert_allclose(act.fn(z), ft.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(act.grad(z), zt.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert act.grad(z).max() <= act.max_grad + 1e-12


def test_sigmoid_gradient_is_at_most_a_quarter_and_vanishes_for_large_inputs() -> None:
    # 004 §二.2: "Sigmoid求梯度不行啊" — σ' ≤ 0.25, and ≈ 0 for |z| large; ReLU's is 1
    grad = ACTIVATIONS["sigmoid"].grad
    assert grad(0.0) == 0.25
    assert grad(10.0) < 1e-4
    assert ACTIVATIONS["relu"].grad(10.0) == 1.0


def test_leaky_relu_keeps_a_small_slope_for_negative_inputs() -> None:
    np.testing.assert_allclose(leaky_relu([-2.0, 3.0], 0.1), [-0.2, 3.0])
    np.testing.assert_allclose(leaky_relu_grad([-2.0, 3.0], 0.1), [0.1, 1.0])


def test_saturated_fraction_counts_choked_local_gradients() -> None:
    z = np.array([-10.0, -5.0, -1.0, 0.0, 1.0, 5.0, 10.0])
    assert saturated_fraction(z, "sigmoid") == pytest.approx(4 / 7)  # |z| > 4.4
    assert saturated_fraction(z, "tanh") == pytest.approx(4 / 7)  # |z| > 2.2
    assert saturated_fraction(z / 10, "tanh") == 0.0
    with pytest.raises(ConfigError, match="threshold"):
        saturated_fraction(z, "tanh", threshold=2.0)


def test_dead_relu_fraction_counts_units_never_active_in_the_batch() -> None:
    z = np.array([[-1.0, 2.0, -3.0, 0.0], [-2.0, -1.0, 4.0, 0.0]])  # (B=2, H=4)
    assert dead_relu_fraction(z) == 0.5  # units 0 and 3
    with pytest.raises(ConfigError, match=r"\(B, H\)"):
        dead_relu_fraction(np.zeros(3))


# ---- the activation-statistics experiment -------------------------------------------------

# batch 200 keeps the test fast; the bounds below hold with a wide margin over seeds 0–19
# at this batch size (measured ranges in each comment), and seed 0 is what the test runs.
QUICK = ActivationStatsConfig(batch=200, seed=0)


def test_small_init_makes_tanh_activations_collapse_in_deep_layers() -> None:
    s = activation_stats("tanh", "small", QUICK)
    assert len(s.std) == 10
    assert all(b < 0.3 * a for a, b in zip(s.std, s.std[1:], strict=False))  # ×0.22 per layer
    assert s.std[-1] < 1e-5  # measured 2.9e-7 … 3.0e-7


def test_xavier_init_keeps_tanh_activations_of_the_same_order() -> None:
    s = activation_stats("tanh", "xavier", QUICK)
    assert s.std[-1] / s.std[0] > 0.25  # measured 0.356 … 0.368
    assert s.std[-1] > 0.15  # measured 0.224 … 0.231
    assert max(s.saturated) < 0.1  # few pre-activations in tanh's flat tails


def test_he_init_keeps_relu_activations_stable_where_xavier_lets_them_decay() -> None:
    he = activation_stats("relu", "he", QUICK)
    assert all(0.6 < sd / he.std[0] < 1.6 for sd in he.std)  # measured 0.85 … 1.27
    xavier = activation_stats("relu", "xavier", QUICK)
    assert xavier.std[-1] / xavier.std[0] < 0.1  # measured 0.037 … 0.053 (variance halves)


def test_plot_activation_stats_writes_a_png(tmp_path: Path) -> None:
    stats = activation_stats_grid(config=ActivationStatsConfig(depth=3, width=50, batch=20))
    assert [(s.activation, s.init) for s in stats][:2] == [("tanh", "small"), ("tanh", "xavier")]
    path = plot_activation_stats(stats, tmp_path / "stats.png")
    assert path.read_bytes().startswith(b"\x89PNG")


def test_activation_stats_rejects_an_empty_network() -> None:
    with pytest.raises(ConfigError, match="depth"):
        activation_stats("tanh", "xavier", ActivationStatsConfig(depth=0))
