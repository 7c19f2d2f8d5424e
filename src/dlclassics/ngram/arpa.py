"""ARPA files: the text format of backoff n-gram models read by SRILM, kenlm and others.

    \\data\\
    ngram 1=4
    ngram 2=3

    \\1-grams:
    -0.60206	</s>
    -99	<s>	-0.30103
    ...
    \\2-grams:
    -0.1760913	<s> a
    ...
    \\end\\

Each entry is ``log10 P(w_n | w_1 … w_{n−1})``, the n-gram, and — below the highest order,
when not 0 — ``log10 bow(w_1 … w_n)``. ``-99`` stands for log10 0 (``<s>`` is never
predicted). :func:`write_arpa` writes every unigram of the vocabulary in id order (so a file
reads back with the same ids), then each order in the table's lexicographic order.

:func:`read_arpa` streams the file one line at a time. Malformed or truncated input — no
``\\data\\`` header, a bad count line, a section out of order, a field that is not a number,
a word missing from the unigrams, an n-gram listed twice or without its (n−1)-gram prefix,
a section shorter or longer than its header says, no ``\\end\\`` — is a one-line
:class:`~dlclassics.errors.DataError` with the file and line number. Values ≤ −99 read as
log10 0. A file without ``<unk>`` gets it with log10 probability −100, as kenlm does.
The reader needs every n-gram's prefix listed, which holds for files from kenlm, SRILM and
this module.

>>> from dlclassics.ngram import count_ngrams, estimate
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "ab.arpa"
>>> write_arpa(estimate(count_ngrams([["a", "b"]], order=2), "kn"), path)
>>> read_arpa(path).order
2
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import numpy as np

from dlclassics.data.stream import iter_lines
from dlclassics.data.vocab import SPECIALS, Vocab
from dlclassics.errors import DataError
from dlclassics.io import atomic_write
from dlclassics.ngram.arpa_text import ArpaLines, spellings
from dlclassics.ngram.backoff import BackoffLM
from dlclassics.ngram.trie import (
    ARPA_IDS,
    ARPA_WORDS,
    NGramIndex,
    arpa_id,
    check_vocab_words,
)

__all__ = ["read_arpa", "write_arpa"]

LOG_ZERO = -99.0  # ARPA's log10 0
UNK_MISSING = -100.0  # log10 P(<unk>) for a file that lacks it (kenlm's choice)
_COUNT = re.compile(r"ngram\s+(\d+)\s*=\s*(\d+)")
_SECTION = re.compile(r"\\(\d+)-grams:")


def write_arpa(model: BackoffLM, path: str | Path) -> None:
    """Write ``model`` as an ARPA file, atomically.

    Each entry is one line: ``f"{log10 P:.7g}"``, a tab, its words joined by spaces, and
    below the highest order, where not 0, a tab and ``f"{log10 bow:.7g}"``; −inf is
    ``-99``. The lines are written by compiled code (:mod:`dlclassics.ngram.arpa_text`),
    4 MiB at a time.
    """
    vocab, index, N = model.vocab, model.index, model.order
    check_vocab_words(vocab)
    listed = [np.flatnonzero(model.listed(n)) for n in range(1, N + 1)]
    words = list(vocab.itos)
    for i, word in ARPA_WORDS.items():  # the specials' ARPA spellings
        words[i] = word
    writer = ArpaLines(index.keys, index.vocab_size, spellings(words))
    with atomic_write(path, "wb") as f:
        counts = "".join(f"ngram {n}={len(listed[n - 1])}\n" for n in range(1, N + 1))
        f.write(f"\\data\\\n{counts}".encode())
        for n in range(1, N + 1):
            f.write(f"\n\\{n}-grams:\n".encode())
            backoff = model.backoff[n - 1] if n < N else None
            for chunk in writer.lines(n, listed[n - 1], model.logprob[n - 1], backoff):
                f.write(chunk)
        f.write(b"\n\\end\\\n")


class _Lines:
    """The file's lines with their numbers, and errors that name the line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lines = enumerate(iter_lines(path), 1)
        self.line_no = 0
        self._pushed: list[tuple[int, str]] = []

    def next(self) -> str | None:
        if self._pushed:
            self.line_no, line = self._pushed.pop()
            return line
        item = next(self._lines, None)
        if item is None:
            return None
        self.line_no, line = item
        return line

    def take(self, k: int) -> Iterator[str]:
        """The next ``k`` lines (fewer at the end of the file), lazily."""
        while self._pushed and k > 0:
            self.line_no, line = self._pushed.pop()
            k -= 1
            yield line
        for self.line_no, line in islice(self._lines, k):  # noqa: B020 (not the iterable)
            yield line

    def push(self, line: str) -> None:
        """Give ``line`` back; the next call of :meth:`next` returns it again."""
        self._pushed.append((self.line_no, line))

    def next_nonblank(self, expecting: str) -> str:
        while (line := self.next()) is not None:
            if line.strip():
                return line.strip()
        raise self.error(f"the file ends before {expecting} (truncated?)", self.line_no + 1)

    def error(self, message: str, line_no: int | None = None) -> DataError:
        where = self.line_no if line_no is None else line_no
        return DataError(
            f"{self.path}, line {where}: {message}; not a complete ARPA file — write it "
            "again (`dlc ngram build`)"
        )


def _header(lines: _Lines) -> list[int]:
    """Skip to ``\\data\\``; the declared number of n-grams of each order."""
    first_text = 0  # the first non-blank line: where \data\ should have been
    while (line := lines.next()) is None or line.strip() != "\\data\\":
        if line is None:
            raise lines.error("no \\data\\ header in the file (is it an ARPA file?)", first_text)
        first_text = first_text or (lines.line_no if line.strip() else 0)
    sizes: list[int] = []
    while True:
        line = lines.next()
        if line is None:
            raise lines.error(
                "the file ends in the \\data\\ header (truncated?)", lines.line_no + 1
            )
        text = line.strip()
        if _SECTION.fullmatch(text) and sizes:
            lines.push(line)
            return sizes
        if not text:
            if sizes:
                return sizes
            continue
        m = _COUNT.fullmatch(text)
        if m is None or int(m.group(1)) != len(sizes) + 1:
            raise lines.error(f"expected 'ngram {len(sizes) + 1}=COUNT', got {text[:60]!r}")
        sizes.append(int(m.group(2)))


def _section(
    lines: _Lines, n: int, N: int, size: int
) -> tuple[list[str], list[str], list[str], list[int]]:
    """The raw fields of the ``size`` entries of section n: log10 probs, backoffs, words."""
    probs: list[str] = []
    backoffs: list[str] = []
    words: list[str] = []
    first = lines.line_no + 1  # line number of the first entry
    short, long = n + 1, (n + 2 if n < N else -1)
    add_prob, add_backoff, add_words = probs.append, backoffs.append, words.extend
    for line in lines.take(size):
        fields = line.split()
        width = len(fields)
        if width == short:
            add_backoff("0")
        elif width == long:
            add_backoff(fields[-1])
        else:
            row = len(probs)
            if not fields or fields[0].startswith("\\"):
                message = f"\\{n}-grams: has {row} entries, but the header declares {size}"
            else:
                expected = f"{n + 1}" if n == N else f"{n + 1} or {n + 2}"
                message = (
                    f"a {n}-gram entry needs {expected} fields (log10 prob, {n} words"
                    f"{'' if n == N else ', [backoff]'}), got {width}"
                )
            raise lines.error(message, first + row)
        add_prob(fields[0])
        add_words(fields[1:short])
    if len(probs) < size:
        raise lines.error(
            f"\\{n}-grams: ends after {len(probs)} of {size} entries (truncated?)",
            lines.line_no + 1,
        )
    return probs, backoffs, words, list(range(first, first + size))


def _numbers(lines: _Lines, texts: list[str], line_nos: list[int], what: str) -> np.ndarray:
    """Parse log10 values (≤ −99 → −∞); errors name the first bad line."""
    try:
        x = np.array(texts, dtype=np.float64)
    except ValueError:
        x = np.array([_float(t) for t in texts])
    bad = ~np.isfinite(x)
    if bad.any():
        i = int(np.argmax(bad))
        raise lines.error(f"{what} {texts[i]!r} is not a finite number", line_nos[i])
    return np.where(x <= LOG_ZERO, -math.inf, x)


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def read_arpa(path: str | Path) -> BackoffLM:
    """Read an ARPA file into a :class:`BackoffLM` (streaming; errors name the line)."""
    lines = _Lines(Path(path))
    sizes = _header(lines)
    N = len(sizes)
    keys: list[np.ndarray] = []
    logprob: list[np.ndarray] = []
    backoff: list[np.ndarray] = []
    vocab = Vocab([])
    stoi: dict[str, int] = {}
    for n in range(1, N + 1):
        header = lines.next_nonblank(f"\\{n}-grams:")
        if header != f"\\{n}-grams:":
            raise lines.error(_unexpected(header, f"\\{n}-grams:", n - 1, sizes))
        header_line = lines.line_no
        prob_text, bow_text, words, line_nos = _section(lines, n, N, sizes[n - 1])
        lp = _numbers(lines, prob_text, line_nos, "log10 probability")
        bow = _numbers(lines, bow_text, line_nos, "log10 backoff")
        if np.any(lp > 0):
            i = int(np.argmax(lp > 0))
            raise lines.error(f"log10 probability {prob_text[i]} is above 0", line_nos[i])
        if n == 1:
            vocab, lp1, bow1 = _unigrams(lines, header_line, words, lp, bow, line_nos)
            stoi = {w: arpa_id(vocab, w) for w in words}
            keys.append(np.arange(len(vocab), dtype=np.int64))
            logprob.append(lp1)
            backoff.append(bow1)
            continue
        ids = np.array([stoi.get(w, -1) for w in words], dtype=np.int64).reshape(-1, n)
        if np.any(ids < 0):
            row = int(np.argmax((ids < 0).any(axis=1)))
            unknown = next(w for w in words[row * n : row * n + n] if w not in stoi)
            raise lines.error(f"word {unknown!r} is not among the 1-grams", line_nos[row])
        V = len(vocab)
        prefix = NGramIndex(V, tuple(keys)).find_words(ids[:, :-1])
        if np.any(prefix < 0):
            row = int(np.argmax(prefix < 0))
            raise lines.error(f"{n}-gram's prefix ({n - 1}-gram) is not listed", line_nos[row])
        k = prefix * V + ids[:, -1]
        order = np.argsort(k, kind="stable")
        k = k[order]
        dup = np.flatnonzero(k[1:] == k[:-1])
        if len(dup):
            raise lines.error(f"{n}-gram is listed twice", line_nos[int(order[dup[0] + 1])])
        keys.append(k)
        logprob.append(lp[order])
        backoff.append(bow[order])
    end = lines.next_nonblank("\\end\\")
    if end != "\\end\\":
        raise lines.error(_unexpected(end, "\\end\\", N, sizes))
    return BackoffLM(vocab, NGramIndex(len(vocab), tuple(keys)), tuple(logprob), tuple(backoff))


def _unexpected(text: str, expected: str, previous: int, sizes: list[int]) -> str:
    if previous and not text.startswith("\\"):
        return f"\\{previous}-grams: has more entries than the {sizes[previous - 1]} declared"
    return f"expected {expected}, got {text[:60]!r}"


def _unigrams(
    lines: _Lines,
    header_line: int,
    words: list[str],
    lp: np.ndarray,
    bow: np.ndarray,
    line_nos: list[int],
) -> tuple[Vocab, np.ndarray, np.ndarray]:
    """The vocabulary (specials, then the file's words in order) and dense unigram arrays."""
    seen: set[str] = set()
    for word, line_no in zip(words, line_nos, strict=True):
        if word in seen:
            raise lines.error(f"1-gram {word!r} is listed twice", line_no)
        if word in SPECIALS and word != "<unk>":
            raise lines.error(f"word {word!r} is reserved by dlclassics' vocabulary", line_no)
        seen.add(word)
    for needed in ("<s>", "</s>"):
        if needed not in seen:
            raise lines.error(f"no {needed} among the 1-grams", header_line)
    vocab = Vocab(w for w in words if w not in ARPA_IDS)
    ids = np.array([arpa_id(vocab, w) for w in words], dtype=np.int64)
    lp1 = np.full(len(vocab), -math.inf)
    bow1 = np.zeros(len(vocab))
    if "<unk>" not in seen:
        lp1[vocab.unk_id] = UNK_MISSING
    lp1[ids] = lp
    lp1[vocab.bos_id] = -math.inf  # <s> is never predicted, whatever the file says
    bow1[ids] = bow
    return vocab, lp1, bow1
