"""How a tagging is scored: token accuracy, entity F1 (CoNLL, strict), SIGHAN word F1.

* **Accuracy** — the fraction of tokens whose predicted tag equals the gold tag (POS).
* **Entity F1** (NER, CoNLL-2003; ``seqeval`` in strict IOB2 mode): an entity is a ``B-X``
  followed by any ``I-X``; a stray ``I-X`` (after ``O`` or another type) starts no entity.
  A predicted entity counts only if its type and both boundaries equal a gold one. With
  ``tp`` the matches, ``P = tp / #predicted``, ``R = tp / #gold``, ``F1 = 2PR / (P + R)``,
  summed over all sentences (micro average).
* **Word F1** (segmentation, the SIGHAN bakeoff scorer, Sproat and Emerson 2003): the same
  P, R, F1 over words, a word being a ``[start, end)`` character span
  (:func:`~dlclassics.tag.tagsets.word_spans`).

>>> entities(["B-person", "I-person", "O", "I-geo-loc", "B-company"])
[('person', 0, 2), ('company', 4, 5)]
>>> round(span_f1([[(0, 2), (2, 3)]], [[(0, 2), (2, 4)]]).f1, 4)  # one word of two right
0.5
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from dlclassics.tag.tagsets import word_spans

__all__ = ["PRF", "accuracy", "entities", "score", "span_f1", "span_reader"]


@dataclass(frozen=True)
class PRF:
    """Micro precision, recall and F1 with their counts."""

    tp: int  # predicted spans that equal a gold span
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.predicted + self.gold
        return 2 * self.tp / total if total else 0.0  # = 2PR / (P + R)


def accuracy(gold: Iterable[Sequence[str]], predicted: Iterable[Sequence[str]]) -> float:
    """Fraction of tokens tagged right, over all sentences."""
    right = total = 0
    for g, p in zip(gold, predicted, strict=True):
        assert len(g) == len(p), "a prediction per token"
        right += sum(a == b for a, b in zip(g, p, strict=True))
        total += len(g)
    return right / total if total else 0.0


def entities(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """The ``(type, start, end)`` entities of a strict IOB2 sequence."""
    found: list[tuple[str, int, int]] = []
    kind: str | None = None
    start = 0
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        continues = prefix == "I" and name == kind
        if kind is not None and not continues:
            found.append((kind, start, i))
            kind = None
        if prefix == "B":
            kind, start = name, i
    return found


def span_f1(gold: Iterable[Iterable[Hashable]], predicted: Iterable[Iterable[Hashable]]) -> PRF:
    """Micro P/R/F1 of per-sentence span sets (entities, or word spans)."""
    tp = n_pred = n_gold = 0
    for g, p in zip(gold, predicted, strict=True):
        gs, ps = set(g), set(p)
        tp += len(gs & ps)
        n_pred += len(ps)
        n_gold += len(gs)
    return PRF(tp, n_pred, n_gold)


def score(
    scheme: Literal["pos", "bio", "bmes"],
    gold: Sequence[Sequence[str]],
    predicted: Sequence[Sequence[str]],
) -> dict[str, float]:
    """The scheme's metrics: ``accuracy`` (pos), or ``precision``/``recall``/``f1`` over
    entities (bio) or words (bmes); every scheme also reports token ``accuracy``."""
    result = {"accuracy": accuracy(gold, predicted)}
    if scheme == "pos":
        return result
    spans = entities if scheme == "bio" else word_spans
    prf = span_f1(map(spans, gold), map(spans, predicted))
    return {**result, "precision": prf.precision, "recall": prf.recall, "f1": prf.f1}


def span_reader(
    scheme: Literal["pos", "bio", "bmes"], tags: Sequence[str]
) -> Callable[[Sequence[int]], list[Hashable]] | None:
    """Tag ids (indices into ``tags``) → the spans the scheme's F1 counts: entities (bio) or
    words (bmes); ``None`` for POS, scored by token accuracy alone.

    >>> read = span_reader("bio", ["O", "B-person", "I-person"])
    >>> read([1, 2, 0])
    [('person', 0, 2)]
    """
    if scheme == "pos":
        return None
    spans = entities if scheme == "bio" else word_spans

    def read(ids: Sequence[int]) -> list[Hashable]:
        return list(spans([tags[i] for i in ids]))

    return read
