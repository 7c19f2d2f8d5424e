"""Attention over the encoder states of an RNN translator: Bahdanau and Luong scorers.

The scorers and the context vector moved to :mod:`dlclassics.nn.alignment`, shared with the
captioner (attention over image cells); they are re-exported here so the translators' imports
stay as they were. The formulas and references are in that module's docstring.
"""

from __future__ import annotations

from dlclassics.nn.alignment import (
    SCORES,
    AdditiveScore,
    ConcatScore,
    DotScore,
    GeneralScore,
    ScoreName,
    Scorer,
    attend,
)

__all__ = [
    "SCORES",
    "AdditiveScore",
    "ConcatScore",
    "DotScore",
    "GeneralScore",
    "ScoreName",
    "Scorer",
    "attend",
]
