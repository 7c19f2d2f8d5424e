"""The convolution block the CNNs share: Conv(k×k, "same" padding) → batch norm → ReLU.

Note 004 §三.6: "先卷积提取特征；然后RELU进行激活" — and batch normalization (Ioffe & Szegedy
2015) between the two: ŷ = γ · (y − μ_B) / √(σ²_B + ε) + β over the batch and positions of
each channel, with running averages of μ and σ² used at evaluation. The vision family's VGG,
ResNet and Inception build their stages from it, the captioner its cell encoder.
"""

from __future__ import annotations

from torch import nn


def conv_bn_relu(
    c_in: int, c_out: int, kernel: int, *, stride: int = 1, batch_norm: bool = True
) -> nn.Sequential:
    """Conv(k×k, "same" padding) → [BN] → ReLU; the conv has no bias when BN follows (β is it)."""
    layers: list[nn.Module] = [
        nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=kernel // 2, bias=not batch_norm)
    ]
    if batch_norm:
        layers.append(nn.BatchNorm2d(c_out))
    layers.append(nn.ReLU())
    return nn.Sequential(*layers)
