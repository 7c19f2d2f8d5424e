"""The CNN ladder: shapes, documented parameter counts, shortcuts, Inception, BN, freezing."""

from __future__ import annotations

import doctest
import re
from collections.abc import Iterator

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlclassics.errors import ConfigError
from dlclassics.vision import models
from dlclassics.vision.models import (
    MODELS,
    BasicBlock,
    InceptionBlock,
    InceptionSpec,
    LeNet,
    Net,
    ResNet,
    ResNetConfig,
    VGGConfig,
    ViTConfig,
    build_model,
    count_parameters,
    vit_parameters,
)
from dlclassics.vision.receptive_field import receptive_fields

NAMES = list(MODELS)
CNNS = [name for name in NAMES if name != "vit"]  # feature maps all the way to the pool


@pytest.fixture(autouse=True, scope="module")
def _one_thread() -> Iterator[None]:
    """Tiny models on a shared CPU: one torch thread beats two that wait for each other."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def nets() -> dict[str, Net]:
    torch.manual_seed(0)
    return {name: build_model(name) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_every_model_maps_a_batch_of_28x28_images_to_class_scores(name: str) -> None:
    torch.manual_seed(0)
    net = build_model(name, n_classes=7)
    assert net(torch.rand(3, 1, 28, 28)).shape == (3, 7)
    assert net.block_names[-1] == "head" and net.head_layer().out_features == 7


@pytest.mark.parametrize("name", NAMES)
def test_parameter_count_in_the_docstring_matches_the_model(name: str, nets: dict) -> None:
    net = nets[name]
    doc = type(net).__doc__ or ""
    stated = re.search(r"([\d,]+) parameters", doc)
    assert stated, f"{type(net).__name__} docstring states no parameter count"
    assert count_parameters(net) == int(stated.group(1).replace(",", ""))


def test_lenet_parameters_follow_the_per_layer_formula() -> None:
    # C_out·(C_in·f² + 1) per conv, n_out·(n_in + 1) per linear layer (module docstring)
    per_layer = [6 * (1 * 25 + 1), 16 * (6 * 25 + 1), 120 * 401, 84 * 121, 10 * 85]
    assert per_layer == [156, 2416, 48120, 10164, 850]
    assert count_parameters(LeNet(MODELS["lenet"].config())) == sum(per_layer) == 61706


def test_projection_shortcut_is_used_exactly_when_the_shape_changes() -> None:
    same = BasicBlock(16, 16)
    assert isinstance(same.shortcut, nn.Identity) and not same.projects
    for c_in, c_out, stride in [(16, 32, 2), (16, 32, 1), (16, 16, 2)]:
        block = BasicBlock(c_in, c_out, stride=stride)
        assert block.projects
        conv = block.shortcut[0]
        assert isinstance(conv, nn.Conv2d)
        assert (conv.kernel_size, conv.stride, conv.out_channels) == ((1, 1), (stride,) * 2, c_out)
        x = torch.rand(2, c_in, 8, 8)
        assert block(x).shape == (2, c_out, 8 // stride, 8 // stride)


def test_resnet20_has_9_blocks_2_projections_and_20_weighted_layers() -> None:
    net = ResNet(ResNetConfig())
    blocks = net.residual_blocks()
    assert len(blocks) == 9
    assert [b.projects for b in blocks] == [False] * 3 + [True, False, False] * 2
    shortcut_convs = sum(1 for b in blocks if b.projects)
    convs = sum(isinstance(m, nn.Conv2d) for m in net.modules()) - shortcut_convs
    linears = sum(isinstance(m, nn.Linear) for m in net.modules())
    assert convs + linears == 6 * 3 + 2 == 20


def test_a_residual_block_whose_F_is_zero_passes_its_input_through() -> None:
    # y = ReLU(F(x) + x); zero_init_residual sets γ of F's last BN to 0, so F(x) = β = 0
    torch.manual_seed(0)
    block = ResNet(ResNetConfig()).residual_blocks()[1]  # identity shortcut, 16 channels
    x = torch.rand(4, 16, 7, 7)  # ≥ 0, so ReLU(x) = x
    torch.testing.assert_close(block(x), x)
    nn.init.ones_(block.bn2.weight)  # now F contributes
    assert not torch.allclose(block(x), x)


@settings(max_examples=15, deadline=None)
@given(
    c_in=st.integers(1, 8),
    widths=st.tuples(*[st.integers(1, 6)] * 6),
    size=st.integers(1, 9),
)
def test_inception_block_output_channels_are_the_sum_of_its_branches(
    c_in: int, widths: tuple[int, ...], size: int
) -> None:
    c1, c3r, c3, c5r, c5, pool = widths
    spec = InceptionSpec(c1=c1, c3_reduce=c3r, c3=c3, c5_reduce=c5r, c5=c5, pool_proj=pool)
    block = InceptionBlock(c_in, spec)
    x = torch.rand(2, c_in, size, size)
    branches = [block.branch1(x), block.branch3(x), block.branch5(x), block.branch_pool(x)]
    assert [b.shape[1] for b in branches] == [c1, c3, c5, pool]
    assert all(b.shape[2:] == (size, size) for b in branches)  # "same" everywhere
    y = block(x)
    assert y.shape == (2, c1 + c3 + c5 + pool, size, size) and block.out_channels == y.shape[1]
    torch.testing.assert_close(y, torch.cat(branches, dim=1))


def test_the_small_googlenet_chains_block_widths(nets: dict) -> None:
    blocks = nets["inception"].inception_blocks()
    assert [b.out_channels for b in blocks] == [64, 120, 128, 128]
    assert [b.branch1[0].in_channels for b in blocks] == [32, 64, 120, 128]


def test_batch_norm_uses_batch_statistics_in_training_and_running_ones_in_eval() -> None:
    torch.manual_seed(0)
    net = build_model("vgg", VGGConfig(stages=((4,),), hidden=8))
    conv, bn = net.block("stage1")[0][0], net.block("stage1")[0][1]
    assert isinstance(bn, nn.BatchNorm2d)
    x = torch.randn(16, 1, 28, 28) * 3 + 5
    caught: list[torch.Tensor] = []
    bn.register_forward_hook(lambda m, i, o: caught.append(o.detach()))

    net.train()
    before = bn.running_mean.clone()
    net(x)
    out = caught[-1]  # (B, C, H, W): each channel normalised over batch and positions
    torch.testing.assert_close(out.mean(dim=(0, 2, 3)), torch.zeros(4), atol=1e-5, rtol=0)
    torch.testing.assert_close(
        out.var(dim=(0, 2, 3), unbiased=False), torch.ones(4), atol=1e-3, rtol=0
    )
    with torch.no_grad():
        batch_mean = conv(x).mean(dim=(0, 2, 3))
    torch.testing.assert_close(bn.running_mean, 0.9 * before + 0.1 * batch_mean)  # momentum 0.1
    net(x[:4])
    assert not torch.allclose(caught[-1], out[:4])  # an image's output depends on its batch

    net.eval()
    frozen = bn.running_mean.clone()
    net(x)
    alone = net(x[:1])
    torch.testing.assert_close(bn.running_mean, frozen)  # eval: statistics do not move
    torch.testing.assert_close(alone, net(x)[:1])  # … and an image's output is its own
    with torch.no_grad():
        expected = (conv(x) - bn.running_mean[:, None, None]) / torch.sqrt(
            bn.running_var[:, None, None] + bn.eps
        ) * bn.weight[:, None, None] + bn.bias[:, None, None]
    net(x)
    torch.testing.assert_close(caught[-1], expected)


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ((2, 3, 28, 28), "x.shape=(2, 3, 28, 28) has C_in=3 channels but lenet's first conv has "
                         "weight.shape=(6, 1, 5, 5)"),
        ((2, 1, 28, 32), "square images, got H×W = 28×32"),
        ((2, 1, 32, 32), "built for 28×28 images, got 32×32"),
        ((1, 28, 28), "got shape (1, 28, 28)"),
    ],
)  # fmt: skip
def test_wrong_inputs_are_one_clear_error(shape: tuple[int, ...], message: str, nets: dict) -> None:
    with pytest.raises(ConfigError) as error:
        nets["lenet"](torch.zeros(shape))
    assert message in str(error.value)


def test_freezing_the_trunk_leaves_only_the_head_trainable_and_in_eval_mode() -> None:
    net = build_model("resnet")
    net.replace_head(5)
    net.freeze_through("trunk")
    assert net.frozen == ("stem", "stage1", "stage2", "stage3")  # "pool" holds no conv
    trainable = [n for n, p in net.named_parameters() if p.requires_grad]
    assert trainable == ["head.weight", "head.bias"]
    net.train()
    assert net.training and net.block("head").training
    assert not any(m.training for name in net.frozen for m in net.block(name).modules())


@pytest.mark.parametrize(
    ("through", "frozen", "trainable"),
    [
        ("conv1", ("conv1",), 61706 - 156),
        ("trunk", ("conv1", "conv2"), 61706 - 156 - 2416),
        ("all-but-head", ("conv1", "conv2", "flatten", "fc1", "fc2"), 10 * 85),
    ],
)
def test_freezing_up_to_a_block_keeps_the_later_blocks_trainable(
    through: str, frozen: tuple[str, ...], trainable: int
) -> None:
    net = build_model("lenet")
    net.freeze_through(through)
    assert net.frozen == frozen
    assert count_parameters(net, trainable_only=True) == trainable


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("head", "leaves nothing to train"),
        ("conv9", "no block 'conv9'; freeze through one of: trunk, all-but-head, conv1, conv2"),
    ],
)
def test_freezing_everything_or_an_unknown_block_is_an_error(block: str, message: str) -> None:
    net = build_model("lenet")
    with pytest.raises(ConfigError, match=message):
        net.freeze_through(block)
    assert all(p.requires_grad for p in net.parameters())  # nothing was frozen half-way


@pytest.mark.parametrize("name", CNNS)
def test_receptive_path_bounds_the_gradient_footprint(name: str, nets: dict) -> None:
    """The pixels one unit of the last feature map depends on lie inside its predicted span."""
    net = nets[name]
    net.eval()
    path = net.receptive_path()
    fields = receptive_fields([spec for _, spec in path], input_size=28)
    trunk_end = {"lenet": "conv2", "vgg": "stage3", "inception": "inception4b", "resnet": "stage3"}
    x = torch.rand(1, 1, 28, 28, requires_grad=True)
    h = x
    for block in net.block_names:
        h = net.block(block)(h)
        if block == trunk_end[name]:
            break
    assert h.shape[-1] == fields[-1].out_size
    unit = h.shape[-1] // 2
    h[0, :, unit, unit].sum().backward()
    assert x.grad is not None
    rows = torch.nonzero(x.grad[0, 0].abs().sum(dim=1)).flatten()
    first, last = fields[-1].span(unit)
    assert len(rows) > 0 and first <= int(rows.min()) and int(rows.max()) <= last


def test_the_package_docstring_example_runs() -> None:
    assert doctest.testmod(models).failed == 0


@pytest.mark.parametrize(
    "config",
    [ViTConfig(), ViTConfig(patch=4, d_model=64, layers=8, d_ff=128), ViTConfig(patch=14, heads=2)],
)
def test_vit_parameters_follow_the_hand_formula(config: ViTConfig) -> None:
    net = build_model("vit", config, n_classes=7)
    assert count_parameters(net) == vit_parameters(config, n_classes=7)


def test_vit_parameters_spelled_out_for_the_default() -> None:
    d, f, L, N = 48, 96, 3, 16  # width, FFN width, layers, 4×4 patches of 7×7 pixels
    patches, cls, positions = d * (49 + 1), d, (N + 1) * d
    attention = 3 * d * d + 3 * d + d * d + d  # W^q, W^k, W^v stacked with biases; W^o
    ffn = d * f + f + f * d + d
    norms = 2 * 2 * d  # γ and β of LayerNorm₁, LayerNorm₂
    total = patches + cls + positions + L * (attention + ffn + norms) + 2 * d + 10 * (d + 1)
    assert total == count_parameters(build_model("vit")) == 60730


def test_vit_tokens_are_the_patches_plus_cls_and_its_receptive_field_is_the_image() -> None:
    torch.manual_seed(0)
    net = build_model("vit").eval()
    x = torch.rand(2, 1, 28, 28)
    tokens = net.block("tokens")(net.block("patches")(x))
    assert tokens.shape == (2, 17, 48)  # cls + 16 patches, d = 48
    fields = receptive_fields([spec for _, spec in net.receptive_path()], input_size=28)
    assert fields[-1].size == 28 and fields[-1].out_size == 1  # attention sees every patch
    # a change in one corner patch reaches the class scores (no locality after the patches)
    y = x.clone()
    y[:, :, :7, :7] += 1.0
    assert not torch.allclose(net(x), net(y))


def test_vit_rejects_a_patch_that_does_not_divide_the_image() -> None:
    with pytest.raises(ConfigError, match="divide"):
        build_model("vit", ViTConfig(patch=5))
