"""Parallel text for translation: sentence pairs → tokens → ids → length-bucketed batches.

Notes 002 "Seq2Seq" and 003 "机器翻译": the model reads a source sentence x₁…x_S and writes a
target sentence y₁…y_T; training feeds the gold prefix (teacher forcing), so a batch holds
the source ids, the decoder input ``<bos> y₁ … y_T`` and the decoder target ``y₁ … y_T <eos>``.

Corpora (``--pair``)
====================
``en-es`` / ``es-en``
    The aligned World English Bible ↔ Reina-Valera 1909 verses (``bible-en-es``, 30,861
    pairs). The data layer's own 90/5/5 split leaves only ~420 test verses once long verses
    are dropped, so this module makes its own **fixed split of the length-filtered pairs**:
    all pairs in canonical order (Genesis 1:1 first), without repeats (a verse whose English
    or Spanish text occurred earlier is dropped: the Bible repeats some verses word for
    word, which would put test sentences in train), whose source *and* target have at most
    ``max_len`` tokens, are permuted with ``numpy.random.default_rng(SPLIT_SEED)``; the first
    ``TEST_PAIRS`` = 1,000 are the test set, the next ``VAL_PAIRS`` = 500 the validation set
    (early stopping, checkpoint choice), the rest train. With the default ``max_len`` = 20
    that is 8,169 pairs: 6,669 / 500 / 1,000. The test set is never read by training or by
    any tuning here. Both directions use the same split (it is a function of the pair of
    verses, not of the direction).
``en-fr``
    The 5,000 short Tatoeba pairs (``tatoeba-eng-fra``) with the data set's own split by the
    SHA-1 of the English sentence (all translations of one sentence share a split), for fast
    runs, the tour and tests.

Why ``max_len`` = 20. Verses average 24 whitespace tokens, more once punctuation is split
off; the benchmark models train on a CPU budget of minutes, and short sentences make a step
cheap and the task learnable in that time (Luong et al. 2015 filter too, at 50 tokens).
20 tokens keep 8,169 distinct verses of 30,861 (26 %); 15 would keep about 3,000, too few
for a 1,000-pair test set and a useful training set.

Tokenization policy
===================
Words by :class:`~dlclassics.data.tokenize.EnglishWords` (its regex works for Spanish and
French: letters of any script, internal apostrophes kept as in "l'homme", "don't"), after
**lowercasing**; every punctuation mark is its own token, Spanish ``¿ ¡ « »`` included.
Lowercasing merges a word's sentence-initial and inner forms, which matters in a corpus this
small; BLEU is then case-insensitive:
:mod:`dlclassics.seq2seq.bleu` detokenizes the output and sacreBLEU scores it against the
raw reference text with ``lowercase=True`` (``Example.tgt_text``). The
vocabulary of each side is built from the **train split only** by
:class:`~dlclassics.data.vocab.Vocab` with ``min_count`` (default 2: a word seen once is
``<unk>``, which teaches the model to handle unknown words at test time).
With ``--subwords N`` (:mod:`dlclassics.seq2seq.subword`) each side's words are further cut
into BPE pieces learned on the train split, and the vocabularies hold the pieces.

Batching
========
:class:`LengthBuckets` sorts the training pairs by (source length, target length) with
random tie-breaking and cuts them into batches of ``batch_size`` pairs, so a batch holds
sentences of nearly equal length and little padding (the trainer shuffles the order of the
batches every epoch; one trainer "example" is one bucket). Padding uses ``<pad>`` (id 1 in
every vocabulary); RNN encoders pack the padded batch with the true lengths.

>>> tokenize("¿Quién es él?")
['¿', 'quién', 'es', 'él', '?']
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import torch
from torch.utils.data import Dataset

from dlclassics.data.tokenize import EnglishWords
from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError, DataError

PairName = Literal["en-es", "es-en", "en-fr"]
Split = Literal["train", "val", "test"]
PAIRS: tuple[PairName, ...] = ("en-es", "es-en", "en-fr")
SPLIT_SEED = 0  # seed of the Bible test/val/train permutation (fixed: part of the benchmark)
TEST_PAIRS = 1_000  # Bible test set size (issue: ≥ 1,000 pairs never used in training)
VAL_PAIRS = 500  # Bible validation set size (checkpoint choice, early stopping)

_TOKENIZER = EnglishWords(lowercase=True)


def tokenize(text: str) -> list[str]:
    """Lowercased words and punctuation marks (the module's tokenization policy)."""
    return _TOKENIZER(text)


@dataclass(frozen=True, kw_only=True)
class DataConfig:
    pair: PairName = "en-es"  # source-target languages: Bible en-es / es-en, Tatoeba en-fr
    max_len: int = 20  # drop pairs with more tokens on either side (module doc: why 20)
    min_count: int = 2  # words seen fewer times in train become <unk>
    batch_size: int = 64  # sentence pairs per length bucket (one optimizer step)

    def __post_init__(self) -> None:
        if self.pair not in PAIRS:
            raise ConfigError(f"pair={self.pair!r} is not one of {', '.join(PAIRS)}")
        for name in ("max_len", "min_count", "batch_size"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name}={getattr(self, name)} must be ≥ 1")


class Example(NamedTuple):
    """One sentence pair: the raw texts and their tokens (source → target direction)."""

    src_text: str
    tgt_text: str
    src: list[str]
    tgt: list[str]


# ---------------------------------------------------------------------------- corpora


def fixed_split(n: int, seed: int = SPLIT_SEED) -> dict[Split, list[int]]:
    """Indices of ``n`` pairs → test (first ``TEST_PAIRS`` of a seeded permutation), val
    (next ``VAL_PAIRS``), train (the rest); each list sorted, the three disjoint."""
    if n <= TEST_PAIRS + VAL_PAIRS:
        raise ConfigError(f"{n} pairs are too few for a {TEST_PAIRS}/{VAL_PAIRS} test/val split")
    order = np.random.default_rng(seed).permutation(n).tolist()
    return {
        "test": sorted(order[:TEST_PAIRS]),
        "val": sorted(order[TEST_PAIRS : TEST_PAIRS + VAL_PAIRS]),
        "train": sorted(order[TEST_PAIRS + VAL_PAIRS :]),
    }


def _bible(split: Split, max_len: int, reverse: bool) -> list[Example]:
    kept = _bible_filtered(max_len, reverse)
    if len(kept) <= TEST_PAIRS + VAL_PAIRS:
        raise ConfigError(f"max_len={max_len} keeps only {len(kept)} Bible pairs; raise it")
    return [kept[i] for i in fixed_split(len(kept))[split]]


@functools.lru_cache(maxsize=4)
def _bible_filtered(max_len: int, reverse: bool) -> tuple[Example, ...]:
    """All Bible pairs within ``max_len`` tokens, canonical order (cached: tokenizing is ~5 s)."""
    from dlclassics.data.sets import bible_en_es

    verses = [v for part in ("train", "val", "test") for v in bible_en_es.verses(part)]
    verses.sort(key=lambda v: _canonical_index(v.id))
    kept = []
    seen: set[str] = set()
    for v in verses:
        if v.en in seen or v.es in seen:
            continue  # a repeated verse (Proverbs, Psalms…) would leak between splits
        seen.update((v.en, v.es))
        en, es = tokenize(v.en), tokenize(v.es)
        if 0 < len(en) <= max_len and 0 < len(es) <= max_len:
            kept.append(Example(v.es, v.en, es, en) if reverse else Example(v.en, v.es, en, es))
    return tuple(kept)


_CANON: dict[str, int] = {}


def _canonical_index(verse_id: str) -> tuple[int, int, int]:
    """(book, chapter, verse) order of an OSIS id; books in first-seen (canonical) order."""
    book, chapter, verse = verse_id.split(".")
    return _CANON.setdefault(book, len(_CANON)), int(chapter), int(verse)


def _tatoeba(split: Split, max_len: int) -> list[Example]:
    from dlclassics.data.sets import tatoeba_eng_fra

    return examples_from_texts(tatoeba_eng_fra.load_pairs(split), max_len=max_len)


def examples_from_texts(pairs: Iterable[tuple[str, str]], *, max_len: int) -> list[Example]:
    """Tokenize ``(source, target)`` text pairs, dropping pairs longer than ``max_len``."""
    out = []
    for src_text, tgt_text in pairs:
        src, tgt = tokenize(src_text), tokenize(tgt_text)
        if 0 < len(src) <= max_len and 0 < len(tgt) <= max_len:
            out.append(Example(src_text, tgt_text, src, tgt))
    return out


def load_examples(config: DataConfig, split: Split) -> list[Example]:
    """The tokenized pairs of ``split`` for ``config.pair`` (see the module docstring)."""
    if config.pair == "en-fr":
        return _tatoeba(split, config.max_len)
    return _bible(split, config.max_len, reverse=config.pair == "es-en")


def build_vocabs(train: Sequence[Example], min_count: int) -> tuple[Vocab, Vocab]:
    """Source and target vocabularies from the training pairs."""
    src = Vocab.build((e.src for e in train), min_count=min_count)
    tgt = Vocab.build((e.tgt for e in train), min_count=min_count)
    return src, tgt


def read_parallel(src_path: Path, tgt_path: Path) -> list[tuple[str, str]]:
    """Line-aligned source and target files → text pairs.

    DataError when the files differ in line count (naming the first line that has no
    partner) or a line is empty on either side (naming it).
    """
    pairs = []
    with (
        src_path.open(encoding="utf-8", newline=None) as fs,
        tgt_path.open(encoding="utf-8", newline=None) as ft,
    ):
        try:
            for n, (s, t) in enumerate(itertools.zip_longest(fs, ft), 1):
                if s is None or t is None:
                    longer, shorter = (tgt_path, src_path) if s is None else (src_path, tgt_path)
                    raise DataError(
                        f"{longer} has a line {n} but {shorter} ends after line {n - 1}: "
                        "source and target files must have the same number of lines"
                    )
                s, t = s.rstrip("\n"), t.rstrip("\n")
                for path, text in ((src_path, s), (tgt_path, t)):
                    if not text.strip():
                        raise DataError(f"{path}, line {n} is empty; remove the pair or fill it")
                pairs.append((s, t))
        except UnicodeDecodeError as error:
            raise DataError(f"{src_path} or {tgt_path} is not UTF-8 text ({error})") from None
    return pairs


# ---------------------------------------------------------------------------- batches


class Batch(NamedTuple):
    """A padded batch; ``pad`` is id 1 in every vocabulary."""

    src: torch.Tensor  # (B, S) long, source ids, padded
    src_lengths: torch.Tensor  # (B,) long, true source lengths
    tgt_in: torch.Tensor  # (B, T) long, <bos> y₁ … y_T (decoder input), padded
    tgt_out: torch.Tensor  # (B, T) long, y₁ … y_T <eos> (decoder target), padded


def pad_batch(src: Sequence[Sequence[int]], tgt: Sequence[Sequence[int]]) -> Batch:
    """Ids without specials → a padded :class:`Batch` (targets framed by bos/eos)."""
    B = len(src)
    S = max(len(s) for s in src)
    T = max(len(t) for t in tgt) + 1
    src_t = torch.full((B, S), Vocab.pad_id, dtype=torch.long)
    tgt_in = torch.full((B, T), Vocab.pad_id, dtype=torch.long)
    tgt_out = torch.full((B, T), Vocab.pad_id, dtype=torch.long)
    for b, (s, t) in enumerate(zip(src, tgt, strict=True)):
        src_t[b, : len(s)] = torch.tensor(s, dtype=torch.long)
        tgt_in[b, : len(t) + 1] = torch.tensor([Vocab.bos_id, *t], dtype=torch.long)
        tgt_out[b, : len(t) + 1] = torch.tensor([*t, Vocab.eos_id], dtype=torch.long)
    lengths = torch.tensor([len(s) for s in src], dtype=torch.long)
    return Batch(src_t, lengths, tgt_in, tgt_out)


class LengthBuckets(Dataset[Batch]):
    """Pairs grouped into batches of similar length; item ``i`` is a whole :class:`Batch`.

    Sort by (source length, target length, random key from ``seed``), cut into runs of
    ``batch_size`` pairs (the last run may be shorter). Batches are built once, up front.
    """

    def __init__(
        self,
        examples: Sequence[Example],
        src_vocab: Vocab,
        tgt_vocab: Vocab,
        *,
        batch_size: int,
        seed: int = 0,
    ) -> None:
        if not examples:
            raise DataError("no sentence pairs to batch (is max_len too small?)")
        src = [src_vocab.encode(e.src) for e in examples]
        tgt = [tgt_vocab.encode(e.tgt) for e in examples]
        tie = np.random.default_rng(seed).random(len(examples))
        order = sorted(range(len(examples)), key=lambda i: (len(src[i]), len(tgt[i]), tie[i]))
        n = math.ceil(len(order) / batch_size)
        self.batches = [
            pad_batch(
                [src[i] for i in order[k * batch_size : (k + 1) * batch_size]],
                [tgt[i] for i in order[k * batch_size : (k + 1) * batch_size]],
            )
            for k in range(n)
        ]

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int) -> Batch:
        return self.batches[index]

    def __iter__(self) -> Iterator[Batch]:
        return iter(self.batches)


def merge_batches(batches: list[Batch]) -> Batch:
    """The trainer's collate function: one bucket passes through, several are re-padded."""
    if len(batches) == 1:
        return batches[0]
    src, tgt = [], []
    for b in batches:
        for i in range(len(b.src)):
            src.append(b.src[i, : int(b.src_lengths[i])].tolist())
            t = b.tgt_out[i]
            tgt.append(t[: int((t != Vocab.pad_id).sum()) - 1].tolist())
    return pad_batch(src, tgt)
