"""A character n-gram model for shallow fusion in the prefix beam search (note 002 + 001).

The model is a :class:`dlclassics.ngram.BackoffLM` over characters (modified Kneser–Ney by
default), trained on the *text* of the training split's sentences — never on validation or
test text. A space is spelled ``▁`` for the n-gram model, whose words cannot be blank.
:class:`CharLM` answers the decoder's two questions (:class:`~dlclassics.ocr.decode.PrefixLM`)
in the recogniser's label ids, in natural logs:

    ln P(c | ℓ) for every label c,      ln P(</s> | ℓ),

from the last N − 1 characters of the prefix ℓ (``<s>`` before the line's first character).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from dlclassics.ngram import BackoffLM, count_ngrams, estimate, read_arpa, write_arpa
from dlclassics.ocr.charset import Charset

__all__ = ["SPACE", "CharLM", "char_tokens", "train_char_lm"]

SPACE = "▁"  # how a space is spelled as an n-gram "word"
LN10 = math.log(10.0)


def char_tokens(text: str) -> list[str]:
    return [SPACE if c == " " else c for c in text]


def train_char_lm(texts: Iterable[str], order: int, smoothing: str = "mkn") -> BackoffLM:
    """A character ``order``-gram model of ``texts`` (one sentence each)."""
    return estimate(count_ngrams((char_tokens(t) for t in texts), order), smoothing)


class CharLM:
    """A :class:`BackoffLM` over characters, queried in a recogniser's label ids."""

    def __init__(self, lm: BackoffLM, charset: Charset) -> None:
        self.lm = lm
        self.charset = charset
        vocab = lm.vocab
        # (C,) the n-gram model's id of each label (the blank's slot is never read)
        self._ids = np.array(
            [vocab.unk_id] + [vocab.stoi.get(t, vocab.unk_id) for t in char_tokens(charset.chars)]
        )
        self._spelled = ["<s>", *char_tokens(charset.chars)]  # label id → n-gram word
        self._cache: dict[tuple[str, ...], np.ndarray] = {}

    @classmethod
    def load(cls, path: Path, charset: Charset) -> CharLM:
        return cls(read_arpa(path), charset)

    def save(self, path: Path) -> None:
        write_arpa(self.lm, path)

    def _distribution(self, prefix: tuple[int, ...]) -> np.ndarray:
        n = self.lm.order - 1
        context = tuple(["<s>", *(self._spelled[i] for i in prefix)][-n:]) if n else ()
        if context not in self._cache:
            p = self.lm.distribution(list(context))
            with np.errstate(divide="ignore"):
                self._cache[context] = np.log(p)
        return self._cache[context]

    def next_log_probs(self, prefix: tuple[int, ...]) -> np.ndarray:
        return self._distribution(prefix)[self._ids]

    def end_log_prob(self, prefix: tuple[int, ...]) -> float:
        return float(self._distribution(prefix)[self.lm.vocab.eos_id])
