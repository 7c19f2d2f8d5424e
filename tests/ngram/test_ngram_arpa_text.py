"""The compiled ARPA writer: numbers equal Python's ``f"{x:.7g}"``, files equal the Python
writer it replaced, byte for byte.

The oracles are Python's own float formatting and, for whole files, the line-by-line Python
writer that :func:`~dlclassics.ngram.arpa.write_arpa` used before (kept below as
``reference_arpa``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from dlclassics.errors import DataError
from dlclassics.ngram import count_ngrams, estimate
from dlclassics.ngram.arpa import read_arpa, write_arpa
from dlclassics.ngram.arpa_text import ArpaLines, format_g7, spellings
from dlclassics.ngram.backoff import BackoffLM
from dlclassics.ngram.trie import arpa_word


def python_g7(x: float) -> str:
    return "-99" if x == -math.inf else f"{x:.7g}"


def reference_arpa(model: BackoffLM) -> bytes:
    """The ARPA text of ``model`` as the Python writer made it (the oracle)."""
    vocab, index, N = model.vocab, model.index, model.order
    listed = [np.flatnonzero(model.listed(n)) for n in range(1, N + 1)]
    out = ["\\data\\\n", *(f"ngram {n}={len(listed[n - 1])}\n" for n in range(1, N + 1))]
    words = [arpa_word(vocab, i) for i in range(len(vocab))]
    text = words  # text[i]: the n-gram with index i at order n
    for n in range(1, N + 1):
        out.append(f"\n\\{n}-grams:\n")
        if n > 1:
            prefix, last = index.prefix(n).tolist(), index.last(n).tolist()
            text = [f"{text[p]} {words[w]}" for p, w in zip(prefix, last, strict=True)]
        for i in listed[n - 1].tolist():
            p, b = float(model.logprob[n - 1][i]), float(model.backoff[n - 1][i])
            tail = f"\t{python_g7(b)}" if b != 0.0 and n < N else ""
            out.append(f"{python_g7(p)}\t{text[i]}{tail}\n")
    out.append("\n\\end\\\n")
    return "".join(out).encode("utf-8")


def assert_formats_like_python(values: np.ndarray) -> None:
    ours = format_g7(values)
    expected = [python_g7(x) for x in values.tolist()]
    wrong = [(x, a, b) for x, a, b in zip(values.tolist(), ours, expected, strict=True) if a != b]
    assert not wrong, f"{len(wrong)} differ, e.g. (x, ours, Python's): {wrong[:5]}"


def test_g7_matches_python_on_random_doubles_of_every_exponent() -> None:
    rng = np.random.default_rng(0)
    size = 100_000
    magnitudes = 10.0 ** rng.uniform(-300, 300, size)
    assert_formats_like_python(np.where(rng.random(size) < 0.5, -magnitudes, magnitudes))
    assert_formats_like_python(rng.uniform(-99, 0, size))  # log10 probabilities
    assert_formats_like_python(-(10.0 ** rng.uniform(-8, 2, size)))
    bits = rng.integers(0, 2**63 - 1, size, dtype=np.int64)  # any double, NaN and inf too
    bits[: size // 2] |= np.int64(-(2**63))  # half of them negative
    assert_formats_like_python(bits.view(np.float64))


def test_g7_matches_python_on_ties_near_ties_and_dyadic_values() -> None:
    rng = np.random.default_rng(1)
    size = 100_000
    # Decimal ties (x.xxxxxx5 are near ties in binary) and dyadic rationals (exact ties).
    assert_formats_like_python(np.round(rng.uniform(-99, 0, size), 7))
    assert_formats_like_python(np.round(rng.uniform(-99, 0, size), 8))
    numerators = np.round(rng.uniform(-(2**30), 0, size))
    assert_formats_like_python(numerators / 2.0 ** rng.integers(1, 40, size))


def test_g7_matches_python_on_edge_cases() -> None:
    powers = 10.0 ** np.arange(-320, 309, dtype=np.float64)
    with np.errstate(over="ignore"):  # 9.99 · 10^308 is inf: fine, inf is a case too
        neighbours = [
            np.nextafter(powers, 0.0),
            np.nextafter(powers, np.inf),
            powers,
            powers * 9.9999995,
            powers * 9.999999,
            powers * 9.9999994999,
            powers * 1.0000005,
            powers * 1.0000015,
        ]
    values = np.concatenate([*neighbours, *(-v for v in neighbours)])
    special = [
        0.0, -0.0, math.inf, -math.inf, math.nan, 0.33203125, -0.33203125, 1234567.5,
        1234568.5, 0.5, 2.5, 9.9999995, 99.999995, 1e-5, 9.9999995e-5, 0.0001, 0.00010000005,
        1e7, 9999999.5, 9999999.4, 1e6, 123456.75, 5e-324, -5e-324, 2.2250738585072014e-308,
        2.225073858507201e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1e-300,
        1e22, 1e23, 1e-22, 1e-23, 8.5e-5, -99.0, -98.99999999, -1e-9, -0.30103, 100.0,
    ]  # fmt: skip
    assert_formats_like_python(np.concatenate([values, np.array(special)]))


def test_g7_formats_nothing_for_no_values() -> None:
    assert format_g7(np.array([])) == []


def with_values(model: BackoffLM, rng: np.random.Generator) -> BackoffLM:
    """``model`` with some log-probs and backoffs replaced: exact ties (left to Python),
    0, −0 and −inf, so that every path of the writer shows in the file."""
    logprob, backoff = [], []
    for lp, bow in zip(model.logprob, model.backoff, strict=True):
        lp, bow = lp.copy(), bow.copy()
        picks = rng.integers(0, len(lp), size=min(len(lp), 6))
        lp[picks[:2]] = -0.33203125  # an exact tie
        bow[picks[2:3]] = 0.0
        bow[picks[3:4]] = -0.0
        bow[picks[4:5]] = -1234567.5  # a tie that %g writes in fixed point
        lp[picks[5:6]] = -math.inf
        logprob.append(lp)
        backoff.append(bow)
    return BackoffLM(model.vocab, model.index, tuple(logprob), tuple(backoff))


CORPUS = [
    ["the", "cat", "sat", "on", "the", "mat"],
    ["the", "dog", "sat", "on", "a", "log"],
    ["我们", "喜欢", "自然", "语言", "处理"],
    ["我们", "喜欢", "the", "cat"],
    ["a", "supercalifragilisticexpialidocious", "word", "longer", "than", "sixteen", "bytes"],
    ["rare", "once"],
] * 3 + [["only", "once", "the", "end"]]


@pytest.mark.parametrize("order", [1, 2, 3, 5])
@pytest.mark.parametrize("smoothing", ["kn", "katz"])
def test_write_arpa_is_byte_identical_to_the_python_writer(
    order: int, smoothing: str, tmp_path: Path
) -> None:
    model = estimate(count_ngrams(CORPUS, order, min_count=2), smoothing)  # <unk> listed
    assert "<unk>" in reference_arpa(model).decode()
    for k, lm in enumerate([model, with_values(model, np.random.default_rng(order))]):
        write_arpa(lm, tmp_path / f"{k}.arpa")
        assert (tmp_path / f"{k}.arpa").read_bytes() == reference_arpa(lm)
    assert read_arpa(tmp_path / "0.arpa").order == order


def test_lines_are_the_same_whatever_the_buffer_size() -> None:
    model = with_values(estimate(count_ngrams(CORPUS, 3), "kn"), np.random.default_rng(0))
    vocab, index = model.vocab, model.index
    words = spellings([arpa_word(vocab, i) for i in range(len(vocab))])
    whole = ArpaLines(index.keys, index.vocab_size, words)
    tiny = ArpaLines(index.keys, index.vocab_size, words, chunk=1)  # about a line a chunk
    for n in (1, 2, 3):
        rows = np.flatnonzero(model.listed(n))
        args = (n, rows, model.logprob[n - 1], model.backoff[n - 1] if n < 3 else None)
        chunks = [bytes(c) for c in tiny.lines(*args)]
        assert len(chunks) > len(rows) // 4
        assert b"".join(chunks) == b"".join(bytes(c) for c in whole.lines(*args))


@pytest.mark.parametrize("word", ["a\u3000b", "a\u00a0b", "tab\there"])
def test_a_word_with_whitespace_cannot_be_written_and_is_named(tmp_path: Path, word: str) -> None:
    model = estimate(count_ngrams([["x", word], ["x"]], 2), "mkn")
    with pytest.raises(DataError, match=re.escape(f"vocabulary word {word!r} is empty")):
        write_arpa(model, tmp_path / "bad.arpa")
    assert not (tmp_path / "bad.arpa").exists()
