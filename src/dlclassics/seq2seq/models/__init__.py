"""The translation models behind one registry: ``--model`` name → builder.

=================  ===================================================================
``gru``            GRU encoder–decoder, one fixed context vector (Cho et al. 2014)
``lstm``           the same with LSTMs (Sutskever et al. 2014)
``gru-bahdanau``   bidirectional GRU encoder + additive attention (Bahdanau et al. 2015)
``lstm-luong``     bidirectional LSTM encoder + Luong "general" attention, input feeding
``gru-luong``      the same with GRUs: Luong's attention on the cell of ``gru-bahdanau``
``transformer``    pre-norm Transformer, sinusoidal positions, tied output (Vaswani 2017)
=================  ===================================================================

Every model implements :class:`~dlclassics.seq2seq.interface.Seq2SeqModel` and
``forward(src, src_lengths, tgt_in) -> logits (B, T, V)``. Sizes are one flat
:class:`NetConfig` (``--net.hidden 256``); fields a model does not use are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from torch import nn

from dlclassics.errors import ConfigError
from dlclassics.registry import Registry
from dlclassics.seq2seq.attention import ScoreName
from dlclassics.seq2seq.models.rnn import (
    BahdanauSeq2Seq,
    ContextSeq2Seq,
    LuongSeq2Seq,
    RNNSizes,
)
from dlclassics.seq2seq.models.transformer import TransformerSeq2Seq

ModelName = Literal["gru", "lstm", "gru-bahdanau", "lstm-luong", "gru-luong", "transformer"]


@dataclass(frozen=True, kw_only=True)
class NetConfig:
    emb: int = 256  # RNN word-embedding size
    hidden: int = 256  # RNN decoder state; a bidirectional encoder is hidden/2 per direction
    layers: int | None = None  # RNN or Transformer layers; None = 1 for RNNs, 3 Transformer
    dropout: float = 0.2  # on embeddings and outputs (RNN), every sublayer (Transformer)
    # None = the model's own encoder: bidirectional for attention models, one-way for gru/lstm
    bidirectional: bool | None = None
    score: ScoreName | None = None  # attention score; None = additive (Bahdanau), general (Luong)
    attn_dim: int = 256  # width of the tanh layer of additive/concat scores
    input_feeding: bool = True  # Luong: feed h̃_{t−1} into the next decoder step
    # Luong: the width of the attentional vector h̃ = tanh(W_c [c_t; h_t]) that the output
    # layer and input feeding read; None = hidden (the paper). The output layer's cost is
    # V·A a token: emb gives it Bahdanau's deep-output width
    attentional: int | None = None
    # Luong: h̃ = tanh(W_c [c_t; h_t; e(y_{t−1})]), the direct path from the previous word
    # that Bahdanau's deep output W_o tanh(W_p [s_t; c_t; e(y_{t−1})]) has (not the paper's)
    deep_output: bool = False
    # Luong: the dot / general score divided by √hidden (Vaswani et al.'s scaling; not the
    # paper's): unscaled, the general score saturated the softmax within 150 Adam steps
    scaled_score: bool = False
    d_model: int = 256  # Transformer width C
    heads: int = 4  # Transformer attention heads (C/heads = 64 per head)
    d_ff: int = 1024  # Transformer feed-forward width (4·C as in Vaswani et al.)
    max_positions: int = 512  # longest sequence the sinusoid table covers (tokens)
    tie_embeddings: bool = True  # Transformer: output projection = target embedding

    def __post_init__(self) -> None:
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout={self.dropout} must be in [0, 1)")
        for name in ("emb", "hidden", "attn_dim", "d_model", "heads", "d_ff", "max_positions"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be ≥ 1")
        if self.attentional is not None and self.attentional < 1:
            raise ConfigError(f"attentional={self.attentional} must be ≥ 1")
        if self.layers is not None and self.layers < 1:
            raise ConfigError(f"layers={self.layers} must be ≥ 1")
        if self.d_model % self.heads:
            raise ConfigError(f"d_model={self.d_model} must be divisible by heads={self.heads}")


Builder = Callable[[NetConfig, int, int], nn.Module]


def _rnn_sizes(c: NetConfig, attention: bool) -> RNNSizes:
    bidirectional = attention if c.bidirectional is None else c.bidirectional
    return RNNSizes(c.emb, c.hidden, c.layers or 1, c.dropout, bidirectional)


def _context(cell: Literal["gru", "lstm"]) -> Builder:
    def build(c: NetConfig, src: int, tgt: int) -> nn.Module:
        return ContextSeq2Seq(cell, src, tgt, _rnn_sizes(c, attention=False))

    return build


def _bahdanau(c: NetConfig, src: int, tgt: int) -> nn.Module:
    sizes = _rnn_sizes(c, attention=True)
    return BahdanauSeq2Seq("gru", src, tgt, sizes, score=c.score or "additive", attn_dim=c.attn_dim)


def _luong(cell: Literal["gru", "lstm"]) -> Builder:
    def build(c: NetConfig, src: int, tgt: int) -> nn.Module:
        return LuongSeq2Seq(
            cell,
            src,
            tgt,
            _rnn_sizes(c, attention=True),
            score=c.score or "general",
            attn_dim=c.attn_dim,
            input_feeding=c.input_feeding,
            attentional=c.attentional,
            deep_output=c.deep_output,
            scaled=c.scaled_score,
        )

    return build


def _transformer(c: NetConfig, src: int, tgt: int) -> nn.Module:
    return TransformerSeq2Seq(
        src,
        tgt,
        d_model=c.d_model,
        heads=c.heads,
        d_ff=c.d_ff,
        layers=c.layers or 3,
        dropout=c.dropout,
        max_positions=c.max_positions,
        tie_embeddings=c.tie_embeddings,
    )


MODELS: Registry[Builder] = Registry("seq2seq model")
MODELS.add("gru", _context("gru"))
MODELS.add("lstm", _context("lstm"))
MODELS.add("gru-bahdanau", _bahdanau)
MODELS.add("lstm-luong", _luong("lstm"))
MODELS.add("gru-luong", _luong("gru"))
MODELS.add("transformer", _transformer)


def build_model(name: str, config: NetConfig, src_vocab: int, tgt_vocab: int) -> nn.Module:
    """The model ``name`` with the sizes of ``config`` over the two vocabularies."""
    try:
        return MODELS[name](config, src_vocab, tgt_vocab)
    except ValueError as error:  # e.g. dot attention with mismatched sizes
        raise ConfigError(f"cannot build {name}: {error}") from None
