"""The tensor-engine MLP against torch.nn, dropout behaviour, and a training sanity check."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlclassics.autograd.tensor import Tensor, cross_entropy
from dlclassics.classic.mlp_engine import (
    MLP,
    Dropout,
    FitConfig,
    MLPConfig,
    fit_engine_mlp,
    spiral,
    torch_mlp,
)
from dlclassics.errors import CheckpointError, ConfigError, TrainingDiverged

CONFIG = MLPConfig(sizes=(5, 16, 8, 3), activation="tanh", dropout=0.3, init="xavier")


def test_parameter_names_and_shapes_follow_torch() -> None:
    ours = MLP(CONFIG, rng=np.random.default_rng(0))
    theirs = torch_mlp(CONFIG)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert list(ours.state_dict())[:2] == ["layers.0.weight", "layers.0.bias"]
    for (name, p), (_, pt) in zip(ours.named_parameters(), theirs.named_parameters(), strict=True):
        assert p.shape == tuple(pt.shape), name
    assert ours.state_dict()["layers.0.weight"].shape == (16, 5)  # (out, in)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
@pytest.mark.parametrize("mode", ["eval-with-dropout", "train-without-dropout"])
def test_logits_and_all_gradients_match_torch(activation: str, mode: str) -> None:
    p = 0.3 if mode == "eval-with-dropout" else 0.0
    config = MLPConfig(sizes=(5, 16, 8, 3), activation=activation, dropout=p)
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(12, 5)), rng.integers(0, 3, size=12)

    theirs = torch_mlp(config)
    ours = MLP(config, rng=np.random.default_rng(2))
    ours.load_state_dict(theirs.state_dict())  # same initial weights
    if mode == "eval-with-dropout":
        ours.eval()
        theirs.eval()

    logits = ours(X)
    cross_entropy(logits, y).backward()
    logits_t = theirs(torch.tensor(X))
    F.cross_entropy(logits_t, torch.tensor(y)).backward()

    np.testing.assert_allclose(logits.data, logits_t.detach().numpy(), rtol=1e-8, atol=1e-10)
    grads_t = {name: q.grad.numpy() for name, q in theirs.named_parameters()}
    for name, q in ours.named_parameters():
        assert q.grad is not None
        np.testing.assert_allclose(q.grad, grads_t[name], rtol=1e-8, atol=1e-10, err_msg=name)


def test_state_dict_round_trips_into_torch_and_back() -> None:
    ours = MLP(CONFIG, rng=np.random.default_rng(3))
    theirs = torch_mlp(CONFIG)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    again = MLP(CONFIG, rng=np.random.default_rng(4))
    again.load_state_dict(theirs.state_dict())
    for k, v in ours.state_dict().items():
        np.testing.assert_array_equal(again.state_dict()[k], v)


def test_load_state_dict_names_missing_keys_and_wrong_shapes() -> None:
    model = MLP(CONFIG, rng=np.random.default_rng(0))
    state = model.state_dict()
    del state["layers.3.bias"]
    with pytest.raises(CheckpointError, match=r"missing \['layers.3.bias'\]"):
        model.load_state_dict(state)
    other = MLP(MLPConfig(sizes=(5, 17, 8, 3)), rng=np.random.default_rng(0))
    with pytest.raises(CheckpointError, match=r"layers.0.weight has shape \(17, 5\)"):
        model.load_state_dict(other.state_dict())


def test_wrong_input_width_is_a_clear_error() -> None:
    model = MLP(CONFIG, rng=np.random.default_rng(0))
    with pytest.raises(ConfigError, match=r"\(B, 5\)"):
        model(np.zeros((2, 4)))


# ---- dropout --------------------------------------------------------------------------------


def test_eval_mode_is_deterministic_and_ignores_dropout() -> None:
    model = MLP(CONFIG, rng=np.random.default_rng(5))
    no_dropout = MLP(
        MLPConfig(sizes=CONFIG.sizes, activation="tanh", dropout=0.0), rng=np.random.default_rng(6)
    )
    no_dropout.load_state_dict(model.state_dict())
    X = np.random.default_rng(7).normal(size=(4, 5))
    model.eval()
    np.testing.assert_array_equal(model(X).data, model(X).data)
    np.testing.assert_array_equal(model(X).data, no_dropout(X).data)


def test_train_mode_zeroes_about_p_of_the_units_and_scales_the_rest() -> None:
    layer = Dropout(0.4, rng=np.random.default_rng(8))
    out = layer(Tensor(np.ones((500, 400)))).data  # 2e5 units
    dropped = out == 0.0
    assert abs(dropped.mean() - 0.4) < 0.006  # std √(.4·.6/2e5) ≈ 0.0011; 5σ
    np.testing.assert_allclose(out[~dropped], 1 / 0.6)
    assert out.mean() == pytest.approx(1.0, abs=0.01)  # expectation preserved


def test_train_mode_output_averages_to_the_eval_output() -> None:
    # one hidden layer: the logits are linear in the dropped units, so E[train] = eval exactly
    config = MLPConfig(sizes=(4, 64, 3), activation="relu", dropout=0.5)
    model = MLP(config, rng=np.random.default_rng(9))
    x = np.random.default_rng(10).normal(size=(1, 4))
    model.eval()
    expected = model(x).data
    model.train()
    samples = np.stack([model(x).data for _ in range(4000)])
    spread = samples.std(axis=0) / np.sqrt(len(samples))  # standard error of the mean
    assert np.all(np.abs(samples.mean(axis=0) - expected) < 5 * spread)
    assert samples.std(axis=0).min() > 0  # training outputs really are random


# ---- the training loop ----------------------------------------------------------------------


def test_fit_engine_mlp_learns_the_spiral() -> None:
    X, y = spiral(n_per_class=50, classes=3, rng=np.random.default_rng(0))
    result = fit_engine_mlp(X, y, FitConfig(hidden=(32,), epochs=60))
    accuracy = (result.model.predict(X) == y).mean()
    # a linear classifier gets ≈ 0.5 here; over seeds 0–19 this reached 0.94 … 0.99
    assert accuracy > 0.9
    assert result.losses[-1] < 0.3 * result.losses[0]  # measured ratio ≤ 0.14
    assert len(result.losses) == 60


def test_fit_engine_mlp_is_reproducible_from_its_seed() -> None:
    X, y = spiral(n_per_class=20, classes=2, rng=np.random.default_rng(1))
    config = FitConfig(hidden=(8,), epochs=3, dropout=0.2)
    a, b = fit_engine_mlp(X, y, config), fit_engine_mlp(X, y, config)
    assert a.losses == b.losses


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_fit_engine_mlp_reports_divergence() -> None:
    X, y = spiral(n_per_class=20, classes=2, rng=np.random.default_rng(1))
    with pytest.raises(TrainingDiverged, match="lower lr"):
        fit_engine_mlp(X * 1e3, y, FitConfig(hidden=(8,), epochs=20, lr=1e3))


def test_fit_engine_mlp_rejects_float_labels() -> None:
    with pytest.raises(ConfigError, match="integer y"):
        fit_engine_mlp(np.zeros((3, 2)), np.zeros(3))


def test_mean_loss_matches_torch_cross_entropy_in_eval_mode() -> None:
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(30, 5)), rng.integers(0, 3, size=30)
    theirs = torch_mlp(CONFIG)  # dropout 0.3: eval mode must switch it off
    ours = MLP(CONFIG, rng=np.random.default_rng(0))
    ours.load_state_dict(theirs.state_dict())
    theirs.eval()
    expected = F.cross_entropy(theirs(torch.tensor(X)), torch.tensor(y)).item()
    assert ours.mean_loss(X, y) == pytest.approx(expected, rel=1e-12)
    assert ours.training  # the mode it was in comes back
