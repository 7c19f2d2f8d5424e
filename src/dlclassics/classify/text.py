"""From labelled text to padded id batches: tokenizers, the vocabulary, the collate function.

A text becomes tokens (:data:`TOKENIZERS`), the tokens become ids of the run's
:class:`~dlclassics.data.vocab.Vocab` (``<unk>`` for a token it lacks), and the first
``max_len`` ids are kept (an e-mail's Subject and first lines say most of what it is).
With ``ngrams = n > 1`` the 2- … n-grams of those tokens follow them as extra tokens, the
bag of n-grams of fastText (Joulin et al. 2017): word order, locally, for a bag model. A
batch is right-padded with ``<pad>`` and carries each sequence's length, so the encoder
stops at the last real token and pooling never sees padding::

    ids (B, T) int64, lengths (B,) int64 ≥ 1, y (B,) int64

``auto`` picks the data set's tokenizer: Chinese characters for Chinese (no segmenter
between the text and the model; ``zh-words`` segments with jieba instead), English words
(lower-cased by ``lowercase``) otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import torch
from torch import Tensor
from torch.utils.data import Dataset

from dlclassics.data.labelled import Example
from dlclassics.data.tokenize import ChineseChars, EnglishWords, JiebaWords
from dlclassics.data.vocab import Vocab
from dlclassics.errors import DataError
from dlclassics.registry import Registry

TokenizerName = Literal["auto", "zh-chars", "zh-words", "en-words", "whitespace"]
Tokenize = Callable[[str], list[str]]

TOKENIZERS: Registry[Callable[[bool], Tokenize]] = Registry("tokenizer")  # lowercase -> tokenizer
TOKENIZERS.add("zh-chars", lambda lowercase: ChineseChars())
TOKENIZERS.add("zh-words", lambda lowercase: JiebaWords())
TOKENIZERS.add("en-words", lambda lowercase: EnglishWords(lowercase=lowercase))
TOKENIZERS.add("whitespace", lambda lowercase: lambda s: (s.lower() if lowercase else s).split())
AUTO = {"zh": "zh-chars", "en": "en-words"}  # language -> the tokenizer "auto" means


def tokenizer(name: TokenizerName, language: str, *, lowercase: bool) -> Tokenize:
    """The tokenizer called ``name`` (``auto``: the language's, see :data:`AUTO`)."""
    return TOKENIZERS[AUTO.get(language, "en-words") if name == "auto" else name](lowercase)


class Batch(NamedTuple):
    ids: Tensor  # (B, T) token ids, right-padded with Vocab.pad_id
    lengths: Tensor  # (B,) real tokens per sequence, ≥ 1
    y: Tensor  # (B,) class ids


class Encoded(Dataset[tuple[Tensor, int]]):
    """Token-id sequences and class ids, one per example (a map-style data set)."""

    def __init__(self, ids: Sequence[Tensor], y: Sequence[int]) -> None:
        assert len(ids) == len(y)
        self.ids, self.y = list(ids), list(y)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> tuple[Tensor, int]:
        return self.ids[i], self.y[i]

    def subset(self, indices: Sequence[int]) -> Encoded:
        return Encoded([self.ids[i] for i in indices], [self.y[i] for i in indices])


@dataclass(frozen=True)
class Encoder:
    """Text → ids of one run: its tokenizer, vocabulary, length cap and label set."""

    tokenize: Tokenize
    vocab: Vocab
    labels: tuple[str, ...]
    max_len: int  # tokens read per text (the first ones)
    ngrams: int = 1  # also the 2- … n-grams of those tokens, as tokens of their own

    def tokens(self, text: str) -> list[str]:
        """The first ``max_len`` tokens, then their n-grams (joined by a space) if asked."""
        tokens = self.tokenize(text)[: self.max_len]
        return tokens + [
            " ".join(tokens[i : i + n])
            for n in range(2, self.ngrams + 1)
            for i in range(len(tokens) - n + 1)
        ]

    def ids(self, text: str) -> Tensor:
        ids = self.vocab.encode(self.tokens(text))
        return torch.tensor(ids or [self.vocab.unk_id], dtype=torch.int64)  # (T,), T ≥ 1

    def encode(self, examples: Sequence[Example], where: str) -> Encoded:
        """Every example's ids and class id; unknown labels are one DataError."""
        index = {label: i for i, label in enumerate(self.labels)}
        y = []
        for n, example in enumerate(examples, 1):
            if example.label not in index:
                raise DataError(
                    f"{where}, example {n}: unknown label {example.label!r}; this run knows "
                    f"{', '.join(self.labels)} (a model predicts only the labels it was "
                    "trained on)"
                )
            y.append(index[example.label])
        return Encoded([self.ids(e.text) for e in examples], y)


def collate(items: Sequence[tuple[Tensor, int]], pad_id: int = Vocab.pad_id) -> Batch:
    """Right-pad a list of (ids, label) to one :class:`Batch`."""
    lengths = torch.tensor([len(ids) for ids, _ in items], dtype=torch.int64)  # (B,)
    ids = torch.full((len(items), int(lengths.max())), pad_id, dtype=torch.int64)  # (B, T)
    for row, (seq, _) in enumerate(items):
        ids[row, : len(seq)] = seq
    y = torch.tensor([label for _, label in items], dtype=torch.int64)  # (B,)
    return Batch(ids, lengths, y)
