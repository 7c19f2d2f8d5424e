"""Features through the depth: which layers are drawn, their maps, the top images per channel."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from dlclassics.cli import main
from dlclassics.tasks import Classification
from dlclassics.vision.depth import feature_layers, layer_maps, top_images
from dlclassics.vision.models import build_model

SMALL = [
    "--data", "mnist-5k", "--batch-size", "32", "--eval-every", "20", "--checkpoint-every", "20",
    "--log-every", "10", "--warmup-steps", "0", "--no-progress",
]  # fmt: skip


def test_plain_nets_list_every_conv_and_residual_nets_every_block() -> None:
    assert [n for n, _ in feature_layers(build_model("lenet"))] == ["conv1.0", "conv2.0"]
    resnet = [n for n, _ in feature_layers(build_model("resnet"))]
    assert resnet == ["stem.0"] + [f"stage{s}.{b}" for s in (1, 2, 3) for b in range(3)]
    inception = [n for n, _ in feature_layers(build_model("inception"))]
    assert inception == ["stem.0", "inception3a", "inception3b", "inception4a", "inception4b"]


def test_layer_maps_shrink_and_deepen_through_resnet() -> None:
    torch.manual_seed(0)
    task = Classification(build_model("resnet"))
    maps = layer_maps(task, torch.rand(1, 28, 28))
    shapes = [tuple(m.shape) for m in maps.values()]
    assert shapes[0] == (16, 28, 28) and shapes[3] == (16, 28, 28)
    assert shapes[4] == (32, 14, 14) and shapes[-1] == (64, 7, 7)


def test_top_images_are_the_ones_with_the_largest_peak_activation() -> None:
    torch.manual_seed(0)
    task = Classification(build_model("lenet"))
    x = torch.rand(40, 1, 28, 28)
    top = top_images(task, x, channels=(0, 5, 99), top=3, batch=16)  # 99: no such channel
    conv1 = task.model.block("conv1")[0]
    with torch.no_grad():
        peak = conv1(x).amax(dim=(2, 3))[:, 5]  # (40,) the conv's own output, by hand
    assert top["conv1.0"][5] == peak.argsort(descending=True)[:3].tolist()
    assert set(top["conv1.0"]) == {0, 5} and set(top["conv2.0"]) == {0, 5}


def test_layers_command_draws_both_pictures(mnist500_home: Path, tmp_path: Path) -> None:
    run = tmp_path / "lenet"
    assert main(["vision", "train", *SMALL, "--run-dir", str(run), "--max-steps", "3"]) == 0
    assert main(["vision", "layers", "--run-dir", str(run), "--images", "50"]) == 0
    for name in ("depth_maps.png", "top_images.png"):
        assert (run / name).stat().st_size > 10_000
    assert main(["vision", "layers", "--run-dir", str(run), "--index", "99"]) == 2


def test_channels_no_layer_has_is_one_clear_error(
    mnist500_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = tmp_path / "lenet"
    assert main(["vision", "train", *SMALL, "--run-dir", str(run), "--max-steps", "2"]) == 0
    assert main(["vision", "layers", "--run-dir", str(run), "--channels", "50"]) == 2
    assert "smaller --channels" in capsys.readouterr().err
