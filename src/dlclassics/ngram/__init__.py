"""Statistical n-gram language models — note 002, 统计语言模型 — a user guide.

An n-gram model approximates the chain rule with a short history,

    P(w_1 … w_m) = Π_i P(w_i | w_{i−n+1} … w_{i−1}),

estimates each factor from counts, and — because an n-gram missing from training would
get probability zero — *smooths* the estimates (平滑) so that unseen n-grams get a small
non-zero probability. Count once, then pick a smoother:

>>> from dlclassics.ngram import count_ngrams, estimate, read_arpa, write_arpa
>>> train = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"]]
>>> counts = count_ngrams(train, order=3)           # <s>/</s> added, any order
>>> lm = estimate(counts, "mkn")                     # modified Kneser–Ney
>>> score = lm.score([["the", "cat", "ran"]])        # log10 P, tokens, perplexity
>>> round(score.perplexity, 2)
2.67
>>> round(lm.score([["a", "zebra", "sat"]]).perplexity, 1)  # unseen word: finite
7.4
>>> lm.generate(np.random.default_rng(0), max_tokens=10)   # doctest: +SKIP
['the', 'cat', 'sat']

Smoothers (:data:`SMOOTHERS`, ``--smoothing`` on the command line):

========  ===================================================  =============================
name      what                                                 module
========  ===================================================  =============================
mle       c(h, w) / c(h), zero for unseen n-grams              :mod:`.smoothing`
addk      add-k / Laplace, backing off for unseen words         :mod:`.smoothing`
katz      Katz backoff with Good–Turing discounts               :mod:`.smoothing`
interp    linear interpolation, λ tuned by EM on held-out text  :mod:`.interpolation`
absolute  interpolated absolute discounting                     :mod:`.kneser_ney`
kn        interpolated Kneser–Ney                               :mod:`.kneser_ney`
mkn       modified Kneser–Ney, three discounts                  :mod:`.kneser_ney`
========  ===================================================  =============================

Every smoother returns a :class:`BackoffLM` in ARPA form; :func:`write_arpa` saves it for
SRILM or kenlm (``kenlm.Model(path)`` scores sentences exactly as :meth:`BackoffLM.score`
does, to float32 precision), and :func:`read_arpa` loads any ARPA file back. Unknown
words, ``<unk>`` and the perplexity convention are described in
:mod:`dlclassics.ngram.backoff`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dlclassics.errors import ConfigError
from dlclassics.ngram.arpa import read_arpa, write_arpa
from dlclassics.ngram.backoff import BackoffLM, Score
from dlclassics.ngram.counts import NGramCounts, count_ngrams
from dlclassics.ngram.interpolation import Interpolated, interpolated
from dlclassics.ngram.kneser_ney import (
    AbsoluteDiscounting,
    KneserNey,
    ModifiedKneserNey,
    absolute_discounting,
    kneser_ney,
    modified_kneser_ney,
)
from dlclassics.ngram.smoothing import AddK, Katz, MaximumLikelihood, add_k, katz, mle
from dlclassics.registry import Registry

__all__ = [
    "SMOOTHERS",
    "BackoffLM",
    "NGramCounts",
    "Score",
    "Smoother",
    "count_ngrams",
    "estimate",
    "read_arpa",
    "write_arpa",
]


@dataclass(frozen=True, kw_only=True)
class Smoother:
    config: type[Any]  # frozen dataclass of the smoother's settings
    estimate: Callable[..., BackoffLM]  # (counts, config[, held_out=...]) -> model
    held_out: bool = False  # tunes settings on held-out sentences
    help: str = ""


SMOOTHERS: Registry[Smoother] = Registry("smoothing")
SMOOTHERS.add("mle", Smoother(config=MaximumLikelihood, estimate=mle, help="c(h,w)/c(h)"))
SMOOTHERS.add("addk", Smoother(config=AddK, estimate=add_k, help="add-k (Laplace: k=1)"))
SMOOTHERS.add("katz", Smoother(config=Katz, estimate=katz, help="Katz backoff, Good–Turing"))
SMOOTHERS.add(
    "interp",
    Smoother(
        config=Interpolated,
        estimate=interpolated,
        held_out=True,
        help="linear interpolation, λ by EM on held-out text",
    ),
)
SMOOTHERS.add(
    "absolute",
    Smoother(config=AbsoluteDiscounting, estimate=absolute_discounting, help="absolute disc."),
)
SMOOTHERS.add("kn", Smoother(config=KneserNey, estimate=kneser_ney, help="interpolated KN"))
SMOOTHERS.add(
    "mkn", Smoother(config=ModifiedKneserNey, estimate=modified_kneser_ney, help="modified KN")
)


def estimate(
    counts: NGramCounts,
    smoothing: str = "mkn",
    config: Any = None,
    *,
    held_out: Iterable[Sequence[str]] | None = None,
) -> BackoffLM:
    """The model of ``counts`` under ``smoothing`` (a :data:`SMOOTHERS` name).

    ``config``: the smoother's settings dataclass (default settings when None);
    ``held_out``: sentences for the smoothers that tune on them (``interp``).
    """
    smoother = SMOOTHERS[smoothing]
    config = smoother.config() if config is None else config
    if not isinstance(config, smoother.config):
        raise ConfigError(
            f"{smoothing} takes a {smoother.config.__name__} config, not {type(config).__name__}"
        )
    if smoother.held_out:
        return smoother.estimate(counts, config, held_out=held_out)
    return smoother.estimate(counts, config)
