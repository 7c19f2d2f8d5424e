"""The notes' learning-rate picture, as numbers: creep, converge, oscillate, diverge."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dlclassics.classic.learning_rate import Valley, descend, plot_learning_rates, regimes
from dlclassics.errors import ConfigError


def test_descend_matches_the_closed_form_of_gradient_descent() -> None:
    valley = Valley()
    path, _ = descend(valley, lr=0.03, steps=10)
    a = np.asarray(valley.curvatures)
    expected = np.asarray(valley.start) * (1 - 0.03 * a) ** 10  # w_i(t) = (1 − η a_i)^t w_i(0)
    np.testing.assert_allclose(path[-1], expected, rtol=1e-12)


def test_too_small_creeps_right_converges_too_large_oscillates_and_diverges() -> None:
    valley = Valley()
    lrs = regimes(valley)
    _, small = descend(valley, lrs["too small"])
    _, right = descend(valley, lrs["right"])
    path, large = descend(valley, lrs["too large"])
    assert right[-1] < 0.1 * small[-1]  # same 40 steps: 1.0 vs 33.8, the right η is far ahead
    assert np.all(np.diff(small) < 0)  # creeping, but monotone
    assert large[-1] > large[0]  # η > 2/a_max: the loss grows
    signs = np.sign(path[1:, 1])
    assert np.all(signs[1:] == -signs[:-1])  # w₂ flips across the valley every step


def test_between_one_and_two_over_curvature_it_oscillates_but_converges() -> None:
    valley = Valley()
    path, losses = descend(valley, lr=1.5 / max(valley.curvatures), steps=60)
    assert losses[-1] < 1e-3 * losses[0]
    assert np.all(np.sign(path[1:, 1])[1:] == -np.sign(path[1:, 1])[:-1])


def test_plot_and_bad_input(tmp_path: Path) -> None:
    out = plot_learning_rates(tmp_path / "lr.png")
    assert out.stat().st_size > 10_000
    with pytest.raises(ConfigError, match="lr=0"):
        descend(Valley(), lr=0)
