"""BLEU/chrF against sacrebleu's own functions, and the detokenization policy."""

from __future__ import annotations

import pytest
import sacrebleu
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.errors import DataError
from dlclassics.seq2seq.bleu import corpus_scores, detokenize, paired_bootstrap
from dlclassics.seq2seq.data import tokenize

WORDS = ["the", "a", "man", "dog", "sees", "loves", ",", ".", "?", "el", "perro", "¿"]
sentences = st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(" ".join)
corpora = st.integers(1, 8).flatmap(
    lambda n: st.tuples(
        st.lists(sentences, min_size=n, max_size=n), st.lists(sentences, min_size=n, max_size=n)
    )
)


@settings(max_examples=60, deadline=None)
@given(corpus=corpora, lowercase=st.booleans())
def test_bleu_is_in_0_100_and_equals_sacrebleu_corpus_bleu(
    corpus: tuple[list[str], list[str]], lowercase: bool
) -> None:
    hypotheses, references = corpus
    scores = corpus_scores(hypotheses, references, lowercase=lowercase)
    assert 0.0 <= scores.bleu <= 100.0 + 1e-9
    assert scores.bleu == sacrebleu.corpus_bleu(hypotheses, [references], lowercase=lowercase).score
    fold = str.lower if lowercase else str
    oracle = sacrebleu.corpus_chrf([fold(h) for h in hypotheses], [[fold(r) for r in references]])
    assert scores.chrf == pytest.approx(oracle.score)
    assert 0.0 <= scores.chrf <= 100.0 + 1e-9


def test_identical_corpora_score_100_and_disjoint_ones_score_0() -> None:
    text = ["In the beginning, God created the heavens and the earth."]
    assert corpus_scores(text, text, lowercase=False).bleu == pytest.approx(100.0)
    assert corpus_scores(["xyz qqq"], text, lowercase=False).bleu == 0.0


def test_lowercase_scoring_ignores_case_and_says_so_in_the_signature() -> None:
    cased = corpus_scores(["the cat sat ."], ["The cat sat."], lowercase=False)
    folded = corpus_scores(["the cat sat ."], ["The cat sat."], lowercase=True)
    assert cased.bleu < 100.0 and folded.bleu == pytest.approx(100.0)
    assert "case:lc" in folded.bleu_signature and "case:mixed" in cased.bleu_signature
    assert "nrefs:1" in folded.chrf_signature and "version:" in folded.bleu_signature


@pytest.mark.parametrize(
    "text",
    [
        "In the beginning, God created the heavens and the earth.",
        "¿Quién es él? ¡Mirad!",
        "He said, “Don’t be afraid; it is I.”",
        "Jehovah—the God of Israel—spoke (to Moses): well-known words.",
        "Y el oro de aquella tierra es bueno: hay allí bdelio.",
    ],
)
def test_detokenize_restores_bible_style_spacing(text: str) -> None:
    assert detokenize(tokenize(text)) == text.lower()


@settings(max_examples=100, deadline=None)
@given(
    tokens=st.lists(
        st.sampled_from([*WORDS, "(", ")", "“", "”", "—", "-", '"', "don't"]), max_size=15
    )
)
def test_detokenize_then_tokenize_gives_the_tokens_back(tokens: list[str]) -> None:
    assert tokenize(detokenize(tokens)) == tokens


def test_scoring_needs_one_reference_per_hypothesis_and_some_sentences() -> None:
    with pytest.raises(DataError, match="2 hypotheses but 1 references"):
        corpus_scores(["a", "b"], ["a"], lowercase=True)
    with pytest.raises(DataError, match="no sentences"):
        corpus_scores([], [], lowercase=True)


def test_paired_bootstrap_tells_a_real_difference_from_chance() -> None:
    refs = [f"the man number {i} went to the city of {i % 7} today ." for i in range(60)]
    weak = [r.replace("went", "goes").replace("city", "town") for r in refs]
    # even and odd halves weakened: the same quality, different sentences
    evens = [w if i % 2 == 0 else r for i, (r, w) in enumerate(zip(refs, weak, strict=True))]
    odds = [w if i % 2 else r for i, (r, w) in enumerate(zip(refs, weak, strict=True))]
    chance = paired_bootstrap(evens, odds, refs, lowercase=False, samples=200)
    assert abs(chance["delta"]) < 1.0 and chance["p_value"] > 0.2
    better = paired_bootstrap(weak, odds, refs, lowercase=False, samples=200)
    assert better["p_value"] < 0.05
    assert better["delta"] == pytest.approx(
        corpus_scores(odds, refs, lowercase=False).bleu
        - corpus_scores(weak, refs, lowercase=False).bleu,
        abs=0.01,
    )
    assert better["system_ci95"] > 0 and better["samples"] == 200
    with pytest.raises(DataError, match="must translate every sentence"):
        paired_bootstrap(weak[:-1], odds, refs, lowercase=False)
