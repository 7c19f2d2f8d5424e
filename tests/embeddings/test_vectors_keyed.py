"""KeyedVectors queries against gensim 4.4's KeyedVectors on the same random vectors.

gensim is the oracle for most_similar (3CosAdd), most_similar_cosmul (3CosMul),
doesnt_match and similarity; the analogy convention (a − b + c) and the error for an unknown
word are checked on hand-made vectors.
"""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKeyedVectors
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.embeddings.keyed import KeyedVectors, UnknownWordError
from dlclassics.errors import DataError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # gensim's init_sims

WORDS = [f"w{i}" for i in range(60)] + ["国王", "王后", "男人", "女人"]


def random_pair(seed: int, dim: int = 8) -> tuple[KeyedVectors, GensimKeyedVectors]:
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((len(WORDS), dim)).astype(np.float32)
    ours = KeyedVectors(WORDS, vectors, counts=np.arange(len(WORDS), 0, -1))
    theirs = GensimKeyedVectors(dim)
    theirs.add_vectors(WORDS, vectors)
    return ours, theirs


def assert_same_neighbours(ours: list[tuple[str, float]], theirs: list[tuple[str, float]]) -> None:
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=0, atol=1e-5)


@pytest.mark.parametrize("seed", range(5))
def test_most_similar_matches_gensim_most_similar(seed: int) -> None:
    ours, theirs = random_pair(seed)
    queries = [
        (["w1"], []),
        (["w1", "w2"], ["w3"]),
        ([], ["国王"]),
        (["国王", "女人"], ["男人"]),
    ]
    for positive, negative in queries:
        assert_same_neighbours(
            ours.most_similar(positive, negative, topn=7),
            theirs.most_similar(positive=positive, negative=negative, topn=7),
        )
        assert_same_neighbours(
            ours.most_similar(positive, negative, topn=5, restrict=30),
            theirs.most_similar(positive=positive, negative=negative, topn=5, restrict_vocab=30),
        )


@pytest.mark.parametrize("seed", range(5))
def test_analogy_3cosmul_matches_gensim_most_similar_cosmul(seed: int) -> None:
    ours, theirs = random_pair(seed)
    got = ours.analogy("国王", "男人", "女人", method="3cosmul", topn=6)
    want = theirs.most_similar_cosmul(positive=["国王", "女人"], negative=["男人"], topn=6)
    assert_same_neighbours(got, want)


@pytest.mark.parametrize("seed", range(5))
def test_similarity_and_doesnt_match_match_gensim(seed: int) -> None:
    ours, theirs = random_pair(seed)
    assert ours.similarity("w1", "国王") == pytest.approx(theirs.similarity("w1", "国王"), abs=1e-6)
    group = ["w4", "w9", "国王", "w20", "女人"]
    assert ours.doesnt_match(group) == theirs.doesnt_match(group)


def test_analogy_reads_a_minus_b_plus_c() -> None:
    # royalty is the first coordinate, gender the second: king − man + woman points at queen
    kv = KeyedVectors(
        ["king", "queen", "man", "woman", "apple"],
        np.array([[1, 1, 0], [1, -1, 0], [0.1, 1, 0], [0.1, -1, 0], [0, 0, 1]], np.float32),
    )
    (word, cos), *_ = kv.analogy("king", "man", "woman")
    assert word == "queen" and cos > 0.95  # not 1: the offset is taken between unit vectors
    assert kv.analogy("king", "man", "woman", method="3cosmul")[0][0] == "queen"


def test_query_words_are_never_answers() -> None:
    kv, _ = random_pair(0)
    for word, _ in kv.analogy("w1", "w2", "w3", topn=len(kv)):
        assert word not in {"w1", "w2", "w3"}
    assert len(kv.most_similar("w1", topn=1000)) == len(kv) - 1


def test_nearest_of_a_words_vector_is_the_word() -> None:
    kv, _ = random_pair(1)
    (word, cos), *_ = kv.nearest(kv["王后"] * 3.0, topn=3)
    assert word == "王后" and cos == pytest.approx(1.0, abs=1e-6)


def test_unknown_word_is_a_data_error_and_key_error_with_near_spellings() -> None:
    kv = KeyedVectors(["king", "King", "queen", "kingdom"], np.eye(4, dtype=np.float32))
    with pytest.raises(UnknownWordError) as info:
        kv.most_similar("kinng")
    assert isinstance(info.value, KeyError) and isinstance(info.value, DataError)
    message = str(info.value)
    assert message.startswith("'kinng' is not in the vocabulary of 4 words; did you mean: king")
    assert "KING" not in kv
    with pytest.raises(KeyError, match=r"did you mean: king, King\?$"):
        kv.index("KING")
    with pytest.raises(KeyError, match="check its spelling") as nothing_near:
        kv.index("zzzzzz")
    assert "did you mean" not in str(nothing_near.value)


def test_restrict_keeps_the_most_frequent_words() -> None:
    vectors = np.arange(8, dtype=np.float32).reshape(4, 2)
    sorted_kv = KeyedVectors(list("abcd"), vectors, counts=np.array([9, 5, 5, 1]))
    assert sorted_kv.restrict(2).words == ["a", "b"]
    np.testing.assert_array_equal(sorted_kv.restrict(2).vectors, vectors[:2])
    grown = KeyedVectors(list("abcd"), vectors, counts=np.array([9, 1, 5, 7]))  # words appended
    assert grown.restrict(3).words == ["a", "d", "c"]
    assert grown.restrict(3).counts.tolist() == [9, 7, 5]
    assert KeyedVectors(list("abcd"), vectors).restrict(10).words == list("abcd")


def test_vectors_are_frozen_and_unit_vectors_have_length_one() -> None:
    kv, _ = random_pair(2)
    with pytest.raises(ValueError):
        kv.vectors[0, 0] = 1.0
    np.testing.assert_allclose(np.linalg.norm(kv.unit_vectors, axis=1), 1.0, rtol=1e-6)
    zero = KeyedVectors(["a", "b"], np.array([[0, 0], [1, 0]], np.float32))
    assert zero.similarity("a", "b") == 0.0  # a zero vector stays zero, not NaN


def test_bad_tables_are_rejected() -> None:
    with pytest.raises(ValueError, match="occurs twice"):
        KeyedVectors(["a", "a"], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="do not match"):
        KeyedVectors(["a", "b"], np.zeros((3, 3)))
    with pytest.raises(ValueError, match="unknown analogy method"):
        KeyedVectors(["a", "b", "c"], np.eye(3)).analogy("a", "b", "c", method="3cosx")  # type: ignore[arg-type]


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    topn=st.integers(1, 20),
    restrict=st.none() | st.integers(1, 64),
)
def test_most_similar_is_sorted_excludes_queries_and_respects_restrict(
    seed: int, topn: int, restrict: int | None
) -> None:
    kv, _ = random_pair(seed % 1000)
    got = kv.most_similar(["w0", "w5"], ["w7"], topn=topn, restrict=restrict)
    scores = [s for _, s in got]
    assert scores == sorted(scores, reverse=True)
    allowed = set(kv.words[: restrict or len(kv)]) - {"w0", "w5", "w7"}
    assert {w for w, _ in got} <= allowed
    assert len(got) == min(topn, len(allowed))
    assert all(-1.0 - 1e-6 <= s <= 1.0 + 1e-6 for s in scores)
