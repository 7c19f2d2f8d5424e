"""The protocol of ``dlc classic``: preprocessing fitted on train only, and the scores."""

from __future__ import annotations

import numpy as np
import pytest

from dlclassics.classic.protocol import PREPROCESS, Splits, preprocess, score
from dlclassics.errors import ConfigError


def splits(rng: np.random.Generator) -> Splits:
    def part(n: int, shift: float) -> tuple[np.ndarray, np.ndarray]:
        return rng.normal(shift, 2.0, size=(n, 3)), rng.integers(0, 3, size=n)

    return Splits(*part(40, 5.0), *part(10, -1.0), *part(10, 3.0))


@pytest.mark.parametrize("how", list(PREPROCESS))
def test_preprocessing_uses_statistics_of_the_train_split_only(how: str) -> None:
    s = splits(np.random.default_rng(0))
    out = preprocess(s, how)  # type: ignore[arg-type]
    mean, std = s.X_train.mean(axis=0), s.X_train.std(axis=0)
    expected = {
        "normalize": lambda X: (X - mean) / std,
        "center": lambda X: X - mean,
        "none": lambda X: X,
    }[how]
    for X, X_out in ((s.X_train, out.X_train), (s.X_val, out.X_val), (s.X_test, out.X_test)):
        np.testing.assert_allclose(X_out, expected(X), rtol=1e-12)
    assert out.y_train is s.y_train and out.y_val is s.y_val and out.y_test is s.y_test


def test_an_unknown_preprocessing_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="preprocess='whiten' is not known"):
        preprocess(splits(np.random.default_rng(0)), "whiten")  # type: ignore[arg-type]


def test_score_counts_val_and_test_hits_and_the_test_confusion() -> None:
    s = splits(np.random.default_rng(1))

    def predict(X: np.ndarray) -> np.ndarray:
        return np.zeros(len(X), dtype=np.int64)  # always class 0

    result = score(s, predict, n_classes=3)
    assert result.val_accuracy == pytest.approx(np.mean(s.y_val == 0))
    assert result.test_accuracy == pytest.approx(np.mean(s.y_test == 0))
    expected = np.zeros((3, 3), dtype=np.int64)
    expected[:, 0] = np.bincount(s.y_test, minlength=3)  # every true class predicted as 0
    np.testing.assert_array_equal(result.confusion, expected)
    assert result.predict_seconds >= 0
