"""The taggers: a maximum-entropy tagger and the BiLSTM ladder up to the BiLSTM-CRF.

Every tagger is a :class:`~dlclassics.train.task.Task` over :class:`~.encode.Batch`\\ es and
predicts a tag id per token (:meth:`Tagger.predict`).

* ``memm`` — the maximum-entropy Markov model (Ratnaparkhi 1996; McCallum et al. 2000), note
  002's maximum-entropy classifier applied token by token: a log-linear model over the
  hand-made features ``f(x, i)`` (:mod:`.features`) and the previous tag,

      p(y_i | y_{i-1}, x) = softmax_y ( Σ_f W[f, y] + P[y_{i-1}, y] ),

  trained on the gold previous tag; decoding is exact Viterbi over
  ``Σ_i log p(y_i | y_{i-1}, x)`` (:func:`~.crf.viterbi`).
* ``bilstm`` — note 002's synced many-to-many RNN: word embeddings, a bidirectional LSTM,
  a softmax per token, ``h_t = [→h_t; ←h_t]``, ``p(y_t | x) = softmax(W h_t + b)``.
* ``bilstm-char`` — each word's embedding is joined by a character CNN's (Ma and Hovy 2016:
  character embeddings, one convolution of width 3, max over the word's characters), which
  gives unknown words a spelling.
* ``bilstm-crf`` — ``bilstm-char`` whose scores ``W h_t + b`` are the emissions of a
  linear-chain CRF (:mod:`.crf`; Lample et al. 2016, Ma and Hovy 2016): trained on
  ``−log p(y | x)`` of the whole path, decoded by Viterbi.

``features=True`` adds the sum of the hand-made features' embeddings to each BiLSTM input.
``direct=True`` also connects the hand-made features straight to the output, as Huang, Xu
and Yu (2015) do in their BiLSTM-CRF (Mikolov's direct connections, note 002's
maximum-entropy weights):

    e_t(y) = W h_t + b + Σ_{f ∈ f(x, t)} D[f, y]

so a ``bilstm-crf`` with ``direct=True`` contains the linear-chain CRF over the same
features (the BiLSTM's part at zero) and adds the BiLSTM's context to it. ``D`` starts at
zero, like the MEMM's ``W``, and is not dropped out.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

from dlclassics.errors import ConfigError
from dlclassics.tag.crf import CRF, viterbi
from dlclassics.tag.encode import PAD, Batch
from dlclassics.tag.features import N_FEATURES
from dlclassics.tag.metrics import span_f1
from dlclassics.train import EvalOutput, StepOutput

__all__ = ["MODELS", "ModelConfig", "Tagger", "build_tagger"]

Model = Literal["memm", "bilstm", "bilstm-char", "bilstm-crf"]
MODELS: tuple[Model, ...] = ("memm", "bilstm", "bilstm-char", "bilstm-crf")


@dataclass(frozen=True, kw_only=True)
class ModelConfig:
    model: Model = "bilstm-crf"  # memm | bilstm | bilstm-char | bilstm-crf (module docstring)
    features: bool = False  # BiLSTMs: add the hand-made features' embeddings to the input
    direct: bool = False  # BiLSTMs: add the features' weights D[f, y] to the output scores
    word_dim: int = 64  # word embedding size
    char_dim: int = 24  # character embedding size (char CNN)
    char_filters: int = 48  # char CNN output size (Ma and Hovy: 30 filters of width 3)
    feature_dim: int = 32  # embedding size of each hand-made feature (features=True)
    hidden: int = 128  # LSTM state size per direction
    dropout: float = 0.25  # on the BiLSTM's input and output

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ConfigError(f"model={self.model!r} is not one of {', '.join(MODELS)}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"dropout={self.dropout} must be in [0, 1)")
        for name in ("word_dim", "char_dim", "char_filters", "feature_dim", "hidden"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be >= 1")

    @property
    def reads_features(self) -> bool:
        return self.model == "memm" or self.features or self.direct

    @property
    def name(self) -> str:
        """The model as a results table names it, e.g. ``bilstm-crf+features+direct``."""
        if self.model == "memm":
            return self.model
        features = "+features" if self.features else ""
        return self.model + features + ("+direct" if self.direct else "")


class Tagger(nn.Module):
    """Shared Task side of the taggers: loss, accuracy, prediction.

    Evaluation reports token accuracy ``acc``; with :attr:`spans` set (entities or words,
    :func:`~.metrics.span_reader`) also the span F1 of :mod:`.metrics`, summed over the whole
    evaluation set, and ``score``, the data's own metric (F1, or accuracy for POS), which is
    what a run selects its best checkpoint by.
    """

    # tag ids of one sentence -> the spans its F1 counts; set by the family for IOB2 and BMES
    # data (not a weight: a plain attribute, absent from checkpoints)
    spans: Callable[[Sequence[int]], list[Hashable]] | None = None

    def loss(self, batch: Batch) -> torch.Tensor:
        raise NotImplementedError

    def predict(self, batch: Batch) -> torch.Tensor:
        """The predicted tag id of every token, (B, T) (0 at padding)."""
        raise NotImplementedError

    def training_step(self, batch: Batch) -> StepOutput:
        return StepOutput(self.loss(batch), {})

    def evaluation_step(self, batch: Batch) -> EvalOutput:
        predicted = self.predict(batch)
        n = int(batch.mask.sum())
        right = int(((predicted == batch.tags) & batch.mask).sum())
        loss = float(self.loss(batch))
        # "n" is tokens: the trainer's n-weighted mean makes acc the token accuracy, and the
        # span counts per token sum to the set's counts (their ratio is the F1)
        metrics = {"loss": loss, "acc": right / n}
        if self.spans is not None:
            lengths = batch.mask.sum(1).tolist()
            gold, guess = batch.tags.tolist(), predicted.tolist()
            prf = span_f1(
                (self.spans(g[:t]) for g, t in zip(gold, lengths, strict=True)),
                (self.spans(p[:t]) for p, t in zip(guess, lengths, strict=True)),
            )
            metrics |= {"span_tp": prf.tp / n, "span_predicted": prf.predicted / n}
            metrics["span_gold"] = prf.gold / n
        return EvalOutput(metrics, n)

    def evaluation_summary(self, means: dict[str, float]) -> dict[str, float]:
        """``f1`` from the summed span counts (IOB2, BMES), and ``score``: F1 or accuracy."""
        if "span_tp" not in means:
            return {"score": means["acc"]}
        total = means["span_predicted"] + means["span_gold"]
        f1 = 2 * means["span_tp"] / total if total else 0.0
        return {"f1": f1, "score": f1}


class MEMMTagger(Tagger):
    """p(y_i | y_{i-1}, x) = softmax(Σ_f W[f] + P[y_{i-1}]) (module docstring)."""

    def __init__(self, n_features: int, n_tags: int) -> None:
        super().__init__()
        self.n_tags = n_tags
        self.weights = nn.Embedding(n_features, n_tags, padding_idx=PAD)  # W[f, y]
        nn.init.zeros_(self.weights.weight)  # the maximum-entropy start: every tag equal
        self.previous = nn.Parameter(torch.zeros(n_tags + 1, n_tags))  # P[y', y]; last: start

    def observation_scores(self, batch: Batch) -> torch.Tensor:
        return self.weights(batch.features.long()).sum(2)  # (B, T, K)

    def loss(self, batch: Batch) -> torch.Tensor:
        scores = self.observation_scores(batch)  # (B, T, K)
        start = torch.full_like(batch.tags[:, :1], self.n_tags)
        previous = torch.cat([start, batch.tags[:, :-1]], dim=1)  # gold y_{i-1}, (B, T)
        logits = scores + self.previous[previous]  # (B, T, K)
        return F.cross_entropy(logits[batch.mask], batch.tags[batch.mask])

    def predict(self, batch: Batch) -> torch.Tensor:
        scores = self.observation_scores(batch)  # (B, T, K)
        K = self.n_tags
        first = torch.log_softmax(scores[:, 0] + self.previous[K], dim=-1)  # (B, K)

        def pair(t: int) -> torch.Tensor:  # log p(y_t = j | y_{t-1} = i, x): (B, K, K)
            return torch.log_softmax(scores[:, t].unsqueeze(1) + self.previous[:K], dim=-1)

        return viterbi(first, pair, batch.mask)


class CharCNN(nn.Module):
    """A word's spelling: char embeddings, a width-3 convolution, max over the characters."""

    def __init__(self, n_chars: int, dim: int, filters: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(n_chars, dim, padding_idx=PAD)
        self.conv = nn.Conv1d(dim, filters, kernel_size=3, padding=1)

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        B, T, L = chars.shape
        x = self.embed(chars.view(B * T, L)).transpose(1, 2)  # (B·T, D, L)
        h = self.conv(x)  # (B·T, filters, L)
        h = h.masked_fill((chars.view(B * T, 1, L) == PAD), float("-inf")).amax(-1)
        return h.clamp(min=-1e4).view(B, T, -1)  # (B, T, filters); an all-pad word gives -1e4


class BiLSTMTagger(Tagger):
    """Embeddings (+ char CNN, + features) → BiLSTM → per-token scores (→ CRF)."""

    def __init__(
        self,
        config: ModelConfig,
        *,
        n_words: int,
        n_chars: int,
        n_features: int,
        n_tags: int,
    ) -> None:
        super().__init__()
        chars = config.model in ("bilstm-char", "bilstm-crf")
        self.words = nn.Embedding(n_words, config.word_dim, padding_idx=PAD)
        self.chars = CharCNN(n_chars, config.char_dim, config.char_filters) if chars else None
        self.features = None
        if config.features:
            self.features = nn.Embedding(n_features, config.feature_dim, padding_idx=PAD)
            # a token sums N_FEATURES of them: scale so the sum has unit variance like a word's
            with torch.no_grad():
                self.features.weight.normal_(std=N_FEATURES**-0.5)
                self.features.weight[PAD] = 0
        width = (
            config.word_dim
            + (config.char_filters if chars else 0)
            + (config.feature_dim if config.features else 0)
        )
        self.dropout = nn.Dropout(config.dropout)
        self.lstm = nn.LSTM(width, config.hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * config.hidden, n_tags)
        self.crf = CRF(n_tags) if config.model == "bilstm-crf" else None
        self.direct = None
        if config.direct:
            self.direct = nn.Embedding(n_features, n_tags, padding_idx=PAD)  # D[f, y]
            nn.init.zeros_(self.direct.weight)  # the maximum-entropy start, as in the MEMM

    def emissions(self, batch: Batch) -> torch.Tensor:
        """Scores W h_t + b (+ Σ_f D[f, y]) of every tag at every token, (B, T, K)."""
        parts = [self.words(batch.words)]  # (B, T, word_dim)
        if self.chars is not None:
            parts.append(self.chars(batch.chars))  # (B, T, char_filters)
        if self.features is not None:
            parts.append(self.features(batch.features.long()).sum(2))  # (B, T, feature_dim)
        x = self.dropout(torch.cat(parts, dim=-1))
        lengths = batch.mask.sum(1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(
            x, lengths, batch_first=True, enforce_sorted=False
        )
        h, _ = self.lstm(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
        scores = self.out(self.dropout(h))  # (B, T, K)
        if self.direct is not None:
            scores = scores + self.direct(batch.features.long()).sum(2)  # Σ_f D[f, y]
        return scores

    def loss(self, batch: Batch) -> torch.Tensor:
        scores = self.emissions(batch)
        if self.crf is None:
            return F.cross_entropy(scores[batch.mask], batch.tags[batch.mask])
        # −log p(y | x) per token, so the learning rate does not depend on sentence length
        return self.crf.nll(scores, batch.tags, batch.mask).sum() / batch.mask.sum()

    def predict(self, batch: Batch) -> torch.Tensor:
        scores = self.emissions(batch)
        if self.crf is None:
            return scores.argmax(-1) * batch.mask
        return self.crf.decode(scores, batch.mask)


def build_tagger(
    config: ModelConfig, *, n_words: int, n_chars: int, n_features: int, n_tags: int
) -> Tagger:
    """The tagger ``config`` names, with freshly initialised weights."""
    if config.model == "memm":
        return MEMMTagger(n_features, n_tags)
    return BiLSTMTagger(
        config, n_words=n_words, n_chars=n_chars, n_features=n_features, n_tags=n_tags
    )
