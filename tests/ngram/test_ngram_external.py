"""Counting in a memory budget (blocks sorted, spilled to disk, merged) gives the in-memory
counts exactly — so the same ARPA file, byte for byte — whatever the block size; corpora
compressed or spread over a directory read as one text; a budget below one block is one
error line."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.cli import main
from dlclassics.data.corpora import Text
from dlclassics.data.spill import MemoryRun
from dlclassics.errors import ConfigError, DataError
from dlclassics.ngram import count_ngrams, estimate, write_arpa
from dlclassics.ngram.counts import NGramCounts
from dlclassics.ngram.external import (
    MIN_TABLE_ENTRIES,
    _merge_order,
    count_ngrams_external,
    parse_memory,
    table_entries_for,
)
from dlclassics.ngram.trie import NGramIndex

WORDS = ["a", "b", "c", "d", "e", "<unk>"]
corpora = st.lists(st.lists(st.sampled_from(WORDS), max_size=8), min_size=1, max_size=12)


def assert_same_counts(a: NGramCounts, b: NGramCounts) -> None:
    assert a.vocab.itos == b.vocab.itos
    assert (a.sentences, a.tokens, a.order) == (b.sentences, b.tokens, b.order)
    for n in range(1, a.order + 1):
        np.testing.assert_array_equal(a.index.keys[n - 1], b.index.keys[n - 1])
        np.testing.assert_array_equal(a.counts[n - 1], b.counts[n - 1])
        if n > 1:
            np.testing.assert_array_equal(a.index.suffix(n), b.index.suffix(n))


@settings(max_examples=40, deadline=None)
@given(
    corpus=corpora,
    order=st.integers(1, 5),
    block=st.integers(1, 12),
    min_count=st.integers(1, 3),
    max_size=st.one_of(st.none(), st.integers(4, 8)),
)
def test_spilled_blocks_merge_to_the_in_memory_counts(
    corpus: list[list[str]], order: int, block: int, min_count: int, max_size: int | None
) -> None:
    whole = count_ngrams(corpus, order, min_count=min_count, max_size=max_size)
    spilled = count_ngrams_external(
        corpus, order, entries=block, min_count=min_count, max_size=max_size
    )
    assert_same_counts(whole, spilled)


def test_the_merge_reads_small_slices_of_many_runs() -> None:
    """Slices of 2 rows over 3 runs with overlapping keys: sums equal one big sort."""
    index = NGramIndex(3, (np.arange(3, dtype=np.int64),))
    rng = np.random.default_rng(0)
    runs, everything = [], []
    for _ in range(3):
        rows = np.unique(rng.integers(0, 3, size=(9, 2)), axis=0)  # lexicographic order
        counts = rng.integers(1, 5, size=len(rows))
        runs.append(MemoryRun(rows.astype(np.int32), counts))
        everything += [(tuple(r), c) for r, c in zip(rows.tolist(), counts.tolist(), strict=True)]
    keys, summed = _merge_order(index, runs, merge_rows=2)
    expected: dict[int, int] = {}
    for (w1, w2), c in everything:
        expected[w1 * 3 + w2] = expected.get(w1 * 3 + w2, 0) + c
    assert keys.tolist() == sorted(expected)
    assert summed.tolist() == [expected[k] for k in sorted(expected)]


def test_the_arpa_file_is_byte_identical_with_forced_spills(tmp_path: Path) -> None:
    text = tmp_path / "train.txt"
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(40)]
    lines = [" ".join(rng.choice(words, size=rng.integers(1, 15))) for _ in range(400)]
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ours, spilled = tmp_path / "memory.arpa", tmp_path / "spilled.arpa"
    write_arpa(estimate(count_ngrams(Text(str(text)), 4, min_count=2), "mkn"), ours)
    counts = count_ngrams_external(Text(str(text)), 4, entries=97, min_count=2, tmp_dir=tmp_path)
    write_arpa(estimate(counts, "mkn"), spilled)
    assert ours.read_bytes() == spilled.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("dlc-ngram-")]  # cleaned


def test_dlc_ngram_build_with_a_memory_budget_writes_the_same_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "train.txt"
    text.write_text("the cat sat\nthe dog sat on the mat\na cat ran\n" * 5, encoding="utf-8")
    a, b = tmp_path / "a.arpa", tmp_path / "b.arpa"
    assert main(["ngram", "build", "--order", "3", "--text", str(text), "--arpa", str(a)]) == 0
    argv = ["ngram", "build", "--order", "3", "--text", str(text), "--arpa", str(b)]
    assert main([*argv, "--memory", "4M", "--tmp-dir", str(tmp_path)]) == 0
    assert a.read_bytes() == b.read_bytes()


def test_a_budget_below_one_block_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "train.txt"
    text.write_text("a b c\n", encoding="utf-8")
    argv = ["ngram", "build", "--text", str(text), "--arpa", str(tmp_path / "x.arpa")]
    assert main([*argv, "--memory", "100K"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot hold one block" in err, err
    with pytest.raises(ConfigError, match="not a size"):
        parse_memory("lots")


def test_memory_sizes_parse_in_binary_units() -> None:
    assert parse_memory("500M") == 500 * 2**20
    assert parse_memory("1G") == parse_memory("1GiB") == 2**30
    assert parse_memory("1.5k") == 1536
    assert parse_memory("65536") == 65536
    assert table_entries_for(2**30, 3) > table_entries_for(2**29, 3) >= MIN_TABLE_ENTRIES


def test_a_reserved_token_names_its_sentence_in_the_vocabulary_pass() -> None:
    corpus = [["a"]] * 30 + [["b", "</s>"]]
    with pytest.raises(DataError, match="sentence 31: token '</s>' is reserved"):
        count_ngrams_external(corpus, 2, entries=4)


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_compressed_files_read_as_their_text(tmp_path: Path, suffix: str) -> None:
    plain = "the cat sat\n\nthe dog ran\n"
    path = tmp_path / f"corpus.txt{suffix}"
    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}[suffix]
    with opener(path, "wt", encoding="utf-8") as f:
        f.write(plain)
    assert list(Text(str(path))) == [["the", "cat", "sat"], ["the", "dog", "ran"]]


def test_a_directory_reads_its_files_in_sorted_order(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "b.txt").write_text("second\n", encoding="utf-8")
    (corpus / "a.txt").write_text("first\n", encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")  # one empty file is fine
    (corpus / ".hidden").write_text("never\n", encoding="utf-8")
    with gzip.open(corpus / "sub" / "c.txt.gz", "wt", encoding="utf-8") as f:
        f.write("third one\n")
    assert list(Text(str(corpus))) == [["first"], ["second"], ["third", "one"]]
    whole = count_ngrams(Text(str(corpus)), 2)
    assert_same_counts(whole, count_ngrams_external(Text(str(corpus)), 2, entries=2))


def test_a_damaged_archive_or_an_empty_directory_is_one_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt.gz"
    bad.write_bytes(b"not gzip at all\n")
    with pytest.raises(DataError, match="cannot decompress"):
        list(Text(str(bad)))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="directory without files"):
        list(Text(str(tmp_path / "empty")))
