"""ResNet: residual blocks y = ReLU(F(x, {W_i}) + x), and a ResNet-20 for 28×28 images.

He, Zhang, Ren & Sun 2015, "Deep residual learning for image recognition"; the 20-layer
network is their CIFAR-10 model (§4.2): a 3×3 stem, then 3 stages of n = 3 basic blocks with
16, 32 and 64 filters (the first block of stages 2 and 3 halves H×W with stride 2), global
average pooling and a linear head — 6n + 2 = 20 weighted layers.

Note 004 §三.8 残差网络Resnet: "你下一层的输入等于20层的卷积结果加上一些操作，而这些操作效果不好我
就设置权重为0当没有，相当于保个底" — a block adds a learned correction to its input,

    y = F(x, {W_i}) + x,      F = BN(W₂ ∗ ReLU(BN(W₁ ∗ x))),      then ReLU(y),

so a block whose F is zero passes x through unchanged: extra depth can only "keep the floor".
``zero_init_residual`` starts every block exactly there (γ of F's last BN = 0; Goyal et al.
2017). When F changes the shape (stride 2, more channels) x cannot be added as is; the
*projection shortcut* y = F(x) + W_s x uses a 1×1 conv with stride 2 and BN for W_s (the paper's
option B). Otherwise the shortcut is the identity, with no parameters.

    (B, 1, 28, 28) →stem 3×3, 16→ (B, 16, 28, 28) →stage1→ (B, 16, 28, 28)
                   →stage2→ (B, 32, 14, 14) →stage3→ (B, 64, 7, 7) →pool→ (B, 64) →head→ (B, 10)

Measured (``benchmarks/vision.py``, seed 0, Fashion-MNIST test): ``dlc vision train --preset
resnet`` (SGD + Nesterov, lr 0.1, weight decay 5e-4, label smoothing 0.1, 11 epochs) reaches
0.9343 in 973 s with 2 threads on an otherwise idle 2-core CPU (0.9369 in 1,886 CPU-seconds
on one thread); the default AdamW recipe cut to 7 epochs, 0.9247.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import torch
from torch import nn

from dlclassics.errors import ConfigError
from dlclassics.nn.conv import conv_bn_relu
from dlclassics.vision.models.base import Net, conv_spec
from dlclassics.vision.receptive_field import LayerSpec


@dataclass(frozen=True, kw_only=True)
class ResNetConfig:
    widths: tuple[int, ...] = (16, 32, 64)  # filters per stage (He et al.'s CIFAR net)
    blocks_per_stage: int = 3  # n; depth 6n + 2 = 20 with 3 stages
    zero_init_residual: bool = True  # start each block as the identity (γ of last BN = 0)

    def __post_init__(self) -> None:
        if not self.widths or min(self.widths) < 1 or self.blocks_per_stage < 1:
            raise ConfigError(f"widths={self.widths} and blocks_per_stage must be ≥ 1")


class BasicBlock(nn.Module):
    """y = ReLU(F(x) + shortcut(x)) with F two 3×3 conv–BN layers (the first with ``stride``)."""

    def __init__(self, c_in: int, c_out: int, *, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.relu = nn.ReLU()
        self.shortcut: nn.Module = nn.Identity()  # x + F(x) when the shapes agree
        if stride != 1 or c_in != c_out:  # projection W_s x (1×1 conv, stride s, BN)
            self.shortcut = nn.Sequential(
                nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out)
            )

    @property
    def projects(self) -> bool:
        """True when the shortcut is a projection rather than the identity."""
        return not isinstance(self.shortcut, nn.Identity)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C_in, H, W)
        f = self.relu(self.bn1(self.conv1(x)))  # (B, C_out, H/s, W/s)
        f = self.bn2(self.conv2(f))  # F(x, {W_i})
        return self.relu(f + self.shortcut(x))  # y = F(x) + x (or + W_s x), then ReLU


class ResNet(Net):
    """ResNet-20 for 28×28 images; 272,186 parameters (default config, 1×28×28, 10 classes)."""

    name = "resnet"

    def __init__(
        self,
        config: ResNetConfig,
        *,
        in_channels: int = 1,
        n_classes: int = 10,
        image_size: int = 28,
    ) -> None:
        c = config.widths[0]
        blocks: OrderedDict[str, nn.Module] = OrderedDict(stem=conv_bn_relu(in_channels, c, 3))
        for i, width in enumerate(config.widths, start=1):
            stage = []
            for j in range(config.blocks_per_stage):
                stride = 2 if i > 1 and j == 0 else 1  # halve H×W entering stages 2, 3, …
                stage.append(BasicBlock(c, width, stride=stride))
                c = width
            blocks[f"stage{i}"] = nn.Sequential(*stage)
        blocks["pool"] = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())  # (B, c)
        blocks["head"] = nn.Linear(c, n_classes)
        super().__init__(blocks, in_channels=in_channels, image_size=image_size)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):  # He init for ReLU nets (004 权重初始化)
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if config.zero_init_residual and isinstance(m, BasicBlock):
                nn.init.zeros_(m.bn2.weight)

    def residual_blocks(self) -> list[BasicBlock]:
        return [m for m in self.modules() if isinstance(m, BasicBlock)]

    def receptive_path(self) -> list[tuple[str, LayerSpec]]:
        """Through both 3×3 convs of every block (the shortcut path sees less)."""
        path = [("stem", conv_spec(self.first_conv()))]
        for name, m in self.named_modules():
            if isinstance(m, BasicBlock):
                path += [
                    (f"{name}.conv1", conv_spec(m.conv1)),
                    (f"{name}.conv2", conv_spec(m.conv2)),
                ]
        return path
