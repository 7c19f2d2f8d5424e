"""ARPA files: round trips, kenlm scores our files exactly as we do, malformed input.

The oracle is the ``kenlm`` Python module (0.3.0): it loads the ARPA files we write, and its
``Model.score(sentence)`` — log10 P(<s> w_1 … w_m </s>) — must equal ours to 1e-4.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlclassics.errors import DataError
from dlclassics.ngram import SMOOTHERS, count_ngrams, estimate
from dlclassics.ngram.arpa import read_arpa, write_arpa
from dlclassics.ngram.backoff import BackoffLM

WORDS = ["a", "b", "c", "d", "e"]
corpora = st.lists(st.lists(st.sampled_from(WORDS), max_size=8), min_size=1, max_size=12)
TESTS = [["a", "b", "c"], ["e", "zebra", "a", "a"], [], ["unseen", "words", "only"]]
SMOOTHED = [name for name in SMOOTHERS if name != "mle"]
files = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def kenlm_model(path: Path) -> Any:
    kenlm = pytest.importorskip("kenlm", reason="kenlm (the oracle) is not installed")
    return kenlm.Model(str(path))


def kenlm_scores(path: Path, sentences: list[list[str]]) -> list[float]:
    model = kenlm_model(path)
    return [model.score(" ".join(s), bos=True, eos=True) for s in sentences]


def assert_same_model(a: BackoffLM, b: BackoffLM) -> None:
    assert a.vocab.itos == b.vocab.itos
    for n in range(1, a.order + 1):
        np.testing.assert_array_equal(a.index.keys[n - 1], b.index.keys[n - 1])
        listed = a.listed(n)
        for x, y in ((a.logprob, b.logprob), (a.backoff, b.backoff)):
            np.testing.assert_allclose(x[n - 1][listed], y[n - 1][listed], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", list(SMOOTHERS))
@files
@given(corpus=corpora, order=st.integers(1, 4))
def test_write_then_read_gives_the_same_model(
    name: str, corpus: list[list[str]], order: int, tmp_path: Path
) -> None:
    lm = estimate(count_ngrams(corpus, order, min_count=2), name, held_out=corpus)
    write_arpa(lm, tmp_path / "lm.arpa")
    assert_same_model(lm, read_arpa(tmp_path / "lm.arpa"))


@pytest.mark.parametrize("name", SMOOTHED)
@files
@given(corpus=corpora, order=st.integers(2, 4), min_count=st.integers(1, 2))  # kenlm: N ≥ 2
def test_kenlm_scores_our_files_as_we_do(
    name: str, corpus: list[list[str]], order: int, min_count: int, tmp_path: Path
) -> None:
    lm = estimate(count_ngrams(corpus, order, min_count=min_count), name, held_out=corpus)
    write_arpa(lm, tmp_path / "lm.arpa")
    sentences = corpus + TESTS
    ours = [lm.sentence_log10(s) for s in sentences]
    assert all(math.isfinite(x) for x in ours)  # unseen words included
    np.testing.assert_allclose(kenlm_scores(tmp_path / "lm.arpa", sentences), ours, atol=1e-4)


def test_kenlm_agrees_with_mle_on_its_training_sentences(tmp_path: Path) -> None:
    corpus = [["a", "b", "a"], ["b", "a", "c"], ["c"]]
    lm = estimate(count_ngrams(corpus, 3), "mle")
    write_arpa(lm, tmp_path / "mle.arpa")
    ours = [lm.sentence_log10(s) for s in corpus]
    np.testing.assert_allclose(kenlm_scores(tmp_path / "mle.arpa", corpus), ours, atol=1e-4)
    assert lm.sentence_log10(["c", "c"]) == -math.inf  # "c c" never seen: log10 0


def test_kenlm_and_we_agree_on_a_brown_model(tmp_path: Path) -> None:
    import gzip

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "lm"
    with gzip.open(fixtures / "brown300.txt.gz", "rt", encoding="utf-8") as f:
        sentences = [line.split() for line in f]
    train, test = sentences[:250], sentences[250:]
    lm = estimate(count_ngrams(train, 5), "mkn")
    write_arpa(lm, tmp_path / "brown.arpa")
    model = kenlm_model(tmp_path / "brown.arpa")
    ours = lm.score(test)
    assert ours.oov > 0
    theirs = sum(model.score(" ".join(s)) for s in test)
    assert theirs == pytest.approx(ours.log10_prob, abs=1e-3)
    words = sum(len(s) for s in test)
    assert 10 ** (-theirs / (words + len(test))) == pytest.approx(ours.perplexity, rel=1e-6)


def test_kneser_ney_arpa_of_brown300_is_byte_identical_to_the_stored_one(tmp_path: Path) -> None:
    """Regression oracle: the file this code wrote before its counting was sped up."""
    import gzip

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "lm"
    with gzip.open(fixtures / "brown300.txt.gz", "rt", encoding="utf-8") as f:
        sentences = [line.split() for line in f]
    write_arpa(estimate(count_ngrams(sentences, 3, min_count=2), "kn"), tmp_path / "kn3.arpa")
    with gzip.open(fixtures / "brown300.kn3.arpa.gz", "rt", encoding="utf-8") as f:
        stored = f.read()
    assert (tmp_path / "kn3.arpa").read_text(encoding="utf-8") == stored


# --- malformed and truncated files ---------------------------------------------------------


@pytest.fixture
def good_lines(tmp_path: Path) -> list[str]:
    corpus = [["a", "b", "c"], ["a", "b", "b"], ["c", "a"]]
    write_arpa(estimate(count_ngrams(corpus, 3), "kn"), tmp_path / "good.arpa")
    return (tmp_path / "good.arpa").read_text(encoding="utf-8").splitlines()


def at(lines: list[str], prefix: str) -> int:
    """0-based index of the first line starting with ``prefix``."""
    return next(i for i, line in enumerate(lines) if line.startswith(prefix))


def words_of(line: str) -> str:
    """The n-gram of an ARPA entry line ("" for other lines)."""
    fields = line.split("\t")
    return fields[1] if len(fields) > 1 else ""


def entry(lines: list[str], words: str) -> int:
    """0-based index of the entry line of n-gram ``words``."""
    return next(i for i, line in enumerate(lines) if words_of(line) == words)


Edit = Callable[[list[str]], tuple[list[str], int]]  # lines -> (new lines, 1-based bad line)


def _truncate(lines: list[str]) -> tuple[list[str], int]:
    cut = entry(lines, "a b") + 1
    return lines[:cut], cut + 1


def _no_end(lines: list[str]) -> tuple[list[str], int]:
    return lines[:-1], len(lines)


def _bad_number(lines: list[str]) -> tuple[list[str], int]:
    i = entry(lines, "b c")
    return [*lines[:i], "minus\tb c\t-0.1", *lines[i + 1 :]], i + 1


def _unknown_word(lines: list[str]) -> tuple[list[str], int]:
    i = entry(lines, "b c")
    return [*lines[:i], "-0.5\tb zebra\t-0.1", *lines[i + 1 :]], i + 1


def _fields(lines: list[str]) -> tuple[list[str], int]:
    i = entry(lines, "a b c")
    return [*lines[:i], "-0.5\ta b c\t-0.1", *lines[i + 1 :]], i + 1  # backoff at order N


def _short_section(lines: list[str]) -> tuple[list[str], int]:
    i = entry(lines, "a b")
    return [*lines[:i], *lines[i + 1 :]], at(lines, "\\3-grams:") - 1  # the blank comes early


def _long_section(lines: list[str]) -> tuple[list[str], int]:
    i = entry(lines, "a b")
    end = at(lines, "\\3-grams:") - 1  # the blank line closing the 2-grams
    return [*lines[:end], lines[i], *lines[end:]], end + 1


def _twice(lines: list[str]) -> tuple[list[str], int]:
    first = entry(lines, "a b")
    i = entry(lines, "b c")
    return [*lines[:i], lines[first], *lines[i + 1 :]], i + 1


def _no_prefix(lines: list[str]) -> tuple[list[str], int]:
    i = entry(lines, "a b")
    out = list(lines)
    count = int(lines[at(lines, "ngram 2=")].split("=")[1])
    out[at(lines, "ngram 2=")] = f"ngram 2={count - 1}"
    del out[i]
    first = next(j for j, line in enumerate(out) if words_of(line).startswith("a b "))
    return out, first + 1


def _positive(lines: list[str]) -> tuple[list[str], int]:
    i = entry(lines, "b c")
    return [*lines[:i], "0.5\tb c\t-0.1", *lines[i + 1 :]], i + 1


def _no_data(lines: list[str]) -> tuple[list[str], int]:
    return [line for line in lines if line != "\\data\\"], 1  # where \data\ belonged


def _bad_count(lines: list[str]) -> tuple[list[str], int]:
    i = at(lines, "ngram 2=")
    return [*lines[:i], "ngram 2=many", *lines[i + 1 :]], i + 1


CASES: dict[str, tuple[Edit, str]] = {
    "truncated": (_truncate, "ends after"),
    "no \\end\\": (_no_end, "ends before \\end\\"),
    "not a number": (_bad_number, "'minus' is not a finite number"),
    "unknown word": (_unknown_word, "'zebra' is not among the 1-grams"),
    "backoff at order N": (_fields, "needs 4 fields"),
    "section too short": (_short_section, "entries, but the header declares"),
    "section too long": (_long_section, "has more entries than the"),
    "listed twice": (_twice, "listed twice"),
    "prefix missing": (_no_prefix, "prefix (2-gram) is not listed"),
    "probability above 1": (_positive, "is above 0"),
    "no \\data\\": (_no_data, "no \\data\\ header in the file"),
    "bad count": (_bad_count, "expected 'ngram 2=COUNT'"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_arpa_is_one_line_error_with_the_line_number(
    case: str, good_lines: list[str], tmp_path: Path
) -> None:
    edit, message = CASES[case]
    lines, line_no = edit(good_lines)
    path = tmp_path / "bad.arpa"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        read_arpa(path)
    text = str(error.value)
    assert "\n" not in text
    assert message in text, text
    assert f"{path}, line {line_no}:" in text, text


def test_empty_and_non_utf8_files_are_data_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.arpa").write_text("")
    with pytest.raises(DataError, match="is empty"):
        read_arpa(tmp_path / "empty.arpa")
    (tmp_path / "latin1.arpa").write_bytes(b"\\data\\\nngram 1=1\n\n\\1-grams:\n-1\tcaf\xe9\n")
    with pytest.raises(DataError, match="line 5: not valid UTF-8"):
        read_arpa(tmp_path / "latin1.arpa")


def test_a_file_without_unk_gets_kenlms_minus_100(tmp_path: Path) -> None:
    path = tmp_path / "nounk.arpa"
    path.write_text(
        "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-0.3\t</s>\n-99\t<s>\t0\n-0.3\ta\t0\n\n"
        "\\2-grams:\n-0.1\t<s> a\n\n\\end\\\n"
    )
    lm = read_arpa(path)
    assert lm.sentence_log10(["zebra"]) == pytest.approx(-100.3)
    assert kenlm_scores(path, [["zebra"]])[0] == pytest.approx(-100.3, abs=1e-4)
