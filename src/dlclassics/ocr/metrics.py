"""Character and word error rates: edit distance over reference length.

    CER = Σ_lines d(ref, hyp) / Σ_lines |ref|      over characters
    WER = the same over words

where d is the Levenshtein distance — the fewest substitutions, insertions and deletions
turning one sequence into the other (dynamic programming, O(|a| · |b|)). Summing edits and
lengths over all lines before dividing weights long lines by their length, as
``jiwer`` and the OCR literature do. Words are split on whitespace; Chinese text, written
without spaces, is split into words with jieba before the word error rate is taken.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

__all__ = ["cer", "edit_distance", "error_rate", "wer", "words"]


def edit_distance(a: Sequence[Hashable], b: Sequence[Hashable]) -> int:
    """Levenshtein distance: minimum substitutions + insertions + deletions from a to b."""
    previous = list(range(len(b) + 1))  # row i − 1 of the DP table: d(a[:i−1], b[:j])
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, z in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != z)))
        previous = current
    return previous[-1]


def error_rate(
    refs: Sequence[str], hyps: Sequence[str], split: Callable[[str], Sequence[Hashable]]
) -> float:
    """Σ d(split(ref), split(hyp)) / Σ |split(ref)| over paired lines."""
    if len(refs) != len(hyps):
        raise ValueError(f"{len(refs)} references but {len(hyps)} hypotheses")
    edits = sum(edit_distance(split(r), split(h)) for r, h in zip(refs, hyps, strict=True))
    total = sum(len(split(r)) for r in refs)
    if total == 0:
        raise ValueError("the references are empty: the error rate is undefined")
    return edits / total


def words(text: str) -> list[str]:
    """Whitespace words; text with CJK characters is segmented with jieba instead."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        import jieba

        return [w for w in jieba.lcut(text) if w.strip()]
    return text.split()


def cer(refs: Sequence[str], hyps: Sequence[str]) -> float:
    """Character error rate of ``hyps`` against ``refs`` (paired lines)."""
    return error_rate(refs, hyps, list)


def wer(refs: Sequence[str], hyps: Sequence[str]) -> float:
    """Word error rate of ``hyps`` against ``refs`` (paired lines), see :func:`words`."""
    return error_rate(refs, hyps, words)
