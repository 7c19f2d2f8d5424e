"""The compiled word split reads a file exactly as the line-by-line reader does — the same
sentences, the same words, Python's own whitespace — a block at a time, and hands anything
else (bytes that are not UTF-8, a file without a word) back to that reader."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.data.corpora import Text
from dlclassics.data.wordscan import NotFast, WordScan
from dlclassics.errors import DataError
from dlclassics.ngram import count_ngrams

SPACES = [chr(c) for c in range(0x110000) if chr(c).isspace()]


def scanned(path: Path, block: int = 1 << 16) -> list[list[str]]:
    """The sentences of a scan, as words."""
    scan = WordScan([path])
    blocks = list(scan.blocks(block))
    types = scan.types
    sentences = []
    for ids, lengths in blocks:
        words = [types[i] for i in ids.tolist()]
        cuts = list(itertools.accumulate(lengths.tolist(), initial=0))
        sentences += [words[a:b] for a, b in itertools.pairwise(cuts)]
    return sentences


def test_every_whitespace_code_point_of_str_split_separates_words(tmp_path: Path) -> None:
    path = tmp_path / "spaces.txt"
    line = "a" + "b".join(s for s in SPACES if s != "\n") + "c"
    path.write_text(line + "\n", encoding="utf-8")
    assert scanned(path) == [line.split()]


def test_no_other_code_point_separates_words(tmp_path: Path) -> None:
    """Every non-whitespace code point (surrogates excepted) stays inside its word."""
    others = [
        chr(c) for c in range(1, 0x110000) if not chr(c).isspace() and not 0xD800 <= c <= 0xDFFF
    ]
    path = tmp_path / "others.txt"
    words = ["".join(others[i : i + 997]) for i in range(0, len(others), 997)]
    path.write_text(" ".join(words) + "\n", encoding="utf-8")
    assert scanned(path) == [words]


text = st.text(
    alphabet=st.sampled_from(["a", "b", "é", "中", "文", "\n", "\r", " ", "\t", *SPACES[5:]]),
    max_size=200,
)


@settings(max_examples=150, deadline=None)
@given(body=text, block=st.integers(1, 9), bom=st.booleans())
def test_scanned_sentences_equal_the_line_reader(
    tmp_path_factory: pytest.TempPathFactory, body: str, block: int, bom: bool
) -> None:
    path = tmp_path_factory.mktemp("scan") / "corpus.txt"
    path.write_bytes(("\ufeff" if bom else "").encode() + body.encode("utf-8"))
    if not body.split():
        with pytest.raises(NotFast):
            scanned(path, block)
        return
    assert scanned(path, block) == list(Text(str(path)))


def test_a_second_pass_gives_the_same_ids_and_keeps_the_counts(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    path.write_text("the cat sat\nthe dog\n" * 50, encoding="utf-8")
    scan = WordScan([path])
    first = np.concatenate([ids for ids, _ in scan.blocks(7)])
    counts = scan.counts
    second = np.concatenate([ids for ids, _ in scan.blocks(1000)])
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(scan.counts, counts)
    assert dict(zip(scan.types, counts.tolist(), strict=True)) == {
        "the": 100, "cat": 50, "sat": 50, "dog": 50
    }  # fmt: skip


def test_many_types_grow_the_table(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    words = [f"w{i}" for i in range(100_000)]
    path.write_text(" ".join(words) + "\n" + " ".join(reversed(words)) + "\n", encoding="utf-8")
    scan = WordScan([path])
    ids = np.concatenate([ids for ids, _ in scan.blocks(1 << 20)])
    assert scan.types == words
    np.testing.assert_array_equal(ids, np.r_[np.arange(100_000), np.arange(100_000)[::-1]])


def test_compressed_files_and_directories_are_read_in_order(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("first line\n", encoding="utf-8")
    with gzip.open(tmp_path / "b.txt.gz", "wt", encoding="utf-8") as f:
        f.write("second\nthird one")  # no final newline
    scan = Text(str(tmp_path)).scan()
    assert scan is not None
    blocks = list(scan.blocks(100))
    assert [scan.types[i] for i in blocks[0][0].tolist()] == [
        "first", "line", "second", "third", "one"
    ]  # fmt: skip
    assert blocks[0][1].tolist() == [2, 1, 2]


def test_bytes_that_are_not_utf8_go_back_to_the_line_reader(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\xe9 ok\n".encode("latin-1"))
    with pytest.raises(NotFast):
        list(WordScan([path]).blocks(10))
    with pytest.raises(DataError, match="line 1: not valid utf-8"):
        count_ngrams(Text(str(path)), 2)  # the line reader words the error


def test_a_reserved_word_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    path.write_text("a b\nc </s> d\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"line 2: token '</s>' is reserved"):
        count_ngrams(Text(str(path)), 2)


def test_only_plain_word_reading_is_scanned(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    path.write_text("a b\n", encoding="utf-8")
    assert Text(str(path)).scan() is not None
    assert Text(str(path), encoding="utf8").scan() is not None
    assert Text(str(path), encoding="gbk").scan() is None
    assert Text(str(path), segment="jieba").scan() is None
    assert Text("brown:train").scan() is None


def test_one_long_line_of_new_words_grows_the_table_a_type_at_a_time(tmp_path: Path) -> None:
    """A line bigger than a block and than the table: the block and the table grow (the
    table by doubling, not by the line's length) and the line stays one sentence."""
    path = tmp_path / "one-line.txt"
    words = [f"文{i}、" for i in range(70_000)]  # a CJK word with an E3-led character
    path.write_text(" ".join(words) + "\nlast line\n", encoding="utf-8")
    scan = WordScan([path])
    blocks = list(scan.blocks(1000))
    assert [n for _, lengths in blocks for n in lengths.tolist()] == [70_000, 2]
    assert scan.types == [*words, "last", "line"]
    assert len(scan._counts) <= 2 * (70_000 + 2)  # doubled, not sized by bytes
