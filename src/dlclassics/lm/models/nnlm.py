"""The feed-forward neural language model of Bengio et al. (2003) — note 002, 神经网络语言模型.

Each of the n − 1 previous words w_{t−n+1} … w_{t−1} is looked up in a shared table C of
m-dimensional word vectors (the first *word embeddings*); their concatenation x goes through
one tanh hidden layer, and a softmax over the vocabulary gives the next word:

    x = [C(w_{t−1}); …; C(w_{t−n+1})]              (n − 1)·m
    y = b + W x + U tanh(d + H x)                   V logits
    p(w_t | w_{t−n+1} … w_{t−1}) = softmax(y)_{w_t}

``W x`` are the optional *direct connections* from the embeddings to the output (``direct``);
we realise ``b + W x + U tanh(·)`` as one output layer over the features
``[tanh(d + H x); x]``, which also lets the adaptive softmax replace the plain one.
Unlike an n-gram model, similar words get similar vectors, so an n-gram never seen in
training still gets the probability its neighbours earned — the paper's "curse of
dimensionality" argument. Bengio et al. also interpolated the network with a smoothed
trigram; :func:`dlclassics.lm.evaluate.mix` does that with a weight tuned on validation data.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from dlclassics.errors import ConfigError
from dlclassics.lm.models.base import FeatureLM, LMModelConfig, OutputLayer, State, context_windows


class NNLM(FeatureLM):
    """Bengio et al.'s NNLM (module doc); state: the last n − 1 tokens."""

    def __init__(self, config: LMModelConfig, vocab_size: int, *, eos_id: int = 3) -> None:
        super().__init__()
        if config.order < 2:
            raise ConfigError(f"nnlm needs order >= 2 (n − 1 context words), got {config.order}")
        self.vocab_size, self.n, self.eos_id = vocab_size, config.order, eos_id
        self.default_warmup = config.order - 1
        self.direct = config.direct
        width = (config.order - 1) * config.embed  # (n − 1)·m
        self.embedding = nn.Embedding(vocab_size, config.embed)  # C
        self.dropout = nn.Dropout(config.dropout)
        self.hidden = nn.Linear(width, config.hidden)  # H, d
        D = config.hidden + (width if config.direct else 0)
        self.head = OutputLayer(D, vocab_size, config)  # [U W], b

    def initial_state(self, batch: int, device: torch.device) -> State:
        return (torch.full((batch, self.n - 1), self.eos_id, dtype=torch.long, device=device),)

    def features(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        contexts, last = context_windows(x, state[0], self.n)  # (B, L, n − 1)
        B, L = x.shape
        e = self.embedding(contexts.flip(-1)).view(B, L, -1)  # (B, L, (n − 1)·m), newest first
        e = self.dropout(e)
        h = self.dropout(torch.tanh(self.hidden(e)))  # (B, L, hidden)
        # e is dropped once: the direct connections read the same thinned embeddings
        features = torch.cat([h, e], dim=-1) if self.direct else h
        return features, (last,)

    def advance(self, x: Tensor, state: State) -> State:
        return (torch.cat([state[0], x], dim=1)[:, -(self.n - 1) :],)
