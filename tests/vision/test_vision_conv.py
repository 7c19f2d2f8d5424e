"""conv2d from scratch — loops and im2col — against torch.nn.functional.conv2d in float64.

Values and all three gradients (dX, dW, db) on random shapes, strides, paddings and dilations;
im2col/col2im against F.unfold/F.fold; convolution vs cross-correlation (note 003).
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

from dlclassics import vision
from dlclassics.errors import ConfigError
from dlclassics.vision import conv
from dlclassics.vision.conv import (
    Conv2dGrads,
    col2im,
    conv2d,
    conv2d_backward,
    conv2d_naive,
    conv2d_naive_backward,
    convolve2d,
    cross_correlate2d,
    flip_kernel,
    im2col,
)
from dlclassics.vision.shapes import Padding

FAST = settings(max_examples=40, deadline=None)
TOL = {"rtol": 1e-8, "atol": 1e-8}


@dataclass(frozen=True)
class Case:
    x: np.ndarray  # (N, C_in, H, W)
    w: np.ndarray  # (C_out, C_in, kh, kw)
    b: np.ndarray  # (C_out,)
    g: np.ndarray  # upstream gradient, the output's shape
    stride: tuple[int, int]
    padding: Padding
    dilation: tuple[int, int]

    @property
    def kwargs(self) -> dict[str, object]:
        return {"stride": self.stride, "padding": self.padding, "dilation": self.dilation}


@st.composite
def cases(draw: st.DrawFn) -> Case:
    N, C_in, C_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    H, W = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    extent = (dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1)
    same_ok = stride == (1, 1) and extent[0] % 2 == 1 and extent[1] % 2 == 1
    padding: Padding = draw(
        st.one_of(
            st.integers(0, 2),
            st.tuples(st.integers(0, 2), st.integers(0, 2)),
            st.sampled_from(["valid", "same"] if same_ok else ["valid"]),
        )
    )
    ph, pw = conv.resolve_padding(padding, (kh, kw), stride=stride, dilation=dilation)
    assume(extent[0] <= H + 2 * ph and extent[1] <= W + 2 * pw)
    H_out = (H + 2 * ph - extent[0]) // stride[0] + 1
    W_out = (W + 2 * pw - extent[1]) // stride[1] + 1
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return Case(
        x=rng.standard_normal((N, C_in, H, W)),
        w=rng.standard_normal((C_out, C_in, kh, kw)),
        b=rng.standard_normal(C_out),
        g=rng.standard_normal((N, C_out, H_out, W_out)),
        stride=stride,
        padding=padding,
        dilation=dilation,
    )


def torch_conv(case: Case) -> tuple[torch.Tensor, Conv2dGrads]:
    """F.conv2d's output and its gradients for the upstream gradient case.g."""
    x, w, b = (torch.tensor(a, requires_grad=True) for a in (case.x, case.w, case.b))
    y = F.conv2d(x, w, b, **case.kwargs)
    y.backward(torch.from_numpy(case.g))
    assert x.grad is not None and w.grad is not None and b.grad is not None
    return y.detach(), Conv2dGrads(x.grad.numpy(), w.grad.numpy(), b.grad.numpy())


def assert_grads_equal(ours: Conv2dGrads, theirs: Conv2dGrads) -> None:
    for name, a, e in zip(Conv2dGrads._fields, ours, theirs, strict=True):
        assert_close(
            torch.from_numpy(a), torch.from_numpy(e), **TOL, msg=lambda m, n=name: f"{n}: {m}"
        )


def test_module_docstring_examples_run() -> None:
    assert doctest.testmod(conv).failed == 0
    assert doctest.testmod(vision).failed == 0  # the package's user guide


IMPLEMENTATIONS: dict[str, tuple[Callable[..., np.ndarray], Callable[..., Conv2dGrads]]] = {
    "naive": (conv2d_naive, conv2d_naive_backward),
    "im2col": (conv2d, conv2d_backward),
}


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@FAST
@given(case=cases())
def test_conv2d_forward_and_backward_match_torch(impl: str, case: Case) -> None:
    forward, backward = IMPLEMENTATIONS[impl]
    y, grads = torch_conv(case)
    assert_close(torch.from_numpy(forward(case.x, case.w, case.b, **case.kwargs)), y, **TOL)
    assert_grads_equal(backward(case.g, case.x, case.w, **case.kwargs), grads)


def test_conv2d_matches_torch_on_an_mnist_sized_batch() -> None:
    rng = np.random.default_rng(0)
    case = Case(
        x=rng.standard_normal((4, 3, 28, 28)),
        w=rng.standard_normal((8, 3, 5, 5)),
        b=rng.standard_normal(8),
        g=rng.standard_normal((4, 8, 14, 14)),
        stride=(2, 2),
        padding=2,
        dilation=(1, 1),
    )
    y, grads = torch_conv(case)
    assert_close(torch.from_numpy(conv2d(case.x, case.w, case.b, **case.kwargs)), y, **TOL)
    assert_grads_equal(conv2d_backward(case.g, case.x, case.w, **case.kwargs), grads)


def test_3d_convolution_sums_the_channels_and_each_filter_is_one_output_channel() -> None:
    """Note 004 §三.3: R .* F1核1 + G .* F1核2 + B .* F1核3 + 偏置 = Output volumes[1, 1, 1]."""
    rng = np.random.default_rng(1)
    rgb = rng.standard_normal((1, 3, 6, 6))
    filters = rng.standard_normal((2, 3, 3, 3))  # e.g. a vertical and a horizontal edge detector
    b = np.array([0.5, -1.0])
    y = conv2d(rgb, filters, b)  # (1, 2, 4, 4)
    for o in range(2):
        by_hand = sum(cross_correlate2d(rgb[0, c], filters[o, c]) for c in range(3)) + b[o]
        np.testing.assert_allclose(y[0, o], by_hand, rtol=1e-12)


# --- im2col / col2im ---------------------------------------------------------------------------


@FAST
@given(case=cases())
def test_im2col_matches_unfold_and_col2im_matches_fold(case: Case) -> None:
    k = case.w.shape[2:]
    ph, pw = conv.resolve_padding(case.padding, k, stride=case.stride, dilation=case.dilation)
    torch_kwargs = {"stride": case.stride, "padding": (ph, pw), "dilation": case.dilation}
    cols = im2col(case.x, k, **case.kwargs)
    assert_close(torch.from_numpy(cols), F.unfold(torch.from_numpy(case.x), k, **torch_kwargs))
    H, W = case.x.shape[2:]
    image = col2im(cols, (H, W), k, **case.kwargs)
    expected = F.fold(torch.from_numpy(cols), (H, W), k, **torch_kwargs)
    assert_close(torch.from_numpy(image), expected, **TOL)


@FAST
@given(case=cases(), seed=st.integers(0, 2**32 - 1))
def test_col2im_is_the_adjoint_of_im2col(case: Case, seed: int) -> None:
    """⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩: why col2im is the backward pass of im2col."""
    k = case.w.shape[2:]
    cols = im2col(case.x, k, **case.kwargs)
    c = np.random.default_rng(seed).standard_normal(cols.shape)
    back = col2im(c, case.x.shape[2:], k, **case.kwargs)
    assert np.sum(cols * c) == pytest.approx(np.sum(case.x * back), rel=1e-10, abs=1e-10)


# --- errors ------------------------------------------------------------------------------------


def test_channel_mismatch_shows_both_shapes() -> None:
    x, w = np.zeros((2, 3, 8, 8)), np.zeros((4, 1, 3, 3))
    for call in (conv2d, conv2d_naive):
        with pytest.raises(ConfigError, match=r"x.shape=\(2, 3, 8, 8\).*w.shape=\(4, 1, 3, 3\)"):
            call(x, w)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: conv2d(np.zeros((3, 8, 8)), np.zeros((1, 3, 3, 3))), r"x must have shape"),
        (lambda: conv2d(np.zeros((1, 1, 8, 8)), np.zeros((2, 1, 3, 3)), np.zeros(3)), r"\(2,\)"),
        (lambda: conv2d(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 3, 3))), "kernel spans"),
        (lambda: conv2d(np.zeros((1, 1, 8, 8)), np.zeros((1, 1, 2, 2)), padding="same"), "odd"),
        (
            lambda: conv2d_backward(
                np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 8, 8)), np.ones((1, 1, 3, 3))
            ),
            r"\(1, 1, 6, 6\)",
        ),
        (lambda: col2im(np.zeros((1, 10, 4)), (4, 4), 3), "multiple of kh·kw = 9"),
        (lambda: col2im(np.zeros((1, 9, 5)), (4, 4), 3), "L=5"),
        (lambda: cross_correlate2d(np.zeros((2, 2)), np.zeros((3, 3))), "larger than the image"),
    ],
)
def test_bad_inputs_raise_config_errors(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        call()


# --- convolution vs cross-correlation (note 003 · 卷积运算(数学意义)) ---------------------------


def test_flip_kernel_reproduces_the_notes_table() -> None:
    kernel = np.array([[3, 4, 5], [1, 0, 2], [-1, 9, 7]])
    np.testing.assert_array_equal(flip_kernel(kernel), [[7, 9, -1], [2, 0, 1], [5, 4, 3]])


images_and_kernels = st.tuples(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(0, 4),
    st.integers(0, 4),
    st.integers(0, 2**32 - 1),
)


def _draw(sizes: tuple[int, int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    kh, kw, extra_h, extra_w, seed = sizes
    rng = np.random.default_rng(seed)
    return rng.standard_normal((kh + extra_h, kw + extra_w)), rng.standard_normal((kh, kw))


@FAST
@given(sizes=images_and_kernels)
def test_convolution_is_cross_correlation_with_the_flipped_kernel(sizes: tuple[int, ...]) -> None:
    image, kernel = _draw(sizes)
    np.testing.assert_allclose(
        convolve2d(image, kernel),
        cross_correlate2d(image, flip_kernel(kernel)),
        rtol=1e-12,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        cross_correlate2d(image, kernel),
        convolve2d(image, flip_kernel(kernel)),
        rtol=1e-12,
        atol=1e-12,
    )


@FAST
@given(sizes=images_and_kernels)
def test_torch_conv2d_is_cross_correlation(sizes: tuple[int, ...]) -> None:
    image, kernel = _draw(sizes)
    theirs = F.conv2d(torch.from_numpy(image)[None, None], torch.from_numpy(kernel)[None, None])
    assert_close(torch.from_numpy(cross_correlate2d(image, kernel)), theirs[0, 0], **TOL)


def test_torch_conv2d_is_not_convolution_for_an_asymmetric_kernel() -> None:
    image = np.arange(16.0).reshape(4, 4)
    kernel = np.array([[1.0, 0.0], [0.0, 0.0]])  # picks the top-left pixel of each window
    np.testing.assert_array_equal(cross_correlate2d(image, kernel), image[:3, :3])
    np.testing.assert_array_equal(convolve2d(image, kernel), image[1:, 1:])  # flipped: bottom-right
    theirs = F.conv2d(torch.from_numpy(image)[None, None], torch.from_numpy(kernel)[None, None])
    np.testing.assert_array_equal(theirs[0, 0].numpy(), image[:3, :3])


@FAST
@given(sizes=images_and_kernels)
def test_convolve2d_of_one_row_is_numpys_convolve(sizes: tuple[int, ...]) -> None:
    """np.convolve is convolution in the mathematical sense: an independent oracle."""
    image, kernel = _draw(sizes)
    row = kernel[:1]  # (1, kw)
    for r in range(image.shape[0]):
        np.testing.assert_allclose(
            convolve2d(image[r : r + 1], row)[0],
            np.convolve(image[r], row[0], mode="valid"),
            rtol=1e-12,
        )
