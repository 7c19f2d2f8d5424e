"""The output alphabet of a recogniser: label id 0 is CTC's blank ∅, ids 1 … K the characters.

English uses the 95 printable ASCII characters. Chinese uses the most frequent characters
of the training text plus ASCII and full-width digits and the common punctuation, so that
numbers and punctuation never fall outside the set. A character outside the set is never
dropped silently: :meth:`Charset.encode` raises a :class:`~dlclassics.errors.DataError`
naming it, and :meth:`Charset.unknown` lists such characters so that callers can report
them (a test line keeps them, and each one costs the recogniser an error).

>>> ENGLISH.encode("Hi!")
[41, 74, 2]
>>> ENGLISH.decode([41, 74, 2])
'Hi!'
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dlclassics.errors import CheckpointError, DataError
from dlclassics.io import write_json

__all__ = ["BLANK", "CHINESE_EXTRA", "ENGLISH", "Charset", "chinese_charset"]

BLANK = 0  # CTC's blank ∅ is label 0, as torch.nn.functional.ctc_loss assumes by default
_FORMAT = "dlclassics.ocr.charset/1"
CHINESE_EXTRA = (
    "0123456789０１２３４５６７８９"
    "，。、；：？！“”‘’（）《》〈〉【】—…·－％．／"
    ",.;:?!\"'()%-/"
)  # always in a Chinese set, however rare in the training text


@dataclass(frozen=True)
class Charset:
    """Characters in label order (label id = position + 1; 0 is the blank)."""

    chars: str
    _ids: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(set(self.chars)) != len(self.chars):
            raise ValueError("a character set lists each character once")
        object.__setattr__(self, "_ids", {c: i + 1 for i, c in enumerate(self.chars)})

    @property
    def size(self) -> int:
        """C, the number of network outputs: the characters plus the blank."""
        return len(self.chars) + 1

    def unknown(self, text: str) -> list[str]:
        """The characters of ``text`` outside the set, in order of first appearance."""
        return list(dict.fromkeys(c for c in text if c not in self._ids))

    def covers(self, text: str) -> bool:
        return all(c in self._ids for c in text)

    def encode(self, text: str) -> list[int]:
        """Label ids of ``text``; a DataError names any character outside the set."""
        missing = self.unknown(text)
        if missing:
            shown = "".join(missing[:10])
            raise DataError(
                f"{len(missing)} character(s) outside the recogniser's character set "
                f"({len(self.chars)} characters): {shown!r} in {text[:40]!r}"
            )
        return [self._ids[c] for c in text]

    def decode(self, labels: Iterable[int]) -> str:
        """The text of label ids (the blank, id 0, is skipped)."""
        return "".join(self.chars[i - 1] for i in labels if i != BLANK)

    def save(self, path: Path) -> None:
        write_json(path, {"format": _FORMAT, "chars": self.chars})

    @classmethod
    def load(cls, path: Path) -> Charset:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != _FORMAT:
                raise ValueError(f"format {data.get('format')!r}")
            return cls(data["chars"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CheckpointError(
                f"{path} is not a character set written by `dlc ocr train` ({error})"
            ) from None


ENGLISH = Charset("".join(chr(i) for i in range(32, 127)))


def chinese_charset(
    texts: Iterable[str], size: int, extra: Sequence[str] = CHINESE_EXTRA
) -> Charset:
    """The ``size`` most frequent characters of ``texts`` (ties by code point), then ``extra``."""
    counts = Counter(c for text in texts for c in text if not c.isspace())
    ranked = sorted(counts, key=lambda c: (-counts[c], c))[:size]
    chosen = dict.fromkeys([*ranked, *extra])
    return Charset("".join(chosen))
