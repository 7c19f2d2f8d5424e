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

**Classes** (``classes=C``; Goodman 2001, "Classes for fast maximum entropy training", the
factorisation Mikolov et al.'s RNNME uses). Every token costs V weights above, and the softmax
over V dominates training. With the vocabulary cut into C classes of S = ⌈V/C⌉ consecutive ids
(ids are sorted by frequency, so these are frequency bins), the model is two maximum-entropy
models chained::

    p(w | h) = p(c(w) | h) · p(w | c(w), h)
    p(c | h) ∝ exp(β_c + Σ_k λ[hash_k(u) + c])
    p(w | c, h) ∝ exp(b_w + Σ_k λ[hash_k(u, c) + w − cS])      (w in class c)

still one normalised distribution over all V words; a training token touches C + S weights per
order (2√V for C = √V) instead of V.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlclassics.lm.models.base import LanguageModel, LMModelConfig, State, context_windows

# Odd 31-bit multipliers of the polynomial context hash, one per position in the context.
_MULTIPLIERS = (1_000_003, 998_244_353 % (1 << 31), 1_234_567_891, 2_147_483_629, 805_306_457)
_ORDER_SALT = 2_654_435_761  # separates contexts of different lengths (Knuth's golden ratio)
_CLASS_SALT = 2_246_822_519  # moves the word slices of (context, class c) away from each other


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
        self.classes = config.classes
        # S: the width of one weight slice (a class's words, or the whole vocabulary)
        self.class_size = math.ceil(vocab_size / config.classes) if config.classes else vocab_size
        self.bias = nn.Parameter(torch.zeros(vocab_size))  # k = 0: the unigram features b_w
        if config.classes:
            self.class_bias = nn.Parameter(torch.zeros(config.classes))  # β_c
        # k ≥ 1: one shared table; + the widest slice, so every start + [0, S) stays inside
        self.weight = nn.Parameter(
            torch.zeros(config.buckets + max(vocab_size, config.classes or 0))
        )

    def initial_state(self, batch: int, device: torch.device) -> State:
        return (torch.full((batch, self.n - 1), self.eos_id, dtype=torch.long, device=device),)

    def _context_hashes(self, contexts: Tensor) -> Tensor:
        """contexts (…, n − 1) → (…, n − 1) 31-bit hash of each suffix (length k = 1 … n − 1)."""
        hashes = []
        h = torch.zeros(contexts.shape[:-1], dtype=torch.long, device=contexts.device)
        for k in range(1, self.n):  # suffix of length k: the last k context tokens
            token = contexts[..., self.n - 1 - k]
            h = (h + (token + 1) * _MULTIPLIERS[(k - 1) % len(_MULTIPLIERS)]) % (1 << 31)
            hashes.append(h + k * _ORDER_SALT)
        return torch.stack(hashes, dim=-1)

    def slice_starts(self, contexts: Tensor) -> Tensor:
        """contexts (…, n − 1) → (…, n − 1) start of each suffix's weight slice (over the V
        words, or with classes over the C classes)."""
        return self._context_hashes(contexts) % self.buckets

    def word_slice_starts(self, contexts: Tensor, c: Tensor) -> Tensor:
        """contexts (…, n − 1), classes c (…) → (…, n − 1) start of the slice of the S word
        weights of (suffix, class c)."""
        return (self._context_hashes(contexts) + (c[..., None] + 1) * _CLASS_SALT) % self.buckets

    def _starts(self, x: Tensor, state: State) -> tuple[Tensor, Tensor, State]:
        """x (B, L) → contexts (B·L, n − 1), their slice starts (B·L, n − 1), next state."""
        B, L = x.shape
        contexts, last = context_windows(x, state[0], self.n)  # (B, L, n − 1)
        contexts = contexts.reshape(B * L, self.n - 1)
        return contexts, self.slice_starts(contexts), (last,)

    def logits(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        """x (B, L) → (B, L, V) unnormalised log-probabilities, and the next state (no
        classes; with classes :meth:`log_probs` is the model)."""
        B, L = x.shape
        bias = self.bias.expand(B, L, self.vocab_size)
        if self.n == 1:
            return bias, state
        _, starts, state = self._starts(x, state)
        hashed = HashedGather.apply(self.weight, starts, self.vocab_size)  # (B·L, V)
        return bias + hashed.view(B, L, self.vocab_size), state

    def _class_logits(self, x: Tensor, state: State) -> tuple[Tensor, Tensor, State]:
        """x (B, L) → class logits (B·L, C), contexts (B·L, n − 1), next state."""
        B, L = x.shape
        assert self.classes is not None
        if self.n == 1:
            contexts = x.new_zeros(B * L, 0)
            return self.class_bias.expand(B * L, self.classes), contexts, state
        contexts, starts, state = self._starts(x, state)
        return (
            self.class_bias + HashedGather.apply(self.weight, starts, self.classes),
            contexts,
            state,
        )

    def _word_logits(self, contexts: Tensor, c: Tensor) -> Tensor:
        """contexts (N, n − 1), classes c (N) → (N, S) logits of the words of class c
        (−inf past the vocabulary's end in the last class)."""
        S = self.class_size
        ids = c[:, None] * S + torch.arange(S, device=c.device)  # (N, S)
        real = ids < self.vocab_size
        logits = self.bias[ids.clamp(max=self.vocab_size - 1)]  # (N, S)
        if self.n > 1:
            logits = logits + HashedGather.apply(
                self.weight, self.word_slice_starts(contexts, c), S
            )
        return logits.masked_fill(~real, float("-inf"))

    def nll(self, x: Tensor, y: Tensor, state: State) -> tuple[Tensor, State]:
        if self.classes is None:
            logits, state = self.logits(x, state)
            flat = logits.reshape(-1, self.vocab_size)
            return F.cross_entropy(flat, y.reshape(-1), reduction="none").view(y.shape), state
        class_logits, contexts, state = self._class_logits(x, state)  # (N, C)
        flat_y = y.reshape(-1)
        c = torch.div(flat_y, self.class_size, rounding_mode="floor")  # (N,) c(y)
        word_logits = self._word_logits(contexts, c)  # (N, S)
        out = F.cross_entropy(class_logits, c, reduction="none") + F.cross_entropy(
            word_logits, flat_y - c * self.class_size, reduction="none"
        )  # −log p(c(y) | h) − log p(y | c(y), h)
        return out.view(y.shape), state

    def log_probs(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        if self.classes is None:
            logits, state = self.logits(x, state)
            return F.log_softmax(logits, dim=-1), state
        B, L = x.shape
        C, S = self.classes, self.class_size
        class_logits, contexts, state = self._class_logits(x, state)  # (N, C)
        N = class_logits.shape[0]
        every = torch.arange(C, device=x.device).repeat(N)  # (N·C,) each class for each token
        words = self._word_logits(contexts.repeat_interleave(C, dim=0), every)  # (N·C, S)
        log_p = F.log_softmax(class_logits, -1)[..., None] + F.log_softmax(
            words.view(N, C, S), -1
        )  # (N, C, S): log p(c | h) + log p(w | c, h)
        return log_p.reshape(N, C * S)[:, : self.vocab_size].view(B, L, -1), state

    def advance(self, x: Tensor, state: State) -> State:
        if self.n == 1:
            return state
        return (torch.cat([state[0], x], dim=1)[:, -(self.n - 1) :],)
