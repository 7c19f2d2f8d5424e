"""A small Vision Transformer: image patches as tokens, then self-attention (note 001 §7).

Dosovitskiy et al. 2020, "An image is worth 16×16 words". A convolution mixes a pixel with its
k×k neighbours; self-attention (note 001 §7: every position's query is scored against every
key, softmax(QKᵀ/√d)V) lets each token read *all* others from the first layer on, with no
built-in notion of nearness — position comes only from a learned embedding. The recipe:

    x (B, C, 28, 28) →patches: p×p conv, stride p → (B, d, 28/p, 28/p) →flatten→ (B, N, d)
                     →tokens: [cls; patches] + E_pos → (B, N + 1, d)
                     →encoder: L pre-norm Transformer layers (dlclassics.nn) → (B, N + 1, d)
                     →norm: LayerNorm →pool: the cls token → (B, d) →head→ (B, classes)

The patch embedding is a linear map of each flattened p×p patch — the same as a p×p
convolution with stride p, which is how it is written. The encoder layers are the shared
:class:`~dlclassics.nn.transformer.TransformerEncoderLayer` (pre-norm, so a final LayerNorm
closes the stack). With patch p = 7 there are N = 16 tokens plus cls.

Parameters (d model width, f FFN width, L layers, N patches, K classes, C channels):

    d·(C·p² + 1)  +  d  +  (N + 1)·d  +  L·(4d² + 2df + 9d + f)  +  2d  +  K·(d + 1)
    patches          cls   positions     layers: W^{q,k,v,o} and    final   head
                                         biases 4d² + 4d, FFN 2df
                                         + f + d, two LayerNorms 4d

Measured (``benchmarks/vision.py --models vit --max-steps 2150``, seed 0, one thread): 0.8685
Fashion-MNIST test accuracy after 5 epochs in 101 CPU seconds, against LeNet's 0.9101 after
15 epochs in the same 101 CPU seconds (``benchmarks/results/vision.json``): attention has
none of the convolution's built-in locality, which a small training set does not make up for.

The default (d = 48, f = 96, L = 3, p = 7) has 60,730, level with LeNet's 61,706, and costs
about 3× LeNet's CPU time per epoch (20 vs 6.7 CPU seconds per Fashion-MNIST epoch, one
thread); d = 64, f = 128, L = 8, p = 4 has 272,906, level with ResNet-20's 272,186, at about
220 CPU seconds per epoch (ResNet-20: about 180).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import torch
from torch import nn

from dlclassics.errors import ConfigError
from dlclassics.nn.transformer import TransformerEncoderLayer
from dlclassics.vision.models.base import Net, conv_spec
from dlclassics.vision.receptive_field import LayerSpec


@dataclass(frozen=True, kw_only=True)
class ViTConfig:
    patch: int = 7  # p: side of a square patch in pixels; 28×28 → 4×4 = 16 tokens
    d_model: int = 48  # d: token width
    heads: int = 4  # attention heads (d / heads = 12 per head)
    layers: int = 3  # L: encoder layers; 3 puts the parameters level with LeNet's
    d_ff: int = 96  # f: hidden units of each layer's feed-forward network
    dropout: float = 0.1  # in attention weights, FFN and residual branches while training

    def __post_init__(self) -> None:
        if min(self.patch, self.d_model, self.heads, self.layers, self.d_ff) < 1:
            raise ConfigError(f"every size of {self} must be ≥ 1")
        if self.d_model % self.heads:
            raise ConfigError(f"d_model={self.d_model} must be divisible by heads={self.heads}")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout={self.dropout} must be in [0, 1)")


class Tokens(nn.Module):
    """Patch maps (B, d, h, w) → [cls; patches] + E_pos, (B, h·w + 1, d)."""

    def __init__(self, d_model: int, patches: int) -> None:
        super().__init__()
        self.cls = nn.Parameter(torch.zeros(1, 1, d_model))
        self.position = nn.Parameter(torch.randn(1, patches + 1, d_model) * 0.02)  # ViT init

    def forward(self, maps: torch.Tensor) -> torch.Tensor:
        B = len(maps)
        patches = maps.flatten(2).transpose(1, 2)  # (B, N, d), row-major patch order
        tokens = torch.cat([self.cls.expand(B, -1, -1), patches], dim=1)  # (B, N + 1, d)
        return tokens + self.position


class ClsToken(nn.Module):
    """(B, N + 1, d) → (B, d): the classification token's final state."""

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return tokens[:, 0]


class ViT(Net):
    """Patches + pre-norm Transformer; 60,730 parameters (default config, 1×28×28, 10 classes)."""

    name = "vit"

    def __init__(
        self, config: ViTConfig, *, in_channels: int = 1, n_classes: int = 10, image_size: int = 28
    ) -> None:
        p, d = config.patch, config.d_model
        if image_size % p:
            raise ConfigError(f"patch={p} must divide the image size {image_size}")
        side = image_size // p
        blocks: OrderedDict[str, nn.Module] = OrderedDict(
            patches=nn.Conv2d(in_channels, d, p, stride=p),  # (B, C, S, S) → (B, d, S/p, S/p)
            tokens=Tokens(d, side * side),
            encoder=nn.Sequential(
                *[
                    TransformerEncoderLayer(d, config.heads, config.d_ff, config.dropout)
                    for _ in range(config.layers)
                ]
            ),
            norm=nn.LayerNorm(d),  # pre-norm stacks end in a LayerNorm
            pool=ClsToken(),
            head=nn.Linear(d, n_classes),
        )
        super().__init__(blocks, in_channels=in_channels, image_size=image_size)

    def receptive_path(self) -> list[tuple[str, LayerSpec]]:
        """The patch conv, then attention over all patches (a window as wide as the grid)."""
        side = self.input_shape[1] // self.first_conv().stride[0]
        return [("patches", conv_spec(self.first_conv())),
                ("encoder (self-attention)", LayerSpec(kernel=side))]  # fmt: skip


def vit_parameters(
    config: ViTConfig, *, in_channels: int = 1, n_classes: int = 10, image_size: int = 28
) -> int:
    """The parameter count by the module docstring's formula."""
    d, f, L, p = config.d_model, config.d_ff, config.layers, config.patch
    N = (image_size // p) ** 2
    patches = d * (in_channels * p * p + 1)
    layer = 4 * d * d + 2 * d * f + 9 * d + f
    return patches + d + (N + 1) * d + L * layer + 2 * d + n_classes * (d + 1)
