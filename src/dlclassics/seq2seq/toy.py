"""Two small models that implement :class:`~dlclassics.seq2seq.interface.Seq2SeqModel`.

They exist to test and time the searches in :mod:`dlclassics.seq2seq.search` without a
trained translation model:

* :class:`PrefixTable` — next-token log-probabilities looked up in a fixed random table by a
  hash of (source, target prefix): p(y_t | y_<t, x) depends on the whole prefix, there is no
  attention, and :meth:`PrefixTable.sequence_log_prob` scores any output directly, so an
  exhaustive search over a tiny vocabulary is the oracle for beam search.
* :class:`ToyGRU` — a randomly initialised GRU encoder–decoder with dot-product attention
  (Luong et al. 2015, "dot"), of any size: the shape of the real models, for batched vs
  per-sentence agreement tests and for the speed benchmark.

Target ids: 0 = pad, 1 = BOS, 2 = EOS, the rest are words (source pad is 0 as well).

>>> import torch
>>> model = PrefixTable(vocab=4, seed=0)
>>> state = model.encode(torch.tensor([[3, 3]]), torch.tensor([2]))
>>> log_probs, state, attention = model.step(torch.tensor([model.bos]), state)
>>> log_probs.shape, attention is None
(torch.Size([1, 4]), True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

import torch
from torch import nn

PAD, BOS, EOS = 0, 1, 2
_MODULUS = 1_000_003  # prefix hashes live in Z_p; the table is indexed by hash mod its rows
_MULTIPLIER = 7_919


@dataclass(frozen=True)
class TableState:
    code: torch.Tensor  # (B,) long: hash of (source, target prefix so far)

    def select(self, index: torch.Tensor) -> Self:
        return type(self)(self.code[index])


class PrefixTable(nn.Module):
    """log p(y_t | y_<t, x) = log_softmax(table[hash(x, y_<t) mod rows])."""

    def __init__(
        self,
        vocab: int,
        *,
        rows: int = 4099,
        sharpness: float = 2.0,  # std of the logits: larger = more peaked distributions
        seed: int = 0,
        dtype: torch.dtype = torch.float64,
    ) -> None:
        super().__init__()
        generator = torch.Generator().manual_seed(seed)
        logits = torch.randn(rows, vocab, generator=generator, dtype=dtype) * sharpness
        logits[:, PAD] = -math.inf  # never emit padding or BOS
        logits[:, BOS] = -math.inf
        self.register_buffer("log_probs", logits.log_softmax(dim=-1))  # (rows, V)
        self.bos, self.eos, self.pad = BOS, EOS, PAD

    @staticmethod
    def _extend(code: torch.Tensor, token: torch.Tensor) -> torch.Tensor:
        return (code * _MULTIPLIER + token + 1) % _MODULUS

    def encode(self, src: torch.Tensor, src_lengths: torch.Tensor) -> TableState:
        B, S = src.shape
        code = torch.full((B,), 17, dtype=torch.long, device=src.device)
        for s in range(S):  # only real source tokens change the hash
            code = torch.where(s < src_lengths, self._extend(code, src[:, s]), code)
        return TableState(code)

    def step(
        self, tokens: torch.Tensor, state: TableState
    ) -> tuple[torch.Tensor, TableState, None]:
        code = self._extend(state.code, tokens)  # (B,)
        table = self.get_buffer("log_probs")  # (rows, V)
        return table[code % table.size(0)], TableState(code), None

    def sequence_log_prob(self, src: Sequence[int], tokens: Sequence[int]) -> float:
        """log P(tokens | src) by direct lookup: tokens are the emitted ids, EOS included."""
        state = self.encode(torch.tensor([list(src)]), torch.tensor([len(src)]))
        total = 0.0
        previous = self.bos
        for token in tokens:
            log_probs, state, _ = self.step(torch.tensor([previous]), state)
            total += float(log_probs[0, token])
            previous = token
        return total


@dataclass(frozen=True)
class GRUState:
    hidden: torch.Tensor  # (B, H) decoder state h_{t−1}
    memory: torch.Tensor  # (B, S, H) encoder outputs
    mask: torch.Tensor  # (B, S) bool, True at real source tokens
    overshoot: torch.Tensor  # (B,) target tokens emitted so far minus source length

    def select(self, index: torch.Tensor) -> Self:
        return type(self)(
            self.hidden[index], self.memory[index], self.mask[index], self.overshoot[index]
        )


class ToyGRU(nn.Module):
    """Random GRU encoder–decoder with dot attention (Luong 2015 §3.1, "dot" score).

    h_t = GRU(emb(y_{t−1}), h_{t−1});  a_t = softmax_s(h_t · m_s);  c_t = Σ_s a_ts m_s;
    log p(y_t | y_<t, x) = log_softmax(W [h_t; c_t] + b + eos_bias · (t − |x|) · e_EOS).

    An untrained model ends a sentence only by chance; ``eos_bias`` > 0 makes EOS more
    likely once the output is longer than the source, so outputs end near the source length
    as a trained model's do (what a timing needs). PAD and BOS are never emitted.
    """

    def __init__(
        self,
        src_vocab: int,
        tgt_vocab: int,
        *,
        dim: int = 64,  # embedding and hidden size
        eos_bias: float = 0.0,  # EOS logit bonus per target token beyond the source length
        seed: int = 0,  # initial weights
        dtype: torch.dtype = torch.float32,
    ) -> None:
        super().__init__()
        with torch.random.fork_rng(devices=[]):  # leave the caller's generator alone
            torch.manual_seed(seed)
            self.src_embed = nn.Embedding(src_vocab, dim, padding_idx=PAD)
            self.encoder = nn.GRU(dim, dim, batch_first=True)
            self.tgt_embed = nn.Embedding(tgt_vocab, dim, padding_idx=PAD)
            self.decoder = nn.GRUCell(dim, dim)
            self.out = nn.Linear(2 * dim, tgt_vocab)
        self.to(dtype)
        self.eos_bias = eos_bias
        self.bos, self.eos, self.pad = BOS, EOS, PAD
        never = torch.zeros(tgt_vocab, dtype=dtype)
        never[[PAD, BOS]] = -math.inf
        self.register_buffer("never", never)  # (V,) added to the logits

    def encode(self, src: torch.Tensor, src_lengths: torch.Tensor) -> GRUState:
        B, S = src.shape
        # Padding comes after the real tokens, so outputs at real positions ignore it.
        memory, _ = self.encoder(self.src_embed(src))  # (B, S, H)
        last = (src_lengths - 1).to(src.device)  # (B,)
        hidden = memory[torch.arange(B, device=src.device), last]  # (B, H)
        lengths = src_lengths.to(src.device)
        mask = torch.arange(S, device=src.device) < lengths[:, None]  # (B, S)
        return GRUState(hidden, memory, mask, -lengths)

    def step(
        self, tokens: torch.Tensor, state: GRUState
    ) -> tuple[torch.Tensor, GRUState, torch.Tensor]:
        hidden = self.decoder(self.tgt_embed(tokens), state.hidden)  # (B, H)
        scores = torch.einsum("bsh,bh->bs", state.memory, hidden)  # (B, S)
        weights = scores.masked_fill(~state.mask, -math.inf).softmax(dim=-1)  # (B, S)
        context = torch.einsum("bs,bsh->bh", weights, state.memory)  # (B, H)
        logits = self.out(torch.cat([hidden, context], dim=-1)) + self.never  # (B, V)
        overshoot = state.overshoot + 1
        logits[:, EOS] += self.eos_bias * overshoot.to(logits.dtype)
        new = GRUState(hidden, state.memory, state.mask, overshoot)
        return logits.log_softmax(dim=-1), new, weights
