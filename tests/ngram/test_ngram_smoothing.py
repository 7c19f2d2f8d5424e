"""Every smoother against a naive reference, the sum-to-one property, and kenlm's lmplz.

The references below recompute each smoother's P(w | h) from tuple counts, one word and one
context at a time, straight from the formulas in the module docs — no shared code with the
vectorised estimators — with the normalisation of backoff smoothers done by summing the
lower order over the unseen words explicitly. Modified Kneser–Ney is also checked against
the ARPA file kenlm's ``lmplz`` wrote for 300 Brown sentences (``tests/fixtures/lm``).
"""

from __future__ import annotations

import gzip
import math
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.ngram import SMOOTHERS, count_ngrams, estimate
from dlclassics.ngram.arpa import read_arpa
from dlclassics.ngram.backoff import BackoffLM
from dlclassics.ngram.counts import NGramCounts
from dlclassics.ngram.interpolation import Interpolated, tune_weights
from dlclassics.ngram.kneser_ney import ModifiedKneserNey
from dlclassics.ngram.smoothing import AddK, Katz, good_turing_discounts
from dlclassics.ngram.trie import arpa_word

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lm"
WORDS = ["a", "b", "c", "d", "e"]
corpora = st.lists(st.lists(st.sampled_from(WORDS), max_size=8), min_size=1, max_size=12)
Gram = tuple[str, ...]


# --- the naive references -----------------------------------------------------------------


class Reference:
    """Tuple counts of a corpus and the vocabulary V that probabilities range over."""

    def __init__(self, counts: NGramCounts) -> None:
        self.order = counts.order
        self.c: Counter[Gram] = Counter(
            {g: c for n in range(1, counts.order + 1) for g, c in counts.items(n)}
        )
        v = counts.vocab
        self.V = [arpa_word(v, i) for i in range(len(v)) if i not in (v.pad_id, v.bos_id)]

    def after(self, h: Gram, values: dict[Gram, float] | None = None) -> dict[str, float]:
        """{w: value of (h, w)} over the words seen after h."""
        table = self.c if values is None else values
        return {g[-1]: x for g, x in table.items() if len(g) == len(h) + 1 and g[:-1] == h}

    def prob(self, w: str, h: Gram) -> float:
        raise NotImplementedError


class MLERef(Reference):
    def prob(self, w: str, h: Gram) -> float:
        seen = self.after(h) if h else {g[0]: c for g, c in self.c.items() if len(g) == 1}
        seen.pop("<s>", None)
        if not seen:
            return self.prob(w, h[1:])
        return seen.get(w, 0) / sum(seen.values())


class BackoffRef(Reference):
    """P(w|h) = p_seen(w, h) if (h, w) seen, else α(h) P(w|h′), α normalising explicitly."""

    def seen_probs(self, h: Gram) -> dict[str, float]:
        raise NotImplementedError

    def unigram(self, w: str) -> float:
        raise NotImplementedError

    def prob(self, w: str, h: Gram) -> float:
        if not h:
            return self.unigram(w)
        seen = self.seen_probs(h)
        if not seen:
            return self.prob(w, h[1:])
        if len(seen) == len(self.V):  # nothing unseen: renormalise
            return seen[w] / sum(seen.values())
        if w in seen:
            return seen[w]
        unseen_mass = sum(self.prob(v, h[1:]) for v in self.V if v not in seen)
        return (1 - sum(seen.values())) * self.prob(w, h[1:]) / unseen_mass


class AddKRef(BackoffRef):
    k = 1.0

    def unigram(self, w: str) -> float:
        n = sum(c for g, c in self.c.items() if len(g) == 1 and g != ("<s>",))
        return (self.c[(w,)] + self.k) / (n + self.k * len(self.V))

    def seen_probs(self, h: Gram) -> dict[str, float]:
        seen = self.after(h)
        total = sum(seen.values())
        return {w: (c + self.k) / (total + self.k * len(self.V)) for w, c in seen.items()}


def gt_discounts(counts: list[int], k_max: int) -> dict[int, float]:
    """Katz's d_r, lowering k until every d_r lies in (0, 1] (empty: no discount)."""
    n = Counter(counts)
    for k in range(k_max, 0, -1):
        if any(n[r] == 0 for r in range(1, k + 2)):
            continue
        common = (k + 1) * n[k + 1] / n[1]
        if common >= 1:
            continue
        d = {r: ((r + 1) * n[r + 1] / n[r] / r - common) / (1 - common) for r in range(1, k + 1)}
        if all(0 < x <= 1 for x in d.values()):
            return d
    return {}


class KatzRef(BackoffRef):
    k = 5

    def unigram(self, w: str) -> float:
        c = {v: self.c[(v,)] for v in self.V}
        d = gt_discounts([x for x in c.values() if x > 0], self.k)
        total = sum(c.values())
        p = {v: d.get(x, 1.0) * x / total for v, x in c.items()}
        unseen = [v for v, x in c.items() if x == 0]
        if not unseen:
            return p[w] / sum(p.values())
        if not any(d.get(x, 1.0) < 1 for x in c.values() if x > 0):
            p = {v: x * total / (total + 1) for v, x in p.items()}
        return p[w] if c[w] else (1 - sum(p.values())) / len(unseen)

    def seen_probs(self, h: Gram) -> dict[str, float]:
        seen = self.after(h)
        d = gt_discounts([c for g, c in self.c.items() if len(g) == len(h) + 1], self.k)
        total = sum(seen.values())
        p = {w: d.get(c, 1.0) * c / total for w, c in seen.items()}
        if not any(d.get(c, 1.0) < 1 for c in seen.values()):  # nothing freed: 1/(c(h)+1)
            p = {w: x * total / (total + 1) for w, x in p.items()}
        return p


class InterpRef(Reference):
    lambdas: tuple[float, ...] = ()

    def prob(self, w: str, h: Gram) -> float:
        lam = self.lambdas[len(h)]
        if not h:
            n = sum(c for g, c in self.c.items() if len(g) == 1 and g != ("<s>",))
            return lam * self.c[(w,)] / n + (1 - lam) / len(self.V)
        seen = self.after(h)
        if not seen:
            return self.prob(w, h[1:])
        return lam * seen.get(w, 0) / sum(seen.values()) + (1 - lam) * self.prob(w, h[1:])


class KneserNeyRef(Reference):
    """Interpolated absolute discounting / KN / modified KN (Chen & Goodman), from tuples."""

    continuation = True
    modified = False

    def __init__(self, counts: NGramCounts) -> None:
        super().__init__(counts)
        self.a: dict[Gram, float] = {}
        for g, c in self.c.items():
            top = len(g) == self.order or g[0] == "<s>" or not self.continuation
            left = {x for x in self.c if len(x) == len(g) + 1 and x[1:] == g}
            self.a[g] = c if top else len(left)
        self.D: dict[int, tuple[float, float, float]] = {}
        for n in range(1, self.order + 1):
            values = [int(a) for g, a in self.a.items() if len(g) == n and g != ("<s>",)]
            r = Counter(values)
            y = r[1] / (r[1] + 2 * r[2]) if r[1] and r[2] else -1.0
            if not self.modified:
                self.D[n] = (y, y, y) if 0 < y <= 1 else (0.75,) * 3
                continue
            ok = y > 0 and r[3] > 0 and r[4] > 0
            d = tuple(k - (k + 1) * y * r[k + 1] / r[k] for k in (1, 2, 3)) if ok else ()
            good = ok and all(0 < x <= k for k, x in zip((1, 2, 3), d, strict=True))
            self.D[n] = d if good else (0.5, 1.0, 1.5)  # type: ignore[assignment]

    def discount(self, a: float, n: int) -> float:
        return 0.0 if a == 0 else self.D[n][min(int(a), 3) - 1]

    def prob(self, w: str, h: Gram) -> float:
        n = len(h) + 1
        if not h:
            a = {v: self.a.get((v,), 0) for v in self.V}
            total = sum(a.values())
            gamma = sum(self.discount(x, 1) for x in a.values()) / total
            return (a[w] - self.discount(a[w], 1)) / total + gamma / len(self.V)
        seen = self.after(h, self.a)
        if not seen:
            return self.prob(w, h[1:])
        total = sum(seen.values())
        gamma = sum(self.discount(x, n) for x in seen.values()) / total
        x = seen.get(w, 0)
        return max(x - self.discount(x, n), 0) / total + gamma * self.prob(w, h[1:])


class AbsoluteRef(KneserNeyRef):
    continuation = False


class ModifiedRef(KneserNeyRef):
    modified = True


REFERENCES: dict[str, type[Reference]] = {
    "mle": MLERef,
    "addk": AddKRef,
    "katz": KatzRef,
    "interp": InterpRef,
    "absolute": AbsoluteRef,
    "kn": KneserNeyRef,
    "mkn": ModifiedRef,
}
FIXED_LAMBDAS = (0.6, 0.7, 0.8, 0.9)


def build(counts: NGramCounts, name: str) -> BackoffLM:
    if name == "interp":
        return estimate(counts, name, Interpolated(lambdas=FIXED_LAMBDAS[: counts.order]))
    return estimate(counts, name)


def reference(counts: NGramCounts, name: str) -> Reference:
    ref = REFERENCES[name](counts)
    if isinstance(ref, InterpRef):
        ref.lambdas = FIXED_LAMBDAS[: counts.order]
    return ref


def contexts(counts: NGramCounts) -> list[Gram]:
    """The empty context, every seen context, and maybe an unseen one, truncated to N − 1."""
    seen = {g[:-1] for n in range(2, counts.order + 1) for g, _ in counts.items(n)}
    other = tuple(arpa_word(counts.vocab, counts.vocab[w]) for w in ("e", "e", "d"))
    return [(), *sorted(seen), other[: counts.order - 1]]


# --- tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SMOOTHERS))
@settings(max_examples=25, deadline=None)
@given(corpus=corpora, order=st.integers(1, 4))
def test_every_distribution_equals_the_naive_reference(
    name: str, corpus: list[list[str]], order: int
) -> None:
    counts = count_ngrams(corpus, order, min_count=2)  # rare letters become <unk>
    lm, ref = build(counts, name), reference(counts, name)
    for h in contexts(counts):
        p = lm.distribution(list(h))
        expected = [ref.prob(w, h) for w in ref.V]
        ours = [p[lm.vocab.stoi.get(w, 0) if w != "</s>" else lm.vocab.eos_id] for w in ref.V]
        np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12, err_msg=f"h={h}")


@pytest.mark.parametrize("name", list(SMOOTHERS))
@settings(max_examples=30, deadline=None)
@given(corpus=corpora, order=st.integers(1, 5), min_count=st.integers(1, 2))
def test_every_seen_context_sums_to_one_and_only_mle_has_zeros(
    name: str, corpus: list[list[str]], order: int, min_count: int
) -> None:
    counts = count_ngrams(corpus, order, min_count=min_count)
    lm = estimate(counts, name, held_out=corpus[::2])
    for h in contexts(counts)[:-1]:
        p = lm.distribution(list(h))
        assert p.sum() == pytest.approx(1.0, abs=1e-9), h
        predicted = np.delete(p, [lm.vocab.pad_id, lm.vocab.bos_id])
        assert name == "mle" or predicted.min() > 0, h


@pytest.mark.parametrize("name", [n for n in SMOOTHERS if n != "mle"])
def test_perplexity_stays_finite_on_unseen_words(name: str) -> None:
    train = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"]]
    lm = estimate(count_ngrams(train, 3), name, held_out=[["the", "cat", "ran"]])
    score = lm.score([["a", "zebra", "flew"], ["quokka"]])  # 3 unknown words, no <unk> in train
    assert score.oov == 3
    assert math.isfinite(score.perplexity) and score.perplexity > 1


def test_mle_gives_unseen_words_probability_zero() -> None:
    lm = estimate(count_ngrams([["the", "cat"]], 2), "mle")
    assert lm.score([["the", "cat"]]).perplexity == pytest.approx(1.0)  # every step certain
    assert lm.score([["the", "dog"]]).perplexity == math.inf


def test_kneser_ney_unigrams_count_contexts_not_occurrences() -> None:
    # "Francisco" occurs 4 times but only after "San"; "glasses" 2 times after 2 words.
    train = [["San", "Francisco"]] * 4 + [["reading", "glasses"], ["sun", "glasses"]]
    kn = estimate(count_ngrams(train, 2), "kn")
    mle = estimate(count_ngrams(train, 2), "mle")
    unigram_kn, unigram_mle = kn.distribution([]), mle.distribution([])
    francisco, glasses = kn.vocab["Francisco"], kn.vocab["glasses"]
    assert unigram_mle[francisco] > unigram_mle[glasses]
    assert unigram_kn[francisco] < unigram_kn[glasses]  # N1+(•Francisco)=1 < N1+(•glasses)=2


def test_modified_kneser_ney_equals_kenlm_lmplz(tmp_path: Path) -> None:
    text, arpa = tmp_path / "brown300.txt", tmp_path / "lmplz.arpa"
    for src, dst in (
        (FIXTURES / "brown300.txt.gz", text),
        (FIXTURES / "brown300.lmplz4.arpa.gz", arpa),
    ):
        with gzip.open(src, "rb") as fin, dst.open("wb") as fout:
            shutil.copyfileobj(fin, fout)
    sentences = [line.split() for line in text.read_text(encoding="utf-8").splitlines()]
    ours = estimate(count_ngrams(sentences, 4), "mkn")
    lmplz = read_arpa(arpa)

    def table(lm: BackoffLM) -> dict[Gram, tuple[float, float]]:
        out = {}
        for n in range(1, lm.order + 1):
            rows = lm.index.words(n)[lm.listed(n)]
            lp, bow = lm.logprob[n - 1][lm.listed(n)], lm.backoff[n - 1][lm.listed(n)]
            for row, x, y in zip(rows.tolist(), lp, bow, strict=True):
                out[tuple(arpa_word(lm.vocab, i) for i in row)] = (x, y)
        return out

    a, b = table(ours), table(lmplz)
    assert a.keys() == b.keys()  # the same 26,718 n-grams
    grams = sorted(a)
    np.testing.assert_allclose([a[g] for g in grams], [b[g] for g in grams], atol=2e-6)


def katz_formula(n: np.ndarray, k: int) -> np.ndarray:
    """d_r = (r*/r − (k+1) n_{k+1}/n_1) / (1 − (k+1) n_{k+1}/n_1), r* = (r+1) n_{r+1}/n_r."""
    r = np.arange(1, k + 1)
    r_star = (r + 1) * n[r] / n[r - 1]  # n[r − 1] is n_r
    common = (k + 1) * n[k] / n[0]
    return (r_star / r - common) / (1 - common)


def test_good_turing_discounts_match_katz_formula() -> None:
    # n_1..n_6 = 100, 30, 14, 8, 5, 3 (Zipf-like): every d_r of k = 5 lies in (0, 1]
    n = np.array([100, 30, 14, 8, 5, 3])
    counts = np.repeat(np.arange(1, 7), n)
    expected = katz_formula(n, 5)
    assert np.all((expected > 0) & (expected <= 1))  # the formula branch, not the fallback
    np.testing.assert_allclose(good_turing_discounts(counts, 5)[1:], expected, rtol=1e-12)


def test_good_turing_lowers_k_until_every_discount_is_valid() -> None:
    # n_1..n_6 = 10, 5, 3, 2, 2, 1: k = 5 gives d_4 = 1.25 > 1 and k = 4 has 5 n_5 / n_1 = 1,
    # so k = 3: d_1..d_3 by the formula with k = 3, counts above 3 not discounted
    n = np.array([10, 5, 3, 2, 2, 1])
    assert katz_formula(n, 5)[3] > 1
    d = good_turing_discounts(np.repeat(np.arange(1, 7), n), 5)
    np.testing.assert_allclose(d[1:4], katz_formula(n, 3), rtol=1e-12)
    np.testing.assert_array_equal(d[4:], [1.0, 1.0])


def test_em_weights_beat_every_nearby_setting_on_held_out_text() -> None:
    with gzip.open(FIXTURES / "brown300.txt.gz", "rt", encoding="utf-8") as f:
        sentences = [line.split() for line in f]
    train, held_out = sentences[:250], sentences[250:]
    counts = count_ngrams(train, 3)
    lam = tune_weights(counts, held_out)

    def held_out_log10(weights: tuple[float, ...]) -> float:
        return estimate(counts, "interp", Interpolated(lambdas=weights)).score(held_out).log10_prob

    best = held_out_log10(lam)
    for i in range(3):
        for step in (-0.05, 0.05):
            moved = tuple(min(max(x + step * (j == i), 0.0), 1.0) for j, x in enumerate(lam))
            assert held_out_log10(moved) <= best + 1e-9, (i, step)


def test_settings_are_validated() -> None:
    from dlclassics.errors import ConfigError

    for make in (
        lambda: AddK(k=0),
        lambda: Katz(max_count=0),
        lambda: ModifiedKneserNey(discounts=(0.5, 2.5, 1.0)),
        lambda: Interpolated(lambdas=(1.5,)),
    ):
        with pytest.raises(ConfigError):
            make()
    counts = count_ngrams([["a"]], 2)
    with pytest.raises(ConfigError, match="held-out"):
        estimate(counts, "interp")
    with pytest.raises(ConfigError, match="unknown smoothing 'good'"):
        estimate(counts, "good")
