"""Output sizes of convolution and pooling layers, and "same" padding.

Course note 004 §三.5 卷积层参数: §三.5.1 步长 (a larger stride gives a smaller feature map),
§三.5.2 卷积核尺寸, §三.5.3 边缘填充 (pad the border with zeros so that the corner pixels are used
as often as the middle ones); note 003 · 为什么使用padding ("防止图片大小缩小 / 多次利用边角处的
像素点").

An input of size n, a filter of size f, padding p and stride s give an output of size

    ⌊(n + 2p − f) / s⌋ + 1.

With dilation d the filter's taps are d apart, so it spans f_eff = d·(f − 1) + 1 pixels and

    ⌊(n + 2p − d·(f − 1) − 1) / s⌋ + 1          (= the formula above when d = 1).

This is the formula of ``torch.nn.functional.conv2d`` and of the pooling layers (``ceil_mode``
off). "same" padding keeps the size when s = 1: n + 2p − f_eff + 1 = n needs p = (f_eff − 1)/2,
an integer only when f_eff is odd (f odd, or d even); "valid" is p = 0.

>>> conv_output_size(6, 3)                      # the notes' 6×6 image, 3×3 filter → 4×4
4
>>> conv_output_size(7, 3, stride=2)            # 5.1 步长: stride 2 on a 7×7 input → 3×3
3
>>> same_padding(5), conv_output_size(28, 5, padding=same_padding(5))
(2, 28)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from dlclassics.errors import ConfigError

__all__ = [
    "Padding",
    "conv2d_output_shape",
    "conv_output_size",
    "pair",
    "resolve_padding",
    "same_padding",
]

# An int (both sides of both axes), (ph, pw), or a mode: "valid" = no padding, "same" = keep H×W.
Padding = int | tuple[int, int] | Literal["valid", "same"]


def _check_int(name: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{name}={value!r} must be an integer ≥ {minimum}")
    return value


def pair(value: int | Sequence[int], name: str, *, minimum: int = 1) -> tuple[int, int]:
    """``3`` → ``(3, 3)``; ``(3, 5)`` stays; each checked to be an integer ≥ ``minimum``."""
    if isinstance(value, int):
        v = _check_int(name, value, minimum=minimum)
        return v, v
    values = tuple(value)
    if len(values) != 2:
        raise ConfigError(f"{name}={value!r} must be an int or a pair (height, width)")
    return (
        _check_int(name, values[0], minimum=minimum),
        _check_int(name, values[1], minimum=minimum),
    )


def conv_output_size(
    n: int, f: int, *, padding: int = 0, stride: int = 1, dilation: int = 1
) -> int:
    """⌊(n + 2p − d·(f − 1) − 1) / s⌋ + 1 for one spatial axis.

    Raises :class:`ConfigError` when the (dilated) filter is larger than the padded input.
    """
    n = _check_int("input size", n, minimum=1)
    f = _check_int("kernel size", f, minimum=1)
    p = _check_int("padding", padding, minimum=0)
    s = _check_int("stride", stride, minimum=1)
    d = _check_int("dilation", dilation, minimum=1)
    extent = d * (f - 1) + 1  # pixels the dilated filter spans
    if extent > n + 2 * p:
        raise ConfigError(
            f"kernel spans d·(f−1)+1 = {extent} pixels (f={f}, d={d}) but the padded input has "
            f"n+2p = {n + 2 * p} (n={n}, p={p}): use a smaller kernel or more padding"
        )
    return (n + 2 * p - extent) // s + 1


def same_padding(f: int, *, stride: int = 1, dilation: int = 1) -> int:
    """p = d·(f − 1)/2, the padding that keeps the output size equal to the input size."""
    f = _check_int("kernel size", f, minimum=1)
    d = _check_int("dilation", dilation, minimum=1)
    if stride != 1:
        raise ConfigError(
            f"padding='same' keeps the size only with stride 1, got stride={stride}: "
            "give the padding as a number instead"
        )
    if d * (f - 1) % 2:
        raise ConfigError(
            f"padding='same' needs an odd kernel extent d·(f−1)+1, got f={f}, d={d}: "
            "use an odd kernel size or give the padding as a number"
        )
    return d * (f - 1) // 2


def resolve_padding(
    padding: Padding,
    kernel: tuple[int, int],
    *,
    stride: tuple[int, int] = (1, 1),
    dilation: tuple[int, int] = (1, 1),
) -> tuple[int, int]:
    """Padding given as an int, a pair, ``"valid"`` or ``"same"`` → ``(ph, pw)``."""
    if padding == "valid":
        return 0, 0
    if padding == "same":
        return (
            same_padding(kernel[0], stride=stride[0], dilation=dilation[0]),
            same_padding(kernel[1], stride=stride[1], dilation=dilation[1]),
        )
    if isinstance(padding, str):
        raise ConfigError(f"padding={padding!r} must be an int, a pair, 'valid' or 'same'")
    return pair(padding, "padding", minimum=0)


def conv2d_output_shape(
    input_shape: Sequence[int],
    weight_shape: Sequence[int],
    *,
    stride: int | tuple[int, int] = 1,
    padding: Padding = 0,
    dilation: int | tuple[int, int] = 1,
) -> tuple[int, int, int, int]:
    """(N, C_in, H, W) and (C_out, C_in, kh, kw) → (N, C_out, H_out, W_out); checks the channels."""
    if len(input_shape) != 4 or len(weight_shape) != 4:
        raise ConfigError(
            f"conv2d needs x of shape (N, C_in, H, W) and w of shape (C_out, C_in, kh, kw), "
            f"got x.shape={tuple(input_shape)} and w.shape={tuple(weight_shape)}"
        )
    N, C, H, W = input_shape
    C_out, C_in, kh, kw = weight_shape
    if C_in != C:
        raise ConfigError(
            f"x.shape={tuple(input_shape)} has C_in={C} channels but w.shape={tuple(weight_shape)} "
            f"expects C_in={C_in}: each filter spans all input channels, so they must match"
        )
    sh, sw = pair(stride, "stride")
    dh, dw = pair(dilation, "dilation")
    ph, pw = resolve_padding(padding, (kh, kw), stride=(sh, sw), dilation=(dh, dw))
    H_out = conv_output_size(H, kh, padding=ph, stride=sh, dilation=dh)
    W_out = conv_output_size(W, kw, padding=pw, stride=sw, dilation=dw)
    return N, C_out, H_out, W_out
