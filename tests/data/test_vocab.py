"""Vocab: fixed specials, deterministic order, min_count / max_size, round trips."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlclassics.data import Vocab
from dlclassics.data.vocab import SPECIALS
from dlclassics.errors import ConfigError, DataError

tokens = st.text(
    st.characters(codec="utf-8"), min_size=1, max_size=6
)  # decoded text: no surrogates
corpora = st.lists(st.lists(tokens, max_size=12), max_size=12)


def test_specials_have_fixed_ids_and_tokens_follow_by_count_then_token():
    v = Vocab.build([["b", "a", "c", "b"], ["c", "b", "d"]])
    assert v.itos[:4] == ["<unk>", "<pad>", "<bos>", "<eos>"]
    assert (v.unk_id, v.pad_id, v.bos_id, v.eos_id) == (0, 1, 2, 3)
    assert v.itos[4:] == ["b", "c", "a", "d"]  # b:3, c:2, then a and d (count 1) by token
    assert v.counts["b"] == 3 and v.counts["<pad>"] == 0


def test_min_count_and_max_size_send_the_rest_to_unk():
    corpus = [["a"] * 5 + ["b"] * 4 + ["c"] * 3 + ["d"]]
    v = Vocab.build(corpus, min_count=2, max_size=6)  # 4 specials + 2 tokens
    assert v.itos[4:] == ["a", "b"]
    assert len(v) == 6
    assert v.counts["<unk>"] == 4  # 3 × c dropped by max_size + 1 × d by min_count
    assert v.encode(["a", "c", "d"]) == [4, 0, 0]


def test_encode_frames_with_bos_eos_and_decode_can_skip_specials():
    v = Vocab.build([["x", "y"]])
    ids = v.encode(["y", "zzz"], bos=True, eos=True)
    assert ids == [2, v["y"], 0, 3]
    assert v.decode(ids) == ["<bos>", "y", "<unk>", "<eos>"]
    assert v.decode([*ids, 1], skip_specials=True) == ["y", "<unk>"]
    with pytest.raises(ValueError, match="out of range"):
        v.decode([len(v)])


def test_corpus_tokens_spelled_like_specials_count_toward_them():
    v = Vocab.build([["<unk>", "a", "<eos>", "<unk>"]])
    assert len(v) == 5 and v.counts["<unk>"] == 2 and v.counts["<eos>"] == 1


def test_bad_sizes_are_config_errors():
    with pytest.raises(ConfigError, match="min_count"):
        Vocab.build([], min_count=0)
    with pytest.raises(ConfigError, match="max_size"):
        Vocab.build([], max_size=3)


@given(corpora)
def test_encode_decode_round_trips_in_vocab_tokens(corpus):
    v = Vocab.build(corpus)
    for seq in corpus:
        assert all(t in v for t in seq)
        assert v.decode(v.encode(seq)) == seq


@given(corpora, st.lists(tokens, max_size=10))
def test_unknown_tokens_encode_to_unk(corpus, queries):
    v = Vocab.build(corpus)
    for q, i in zip(queries, v.encode(queries), strict=True):
        assert i == (v.stoi[q] if q in v else 0)
        assert (q in v) == (q in SPECIALS or any(q in seq for seq in corpus))


@given(corpora, st.integers(0, 2**32 - 1))
def test_order_of_the_corpus_does_not_change_the_vocab(corpus, seed):
    shuffled = [list(seq) for seq in corpus]
    random.Random(seed).shuffle(shuffled)
    for seq in shuffled:
        random.Random(seed).shuffle(seq)
    assert Vocab.build(shuffled) == Vocab.build(corpus)


@given(corpora, st.integers(1, 3), st.one_of(st.none(), st.integers(4, 20)))
def test_save_load_round_trip(tmp_path_factory, corpus, min_count, max_size):
    v = Vocab.build(corpus, min_count=min_count, max_size=max_size)
    path = tmp_path_factory.mktemp("vocab") / "vocab.json"
    v.save(path)
    w = Vocab.load(path)
    assert w == v and w.itos == v.itos and w.counts == v.counts
    assert max_size is None or len(w) <= max_size


def test_build_consumes_a_generator_once():
    def stream():
        yield ["a", "b"]
        yield ["a"]

    assert Vocab.build(stream()).counts["a"] == 2


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"format": "other"}),
        json.dumps(
            {
                "format": "dlclassics.vocab/1",
                "specials": list(SPECIALS),
                "tokens": ["a"],
                "counts": [0, 0, 0, 0],
            }  # one count short
        ),
        json.dumps(
            {
                "format": "dlclassics.vocab/1",
                "specials": list(SPECIALS),
                "tokens": ["a", "a"],
                "counts": [0] * 6,
            }  # duplicate token
        ),
    ],
)
def test_loading_something_else_is_a_data_error(tmp_path, content):
    path = tmp_path / "v.json"
    path.write_text(content)
    with pytest.raises(DataError, match="not a dlclassics vocabulary"):
        Vocab.load(path)


def test_loading_a_missing_file_names_it(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        Vocab.load(tmp_path / "nope.json")
