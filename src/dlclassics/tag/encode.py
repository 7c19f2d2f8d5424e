"""From tagged sentences to tensors: the run's vocabularies, the dataset and its batches.

A run keeps four tables, built from the train split only and saved in its directory:

* ``words.json`` — normalised tokens (:func:`~dlclassics.tag.features.normalise`) seen at
  least ``min_count`` times; the rest are ``<unk>``, so the model learns an unknown word;
* ``chars.json`` — the characters of the train tokens, case kept (the char CNN's input);
* ``features.json`` — the hand-made feature strings (:mod:`.features`) seen at least
  ``feature_min_count`` times; rarer ones are ``<unk>``;
* ``tags.json`` — the data set's tag set (:attr:`~dlclassics.tag.corpora.TaggingData.tags`).

A sentence becomes a :class:`Encoded` (one row per token); :func:`collate` pads a list of
them into a :class:`Batch` with a ``mask`` of the real positions. Training sentences longer
than ``max_len`` tokens are cut into pieces (their features still see the whole sentence),
which bounds the cost of a step; evaluation always reads whole sentences.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import torch
from torch.utils.data import Dataset

from dlclassics.data.tagged import TaggedSentence
from dlclassics.data.vocab import Vocab
from dlclassics.errors import DataError
from dlclassics.io import write_json
from dlclassics.tag.features import normalise, sentence_features

__all__ = ["Batch", "Encoded", "Encoder", "TaggedDataset", "collate"]

MAX_WORD_CHARS = 20  # characters of a token the char CNN reads (longer tokens are cut)
PAD = Vocab.pad_id


class Encoded(NamedTuple):
    words: torch.Tensor  # (T,) word ids
    chars: torch.Tensor  # (T, L) char ids, padded with PAD
    features: torch.Tensor  # (T, F) feature ids
    tags: torch.Tensor  # (T,) tag ids; -1 where the tag is not known (prediction input)


class Batch(NamedTuple):
    words: torch.Tensor  # (B, T)
    chars: torch.Tensor  # (B, T, L)
    features: torch.Tensor  # (B, T, F)
    tags: torch.Tensor  # (B, T), 0 at padding
    mask: torch.Tensor  # (B, T) bool, True at real tokens (each row starts with one)


@dataclass(frozen=True)
class Encoder:
    """The run's vocabularies: tokens, characters, features and tags ↔ ids."""

    words: Vocab
    chars: Vocab
    features: Vocab | None  # None: the model reads no hand-made features
    tags: tuple[str, ...]

    @classmethod
    def build(
        cls,
        train: Sequence[TaggedSentence],
        tags: Sequence[str],
        *,
        min_count: int = 2,
        with_features: bool = True,
        feature_min_count: int = 2,
    ) -> Encoder:
        """Vocabularies of the train sentences; ``tags`` is the data set's tag set.

        ``with_features=False`` skips the hand-made features (a model that reads none of
        them; a sentence then has ``F = 0`` feature columns).
        """
        tokens = [t for t, _ in train]
        return cls(
            words=Vocab.build(([normalise(w) for w in s] for s in tokens), min_count=min_count),
            chars=Vocab.build(list("".join(s)) for s in tokens),
            features=(
                Vocab.build((_flat_features(s) for s in tokens), min_count=feature_min_count)
                if with_features
                else None
            ),
            tags=tuple(tags),
        )

    @property
    def tag_ids(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.tags)}

    def check_tags(self, sentences: Sequence[TaggedSentence], where: str) -> None:
        """One clear error if ``sentences`` hold tags outside the run's tag set."""
        known = set(self.tags)
        seen = {t for _, tags in sentences for t in tags}
        unknown = sorted(seen - known)
        if not unknown:
            return
        shown = ", ".join(repr(t) for t in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        if len(unknown) * 2 > len(seen):
            raise DataError(
                f"{where}: tag set mismatch — {len(unknown)} of its {len(seen)} tags ({shown}) "
                f"are not among the run's {len(self.tags)} tags; evaluate the run on the data "
                "it was trained on, or train a run on this data"
            )
        raise DataError(
            f"{where}: unknown tag(s) {shown}, not among the run's {len(self.tags)} tags "
            f"({', '.join(self.tags[:8])} …); fix the tags or train on data that has them"
        )

    def encode(self, tokens: Sequence[str], tags: Sequence[str] | None = None) -> Encoded:
        """The tensors of one sentence; ``tags=None`` for unlabelled input (predict)."""
        T = len(tokens)
        chars = torch.full((T, MAX_WORD_CHARS), PAD, dtype=torch.long)
        for i, token in enumerate(tokens):
            ids = self.chars.encode(token[:MAX_WORD_CHARS])
            chars[i, : len(ids)] = torch.tensor(ids)
        tag_ids = self.tag_ids
        return Encoded(
            words=torch.tensor(self.words.encode(normalise(w) for w in tokens)),
            chars=chars,
            features=self._features(tokens),
            tags=torch.tensor([-1] * T if tags is None else [tag_ids[t] for t in tags]),
        )

    def _features(self, tokens: Sequence[str]) -> torch.Tensor:
        if self.features is None:
            return torch.zeros(len(tokens), 0, dtype=torch.int32)
        vocab = self.features
        return torch.tensor(
            [vocab.encode(fs) for fs in sentence_features(tokens)], dtype=torch.int32
        )

    # -- the run's files ------------------------------------------------------------------

    def save(self, run_dir: Path) -> None:
        self.words.save(run_dir / "words.json")
        self.chars.save(run_dir / "chars.json")
        if self.features is not None:
            self.features.save(run_dir / "features.json")
        write_json(run_dir / "tags.json", {"tags": list(self.tags)})

    @classmethod
    def load(cls, run_dir: Path) -> Encoder:
        path = run_dir / "tags.json"
        try:
            tags = json.loads(path.read_text(encoding="utf-8"))["tags"]
        except (OSError, ValueError, KeyError) as error:
            raise DataError(f"{path} is missing or damaged ({error}); retrain the run") from None
        return cls(
            words=Vocab.load(run_dir / "words.json"),
            chars=Vocab.load(run_dir / "chars.json"),
            features=Vocab.load(features)
            if (features := run_dir / "features.json").is_file()
            else None,
            tags=tuple(tags),
        )


def _flat_features(tokens: Sequence[str]) -> list[str]:
    return [f for fs in sentence_features(tokens) for f in fs]


class TaggedDataset(Dataset[Encoded]):
    """Encoded sentences; with ``max_len``, longer ones are cut into pieces of that length."""

    def __init__(
        self, encoder: Encoder, sentences: Sequence[TaggedSentence], max_len: int | None = None
    ) -> None:
        self.items: list[Encoded] = []
        for tokens, tags in sentences:
            whole = encoder.encode(tokens, tags)
            step = max_len or len(tokens)
            for a in range(0, len(tokens), step):
                self.items.append(Encoded(*(x[a : a + step] for x in whole)))

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Encoded:
        return self.items[index]


def collate(items: list[Encoded]) -> Batch:
    """Pad sentences to the longest of the batch."""
    B, T = len(items), max(len(x.words) for x in items)
    L, F = items[0].chars.shape[1], items[0].features.shape[1]
    words = torch.full((B, T), PAD, dtype=torch.long)
    chars = torch.full((B, T, L), PAD, dtype=torch.long)
    features = torch.full((B, T, F), PAD, dtype=torch.long)
    tags = torch.zeros(B, T, dtype=torch.long)
    mask = torch.zeros(B, T, dtype=torch.bool)
    for b, x in enumerate(items):
        n = len(x.words)
        words[b, :n], chars[b, :n], features[b, :n] = x.words, x.chars, x.features
        tags[b, :n], mask[b, :n] = x.tags.clamp(min=0), True
    return Batch(words, chars, features, tags, mask)
