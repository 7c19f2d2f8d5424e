"""What every CNN here shares: named blocks in order, a replaceable head, freezing, input checks.

Course note 004 §三.6 Calculate Process: "先卷积提取特征；然后RELU进行激活；再卷积在RELU；之后进行
池化函数进行降维 … 最后得到了一组高信息密度的特征，再进行全连接函数的操作" — convolution blocks
condense the image into features, and fully connected layers score them. A :class:`Net` is
that shape made explicit: an ``nn.Sequential`` of named blocks whose last one is ``head``, the
linear layer that turns the feature vector into class scores. The blocks up to the last one
holding a convolution are the *trunk*. Transfer learning (note 003 · 迁移学习: "只改变最后的
输出层，把预训练好的模型前面的参数都冻结; 数据集越大，可以冻结越少的参数") replaces the head and
freezes the blocks up to one of them:

    net.replace_head(10)                 # a fresh Linear(D, 10)
    net.freeze_through("trunk")          # the convolutional blocks (LeNet: conv1, conv2)
    net.freeze_through("all-but-head")   # the notes' "freeze all but the output layer"
    net.freeze_through("conv1")          # or any block by name: the more data, the fewer

Frozen means ``requires_grad=False`` for the parameters, and eval mode for the blocks even when
the trainer calls ``train()``, so batch-norm running statistics (buffers, which
``requires_grad`` does not cover) and dropout stay fixed too.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

import torch
from torch import nn

from dlclassics.errors import ConfigError
from dlclassics.vision.receptive_field import LayerSpec

TRUNK = "trunk"  # freeze_through(TRUNK): the blocks up to the last one holding a convolution
ALL_BUT_HEAD = "all-but-head"  # freeze_through(ALL_BUT_HEAD): every block before the head


class Net(nn.Sequential):
    """A CNN as named blocks, input (B, C, S, S) → scores (B, classes); the last block is ``head``.

    Subclasses build the blocks and describe their longest path for the receptive-field
    calculator (:meth:`receptive_path`).
    """

    name = "net"  # the registry name, for messages

    def __init__(
        self, blocks: OrderedDict[str, nn.Module], *, in_channels: int, image_size: int
    ) -> None:
        assert next(reversed(blocks)) == "head", "the last block must be the head"
        super().__init__(blocks)
        self.input_shape = (in_channels, image_size, image_size)  # (C, H, W) one image
        self.frozen: tuple[str, ...] = ()  # blocks held fixed (see freeze_through)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.check_input(x)
        return super().forward(x)  # (B, classes)

    # -- input -------------------------------------------------------------------------------

    def check_input(self, x: torch.Tensor) -> None:
        """Raise :class:`ConfigError` unless ``x`` is (B, C, S, S) with this net's C and S."""
        C, S, _ = self.input_shape
        shape = tuple(x.shape)
        if x.ndim != 4:
            raise ConfigError(
                f"{self.name} takes images of shape (B, C, H, W) = (B, {C}, {S}, {S}), "
                f"got shape {shape}"
            )
        _, c, h, w = shape
        if c != C:
            weight = tuple(self.first_conv().weight.shape)
            raise ConfigError(
                f"channel mismatch: x.shape={shape} has C_in={c} channels but {self.name}'s "
                f"first conv has weight.shape={weight} (C_in={C}); convert the images to "
                f"{C} channel(s)"
            )
        if h != w:
            raise ConfigError(
                f"{self.name} takes square images, got H×W = {h}×{w} (x.shape={shape}); "
                f"crop or pad them to {S}×{S}"
            )
        if h != S:
            raise ConfigError(
                f"{self.name} was built for {S}×{S} images, got {h}×{w} (x.shape={shape}); "
                f"resize them to {S}×{S}"
            )

    # -- parts -------------------------------------------------------------------------------

    @property
    def block_names(self) -> list[str]:
        return list(self._modules)

    def block(self, name: str) -> nn.Module:
        if name not in self._modules:
            known = ", ".join(self.block_names)
            raise ConfigError(f"{self.name} has no block {name!r}; its blocks are: {known}")
        module = self._modules[name]
        assert module is not None
        return module

    def head_layer(self) -> nn.Linear:
        """The last block: the linear layer from the feature vector to class scores."""
        head = self._modules["head"]
        assert isinstance(head, nn.Linear)
        return head

    def first_conv(self) -> nn.Conv2d:
        """The layer whose filters look at the pixels (the ones :mod:`..viz` draws)."""
        return next(m for m in self.modules() if isinstance(m, nn.Conv2d))

    def replace_head(self, n_classes: int) -> None:
        """A new, randomly initialised ``Linear(D, n_classes)`` in place of the head."""
        self._modules["head"] = nn.Linear(self.head_layer().in_features, n_classes)

    def receptive_path(self) -> list[tuple[str, LayerSpec]]:
        """(layer name, kernel/stride/padding) along the path with the largest receptive field."""
        raise NotImplementedError

    # -- freezing ----------------------------------------------------------------------------

    def trunk(self) -> list[str]:
        """The convolutional trunk: the blocks up to the last one that holds a conv layer."""
        names = self.block_names
        convs = [i for i, n in enumerate(names) if _has_conv(self.block(n))]
        return names[: convs[-1] + 1]

    def freeze_through(self, name: str) -> None:
        """Freeze the blocks from the first up to and including ``name``.

        ``name`` is a block, :data:`TRUNK` or :data:`ALL_BUT_HEAD`. Raises
        :class:`ConfigError` for an unknown block or if nothing would be left to train.
        """
        names = self.block_names
        if name == TRUNK:
            last = len(self.trunk()) - 1
        elif name == ALL_BUT_HEAD:
            last = names.index("head") - 1
        elif name in names:
            last = names.index(name)
        else:
            known = ", ".join([TRUNK, ALL_BUT_HEAD, *names])
            raise ConfigError(f"{self.name} has no block {name!r}; freeze through one of: {known}")
        frozen = tuple(names[: last + 1])
        trainable = sum(p.numel() for n in names[last + 1 :] for p in self.block(n).parameters())
        if trainable == 0:
            raise ConfigError(
                f"freezing {self.name} through {name!r} leaves nothing to train (all "
                f"{count_parameters(self)} parameters frozen); freeze fewer blocks, e.g. 'trunk'"
            )
        for n in frozen:
            for p in self.block(n).parameters():
                p.requires_grad_(False)
        self.frozen = frozen
        self.train(self.training)  # put the frozen blocks in eval mode now

    def train(self, mode: bool = True) -> Net:
        super().train(mode)
        for name in self.frozen:  # frozen: batch-norm statistics and dropout stay fixed
            self.block(name).eval()
        return self


def _has_conv(module: nn.Module) -> bool:
    return any(isinstance(m, nn.Conv2d) for m in module.modules())


def count_parameters(module: nn.Module, *, trainable_only: bool = False) -> int:
    """Σ p.numel() over the module's parameters (only those with requires_grad, if asked)."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad or not trainable_only)


def conv_spec(conv: nn.Conv2d) -> LayerSpec:
    """The receptive-field description of a square torch conv layer."""
    k, s, p, d = conv.kernel_size[0], conv.stride[0], conv.padding, conv.dilation[0]
    assert isinstance(p, tuple)
    return LayerSpec(kernel=k, stride=s, padding=p[0], dilation=d)


def pool_spec(pool: nn.MaxPool2d | nn.AvgPool2d) -> LayerSpec:
    return LayerSpec(
        kernel=_first(pool.kernel_size), stride=_first(pool.stride), padding=_first(pool.padding)
    )


def _first(value: int | tuple[int, ...]) -> int:
    return value if isinstance(value, int) else value[0]


def convs_and_pools(module: nn.Module, prefix: str) -> Iterator[tuple[str, LayerSpec]]:
    """Every conv and pooling layer of a plain (single-path) module, in order, named by kind."""
    for name, m in module.named_modules(prefix=prefix):
        if isinstance(m, nn.Conv2d):
            yield f"{name} conv", conv_spec(m)
        elif isinstance(m, nn.MaxPool2d | nn.AvgPool2d):
            yield f"{name} {'max' if isinstance(m, nn.MaxPool2d) else 'avg'} pool", pool_spec(m)
