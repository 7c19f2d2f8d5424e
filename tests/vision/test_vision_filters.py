"""Edge detection (note 003 · 卷积运算可以检测图像边缘): the 6×6 worked example and the picture."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pytest

from dlclassics.errors import ConfigError
from dlclassics.vision import filters
from dlclassics.vision.conv import cross_correlate2d
from dlclassics.vision.filters import EDGE_KERNELS, detect_edges, edge_kernel, edge_picture

FIXTURES = Path(__file__).parents[1] / "fixtures"
HALF = np.array([[10.0] * 3 + [0.0] * 3] * 6)  # the notes' 6×6 image: left half 10, right half 0


def fixture_digits() -> np.ndarray:
    """The 100 committed MNIST digits as uint8 (100, 28, 28); the last column is the label."""
    table = np.loadtxt(FIXTURES / "mnist_5k_head.csv.gz", delimiter=",", dtype=np.int64)
    return table[:, :784].reshape(-1, 28, 28).astype(np.uint8)


def test_module_docstring_examples_run() -> None:
    assert doctest.testmod(filters).failed == 0


def test_notes_6x6_example_gives_the_column_of_30s() -> None:
    expected = np.array([[0.0, 30.0, 30.0, 0.0]] * 4)
    np.testing.assert_array_equal(detect_edges(HALF[None], ["vertical"])[0, 0], expected)
    np.testing.assert_array_equal(cross_correlate2d(HALF, EDGE_KERNELS["vertical"]), expected)


def test_dark_to_bright_edges_have_the_opposite_sign() -> None:
    flipped = HALF[:, ::-1]  # left half 0, right half 10
    np.testing.assert_array_equal(
        detect_edges(flipped[None], ["vertical"])[0, 0], -np.array([[0.0, 30.0, 30.0, 0.0]] * 4)
    )


def test_horizontal_filters_find_the_transposed_edge() -> None:
    for prefix in ("", "sobel-", "scharr-"):
        vertical = detect_edges(HALF[None], [f"{prefix}vertical"])[0, 0]
        horizontal = detect_edges(HALF.T[None], [f"{prefix}horizontal"])[0, 0]
        np.testing.assert_array_equal(horizontal, vertical.T)
        assert detect_edges(HALF[None], [f"{prefix}horizontal"]).max() == 0  # no top–bottom change


def test_kernels_are_the_textbook_ones_and_ignore_flat_regions() -> None:
    np.testing.assert_array_equal(
        EDGE_KERNELS["sobel-vertical"], [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
    )
    np.testing.assert_array_equal(
        EDGE_KERNELS["scharr-vertical"], [[3, 0, -3], [10, 0, -10], [3, 0, -3]]
    )
    flat = np.full((1, 5, 5), 7.0)
    np.testing.assert_array_equal(detect_edges(flat), np.zeros((1, len(EDGE_KERNELS), 3, 3)))
    with pytest.raises(ValueError, match="read-only"):
        EDGE_KERNELS["vertical"][0, 0] = 5.0
    edge_kernel("vertical")[0, 0] = 5.0  # a copy: the table is unchanged
    assert EDGE_KERNELS["vertical"][0, 0] == 1.0


def test_edge_picture_of_real_digits_is_a_png(tmp_path: Path) -> None:
    digits = fixture_digits()
    out = edge_picture(digits, tmp_path / "edges.png", max_images=3)
    assert out == tmp_path / "edges.png"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image

    height, width = matplotlib.image.imread(out).shape[:2]
    assert width > height > 100  # 3 rows, 5 columns


def test_bad_inputs_raise_config_errors(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match="unknown edge kernel 'diagonal'; choose one of: vertical"
    ):
        detect_edges(HALF[None], ["diagonal"])
    with pytest.raises(ConfigError, match=r"\(N, H, W\)"):
        detect_edges(HALF)
    with pytest.raises(ConfigError, match="N ≥ 1"):
        edge_picture(np.zeros((0, 28, 28)), tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
