"""Autograd from scratch: a scalar engine, a NumPy tensor engine and gradient checking.

004 §二.6–§二.7 (反向传播, 前向和反向传播的特殊运算结构) as code:

* :mod:`.scalar` — :class:`Value`, one number per node (micrograd style), with the
  ``Neuron/Layer/MLP`` module API;
* :mod:`.tensor` — :class:`Tensor`, NumPy arrays per node (float64), broadcasting,
  matmul with the matrix rule dW = dD·Xᵀ, reductions, indexing, softmax losses, dropout;
* :mod:`.gradcheck` — centred differences and the relative error used to verify any of it;
* :mod:`.graph` — topological order, DOT text and :func:`draw_graph`.
"""

from dlclassics.autograd.gradcheck import (
    check_gradient,
    gradcheck,
    numerical_gradient,
    relative_error,
)
from dlclassics.autograd.graph import draw_graph, to_dot, topological_order
from dlclassics.autograd.scalar import MLP, Layer, Module, Neuron, Value
from dlclassics.autograd.tensor import Tensor, cross_entropy, dropout, log_softmax, no_grad

__all__ = [
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "Tensor",
    "Value",
    "check_gradient",
    "cross_entropy",
    "draw_graph",
    "dropout",
    "gradcheck",
    "log_softmax",
    "no_grad",
    "numerical_gradient",
    "relative_error",
    "to_dot",
    "topological_order",
]
