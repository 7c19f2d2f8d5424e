"""The data of the neural language models: one token stream per split, one vocabulary.

Every neural LM here reads a split as **one stream of ids**. Each unit of text (a sentence
for Brown, People's Daily and text files; an address for State of the Union; a verse of the
Bible; a paragraph of Moby-Dick; a poem for the Tang poems) contributes its tokens followed
by ``</s>`` (stored as the vocabulary's ``<eos>``), and the stream starts with one extra
``</s>`` that is context only::

    </s>  The  jury  said  </s>  It  was  </s>  …
          ↑ scored from here: every word and every </s>

so the number of scored tokens is *words + units*, the convention of SRILM, kenlm and our
n-gram code (``</s>`` scored, ``<s>`` not; see :mod:`dlclassics.ngram.backoff`). The n-gram
model's ``<s>`` context is played by the previous ``</s>``; unlike the n-gram models, a
neural model may also look across the boundary at earlier units (as Bengio et al. 2003 and
Mikolov 2010 did on running text).

Vocabulary. Built from the train split only, with :meth:`Vocab.build`'s rules: the four
specials ``<unk> <pad> <bos> <eos>`` at ids 0–3, then the tokens seen at least ``min_count``
times, most frequent first (so an adaptive softmax's head holds the frequent words). Any
other token is ``<unk>``, which is scored like a word (kenlm's convention). At word level
``min_count`` defaults to :data:`BROWN_MIN_COUNT` = 4, which on Brown gives the very
vocabulary of our n-gram table (14,113 words + ``<unk>``); at character level it defaults
to 1 (every character seen in train). ``<pad>`` and ``<bos>`` never occur
in a stream.

Sources (``--data``): a registered corpus of :mod:`dlclassics.data.corpora`, read in its
``source`` view — the data set's own tokens, punctuation and case kept (Brown: NLTK's
tokens; People's Daily: the PKU segmentation; State of the Union, the Bible, Moby-Dick:
whitespace-separated) — with its fixed train/val/test splits (Brown's is Bengio et al.'s
800k/200k/rest); or a UTF-8 text file with one unit per line, whose lines are split by
position: the first 80 % train, the next 10 % val, the rest test.

Levels (``--level``). ``word``: those tokens. ``char``: the characters of each unit, words
joined by one space (English) or by nothing (Chinese); the space is a token like any other.
``tang-poems`` (unsegmented) is read at character level only.

Batches. :class:`StreamWindows` cuts a stream into windows of ``T`` targets for truncated
back-propagation through time; each window also carries the ``warmup`` tokens before it, from
which the model builds its starting state without gradient (see :mod:`dlclassics.lm.task`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
from torch.utils.data import Dataset

from dlclassics.data.corpora import Level, Text, TokenOptions
from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError, DataError

__all__ = [
    "BROWN_MIN_COUNT",
    "LMCorpus",
    "Level",
    "Split",
    "StreamWindows",
    "encode_stream",
    "load_corpus",
    "units",
]

Split = Literal["train", "val", "test"]
SPLITS: tuple[Split, ...] = ("train", "val", "test")

# The Brown vocabulary of our benchmarks: words seen at least 4 times in the train split
# (14,113 words; the rest become <unk>). Bengio et al. (2003) merged words of frequency ≤ 3
# in their whole corpus into one symbol, |V| = 16,383; we apply the same rule to train only.
BROWN_MIN_COUNT = 4


def units(data: str, split: Split, level: Level) -> list[list[str]]:
    """The units (sentences, addresses, poems or lines) of ``split`` as token lists."""
    text = Text(data, options=TokenOptions(level=level), flag="--data")
    if text.corpus is not None and ":" in data:
        raise ConfigError(
            f"--data {data!r}: give the corpus name alone ({data.partition(':')[0]}); a "
            "language model reads its train, val and test splits"
        )
    return list(text.read(split))


def encode_stream(units: list[list[str]], vocab: Vocab) -> torch.Tensor:
    """(1 + tokens + units,) int64: ``</s>``, then each unit's ids followed by ``</s>``."""
    get, unk, eos = vocab.stoi.get, vocab.unk_id, vocab.eos_id
    ids = [eos]
    for tokens in units:
        ids.extend(get(t, unk) for t in tokens)
        ids.append(eos)
    return torch.tensor(ids, dtype=torch.int64)


@dataclass(frozen=True)
class LMCorpus:
    """A corpus encoded for the neural LMs: vocabulary and one id stream per split."""

    name: str  # the --data value
    level: Level
    vocab: Vocab
    streams: dict[str, torch.Tensor]  # split -> (1 + scored tokens,) int64

    def scored_tokens(self, split: str) -> int:
        """Tokens a perplexity over ``split`` averages over: words (or chars) + units."""
        return len(self.streams[split]) - 1


def default_min_count(level: Level) -> int:
    return BROWN_MIN_COUNT if level == "word" else 1


def load_corpus(
    data: str,
    level: Level = "word",
    *,
    min_count: int | None = None,
    vocab: Vocab | None = None,
    splits: tuple[Split, ...] = SPLITS,
) -> LMCorpus:
    """Read and encode ``data``; the vocabulary is built from train unless ``vocab`` is given."""
    if min_count is not None and min_count < 1:
        raise ConfigError(f"min_count={min_count} must be >= 1")
    if vocab is None:
        train = units(data, "train", level)
        if not any(train):
            raise DataError(f"{data}: the train split has no tokens; give a non-empty corpus")
        vocab = Vocab.build(train, min_count=min_count or default_min_count(level))
        cache: dict[str, list[list[str]]] = {"train": train}
    else:
        cache = {}
    streams: dict[str, torch.Tensor] = {}
    for split in splits:
        part = cache[split] if split in cache else units(data, split, level)
        streams[split] = encode_stream(part, vocab)
    return LMCorpus(data, level, vocab, streams)


class StreamWindows(Dataset[tuple[torch.Tensor, torch.Tensor]]):
    """Windows of a stream for truncated BPTT: item i predicts targets ``i·T+1 … i·T+T``.

    Item ``i`` is ``(x, y)`` with ``x`` = the ``warmup + T`` tokens before each target
    (positions ``i·T − warmup … i·T + T − 1``; positions before the stream start are ``</s>``)
    and ``y`` = the ``T`` targets. The model reads the first ``warmup`` tokens of ``x`` without
    gradient to build its state, then predicts ``y`` from the last ``T``. Windows do not
    overlap, so one pass over the items scores every token exactly once; the last partial
    window is dropped from training.
    """

    def __init__(self, stream: torch.Tensor, T: int, warmup: int = 0, *, pad_id: int = 3):
        if T < 1 or warmup < 0:
            raise ConfigError(f"window T={T} must be >= 1 and warmup={warmup} >= 0")
        if len(stream) < T + 1:
            raise DataError(
                f"the stream has {len(stream) - 1} tokens, fewer than one window of {T}; "
                "use more text or a smaller --bptt"
            )
        self.T, self.warmup = T, warmup
        self.padded = torch.cat([torch.full((warmup,), pad_id, dtype=stream.dtype), stream])

    def __len__(self) -> int:
        return (len(self.padded) - self.warmup - 1) // self.T

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        start = i * self.T  # in padded coordinates: the first warm-up token
        x = self.padded[start : start + self.warmup + self.T]
        y = self.padded[start + self.warmup + 1 : start + self.warmup + self.T + 1]
        return x, y
