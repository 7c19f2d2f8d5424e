"""A fully connected network for images: flatten → [Linear → (BN) → ReLU → Dropout] × L → Linear.

Notes 004 (神经网络 / 激活函数 / 权重初始化 / Dropout): each hidden layer computes
h = max(0, W h_prev + b); weights start from He initialisation W ~ N(0, 2 / n_in), which
keeps the variance of ReLU activations constant across layers; inverted dropout zeroes
each unit with probability p during training and scales survivors by 1 / (1 − p), so
evaluation needs no rescaling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn


@dataclass(frozen=True, kw_only=True)
class MLPConfig:
    hidden: tuple[int, ...] = (512, 256)  # units per hidden layer
    activation: Literal["relu", "tanh", "sigmoid", "leaky_relu"] = "relu"
    init: Literal["he", "xavier", "small"] = "he"  # He for ReLU (004 权重初始化)
    dropout: float = 0.2  # probability of zeroing a hidden unit while training
    batch_norm: bool = False  # BN between each linear layer and its activation (Ioffe & Szegedy)

    def __post_init__(self) -> None:
        if not 0.0 <= self.dropout < 1.0:
            from dlclassics.errors import ConfigError

            raise ConfigError(f"dropout={self.dropout} must be in [0, 1)")


ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "leaky_relu": nn.LeakyReLU,
}


def init_linear(layer: nn.Linear, scheme: str, generator: torch.Generator | None = None) -> None:
    """He: std = √(2/n_in); Xavier: std = √(2/(n_in + n_out)); small: std = 0.01. Bias 0."""
    n_out, n_in = layer.weight.shape
    std = {"he": math.sqrt(2.0 / n_in), "xavier": math.sqrt(2.0 / (n_in + n_out)), "small": 0.01}
    with torch.no_grad():
        layer.weight.normal_(0.0, std[scheme], generator=generator)
        layer.bias.zero_()


class MLP(nn.Module):
    def __init__(self, config: MLPConfig, n_inputs: int, n_classes: int) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Flatten()]  # (B, H, W) -> (B, H·W)
        width = n_inputs
        for units in config.hidden:
            linear = nn.Linear(width, units)
            init_linear(linear, config.init)
            layers.append(linear)
            if config.batch_norm:  # ĥ = γ (h − μ_B) / √(σ²_B + ε) + β: unit variance whatever W
                layers.append(nn.BatchNorm1d(units))
            layers += [ACTIVATIONS[config.activation](), nn.Dropout(config.dropout)]
            width = units
        head = nn.Linear(width, n_classes)
        init_linear(head, "xavier")  # scores layer: no ReLU follows
        layers.append(head)
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)  # (B, n_classes)
