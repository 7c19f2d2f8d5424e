"""Max and average pooling (004 §三.7) against F.max_pool2d / F.avg_pool2d in float64.

Values and input gradients on random shapes; for max pooling also with ties, where the gradient
must go to the same entry torch picks (the first maximum in row-major order).
"""

from __future__ import annotations

import doctest
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch.testing import assert_close

from dlclassics.errors import ConfigError
from dlclassics.vision import pool
from dlclassics.vision.pool import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward

FAST = settings(max_examples=40, deadline=None)
TOL = {"rtol": 1e-8, "atol": 1e-8}


@dataclass(frozen=True)
class PoolCase:
    x: np.ndarray  # (N, C, H, W)
    g: np.ndarray  # upstream gradient, the output's shape
    kernel: tuple[int, int]
    stride: tuple[int, int] | None  # None: the kernel size, as in torch
    padding: tuple[int, int]


@st.composite
def pool_cases(draw: st.DrawFn, *, ties: bool = False) -> PoolCase:
    N, C = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    H, W = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    assume(kernel[0] <= H + 2 * padding[0] and kernel[1] <= W + 2 * padding[1])
    s = kernel if stride is None else stride
    out = (
        (H + 2 * padding[0] - kernel[0]) // s[0] + 1,
        (W + 2 * padding[1] - kernel[1]) // s[1] + 1,
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # ties: values from {0, 1, 2}, so most windows hold several equal maxima
    x = (
        rng.integers(0, 3, (N, C, H, W)).astype(np.float64)
        if ties
        else rng.standard_normal((N, C, H, W))
    )
    return PoolCase(x, rng.standard_normal((N, C, *out)), kernel, stride, padding)


def torch_pool(
    fn: Callable[..., torch.Tensor], case: PoolCase, **extra: object
) -> tuple[torch.Tensor, np.ndarray]:
    x = torch.tensor(case.x, requires_grad=True)
    y = fn(x, case.kernel, stride=case.stride, padding=case.padding, **extra)
    y.backward(torch.from_numpy(case.g))
    assert x.grad is not None
    return y.detach(), x.grad.numpy()


def test_module_docstring_examples_run() -> None:
    assert doctest.testmod(pool).failed == 0


@FAST
@given(case=pool_cases())
def test_max_pool_forward_and_backward_match_torch(case: PoolCase) -> None:
    y, dx = torch_pool(F.max_pool2d, case)
    kwargs = {"stride": case.stride, "padding": case.padding}
    assert_close(torch.from_numpy(max_pool2d(case.x, case.kernel, **kwargs)), y, **TOL)
    ours = max_pool2d_backward(case.g, case.x, case.kernel, **kwargs)
    assert_close(torch.from_numpy(ours), torch.from_numpy(dx), **TOL)


@FAST
@given(case=pool_cases(ties=True))
def test_max_pool_with_ties_routes_the_gradient_where_torch_does(case: PoolCase) -> None:
    _, dx = torch_pool(F.max_pool2d, case)
    ours = max_pool2d_backward(
        case.g, case.x, case.kernel, stride=case.stride, padding=case.padding
    )
    assert_close(torch.from_numpy(ours), torch.from_numpy(dx), **TOL)


def test_max_pool_tie_goes_to_the_first_maximum_in_row_major_order() -> None:
    x = np.array([[[[0.0, 5.0], [5.0, 5.0]]]])  # three equal maxima in one window
    grad = max_pool2d_backward(np.array([[[[1.0]]]]), x, 2)
    np.testing.assert_array_equal(grad[0, 0], [[0.0, 1.0], [0.0, 0.0]])


@pytest.mark.parametrize("count_include_pad", [True, False])
@FAST
@given(case=pool_cases())
def test_avg_pool_forward_and_backward_match_torch(count_include_pad: bool, case: PoolCase) -> None:
    y, dx = torch_pool(F.avg_pool2d, case, count_include_pad=count_include_pad)
    kwargs = {
        "stride": case.stride,
        "padding": case.padding,
        "count_include_pad": count_include_pad,
    }
    assert_close(torch.from_numpy(avg_pool2d(case.x, case.kernel, **kwargs)), y, **TOL)
    ours = avg_pool2d_backward(case.g, case.x, case.kernel, **kwargs)
    assert_close(torch.from_numpy(ours), torch.from_numpy(dx), **TOL)


def test_padding_is_never_the_maximum() -> None:
    x = -np.ones((1, 1, 2, 2))  # every pixel below the zero a naive padding would add
    np.testing.assert_array_equal(max_pool2d(x, 2, stride=1, padding=1)[0, 0], -np.ones((3, 3)))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: max_pool2d(np.zeros((1, 1, 4, 4)), 2, padding=2), "at most half"),
        (lambda: avg_pool2d(np.zeros((1, 1, 2, 2)), 3), "kernel spans"),
        (lambda: max_pool2d(np.zeros((4, 4)), 2), r"\(N, C, H, W\)"),
        (
            lambda: max_pool2d_backward(np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 4, 4)), 2),
            r"\(1, 1, 2, 2\)",
        ),
    ],
)
def test_bad_inputs_raise_config_errors(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        call()
