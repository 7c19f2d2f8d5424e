"""word2vec text/binary files go both ways with gensim 4.4; the native format round-trips;
broken files are one clear DataError naming where they break."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKeyedVectors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlclassics.embeddings.formats import (
    load_native,
    load_vectors,
    load_word2vec_format,
    save_native,
    save_word2vec_format,
)
from dlclassics.embeddings.keyed import KeyedVectors
from dlclassics.errors import DataError

WORDS = ["the", "国王", "王后", "Ünïcödé", "a\u3000b", "中华人民共和国", "x"]


def sample(seed: int = 0, dim: int = 5) -> KeyedVectors:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((len(WORDS), dim)).astype(np.float32)
    return KeyedVectors(WORDS, vectors, counts=np.arange(len(WORDS), 0, -1) * 10)


@pytest.mark.parametrize("binary", [True, False])
def test_files_we_write_load_in_gensim_exactly(tmp_path: Path, binary: bool) -> None:
    kv = sample()
    save_word2vec_format(kv, tmp_path / "v", binary=binary)
    theirs = GensimKeyedVectors.load_word2vec_format(tmp_path / "v", binary=binary)
    assert theirs.index_to_key == WORDS
    np.testing.assert_array_equal(theirs.vectors, kv.vectors)  # %.9g round-trips float32


@pytest.mark.parametrize("binary", [True, False])
def test_files_gensim_writes_load_here_exactly(tmp_path: Path, binary: bool) -> None:
    kv = sample(1)
    theirs = GensimKeyedVectors(kv.dim)
    theirs.add_vectors(kv.words, kv.vectors)
    theirs.save_word2vec_format(str(tmp_path / "g"), binary=binary)  # binary: no newlines
    ours = load_word2vec_format(tmp_path / "g")  # text or binary sniffed
    assert ours.words == WORDS
    np.testing.assert_array_equal(ours.vectors, kv.vectors)
    assert load_word2vec_format(tmp_path / "g", binary=binary).words == WORDS


def test_binary_layout_is_the_c_tools(tmp_path: Path) -> None:
    kv = KeyedVectors(["国王", "b"], np.array([[1.5, -2.0], [0.0, 0.25]], np.float32))
    save_word2vec_format(kv, tmp_path / "v.bin")
    f32 = np.dtype("<f4")
    expected = (
        b"2 2\n"
        + "国王".encode() + b" " + np.array([1.5, -2.0], f32).tobytes() + b"\n"
        + b"b " + np.array([0.0, 0.25], f32).tobytes() + b"\n"
    )  # fmt: skip
    assert (tmp_path / "v.bin").read_bytes() == expected
    save_word2vec_format(kv, tmp_path / "v.txt", binary=False)
    assert (tmp_path / "v.txt").read_text("utf-8") == "2 2\n国王 1.5 -2\nb 0 0.25\n"


def test_sniffing_is_not_fooled_by_a_newline_byte_in_a_vector(tmp_path: Path) -> None:
    value = np.frombuffer(b"\n000", dtype="<f4")[0]  # a float32 whose first byte is \n
    kv = KeyedVectors(["w", "v"], np.array([[value], [1.0]], np.float32))
    save_word2vec_format(kv, tmp_path / "v.bin")
    np.testing.assert_array_equal(load_word2vec_format(tmp_path / "v.bin").vectors, kv.vectors)


def test_limit_reads_the_first_words_like_gensim(tmp_path: Path) -> None:
    save_word2vec_format(sample(), tmp_path / "v.bin")
    for binary in (True, False):
        save_word2vec_format(sample(), tmp_path / "v", binary=binary)
        ours = load_word2vec_format(tmp_path / "v", limit=3)
        theirs = GensimKeyedVectors.load_word2vec_format(tmp_path / "v", binary=binary, limit=3)
        assert ours.words == theirs.index_to_key == WORDS[:3]


def test_gzipped_files_are_read(tmp_path: Path) -> None:
    save_word2vec_format(sample(), tmp_path / "v.bin")
    (tmp_path / "v.bin.gz").write_bytes(gzip.compress((tmp_path / "v.bin").read_bytes()))
    assert load_word2vec_format(tmp_path / "v.bin.gz").words == WORDS


def test_a_repeated_word_keeps_its_first_vector_as_gensim(tmp_path: Path) -> None:
    (tmp_path / "v.txt").write_text("3 1\na 1\nb 2\na 3\n", encoding="utf-8")
    ours = load_word2vec_format(tmp_path / "v.txt")
    theirs = GensimKeyedVectors.load_word2vec_format(tmp_path / "v.txt")
    assert ours.words == ["a", "b"]
    assert theirs.index_to_key[:2] == ["a", "b"]  # gensim leaves a None slot behind
    assert ours["a"].tolist() == theirs["a"].tolist() == [1.0]


def test_native_round_trip_keeps_words_vectors_and_counts(tmp_path: Path) -> None:
    kv = sample(2)
    tensors = save_native(kv, tmp_path / "run")  # a directory: run/vectors.safetensors
    assert tensors == tmp_path / "run" / "vectors.safetensors"
    assert (tmp_path / "run" / "vectors.words.json").is_file()
    for path in (tmp_path / "run", tensors, tmp_path / "run" / "vectors.words.json"):
        back = load_native(path)
        assert back.words == kv.words
        np.testing.assert_array_equal(back.vectors, kv.vectors)
        assert back.counts is not None and kv.counts is not None
        np.testing.assert_array_equal(back.counts, kv.counts)
    save_native(kv, tmp_path / "glove.6B.safetensors")  # dots in a stem survive
    assert load_vectors(tmp_path / "glove.6B.safetensors").words == kv.words


def test_load_vectors_finds_the_vectors_of_a_run_directory(tmp_path: Path) -> None:
    save_word2vec_format(sample(), tmp_path / "run" / "vectors.bin")
    assert load_vectors(tmp_path / "run").words == WORDS
    with pytest.raises(DataError, match="holds no vectors"):
        load_vectors(tmp_path)


def test_words_the_format_cannot_hold_are_refused(tmp_path: Path) -> None:
    kv = KeyedVectors(["two words"], np.ones((1, 2), np.float32))
    with pytest.raises(DataError, match="contains a space or newline"):
        save_word2vec_format(kv, tmp_path / "v.bin")
    assert not (tmp_path / "v.bin").exists()  # nothing half-written


# -- broken files --------------------------------------------------------------------------


def test_truncated_binary_file_names_the_byte_and_the_count(tmp_path: Path) -> None:
    save_word2vec_format(sample(), tmp_path / "v.bin")
    data = (tmp_path / "v.bin").read_bytes()
    (tmp_path / "cut.bin").write_bytes(data[: len(data) - 10])
    with pytest.raises(DataError, match=r"truncated at byte \d+, after 6 of 7 vectors"):
        load_word2vec_format(tmp_path / "cut.bin")


def test_truncated_text_file_says_how_many_vectors_it_holds(tmp_path: Path) -> None:
    save_word2vec_format(sample(), tmp_path / "v.txt", binary=False)
    lines = (tmp_path / "v.txt").read_text("utf-8").splitlines(keepends=True)
    (tmp_path / "cut.txt").write_text("".join(lines[:4]), encoding="utf-8")
    with pytest.raises(DataError, match="truncated after 3 of 7 vectors"):
        load_word2vec_format(tmp_path / "cut.txt", binary=False)
    (tmp_path / "short.txt").write_text("".join(lines[:3]) + "x 1 2\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 4: expected a word and 5 numbers, found 2"):
        load_word2vec_format(tmp_path / "short.txt", binary=False)
    (tmp_path / "nan.txt").write_text("1 2\nx 1 two\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 2: a value after 'x' is not a number"):
        load_word2vec_format(tmp_path / "nan.txt", binary=False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"hello world\n", "line 1: expected the word2vec header"),
        (b"3\n", "line 1: expected the word2vec header"),
        (b"1 2\n\xff\xfe 1 2\n", "line 2: word is not valid UTF-8"),
    ],
)
def test_malformed_files_are_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "bad").write_bytes(content)
    with pytest.raises(DataError, match=message):
        load_word2vec_format(tmp_path / "bad")


def test_missing_file_says_how_to_get_vectors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"no vectors file at .*dlc word2vec train"):
        load_word2vec_format(tmp_path / "nope.bin")


def test_native_save_with_a_missing_or_foreign_half_is_an_error(tmp_path: Path) -> None:
    tensors = save_native(sample(), tmp_path / "v.safetensors")
    (tmp_path / "v.words.json").unlink()
    with pytest.raises(DataError, match=r"v\.words\.json is missing"):
        load_native(tensors)
    tensors.write_bytes(b"not safetensors")
    (tmp_path / "v.words.json").write_text('{"words": []}', encoding="utf-8")
    with pytest.raises(DataError, match="cannot read the native vectors"):
        load_native(tensors)


# -- property ------------------------------------------------------------------------------

word = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=6
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(word, min_size=1, max_size=8, unique=True),
    dim=st.integers(1, 6),
    binary=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_any_words_and_finite_floats_round_trip_exactly(
    tmp_path: Path, words: list[str], dim: int, binary: bool, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    scale = 10.0 ** rng.integers(-30, 30, size=(len(words), dim))
    vectors = (rng.standard_normal((len(words), dim)) * scale).astype(np.float32)
    kv = KeyedVectors(words, vectors)
    save_word2vec_format(kv, tmp_path / "v", binary=binary)
    back = load_word2vec_format(tmp_path / "v")
    assert back.words == words
    np.testing.assert_array_equal(back.vectors, vectors)
