"""Inception blocks and a small GoogLeNet for 28×28 images.

Szegedy et al. 2014, "Going deeper with convolutions". Note 003 · GoogLenet: inception
module, and 1×1卷积层的作用: "减少通道数，从而降低模型复杂度". Instead of choosing one kernel size
the block runs four branches side by side on the same input and stacks their outputs along
the channel axis — every branch keeps H×W ("same" padding; the pool branch uses stride 1):

    y = concat_C[ conv1×1(x),
                  conv3×3(conv1×1_reduce(x)),
                  conv5×5(conv1×1_reduce(x)),
                  conv1×1_proj(maxpool3×3(x)) ]       C_out = c1 + c3 + c5 + pool_proj

The 1×1 reductions in front of the 3×3 and 5×5 convs are the bottleneck of
:mod:`dlclassics.vision.pointwise` (a tenth of the multiplications in the lecture's example);
the 1×1 projection after the pool keeps the pool branch from carrying all C_in channels. Each
conv is followed by BN and ReLU (as torchvision's GoogLeNet). The small net scales
GoogLeNet's inception 3a/3b/4a/4b by about ¼:

    (B, 1, 28, 28) →stem 3×3, 32→ (B, 32, 28, 28) →pool→ (B, 32, 14, 14)
                   →3a→ (B, 64, 14, 14) →3b→ (B, 120, 14, 14) →pool→ (B, 120, 7, 7)
                   →4a→ (B, 128, 7, 7) →4b→ (B, 128, 7, 7) →global avg pool→ (B, 128)
                   →dropout→ head → (B, 10)
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
class InceptionSpec:
    """Output channels of each branch; the ``*_reduce`` are the 1×1 bottlenecks' widths."""

    c1: int  # 1×1 branch
    c3_reduce: int  # 1×1 before the 3×3
    c3: int  # 3×3 branch
    c5_reduce: int  # 1×1 before the 5×5
    c5: int  # 5×5 branch
    pool_proj: int  # 1×1 after the 3×3 max pool

    def __post_init__(self) -> None:
        if min(self.c1, self.c3_reduce, self.c3, self.c5_reduce, self.c5, self.pool_proj) < 1:
            raise ConfigError(f"every branch of {self} needs ≥ 1 channel")

    @property
    def out_channels(self) -> int:
        return self.c1 + self.c3 + self.c5 + self.pool_proj


@dataclass(frozen=True, kw_only=True)
class InceptionNetConfig:
    stem: int = 32  # filters of the 3×3 stem conv
    # inception blocks per stage; a 2×2 max pool precedes each stage (28 → 14 → 7)
    stages: tuple[tuple[InceptionSpec, ...], ...] = (
        (
            InceptionSpec(c1=16, c3_reduce=24, c3=32, c5_reduce=4, c5=8, pool_proj=8),  # 3a
            InceptionSpec(c1=32, c3_reduce=32, c3=48, c5_reduce=8, c5=24, pool_proj=16),  # 3b
        ),
        (
            InceptionSpec(c1=48, c3_reduce=24, c3=52, c5_reduce=4, c5=12, pool_proj=16),  # 4a
            InceptionSpec(c1=40, c3_reduce=28, c3=56, c5_reduce=6, c5=16, pool_proj=16),  # 4b
        ),
    )
    dropout: float = 0.2  # before the head (GoogLeNet used 0.4 on a far larger head)

    def __post_init__(self) -> None:
        if self.stem < 1 or not self.stages or any(not stage for stage in self.stages):
            raise ConfigError("stem must be ≥ 1 and every stage needs an inception block")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout={self.dropout} must be in [0, 1)")


class InceptionBlock(nn.Module):
    """Four parallel branches concatenated: (B, C_in, H, W) → (B, spec.out_channels, H, W)."""

    def __init__(self, c_in: int, spec: InceptionSpec) -> None:
        super().__init__()
        self.spec = spec
        self.branch1 = conv_bn_relu(c_in, spec.c1, 1)
        self.branch3 = nn.Sequential(
            conv_bn_relu(c_in, spec.c3_reduce, 1), conv_bn_relu(spec.c3_reduce, spec.c3, 3)
        )
        self.branch5 = nn.Sequential(
            conv_bn_relu(c_in, spec.c5_reduce, 1), conv_bn_relu(spec.c5_reduce, spec.c5, 5)
        )
        self.branch_pool = nn.Sequential(
            nn.MaxPool2d(3, stride=1, padding=1), conv_bn_relu(c_in, spec.pool_proj, 1)
        )

    @property
    def out_channels(self) -> int:
        return self.spec.out_channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C_in, H, W)
        branches = [self.branch1(x), self.branch3(x), self.branch5(x), self.branch_pool(x)]
        return torch.cat(branches, dim=1)  # (B, c1 + c3 + c5 + pool_proj, H, W)


class InceptionNet(Net):
    """A small GoogLeNet; 87,918 parameters (default config, 1×28×28, 10 classes)."""

    name = "inception"

    def __init__(
        self,
        config: InceptionNetConfig,
        *,
        in_channels: int = 1,
        n_classes: int = 10,
        image_size: int = 28,
    ) -> None:
        c = config.stem
        blocks: OrderedDict[str, nn.Module] = OrderedDict(stem=conv_bn_relu(in_channels, c, 3))
        for i, stage in enumerate(config.stages):
            blocks[f"pool{i + 1}"] = nn.MaxPool2d(2)  # (B, c, H, W) → (B, c, H/2, W/2)
            for j, spec in enumerate(stage):
                block = InceptionBlock(c, spec)
                blocks[f"inception{i + 3}{'abcdefgh'[j]}"] = block
                c = block.out_channels
        blocks["pool"] = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())  # (B, c)
        blocks["dropout"] = nn.Dropout(config.dropout)
        blocks["head"] = nn.Linear(c, n_classes)
        super().__init__(blocks, in_channels=in_channels, image_size=image_size)

    def inception_blocks(self) -> list[InceptionBlock]:
        return [m for m in self.modules() if isinstance(m, InceptionBlock)]

    def receptive_path(self) -> list[tuple[str, LayerSpec]]:
        """Through the stem, the pools and each block's 5×5 branch (the widest view)."""
        path: list[tuple[str, LayerSpec]] = []
        for name in self.block_names:
            m = self.block(name)
            if name == "stem":
                path.append((name, conv_spec(self.first_conv())))
            elif isinstance(m, nn.MaxPool2d):
                path.append((name, LayerSpec(kernel=2, stride=2)))
            elif isinstance(m, InceptionBlock):
                reduce, conv5 = (s[0] for s in m.branch5)  # type: ignore[index]
                path += [(f"{name}.5x5_reduce", conv_spec(reduce)),
                         (f"{name}.5x5", conv_spec(conv5))]  # fmt: skip
        return path
