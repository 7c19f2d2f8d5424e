"""Computational graphs: topological order, DOT text and a matplotlib drawing (004 §二.6).

Backpropagation visits the nodes of the graph in *reverse topological order*: a node's
gradient is complete only once every node that uses it has passed its share back
(004 §二.6.2 "一步一步传": [(x·w₁)·w₂]·w₃ needs ∂f/∂w₃ before ∂f/∂w₂ before ∂f/∂w₁).

:func:`draw_graph` draws the graph as a layered DAG (inputs on the left, output on the
right), each node showing its operation, its forward value (data) and its gradient —
the pictures of 004 §二.6.3 with the numbers filled in::

    >>> from dlclassics.autograd import Value, draw_graph
    >>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> draw_graph(f, "graph.png")  # doctest: +SKIP
    PosixPath('graph.png')

Works for both engines (a :class:`~dlclassics.autograd.scalar.Value` or a
:class:`~dlclassics.autograd.tensor.Tensor` graph). Graphviz is not needed: the layout
is computed here and drawn with matplotlib's Agg/SVG backends; :func:`to_dot` gives DOT
text for those who have graphviz.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

import numpy as np

from dlclassics.errors import ConfigError
from dlclassics.io import write_bytes


class GraphNode(Protocol):
    """A node of either engine: inputs, producing operation, value, gradient, name."""

    @property
    def _prev(self) -> Sequence[Any]: ...

    @property
    def _op(self) -> str: ...

    @property
    def data(self) -> Any: ...

    @property
    def grad(self) -> Any: ...

    @property
    def label(self) -> str: ...


N = TypeVar("N", bound=GraphNode)

_FORMATS = ("png", "svg", "pdf")


def topological_order(root: N) -> list[N]:
    """Nodes reachable from ``root``, each listed after all of its inputs.

    Iterative depth-first search, so a deep graph (a sum over 10⁴ terms) does not hit
    Python's recursion limit.
    """
    order: list[N] = []
    seen: set[int] = set()
    stack: list[tuple[N, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        children = cast("Sequence[N]", node._prev)
        stack.extend((child, False) for child in reversed(children) if id(child) not in seen)
    return order


def _fmt(x: Any) -> str:
    if x is None:
        return "—"
    arr = np.asarray(x, dtype=float)
    if arr.size == 1:
        return f"{float(arr.reshape(())):.4g}"
    if arr.size <= 4:
        return np.array2string(arr, precision=3, separator=", ")
    return "shape " + "×".join(str(d) for d in arr.shape)


def _node_text(node: GraphNode) -> tuple[str, str, str]:
    head = node._op or node.label or "input"
    if node._op and node.label:
        head = f"{node.label} = {node._op}"
    return head, f"data {_fmt(node.data)}", f"grad {_fmt(node.grad)}"


def to_dot(root: GraphNode) -> str:
    """The graph in Graphviz DOT: one record ``{op | data | grad}`` per node, inputs → users."""
    order = topological_order(root)
    ids = {id(n): f"n{i}" for i, n in enumerate(order)}
    lines = ["digraph G {", "  rankdir=LR;", '  node [shape=record, fontname="Helvetica"];']
    for n in order:
        fields = " | ".join(_escape_dot(t) for t in _node_text(n))
        lines.append(f'  {ids[id(n)]} [label="{{ {fields} }}"];')
    for n in order:
        lines.extend(f"  {ids[id(c)]} -> {ids[id(n)]};" for c in n._prev)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _escape_dot(text: str) -> str:
    for ch in '\\"{}|<>':
        text = text.replace(ch, "\\" + ch)
    return text


def layered_layout(root: GraphNode) -> dict[int, tuple[int, float]]:
    """``id(node) → (layer, rank)``: where :func:`draw_graph` puts each node.

    An operation's layer is one more than its deepest input's; an input (leaf) sits one
    layer before its first user, so constants appear next to where they are used. Inside a
    layer nodes keep their topological (depth-first) order, which keeps each operation
    near its inputs; ranks are centred on 0.
    """
    order = topological_order(root)
    layer: dict[int, int] = {}
    for n in order:  # operations: one past their deepest operation input
        if n._prev:
            layer[id(n)] = 1 + max((layer[id(c)] for c in n._prev if c._prev), default=0)
    for n in order:  # leaves: one before their first user
        for c in n._prev:
            if not c._prev:
                layer[id(c)] = min(layer.get(id(c), layer[id(n)]), layer[id(n)] - 1)
    layer.setdefault(id(root), 0)  # a lone leaf
    by_layer: dict[int, list[GraphNode]] = {}
    for n in order:
        by_layer.setdefault(layer[id(n)], []).append(n)
    pos: dict[int, tuple[int, float]] = {}
    for k, nodes in by_layer.items():
        for r, n in enumerate(nodes):
            pos[id(n)] = (k, r - (len(nodes) - 1) / 2)
    return pos


def draw_graph(root: GraphNode, path: str | os.PathLike[str], *, max_nodes: int = 200) -> Path:
    """Draw the graph ending at ``root`` to ``path`` (.png, .svg or .pdf); return the path.

    Each box shows the node's operation (or its label, for an input), ``data`` and ``grad``;
    arrows run from inputs to the nodes that use them. Call ``root.backward()`` first to
    see gradients.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in _FORMATS:
        raise ConfigError(f"cannot draw a graph to {path.name!r}: use a .png, .svg or .pdf path")
    order = topological_order(root)
    if len(order) > max_nodes:
        raise ConfigError(
            f"graph has {len(order)} nodes, more than max_nodes={max_nodes}: "
            "draw a smaller expression or raise max_nodes"
        )
    pos = layered_layout(root)
    n_layers = 1 + max(layer for layer, _ in pos.values())
    ranks = [r for _, r in pos.values()]
    height_units = max(ranks) - min(ranks) + 1

    dx, dy = 3.0, 1.4  # data units between layers / between ranks
    fig = Figure(figsize=(0.8 * dx * n_layers + 0.6, max(1.6, 0.6 * dy * height_units + 0.6)))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    xy = {k: (dx * layer, -dy * r) for k, (layer, r) in pos.items()}
    half_w = 0.8  # half a box's width in data units, where an edge starts and ends
    for n in order:
        x1, y1 = xy[id(n)]
        for c in n._prev:
            x0, y0 = xy[id(c)]
            ax.annotate(
                "",
                xy=(x1 - half_w, y1),
                xytext=(x0 + half_w, y0),
                arrowprops={"arrowstyle": "->", "color": "0.45", "lw": 0.8},
                zorder=1,
            )
    for n in order:
        x, y = xy[id(n)]
        colour = "#dbe9f6" if not n._prev else ("#fde2c8" if n is root else "#eeeeee")
        ax.text(
            x,
            y,
            "\n".join(_node_text(n)),
            ha="center",
            va="center",
            fontsize=7,
            family="monospace",
            bbox={"boxstyle": "round,pad=0.35", "fc": colour, "ec": "0.3", "lw": 0.6},
            zorder=2,
        )
    ys = [y for _, y in xy.values()]
    ax.set_xlim(-half_w - 0.4, dx * (n_layers - 1) + half_w + 0.4)
    ax.set_ylim(min(ys) - dy * 1.1, max(ys) + dy * 1.1)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=130)
    write_bytes(path, buf.getvalue())
    return path
