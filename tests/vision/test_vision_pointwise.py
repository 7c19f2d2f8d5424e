"""1×1 convolution (note 003 · 1×1卷积层的作用): a linear layer at every pixel; bottleneck costs."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.testing import assert_close

from dlclassics.errors import ConfigError
from dlclassics.vision import pointwise
from dlclassics.vision.conv import conv2d
from dlclassics.vision.pointwise import bottleneck_table, conv1x1, conv_cost

FAST = settings(max_examples=40, deadline=None)
TOL = {"rtol": 1e-10, "atol": 1e-10}


def test_module_docstring_examples_run() -> None:
    assert doctest.testmod(pointwise).failed == 0


@FAST
@given(
    N=st.integers(1, 3),
    C_in=st.integers(1, 6),
    C_out=st.integers(1, 6),
    H=st.integers(1, 5),
    W=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_conv1x1_is_a_linear_layer_at_every_position_and_a_1x1_conv2d(
    N: int, C_in: int, C_out: int, H: int, W: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, C_in, H, W))
    linear = torch.nn.Linear(C_in, C_out, dtype=torch.float64)
    w, b = linear.weight.detach().numpy(), linear.bias.detach().numpy()  # (C_out, C_in), (C_out,)
    with torch.no_grad():  # the Linear layer applied to each pixel's channel vector
        expected = linear(torch.from_numpy(x).permute(0, 2, 3, 1)).permute(
            0, 3, 1, 2
        )  # (N, C_out, H, W)
    assert_close(torch.from_numpy(conv1x1(x, w, b)), expected, **TOL)
    assert_close(torch.from_numpy(conv2d(x, w[:, :, None, None], b)), expected, **TOL)
    assert_close(torch.from_numpy(conv1x1(x, w[:, :, None, None], b)), expected, **TOL)


def test_bottleneck_cuts_the_lecture_example_to_a_tenth() -> None:
    direct, squeezed = bottleneck_table()
    assert direct["multiplications"] == 28 * 28 * 32 * 5 * 5 * 192 == 120_422_400  # "120M"
    assert squeezed["multiplications"] == 28 * 28 * 16 * 192 + 28 * 28 * 32 * 5 * 5 * 16  # "12.4M"
    assert squeezed["multiplications"] == 12_443_648
    assert squeezed["weights"] < direct["weights"] / 9


@pytest.mark.parametrize(("c_in", "c_out", "k"), [(192, 32, 5), (3, 8, 3), (16, 16, 1)])
def test_conv_cost_weights_equal_torchs_parameter_count(c_in: int, c_out: int, k: int) -> None:
    layer = torch.nn.Conv2d(c_in, c_out, k, bias=False)
    assert conv_cost(c_in, c_out, k, (28, 28))["weights"] == sum(
        p.numel() for p in layer.parameters()
    )


def test_mismatched_weight_shows_both_shapes() -> None:
    with pytest.raises(ConfigError, match=r"C_in=3.*x.shape=\(1, 3, 4, 4\).*w.shape=\(2, 4\)"):
        conv1x1(np.zeros((1, 3, 4, 4)), np.zeros((2, 4)))
    with pytest.raises(ConfigError, match="out_channels=0"):
        conv_cost(3, 0, 3, (4, 4))
