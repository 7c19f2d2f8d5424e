"""The contract between seq2seq models and decoding (greedy, beam search, ``dlc translate``).

Every model (GRU/LSTM encoder–decoder, Bahdanau/Luong attention, Transformer) is an
``nn.Module`` that implements :class:`Seq2SeqModel`; every search in
:mod:`dlclassics.seq2seq.search` talks to a model only through it, so a decoder never asks
which model it runs (notes 003 "Beam search", 002 "Seq2Seq": the decoder is a conditional
language model p(y_t | y_<t, x), and search only needs its next-token distribution).

Decoding runs under ``torch.inference_mode()``. Teacher-forced training does not go through
:meth:`Seq2SeqModel.step` (a model's own ``forward(src, src_lengths, tgt_in) -> logits
(B, T, V)`` is used there), but ``step`` must give the same distributions as ``forward`` on
the same prefix (tested by each model).
"""

from __future__ import annotations

from typing import Protocol, Self

import torch


class DecoderState(Protocol):
    """Everything the decoder needs between steps: hidden states, encoder memory, masks.

    A Transformer's state keeps the memory, the source padding mask and the target prefix (it
    may recompute the prefix each step or cache keys/values).
    """

    def select(self, index: torch.Tensor) -> Self:
        """The state with every per-example tensor gathered along dim 0 by ``index``.

        index: (N,) long into the batch dimension. Used to expand B sentences into B·K beams
        (``index = arange(B).repeat_interleave(K)``) and to reorder beams after each step.
        """
        ...


class Seq2SeqModel(Protocol):
    """An encoder–decoder seen as a conditional language model over target tokens."""

    bos: int  # target-vocabulary id fed at t = 0
    eos: int  # target-vocabulary id that ends a hypothesis
    pad: int  # target-vocabulary padding id

    def encode(self, src: torch.Tensor, src_lengths: torch.Tensor) -> DecoderState:
        """src (B, S) long, padded with the *source* pad id; src_lengths (B,) long."""
        ...

    def step(
        self, tokens: torch.Tensor, state: DecoderState
    ) -> tuple[torch.Tensor, DecoderState, torch.Tensor | None]:
        """One decoder step.

        tokens (B,) long: the previous target token (bos at t = 0). Returns log_probs (B, V)
        (log-softmax over the target vocabulary), the new state, and the attention weights
        over the source (B, S), or None for a model without attention.
        """
        ...
