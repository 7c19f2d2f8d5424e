"""Elman RNN, LSTM and GRU cells and layers, from scratch, with torch's names and gate order.

**RNN** (note 002, 循环神经网络). The hidden state carries the past: with U the input-to-hidden
matrix, W the hidden-to-hidden matrix shared by all time steps (and V the hidden-to-output
matrix, which belongs to the model using the layer)::

    h_t = tanh(U x_t + W h_{t−1} + b)

Here U = ``weight_ih``, W = ``weight_hh`` and b = ``bias_ih + bias_hh`` (torch keeps two bias
vectors; only their sum matters).

**LSTM** (note 002, 长短时记忆单元). A plain RNN forgets: back-propagated through many steps,
the gradient is multiplied by W and tanh' again and again and vanishes. The LSTM adds a cell
state C_t updated additively and three gates, each σ(W·[h_{t−1}, x_t] + b) ∈ (0, 1)::

    f_t = σ(W_f·[h_{t−1}, x_t] + b_f)          遗忘门 forget gate: how much of C_{t−1} to keep
    i_t = σ(W_i·[h_{t−1}, x_t] + b_i)          输入门 input gate: how much new content to write
    C̃_t = tanh(W_C·[h_{t−1}, x_t] + b_C)       the candidate content
    C_t = f_t ⊙ C_{t−1} + i_t ⊙ C̃_t            单元状态更新 cell update
    o_t = σ(W_o·[h_{t−1}, x_t] + b_o)          输出门 output gate
    h_t = o_t ⊙ tanh(C_t)

W·[h, x] is ``weight_hh`` h + ``weight_ih`` x with the four gates stacked in torch's order
**i, f, g, o** (g = C̃), so ``weight_ih`` is (4H, I).

**GRU** (Cho et al., 2014; note 003's RNN types): two gates, reset r and update z, stacked in
torch's order **r, z, n** (``weight_ih`` (3H, I)). Note where the reset gate acts — on the
hidden part of the candidate *including its bias*, as in torch and cuDNN::

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}

The multi-layer :class:`RNN`, :class:`LSTM` and :class:`GRU` stack cells (layer ℓ reads layer
ℓ−1's outputs; with ``bidirectional`` a second chain reads the sequence backwards and the two
outputs are concatenated) and name their parameters like ``nn.RNN``/``nn.LSTM``/``nn.GRU``
(``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, ``…_l0_reverse``), so::

    >>> import torch
    >>> from dlclassics.nn.rnn import LSTM
    >>> ref = torch.nn.LSTM(8, 16, num_layers=2, bidirectional=True, batch_first=True)
    >>> ours = LSTM(8, 16, num_layers=2, bidirectional=True)
    >>> ours.load_state_dict(ref.state_dict())
    <All keys matched successfully>

and both compute the same outputs, final states and gradients (``tests/nn/test_nn_rnn.py``).
These loop over time in Python, one readable step per position; the models' fast path uses
the torch modules. The input half of every gate, U x_t + b, does not depend on h, so it is
computed for all T steps in one matrix product before the loop.

Variable-length batches: ``forward(x, lengths=…)`` on right-padded input equals torch on a
``pack_padded_sequence``: each sequence's state stops at its last real token (the backward
direction starts there), and outputs at padding positions are zero.
"""

from __future__ import annotations

import math
from typing import Literal

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "GRUCell",
    "LSTMCell",
    "RNNCell",
    "gru_update",
    "lstm_update",
    "rnn_update",
]

Nonlinearity = Literal["tanh", "relu"]
_NONLINEARITIES = {"tanh": torch.tanh, "relu": torch.relu}


# --------------------------------------------------------------------------- one time step
# Each update takes xi = weight_ih x_t + bias_ih, the input half of the gates, precomputed.


def rnn_update(
    xi: Tensor,
    h: Tensor,
    weight_hh: Tensor,
    bias_hh: Tensor | None,
    nonlinearity: Nonlinearity = "tanh",
) -> Tensor:
    """h_t = tanh(U x_t + W h_{t−1} + b), with xi = U x_t + b_ih (B, H) and h = h_{t−1} (B, H)."""
    return _NONLINEARITIES[nonlinearity](xi + F.linear(h, weight_hh, bias_hh))  # (B, H)


def lstm_update(
    xi: Tensor, h: Tensor, c: Tensor, weight_hh: Tensor, bias_hh: Tensor | None
) -> tuple[Tensor, Tensor]:
    """One LSTM step: xi (B, 4H) = weight_ih x_t + bias_ih, (h_{t−1}, C_{t−1}) → (h_t, C_t)."""
    gates = xi + F.linear(h, weight_hh, bias_hh)  # (B, 4H): W·[h_{t−1}, x_t] + b, gates i, f, g, o
    i, f, g, o = gates.chunk(4, dim=-1)  # each (B, H)
    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
    c = f * c + i * g  # C_t = f_t ⊙ C_{t−1} + i_t ⊙ C̃_t
    h = o * torch.tanh(c)  # h_t = o_t ⊙ tanh(C_t)
    return h, c


def gru_update(xi: Tensor, h: Tensor, weight_hh: Tensor, bias_hh: Tensor | None) -> Tensor:
    """One GRU step: xi (B, 3H) = weight_ih x_t + bias_ih, h = h_{t−1} (B, H) → h_t."""
    xr, xz, xn = xi.chunk(3, dim=-1)  # W_i· x_t + b_i·, each (B, H)
    hr, hz, hn = F.linear(h, weight_hh, bias_hh).chunk(3, dim=-1)  # W_h· h_{t−1} + b_h·
    r = torch.sigmoid(xr + hr)  # reset gate
    z = torch.sigmoid(xz + hz)  # update gate
    n = torch.tanh(xn + r * hn)  # candidate: r multiplies (W_hn h + b_hn), bias included
    return (1 - z) * n + z * h


# --------------------------------------------------------------------------- cells


class _Cell(nn.Module):
    """weight_ih (G·H, I), weight_hh (G·H, H), bias_ih, bias_hh (G·H,) for G gate blocks."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, gates: int) -> None:
        super().__init__()
        if input_size <= 0 or hidden_size <= 0:
            raise ValueError(
                f"input_size={input_size} and hidden_size={hidden_size} must be positive"
            )
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.weight_ih = nn.Parameter(torch.empty(gates * hidden_size, input_size))
        self.weight_hh = nn.Parameter(torch.empty(gates * hidden_size, hidden_size))
        self.bias_ih: nn.Parameter | None
        self.bias_hh: nn.Parameter | None
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(gates * hidden_size))
            self.bias_hh = nn.Parameter(torch.empty(gates * hidden_size))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's initialisation: every weight and bias U(−1/√H, 1/√H)."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def _zeros(self, x: Tensor) -> Tensor:
        return x.new_zeros(x.shape[0], self.hidden_size)  # (B, H)

    def _check(self, x: Tensor) -> None:
        if x.dim() != 2 or x.shape[1] != self.input_size:
            raise ValueError(f"expected input (B, {self.input_size}), got shape {tuple(x.shape)}")


class RNNCell(_Cell):
    """Elman cell h_t = tanh(U x_t + W h_{t−1} + b) (note 002, 循环神经网络); ≡ ``nn.RNNCell``."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: Nonlinearity = "tanh",
    ) -> None:
        if nonlinearity not in _NONLINEARITIES:
            raise ValueError(f"nonlinearity={nonlinearity!r} must be 'tanh' or 'relu'")
        super().__init__(input_size, hidden_size, bias, gates=1)
        self.nonlinearity: Nonlinearity = nonlinearity

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        """x_t (B, I), h_{t−1} (B, H) or None for zeros → h_t (B, H)."""
        self._check(x)
        h = self._zeros(x) if h is None else h
        return rnn_update(
            F.linear(x, self.weight_ih, self.bias_ih),
            h,
            self.weight_hh,
            self.bias_hh,
            self.nonlinearity,
        )


class LSTMCell(_Cell):
    """LSTM cell, gates i, f, g, o (note 002, 长短时记忆单元); ≡ ``nn.LSTMCell``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size, bias, gates=4)

    def forward(
        self, x: Tensor, state: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, Tensor]:
        """x_t (B, I), (h_{t−1}, C_{t−1}) each (B, H) or None for zeros → (h_t, C_t)."""
        self._check(x)
        h, c = (self._zeros(x), self._zeros(x)) if state is None else state
        return lstm_update(
            F.linear(x, self.weight_ih, self.bias_ih), h, c, self.weight_hh, self.bias_hh
        )


class GRUCell(_Cell):
    """GRU cell, gates r, z, n; ≡ ``nn.GRUCell``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size, bias, gates=3)

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        """x_t (B, I), h_{t−1} (B, H) or None for zeros → h_t (B, H)."""
        self._check(x)
        h = self._zeros(x) if h is None else h
        return gru_update(
            F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh
        )


# --------------------------------------------------------------------------- layers

State = tuple[Tensor, ...]  # (h,) for RNN and GRU, (h, c) for LSTM; each (B, H) inside the loop


class _Recurrent(nn.Module):
    """Stacked, optionally bidirectional recurrence over (B, T, I) with torch's parameter names."""

    gates: int  # gate blocks per weight matrix: RNN 1, GRU 3, LSTM 4
    state_size: int  # tensors in the state: 1 (h) or 2 (h, c)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        *,
        bias: bool = True,
        batch_first: bool = True,
        dropout: float = 0.0,
        bidirectional: bool = False,
    ) -> None:
        super().__init__()
        if input_size <= 0 or hidden_size <= 0 or num_layers <= 0:
            raise ValueError(
                f"input_size={input_size}, hidden_size={hidden_size} and "
                f"num_layers={num_layers} must be positive"
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout={dropout} must be in [0, 1)")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = dropout  # between layers (not after the last), training mode only
        self.bidirectional = bidirectional
        self.num_directions = 2 if bidirectional else 1
        G, H = self.gates, hidden_size
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else H * self.num_directions
            for suffix in self._suffixes(layer):
                self.register_parameter(
                    f"weight_ih{suffix}", nn.Parameter(torch.empty(G * H, layer_input))
                )
                self.register_parameter(f"weight_hh{suffix}", nn.Parameter(torch.empty(G * H, H)))
                if bias:
                    self.register_parameter(f"bias_ih{suffix}", nn.Parameter(torch.empty(G * H)))
                    self.register_parameter(f"bias_hh{suffix}", nn.Parameter(torch.empty(G * H)))
        self.reset_parameters()

    def _suffixes(self, layer: int) -> list[str]:
        return [f"_l{layer}", f"_l{layer}_reverse"][: self.num_directions]

    def reset_parameters(self) -> None:
        """torch's initialisation: every weight and bias U(−1/√H, 1/√H)."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def _weights(self, suffix: str) -> tuple[Tensor, Tensor, Tensor | None, Tensor | None]:
        get = self.get_parameter
        if self.bias:
            return (
                get(f"weight_ih{suffix}"),
                get(f"weight_hh{suffix}"),
                get(f"bias_ih{suffix}"),
                get(f"bias_hh{suffix}"),
            )
        return get(f"weight_ih{suffix}"), get(f"weight_hh{suffix}"), None, None

    def _update(self, xi: Tensor, state: State, weight_hh: Tensor, bias_hh: Tensor | None) -> State:
        raise NotImplementedError

    def _scan(
        self,
        xi: Tensor,
        state: State,
        weight_hh: Tensor,
        bias_hh: Tensor | None,
        valid: Tensor | None,
        reverse: bool,
    ) -> tuple[Tensor, State]:
        """Run one direction of one layer: xi (B, T, G·H) → outputs (B, T, H), final state."""
        T = xi.shape[1]
        outputs: list[Tensor] = [xi.new_empty(0)] * T
        for t in reversed(range(T)) if reverse else range(T):
            new = self._update(xi[:, t], state, weight_hh, bias_hh)
            if valid is None:
                outputs[t] = new[0]
            else:  # padding: keep the old state, output zero
                real = valid[:, t, None]  # (B, 1)
                new = tuple(torch.where(real, n, s) for n, s in zip(new, state, strict=True))
                outputs[t] = torch.where(real, new[0], 0.0)
            state = new
        return torch.stack(outputs, dim=1), state  # (B, T, H)

    def _run(self, x: Tensor, hx: State | None, lengths: Tensor | None) -> tuple[Tensor, State]:
        if x.dim() != 3:
            raise ValueError(f"expected a batch of sequences (3-D), got shape {tuple(x.shape)}")
        if not self.batch_first:
            x = x.transpose(0, 1)  # (B, T, I)
        B, T, width = x.shape
        if width != self.input_size:
            raise ValueError(f"input width {width} does not match input_size={self.input_size}")
        L, D, H = self.num_layers, self.num_directions, self.hidden_size
        if hx is None:
            hx = tuple(x.new_zeros(L * D, B, H) for _ in range(self.state_size))
        for s in hx:
            if s.shape != (L * D, B, H):
                raise ValueError(
                    "initial state must be (num_layers·directions, B, H) = "
                    f"{(L * D, B, H)}, got {tuple(s.shape)}"
                )
        valid = None
        if lengths is not None:
            if lengths.shape != (B,) or int(lengths.min()) < 1 or int(lengths.max()) > T:
                raise ValueError(f"lengths must be (B,) = ({B},) with values in 1…{T}")
            valid = (
                torch.arange(T, device=x.device)[None, :] < lengths.to(x.device)[:, None]
            )  # (B, T)

        finals: list[list[Tensor]] = [[] for _ in range(self.state_size)]
        layer_input = x  # (B, T, I), then (B, T, D·H)
        for layer in range(L):
            outputs = []
            for direction, suffix in enumerate(self._suffixes(layer)):
                w_ih, w_hh, b_ih, b_hh = self._weights(suffix)
                xi = F.linear(layer_input, w_ih, b_ih)  # (B, T, G·H): U x_t + b for every t at once
                state = tuple(s[layer * D + direction] for s in hx)  # each (B, H)
                out, state = self._scan(xi, state, w_hh, b_hh, valid, reverse=direction == 1)
                outputs.append(out)
                for kept, s in zip(finals, state, strict=True):
                    kept.append(s)
            layer_input = torch.cat(outputs, dim=-1)  # (B, T, D·H): forward ‖ backward
            if layer < L - 1 and self.dropout > 0.0:
                layer_input = F.dropout(layer_input, self.dropout, self.training)
        output = layer_input if self.batch_first else layer_input.transpose(0, 1)
        return output, tuple(torch.stack(f) for f in finals)  # states (L·D, B, H)


class RNN(_Recurrent):
    """Multi-layer Elman RNN h_t = tanh(U x_t + W h_{t−1} + b) (note 002); ≡ ``nn.RNN``.

    ``forward(x (B, T, I), h0 (L·D, B, H) | None, *, lengths=None)`` → ``(output (B, T, D·H),
    h_n (L·D, B, H))``, D = 2 if bidirectional else 1.
    """

    gates = 1
    state_size = 1

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        *,
        nonlinearity: Nonlinearity = "tanh",
        bias: bool = True,
        batch_first: bool = True,
        dropout: float = 0.0,
        bidirectional: bool = False,
    ) -> None:
        if nonlinearity not in _NONLINEARITIES:
            raise ValueError(f"nonlinearity={nonlinearity!r} must be 'tanh' or 'relu'")
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias=bias,
            batch_first=batch_first,
            dropout=dropout,
            bidirectional=bidirectional,
        )
        self.nonlinearity: Nonlinearity = nonlinearity

    def _update(self, xi: Tensor, state: State, weight_hh: Tensor, bias_hh: Tensor | None) -> State:
        return (rnn_update(xi, state[0], weight_hh, bias_hh, self.nonlinearity),)

    def forward(
        self, x: Tensor, h0: Tensor | None = None, *, lengths: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        output, (h_n,) = self._run(x, None if h0 is None else (h0,), lengths)
        return output, h_n


class GRU(_Recurrent):
    """Multi-layer GRU, gates r, z, n; ≡ ``nn.GRU``. Same call signature as :class:`RNN`."""

    gates = 3
    state_size = 1

    def _update(self, xi: Tensor, state: State, weight_hh: Tensor, bias_hh: Tensor | None) -> State:
        return (gru_update(xi, state[0], weight_hh, bias_hh),)

    def forward(
        self, x: Tensor, h0: Tensor | None = None, *, lengths: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        output, (h_n,) = self._run(x, None if h0 is None else (h0,), lengths)
        return output, h_n


class LSTM(_Recurrent):
    """Multi-layer LSTM, gates i, f, g, o (note 002, 长短时记忆单元); ≡ ``nn.LSTM``.

    ``forward(x (B, T, I), (h0, c0) | None, *, lengths=None)`` → ``(output (B, T, D·H),
    (h_n, c_n))``, states (L·D, B, H).
    """

    gates = 4
    state_size = 2

    def _update(self, xi: Tensor, state: State, weight_hh: Tensor, bias_hh: Tensor | None) -> State:
        h, c = state
        return lstm_update(xi, h, c, weight_hh, bias_hh)

    def forward(
        self, x: Tensor, hx: tuple[Tensor, Tensor] | None = None, *, lengths: Tensor | None = None
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        output, (h_n, c_n) = self._run(x, hx, lengths)
        return output, (h_n, c_n)
