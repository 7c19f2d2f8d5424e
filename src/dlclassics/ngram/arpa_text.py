"""The text of ARPA entries, written by compiled code: ``%.7g`` numbers and n-grams as bytes.

:func:`~dlclassics.ngram.arpa.write_arpa` spends nearly all its time turning millions of
doubles and word ids into lines like ``-1.97881<TAB>the<TAB>-0.4530118``. Here one Numba
loop writes a slice of entries into a byte buffer, and the file gets the buffer.

An entry's words come from its key in the :class:`~dlclassics.ngram.trie.NGramIndex`:
``key = prefix row · V + w_n``, the prefix row's key gives w_{n−1}, and so on down to the
unigram row, which is w_1. Entries are in key order, so consecutive entries mostly share a
prefix; the loop remembers the rows it walked and stops where the prefix is the last one's.

A number's text must equal Python's ``f"{x:.7g}"`` byte for byte. ``%.7g`` rounds |x| to 7
significant digits, correctly (the nearest decimal, ties to even), and with X the decimal
exponent after rounding writes

    d.dddddde±XX          if X < −4 or X ≥ 7 (two exponent digits at least)
    ddd.dddd / 0.000ddd   otherwise (fixed point),

without trailing zeros or a trailing point; 0 and −0 are ``0`` and ``-0``. The loop finds
the digits with float arithmetic: X from log10 |x|, then r = round(m), m = |x| · 10^(6−X),
10^6 ≤ r < 10^7. The scaling multiplies or divides by exact powers of ten (10^k is a double
for k ≤ 22; larger |k| go in steps of 10^22), one rounding of at most half an ulp per step,
so m's relative error is under 16 · 2^−53 < 2·10^−15 over the widest range (16 steps), and
its absolute error under 2·10^−8 as m < 10^7. Rounding m is therefore exact unless m's
fraction lies within that distance of one half. The loop leaves such entries (within
:data:`_TIE` = 10^−6 of one half, a few per million in a model) and those with NaN or +inf
to Python: it stops before the entry's line, Python writes the line, the loop goes on
after it. −inf is written ``-99``, the ARPA spelling of log10 0.

>>> format_g7(np.array([-0.30103, 1234567.5, 1e-5, -0.0, -math.inf]))
['-0.30103', '1234568', '1e-05', '-0', '-99']
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["LOG_ZERO_TEXT", "ArpaLines", "Spellings", "format_g7", "spellings"]

LOG_ZERO_TEXT = "-99"  # how an ARPA file spells log10 0
_TIE = 1e-6  # m's fraction this close to 1/2: the rounding is left to Python (error < 2e-8)
_POW10 = np.array([float(10**k) for k in range(23)])  # the exact doubles 10^0 … 10^22
_TO_FRACTION = -(-(1 << 52) // 10**6)  # ⌈2^52 / 10^6⌉: r · this = r / 10^6 in 52-bit fixed point
_FRACTION = (1 << 52) - 1
_TENS_FROM = -325  # _TENS[k − _TENS_FROM]: the double nearest 10^k (0 and inf at the ends)
_TENS = np.array([float(f"1e{k}") for k in range(_TENS_FROM, 310)])
_WORD = 16  # bytes copied per word at least (the arena and the buffer have the slack)
_NUMBER = 16  # bytes a number may take in the buffer ("-1.234567e-308" is 14, plus slack)
_TAB, _SPACE, _NEWLINE, _DOT, _MINUS, _ZERO = 9, 32, 10, 46, 45, 48

Spellings = tuple[np.ndarray, np.ndarray]  # (bytes of all words end to end, (V + 1,) starts)


def spellings(words: Sequence[str]) -> Spellings:
    """The UTF-8 bytes of ``words`` end to end, and where word i starts (and ends: i + 1)."""
    encoded = [w.encode("utf-8") for w in words]
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=starts[1:])
    return np.frombuffer(b"".join(encoded) + bytes(_WORD), dtype=np.uint8), starts  # + slack


@njit(cache=True, nogil=True, inline="always")
def _scaled(a: float, k: int) -> float:  # pragma: no cover
    """a · 10^k, by exact powers of ten: one rounding per step of up to 10^22."""
    while k > 22:
        a *= 1e22
        k -= 22
    while k < -22:
        a /= 1e22
        k += 22
    return a * _POW10[k] if k >= 0 else a / _POW10[-k]


@njit(cache=True, nogil=True, inline="always")
def _digits(x: float) -> tuple[int, int]:  # pragma: no cover
    """(r, X): |x| to 7 significant digits is r · 10^(X−6), 10^6 ≤ r < 10^7; r = 0 for
    the values written without digits (−inf, ±0), r = −1 for those left to Python (NaN,
    +inf, and where float error could flip the rounding)."""
    a = abs(x)
    if not (0.0 < a < math.inf):
        return (0 if x == -math.inf or x == 0.0 else -1), 0
    # a = f · 2^e, 1/2 ≤ f < 1: X is ⌊(e − 1) log10 2⌋ or one more (78913 / 2^18 ≈ log10 2,
    # exact in this use for |e| < 1200), whichever 10^X ≤ a says; the checks on m catch
    # the last ulp of the table's inexact powers.
    X = ((math.frexp(a)[1] - 1) * 78913) >> 18
    X += 1 if a >= _TENS[X + 1 - _TENS_FROM] else 0
    m = _scaled(a, 6 - X)
    if m < 1e6:
        X -= 1
        m = _scaled(a, 6 - X)
    elif m >= 1e7:
        X += 1
        m = _scaled(a, 6 - X)
    whole = math.floor(m)
    fraction = m - whole  # exact: m < 2^52
    if not (1e6 <= m < 1e7) or abs(fraction - 0.5) < _TIE:
        return -1, 0
    r = whole + (1 if fraction > 0.5 else 0)
    if r == 10_000_000:  # 9.9999995 → 10.00000: the exponent goes up
        return 1_000_000, X + 1
    return r, X


@njit(cache=True, nogil=True, inline="always")
def _put7(out: np.ndarray, pos: int, r: int, zeros: int, point: int) -> int:  # pragma: no cover
    """Write ``zeros`` zeros and the 7 digits of r with a point after the first ``point``
    of those characters, at ``pos``: digit k lands at pos + zeros + k (+1 past the point);
    only the digits and the point are written. The number of r's digits without its
    trailing zeros.

    The digits come from the binary fraction y / 2^52 = r / 10^6 (y = r · ⌈2^52 / 10^6⌉,
    off by less than 10^7 / 2^52 < 10^−8), ten times the fraction part for each next
    digit: multiplications and shifts, no division (checked for every r).
    """
    b = pos + zeros
    y = r * _TO_FRACTION
    kept = 1  # the digits up to the last non-zero one (the first always counts)
    for k in range(7):
        d = y >> 52
        out[b + k + (1 if zeros + k >= point else 0)] = _ZERO + d
        if d and k:
            kept = k + 1
        y = (y & _FRACTION) * 10
    out[pos + point] = _DOT
    return kept


@njit(cache=True, nogil=True, inline="always")
def _put_number(out: np.ndarray, pos: int, x: float, r: int, X: int) -> int:  # pragma: no cover
    """Write ``f"{x:.7g}"`` (``-99`` for −inf) at ``pos``, given (r, X) = _digits(x) with
    r ≥ 0; the position after it. Writes up to 14 bytes past ``pos``."""
    if r == 0:  # −inf, 0 or −0
        if x == -math.inf:
            out[pos] = _MINUS
            out[pos + 1] = _ZERO + 9
            out[pos + 2] = _ZERO + 9
            return pos + 3
        if math.copysign(1.0, x) < 0.0:
            out[pos] = _MINUS
            pos += 1
        out[pos] = _ZERO
        return pos + 1
    out[pos] = _MINUS
    pos += 1 if x < 0.0 else 0
    if X < -4 or X >= 7:  # d.dddddde±XX
        count = _put7(out, pos, r, 0, 1)
        pos += count + 1 if count > 1 else 1
        E = abs(X)
        out[pos] = 101  # e
        out[pos + 1] = _MINUS if X < 0 else 43  # - or +
        if E >= 100:
            out[pos + 2] = _ZERO + E // 100
            pos += 1
        out[pos + 2] = _ZERO + E // 10 % 10
        out[pos + 3] = _ZERO + E % 10
        return pos + 4
    # Fixed point, one rule for ddd.ddd, dddd000 and 0.000ddd: the digits after
    # max(−X, 0) zeros, the point after the first max(X, 0) + 1 of those characters.
    zeros = max(-X, 0)
    point = max(X, 0) + 1
    out[pos] = _ZERO  # 0.000: what the digits leave of it is the text's
    out[pos + 1] = _DOT
    out[pos + 2] = _ZERO
    out[pos + 3] = _ZERO
    out[pos + 4] = _ZERO
    kept = zeros + _put7(out, pos, r, zeros, point)
    return pos + (kept + 1 if kept > point else point)


def _copy_typing(typingctx: Any, out: Any, at: Any, source: Any, start: Any, size: Any) -> Any:
    """out[at : at + size] = source[start : start + size] as one memcpy, unchecked (a
    constant size compiles to a few moves; the caller keeps both ranges in bounds)."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:  # pragma: no cover
        to = context.make_array(signature.args[0])(context, builder, args[0])
        of = context.make_array(signature.args[2])(context, builder, args[2])
        destination = builder.gep(to.data, [args[1]])
        cgutils.raw_memcpy(builder, destination, builder.gep(of.data, [args[3]]), args[4], 1)
        return context.get_dummy_value()

    return types.void(out, at, source, start, size), codegen


_copy: Any = intrinsic(_copy_typing)  # _copy(out, at, source, start, size), in compiled code

_DONE, _FULL, _BY_PYTHON = 0, 1, 2  # why _lines stopped
_BLOCK = 256  # entries whose digits _lines finds before writing them
_EXACT = float(1 << 52)  # keys below: key · (1/V) is off by less than 1 from key / V


@njit(cache=True, nogil=True, inline="always")
def _split(key: int, V: int, inverse: float) -> tuple[int, int]:  # pragma: no cover
    """divmod(key, V), by a multiplication (1/V = ``inverse``) and one correction."""
    if key >= _EXACT:
        return key // V, key % V
    q = int(key * inverse)
    w = key - q * V
    if w < 0:
        return q - 1, w + V
    if w >= V:
        return q + 1, w - V
    return q, w


@njit(cache=True, nogil=True)
def _lines(
    out: np.ndarray,
    first: int,
    keys: np.ndarray,  # (Σ m_j,) int64: the keys of orders 1 … N, one after another
    key_starts: np.ndarray,  # (N + 1,) int64: order j + 1's keys at key_starts[j] …
    V: int,
    n: int,
    rows: np.ndarray,
    logprob: np.ndarray,
    backoff: np.ndarray,
    with_backoff: bool,
    arena: np.ndarray,
    starts: np.ndarray,
    line_bound: int,
) -> tuple[int, int, int]:  # pragma: no cover
    """Write the lines of the entries at rows[first:] into ``out``: (bytes written, the
    entry it stopped at, why: _DONE, _FULL (its line might not fit: ``line_bound`` bytes),
    _BY_PYTHON (a number of its line is not sure; the line is not written, and fits))."""
    inverse = 1.0 / V
    words = np.zeros(n, dtype=np.int64)  # w_1 … w_n of the current entry
    walked = np.full(n, -1, dtype=np.int64)  # walked[j]: the row at order j + 1 last seen
    digits = np.zeros((_BLOCK, 4), dtype=np.int64)  # (B, 4): r, X of log10 P and bow
    pos = 0
    for block in range(first, len(rows), _BLOCK):
        end = min(block + _BLOCK, len(rows))
        # The digits first, for a block: no entry waits for the last one's (long) latency.
        for i in range(block, end):
            row = rows[i]
            digits[i - block, 0], digits[i - block, 1] = _digits(logprob[row])
            if with_backoff and backoff[row] != 0.0:
                digits[i - block, 2], digits[i - block, 3] = _digits(backoff[row])
        for i in range(block, end):
            if pos + line_bound > len(out):
                return pos, i, _FULL
            entry = row = rows[i]
            for j in range(n - 1, 0, -1):  # w_{j+1} from the key; stop at a prefix seen last
                if row == walked[j]:
                    break
                walked[j] = row
                row, words[j] = _split(keys[key_starts[j] + row], V, inverse)
            else:
                words[0] = row
            r, X = digits[i - block, 0], digits[i - block, 1]
            has_backoff = with_backoff and backoff[entry] != 0.0
            if r < 0 or (has_backoff and digits[i - block, 2] < 0):
                return pos, i, _BY_PYTHON
            pos = _put_number(out, pos, logprob[entry], r, X)
            for j in range(n):
                out[pos] = _TAB if j == 0 else _SPACE
                pos += 1
                w = words[j]
                start, size = starts[w], starts[w + 1] - starts[w]
                _copy(out, pos, arena, start, _WORD)  # most words: two moves, no branch
                if size > _WORD:
                    _copy(out, pos, arena, start, size)
                pos += size
            if has_backoff:
                out[pos] = _TAB
                r, X = digits[i - block, 2], digits[i - block, 3]
                pos = _put_number(out, pos + 1, backoff[entry], r, X)
            out[pos] = _NEWLINE
            pos += 1
    return pos, len(rows), _DONE


def _python_text(x: float) -> str:
    return LOG_ZERO_TEXT if x == -math.inf else f"{x:.7g}"


class ArpaLines:
    """Writes the lines of a model's entries, a buffer at a time.

    ``keys`` are the n-gram keys of orders 1 … N (radix ``V``: key = prefix row · V + w),
    ``words`` the vocabulary's :func:`spellings`. The buffer (``chunk`` bytes, more if one
    line needs it) is reused: each chunk :meth:`lines` yields is valid until the next.
    """

    def __init__(
        self, keys: Sequence[np.ndarray], V: int, words: Spellings, *, chunk: int = 1 << 22
    ) -> None:
        self.keys = tuple(np.ascontiguousarray(k, dtype=np.int64) for k in keys)
        # one flat array, not a tuple: a tuple's length is part of its type, and the kernel
        # would be compiled again for every order
        self._flat = np.concatenate(self.keys) if self.keys else np.zeros(0, np.int64)
        self._key_starts = np.cumsum([0, *map(len, self.keys)]).astype(np.int64)
        self.V = V
        self.arena, self.starts = words
        self._longest = int(np.diff(self.starts).max(initial=0))
        self._out = np.empty(max(chunk, self._line_bound(len(keys))), dtype=np.uint8)

    def _line_bound(self, n: int) -> int:
        """Bytes a line of order n may take in the buffer: numbers, words, slack."""
        return 2 * _NUMBER + n * (self._longest + 1) + 1 + _WORD

    def lines(
        self, n: int, rows: np.ndarray, logprob: np.ndarray, backoff: np.ndarray | None
    ) -> Iterator[memoryview]:
        """The UTF-8 lines ``log10 P<TAB>w_1 … w_n[<TAB>log10 bow]`` of the entries at
        ``rows`` of order n; ``logprob`` and ``backoff`` hold the values of all the
        order's entries (read at ``rows``), and the backoff is written where it is given
        and not 0. Numbers are ``f"{x:.7g}"``, −inf is ``-99``."""
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        logprob = np.ascontiguousarray(logprob, dtype=np.float64)
        with_backoff = backoff is not None
        backoff = np.ascontiguousarray(logprob if backoff is None else backoff, np.float64)
        out, i, pos, bound = self._out, 0, 0, self._line_bound(n)
        while i < len(rows):
            size, i, why = _lines(
                out[pos:], i, self._flat, self._key_starts, self.V, n, rows, logprob, backoff,
                with_backoff, self.arena, self.starts, bound,
            )  # fmt: skip
            pos += size
            if why == _BY_PYTHON:
                row = int(rows[i])
                line = self._python_line(
                    n, row, float(logprob[row]), float(backoff[row]) if with_backoff else None
                )
                out[pos : pos + len(line)] = np.frombuffer(line, dtype=np.uint8)
                pos += len(line)
                i += 1
            elif why == _FULL:
                yield out.data[:pos]
                pos = 0
        if pos:
            yield out.data[:pos]

    def _python_line(self, n: int, row: int, logprob: float, backoff: float | None) -> bytes:
        """The line of one entry, formatted by Python."""
        words = []
        for j in range(n - 1, 0, -1):
            row, w = divmod(int(self.keys[j][row]), self.V)
            words.append(w)
        words.append(row)
        arena, starts = self.arena, self.starts
        text = b" ".join(arena[starts[w] : starts[w + 1]].tobytes() for w in reversed(words))
        line = _python_text(logprob).encode("ascii") + b"\t" + text
        if backoff is not None and backoff != 0.0:
            line += b"\t" + _python_text(backoff).encode("ascii")
        return line + b"\n"


def format_g7(values: np.ndarray) -> list[str]:
    """``f"{x:.7g}"`` of each value (``-99`` for −inf), as :class:`ArpaLines` writes it."""
    values = np.asarray(values, dtype=np.float64).ravel()
    S = len(values)
    empty = np.zeros(_WORD, dtype=np.uint8), np.zeros(S + 1, dtype=np.int64)  # S empty words
    writer = ArpaLines([np.arange(S)], S, empty)
    text = b"".join(bytes(chunk) for chunk in writer.lines(1, np.arange(S), values, None))
    return [line[:-1] for line in text.decode("ascii").split("\n")[:-1]]  # x, tab, no word
