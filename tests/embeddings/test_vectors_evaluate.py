"""Analogy and similarity scores equal gensim 4.4's evaluate_word_analogies and
evaluate_word_pairs on the same vectors; the Cilin measures follow their definition."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors as GensimKeyedVectors

from dlclassics.data.cache import MANIFEST, dataset_dir
from dlclassics.data.catalog import DATASETS
from dlclassics.data.sets.analogy_en import Analogy
from dlclassics.embeddings.evaluate import (
    evaluate_analogies,
    evaluate_cilin,
    evaluate_similarity,
    is_syntactic,
    parse_questions,
)
from dlclassics.embeddings.keyed import KeyedVectors
from dlclassics.errors import ConfigError, DataError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::RuntimeWarning")

SETS = Path(__file__).resolve().parents[1] / "fixtures" / "sets"
QUESTIONS = SETS / "analogy-en" / "gensim" / "test" / "test_data" / "questions-words.txt"
PAIRS = {
    "wordsim353": SETS / "wordsim353" / "gensim" / "test" / "test_data" / "wordsim353.tsv",
    "simlex999": SETS / "simlex999" / "gensim" / "test" / "test_data" / "simlex999.txt",
}
CILIN = SETS / "cilin" / "data" / "cilin_ex.txt"


def fixture_vocabulary() -> list[str]:
    """Every word of the fixture question and pair files, case variants, and filler words."""
    words = [w for line in QUESTIONS.read_text("utf-8").splitlines() if line[:1] != ":"
             for w in line.split()]  # fmt: skip
    for path in PAIRS.values():
        for line in path.read_text("utf-8").splitlines():
            if not line.startswith("#"):
                words += line.split("\t")[:2]
    words = list(dict.fromkeys(words))
    # a lower-case variant *before* its capitalised form, and one after: case folding must
    # pick the more frequent one; "tiger" is left out so a similarity pair is OOV
    words = ["athens", *words, "GREECE", "Iraq2"] + [f"filler{i}" for i in range(40)]
    return [w for w in words if w != "tiger"]


def random_vectors(seed: int, dim: int = 4) -> tuple[KeyedVectors, GensimKeyedVectors]:
    words = fixture_vocabulary()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(words))  # frequency order differs per seed
    words = [words[i] for i in order]
    vectors = rng.standard_normal((len(words), dim)).astype(np.float32)
    theirs = GensimKeyedVectors(dim)
    theirs.add_vectors(words, vectors)
    return KeyedVectors(words, vectors), theirs


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("restrict", [30_000, 40])
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_analogy_scores_match_gensim_evaluate_word_analogies(
    seed: int, restrict: int, case_insensitive: bool
) -> None:
    ours, theirs = random_vectors(seed)
    score, sections = theirs.evaluate_word_analogies(
        str(QUESTIONS), restrict_vocab=restrict, case_insensitive=case_insensitive
    )
    got = evaluate_analogies(ours, QUESTIONS, restrict=restrict, case_insensitive=case_insensitive)
    want = {s["section"]: (len(s["correct"]), len(s["incorrect"])) for s in sections}
    total = want.pop("Total accuracy")
    assert {
        n: (s["correct"], s["answered"] - s["correct"]) for n, s in got["sections"].items()
    } == want
    assert (got["correct"], got["answered"] - got["correct"]) == total
    assert (
        got["accuracy"] == pytest.approx(score) if got["answered"] else math.isnan(got["accuracy"])
    )
    assert got["questions"] == 12 == got["answered"] + got["oov"]


def test_vectors_with_exact_offsets_answer_every_analogy() -> None:
    # capital_i = e_i + u, country_i = e_i + w (orthonormal e, u, w): all of norm √2, so
    # country_a − capital_a + capital_c = country_c holds for the unit vectors too
    capitals = ["Athens", "Baghdad", "Bangkok", "Beijing", "Berlin"]
    countries = ["Greece", "Iraq", "Thailand", "China", "Germany"]
    eye = np.eye(16)
    noise = np.random.default_rng(0).standard_normal((20, 16))
    words = capitals + countries + [f"noise{i}" for i in range(20)]
    vectors = np.vstack([eye[:5] + eye[5], eye[:5] + eye[6], noise]).astype(np.float32)
    questions = [
        Analogy("capital-common-countries", a, b, c, d)
        for a, b in zip(capitals, countries, strict=True)
        for c, d in zip(capitals, countries, strict=True)
        if a != c
    ]
    result = evaluate_analogies(KeyedVectors(words, vectors), questions)
    assert result["accuracy"] == 1.0 and result["answered"] == 20
    assert result["semantic"]["answered"] == 20 and result["syntactic"]["answered"] == 0


def test_3cosmul_evaluation_agrees_with_keyed_vectors_analogy() -> None:
    ours, _ = random_vectors(3)
    questions = list(parse_questions(QUESTIONS.read_text("utf-8").splitlines()))
    result = evaluate_analogies(ours, questions, method="3cosmul", case_insensitive=False)
    correct = 0
    for q in questions:
        if all(w in ours for w in (q.a, q.b, q.c, q.d)):
            (answer, _), *_ = ours.analogy(q.b, q.a, q.c, method="3cosmul")
            correct += answer == q.d
    assert result["correct"] == correct
    with pytest.raises(ConfigError, match="unknown analogy method"):
        evaluate_analogies(ours, questions, method="3cosx")  # type: ignore[arg-type]


def test_sections_split_into_semantic_and_syntactic() -> None:
    ours, _ = random_vectors(0)
    result = evaluate_analogies(ours, QUESTIONS)
    assert list(result["sections"]) == ["capital-common-countries", "family", "gram8-plural"]
    assert result["semantic"]["answered"] + result["syntactic"]["answered"] == result["answered"]
    assert result["syntactic"]["answered"] == result["sections"]["gram8-plural"]["answered"]
    assert is_syntactic("gram3-comparative") and not is_syntactic("family")


def test_question_before_any_section_is_an_error() -> None:
    with pytest.raises(DataError, match="line 1: a question before any ': section' line"):
        list(parse_questions(["a b c d"], "q.txt"))
    assert list(parse_questions([": s", "", "a b c", "a b c d"])) == [Analogy("s", *"abcd")]


@pytest.mark.parametrize("name", ["wordsim353", "simlex999"])
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("case_insensitive", [True, False])
def test_similarity_matches_gensim_evaluate_word_pairs(
    name: str, seed: int, case_insensitive: bool
) -> None:
    ours, theirs = random_vectors(seed)
    pearson, spearman, oov_ratio = theirs.evaluate_word_pairs(
        str(PAIRS[name]), case_insensitive=case_insensitive
    )
    got = evaluate_similarity(ours, PAIRS[name], case_insensitive=case_insensitive)
    assert got["spearman"] == pytest.approx(spearman.statistic, abs=1e-6)
    assert got["pearson"] == pytest.approx(pearson.statistic, abs=1e-6)
    assert 100 * got["oov_ratio"] == pytest.approx(oov_ratio)
    assert got["pairs"] + got["oov"] == 6


@pytest.fixture
def evaluation_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data cache holding the fixture versions of the four evaluation sets."""
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path / "home"))
    for name in ("analogy-en", "wordsim353", "simlex999", "cilin"):
        out = dataset_dir(name)
        out.mkdir(parents=True)
        DATASETS[name].convert(SETS / name, out)
        (out / MANIFEST).write_text("{}\n", encoding="utf-8")
    return tmp_path / "home"


def test_registered_sets_are_the_defaults(evaluation_home: Path) -> None:
    ours, _ = random_vectors(1)
    assert evaluate_analogies(ours) == evaluate_analogies(ours, QUESTIONS)
    for name, path in PAIRS.items():
        assert evaluate_similarity(ours, name) == evaluate_similarity(ours, path)
    kv = KeyedVectors(["人", "士", "人物", "其他"], np.eye(4, dtype=np.float32))
    assert evaluate_cilin(kv) == evaluate_cilin(kv, CILIN)
    with pytest.raises(ConfigError, match="unknown word-similarity set 'ws999'"):
        evaluate_similarity(ours, "ws999")


def test_missing_data_set_says_how_to_fetch_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLCLASSICS_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("DLCLASSICS_OFFLINE", "1")  # online, it would fetch the set
    ours, _ = random_vectors(1)
    with pytest.raises(DataError, match="dlc data fetch analogy-en"):
        evaluate_analogies(ours)


def test_cilin_ranks_and_precision_follow_their_definition() -> None:
    # 2-D unit vectors at angles: a 0°, b 10°, c 20°, d 90°, e 180°
    angles = np.radians([0, 10, 20, 90, 180])
    vectors = np.stack([np.cos(angles), np.sin(angles)], axis=1).round(12).astype(np.float32)
    kv = KeyedVectors(list("abcde"), vectors)
    result = evaluate_cilin(kv, [["a", "c", "x"], ["d", "e"], ["b"]], k=1)
    # group {a, c}: from a, c is 2nd (b nearer); from c, a is 2nd.  group {d, e}: from d, e is
    # 3rd (c, b nearer: cos 0.34, 0.17; a ties with e at cos 0 and a tie is not "nearer");
    # from e, d is 1st (cos 0; a, b, c are negative)
    assert result["mean_rank"] == pytest.approx((2 + 2 + 3 + 1) / 4)
    assert result["median_rank"] == 2.0
    # precision@1: only e's nearest word is a synonym
    assert result["precision_at_k"] == pytest.approx(1 / 4)
    assert (result["groups"], result["groups_skipped"], result["queries"]) == (2, 1, 4)
    assert evaluate_cilin(kv, [["a", "c"]], restrict=2)["groups"] == 0  # c is not in the top 2


def test_cilin_on_random_vectors_is_near_chance() -> None:
    # calibration: 200 random words in 40 groups of 5 → mean rank ≈ (200 − 1) / 2 ± sampling
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)]
    kv = KeyedVectors(words, rng.standard_normal((200, 50)).astype(np.float32))
    result = evaluate_cilin(kv, [words[i : i + 5] for i in range(0, 200, 5)])
    assert 85 < result["mean_rank"] < 115  # 800 pairs; std of the mean ≈ 2, 5 seeds in 92..106
    assert result["precision_at_k"] < 0.15  # chance: 10/199 ≈ 0.05
