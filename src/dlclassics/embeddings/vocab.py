"""The word2vec / GloVe vocabulary: word counts, ``min_count``, ``max_vocab``, most frequent first.

One streaming pass over the corpus counts every token; the vocabulary keeps the words seen
at least ``min_count`` times, at most ``max_vocab`` of them, sorted by count (descending,
ties in order of first appearance — gensim's order, so row ``i`` of our vectors and of
gensim's hold the same word). Rows are most frequent first, as in a word2vec file, which
makes "restrict to the top 30,000 words" a slice.

Unlike :class:`dlclassics.data.vocab.Vocab` there are no special tokens: words outside the
vocabulary are *dropped* from the training stream before windows are formed (the C tool and
gensim do the same), not mapped to ``<unk>``.

>>> v = WordCounts.build([["the", "cat", "the"], ["a", "cat", "the"]], min_count=2)
>>> v.words, v.counts.tolist(), v.total_words, v.dropped_words
(['the', 'cat'], [3, 2], 6, 1)
>>> v.encode(["the", "dog", "cat"]).tolist()
[0, 1]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from dlclassics.errors import DataError

__all__ = ["WordCounts", "count_words"]


def count_words(sentences: Iterable[Sequence[str]]) -> tuple[Counter[str], int]:
    """Token counts of the whole stream (insertion order = first appearance), and sentences."""
    counts: Counter[str] = Counter()
    n_sentences = 0
    for sentence in sentences:
        counts.update(sentence)
        n_sentences += 1
    return counts, n_sentences


@dataclass(frozen=True)
class WordCounts:
    """Words most frequent first, their counts, and how much of the corpus they cover."""

    words: list[str]
    counts: np.ndarray  # (V,) int64, descending
    total_words: int  # every token of the corpus, kept or not
    sentences: int = 0  # sentences (lines) in the corpus
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {w: i for i, w in enumerate(self.words)})
        assert len(self.index) == len(self.words), "duplicate word in vocabulary"

    @classmethod
    def from_counter(
        cls,
        counter: Mapping[str, int],
        *,
        min_count: int = 5,
        max_vocab: int | None = None,
        sentences: int = 0,
        where: str = "the corpus",
    ) -> WordCounts:
        """Keep words with ``count ≥ min_count``, the ``max_vocab`` most frequent of them."""
        total = int(sum(counter.values()))
        if total == 0:
            raise DataError(f"{where} is empty (no tokens); give a non-empty corpus")
        kept = [(w, c) for w, c in counter.items() if c >= min_count]
        kept.sort(key=lambda wc: -wc[1])  # stable: ties keep first-appearance order
        if max_vocab is not None:
            kept = kept[:max_vocab]
        if not kept:
            top = max(counter.values())
            raise DataError(
                f"every word of {where} occurs fewer than min_count={min_count} times (the "
                f"most frequent occurs {top} times); lower --min-count or give a larger corpus"
            )
        words = [w for w, _ in kept]
        counts = np.array([c for _, c in kept], dtype=np.int64)
        return cls(words, counts, total, sentences)

    @classmethod
    def build(
        cls,
        sentences: Iterable[Sequence[str]],
        *,
        min_count: int = 5,
        max_vocab: int | None = None,
        where: str = "the corpus",
    ) -> WordCounts:
        counter, n = count_words(sentences)
        return cls.from_counter(
            counter, min_count=min_count, max_vocab=max_vocab, sentences=n, where=where
        )

    def __len__(self) -> int:
        return len(self.words)

    @property
    def retained_words(self) -> int:
        """Corpus tokens that are in the vocabulary (what training sees before subsampling)."""
        return int(self.counts.sum())

    @property
    def dropped_words(self) -> int:
        return self.total_words - self.retained_words

    def encode(self, sentence: Sequence[str]) -> np.ndarray:
        """Token ids of ``sentence`` (int32), out-of-vocabulary words dropped."""
        get = self.index.get
        ids = [i for i in map(get, sentence) if i is not None]
        return np.array(ids, dtype=np.int32)

    def stats(self) -> dict[str, int]:
        return {
            "vocab_size": len(self),
            "corpus_words": self.total_words,
            "retained_words": self.retained_words,
            "sentences": self.sentences,
        }
