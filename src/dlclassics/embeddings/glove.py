"""GloVe: word vectors fitted to the logarithm of global co-occurrence counts.

Pennington, Socher & Manning 2014 ("GloVe: Global Vectors for Word Representation"), eq. 8;
note 001 §0.2 (glove). With X the co-occurrence matrix of
:mod:`~dlclassics.embeddings.cooccurrence` (symmetric window, 1/distance weights), word
vectors ``w``, context vectors ``w̃`` and biases ``b``, ``b̃`` minimise ::

    J = Σ_{i,j: X_ij > 0}  ½ f(X_ij) (w_i · w̃_j + b_i + b̃_j − log X_ij)²
    f(x) = (x / x_max)^α  if x < x_max  else 1          # x_max = 100, α = 3/4

by AdaGrad over the shuffled non-zero entries, as the released ``glove.c`` applies it
(η = 0.05, accumulators start at 1; a vector coordinate moves by η g / √G and then G +=
(η g)²; a bias moves by g / √G and then G += g²: see
:func:`~dlclassics.embeddings.kernels.glove_epoch`), several threads updating the shared
parameters without locks. Against ``glove.c`` itself on en-mix (same vocabulary, window,
x_max, epochs and one thread; ``benchmarks/word2vec_vs_gensim.py --stanford-glove``) the
vectors score alike on analogies and WordSim-353. The vectors we keep are ``W + W̃`` (the
paper's §4.2 choice, ``glove.c``'s ``-model 2``).
``f`` caps the weight of frequent pairs and gives rare, noisy pairs little weight.

>>> from dlclassics.embeddings.corpus import word_sentences             # doctest: +SKIP
>>> sentences = word_sentences("en-mix", lowercase=True)                # doctest: +SKIP
>>> kv, stats = train_glove(sentences, GloveConfig())                   # doctest: +SKIP
>>> stats.losses[0] > stats.losses[-1]                                 # doctest: +SKIP
True
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dlclassics.embeddings import kernels
from dlclassics.embeddings.cooccurrence import Cooccurrence, count_cooccurrences
from dlclassics.embeddings.keyed import KeyedVectors
from dlclassics.embeddings.vocab import WordCounts
from dlclassics.errors import ConfigError, TrainingDiverged

__all__ = ["Glove", "GloveConfig", "GloveStats", "train_glove"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class GloveConfig:
    dim: int = 100  # vector size
    window: int = 10  # context words each side (glove.c's demo uses 15; 10 is the paper's)
    min_count: int = 5  # words seen fewer times are removed before counting
    max_vocab: int | None = None  # keep at most this many words; None = all
    x_max: float = 100.0  # f(x) = 1 from here up
    power: float = 0.75  # α of f(x) = (x / x_max)^α
    lr: float = 0.05  # AdaGrad's η of the vectors, applied as glove.c does (biases: η = 1)
    epochs: int = 15  # passes over the non-zero entries of X
    workers: int = 2  # training threads (Hogwild); 1 = bitwise reproducible
    seed: int = 1  # initial vectors and the shuffles
    memory_mb: float = 256.0  # counting buffer; full, it spills sorted runs (peak ≈ 400 MB)
    progress: bool = False  # log a line per epoch (GloVe epochs are few and long)

    def __post_init__(self) -> None:
        positive = {
            "dim": self.dim, "window": self.window, "min_count": self.min_count,
            "x_max": self.x_max, "lr": self.lr, "epochs": self.epochs,
            "workers": self.workers, "memory_mb": self.memory_mb,
        }  # fmt: skip
        for name, value in positive.items():
            if not value > 0:
                raise ConfigError(f"invalid GloVe option {name}={value!r}; it must be positive")


@dataclass
class GloveStats:
    count_seconds: float = 0.0  # building X (one pass over the corpus)
    train_seconds: float = 0.0
    nonzeros: int = 0  # entries of X
    spills: int = 0
    corpus_words: int = 0  # in-vocabulary words of the corpus
    losses: list[float] = field(default_factory=list)  # mean J per entry, per epoch

    @property
    def words_per_sec(self) -> float:
        epochs = len(self.losses)
        return self.corpus_words * epochs / self.train_seconds if self.train_seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "count_seconds": round(self.count_seconds, 3),
            "train_seconds": round(self.train_seconds, 3),
            "nonzeros": self.nonzeros,
            "spills": self.spills,
            "corpus_words": self.corpus_words,
            "words_per_sec": round(self.words_per_sec, 1),
            "losses": self.losses,
        }


class Glove:
    """Parameters ``W, W̃, b, b̃`` and their AdaGrad accumulators (float32)."""

    def __init__(self, config: GloveConfig, vocab: WordCounts) -> None:
        self.config = config
        self.vocab = vocab
        V, D = len(vocab), config.dim
        rng = np.random.default_rng(config.seed)

        def init(*shape: int) -> np.ndarray:  # glove.c: uniform in [-0.5/D, 0.5/D)
            return ((rng.random(shape, dtype=np.float32) - 0.5) / D).astype(np.float32)

        self.W, self.Wc = init(V, D), init(V, D)
        self.b, self.bc = init(V), init(V)
        self.GW, self.GWc = np.ones((V, D), np.float32), np.ones((V, D), np.float32)
        self.Gb, self.Gbc = np.ones(V, np.float32), np.ones(V, np.float32)

    @property
    def wv(self) -> KeyedVectors:
        """``W + W̃`` as frozen vectors."""
        return KeyedVectors(self.vocab.words, self.W + self.Wc, self.vocab.counts.copy())

    def _epoch(self, X: Cooccurrence, parts: list[np.ndarray]) -> list[float]:
        """One thread per shard of entries, all updating the shared parameters."""
        cfg = self.config
        costs = [0.0] * len(parts)

        def work(t: int) -> None:
            costs[t] = kernels.glove_epoch(
                self.W, self.Wc, self.b, self.bc, self.GW, self.GWc, self.Gb, self.Gbc,
                X.rows, X.cols, X.values, parts[t], cfg.x_max, cfg.power, cfg.lr,
            )  # fmt: skip

        threads = [threading.Thread(target=work, args=(t,)) for t in range(len(parts))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return costs

    def train(
        self,
        X: Cooccurrence,
        *,
        epochs: int | None = None,
        callbacks: Sequence[Callable[[int, float], None]] = (),
    ) -> list[float]:
        """AdaGrad epochs over X; returns the mean loss per entry of each epoch."""
        cfg = self.config
        rng = np.random.default_rng(cfg.seed + 1)
        losses = []
        for epoch in range(1, (epochs or cfg.epochs) + 1):
            parts = np.array_split(rng.permutation(len(X)), cfg.workers)  # Hogwild shards
            costs = self._epoch(X, parts)
            loss = sum(costs) / max(len(X), 1)
            if not math.isfinite(loss):
                raise TrainingDiverged(f"GloVe loss became {loss} in epoch {epoch}; lower --lr")
            losses.append(loss)
            log.info("GloVe epoch %d: loss %.5f", epoch, loss)
            for callback in callbacks:
                callback(epoch, loss)
        return losses


def train_glove(
    sentences: Iterable[Sequence[str]],
    config: GloveConfig,
    *,
    callbacks: Sequence[Callable[[int, float], None]] = (),
) -> tuple[KeyedVectors, GloveStats]:
    """Vocabulary, co-occurrence counts, AdaGrad; returns ``(W + W̃, stats)``."""
    where = f"corpus {sentences}" if hasattr(sentences, "spec") else "the corpus"
    vocab = WordCounts.build(
        sentences, min_count=config.min_count, max_vocab=config.max_vocab, where=where
    )
    stats = GloveStats(corpus_words=vocab.retained_words)
    start = time.perf_counter()
    X = count_cooccurrences(
        map(vocab.encode, sentences), len(vocab), window=config.window,
        memory_mb=config.memory_mb,
    )  # fmt: skip
    stats.count_seconds = time.perf_counter() - start
    stats.nonzeros, stats.spills = len(X), X.spills
    log.info(
        "co-occurrences: %s non-zero entries for %s words (%.1f s, %d spills)",
        f"{len(X):,}", f"{len(vocab):,}", stats.count_seconds, X.spills,
    )  # fmt: skip
    model = Glove(config, vocab)
    start = time.perf_counter()
    stats.losses = model.train(X, callbacks=callbacks)
    stats.train_seconds = time.perf_counter() - start
    return model.wv, stats
