"""Scoring through hash tables (kenlm's probing) gives the NumPy backoff's log-probabilities
bit for bit, on counted models and on an ARPA file from kenlm's lmplz; raw lines score as
their split tokens do; a reserved token in a line is one error naming the line."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.errors import DataError
from dlclassics.ngram import count_ngrams, estimate, read_arpa
from dlclassics.ngram.probing import build_tables
from dlclassics.ngram.trie import encode

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WORDS = ["a", "b", "c", "d", "<unk>"]
corpora = st.lists(st.lists(st.sampled_from(WORDS), max_size=8), min_size=1, max_size=12)
queries = st.lists(st.lists(st.sampled_from([*WORDS, "zebra"]), max_size=9), min_size=1)


@settings(max_examples=40, deadline=None)
@given(
    train=corpora,
    test=queries,
    order=st.integers(1, 5),
    smoothing=st.sampled_from(["mkn", "kn", "katz", "addk", "mle", "absolute"]),
)
def test_hash_table_scoring_equals_the_vectorised_backoff_bit_for_bit(
    train: list[list[str]], test: list[list[str]], order: int, smoothing: str
) -> None:
    lm = estimate(count_ngrams(train, order), smoothing)
    for chunk in encode(test, lm.vocab, chunk_tokens=7):
        np.testing.assert_array_equal(lm.log10_probs(chunk), lm.log10_probs_vectorised(chunk))


def test_an_lmplz_arpa_file_scores_the_same_both_ways() -> None:
    lm = read_arpa(FIXTURES / "lm" / "brown300.lmplz4.arpa.gz")
    with gzip.open(FIXTURES / "lm" / "brown300.txt.gz", "rt", encoding="utf-8") as f:
        sentences = [line.split() for line in f][:120]
    for chunk in encode(sentences, lm.vocab):
        np.testing.assert_array_equal(lm.log10_probs(chunk), lm.log10_probs_vectorised(chunk))


def test_every_key_is_found_in_its_hash_table() -> None:
    counts = count_ngrams([["a", "b", "c", "a", "b"], ["c", "c"]], 3)
    tables = build_tables(counts.index.keys, counts.counts, counts.counts)
    for n in range(2, 4):
        slots = tables.slots[tables.starts[n - 2] : tables.starts[n - 1]]
        held = slots[slots[:, 1] >= 0]
        assert sorted(held[:, 1].tolist()) == list(range(counts.index.size(n)))
        np.testing.assert_array_equal(counts.index.keys[n - 1][held[:, 1]], held[:, 0])


@settings(max_examples=30, deadline=None)
@given(train=corpora, test=queries, order=st.integers(1, 4), block=st.integers(1, 5))
def test_raw_lines_score_as_their_split_tokens(
    train: list[list[str]], test: list[list[str]], order: int, block: int
) -> None:
    lm = estimate(count_ngrams(train, order), "kn")
    lines = ["  ".join(s) + ("\t" if len(s) % 2 else "") for s in test]
    split = lm.score(line.split() for line in lines)
    assert lm.score_lines(lines) == split  # one block: the same sum, bit for bit
    blocks = lm.score_lines(lines, lines_per_block=block)  # sums per block: rounding differs
    assert (blocks.tokens, blocks.sentences, blocks.oov) == (
        split.tokens,
        split.sentences,
        split.oov,
    )
    assert blocks.log10_prob == pytest.approx(split.log10_prob, rel=1e-12)


def test_utf8_words_and_unknown_words_are_looked_up_from_bytes() -> None:
    lm = estimate(count_ngrams([["深度", "学习"], ["café", "学习"]], 2), "kn")
    lines = ["深度 学习", "café zebra 学习", ""]
    assert lm.score_lines(lines) == lm.score([line.split() for line in lines])
    assert lm.score_lines(lines).oov == 1


def test_a_reserved_token_in_a_line_names_the_line() -> None:
    lm = estimate(count_ngrams([["a", "b"]], 2), "kn")
    with pytest.raises(DataError, match=r"line 3: token '</s>' is reserved"):
        lm.score_lines(["a b", "b", "a </s> b"], lines_per_block=2)
