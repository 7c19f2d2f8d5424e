"""VGG-style CNN: stages of stacked 3×3 convolutions, each stage ending in a 2×2 max pool.

Simonyan & Zisserman 2014, "Very deep convolutional networks for large-scale image
recognition". Note 004 §三.5.2 卷积核尺寸: "选择小卷积核多层堆叠，获得局部和全局信息的结合", and
§三.9 感受野: two stacked 3×3 convs see 5×5 with 2·9·C² weights instead of 25·C², three see 7×7
with 27·C² instead of 49·C² — and put a ReLU between each pair. A stage keeps H×W ("same"
padding, §三.5.3 边缘填充) and the pool halves it; widths double as the maps shrink:

    (B, 1, 28, 28) →stage1 [3×3, 32] × 2 → pool→ (B, 32, 14, 14)
                   →stage2 [3×3, 64] × 2 → pool→ (B, 64, 7, 7)
                   →stage3 [3×3, 128] × 2 → pool→ (B, 128, 3, 3) →flatten→ (B, 1152)
                   →fc (256) → dropout → head → (B, 10)

Each conv is followed by batch normalization (Ioffe & Szegedy 2015, as in torchvision's
``vgg*_bn``): ŷ = γ · (y − μ_B) / √(σ²_B + ε) + β over the batch and positions of each channel,
with running averages of μ, σ² used at evaluation.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from torch import nn

from dlclassics.errors import ConfigError
from dlclassics.nn.conv import conv_bn_relu
from dlclassics.vision.models.base import Net, convs_and_pools
from dlclassics.vision.receptive_field import LayerSpec
from dlclassics.vision.shapes import conv_output_size


@dataclass(frozen=True, kw_only=True)
class VGGConfig:
    # 3×3 conv widths, one tuple per stage; a 2×2 max pool closes each stage
    stages: tuple[tuple[int, ...], ...] = ((32, 32), (64, 64), (128, 128))
    hidden: int = 256  # units of the fully connected layer before the head
    dropout: float = 0.5  # before the head, as VGG's classifier
    batch_norm: bool = True  # BN after every conv

    def __post_init__(self) -> None:
        if not self.stages or any(not stage for stage in self.stages):
            raise ConfigError(f"stages={self.stages} needs at least one conv in each stage")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout={self.dropout} must be in [0, 1)")


class VGG(Net):
    """Stacked 3×3 convs with BN; 584,618 parameters (default config, 1×28×28, 10 classes)."""

    name = "vgg"

    def __init__(
        self, config: VGGConfig, *, in_channels: int = 1, n_classes: int = 10, image_size: int = 28
    ) -> None:
        blocks: OrderedDict[str, nn.Module] = OrderedDict()
        c, n = in_channels, image_size
        for i, widths in enumerate(config.stages, start=1):
            layers: list[nn.Module] = []
            for width in widths:
                layers.append(conv_bn_relu(c, width, 3, batch_norm=config.batch_norm))
                c = width
            layers.append(nn.MaxPool2d(2))  # (B, c, n, n) → (B, c, n/2, n/2)
            n = conv_output_size(n, 2, stride=2)
            blocks[f"stage{i}"] = nn.Sequential(*layers)
        blocks["flatten"] = nn.Flatten()  # (B, c, n, n) → (B, c·n·n)
        blocks["fc"] = nn.Sequential(
            nn.Linear(c * n * n, config.hidden), nn.ReLU(), nn.Dropout(config.dropout)
        )
        blocks["head"] = nn.Linear(config.hidden, n_classes)
        super().__init__(blocks, in_channels=in_channels, image_size=image_size)

    def receptive_path(self) -> list[tuple[str, LayerSpec]]:
        return [
            spec
            for name in self.block_names
            if name.startswith("stage")
            for spec in convs_and_pools(self.block(name), name)
        ]
