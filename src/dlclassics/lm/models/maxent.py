"""Maximum-entropy (log-linear) language model with hashed n-gram features — note 002, 最大熵模型.

A maximum-entropy LM scores each next word w after a history h by a weighted sum of
indicator features and normalises with a softmax over the vocabulary:

    p(w | h) = exp(Σ_i λ_i f_i(h, w)) / Σ_{w'} exp(Σ_i λ_i f_i(h, w')),

the distribution of maximum entropy that matches the features' training expectations
(Rosenfeld 1996). Our features are the n-gram indicators: for k = 0 … n − 1, "the last k
words are u_1 … u_k and the next word is w". The k = 0 feature is a per-word bias (a
unigram model); the others are *hashed* (Mikolov et al. 2011's RNNME direct connections):
the weight of (u_1 … u_k, w) lives at ``hash_k(u_1 … u_k) + w`` in one table of
``buckets`` numbers, so the V weights of one context are a contiguous slice,

    logits(h)_w = b_w + Σ_{k=1}^{n−1} λ[hash_k(u_{n−k} … u_{n−1}) + w].

Colliding n-grams share a weight; with 4M buckets few frequent ones do. Training is softmax
regression on these features (the gradient of the cross-entropy w.r.t. λ is
observed − expected feature counts); :class:`HashedGather` does the slice gather and its
scatter-add gradient without materialising autograd's (N, V) index bookkeeping.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlclassics.lm.models.base import LanguageModel, LMModelConfig, State, context_windows

# Odd 31-bit multipliers of the polynomial context hash, one per position in the context.
_MULTIPLIERS = (1_000_003, 998_244_353 % (1 << 31), 1_234_567_891, 2_147_483_629, 805_306_457)
_ORDER_SALT = 2_654_435_761  # separates contexts of different lengths (Knuth's golden ratio)


class HashedGather(torch.autograd.Function):
    """out[i, w] = Σ_k table[start[i, k] + w]: forward gather, backward scatter-add."""

    @staticmethod
    def forward(ctx: Any, table: Tensor, start: Tensor, V: int) -> Tensor:
        N, K = start.shape
        offsets = torch.arange(V, device=start.device)
        out = table.new_zeros(N, V)
        for k in range(K):
            out += table[start[:, k, None] + offsets]  # (N, V)
        ctx.save_for_backward(start)
        ctx.V, ctx.size = V, table.shape[0]
        return out

    @staticmethod
    def backward(ctx: Any, grad: Tensor) -> tuple[Tensor, None, None]:
        (start,) = ctx.saved_tensors
        offsets = torch.arange(ctx.V, device=start.device)
        grad_table = grad.new_zeros(ctx.size)
        for k in range(start.shape[1]):
            grad_table.index_add_(0, (start[:, k, None] + offsets).reshape(-1), grad.reshape(-1))
        return grad_table, None, None


class MaxEntLM(LanguageModel):
    """Log-linear LM over hashed n-gram indicator features (module doc); state: n − 1 tokens."""

    def __init__(self, config: LMModelConfig, vocab_size: int, *, eos_id: int = 3) -> None:
        super().__init__()
        self.vocab_size, self.n, self.eos_id = vocab_size, config.order, eos_id
        self.buckets = config.buckets
        self.default_warmup = config.order - 1
        self.bias = nn.Parameter(torch.zeros(vocab_size))  # k = 0: the unigram features
        # k ≥ 1: one shared table; + V so that every slice start + [0, V) stays inside
        self.weight = nn.Parameter(torch.zeros(config.buckets + vocab_size))

    def initial_state(self, batch: int, device: torch.device) -> State:
        return (torch.full((batch, self.n - 1), self.eos_id, dtype=torch.long, device=device),)

    def slice_starts(self, contexts: Tensor) -> Tensor:
        """contexts (…, n − 1) → (…, n − 1) start of each suffix's weight slice."""
        starts = []
        h = torch.zeros(contexts.shape[:-1], dtype=torch.long, device=contexts.device)
        for k in range(1, self.n):  # suffix of length k: the last k context tokens
            token = contexts[..., self.n - 1 - k]
            h = (h + (token + 1) * _MULTIPLIERS[(k - 1) % len(_MULTIPLIERS)]) % (1 << 31)
            starts.append((h + k * _ORDER_SALT) % self.buckets)
        return torch.stack(starts, dim=-1)

    def logits(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        """x (B, L) → (B, L, V) unnormalised log-probabilities, and the next state."""
        B, L = x.shape
        bias = self.bias.expand(B, L, self.vocab_size)
        if self.n == 1:
            return bias, state
        contexts, last = context_windows(x, state[0], self.n)  # (B, L, n − 1)
        starts = self.slice_starts(contexts).reshape(B * L, self.n - 1)
        hashed = HashedGather.apply(self.weight, starts, self.vocab_size)  # (B·L, V)
        return bias + hashed.view(B, L, self.vocab_size), (last,)

    def nll(self, x: Tensor, y: Tensor, state: State) -> tuple[Tensor, State]:
        logits, state = self.logits(x, state)
        out = F.cross_entropy(logits.reshape(-1, self.vocab_size), y.reshape(-1), reduction="none")
        return out.view(y.shape), state

    def log_probs(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        logits, state = self.logits(x, state)
        return F.log_softmax(logits, dim=-1), state

    def advance(self, x: Tensor, state: State) -> State:
        if self.n == 1:
            return state
        return (torch.cat([state[0], x], dim=1)[:, -(self.n - 1) :],)
