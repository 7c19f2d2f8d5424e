"""RNNME: an Elman RNN language model with maximum-entropy direct connections — note 002.

Mikolov et al. (2011, "Strategies for training large scale neural network language models",
§4) train the recurrent network of note 002 *jointly* with a maximum-entropy model of the
n-gram context: the hashed n-gram features of :mod:`.maxent` connect the input words directly
to the output, beside the hidden layer, and both feed one softmax:

    s_t = tanh(U e(w_t) + W s_{t−1} + b)                        (Elman RNN, :mod:`.rnn`)
    p(w | h) ∝ exp(b_w + Σ_{k=1}^{n−1} λ[hash_k(u_{n−k} … u_{n−1}) + w] + V_w · s_t)

so the RNN learns what the n-gram counts cannot say (long context, similarity of words) and
the direct connections keep the exact n-gram memory a small hidden layer lacks. With word
classes (``classes=C``, Goodman 2001 — as in Mikolov's RNNME) the class and the word inside
the class are predicted in turn, each from both parts:

    p(c | h)    ∝ exp(β_c + Σ_k λ[hash_k(u) + c] + A_c · s_t)
    p(w | c, h) ∝ exp(b_w + Σ_k λ[hash_k(u, c) + w − cS] + V_w · s_t)      (w in class c)

The state is the maxent's last n − 1 tokens and the RNN's hidden state; training is truncated
BPTT like every recurrent model here. With the recurrent output weights A and V at zero it is
exactly :class:`~dlclassics.lm.models.maxent.MaxEntLM` (tested).

One learning rate does not suit both parts of a mini-batch step. Mikolov updates after every
token, so each weight moves by α times one token's gradient; a step on the mean loss of N
tokens moves a sparse n-gram weight by about that (few tokens share it), but a dense weight
— U, W, V, A, the embeddings — by the mean of all N, which the large rate the maxent needs
blows up (Brown, lr 20: a loss of 94 nats by step 50; with the dense rate at 0.1 of it, a
gradient norm of 1,011 by step 100; at 0.01 it trains). The dense parameters' gradients are
therefore scaled by :data:`DENSE_LR` as they are computed (a gradient hook), so with plain
SGD their rate is ``DENSE_LR · lr`` while the hashed weights keep ``lr``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from dlclassics.lm.models.base import LMModelConfig, State
from dlclassics.lm.models.maxent import MaxEntLM
from dlclassics.lm.models.rnn import _recurrent

DENSE_LR = 0.01  # the RNN part's learning rate, as a fraction of the hashed weights' (doc)


class RNNMaxEntLM(MaxEntLM):
    """Elman RNN + hashed n-gram direct connections, one softmax (module doc).

    State: (the last n − 1 tokens (B, n − 1), the RNN's h (layers, B, H)).
    """

    def __init__(self, config: LMModelConfig, vocab_size: int, *, eos_id: int = 3) -> None:
        super().__init__(config, vocab_size, eos_id=eos_id)
        self.hidden, self.layers = config.hidden, config.layers
        self.default_warmup = max(config.bptt, config.order - 1)
        self.embedding = nn.Embedding(vocab_size, config.embed)
        self.dropout = nn.Dropout(config.dropout)
        self.rnn = _recurrent("rnn", config)
        # V: the hidden layer's word weights; A: its class weights (with classes)
        self.word_out = nn.Parameter(torch.randn(vocab_size, config.hidden) * 0.01)
        self.class_out = (
            nn.Linear(config.hidden, config.classes, bias=False) if config.classes else None
        )
        dense = [*self.embedding.parameters(), *self.rnn.parameters(), self.word_out]
        for p in dense + (list(self.class_out.parameters()) if self.class_out else []):
            p.register_hook(lambda g: g * DENSE_LR)

    def initial_state(self, batch: int, device: torch.device) -> State:
        (tokens,) = super().initial_state(batch, device)
        return tokens, torch.zeros(self.layers, batch, self.hidden, device=device)

    def _hidden(self, x: Tensor, state: State) -> tuple[Tensor, Tensor]:
        """x (B, L) → s (B·L, H) the RNN's outputs (dropout applied), and its next h."""
        out, h = self.rnn(self.dropout(self.embedding(x)), state[1])
        return self.dropout(out).reshape(-1, self.hidden), h

    def nll(self, x: Tensor, y: Tensor, state: State) -> tuple[Tensor, State]:
        s, h = self._hidden(x, state)
        flat_y = y.reshape(-1)
        if self.class_out is None:
            logits, (last,) = self.logits(x, state[:1])
            logits = logits.reshape(-1, self.vocab_size) + s @ self.word_out.T
            return F.cross_entropy(logits, flat_y, reduction="none").view(y.shape), (last, h)
        class_logits, contexts, (last,) = self._class_logits(x, state[:1])
        class_logits = class_logits + self.class_out(s)
        S = self.class_size
        c = torch.div(flat_y, S, rounding_mode="floor")  # (N,) c(y)
        ids = (c[:, None] * S + torch.arange(S, device=c.device)).clamp(max=self.vocab_size - 1)
        recurrent = torch.bmm(self.word_out[ids], s[:, :, None]).squeeze(-1)  # (N, S) V_w · s
        word_logits = self._word_logits(contexts, c) + recurrent  # −inf past V stays −inf
        out = F.cross_entropy(class_logits, c, reduction="none") + F.cross_entropy(
            word_logits, flat_y - c * S, reduction="none"
        )  # −log p(c(y) | h) − log p(y | c(y), h)
        return out.view(y.shape), (last, h)

    def log_probs(self, x: Tensor, state: State) -> tuple[Tensor, State]:
        B, L = x.shape
        s, h = self._hidden(x, state)
        recurrent = s @ self.word_out.T  # (N, V)
        if self.class_out is None:
            logits, (last,) = self.logits(x, state[:1])
            return F.log_softmax(logits + recurrent.view(B, L, -1), -1), (last, h)
        C, S = self.classes, self.class_size
        assert C is not None
        class_logits, contexts, (last,) = self._class_logits(x, state[:1])
        class_logits = class_logits + self.class_out(s)
        N = class_logits.shape[0]
        every = torch.arange(C, device=x.device).repeat(N)  # (N·C,) each class for each token
        words = self._word_logits(contexts.repeat_interleave(C, dim=0), every).view(N, C, S)
        words = words + F.pad(recurrent, (0, C * S - self.vocab_size)).view(N, C, S)
        log_p = F.log_softmax(class_logits, -1)[..., None] + F.log_softmax(words, -1)
        return log_p.reshape(N, C * S)[:, : self.vocab_size].view(B, L, -1), (last, h)

    def advance(self, x: Tensor, state: State) -> State:
        with torch.no_grad():
            (last,) = super().advance(x, state[:1])
            return last, self._hidden(x, state)[1]
