"""The one contract of the neural language models, and the output layer they share.

A language model reads a stream of token ids in windows and carries a *state* from one window
to the next — whatever it needs to know about the text before the window:

=============  ===========================================  ===========================
model          state                                        context it can use
=============  ===========================================  ===========================
maxent, nnlm   the last n − 1 tokens, (B, n − 1)            n − 1 tokens
rnn/lstm/gru   h (and c), (layers, B, H) each               unbounded (truncated BPTT)
transformer    the last ``context − 1`` tokens              ``context`` tokens
=============  ===========================================  ===========================

so training (windows of truncated BPTT), evaluation (every token of a split scored once, in
order) and sampling (one token at a time) are the same loop for every model:

    state = model.initial_state(B, device)
    nll, state = model.nll(x, y, state)          # (B, L) −log p(y_t | x_≤t, state)
    logp, state = model.log_probs(x, state)      # (B, L, V) the whole distribution

The output layer maps features h to p(w | h) over the whole vocabulary V. ``full`` is the
plain softmax(W h + b) (note 002: the softmax over V that dominates an NNLM's cost; its
weight may be *tied* to the input embedding, Press & Wolf 2017). ``adaptive`` is the
adaptive softmax of Grave et al. (2017), the descendant of the frequency classes of Mikolov
et al.'s RNNLM (2011): the frequent words and one entry per tail cluster share a small head
softmax, and p(w | h) = p(cluster | h) · p(w | cluster, h) for a rare word. It is still one
normalised distribution over all V words, so its perplexities compare with the full
softmax's; on Brown it trains about ten times faster on a CPU (vocabulary ids are sorted by
frequency, so the head is ``ids < cutoffs[0]``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlclassics.errors import ConfigError

State = tuple[Tensor, ...]
Softmax = Literal["full", "adaptive"]


@dataclass(frozen=True, kw_only=True)
class LMModelConfig:
    """Every neural LM's settings (each model reads the fields it needs)."""

    order: int = 5  # maxent, nnlm: n of the n-gram context (n − 1 previous tokens)
    embed: int = 128  # token embedding size (m in Bengio 2003; d_model of the transformer)
    hidden: int = 256  # nnlm tanh units; RNN state size
    layers: int = 1  # recurrent or transformer layers
    heads: int = 4  # transformer attention heads (embed must be divisible by heads)
    ff: int = 512  # transformer feed-forward width
    context: int = 64  # transformer: most tokens attended (its positional table's length)
    positions: Literal["sinusoidal", "learned"] = "sinusoidal"  # transformer positions
    dropout: float = 0.1  # on embeddings and between layers
    tie: bool = False  # output weight = input embedding (full softmax; needs hidden == embed)
    direct: bool = True  # nnlm: direct connections from the embeddings to the output
    softmax: Softmax = "adaptive"  # output layer: full softmax or adaptive softmax
    cutoffs: tuple[int, ...] = (2000, 6000)  # adaptive softmax: head/tail id boundaries
    buckets: int = 1 << 22  # maxent: hashed n-gram feature weights (≈ 4M)
    # maxent: C frequency classes of ⌈V/C⌉ consecutive ids, p(w | h) = p(c(w) | h) ·
    # p(w | c(w), h) (Goodman 2001): a step costs C + V/C weights a token, not V; None = one
    # softmax over V
    classes: int | None = None
    cell: Literal["torch", "scratch"] = "torch"  # rnn/lstm/gru: nn.LSTM… or dlclassics.nn.rnn
    bptt: int = 32  # tokens per training window (T of truncated BPTT)
    warmup: int | None = None  # tokens before each window read without gradient to set the
    # state; None = the model's default (n − 1 for maxent/nnlm, bptt for RNNs, 0 transformer)

    def __post_init__(self) -> None:
        if self.order < 1:
            raise ConfigError(f"order={self.order} must be >= 1 (n of the n-gram context)")
        for name in ("embed", "hidden", "layers", "heads", "ff", "context", "bptt", "buckets"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be >= 1")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"dropout={self.dropout} must be in [0, 1)")
        if self.warmup is not None and self.warmup < 0:
            raise ConfigError(f"warmup={self.warmup} must be >= 0")
        if self.classes is not None and self.classes < 1:
            raise ConfigError(f"classes={self.classes} must be >= 1 (or omitted: no classes)")
        if list(self.cutoffs) != sorted(set(self.cutoffs)) or any(c < 1 for c in self.cutoffs):
            raise ConfigError(f"cutoffs={self.cutoffs} must be increasing positive ids")


class OutputLayer(nn.Module):
    """Features (…, D) → −log p(y) or log p(· ) over V: full or adaptive softmax."""

    def __init__(self, D: int, V: int, config: LMModelConfig, tied: nn.Embedding | None = None):
        super().__init__()
        self.kind: Softmax = config.softmax
        self.V = V
        if self.kind == "full":
            self.linear = nn.Linear(D, V)
            if tied is not None:
                if tied.weight.shape != self.linear.weight.shape:
                    raise ConfigError(
                        f"tie needs the output size {D} = embedding size {tied.weight.shape[1]}"
                    )
                self.linear.weight = tied.weight
            return
        if tied is not None:
            raise ConfigError("tie needs --softmax full (the adaptive softmax has no V×D matrix)")
        cutoffs = [c for c in config.cutoffs if c < V - 1]
        if not cutoffs:  # a tiny vocabulary: one cluster boundary in the middle
            cutoffs = [max(1, V // 2)]
        # cluster i projects to D / div^(i+1) dims: 4 (Grave et al.), less for a tiny D so
        # that no tail projection is empty
        div = min(4.0, 0.999 * D ** (1 / len(cutoffs)))
        self.adaptive = nn.AdaptiveLogSoftmaxWithLoss(D, V, cutoffs, div_value=max(div, 1.0))

    def nll(self, h: Tensor, y: Tensor) -> Tensor:
        """h (…, D), y (…) → (…) −log p(y | h)."""
        flat_h, flat_y = h.reshape(-1, h.shape[-1]), y.reshape(-1)
        if self.kind == "full":
            out = F.cross_entropy(self.linear(flat_h), flat_y, reduction="none")
        else:
            out = -self.adaptive(flat_h, flat_y).output
        return out.view(y.shape)

    def log_probs(self, h: Tensor) -> Tensor:
        """h (…, D) → (…, V) log p(w | h) for every word w."""
        flat = h.reshape(-1, h.shape[-1])
        if self.kind == "full":
            out = F.log_softmax(self.linear(flat), dim=-1)
        else:
            out = self.adaptive.log_prob(flat)
        return out.view(*h.shape[:-1], self.V)


class LanguageModel(nn.Module, ABC):
    """The contract (module doc): state in, state out, −log p or log p per position."""

    vocab_size: int
    default_warmup: int  # tokens a training window's state is built from (config.warmup=None)

    @abstractmethod
    def initial_state(self, batch: int, device: torch.device) -> State:
        """The state before any text (zeros, or ``</s>`` tokens)."""

    @abstractmethod
    def nll(self, x: Tensor, y: Tensor, state: State) -> tuple[Tensor, State]:
        """x, y (B, L) → (B, L) −log p(y_t | x_≤t and the state), and the next state."""

    @abstractmethod
    def log_probs(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        """x (B, L) → (B, L, V) log p(· | x_≤t and the state), and the next state."""

    def advance(self, x: Tensor, state: State) -> State:
        """The state after reading x (B, L), computed without scoring (no gradient)."""
        with torch.no_grad():
            return self.log_probs(x, state)[1]


class FeatureLM(LanguageModel):
    """A model whose last hidden features go through an :class:`OutputLayer`."""

    head: OutputLayer

    @abstractmethod
    def features(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        """x (B, L) → (B, L, D) features, and the next state."""

    def nll(self, x: Tensor, y: Tensor, state: State) -> tuple[Tensor, State]:
        h, state = self.features(x, state)
        return self.head.nll(h, y), state

    def log_probs(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        h, state = self.features(x, state)
        return self.head.log_probs(h), state

    def advance(self, x: Tensor, state: State) -> State:
        with torch.no_grad():
            return self.features(x, state)[1]  # the output layer is not needed


def context_windows(x: Tensor, state: Tensor, n: int) -> tuple[Tensor, Tensor]:
    """The n − 1 tokens before each next-token prediction, and the next state.

    ``state`` (B, n − 1) holds the tokens before x (B, L); position t's context is the
    n − 1 tokens ending at x_t. Returns (B, L, n − 1) and (B, n − 1).
    """
    full = torch.cat([state, x], dim=1)  # (B, n − 1 + L)
    windows = full.unfold(1, n - 1, 1)[:, 1:]  # (B, L, n − 1)
    return windows, full[:, full.shape[1] - (n - 1) :]
