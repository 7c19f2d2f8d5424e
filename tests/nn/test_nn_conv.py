"""The conv → batch norm → ReLU block against the same three torch layers written out."""

from __future__ import annotations

import torch
from torch import nn
from torch.testing import assert_close

from dlclassics.nn.conv import conv_bn_relu


def test_conv_bn_relu_keeps_the_size_and_matches_conv_then_batch_norm_then_relu() -> None:
    torch.manual_seed(0)
    block = conv_bn_relu(3, 5, 3).double()
    conv, bn = block[0], block[1]
    assert isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d)
    assert conv.bias is None  # BN's β is the bias
    x = torch.randn(4, 3, 9, 9, dtype=torch.float64)
    y = block(x)  # training mode: batch statistics
    assert y.shape == (4, 5, 9, 9)
    z = torch.nn.functional.conv2d(x, conv.weight, padding=1)  # (4, 5, 9, 9)
    mean = z.mean(dim=(0, 2, 3), keepdim=True)
    var = z.var(dim=(0, 2, 3), unbiased=False, keepdim=True)
    assert_close(y, torch.relu((z - mean) / torch.sqrt(var + bn.eps)))


def test_without_batch_norm_the_conv_keeps_its_bias() -> None:
    block = conv_bn_relu(1, 2, 5, batch_norm=False)
    assert [type(m) for m in block] == [nn.Conv2d, nn.ReLU]
    conv = block[0]
    assert isinstance(conv, nn.Conv2d) and conv.bias is not None and conv.padding == (2, 2)
