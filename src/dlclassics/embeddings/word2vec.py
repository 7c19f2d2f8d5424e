"""word2vec: skip-gram and CBOW, with negative sampling or hierarchical softmax (fast path).

Mikolov et al. 2013a ("Efficient Estimation of Word Representations in Vector Space") and
2013b ("Distributed Representations of Words and Phrases and their Compositionality"); notes
001 §0.1 (Word2vec: "文本中离得越近的词语相似度越高", skip-gram), 002 (词向量如何计算: CBOW
predicts the centre word from its context, skip-gram the context from the centre word, a
window of 5) and 004 §3 (词向量模型Word2Vec: CBOW/Skip-gram, 分级softmax, 负采样 with k = 5).

Each word ``w`` has an input vector ``v_w`` (a row of ``syn0``, the vectors we keep) and an
output vector ``u`` (a row of ``syn1neg`` for negative sampling, or one per inner node of
the Huffman tree, ``syn1``, for hierarchical softmax). For a centre word ``w_t`` and a context
word ``w_c`` within the window:

* **skip-gram**: input ``h = v_{w_c}``, predict ``w_t`` (the C tool's orientation; by the
  symmetry of the window this is "predict the context from the centre word");
* **CBOW**: input ``h = mean_c v_{w_c}`` over the window, predict ``w_t``;

with the loss of predicting word ``o`` from ``h``:

* **negative sampling** (k noise words ``n_i ~ P_n ∝ count^0.75``)::

      L = −log σ(u_o · h) − Σ_{i=1..k} log σ(−u_{n_i} · h)

* **hierarchical softmax** (code ``d_j`` and inner node ``n_j`` on ``o``'s Huffman path)::

      L = −Σ_j log σ((1 − 2 d_j) u_{n_j} · h)

Training details of ``word2vec.c``, also gensim's defaults: frequent-word subsampling
(:mod:`~dlclassics.embeddings.sampling`), a window of ``1 + rand mod window`` each side for
every centre word, and a learning rate falling linearly from ``lr`` to ``min_lr`` over
all words of all epochs. The input vectors start uniform in ``[-1/D, 1/D)``, gensim 4's range
(:func:`initial_vectors`; ``word2vec.c``'s is half as wide), the output vectors at zero. One
difference is kept: gensim (and ``word2vec.c`` for hierarchical softmax) skips the update of
a pair whose ``u · h`` is beyond ±6, where its sigmoid table ends; our kernels use the exact
sigmoid and update every pair (on SOTU, one epoch of CBOW, one thread, seeds 1-4, the skip
moved the mean analogy accuracy by 0.03 points and WordSim-353 by 0.001). The readable
torch version of the two losses is :mod:`~dlclassics.embeddings.reference`; the compiled
loops are in :mod:`~dlclassics.embeddings.kernels`.

How it runs. The corpus is streamed: one pass counts words (the vocabulary), then every
epoch is one pass. The main thread reads sentences, maps words to ids and cuts the stream
into chunks of about ``chunk_words`` words; ``workers`` threads each take chunks from a
queue and run the Numba kernel on them without the GIL, updating the shared matrices
without locks (Hogwild, like the C tool and gensim). The first epoch also writes the id
stream to a temporary file, which later epochs read through a memory map instead of the
text (so tokenising and jieba run once, and memory stays bounded). Each thread has its own
random state derived from ``seed``; with ``workers=1`` a run is bitwise reproducible.

The loss of every epoch (mean per prediction) is reported to the callbacks, logged, and kept
in :attr:`TrainStats.epochs` — what gensim's ``get_latest_training_loss`` only half does.
It is measured online, before each update; on a corpus in document order it can rise a
little in the last epochs as the learning rate decays (a large rate also tracks the
current document's vocabulary): with a constant rate, or shuffled sentences, it falls
every epoch (checked on SOTU).

>>> from dlclassics.embeddings.corpus import word_sentences              # doctest: +SKIP
>>> kv, stats, model = train_word2vec(word_sentences("en-mix", lowercase=True),  # doctest: +SKIP
...                                   Word2VecConfig(model="sg", loss="ns"))
>>> [round(e.loss, 2) for e in stats.epochs]                            # doctest: +SKIP
>>> kv.most_similar("king", topn=3)                                      # doctest: +SKIP

Continued training on new text: ``model.update_vocab(new_sentences)`` adds the new text's
words that reach ``min_count`` (counts of known words grow too; rows are re-sorted by count,
new input vectors are initialised as at the start, new output rows at zero; with
hierarchical softmax the Huffman tree is rebuilt and its inner-node vectors are relearned
from zero), then ``model.train(new_sentences)`` runs the epochs on it with a fresh
learning-rate schedule. Without ``update_vocab`` new words are simply skipped.
"""

from __future__ import annotations

import json
import logging
import math
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from dlclassics.embeddings import kernels
from dlclassics.embeddings.corpus import MAX_SENTENCE, Chunk, chunk_sentences
from dlclassics.embeddings.huffman import HuffmanTree, build_huffman
from dlclassics.embeddings.keyed import KeyedVectors
from dlclassics.embeddings.sampling import alias_table, keep_thresholds, noise_distribution
from dlclassics.embeddings.vocab import WordCounts, count_words
from dlclassics.errors import CheckpointError, ConfigError, TrainingDiverged
from dlclassics.io import write_bytes, write_json
from dlclassics.train.progress import ProgressBar

__all__ = [
    "EpochReport",
    "TrainStats",
    "Word2Vec",
    "Word2VecConfig",
    "train_word2vec",
]

log = logging.getLogger(__name__)

Model = Literal["sg", "cbow"]
Loss = Literal["ns", "hs"]
TRAINER_WEIGHTS = "trainer.safetensors"  # what continued training needs beyond vectors.bin
TRAINER_JSON = "trainer.json"
DEFAULT_LR = {"sg": 0.025, "cbow": 0.05}  # word2vec.c's defaults per architecture


@dataclass(frozen=True, kw_only=True)
class Word2VecConfig:
    model: Model = "sg"  # sg: skip-gram (word pairs in the window); cbow: mean of context
    loss: Loss = "ns"  # ns = negative sampling, hs = hierarchical softmax
    dim: int = 100  # vector size (notes: 50–300)
    window: int = 5  # max context words each side; each centre samples 1..window
    negative: int = 5  # noise words per prediction (k of negative sampling)
    sample: float = 1e-3  # subsampling threshold t; 0 keeps every word
    min_count: int = 5  # words seen fewer times are dropped from the stream
    max_vocab: int | None = None  # keep at most this many words (most frequent); None = all
    epochs: int = 5  # passes over the corpus
    lr: float | None = None  # initial learning rate η₀; None = 0.025 for sg, 0.05 for cbow
    min_lr: float = 1e-4  # η at the very end (linear decay)
    workers: int = 2  # training threads (Hogwild); 1 = bitwise reproducible
    seed: int = 1  # initial vectors and every thread's random stream
    chunk_words: int = 10_000  # words per job handed to a thread
    progress: bool = False  # draw a progress bar (words/s, ETA) on a terminal

    def __post_init__(self) -> None:
        checks = {
            "dim": self.dim >= 1,
            "window": self.window >= 1,
            "negative": self.negative >= 1 or self.loss == "hs",
            "epochs": self.epochs >= 1,
            "min_count": self.min_count >= 1,
            "workers": self.workers >= 1,
            "chunk_words": self.chunk_words >= 1,
            "sample": self.sample >= 0,
            "max_vocab": self.max_vocab is None or self.max_vocab >= 1,
            "lr": self.lr is None or self.lr > 0,
            "min_lr": self.min_lr >= 0,
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ConfigError(
                f"invalid word2vec option {bad[0]}={getattr(self, bad[0])!r}; "
                "sizes and counts must be positive, rates non-negative"
            )

    @property
    def start_lr(self) -> float:
        return self.lr if self.lr is not None else DEFAULT_LR[self.model]


@dataclass(frozen=True)
class EpochReport:
    """What a callback receives after every epoch."""

    epoch: int  # 1-based, counting from the start of this ``train`` call
    loss: float  # mean loss per prediction (per (input, true word) pair) this epoch
    words: int  # words trained on (after subsampling)
    seconds: float
    words_per_sec: float
    lr: float  # learning rate at the end of the epoch


@dataclass
class TrainStats:
    """The record of one ``train`` call (written to ``config.json``)."""

    epochs: list[EpochReport] = field(default_factory=list)
    seconds: float = 0.0  # training only (the vocabulary pass excluded)
    words: int = 0  # effective words: after out-of-vocabulary removal and subsampling
    raw_words: int = 0  # in-vocabulary words read, before subsampling

    @property
    def words_per_sec(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 3),
            "words": self.words,
            "raw_words": self.raw_words,
            "words_per_sec": round(self.words_per_sec, 1),
            "epochs": [asdict(e) for e in self.epochs],
        }


Callback = Callable[[EpochReport], None]


def initial_vectors(rng: np.random.Generator, rows: int, dim: int) -> np.ndarray:
    """Input vectors at the start: uniform in ``[-1/D, 1/D)`` (gensim 4's ``prep_vectors``).

    ``word2vec.c`` draws from ``[-0.5/D, 0.5/D)``, half as wide; with the same seed these are
    gensim's values bit for bit. The output vectors start at zero, so the first steps on them
    are proportional to the input vectors. One epoch of CBOW on SOTU (one thread, seeds 1-4):
    analogy 1.05 % and WordSim-353 0.211 with this range, 0.84 % and 0.201 with the C tool's.
    On en-mix (3 epochs, ``benchmarks/word2vec_vs_gensim.py``) neither mean moved beyond its
    seed spread (sg-ns analogy 6.80 % over seeds 1-3 before, 6.87 % over seeds 1-5 after).
    """
    return ((rng.random((rows, dim), dtype=np.float32) * 2.0 - 1.0) / dim).astype(np.float32)


def _thread_state(seed: int, thread: int) -> np.ndarray:
    """A non-zero 64-bit xorshift state per (seed, thread), via splitmix64."""
    z = (seed * 0x9E3779B97F4A7C15 + (thread + 1) * 0xBF58476D1CE4E5B9) % 2**64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) % 2**64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) % 2**64
    return np.array([(z ^ (z >> 31)) or 1], dtype=np.uint64)


class _IdCache:
    """The id stream of the first epoch on disk (ids + sentence lengths), replayed after."""

    def __init__(self, directory: Path) -> None:
        self.ids_path = directory / "ids.int32"
        self.lens_path = directory / "lens.int64"
        self._ids = self.ids_path.open("wb")
        self._lens = self.lens_path.open("wb")

    def record(self, chunks: Iterator[Chunk]) -> Iterator[Chunk]:
        for chunk in chunks:
            self._ids.write(chunk.ids.tobytes())
            self._lens.write(np.diff(chunk.starts).tobytes())
            yield chunk
        self._ids.close()
        self._lens.close()

    def replay(self, chunk_words: int) -> Iterator[Chunk]:
        """The recorded chunks again, read from disk a slice at a time (not memory-mapped:
        mapped pages would stay resident, and memory would grow with the corpus)."""
        block = max(1, chunk_words // 8)  # sentence lengths read per step
        with self.ids_path.open("rb") as ids, self.lens_path.open("rb") as lens_file:
            pending = np.zeros(0, dtype=np.int64)  # lengths read, sentences not yet sent
            while True:
                if len(pending) < block:
                    more = np.fromfile(lens_file, dtype=np.int64, count=block)
                    pending = np.concatenate([pending, more])
                if len(pending) == 0:
                    return
                # of the next `block` sentences, take them until the chunk holds >= chunk_words
                cum = np.cumsum(pending[:block])
                k = min(int(np.searchsorted(cum, chunk_words)) + 1, len(cum))
                starts = np.zeros(k + 1, dtype=np.int64)
                starts[1:] = cum[:k]
                yield Chunk(np.fromfile(ids, dtype=np.int32, count=int(starts[-1])), starts)
                pending = pending[k:]


class Word2Vec:
    """The trainable model: vocabulary, input vectors ``syn0``, output vectors ``syn1``.

    ``syn1`` is ``syn1neg`` (V, D) with negative sampling or the inner-node vectors
    (V − 1, D) with hierarchical softmax. :attr:`wv` hands the input vectors over as a
    frozen :class:`~dlclassics.embeddings.keyed.KeyedVectors`.
    """

    def __init__(self, config: Word2VecConfig, vocab: WordCounts) -> None:
        self.config = config
        self.vocab = vocab
        rng = np.random.default_rng(config.seed)
        V, D = len(vocab), config.dim
        self.syn0 = initial_vectors(rng, V, D)  # output vectors start at zero
        self.syn1 = np.zeros((self._output_rows(V), D), dtype=np.float32)
        self.epoch_words = vocab.retained_words  # in-vocabulary words of the text to train on
        self._prepare()

    def _output_rows(self, V: int) -> int:
        return max(V - 1, 1) if self.config.loss == "hs" else V

    def _prepare(self) -> None:
        """Derived tables: keep thresholds, noise alias table or Huffman tree."""
        counts = self.vocab.counts
        self.keep = keep_thresholds(counts, self.config.sample)
        if self.config.loss == "hs":
            self.tree: HuffmanTree | None = build_huffman(counts)
            self.noise_thresholds, self.noise_alias = np.zeros(1, np.uint64), np.zeros(1, np.int32)
        else:
            self.tree = None
            self.noise_thresholds, self.noise_alias = alias_table(noise_distribution(counts))

    def tables(self) -> kernels.Tables:
        """The kernels' read-only tables (an empty code array selects negative sampling)."""
        tree = self.tree
        if tree is None:
            tree = HuffmanTree(np.zeros(1, np.int64), np.zeros(0, np.uint8), np.zeros(0, np.int32))
        return (
            self.keep, self.noise_thresholds, self.noise_alias,
            tree.offsets, tree.codes, tree.points,
        )  # fmt: skip

    @classmethod
    def build(cls, sentences: Iterable[Sequence[str]], config: Word2VecConfig) -> Word2Vec:
        """Count the corpus (one pass) and initialise the model."""
        vocab = WordCounts.build(
            sentences,
            min_count=config.min_count,
            max_vocab=config.max_vocab,
            where=_describe(sentences),
        )
        log.info(
            "vocabulary: %s words (min_count=%d) covering %s of %s tokens in %s sentences",
            f"{len(vocab):,}", config.min_count, f"{vocab.retained_words:,}",
            f"{vocab.total_words:,}", f"{vocab.sentences:,}",
        )  # fmt: skip
        return cls(config, vocab)

    @property
    def wv(self) -> KeyedVectors:
        return KeyedVectors(self.vocab.words, self.syn0.copy(), self.vocab.counts.copy())

    # ------------------------------------------------------------------- save and load

    def save(self, directory: str | Path) -> None:
        """``trainer.safetensors`` (syn0, syn1, counts) + ``trainer.json`` (config, words)."""
        from safetensors.numpy import save

        directory = Path(directory)
        tensors = {"syn0": self.syn0, "syn1": self.syn1, "counts": self.vocab.counts}
        write_bytes(directory / TRAINER_WEIGHTS, save(tensors))
        write_json(
            directory / TRAINER_JSON,
            {
                "config": asdict(self.config),
                "words": self.vocab.words,
                "total_words": self.vocab.total_words,
                "sentences": self.vocab.sentences,
            },
        )

    @classmethod
    def load(cls, directory: str | Path, **overrides: Any) -> Word2Vec:
        """A model saved by :meth:`save`, to continue training (``overrides``: epochs, ...)."""
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        directory = Path(directory)
        try:
            meta = json.loads((directory / TRAINER_JSON).read_text(encoding="utf-8"))
            tensors = load_file(directory / TRAINER_WEIGHTS)
            config = replace(Word2VecConfig(**meta["config"]), **overrides)
            vocab = WordCounts(meta["words"], tensors["counts"], meta["total_words"],
                               meta["sentences"])  # fmt: skip
        except (OSError, ValueError, KeyError, TypeError, SafetensorError) as err:
            raise CheckpointError(
                f"{directory} holds no readable word2vec trainer ({TRAINER_WEIGHTS} + "
                f"{TRAINER_JSON}, written by `dlc word2vec train`): {err}"
            ) from None
        model = cls.__new__(cls)
        model.config, model.vocab = config, vocab
        model.syn0, model.syn1 = tensors["syn0"], tensors["syn1"]
        model.epoch_words = vocab.retained_words
        if model.syn0.shape != (len(vocab), config.dim) or len(model.syn1) != model._output_rows(
            len(vocab)
        ):
            raise CheckpointError(f"{directory}: trainer weights do not match its vocabulary")
        model._prepare()
        return model

    # ------------------------------------------------------------------ continued training

    def update_vocab(self, sentences: Iterable[Sequence[str]]) -> int:
        """Add the counts of new text; words reaching ``min_count`` join. Returns how many."""
        counter, n = count_words(sentences)
        old = self.vocab
        merged = dict(zip(old.words, old.counts.tolist(), strict=True))
        for word, c in counter.items():
            merged[word] = merged.get(word, 0) + c
        vocab = WordCounts.from_counter(
            merged, min_count=self.config.min_count, max_vocab=self.config.max_vocab,
            sentences=old.sentences + n, where=_describe(sentences),
        )  # fmt: skip
        vocab = WordCounts(
            vocab.words, vocab.counts, old.total_words + sum(counter.values()), vocab.sentences
        )
        rng = np.random.default_rng(self.config.seed + len(old))
        D = self.config.dim
        syn0 = initial_vectors(rng, len(vocab), D)
        syn1 = np.zeros((self._output_rows(len(vocab)), D), dtype=np.float32)
        for new_row, word in enumerate(vocab.words):
            old_row = old.index.get(word)
            if old_row is not None:
                syn0[new_row] = self.syn0[old_row]
                if self.config.loss == "ns":
                    syn1[new_row] = self.syn1[old_row]
        added = sum(1 for w in vocab.words if w not in old.index)
        self.vocab, self.syn0, self.syn1 = vocab, syn0, syn1
        self.epoch_words = sum(c for w, c in counter.items() if w in vocab.index)
        self._prepare()
        log.info("vocabulary update: %d new words, %d in all", added, len(vocab))
        return added

    # ------------------------------------------------------------------------- training

    def train(
        self,
        sentences: Iterable[Sequence[str]],
        *,
        epochs: int | None = None,
        callbacks: Sequence[Callback] = (),
    ) -> TrainStats:
        """``epochs`` passes over ``sentences`` (re-iterable); returns per-epoch stats."""
        cfg = self.config
        epochs = epochs or cfg.epochs
        # words per epoch for the learning-rate schedule: those of the text last counted
        # (the vocabulary's corpus, or the text of update_vocab); exact after epoch 1
        expected = self.epoch_words
        stats = TrainStats()
        with tempfile.TemporaryDirectory(prefix="dlc-word2vec-") as tmp:
            cache = _IdCache(Path(tmp)) if epochs > 1 else None
            done = 0  # words dispatched so far (drives the learning rate)
            total = expected * epochs
            with ProgressBar(
                total=total, start=0, batch_size=1, enabled=cfg.progress, unit="words"
            ) as bar:
                for epoch in range(1, epochs + 1):
                    if epoch == 1:
                        chunks = chunk_sentences(map(self.vocab.encode, sentences), cfg.chunk_words)
                        if cache is not None:
                            chunks = cache.record(chunks)
                    else:
                        assert cache is not None
                        chunks = cache.replay(cfg.chunk_words)
                    report, done = self._epoch(epoch, chunks, done, total, bar)
                    if epoch == 1 and done != expected:  # another text than counted
                        total = done * epochs
                    stats.epochs.append(report)
                    stats.seconds += report.seconds
                    stats.words += report.words
                    for callback in callbacks:
                        callback(report)
            stats.raw_words = done
        return stats

    def _lr(self, done: int, total: int) -> float:
        cfg = self.config
        progress = min(1.0, done / max(total, 1))
        return cfg.start_lr - (cfg.start_lr - cfg.min_lr) * progress

    def _epoch(
        self, epoch: int, chunks: Iterator[Chunk], done: int, total: int, bar: ProgressBar
    ) -> tuple[EpochReport, int]:
        cfg = self.config
        jobs: queue.Queue[tuple[Chunk, float, float] | None] = queue.Queue(2 * cfg.workers)
        lock = threading.Lock()
        totals = {"loss": 0.0, "terms": 0, "words": 0, "raw": 0}
        errors: list[BaseException] = []
        tables = self.tables()
        D = cfg.dim

        def work(thread: int) -> None:
            state = _thread_state(cfg.seed + 7919 * epoch, thread)
            sent = np.empty(MAX_SENTENCE, dtype=np.int32)
            neu1 = np.empty(D, dtype=np.float32)
            neu1e = np.empty(D, dtype=np.float32)
            targets = np.empty(cfg.negative + 1, dtype=np.int32)
            while (job := jobs.get()) is not None:
                chunk, a0, a1 = job
                try:
                    loss, terms, words = kernels.train_sentences(
                        self.syn0, self.syn1, chunk.ids, chunk.starts, tables,
                        cfg.model == "sg", cfg.window, cfg.negative, a0, a1, state, sent,
                        neu1, neu1e, targets,
                    )  # fmt: skip
                except BaseException as err:  # surfaced in the main thread
                    errors.append(err)
                    continue
                with lock:
                    totals["loss"] += loss
                    totals["terms"] += terms
                    totals["words"] += words
                    totals["raw"] += chunk.words

        threads = [
            threading.Thread(target=work, args=(t,), daemon=True, name=f"word2vec-{t}")
            for t in range(cfg.workers)
        ]
        epoch_start = done
        start = time.perf_counter()
        for t in threads:
            t.start()
        try:
            for chunk in chunks:
                a0 = self._lr(done, total)
                done += chunk.words
                jobs.put((chunk, a0, self._lr(done, total)))
                if errors:
                    break
                with lock:
                    mean = totals["loss"] / max(totals["terms"], 1)
                    trained = int(totals["raw"])
                bar.update(epoch_start + trained, mean)
        finally:
            for _ in threads:
                jobs.put(None)
            for t in threads:
                t.join()
        seconds = time.perf_counter() - start
        if errors:
            raise errors[0]
        loss = totals["loss"] / max(totals["terms"], 1)
        if not math.isfinite(loss):
            raise TrainingDiverged(f"word2vec loss became {loss} in epoch {epoch}; lower --lr")
        words = int(totals["words"])
        report = EpochReport(
            epoch=epoch,
            loss=loss,
            words=words,
            seconds=seconds,
            words_per_sec=words / seconds if seconds > 0 else 0.0,
            lr=self._lr(done, total),
        )
        log.info(
            "epoch %d: loss %.4f, %s words in %.1f s (%s words/s)",
            epoch, loss, f"{words:,}", seconds, f"{report.words_per_sec:,.0f}",
        )  # fmt: skip
        return report, done


def _describe(sentences: object) -> str:
    return f"corpus {sentences}" if hasattr(sentences, "spec") else "the corpus"


def train_word2vec(
    sentences: Iterable[Sequence[str]],
    config: Word2VecConfig,
    *,
    callbacks: Sequence[Callback] = (),
) -> tuple[KeyedVectors, TrainStats, Word2Vec]:
    """Build the vocabulary, train, and return ``(vectors, stats, model)``.

    The model continues training on new text: ``model.update_vocab(new); model.train(new)``.
    """
    model = Word2Vec.build(sentences, config)
    stats = model.train(sentences, callbacks=callbacks)
    return model.wv, stats, model
