"""Drawing computational graphs: DOT text and matplotlib files with op, data and grad."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dlclassics.autograd.graph import draw_graph, layered_layout, to_dot, topological_order
from dlclassics.autograd.scalar import Value
from dlclassics.autograd.tensor import Tensor
from dlclassics.errors import ConfigError


def _example() -> Value:
    # 004 §二.6.2: f = (x + y)·z
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    f = (x + y) * z
    f.backward()
    return f


def test_topological_order_lists_inputs_before_their_users() -> None:
    f = _example()
    order = topological_order(f)
    position = {id(n): i for i, n in enumerate(order)}
    assert order[-1] is f and len(order) == 5
    assert all(position[id(c)] < position[id(n)] for n in order for c in n._prev)


def test_layout_puts_inputs_left_of_their_users() -> None:
    f = _example()
    pos = layered_layout(f)
    for n in topological_order(f):
        assert all(pos[id(c)][0] < pos[id(n)][0] for c in n._prev)


def test_dot_text_shows_op_data_and_grad_of_each_node() -> None:
    dot = to_dot(_example())
    assert dot.startswith("digraph G {")
    assert "{ x | data -2 | grad -4 }" in dot
    assert "{ + | data 3 | grad -4 }" in dot
    assert "{ * | data -12 | grad 1 }" in dot
    assert dot.count("->") == 4


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_draw_graph_writes_an_image_file(tmp_path: Path, suffix: str) -> None:
    path = draw_graph(_example(), tmp_path / f"graph{suffix}")
    data = path.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG")
    else:
        assert b"<svg" in data
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically


def test_draw_graph_handles_a_tensor_graph(tmp_path: Path) -> None:
    W = Tensor(np.ones((3, 2)), requires_grad=True, label="W")
    loss = (W @ Tensor([1.0, 2.0])).relu().sum()
    loss.backward()
    assert "shape 3×2" in to_dot(loss)
    assert draw_graph(loss, tmp_path / "tensor.svg").exists()


def test_draw_graph_draws_a_lone_input(tmp_path: Path) -> None:
    x = Value(3.0, label="x")
    x.backward()
    assert draw_graph(x, tmp_path / "one.png").exists()


def test_draw_graph_rejects_an_unknown_format_and_huge_graphs(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\.png, \.svg or \.pdf"):
        draw_graph(_example(), tmp_path / "graph.jpg")
    big = sum((Value(float(i)) for i in range(300)), Value(0.0))
    with pytest.raises(ConfigError, match="max_nodes"):
        draw_graph(big, tmp_path / "big.png")
