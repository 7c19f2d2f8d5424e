"""A text file's words as type ids, split at compiled speed — one sentence per line.

Counting the n-grams of a corpus (note 002, 统计语言模型) first turns its text into word ids.
Read the Python way — ``line.split()`` on every line, a list of strings per sentence, a
dictionary lookup per word — that step costs more than the counting itself (about half of
``dlc ngram build``'s time on a big file). Here the same split runs in Numba over the
file's bytes, with the same result:

* a **sentence** is a line (the bytes up to ``\\n``) holding at least one word; blank lines
  are skipped and a UTF-8 byte-order mark at the start of a file is dropped;
* **words** are separated by what ``str.split()`` treats as whitespace — ASCII ``\\t \\n
  \\v \\f \\r``, ``\\x1c``–``\\x1f`` and space, and U+0085, U+00A0, U+1680, U+2000–U+200A,
  U+2028, U+2029, U+202F, U+205F, U+3000 in their UTF-8 encodings (tested against
  ``str.split`` on every code point);
* a word's **id** is its type's position in order of first appearance: its bytes are
  looked up in an open-addressing hash table (FNV-1a hash, linear probing, at most half
  full) whose entries keep each type's bytes and count. One :class:`WordScan` keeps its
  table across passes, so a second pass over the same files gives every word the same id.

The bytes are checked as UTF-8 by Python's own decoder, a read at a time. Whatever this fast
path does not cover is not guessed at: :meth:`WordScan.blocks` raises :class:`NotFast` at
the first bytes that are not UTF-8, a damaged archive, or a file without a word, so the
caller reads that corpus line by line (:class:`~dlclassics.data.corpora.Text`), which
gives the one-line error that names the file and the line.

Memory: one read (:data:`READ_BYTES`), one block of ids, and the table — about 30 bytes
per type plus the types' bytes — whatever the length of the corpus.

>>> from pathlib import Path
>>> import tempfile
>>> p = Path(tempfile.mkdtemp()) / "corpus.txt"
>>> _ = p.write_text("the cat\\n\\n the  dog\\u3000ran\\n", encoding="utf-8")
>>> scan = WordScan([p])
>>> [(ids.tolist(), lengths.tolist()) for ids, lengths in scan.blocks(1 << 10)]
[([0, 1, 0, 2, 3], [2, 3])]
>>> scan.types, scan.counts.tolist()
(['the', 'cat', 'dog', 'ran'], [2, 1, 1, 1])
"""

from __future__ import annotations

import codecs
import lzma
import zlib
from collections.abc import Iterator, Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np
from numba import njit

from dlclassics.data.stream import open_binary

__all__ = ["READ_BYTES", "NotFast", "WordScan"]

READ_BYTES = 1 << 23  # bytes read from a file at a time
_BOM = b"\xef\xbb\xbf"
_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_DAMAGED = (OSError, EOFError, lzma.LZMAError, zlib.error)  # what a damaged archive raises

# what scan() stopped for
_DONE = 0  # every complete line of the buffer is scanned
_FULL = 1  # the block's id buffer cannot take the next line: hand the block over
_GROW = 2  # the table cannot take the next line's new types: grow it


class NotFast(Exception):
    """The corpus needs the line-by-line reader (which also words the error, if any)."""


# what a byte can start: 0 a word's byte, 1 one-byte whitespace, 2 maybe a longer one
_START = np.zeros(256, dtype=np.uint8)
_START[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = 1
_START[[0xC2, 0xE1, 0xE2, 0xE3]] = 2


@njit(cache=True, nogil=True)
def _space(buf: np.ndarray, i: int, end: int) -> int:
    """Byte length of the whitespace character at ``buf[i]`` (``str.isspace``), else 0."""
    c = _START[buf[i]]
    if c < 2:
        return int(c)
    b = buf[i]
    if b == 0xC2:
        return 2 if i + 1 < end and (buf[i + 1] == 0x85 or buf[i + 1] == 0xA0) else 0
    if i + 2 >= end:
        return 0
    b1, b2 = buf[i + 1], buf[i + 2]
    if b == 0xE1:
        return 3 if b1 == 0x9A and b2 == 0x80 else 0
    if b == 0xE2:
        if b1 == 0x80 and (b2 <= 0x8A or b2 == 0xA8 or b2 == 0xA9 or b2 == 0xAF):
            return 3
        return 3 if b1 == 0x81 and b2 == 0x9F else 0
    if b == 0xE3:
        return 3 if b1 == 0x80 and b2 == 0x80 else 0
    return 0


@njit(cache=True, nogil=True)
def _rehash(hashes: np.ndarray, n_types: int, size: int) -> np.ndarray:
    """A slot table of ``size`` (a power of two) holding types 0 … n_types − 1."""
    slots = np.full(size, -1, dtype=np.int32)
    mask = size - 1
    for t in range(n_types):
        j = np.int64(hashes[t] & np.uint64(mask))
        while slots[j] >= 0:
            j = (j + 1) & mask
        slots[j] = t
    return slots


@njit(cache=True, nogil=True)
def _scan(
    buf: np.ndarray,  # (B,) uint8: the bytes read
    pos: int,  # where to start: the start of a line
    final: bool,  # the buffer ends the file: its last line needs no \n
    slots: np.ndarray,  # (S,) int32: type id per slot, −1 empty
    hashes: np.ndarray,  # (T,) uint64: each type's hash
    offsets: np.ndarray,  # (T + 1,) int64: type t's bytes are arena[offsets[t]:offsets[t + 1]]
    arena: np.ndarray,  # (A,) uint8
    counts: np.ndarray,  # (T,) int64
    n_types: int,
    ids: np.ndarray,  # (C,) int32: the block's word ids
    lengths: np.ndarray,  # (C,) int64: the block's sentence lengths
    n_ids: int,
    n_sentences: int,
    words: int,  # words of the line at pos read before (resuming after a _GROW), else 0
) -> tuple[int, int, int, int, int, int]:
    """Scan lines from ``pos``: (why it stopped, position, n_types, n_ids, n_sentences,
    words of the line so far). A line is never split between blocks; a _GROW stops before
    the new type that does not fit (the position of its word)."""
    end = len(buf)
    mask = len(slots) - 1
    while pos < end:
        stop = pos  # the line is buf[pos:stop], its \n at stop (if any)
        while stop < end and buf[stop] != 10:
            stop += 1
        if stop == end and not final:
            return _DONE, pos, n_types, n_ids, n_sentences, words  # a partial line: read more
        if words == 0:  # a line starts: room in the block for all of it
            most = (stop - pos + 1) // 2  # the most words a line of this length can hold
            if n_ids + most > len(ids) or n_sentences == len(lengths):
                return _FULL, pos, n_types, n_ids, n_sentences, 0
        i = pos
        while i < stop:
            c = _START[buf[i]]  # (the common cases inline: a call per byte costs)
            w = 0 if c == 0 else 1 if c == 1 else _space(buf, i, stop)
            if w:
                i += w
                continue
            start = i  # a word: up to the next whitespace
            h = _FNV_OFFSET
            while i < stop:
                c = _START[buf[i]]
                if c == 1 or (c == 2 and _space(buf, i, stop)):
                    break
                h = (h ^ np.uint64(buf[i])) * _FNV_PRIME
                i += 1
            size = i - start
            j = np.int64(h & np.uint64(mask))
            while True:
                t = slots[j]
                if t < 0:  # a new type, if the table has room for it
                    if (
                        n_types == len(counts)
                        or 2 * (n_types + 1) > len(slots)
                        or offsets[n_types] + size > len(arena)
                    ):
                        return _GROW, start, n_types, n_ids, n_sentences, words
                    t = n_types
                    a = offsets[t]
                    arena[a : a + size] = buf[start:i]
                    offsets[t + 1] = a + size
                    hashes[t] = h
                    counts[t] = 0
                    slots[j] = t
                    n_types += 1
                    break
                if hashes[t] == h and offsets[t + 1] - offsets[t] == size:
                    a = offsets[t]
                    same = True
                    for k in range(size):
                        if arena[a + k] != buf[start + k]:
                            same = False
                            break
                    if same:
                        break
                j = (j + 1) & mask
            counts[t] += 1
            ids[n_ids] = t
            n_ids += 1
            words += 1
        if words:
            lengths[n_sentences] = words
            n_sentences += 1
            words = 0
        pos = stop + 1
    return _DONE, pos, n_types, n_ids, n_sentences, 0


@njit(cache=True, nogil=True)
def _word_bytes(buf: np.ndarray, pos: int) -> int:
    """Bytes of the word starting at ``buf[pos]``."""
    i, end = pos, len(buf)
    while i < end and not _space(buf, i, end):
        i += 1
    return i - pos


class WordScan:
    """The words of ``files`` (UTF-8, one sentence per line) as type ids, a block at a time.

    ``files``: paths, plain or compressed (``.gz``, ``.bz2``, ``.xz``), read in order.
    """

    def __init__(self, files: Sequence[Path]) -> None:
        self.files = list(files)
        self._slots = np.full(1 << 16, -1, dtype=np.int32)
        self._hashes = np.zeros(1 << 15, dtype=np.uint64)
        self._offsets = np.zeros((1 << 15) + 1, dtype=np.int64)
        self._arena = np.zeros(1 << 18, dtype=np.uint8)
        self._counts = np.zeros(1 << 15, dtype=np.int64)
        self._n_types = 0
        self._counting = True  # counts are kept on the first pass only

    @property
    def types(self) -> list[str]:
        """The word types seen, in order of first appearance (type id = position)."""
        arena = self._arena.tobytes()
        cut = self._offsets[: self._n_types + 1].tolist()
        return [arena[a:b].decode("utf-8") for a, b in pairwise(cut)]

    @property
    def counts(self) -> np.ndarray:
        """(T,) int64: how often each type occurs in the files (counted on the first pass)."""
        return self._counts[: self._n_types].copy()

    def _grow(self, need: int) -> None:
        """Room for one more type of ``need`` bytes (each array doubling when full)."""
        t, a = self._n_types, int(self._offsets[self._n_types])
        if t + 1 > len(self._counts):
            size = 2 * len(self._counts)
            for name in ("_hashes", "_counts"):
                old = getattr(self, name)
                new = np.zeros(size, dtype=old.dtype)
                new[:t] = old[:t]
                setattr(self, name, new)
            offsets = np.zeros(size + 1, dtype=np.int64)
            offsets[: t + 1] = self._offsets[: t + 1]
            self._offsets = offsets
        if 2 * (t + 1) > len(self._slots):
            self._slots = _rehash(self._hashes, t, 2 * len(self._slots))
        if a + need > len(self._arena):
            arena = np.zeros(max(2 * len(self._arena), a + need), dtype=np.uint8)
            arena[:a] = self._arena[:a]
            self._arena = arena

    def blocks(self, block_tokens: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """``(ids, lengths)`` per block of whole sentences, up to ``block_tokens`` words each:
        (W,) int32 type ids of the words, (S,) int64 words per sentence.

        Raises :class:`NotFast` where the line-by-line reader must take over (see above).
        """
        ids = np.empty(max(block_tokens, 1), dtype=np.int32)
        lengths = np.empty(len(ids) // 8 + 1, dtype=np.int64)  # sentences: a block's start
        n_ids = n_sentences = total = words = 0
        saved = None if self._counting else self._counts[: self._n_types].copy()
        for path in self.files:
            decoder = codecs.getincrementaldecoder("utf-8")()
            rest, first, file_words = b"", True, 0
            try:
                with open_binary(path) as f:
                    while True:
                        raw = f.read(READ_BYTES)
                        final = not raw
                        try:  # checked a read at a time; the str is dropped at once
                            if final or not raw.isascii():
                                decoder.decode(raw, final=final)
                        except UnicodeDecodeError:
                            raise NotFast(f"{path}: not UTF-8") from None
                        if first and raw:
                            raw, first = raw.removeprefix(_BOM), False
                        buf = np.frombuffer(rest + raw, dtype=np.uint8)
                        pos = 0
                        while True:
                            before = n_ids
                            why, pos, self._n_types, n_ids, n_sentences, words = _scan(
                                buf, pos, final, self._slots, self._hashes, self._offsets,
                                self._arena, self._counts, self._n_types, ids, lengths,
                                n_ids, n_sentences, words,
                            )  # fmt: skip
                            file_words += n_ids - before
                            if why == _DONE:
                                break
                            if why == _GROW:  # room for one more type: the word at pos
                                self._grow(_word_bytes(buf, pos))
                            elif n_ids == 0:  # one line longer than a block: a bigger block
                                ids = np.empty(2 * len(ids), dtype=np.int32)
                            else:
                                yield ids[:n_ids].copy(), lengths[:n_sentences].copy()
                                n_ids = n_sentences = 0
                        rest = buf[pos:].tobytes()
                        if final:
                            assert words == 0, "a file ends a line"
                            break
            except _DAMAGED as err:
                raise NotFast(f"{path}: {err}") from None
            if file_words == 0 and len(self.files) == 1:
                raise NotFast(f"{path}: no word")
            total += file_words
        if total == 0:
            raise NotFast("no file holds a word")
        if saved is not None:  # a later pass: the first pass's counts stand
            self._counts[: len(saved)] = saved
        self._counting = False
        if n_sentences:
            yield ids[:n_ids].copy(), lengths[:n_sentences].copy()
