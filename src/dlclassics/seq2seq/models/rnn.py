"""RNN encoder–decoders: the fixed context vector, Bahdanau attention, Luong attention.

Notes 002 "Seq2Seq" (Cho et al. 2014, Sutskever et al. 2014) and 003 "机器翻译": an encoder
RNN reads the source x₁…x_S, a decoder RNN writes the target as a conditional language
model ``p(y_t | y_<t, x)``. Three ways for the decoder to see the source:

:class:`ContextSeq2Seq` (``gru``, ``lstm``) — **one fixed context vector** (Cho et al. 2014,
eqs. of §2.2): ``c`` = the encoder's last hidden state; ``s_0 = tanh(V c)``, and every step
sees ``c`` again: ``s_t = RNN([e(y_{t−1}); c], s_{t−1})``,
``p(y_t | …) = softmax(W_o tanh(W_p [s_t; c; e(y_{t−1})]))``. The whole sentence must fit
through ``c``: the bottleneck attention removes.

:class:`BahdanauSeq2Seq` (``gru-bahdanau``) — notes 003 "Attention model": a
**bidirectional** encoder gives ``h_s = [→h_s; ←h_s]`` (each direction hidden/2 wide), and
before step t the previous decoder state scores every source position
(:class:`~dlclassics.seq2seq.attention.AdditiveScore`):
``α_t = softmax_s(v_aᵀ tanh(W_a s_{t−1} + U_a h_s))``, ``c_t = Σ_s α_{t,s} h_s``,
``s_t = GRU([e(y_{t−1}); c_t], s_{t−1})``, output as above with ``c_t`` for ``c``.

:class:`LuongSeq2Seq` (``lstm-luong``) — Luong, Pham & Manning (2015), global attention:
the decoder steps first, ``h_t = LSTM(x_t, h_{t−1})``, then scores with ``h_t`` (dot,
general or concat), ``c_t = Σ_s α_{t,s} h̄_s``, ``h̃_t = tanh(W_c [c_t; h_t])``,
``p(y_t | …) = softmax(W_s h̃_t)``. With **input feeding** (their §3.3, notes 002: "将前一个
时间步的注意力输出作为输入") ``x_t = [e(y_{t−1}); h̃_{t−1}]``, so the model knows what it
attended to before; without it the decoder runs over the whole target at once and attention
is one batched product. ``gru-luong`` is the same on GRUs. The width A of h̃ is the hidden size
H in the paper; ``attentional=A`` narrows it, and with it the output layer W_s (V·A a token,
the largest cost of a step with thousands of target words).
Two options that are not the paper's: ``deep_output`` gives h̃ the previous word,
``h̃_t = tanh(W_c [c_t; h_t; e(y_{t−1})])`` — the direct path Bahdanau's deep output
``W_o tanh(W_p [s_t; c_t; e(y_{t−1})])`` has, which the paper's h̃ lacks — and ``scaled``
divides the dot or general score by √H (:mod:`dlclassics.nn.alignment`), so that Adam does
not drive the bilinear score into a one-hot softmax within the first hundred steps.

Every model implements :class:`~dlclassics.seq2seq.interface.Seq2SeqModel`: ``encode`` →
:class:`RNNState`, ``step`` → log-probabilities, and ``forward(src, src_lengths, tgt_in)`` →
logits for teacher forcing. Models that must step anyway (Bahdanau, Luong with input
feeding) run ``forward`` through the same per-step function as ``step``.
Encoders pack the padded batch (``pack_padded_sequence``), so padding never reaches a state.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal, Self

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from dlclassics.data.vocab import Vocab
from dlclassics.seq2seq.attention import SCORES, ScoreName, attend

Cell = Literal["gru", "lstm"]
_RNN: dict[str, type[nn.GRU] | type[nn.LSTM]] = {"gru": nn.GRU, "lstm": nn.LSTM}


@dataclass(frozen=True)
class RNNSizes:
    """The sizes every RNN encoder–decoder shares (see :class:`~.NetConfig`)."""

    emb: int  # word-embedding size E, source and target
    hidden: int  # decoder state H; a bidirectional encoder is H/2 per direction
    layers: int  # stacked RNN layers, encoder and decoder
    dropout: float  # on embeddings and outputs (and between stacked layers)
    bidirectional: bool  # encoder reads both directions

    def __post_init__(self) -> None:
        if self.bidirectional and self.hidden % 2:
            raise ValueError(f"hidden={self.hidden} must be even for a bidirectional encoder")

    def rnn(self, cell: Cell, inputs: int, *, encoder: bool = False) -> nn.GRU | nn.LSTM:
        """A batch-first ``cell`` RNN of these layers (dropout between them only); the
        encoder's is bidirectional with H/2 per direction when ``bidirectional``."""
        both = encoder and self.bidirectional
        return _RNN[cell](
            inputs,
            self.hidden // 2 if both else self.hidden,
            self.layers,
            batch_first=True,
            dropout=self.dropout if self.layers > 1 else 0.0,
            bidirectional=both,
        )


@dataclass(frozen=True)
class RNNState:
    """Decoder state between steps; every tensor has the batch on dim 0."""

    hidden: torch.Tensor  # (B, L, H) decoder hidden state of each layer
    cell: torch.Tensor | None  # (B, L, H) LSTM cell state; None for a GRU
    memory: torch.Tensor  # (B, S, M) encoder states h̄ (ContextSeq2Seq: (B, 1, M) = c)
    keys: torch.Tensor  # (B, S, ·) the scorer's key projection of memory
    pad_mask: torch.Tensor  # (B, S) bool, True = source padding
    feed: torch.Tensor | None  # (B, H) Luong input feeding h̃_{t−1}; else None

    def select(self, index: torch.Tensor) -> Self:
        changes = {
            f.name: getattr(self, f.name).index_select(0, index)
            for f in dataclasses.fields(self)
            if getattr(self, f.name) is not None
        }
        return dataclasses.replace(self, **changes)


class RNNEncoder(nn.Module):
    """Embedding + (bi)directional GRU/LSTM over packed sequences."""

    def __init__(self, cell: Cell, vocab: int, sizes: RNNSizes) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, sizes.emb, padding_idx=Vocab.pad_id)
        self.drop = nn.Dropout(sizes.dropout)
        self.bidirectional = sizes.bidirectional
        self.rnn = sizes.rnn(cell, sizes.emb, encoder=True)

    def forward(
        self, src: torch.Tensor, lengths: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """src (B, S) → memory (B, S, H), final hidden (L, B, H), final cell (L, B, H) | None."""
        S = src.shape[1]
        x = self.drop(self.embed(src))  # (B, S, E)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, final = self.rnn(packed)
        memory, _ = pad_packed_sequence(out, batch_first=True, total_length=S)  # (B, S, H)
        h, c = final if isinstance(final, tuple) else (final, None)
        return memory, self._join(h), None if c is None else self._join(c)

    def _join(self, state: torch.Tensor) -> torch.Tensor:
        """(L·D, B, H/D) → (L, B, H): forward and backward final states side by side."""
        if not self.bidirectional:
            return state
        LD, B, half = state.shape
        both = state.view(LD // 2, 2, B, half)  # (L, 2, B, H/2)
        return torch.cat([both[:, 0], both[:, 1]], dim=-1)  # (L, B, H)


class RNNSeq2Seq(nn.Module):
    """Shared parts: encoder, target embedding, decoder RNN, state bridge, step/forward."""

    bos, eos, pad = Vocab.bos_id, Vocab.eos_id, Vocab.pad_id

    def __init__(self, cell: Cell, src_vocab: int, tgt_vocab: int, sizes: RNNSizes, inputs: int):
        """``inputs``: the width of the decoder RNN's input x_t."""
        super().__init__()
        self.cell_type = cell
        self.encoder = RNNEncoder(cell, src_vocab, sizes)
        self.embed = nn.Embedding(tgt_vocab, sizes.emb, padding_idx=Vocab.pad_id)
        self.drop = nn.Dropout(sizes.dropout)
        self.bridge = nn.Linear(sizes.hidden, sizes.hidden)  # s_0 = tanh(V h_enc)
        self.rnn = sizes.rnn(cell, inputs)

    def _deep_output(self, sizes: RNNSizes, tgt_vocab: int) -> None:
        """Cho et al.'s and Bahdanau et al.'s output layer (see :meth:`_logits`)."""
        self.pre = nn.Linear(2 * sizes.hidden + sizes.emb, sizes.emb)  # W_p [s_t; c; e]
        self.out = nn.Linear(sizes.emb, tgt_vocab)  # W_o

    def _logits(self, s: torch.Tensor, c: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        """``W_o tanh(W_p [s_t; c; e(y_{t−1})])``, the logits of p(y_t | …)."""
        return self.out(self.drop(torch.tanh(self.pre(torch.cat([s, c, e], dim=-1)))))

    # -- the protocol --------------------------------------------------------------------

    def encode(self, src: torch.Tensor, src_lengths: torch.Tensor) -> RNNState:
        memory, h, c = self.encoder(src, src_lengths)
        hidden = torch.tanh(self.bridge(h)).transpose(0, 1).contiguous()  # (B, L, H)
        cell = None if c is None else c.transpose(0, 1).contiguous()
        pad_mask = torch.arange(src.shape[1], device=src.device)[None, :] >= src_lengths[:, None]
        return self._initial_state(memory, h, hidden, cell, pad_mask)

    def step(
        self, tokens: torch.Tensor, state: RNNState
    ) -> tuple[torch.Tensor, RNNState, torch.Tensor | None]:
        logits, state, weights = self._step(self.drop(self.embed(tokens)), state)
        return torch.log_softmax(logits, dim=-1), state, weights

    def forward(
        self, src: torch.Tensor, src_lengths: torch.Tensor, tgt_in: torch.Tensor
    ) -> torch.Tensor:
        """Teacher forcing: logits (B, T, V) of y_t given the gold prefix ``tgt_in[:, :t+1]``."""
        state = self.encode(src, src_lengths)
        return self._teacher_forced(self.drop(self.embed(tgt_in)), state)

    # -- model-specific ------------------------------------------------------------------

    def _initial_state(
        self,
        memory: torch.Tensor,
        final: torch.Tensor,
        hidden: torch.Tensor,
        cell: torch.Tensor | None,
        pad_mask: torch.Tensor,
    ) -> RNNState:
        raise NotImplementedError

    def _step(
        self, e: torch.Tensor, state: RNNState
    ) -> tuple[torch.Tensor, RNNState, torch.Tensor | None]:
        """e (B, E) embedded previous token → logits (B, V), new state, weights (B, S)."""
        raise NotImplementedError

    def _teacher_forced(self, e: torch.Tensor, state: RNNState) -> torch.Tensor:
        """e (B, T, E) → logits (B, T, V); by default one :meth:`_step` per position."""
        logits = []
        for t in range(e.shape[1]):
            out, state, _ = self._step(e[:, t], state)
            logits.append(out)
        return torch.stack(logits, dim=1)

    def _run(
        self, x: torch.Tensor, state: RNNState
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """Decoder RNN over x (B, T, I) from the state's hidden → outputs (B, T, H), h, c."""
        h0 = state.hidden.transpose(0, 1).contiguous()  # (L, B, H)
        if state.cell is None:
            out, h = self.rnn(x, h0)
            return out, h.transpose(0, 1), None
        out, (h, c) = self.rnn(x, (h0, state.cell.transpose(0, 1).contiguous()))
        return out, h.transpose(0, 1), c.transpose(0, 1)


class ContextSeq2Seq(RNNSeq2Seq):
    """``gru`` / ``lstm``: the fixed context vector c (Cho et al. 2014), no attention."""

    def __init__(self, cell: Cell, src_vocab: int, tgt_vocab: int, sizes: RNNSizes) -> None:
        super().__init__(cell, src_vocab, tgt_vocab, sizes, inputs=sizes.emb + sizes.hidden)
        self._deep_output(sizes, tgt_vocab)

    def _initial_state(
        self,
        memory: torch.Tensor,
        final: torch.Tensor,
        hidden: torch.Tensor,
        cell: torch.Tensor | None,
        pad_mask: torch.Tensor,
    ) -> RNNState:
        c = final[-1].unsqueeze(1)  # (B, 1, H): the top layer's last state is the context
        no_pad = torch.zeros(c.shape[:2], dtype=torch.bool, device=c.device)
        return RNNState(hidden, cell, c, c, no_pad, None)

    def _step(
        self, e: torch.Tensor, state: RNNState
    ) -> tuple[torch.Tensor, RNNState, torch.Tensor | None]:
        c = state.memory[:, 0]  # (B, H)
        out, h, cell = self._run(torch.cat([e, c], dim=-1).unsqueeze(1), state)
        state = dataclasses.replace(state, hidden=h, cell=cell)
        return self._logits(out[:, 0], c, e), state, None

    def _teacher_forced(self, e: torch.Tensor, state: RNNState) -> torch.Tensor:
        B, T, _ = e.shape
        c = state.memory.expand(B, T, -1)  # (B, T, H): the same c at every step
        out, _, _ = self._run(torch.cat([e, c], dim=-1), state)  # (B, T, H), one RNN call
        return self._logits(out, c, e)


class BahdanauSeq2Seq(RNNSeq2Seq):
    """``gru-bahdanau``: bidirectional encoder, additive attention on s_{t−1}."""

    def __init__(
        self,
        cell: Cell,
        src_vocab: int,
        tgt_vocab: int,
        sizes: RNNSizes,
        *,
        score: ScoreName,
        attn_dim: int,
    ) -> None:
        super().__init__(cell, src_vocab, tgt_vocab, sizes, inputs=sizes.emb + sizes.hidden)
        self.scorer = SCORES[score](sizes.hidden, sizes.hidden, attn_dim)
        self._deep_output(sizes, tgt_vocab)  # with c_t for c

    def _initial_state(
        self,
        memory: torch.Tensor,
        final: torch.Tensor,
        hidden: torch.Tensor,
        cell: torch.Tensor | None,
        pad_mask: torch.Tensor,
    ) -> RNNState:
        return RNNState(hidden, cell, memory, self.scorer.prepare(memory), pad_mask, None)

    def _step(
        self, e: torch.Tensor, state: RNNState
    ) -> tuple[torch.Tensor, RNNState, torch.Tensor | None]:
        scores = self.scorer(state.hidden[:, -1], state.keys)  # (B, S), query s_{t−1}
        c, weights = attend(scores, state.memory, state.pad_mask)  # (B, H), (B, S)
        out, h, cell = self._run(torch.cat([e, c], dim=-1).unsqueeze(1), state)
        logits = self._logits(out[:, 0], c, e)
        return logits, dataclasses.replace(state, hidden=h, cell=cell), weights


class LuongSeq2Seq(RNNSeq2Seq):
    """``lstm-luong`` / ``gru-luong``: bidirectional encoder, global attention on h_t,
    optional input feeding."""

    def __init__(
        self,
        cell: Cell,
        src_vocab: int,
        tgt_vocab: int,
        sizes: RNNSizes,
        *,
        score: ScoreName,
        attn_dim: int,
        input_feeding: bool,
        attentional: int | None = None,
        deep_output: bool = False,
        scaled: bool = False,
    ) -> None:
        """``attentional``: the width A of h̃; None = the hidden size H (the paper's).
        ``deep_output``: h̃ also reads e(y_{t−1}); ``scaled``: the dot or general score
        divided by √H (see the module docstring)."""
        A = attentional or sizes.hidden
        inputs = sizes.emb + A if input_feeding else sizes.emb
        super().__init__(cell, src_vocab, tgt_vocab, sizes, inputs)
        self.input_feeding = input_feeding
        self.deep_output = deep_output
        H = sizes.hidden
        if scaled and score not in ("dot", "general"):
            raise ValueError(f"scaled scores are dot or general, not {score}")
        self.scorer = SCORES[score](H, H, attn_dim, **({"scaled": True} if scaled else {}))
        # W_c [c_t; h_t], or W_c [c_t; h_t; e(y_{t−1})] with the deep output's direct path
        self.combine = nn.Linear(H + H + (sizes.emb if deep_output else 0), A, bias=False)
        self.out = nn.Linear(A, tgt_vocab)  # W_s

    def _initial_state(
        self,
        memory: torch.Tensor,
        final: torch.Tensor,
        hidden: torch.Tensor,
        cell: torch.Tensor | None,
        pad_mask: torch.Tensor,
    ) -> RNNState:
        A = self.combine.out_features
        feed = memory.new_zeros(memory.shape[0], A) if self.input_feeding else None
        return RNNState(hidden, cell, memory, self.scorer.prepare(memory), pad_mask, feed)

    def _attend(
        self, h: torch.Tensor, e: torch.Tensor, state: RNNState
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """h (…, H), e (…, E) → logits, h̃ (…, A), weights (…, S); one step or all T."""
        c, weights = attend(self.scorer(h, state.keys), state.memory, state.pad_mask)
        parts = [c, h, e] if self.deep_output else [c, h]
        h_tilde = torch.tanh(self.combine(torch.cat(parts, dim=-1)))
        return self.out(self.drop(h_tilde)), h_tilde, weights

    def _step(
        self, e: torch.Tensor, state: RNNState
    ) -> tuple[torch.Tensor, RNNState, torch.Tensor | None]:
        x = torch.cat([e, state.feed], dim=-1) if state.feed is not None else e
        out, h, cell = self._run(x.unsqueeze(1), state)
        logits, h_tilde, weights = self._attend(out[:, 0], e, state)
        feed = h_tilde if self.input_feeding else None
        return logits, dataclasses.replace(state, hidden=h, cell=cell, feed=feed), weights

    def _teacher_forced(self, e: torch.Tensor, state: RNNState) -> torch.Tensor:
        if self.input_feeding:
            return super()._teacher_forced(e, state)
        out, _, _ = self._run(e, state)  # (B, T, H): all decoder states in one call
        logits, _, _ = self._attend(out, e, state)  # (B, T, V)
        return logits
