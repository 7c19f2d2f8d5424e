"""Receptive fields (004 §三.9) against the gradient that flows back through a torch conv stack.

With all-ones weights every path from an output unit back to an input pixel carries a positive
gradient, so the input pixels with a non-zero gradient are exactly those the unit sees.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.errors import ConfigError
from dlclassics.vision import receptive_field
from dlclassics.vision.receptive_field import (
    LayerSpec,
    parameter_sharing_table,
    receptive_fields,
    small_kernels_table,
)

FAST = settings(max_examples=40, deadline=None)


def gradient_footprint(layers: list[LayerSpec], n: int, unit: int) -> tuple[int, int] | None:
    """First and last input row with a non-zero gradient from output unit (unit, unit)."""
    x = torch.zeros(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    y = x
    for layer in layers:
        ones = torch.ones(1, 1, layer.kernel, layer.kernel, dtype=torch.float64)
        y = F.conv2d(y, ones, stride=layer.stride, padding=layer.padding, dilation=layer.dilation)
    y[0, 0, unit, unit].backward()
    assert x.grad is not None
    rows = np.nonzero(x.grad[0, 0].numpy().any(axis=1))[0]
    cols = np.nonzero(x.grad[0, 0].numpy().any(axis=0))[0]
    if len(rows) == 0:
        return None
    assert (rows.min(), rows.max()) == (
        cols.min(),
        cols.max(),
    )  # square kernels: the same both ways
    return int(rows.min()), int(rows.max())


layer_stacks = st.lists(
    st.builds(
        LayerSpec,
        kernel=st.integers(1, 5),
        stride=st.integers(1, 2),
        padding=st.integers(0, 2),
        dilation=st.integers(1, 2),
    ),
    min_size=1,
    max_size=4,
)


def test_module_docstring_examples_run() -> None:
    assert doctest.testmod(receptive_field).failed == 0


@FAST
@given(layers=layer_stacks)
def test_receptive_field_matches_the_gradient_footprint_in_torch(layers: list[LayerSpec]) -> None:
    last = receptive_fields(layers)[-1]
    n = last.size + last.jump  # big enough that some unit sees only real pixels
    fields = receptive_fields(layers, input_size=n)
    out_size = fields[-1].out_size
    assert out_size is not None
    checked = 0
    for unit in range(out_size):
        first, final = fields[-1].span(unit)
        footprint = gradient_footprint(layers, n, unit)
        if first >= 0 and final <= n - 1:  # the whole field lies on the image
            assert footprint == (first, final)
            checked += 1
        elif footprint is not None:  # partly in the padding: what is seen lies within the field
            assert max(first, 0) <= footprint[0] <= footprint[1] <= min(final, n - 1)
    assert checked >= 1


@FAST
@given(layers=layer_stacks, extra=st.integers(0, 6))
def test_output_sizes_match_torch(layers: list[LayerSpec], extra: int) -> None:
    n = receptive_fields(layers)[-1].size + extra
    y = torch.zeros(1, 1, n, n)
    for layer, field in zip(layers, receptive_fields(layers, input_size=n), strict=True):
        y = F.conv2d(
            y,
            torch.zeros(1, 1, layer.kernel, layer.kernel),
            stride=layer.stride,
            padding=layer.padding,
            dilation=layer.dilation,
        )
        assert field.out_size == y.shape[-1]


def test_jump_and_start_of_a_strided_padded_stack() -> None:
    # conv 3×3 pad 1, pool 2×2 stride 2, conv 3×3 pad 1: the first blocks of a small CNN
    layers = [
        LayerSpec(kernel=3, padding=1),
        LayerSpec(kernel=2, stride=2),
        LayerSpec(kernel=3, padding=1),
    ]
    fields = receptive_fields(layers, input_size=28)
    assert [(f.size, f.jump, f.start, f.out_size) for f in fields] == [
        (3, 1, -1, 28),
        (4, 2, -1, 14),
        (8, 2, -3, 14),
    ]
    assert fields[-1].span(5) == (7, 14)
    assert fields[-1].center == 0.5


@pytest.mark.parametrize("channels", [1, 16, 64])
def test_two_3x3_see_5x5_and_three_see_7x7_with_fewer_weights(channels: int) -> None:
    rows = small_kernels_table(channels=channels)
    C2 = channels**2
    assert [row["receptive_field"] for row in rows] == [3, 5, 7]
    assert [row["weights_stacked"] for row in rows] == [9 * C2, 18 * C2, 27 * C2]
    assert [row["weights_single"] for row in rows] == [9 * C2, 25 * C2, 49 * C2]
    stack = [torch.nn.Conv2d(channels, channels, 3, bias=False) for _ in range(3)]
    assert rows[2]["weights_stacked"] == sum(
        p.numel() for layer in stack for p in layer.parameters()
    )
    assert (
        rows[2]["weights_single"]
        == torch.nn.Conv2d(channels, channels, 7, bias=False).weight.numel()
    )


@pytest.mark.parametrize(
    ("input_shape", "out_channels", "kernel", "stride", "padding"),
    [((3, 32, 32), 10, 5, 1, 0), ((1, 28, 28), 8, 3, 1, 1), ((16, 14, 14), 32, 3, 2, 1)],
)
def test_parameter_sharing_table_matches_torch_conv_and_linear(
    input_shape: tuple[int, int, int], out_channels: int, kernel: int, stride: int, padding: int
) -> None:
    conv, local, dense = parameter_sharing_table(
        input_shape, out_channels, kernel, stride=stride, padding=padding
    )
    layer = torch.nn.Conv2d(input_shape[0], out_channels, kernel, stride=stride, padding=padding)
    output_shape = tuple(layer(torch.zeros(1, *input_shape)).shape[1:])
    assert conv["output_shape"] == local["output_shape"] == dense["output_shape"] == output_shape
    assert conv["parameters"] == sum(p.numel() for p in layer.parameters())
    linear = torch.nn.Linear(int(np.prod(input_shape)), int(np.prod(output_shape)), device="meta")
    assert dense["parameters"] == sum(p.numel() for p in linear.parameters())
    positions = output_shape[1] * output_shape[2]
    assert local["weights"] == positions * conv["weights"]  # one filter per position: no sharing
    assert conv["parameters"] < local["parameters"] < dense["parameters"]


def test_bad_layers_raise_config_errors() -> None:
    with pytest.raises(ConfigError, match="stride=0"):
        LayerSpec(kernel=3, stride=0)
    with pytest.raises(ConfigError, match="kernel spans"):
        receptive_fields([LayerSpec(kernel=5)], input_size=3)
    with pytest.raises(ConfigError, match=r"\(C_in, H, W\)"):
        parameter_sharing_table((28, 28), 4, 3)
