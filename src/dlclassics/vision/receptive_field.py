"""Receptive fields of stacked layers, and what stacking small kernels and sharing weights save.

Course note 004 §三.9 感受野: a unit of the second conv layer sees a window of
the first layer, each unit of which sees a window of the input, so deeper units see more ("相当于
一层一层的在concentrate，最后一个小格子include all informations"). "为什么不选择一个大的卷积核呢？
… 堆叠小的卷积核所需的参数越少": two stacked 3×3 layers see 5×5 and three see 7×7, with fewer
weights than one 5×5 or 7×7 layer (§三.5.2 卷积核尺寸: "选择小卷积核多层堆叠"). §三.6 Calculate
Process: "涉及一个卷积参数的共享" — a conv layer uses the same filter at every position, which is
why it has so many fewer parameters than a fully connected layer with the same output.

For layers l = 1..L with kernel k_l, stride s_l, padding p_l and dilation d_l (per spatial axis),
the receptive field size r, the jump j (the distance in input pixels between neighbouring units)
and the start (the input coordinate of the first pixel seen by unit 0; negative = in the padding)
follow, from r_0 = 1, j_0 = 1, start_0 = 0,

    r_l     = r_{l−1} + (k_l − 1) · d_l · j_{l−1}
    j_l     = j_{l−1} · s_l
    start_l = start_{l−1} − p_l · j_{l−1}

so unit i of layer l sees input pixels start_l + i·j_l … start_l + i·j_l + r_l − 1 (its bounding
box: with dilation the pixels in between are not all used). The tests check this against the
region where a gradient flows back from one output unit through a torch stack of convolutions.

>>> [f.size for f in receptive_fields([LayerSpec(kernel=3)] * 3)]
[3, 5, 7]
>>> [(row["receptive_field"], row["weights_stacked"], row["weights_single"])
...  for row in small_kernels_table(channels=1)]
[(3, 9, 9), (5, 18, 25), (7, 27, 49)]
>>> [(row["layer"], row["parameters"]) for row in parameter_sharing_table((3, 32, 32), 10, 5)]
[('conv', 760), ('locally connected', 595840), ('fully connected', 24092320)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dlclassics.errors import ConfigError
from dlclassics.vision.shapes import conv_output_size

__all__ = [
    "LayerSpec",
    "ReceptiveField",
    "parameter_sharing_table",
    "receptive_fields",
    "small_kernels_table",
]


@dataclass(frozen=True, kw_only=True)
class LayerSpec:
    """A layer that reads windows (a convolution or a pooling layer), along one spatial axis."""

    kernel: int  # f: window size in taps
    stride: int = 1  # s: pixels between neighbouring windows
    padding: int = 0  # p: zeros added on each side
    dilation: int = 1  # d: pixels between a window's taps

    def __post_init__(self) -> None:
        for name, value, minimum in [
            ("kernel", self.kernel, 1),
            ("stride", self.stride, 1),
            ("padding", self.padding, 0),
            ("dilation", self.dilation, 1),
        ]:
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise ConfigError(f"LayerSpec {name}={value!r} must be an integer ≥ {minimum}")


@dataclass(frozen=True)
class ReceptiveField:
    """What the units of one layer see of the input, along one axis."""

    size: int  # r: input pixels one unit spans
    jump: int  # j: input pixels between neighbouring units
    start: int  # first input pixel seen by unit 0 (negative: in the padding)
    out_size: int | None = None  # units along the axis, when the input size is known

    def span(self, index: int) -> tuple[int, int]:
        """First and last input pixel (inclusive) that unit ``index`` sees."""
        first = self.start + index * self.jump
        return first, first + self.size - 1

    @property
    def center(self) -> float:
        """Input coordinate of unit 0's centre."""
        return self.start + (self.size - 1) / 2


def receptive_fields(
    layers: Sequence[LayerSpec], *, input_size: int | None = None
) -> list[ReceptiveField]:
    """r_l, j_l and start_l of every layer (and its output size, given ``input_size``)."""
    size, jump, start, n = 1, 1, 0, input_size
    fields = []
    for layer in layers:
        size += (layer.kernel - 1) * layer.dilation * jump  # r_l = r_{l−1} + (k_l − 1)·d_l·j_{l−1}
        start -= layer.padding * jump  # start_l = start_{l−1} − p_l·j_{l−1}
        jump *= layer.stride  # j_l = j_{l−1}·s_l
        if n is not None:
            n = conv_output_size(
                n, layer.kernel, padding=layer.padding, stride=layer.stride, dilation=layer.dilation
            )
        fields.append(ReceptiveField(size, jump, start, n))
    return fields


def small_kernels_table(
    *, channels: int = 64, kernel: int = 3, depths: Sequence[int] = (1, 2, 3)
) -> list[dict[str, Any]]:
    """n stacked kernel×kernel convs against one conv with the same receptive field.

    One row per n in ``depths``: the receptive field r (from :func:`receptive_fields`), the
    weights of the stack, C² · k² · n, and of a single r×r layer, C² · r² (C channels in and
    out of every layer, stride 1, no biases). 3×3: n = 2 → 5×5, 18C² vs 25C²; n = 3 → 7×7,
    27C² vs 49C².
    """
    if channels < 1 or kernel < 1 or any(n < 1 for n in depths):
        raise ConfigError(
            f"channels={channels}, kernel={kernel} and depths={list(depths)} must all be ≥ 1"
        )
    rows = []
    for n in depths:
        r = receptive_fields([LayerSpec(kernel=kernel)] * n)[-1].size
        stacked, single = channels**2 * kernel**2 * n, channels**2 * r**2
        rows.append(
            {
                "stack": f"{n} × {kernel}×{kernel}",
                "receptive_field": r,
                "weights_stacked": stacked,
                "single": f"1 × {r}×{r}",
                "weights_single": single,
                "ratio": stacked / single,
            }
        )
    return rows


def parameter_sharing_table(
    input_shape: tuple[int, int, int],
    out_channels: int,
    kernel: int,
    *,
    stride: int = 1,
    padding: int = 0,
) -> list[dict[str, Any]]:
    """Parameters of three layers mapping (C_in, H, W) to the same (C_out, H_out, W_out).

    * ``conv``: one kernel×kernel filter per output channel, shared by every position —
      C_out·C_in·k² weights + C_out biases;
    * ``locally connected``: the same windows, but a different filter at every position (no
      sharing) — H_out·W_out·C_out·C_in·k² weights + C_out·H_out·W_out biases;
    * ``fully connected``: every output connected to every input (no locality either) —
      (C_in·H·W)·(C_out·H_out·W_out) weights + C_out·H_out·W_out biases.
    """
    if len(input_shape) != 3:
        raise ConfigError(f"input_shape must be (C_in, H, W), got {input_shape}")
    C_in, H, W = input_shape
    if min(C_in, out_channels) < 1:
        raise ConfigError(f"C_in={C_in} and out_channels={out_channels} must be ≥ 1")
    H_out = conv_output_size(H, kernel, padding=padding, stride=stride)
    W_out = conv_output_size(W, kernel, padding=padding, stride=stride)
    outputs = out_channels * H_out * W_out
    per_filter = C_in * kernel * kernel
    rows = [
        ("conv", out_channels * per_filter, out_channels),
        ("locally connected", H_out * W_out * out_channels * per_filter, outputs),
        ("fully connected", C_in * H * W * outputs, outputs),
    ]
    return [
        {
            "layer": name,
            "output_shape": (out_channels, H_out, W_out),
            "weights": weights,
            "biases": biases,
            "parameters": weights + biases,
        }
        for name, weights, biases in rows
    ]
