"""The CNN ladder of notes 003/004 as torch modules, and the registry the CLI builds them from.

==========  =================================================  ==========================
name        model                                              module
==========  =================================================  ==========================
lenet       LeNet-5 with ReLU and max pooling                  :mod:`.lenet`
vgg         stages of stacked 3×3 convs with batch norm        :mod:`.vgg`
inception   a small GoogLeNet of Inception blocks              :mod:`.inception`
resnet      ResNet-20: basic residual blocks y = F(x) + x      :mod:`.resnet`
vit         patches + self-attention (no convolution after     :mod:`.vit`
            the patch embedding), against the CNNs
==========  =================================================  ==========================

Every model is a :class:`~.base.Net`: named blocks ending in a linear ``head``, input
(B, C, S, S) checked against the size it was built for, ``freeze_through`` for transfer
learning and ``receptive_path`` for the receptive-field calculator.

>>> import torch
>>> net = build_model("resnet")
>>> net(torch.zeros(2, 1, 28, 28)).shape, count_parameters(net)
(torch.Size([2, 10]), 272186)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from dlclassics.registry import Registry
from dlclassics.vision.models.base import ALL_BUT_HEAD, TRUNK, Net, count_parameters
from dlclassics.vision.models.inception import (
    InceptionBlock,
    InceptionNet,
    InceptionNetConfig,
    InceptionSpec,
)
from dlclassics.vision.models.lenet import LeNet, LeNetConfig
from dlclassics.vision.models.resnet import BasicBlock, ResNet, ResNetConfig
from dlclassics.vision.models.vgg import VGG, VGGConfig
from dlclassics.vision.models.vit import ViT, ViTConfig, vit_parameters

ModelName = Literal["lenet", "vgg", "inception", "resnet", "vit"]


@dataclass(frozen=True, kw_only=True)
class ModelEntry:
    config: type[Any]  # the model's frozen config dataclass (defaults = the documented net)
    build: Callable[..., Net]  # (config, *, in_channels, n_classes, image_size) -> Net
    help: str  # one line


MODELS: Registry[ModelEntry] = Registry("model")
MODELS.add("lenet", ModelEntry(config=LeNetConfig, build=LeNet, help="LeNet-5 (ReLU, max pool)"))
MODELS.add("vgg", ModelEntry(config=VGGConfig, build=VGG, help="VGG-style 3×3 stacks with BN"))
MODELS.add(
    "inception",
    ModelEntry(config=InceptionNetConfig, build=InceptionNet, help="small GoogLeNet (Inception)"),
)
MODELS.add("resnet", ModelEntry(config=ResNetConfig, build=ResNet, help="ResNet-20 (3 × 3 blocks)"))
MODELS.add("vit", ModelEntry(config=ViTConfig, build=ViT, help="small Vision Transformer"))


def build_model(
    name: str,
    config: Any = None,
    *,
    in_channels: int = 1,
    n_classes: int = 10,
    image_size: int = 28,
) -> Net:
    """The registered model ``name`` with ``config`` (default: its config class's defaults)."""
    entry = MODELS[name]
    config = entry.config() if config is None else config
    if not isinstance(config, entry.config):
        raise TypeError(f"{name} needs a {entry.config.__name__}, got {type(config).__name__}")
    return entry.build(config, in_channels=in_channels, n_classes=n_classes, image_size=image_size)


__all__ = [
    "ALL_BUT_HEAD",
    "MODELS",
    "TRUNK",
    "VGG",
    "BasicBlock",
    "InceptionBlock",
    "InceptionNet",
    "InceptionNetConfig",
    "InceptionSpec",
    "LeNet",
    "LeNetConfig",
    "ModelEntry",
    "ModelName",
    "Net",
    "ResNet",
    "ResNetConfig",
    "VGGConfig",
    "ViT",
    "ViTConfig",
    "build_model",
    "count_parameters",
    "vit_parameters",
]
