"""Vocabulary: the token ↔ id table between a tokenizer and an embedding layer.

Built in one streaming pass of counts over token sequences, then frozen:

* four special tokens at fixed ids, the same in every vocabulary of this project, so a
  model or loss can name them without a lookup: ``<unk>`` = 0 (any token not in the
  vocabulary), ``<pad>`` = 1 (batch padding; give it to ``ignore_index``), ``<bos>`` = 2
  and ``<eos>`` = 3 (sequence start and end for language models and seq2seq);
* then the corpus tokens with ``count ≥ min_count``, ordered by count (descending) then by
  the token (code-point order) — deterministic, and frequent tokens get small ids;
* ``max_size`` caps the *total* size, specials included (it is the embedding table's row
  count); tokens that fall off the end, or under ``min_count``, become ``<unk>``, and
  ``counts["<unk>"]`` records how many corpus tokens that was.

A corpus token spelled like a special (``<unk>`` in pre-processed text) counts toward the
special.

>>> v = Vocab.build([["the", "cat", "the"], ["a", "cat"]], min_count=2)
>>> v.itos
['<unk>', '<pad>', '<bos>', '<eos>', 'cat', 'the']
>>> v.encode(["the", "dog"]), v.decode([5, 4])
([5, 0], ['the', 'cat'])
>>> v.counts["<unk>"]  # "a" fell under min_count
1
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dlclassics.errors import ConfigError, DataError
from dlclassics.io import write_json

__all__ = ["BOS", "EOS", "PAD", "SPECIALS", "UNK", "Vocab"]

UNK, PAD, BOS, EOS = "<unk>", "<pad>", "<bos>", "<eos>"
SPECIALS = (UNK, PAD, BOS, EOS)  # ids 0, 1, 2, 3 in every vocabulary
_FORMAT = "dlclassics.vocab/1"  # the "format" field of a saved vocabulary


class Vocab:
    """A frozen token ↔ id table with the four specials at ids 0..3 (see the module doc)."""

    unk_id, pad_id, bos_id, eos_id = 0, 1, 2, 3

    def __init__(self, tokens: Iterable[str], counts: Mapping[str, int] | None = None) -> None:
        """A vocabulary over ``tokens`` in the given order, after the specials.

        Use :meth:`build` to make one from a corpus. ``counts`` (optional) are kept for
        ``counts`` queries, e.g. word2vec's unigram noise distribution.
        """
        self.itos: list[str] = list(SPECIALS)
        for token in tokens:
            if token not in SPECIALS:
                self.itos.append(token)
        self.stoi: dict[str, int] = {t: i for i, t in enumerate(self.itos)}
        if len(self.stoi) != len(self.itos):
            raise ConfigError("vocabulary tokens must be distinct")
        counts = counts or {}
        self.counts: dict[str, int] = {t: int(counts.get(t, 0)) for t in self.itos}

    @classmethod
    def build(
        cls,
        sequences: Iterable[Iterable[str]],
        *,
        min_count: int = 1,
        max_size: int | None = None,
    ) -> Vocab:
        """Count tokens in one pass over ``sequences`` and keep the frequent ones.

        ``min_count``: least corpus count a token needs; ``max_size``: most entries in
        total, the 4 specials included (``None``: no cap).
        """
        if min_count < 1:
            raise ConfigError(f"min_count={min_count} must be ≥ 1")
        if max_size is not None and max_size < len(SPECIALS):
            raise ConfigError(f"max_size={max_size} must be ≥ {len(SPECIALS)} (the specials)")
        counter: Counter[str] = Counter()
        for seq in sequences:
            counter.update(seq)
        ranked = sorted(
            (t for t, c in counter.items() if c >= min_count and t not in SPECIALS),
            key=lambda t: (-counter[t], t),
        )
        if max_size is not None:
            ranked = ranked[: max_size - len(SPECIALS)]
        kept = set(ranked)
        counts = {t: counter[t] for t in ranked}
        for special in SPECIALS:
            counts[special] = counter[special]
        counts[UNK] += sum(c for t, c in counter.items() if t not in kept and t not in SPECIALS)
        return cls(ranked, counts)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: object) -> bool:
        return token in self.stoi

    def __getitem__(self, token: str) -> int:
        """The id of ``token``, ``unk_id`` when it is not in the vocabulary."""
        return self.stoi.get(token, self.unk_id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and (self.itos, self.counts) == (other.itos, other.counts)

    __hash__ = None  # type: ignore[assignment]  # mutable-looking container: not hashable

    def __repr__(self) -> str:
        preview = ", ".join(self.itos[len(SPECIALS) : len(SPECIALS) + 5])
        return f"Vocab(size={len(self)}, tokens=[{preview}, ...])"

    def encode(self, tokens: Iterable[str], *, bos: bool = False, eos: bool = False) -> list[int]:
        """Ids of ``tokens`` (unknown → ``unk_id``), optionally framed by ``<bos>``/``<eos>``."""
        ids = [self.bos_id] if bos else []
        ids.extend(self.stoi.get(t, self.unk_id) for t in tokens)
        if eos:
            ids.append(self.eos_id)
        return ids

    def decode(self, ids: Iterable[int], *, skip_specials: bool = False) -> list[str]:
        """Tokens of ``ids``; ``skip_specials`` drops ``<pad>``, ``<bos>``, ``<eos>``."""
        out = []
        n = len(self.itos)
        for i in ids:
            i = int(i)
            if not 0 <= i < n:
                raise ValueError(f"id {i} is out of range for a vocabulary of size {n}")
            if skip_specials and 0 < i < len(SPECIALS):
                continue
            out.append(self.itos[i])
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "specials": list(SPECIALS),
            "tokens": self.itos[len(SPECIALS) :],
            "counts": [self.counts[t] for t in self.itos],
        }

    def save(self, path: str | Path) -> None:
        """Write the vocabulary as UTF-8 JSON, atomically."""
        write_json(path, self.to_dict())

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        """Read a vocabulary written by :meth:`save`; DataError if it is not one."""
        path = Path(path)
        bad = DataError(
            f"{path} is not a dlclassics vocabulary ({_FORMAT}); rebuild it with Vocab.build"
        )
        try:
            obj = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataError(f"vocabulary file {path} does not exist; check the path") from None
        except (ValueError, UnicodeDecodeError):
            raise bad from None
        if not isinstance(obj, dict) or obj.get("format") != _FORMAT:
            raise bad
        tokens, counts = obj.get("tokens"), obj.get("counts")
        if (
            obj.get("specials") != list(SPECIALS)
            or not isinstance(tokens, list)
            or not isinstance(counts, list)
            or len(counts) != len(tokens) + len(SPECIALS)
            or not all(isinstance(t, str) and t not in SPECIALS for t in tokens)
            or len(set(tokens)) != len(tokens)
            or not all(isinstance(c, int) and c >= 0 for c in counts)
        ):
            raise bad
        return cls(tokens, dict(zip([*SPECIALS, *tokens], counts, strict=True)))
