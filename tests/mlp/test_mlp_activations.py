"""Activation and gradient statistics of a deep MLP: the hooks, the init effects, the command."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlclassics.cli import main
from dlclassics.mlp.activations import StatsRecorder, saturated
from dlclassics.mlp.model import ACTIVATIONS, MLP, MLPConfig


def deep(activation: str, init: str, *, depth: int = 6, bn: bool = False) -> MLP:
    torch.manual_seed(0)
    config = MLPConfig(
        hidden=(64,) * depth, activation=activation, init=init, dropout=0.0, batch_norm=bn
    )  # type: ignore[arg-type]
    return MLP(config, n_inputs=20, n_classes=4).double()


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("bn", [False, True])
def test_recorded_statistics_equal_a_direct_computation(activation: str, bn: bool) -> None:
    model = deep(activation, "xavier", depth=3, bn=bn)
    reference = copy.deepcopy(model)
    x = torch.randn(32, 20, dtype=torch.float64)
    y = torch.randint(0, 4, (32,))
    recorder = StatsRecorder(model, activation)
    F.cross_entropy(model(x), y).backward()
    stats = recorder.stats()
    # the same network run by hand, module by module, and differentiated by autograd.grad
    h, acts = x, []
    for module in reference.net:
        h = module(h)
        if isinstance(module, ACTIVATIONS[activation]):
            acts.append(h)
    linears = [m for m in reference.net if isinstance(m, nn.Linear)][:3]
    grads = torch.autograd.grad(F.cross_entropy(h, y), [m.weight for m in linears])
    assert len(stats) == len(acts) == 3
    for s, a, g in zip(stats, acts, grads, strict=True):
        a = a.detach()
        assert s.mean == pytest.approx(float(a.mean()), rel=1e-12, abs=1e-15)
        assert s.std == pytest.approx(float(a.std()), rel=1e-12)
        flat = saturated(activation, a)
        assert s.saturated == pytest.approx(float(flat.double().mean()))
        assert s.dead == pytest.approx(float(flat.all(dim=0).double().mean()))
        assert s.grad_std == pytest.approx(float(g.std()), rel=1e-10)
    recorder.remove()
    model(x)
    assert recorder.outputs[0] is not None  # hooks removed: nothing new is caught...
    assert all(not m._forward_hooks for m in model.modules())  # ...and none remain


def test_saturation_regions_of_each_activation() -> None:
    a = torch.tensor([-1.0, -0.99, -0.5, 0.0, 0.01, 0.5, 0.99, 1.0])
    assert saturated("tanh", a).tolist() == [True, True, False, False, False, False, True, True]
    assert saturated("relu", a).tolist() == [True, True, True, True, False, False, False, False]
    assert saturated("leaky_relu", a).tolist()[:4] == [True, True, True, False]
    assert saturated("sigmoid", a).tolist() == [
        True, True, True, True, True, False, True, True
    ]  # fmt: skip


def _stds(model: MLP, activation: str) -> list[float]:
    recorder = StatsRecorder(model, activation)
    model(torch.randn(256, 20, dtype=torch.float64))
    return [s.std for s in recorder.stats()]


def test_too_small_init_collapses_the_signal_and_he_keeps_it_through_relu_layers() -> None:
    small, he = _stds(deep("relu", "small"), "relu"), _stds(deep("relu", "he"), "relu")
    # std 0.01 with 64 inputs: each ReLU layer scales the signal's std by about
    # √(64/2)·0.01 ≈ 0.057, so 0.057⁵ ≈ 6e-7 from layer 1 to 6; He's √(2/64) keeps it level
    assert small[-1] < 1e-5 * small[0]
    assert 1 / 3 < he[-1] / he[0] < 3
    # tanh is the identity near 0: × √64·0.01 = 0.08 per layer, 0.08⁵ ≈ 3e-6 (measured 3.1e-6)
    tanh_small = _stds(deep("tanh", "small"), "tanh")
    assert tanh_small[-1] < 1e-4 * tanh_small[0]


def test_batch_norm_rescues_the_too_small_init() -> None:
    model = deep("relu", "small", bn=True)
    stds = _stds(model, "relu")
    assert min(stds) > 0.3  # BN: unit variance before ReLU → std of max(0, z) ≈ 0.58
    assert sum(isinstance(m, nn.BatchNorm1d) for m in model.modules()) == 6


def test_activations_command_writes_statistics_and_pictures(
    mnist500_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "act"
    args = [
        "mlp", "activations", "--data", "mnist-5k", "--activations", "tanh", "relu",
        "--inits", "small", "he", "--depth", "3", "--width", "32", "--train-rows", "256",
        "--val-rows", "50", "--epochs", "2", "--batch-size", "64", "--record-every", "2",
        "--out", str(out),
    ]  # fmt: skip
    assert main(args) == 0
    result = json.loads((out / "activations.json").read_text())
    settings = [(r["activation"], r["init"], r["batch_norm"]) for r in result["summary"]]
    assert settings == [
        ("tanh", "small", False), ("tanh", "he", False), ("tanh", "small", True),
        ("relu", "small", False), ("relu", "he", False), ("relu", "small", True),
    ]  # fmt: skip
    run = result["runs"][0]
    assert run["steps"] == [0, 2, 4, 6, 8]  # 4 steps per epoch, 2 epochs, then the final record
    assert len(run["layers"]) == 5 and len(run["layers"][0]) == 3
    for name in ("activation_std.png", "gradient_std.png", "saturated.png", "accuracy.png"):
        assert (out / name).stat().st_size > 10_000
