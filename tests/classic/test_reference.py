"""The torch twin of the engine MLP follows our training step for step; the timing harness."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from dlclassics.classic.mlp_engine import FitConfig, fit_engine_mlp
from dlclassics.classic.reference import engine_initial_state, epoch_time_ratio, fit_torch_mlp
from dlclassics.errors import ConfigError

FIT = FitConfig(hidden=(16, 8), epochs=3, batch_size=20, lr=0.05, weight_decay=1e-3, seed=3)


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    return rng.normal(size=(90, 12)), rng.integers(0, 4, size=90)


def test_torch_reference_training_follows_the_engine_step_for_step() -> None:
    """fit_torch_mlp starts from the engine's weights and visits the same batches, so with
    dropout 0 both runs end at the same weights (float64, up to rounding)."""
    X, y = data()
    engine = fit_engine_mlp(X, y, FIT).model.state_dict()
    reference = fit_torch_mlp(X, y, FIT).state_dict()
    assert engine.keys() == reference.keys()
    for name, value in engine.items():
        torch.testing.assert_close(torch.from_numpy(value), reference[name], rtol=1e-9, atol=1e-11)


def test_the_torch_reference_parts_from_the_engine_when_its_first_weights_differ() -> None:
    """The oracle bites: training from another seed's first weights ends elsewhere."""
    X, y = data()
    engine = fit_engine_mlp(X, y, FIT).model.state_dict()
    other = fit_torch_mlp(X, y, replace(FIT, seed=4)).state_dict()
    assert not np.allclose(engine["layers.0.weight"], other["layers.0.weight"].numpy())


def test_engine_initial_state_is_the_mlp_fit_engine_mlp_starts_from() -> None:
    X, y = data()
    model, _ = engine_initial_state(12, 4, FIT)
    assert model.config.sizes == (12, 16, 8, 4)
    untrained = fit_engine_mlp(X, y, replace(FIT, lr=1e-300, epochs=1))
    for name, value in model.state_dict().items():
        np.testing.assert_allclose(
            value, untrained.model.state_dict()[name], atol=1e-250, err_msg=name
        )


def test_epoch_time_ratio_times_the_asked_steps_and_restores_torch_threads() -> None:
    X, y = data()
    threads = torch.get_num_threads()
    timing = epoch_time_ratio(X, y, FIT, batches=2, repeats=1)
    assert timing["timed_steps"] == 2 and torch.get_num_threads() == threads
    engine_ms, torch_ms = timing["engine_step_ms"], timing["torch_step_ms"]
    assert isinstance(engine_ms, float) and isinstance(torch_ms, float)
    assert timing["engine_over_torch_epoch_time"] == pytest.approx(
        engine_ms / torch_ms, rel=0.05, abs=0.006
    )
    with pytest.raises(ConfigError, match="timing_batches=0"):
        epoch_time_ratio(X, y, FIT, batches=0)
