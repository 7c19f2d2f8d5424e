"""Counting in hash tables gives the sorted counting's result: the same tables, keys,
counts and suffix links; full tables stop at a sentence and resume there."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.ngram.test_ngram_external import assert_same_counts

from dlclassics.data.vocab import Vocab
from dlclassics.ngram import count_ngrams
from dlclassics.ngram.external import count_block
from dlclassics.ngram.hashcount import HashCounter
from dlclassics.ngram.trie import encode

WORDS = ["a", "b", "c", "d", "e", "<unk>"]
corpora = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=9), min_size=1)


@settings(max_examples=60, deadline=None)
@given(corpus=corpora, order=st.integers(1, 6))
def test_the_tables_hold_the_counts_and_suffix_links_of_count_ngrams(
    corpus: list[list[str]], order: int
) -> None:
    whole = count_ngrams(corpus, order)
    counter = HashCounter(len(whole.vocab), order, entries=1 << 10)
    for chunk in encode(corpus, whole.vocab, chunk_tokens=5):
        assert counter.add(chunk)  # room for everything: never full
    assert_same_counts(whole, counter.ngram_counts(whole.vocab))


@settings(max_examples=40, deadline=None)
@given(corpus=corpora, order=st.integers(2, 5), entries=st.integers(1, 20))
def test_full_tables_spill_sorted_rows_that_sum_to_the_counts(
    corpus: list[list[str]], order: int, entries: int
) -> None:
    vocab = Vocab.build(corpus)
    chunks = list(encode(corpus, vocab))
    expected = count_block(chunks, vocab, order)  # the sorted counting's rows
    counter = HashCounter(len(vocab), order, entries)
    blocks = []
    for chunk in chunks:
        done = counter.add(chunk)
        while not done:
            blocks.append(counter.tables())
            assert blocks[-1].sentences > 0  # a full table stops after whole sentences
            done = counter.resume()
    blocks.append(counter.tables())
    assert sum(b.sentences for b in blocks) == expected.sentences
    np.testing.assert_array_equal(sum(b.unigrams for b in blocks), expected.unigrams)
    for n in range(2, order + 1):
        summed: dict[tuple[int, ...], int] = {}
        for b in blocks:
            rows = b.words[n - 2].tolist()
            assert rows == sorted(rows) and len(set(map(tuple, rows))) == len(rows)
            for row, c in zip(rows, b.counts[n - 2].tolist(), strict=True):
                summed[tuple(row)] = summed.get(tuple(row), 0) + c
        assert sorted(summed) == [tuple(r) for r in expected.words[n - 2].tolist()]
        assert [summed[k] for k in sorted(summed)] == expected.counts[n - 2].tolist()


def test_a_sentence_longer_than_the_tables_grows_them() -> None:
    corpus = [["a", "b", "c", "d", "e"] * 6]
    whole = count_ngrams(corpus, 3)
    counter = HashCounter(len(whole.vocab), 3, entries=2)
    (chunk,) = encode(corpus, whole.vocab)
    assert counter.add(chunk)
    assert_same_counts(whole, counter.ngram_counts(whole.vocab))
