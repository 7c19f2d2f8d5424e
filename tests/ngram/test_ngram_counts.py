"""n-gram counting equals a naive tuple Counter, in any order, chunked or not; the radix
grouping equals ``np.unique``; suffix links kept from counting equal those found by search."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError, DataError
from dlclassics.ngram.counts import count_ngrams
from dlclassics.ngram.trie import NGramIndex, encode, encode_with_new_vocab, group

WORDS = ["a", "b", "c", "d", "e", "<unk>"]
corpora = st.lists(st.lists(st.sampled_from(WORDS), max_size=8), min_size=1, max_size=12)


def naive_counts(sentences: list[list[str]], order: int, vocab: Vocab) -> Counter[tuple[str, ...]]:
    """Every n-gram of <s> w_1 … w_m </s>, OOV words as <unk>, as tuples (the oracle)."""
    out: Counter[tuple[str, ...]] = Counter()
    for sentence in sentences:
        framed = ["<s>", *(w if w in vocab.stoi else "<unk>" for w in sentence), "</s>"]
        for n in range(1, order + 1):
            for i in range(len(framed) - n + 1):
                out[tuple(framed[i : i + n])] += 1
    return out


@settings(max_examples=30, deadline=None)
@given(corpus=corpora, order=st.integers(1, 5), min_count=st.integers(1, 3))
def test_counts_equal_a_naive_counter(corpus: list[list[str]], order: int, min_count: int) -> None:
    counts = count_ngrams(corpus, order, min_count=min_count)
    ours = Counter({g: c for n in range(1, order + 1) for g, c in counts.items(n)})
    assert ours == naive_counts(corpus, order, counts.vocab)
    assert counts.sentences == len(corpus)
    assert counts.tokens == sum(len(s) + 1 for s in corpus)  # words + </s>, not <s>


@settings(max_examples=30, deadline=None)
@given(corpus=corpora, order=st.integers(2, 4), chunk=st.integers(1, 9))
def test_small_chunks_merge_to_the_same_counts(
    corpus: list[list[str]], order: int, chunk: int
) -> None:
    whole = count_ngrams(corpus, order)
    chunked = count_ngrams(corpus, order, chunk_tokens=chunk)
    for n in range(1, order + 1):
        np.testing.assert_array_equal(whole.index.keys[n - 1], chunked.index.keys[n - 1])
        np.testing.assert_array_equal(whole.counts[n - 1], chunked.counts[n - 1])


@settings(max_examples=30, deadline=None)
@given(corpus=corpora, order=st.integers(2, 4), chunk=st.integers(1, 9))
def test_suffix_links_from_counting_equal_those_found_by_search(
    corpus: list[list[str]], order: int, chunk: int
) -> None:
    counts = count_ngrams(corpus, order, chunk_tokens=chunk)
    searched = NGramIndex(counts.index.vocab_size, counts.index.keys)  # no links: searches
    for n in range(2, order + 1):
        np.testing.assert_array_equal(counts.index.suffix(n), searched.suffix(n))


def test_brown300_in_chunks_gives_the_same_counts_and_links() -> None:
    """Large enough for the radix sort (the random corpora above use the small-input path)."""
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "lm" / "brown300.txt.gz"
    with gzip.open(fixture, "rt", encoding="utf-8") as f:
        sentences = [line.split() for line in f]
    whole = count_ngrams(sentences, 4)
    chunked = count_ngrams(sentences, 4, chunk_tokens=1500)
    searched = NGramIndex(whole.index.vocab_size, whole.index.keys)
    for n in range(1, 5):
        np.testing.assert_array_equal(whole.index.keys[n - 1], chunked.index.keys[n - 1])
        np.testing.assert_array_equal(whole.counts[n - 1], chunked.counts[n - 1])
        if n > 1:
            np.testing.assert_array_equal(whole.index.suffix(n), searched.suffix(n))
            np.testing.assert_array_equal(chunked.index.suffix(n), searched.suffix(n))
    assert whole.tokens == sum(len(s) + 1 for s in sentences)


@pytest.mark.parametrize("bound", [1, 7, 2**16, 2**31 - 1, 2**34, 2**62])
@pytest.mark.parametrize("size", [0, 100, 50_000])
def test_group_equals_np_unique(bound: int, size: int) -> None:
    keys = np.random.default_rng(size).integers(0, bound, size, dtype=np.int64)
    keys[: size // 2] = keys[size // 2 : 2 * (size // 2)]  # repeats in every case
    grams = group(keys, bound)
    uniq, first, inverse, counts = np.unique(
        keys, return_index=True, return_inverse=True, return_counts=True
    )
    for ours, theirs in zip(grams, (uniq, counts, inverse, first), strict=True):
        np.testing.assert_array_equal(ours, theirs)


@settings(max_examples=30, deadline=None)
@given(
    corpus=corpora,
    min_count=st.integers(1, 3),
    max_size=st.one_of(st.none(), st.integers(4, 9)),
)
def test_one_pass_vocabulary_equals_vocab_build(
    corpus: list[list[str]], min_count: int, max_size: int | None
) -> None:
    vocab, chunks = encode_with_new_vocab(corpus, min_count=min_count, max_size=max_size)
    assert vocab == Vocab.build(corpus, min_count=min_count, max_size=max_size)
    again = list(encode(corpus, vocab))
    np.testing.assert_array_equal(
        np.concatenate([c.ids for c in chunks]), np.concatenate([c.ids for c in again])
    )


def test_framing_positions_and_a_given_vocabulary() -> None:
    vocab = Vocab(["a"])
    (chunk,) = encode([["a", "zebra"], []], vocab)
    assert chunk.ids.tolist() == [2, 4, 0, 3, 2, 3]  # <s> a <unk> </s> <s> </s>
    assert chunk.pos.tolist() == [0, 1, 2, 3, 0, 1]
    counts = count_ngrams([["a", "zebra"]], 2, vocab)
    assert counts.count(["a", "<unk>"]) == 1 and counts.count(["zebra"]) == 1


def test_order_below_one_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="order=0"):
        count_ngrams([["a"]], 0)


def test_empty_corpus_is_a_data_error() -> None:
    with pytest.raises(DataError, match="no sentences"):
        count_ngrams([], 3)


@pytest.mark.parametrize("token", ["<s>", "</s>", "<pad>", "<bos>"])
def test_reserved_tokens_in_the_text_are_rejected(token: str) -> None:
    with pytest.raises(DataError, match=f"sentence 2: token '{token}' is reserved"):
        count_ngrams([["a"], ["b", token]], 2)
