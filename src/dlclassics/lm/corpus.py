"""Where an n-gram model's sentences come from: a text file or a registered corpus.

Every ``--text`` (and ``--valid``) option of ``dlc ngram`` takes one string, resolved so:

1. **an existing file** — UTF-8, one sentence per line, tokens separated by whitespace (the
   input format of SRILM's ``ngram-count`` and kenlm's ``lmplz``); blank lines are skipped;
2. otherwise **a registered corpus**, ``NAME`` or ``NAME:SPLIT`` — ``brown`` is
   ``brown:train``; ``brown:val``, ``brown:test`` and ``peoples-daily:test`` name other
   splits (fetched into the cache on first use, like every data set);
3. anything else is a one-line :class:`~dlclassics.errors.DataError`.

A file wins over a corpus of the same name, so ``./brown`` is always the file.

Reserved tokens. ``<s>`` and ``</s>`` mark sentence boundaries and are added by the model;
in the text they would be counted twice, so they are an error (as in kenlm), as are the
vocabulary's own specials ``<pad>``, ``<bos>``, ``<eos>``. The token ``<unk>`` is allowed and
means "an unknown word".

>>> text = Text("brown:val")                                    # doctest: +SKIP
>>> next(iter(text))[:4]                                        # doctest: +SKIP
['The', 'most', 'important', 'thing']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from dlclassics.data.stream import iter_lines
from dlclassics.errors import DataError
from dlclassics.registry import Registry

__all__ = ["BROWN_MIN_COUNT", "CORPORA", "RESERVED", "Text", "check_sentence"]

# Tokens the text may not contain: sentence marks (added by the model) and Vocab specials.
RESERVED = frozenset({"<s>", "</s>", "<pad>", "<bos>", "<eos>"})

# The Brown vocabulary of our benchmarks: words seen at least 4 times in the train split
# (14,113 words; the rest become <unk>). Bengio et al. (2003) merged words of frequency ≤ 3
# in their whole corpus into one symbol, |V| = 16,383; we apply the same rule to train only.
BROWN_MIN_COUNT = 4


def _brown(split: str) -> Iterator[list[str]]:
    from dlclassics.data.sets import brown

    for record in brown.records(split):
        yield record.words


def _peoples_daily(split: str) -> Iterator[list[str]]:
    from dlclassics.data.sets import peoples_daily

    yield from peoples_daily.segmented(split)


# corpus name -> split -> its sentences as token lists (word level)
CORPORA: Registry[Callable[[str], Iterator[list[str]]]] = Registry("corpus")
CORPORA.add("brown", _brown)
CORPORA.add("peoples-daily", _peoples_daily)


def check_sentence(tokens: Sequence[str], where: str) -> None:
    """DataError naming ``where`` if ``tokens`` holds a reserved token."""
    if RESERVED.isdisjoint(tokens):
        return
    bad = next(t for t in tokens if t in RESERVED)
    raise DataError(
        f"{where}: token {bad!r} is reserved ({', '.join(sorted(RESERVED))}); sentence "
        "boundaries are added by the model — remove it or rename it"
    )


@dataclass(frozen=True)
class Text:
    """A re-iterable stream of sentences (token lists) named by a path or corpus spec."""

    spec: str  # a file path, or NAME / NAME:SPLIT of a registered corpus

    def __post_init__(self) -> None:
        if not self.is_file:
            name, _, split = self.spec.partition(":")
            if name not in CORPORA:
                raise DataError(
                    f"--text {self.spec!r} is neither a file nor a corpus; give a path to a "
                    "UTF-8 file with one sentence per line, or one of: "
                    + ", ".join(f"{c}[:train|val|test]" for c in CORPORA)
                )
            if split and split not in ("train", "val", "test"):
                raise DataError(
                    f"corpus {name!r} has no split {split!r}; choose train, val or test"
                )

    @property
    def is_file(self) -> bool:
        return Path(self.spec).is_file()

    @property
    def corpus(self) -> tuple[str, str] | None:
        """``(name, split)`` when the spec names a corpus, else None."""
        if self.is_file:
            return None
        name, _, split = self.spec.partition(":")
        return name, split or "train"

    def sibling(self, split: str) -> Text | None:
        """The same corpus's ``split`` (e.g. val for tuning), None for a file."""
        corpus = self.corpus
        return None if corpus is None else Text(f"{corpus[0]}:{split}")

    def __str__(self) -> str:
        corpus = self.corpus
        return self.spec if corpus is None else f"{corpus[0]}:{corpus[1]}"

    def __iter__(self) -> Iterator[list[str]]:
        corpus = self.corpus
        if corpus is None:
            for line_no, line in enumerate(iter_lines(self.spec), 1):
                tokens = line.split()
                if tokens:
                    check_sentence(tokens, f"{self.spec}, line {line_no}")
                    yield tokens
            return
        name, split = corpus
        for i, tokens in enumerate(CORPORA[name](split), 1):
            check_sentence(tokens, f"{name}:{split}, sentence {i}")
            yield tokens
