"""Recurrent language models: Elman RNN, LSTM, GRU — note 002, 循环神经网络 / LSTM.

The notes' recurrent network reads one word at a time and keeps a summary of everything so
far in its hidden state, so the context is no longer cut at n − 1 words:

    e_t = C(w_t)                                   embedding
    h_t = tanh(U e_t + W h_{t−1} + b)               Elman RNN (Mikolov et al. 2010)
    p(w_{t+1} | w_≤t) = softmax(V h_t + c)

The LSTM (Hochreiter & Schmidhuber 1997) replaces the tanh update by gates i, f, g, o and a
cell c_t = f ⊙ c_{t−1} + i ⊙ g that carries information across many steps; the GRU (Cho et
al. 2014) merges cell and state with reset and update gates. ``cell="torch"`` runs
``nn.RNN``/``nn.LSTM``/``nn.GRU`` (fast, fused); ``cell="scratch"`` runs the from-scratch
layers of :mod:`dlclassics.nn.rnn`, which have the same parameter names and gate order, so a
checkpoint loads into either and gives the same loss (tested).

Training uses truncated back-propagation through time: the state entering a window is
computed from the ``warmup`` tokens before it without gradient (detached), so gradients flow
through at most ``bptt`` steps (see :mod:`dlclassics.lm.task`). Dropout is applied to the
embeddings and to the top layer's outputs (Zaremba et al. 2014); ``tie`` shares the input
embedding with the output softmax (Press & Wolf 2017; needs hidden == embed).
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import Tensor, nn

from dlclassics.errors import ConfigError
from dlclassics.lm.models.base import FeatureLM, LMModelConfig, OutputLayer, State

Cell = Literal["rnn", "lstm", "gru"]
_TORCH = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def _recurrent(kind: Cell, config: LMModelConfig) -> nn.Module:
    dropout = config.dropout if config.layers > 1 else 0.0  # between stacked layers
    if config.cell == "torch":
        return _TORCH[kind](
            config.embed, config.hidden, config.layers, batch_first=True, dropout=dropout
        )
    from dlclassics.nn import rnn as scratch  # the from-scratch cells (same parameter names)

    layer = {"rnn": scratch.RNN, "lstm": scratch.LSTM, "gru": scratch.GRU}[kind]
    module: nn.Module = layer(
        config.embed, config.hidden, config.layers, batch_first=True, dropout=dropout
    )
    return module


class RecurrentLM(FeatureLM):
    """Embedding → RNN/LSTM/GRU → dropout → output layer; state: h (and c for the LSTM)."""

    def __init__(self, kind: Cell, config: LMModelConfig, vocab_size: int) -> None:
        super().__init__()
        self.kind, self.vocab_size = kind, vocab_size
        self.layers, self.hidden = config.layers, config.hidden
        self.default_warmup = config.bptt
        if config.tie and config.hidden != config.embed:
            raise ConfigError(
                f"tie needs hidden == embed, got hidden={config.hidden}, embed={config.embed}"
            )
        self.embedding = nn.Embedding(vocab_size, config.embed)
        self.dropout = nn.Dropout(config.dropout)
        self.rnn = _recurrent(kind, config)
        self.head = OutputLayer(
            config.hidden, vocab_size, config, tied=self.embedding if config.tie else None
        )

    def initial_state(self, batch: int, device: torch.device) -> State:
        zeros = torch.zeros(self.layers, batch, self.hidden, device=device)
        return (zeros, zeros.clone()) if self.kind == "lstm" else (zeros,)

    def features(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        e = self.dropout(self.embedding(x))  # (B, L, embed)
        if self.kind == "lstm":
            out, (h, c) = self.rnn(e, (state[0], state[1]))  # (B, L, hidden)
            return self.dropout(out), (h, c)
        out, h = self.rnn(e, state[0])
        return self.dropout(out), (h,)
