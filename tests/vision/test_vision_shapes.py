"""Output sizes and padding (004 §三.5): ⌊(n + 2p − d·(f − 1) − 1)/s⌋ + 1 against torch's shapes."""

from __future__ import annotations

import doctest
from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.errors import ConfigError
from dlclassics.vision import shapes
from dlclassics.vision.shapes import (
    conv2d_output_shape,
    conv_output_size,
    resolve_padding,
    same_padding,
)

FAST = settings(max_examples=40, deadline=None)


def torch_size(n: int, f: int, p: int, s: int, d: int) -> int:
    x, w = torch.zeros(1, 1, n, n), torch.zeros(1, 1, f, f)
    return F.conv2d(x, w, stride=s, padding=p, dilation=d).shape[-1]


def test_module_docstring_examples_run() -> None:
    assert doctest.testmod(shapes).failed == 0


def test_notes_examples_6x6_with_3x3_gives_4x4_and_stride_2_halves() -> None:
    assert conv_output_size(6, 3) == 4
    assert conv_output_size(6, 3, padding=1) == 6  # 5.3 边缘填充 keeps the size
    assert conv_output_size(7, 3, stride=2) == 3


@FAST
@given(
    n=st.integers(1, 12),
    f=st.integers(1, 6),
    p=st.integers(0, 3),
    s=st.integers(1, 4),
    d=st.integers(1, 3),
)
def test_conv_output_size_matches_torch_or_both_refuse(
    n: int, f: int, p: int, s: int, d: int
) -> None:
    if d * (f - 1) + 1 <= n + 2 * p:
        assert conv_output_size(n, f, padding=p, stride=s, dilation=d) == torch_size(n, f, p, s, d)
    else:
        with pytest.raises(ConfigError):
            conv_output_size(n, f, padding=p, stride=s, dilation=d)
        with pytest.raises(RuntimeError):
            torch_size(n, f, p, s, d)


@FAST
@given(n=st.integers(1, 12), half=st.integers(0, 3), d=st.integers(1, 3))
def test_same_padding_keeps_the_size_like_torch_same(n: int, half: int, d: int) -> None:
    f = 2 * half + 1  # odd
    p = same_padding(f, dilation=d)
    x, w = torch.zeros(1, 1, n, n), torch.zeros(1, 1, f, f)
    assert F.conv2d(x, w, padding="same", dilation=d).shape[-1] == n
    if d * (f - 1) + 1 <= n + 2 * p:
        assert conv_output_size(n, f, padding=p, dilation=d) == n
        assert F.conv2d(x, w, padding=p, dilation=d).shape[-1] == n


def test_same_padding_refuses_even_kernels_and_strides_with_the_fix() -> None:
    with pytest.raises(ConfigError, match="odd kernel"):
        same_padding(4)
    assert same_padding(4, dilation=2) == 3  # d·(f − 1) = 6 is even: extent 7 is odd
    with pytest.raises(ConfigError, match="stride 1"):
        same_padding(3, stride=2)
    with pytest.raises(ConfigError, match="stride"):
        resolve_padding("same", (3, 3), stride=(1, 2))


def test_kernel_larger_than_padded_input_names_the_sizes() -> None:
    with pytest.raises(ConfigError, match=r"spans d·\(f−1\)\+1 = 7 .* n\+2p = 5 \(n=5, p=0\)"):
        conv_output_size(5, 7)
    with pytest.raises(ConfigError, match="n\\+2p = 7"):
        conv2d_output_shape((1, 1, 5, 9), (1, 1, 9, 3), padding=1)


def test_conv2d_output_shape_matches_torch_on_a_rectangle() -> None:
    x, w = torch.zeros(2, 3, 11, 8), torch.zeros(5, 3, 3, 2)
    expected = F.conv2d(x, w, stride=(2, 1), padding=(1, 0), dilation=(1, 2)).shape
    ours = conv2d_output_shape(x.shape, w.shape, stride=(2, 1), padding=(1, 0), dilation=(1, 2))
    assert ours == tuple(expected)


def test_channel_mismatch_shows_both_shapes() -> None:
    with pytest.raises(ConfigError, match=r"x.shape=\(2, 3, 8, 8\).*w.shape=\(4, 1, 3, 3\)"):
        conv2d_output_shape((2, 3, 8, 8), (4, 1, 3, 3))


@pytest.mark.parametrize(
    ("padding", "expected"),
    [("valid", (0, 0)), ("same", (1, 2)), (3, (3, 3)), ((0, 2), (0, 2))],
)
def test_resolve_padding_accepts_every_form(
    padding: shapes.Padding, expected: tuple[int, int]
) -> None:
    assert resolve_padding(padding, (3, 5)) == expected


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: resolve_padding("full", (3, 3)), "'valid' or 'same'"),
        (lambda: resolve_padding(-1, (3, 3)), "padding=-1"),
        (lambda: conv_output_size(5, 3, stride=0), "stride=0"),
        (lambda: conv_output_size(5, 3, dilation=True), "dilation=True"),
        (lambda: conv2d_output_shape((1, 1, 5), (1, 1, 3, 3)), r"\(N, C_in, H, W\)"),
    ],
)
def test_bad_settings_raise_config_errors(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        call()
