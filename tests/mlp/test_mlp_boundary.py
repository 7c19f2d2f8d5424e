"""Width and the decision boundary: the 2-D data, the grid, the L2 term and `dlc mlp boundary`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from dlclassics.cli import main
from dlclassics.errors import ConfigError
from dlclassics.mlp.boundary import BoundaryConfig, boundary_grid, fit_mlp, l2_penalty, sweep
from dlclassics.mlp.toy2d import GENERATORS, make_data


@pytest.mark.parametrize("name", list(GENERATORS))
def test_toy_sets_are_balanced_shuffled_and_reproducible(name: str) -> None:
    X, y = make_data(name, 101, np.random.default_rng(3))
    assert X.shape == (101, 2) and X.dtype == np.float32 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50, 51]
    assert 0 < y[:20].sum() < 20  # shuffled: the first rows hold both classes
    X2, y2 = make_data(name, 101, np.random.default_rng(3))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


def test_circles_put_class_one_inside_class_zero() -> None:
    X, y = make_data("circles", 400, np.random.default_rng(0))
    r = np.linalg.norm(X, axis=1)
    assert r[y == 1].mean() < 0.6 < r[y == 0].mean()  # radii 0.5 and 1, noise σ = 0.1


def test_unknown_toy_set_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="spirals"):
        make_data("swiss-roll", 10, np.random.default_rng(0))


def test_boundary_grid_spans_the_data_with_a_margin_in_row_major_order() -> None:
    X = np.array([[0.0, -1.0], [2.0, 3.0]], dtype=np.float32)
    grid = boundary_grid(X, resolution=5, margin=0.25)
    np.testing.assert_allclose(grid.xs, np.linspace(-0.5, 2.5, 5), rtol=1e-6)
    np.testing.assert_allclose(grid.ys, np.linspace(-2.0, 4.0, 5), rtol=1e-6)
    assert grid.points.shape == (25, 2)
    for i in range(5):
        for j in range(5):  # row i·R + j holds (xs[j], ys[i]), the layout contourf expects
            np.testing.assert_array_equal(grid.points[i * 5 + j], [grid.xs[j], grid.ys[i]])


def test_l2_penalty_is_half_the_squared_weights_without_biases() -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    direct = 0.5 * (model[0].weight.pow(2).sum() + model[2].weight.pow(2).sum())
    torch.testing.assert_close(l2_penalty(model), direct)


def test_a_wide_network_fits_the_spirals_a_single_unit_cannot() -> None:
    config = BoundaryConfig(points=200, steps=600)
    X, y = (torch.from_numpy(a) for a in make_data("spirals", 200, np.random.default_rng(0)))
    narrow, wide = (fit_mlp(X, y, width, 0.0, config) for width in (1, 50))
    acc = [float((m(X).argmax(-1) == y).float().mean()) for m in (narrow, wide)]
    # one unit draws one line: 0.57-0.66 train accuracy over seeds 0-4 (data and weights);
    # 50 units after 600 steps: 0.97-1.00
    assert acc[0] < 0.75 < 0.9 < acc[1]


def test_sweep_gives_one_network_per_setting_and_its_grid() -> None:
    config = BoundaryConfig(datasets=("moons",), widths=(1, 4), l2=(0.0, 0.1), points=40,
                            steps=5, resolution=7)  # fmt: skip
    data, fitted = sweep(config)
    assert [(f.width, f.l2) for f in fitted] == [(1, 0.0), (4, 0.0), (1, 0.1), (4, 0.1)]
    assert len(data["moons"].X_train) == 30 and len(data["moons"].X_val) == 10
    for f in fitted:
        assert f.probability.shape == (7, 7)
        assert ((f.probability >= 0) & (f.probability <= 1)).all()


def test_boundary_command_writes_pictures_and_rows(tmp_path: Path) -> None:
    out = tmp_path / "b"
    args = [
        "mlp", "boundary", "--datasets", "moons", "circles", "--widths", "2", "8", "--l2", "0",
        "--points", "60", "--steps", "50", "--resolution", "20", "--out", str(out),
    ]  # fmt: skip
    assert main(args) == 0
    result = json.loads((out / "boundary.json").read_text())
    assert [(r["dataset"], r["width"]) for r in result["rows"]] == [
        ("moons", 2), ("moons", 8), ("circles", 2), ("circles", 8)
    ]  # fmt: skip
    assert result["command"].startswith("dlc ")
    for name in ("boundary.png", "accuracy.png"):
        assert (out / name).stat().st_size > 5_000
