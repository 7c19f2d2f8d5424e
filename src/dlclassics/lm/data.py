"""The data of the neural language models: one token stream per split, one vocabulary.

Every neural LM here reads a split as **one stream of ids**. Each unit of text (a sentence
for Brown, People's Daily and text files; an address for State of the Union; a poem for the
Tang poems) contributes its tokens followed by ``</s>`` (stored as the vocabulary's
``<eos>``), and the stream starts with one extra ``</s>`` that is context only::

    </s>  The  jury  said  </s>  It  was  </s>  …
          ↑ scored from here: every word and every </s>

so the number of scored tokens is *words + units*, the convention of SRILM, kenlm and our
n-gram code (``</s>`` scored, ``<s>`` not; see :mod:`dlclassics.lm.backoff`). The n-gram
model's ``<s>`` context is played by the previous ``</s>``; unlike the n-gram models, a
neural model may also look across the boundary at earlier units (as Bengio et al. 2003 and
Mikolov 2010 did on running text).

Vocabulary. Built from the train split only, with :meth:`Vocab.build`'s rules: the four
specials ``<unk> <pad> <bos> <eos>`` at ids 0–3, then the tokens seen at least ``min_count``
times, most frequent first (so an adaptive softmax's head holds the frequent words). Any
other token is ``<unk>``, which is scored like a word (kenlm's convention). At word level
``min_count`` defaults to :data:`~dlclassics.lm.corpus.BROWN_MIN_COUNT` = 4, which on Brown
gives the very vocabulary of our n-gram table (14,113 words + ``<unk>``); at character
level it defaults to 1 (every character seen in train). ``<pad>`` and ``<bos>`` never occur
in a stream.

Levels. ``word``: the corpus's tokens (Brown: NLTK's tokens, case kept; People's Daily: the
PKU segmentation; State of the Union and text files: whitespace-separated). ``char``: the
characters of each unit, words joined by one space (English) or by nothing (People's
Daily); the space is a token like any other.

Sources (``--data``): ``brown``, ``sotu``, ``peoples-daily``, ``tang-poems`` (their fixed
train/val/test splits; Brown's is Bengio et al.'s 800k/200k/rest), or a UTF-8 text file with
one unit per line, whose lines are split by position: the first 80 % train, the next 10 %
val, the rest test.

Batches. :class:`StreamWindows` cuts a stream into windows of ``T`` targets for truncated
back-propagation through time; each window also carries the ``warmup`` tokens before it, from
which the model builds its starting state without gradient (see :mod:`dlclassics.lm.task`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
from torch.utils.data import Dataset

from dlclassics.data.stream import iter_lines
from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError, DataError
from dlclassics.lm.corpus import BROWN_MIN_COUNT, check_sentence
from dlclassics.registry import Registry

__all__ = [
    "CORPORA",
    "LMCorpus",
    "Level",
    "Split",
    "StreamWindows",
    "encode_stream",
    "load_corpus",
    "units",
]

Level = Literal["word", "char"]
Split = Literal["train", "val", "test"]
SPLITS: tuple[Split, ...] = ("train", "val", "test")
FILE_FRACTIONS = (0.8, 0.1)  # a text file's lines: first 80 % train, next 10 % val, rest test


def _brown(split: str, level: Level) -> Iterator[list[str]]:
    from dlclassics.data.sets import brown

    for record in brown.records(split):
        yield record.words if level == "word" else list(" ".join(record.words))


def _peoples_daily(split: str, level: Level) -> Iterator[list[str]]:
    from dlclassics.data.sets import peoples_daily

    for words in peoples_daily.segmented(split):
        yield words if level == "word" else list("".join(words))


def _sotu(split: str, level: Level) -> Iterator[list[str]]:
    from dlclassics.data.sets import sotu

    for text in sotu.texts(split):
        yield text.split() if level == "word" else list(" ".join(text.split()))


def _tang_poems(split: str, level: Level) -> Iterator[list[str]]:
    from dlclassics.data.sets import tang_poems

    if level == "word":
        raise ConfigError("tang-poems is unsegmented classical Chinese: model it with --level char")
    for text in tang_poems.texts(split):
        yield list(text)


# --data name -> (split, level) -> its units as token lists
CORPORA: Registry[Callable[[str, Level], Iterator[list[str]]]] = Registry("LM corpus")
CORPORA.add("brown", _brown)
CORPORA.add("sotu", _sotu)
CORPORA.add("peoples-daily", _peoples_daily)
CORPORA.add("tang-poems", _tang_poems)


def _file_units(path: Path, split: Split, level: Level) -> list[list[str]]:
    lines = [line for line in iter_lines(path, skip_blank=True)]
    n = len(lines)
    a, b = int(n * FILE_FRACTIONS[0]), int(n * (FILE_FRACTIONS[0] + FILE_FRACTIONS[1]))
    part = {"train": lines[:a], "val": lines[a:b], "test": lines[b:]}[split]
    out = []
    for i, line in enumerate(part, 1):
        tokens = line.split()
        check_sentence(tokens, f"{path}, {split} line {i}")
        out.append(tokens if level == "word" else list(" ".join(tokens)))
    return out


def units(data: str, split: Split, level: Level) -> list[list[str]]:
    """The units (sentences, addresses, poems or lines) of ``split`` as token lists."""
    if Path(data).is_file():
        return _file_units(Path(data), split, level)
    if data not in CORPORA:
        raise DataError(
            f"--data {data!r} is neither a file nor a corpus; give a UTF-8 text file with one "
            f"sentence per line, or one of: {', '.join(CORPORA)}"
        )
    return list(CORPORA[data](split, level))


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
