"""Gradient checking utilities, on functions whose gradients are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from dlclassics.autograd.gradcheck import (
    check_gradient,
    gradcheck,
    numerical_gradient,
    relative_error,
)
from dlclassics.autograd.tensor import Tensor, cross_entropy
from dlclassics.errors import ConfigError


def test_numerical_gradient_of_a_cubic_is_three_x_squared() -> None:
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    n = numerical_gradient(lambda v: float(np.sum(v**3)), x)
    # centred differences are exact for a cubic up to h² = 1e-10 and round-off
    np.testing.assert_allclose(n, 3 * x**2, rtol=1e-8)


def test_numerical_gradient_of_the_notes_matrix_example() -> None:
    # 004 §二.7: f(W) = ‖W·x‖², ∂f/∂W = 2(Wx)·xᵀ
    W = np.array([[0.1, 0.5], [-0.3, 0.8]])
    x = np.array([0.2, 0.4])
    n = numerical_gradient(lambda w: float(np.sum((w @ x) ** 2)), W)
    np.testing.assert_allclose(n, [[0.088, 0.176], [0.104, 0.208]], rtol=1e-8)


def test_numerical_gradient_restores_its_input_exactly_and_allows_closures() -> None:
    rng = np.random.default_rng(0)
    W = rng.normal(size=(3, 4))
    before = W.copy()
    n = numerical_gradient(lambda _: float(np.sum(np.tanh(W))), W)  # reads W, not the argument
    np.testing.assert_array_equal(W, before)
    np.testing.assert_allclose(n, 1 - np.tanh(W) ** 2, rtol=1e-8)


def test_numerical_gradient_wants_a_float_array() -> None:
    with pytest.raises(ConfigError, match="float ndarray"):
        numerical_gradient(lambda v: float(v.sum()), np.array([1, 2]))


def test_relative_error_follows_its_formula() -> None:
    assert relative_error(1.0, 1.1) == pytest.approx(0.1 / 1.1)
    assert relative_error([1.0, -2.0], [1.0, -2.0]) == 0.0
    assert relative_error(0.0, 0.0) == 0.0  # tiny guards 0/0
    assert relative_error([1.0, 3.0], [1.1, 3.0]) == relative_error([1.1, 3.0], [1.0, 3.0])
    assert relative_error([1.0, 100.0], [2.0, 100.0]) == pytest.approx(0.5)  # worst entry
    assert relative_error(1e-13, 0.0) == pytest.approx(0.1)  # below tiny: absolute scale


def test_relative_error_of_different_shapes_is_an_error() -> None:
    with pytest.raises(ConfigError, match="different shapes"):
        relative_error(np.zeros(3), np.zeros((3, 1)))


def test_check_gradient_passes_a_right_gradient_and_flags_a_wrong_one() -> None:
    x = np.random.default_rng(1).normal(size=5)
    f = lambda v: float(np.sum(np.exp(v) * v))  # noqa: E731
    assert check_gradient(f, x, np.exp(x) * (1 + x)) < 1e-7
    assert check_gradient(f, x, np.exp(x) * x) > 1e-2  # forgot the product rule


def test_check_gradient_first_checks_the_gradient_shape() -> None:
    # 004 §二.7: "梯度矩阵的行列长度 = 输入矩阵的行列长度"
    with pytest.raises(ConfigError, match="shape"):
        check_gradient(lambda v: float(v.sum()), np.zeros((2, 3)), np.zeros((3, 2)))


def test_gradcheck_passes_the_tensor_engine_on_a_softmax_classifier() -> None:
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    W = Tensor(rng.normal(size=(4, 3)) * 0.5, requires_grad=True)
    b = Tensor(np.zeros(3), requires_grad=True)
    err = gradcheck(lambda W, b: cross_entropy(Tensor(X) @ W + b, y), [W, b])
    assert err < 1e-6  # h = 1e-6 in float64; a wrong rule gives ≳ 1e-2
