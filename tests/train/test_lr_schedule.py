"""Learning-rate schedules: warmup, endpoints of each decay, and bounds for any config."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlclassics.train import TrainerConfig, lr_at


def cfg(schedule: str, warmup: int = 0, steps: int = 100) -> TrainerConfig:
    return TrainerConfig(lr=0.1, max_steps=steps, warmup_steps=warmup, schedule=schedule)  # type: ignore[arg-type]


def test_warmup_rises_linearly_to_the_peak() -> None:
    c = cfg("cosine", warmup=10)
    assert [lr_at(s, c) for s in range(10)] == pytest.approx([0.01 * (s + 1) for s in range(10)])
    assert lr_at(10, c) == pytest.approx(0.1)  # first step after warmup: the peak


def test_cosine_starts_at_the_peak_halves_midway_and_ends_at_zero() -> None:
    c = cfg("cosine", warmup=20, steps=120)
    assert lr_at(20, c) == pytest.approx(0.1)
    assert lr_at(70, c) == pytest.approx(0.05)
    assert lr_at(120, c) == pytest.approx(0.0, abs=1e-12)
    assert 0 < lr_at(119, c) < 1e-4  # the last update still moves


def test_linear_decays_to_zero() -> None:
    c = cfg("linear")
    assert (lr_at(0, c), lr_at(50, c), lr_at(100, c)) == pytest.approx((0.1, 0.05, 0.0))


def test_step_divides_by_ten_at_half_and_three_quarters() -> None:
    c = cfg("step")
    values = [lr_at(s, c) for s in (0, 49, 50, 74, 75, 99)]
    assert values == pytest.approx([0.1, 0.1, 0.01, 0.01, 0.001, 0.001])


def test_constant_ignores_max_steps() -> None:
    assert lr_at(5, cfg("constant", steps=10)) == lr_at(5, cfg("constant", steps=1000)) == 0.1


@given(
    schedule=st.sampled_from(["constant", "cosine", "linear", "step"]),
    steps=st.integers(1, 500),
    warmup=st.integers(0, 100),
)
def test_lr_stays_in_zero_to_peak_and_never_rises_after_warmup(
    schedule: str, steps: int, warmup: int
) -> None:
    c = cfg(schedule, warmup=warmup, steps=steps)
    values = [lr_at(s, c) for s in range(steps + 1)]
    assert all(0.0 <= v <= 0.1 + 1e-15 for v in values)
    after = values[warmup:]
    assert all(b <= a + 1e-15 for a, b in itertools.pairwise(after))
    assert not any(math.isnan(v) for v in values)
