"""n-gram LMs on Brown: build speed vs NLTK, scoring speed vs kenlm, and the perplexity table.

Targets: building a trigram Kneser–Ney model on the Brown train split ≥ 50× faster
than NLTK's ``KneserNeyInterpolated``; scoring the Brown test split side by side with the
``kenlm`` module (ratio reported); Brown perplexities for add-k and interpolated KN trigrams
and a modified KN 5-gram.

    python benchmarks/ngram.py                      # about 5 minutes on 2 cores
    python benchmarks/ngram.py --nltk-repeats 1     # one NLTK fit (15–70 s each, by load)

Data: Brown with Bengio et al.'s (2003) split (train 800,001 words / val 200,021 / test
161,170; NLTK's tokenisation, case kept), one sentence per line. All three programs use the
same convention: each sentence framed by ``<s> … </s>``, ``</s>`` scored, ``<s>`` not.

* **Build** (``table: build``), three comparisons (``work``), each ours vs NLTK 3.10.4 on the
  full train split with every train word in the vocabulary (NLTK's default):

  - ``model`` (the headline): ours = count all 1-, 2-, 3-grams and estimate interpolated KN
    (every probability and backoff weight computed, ready to score or write); NLTK =
    ``padded_everygram_pipeline`` + ``KneserNeyInterpolated(3).fit``, which only counts —
    NLTK computes KN probabilities at query time, each lower-order query scanning every
    higher-order n-gram. Ours does strictly more work here;
  - ``counts``: the same work on both sides — ours = ``count_ngrams`` only;
  - ``model + scores``: the time to the first answers — each builds, then scores the first
    ``--nltk-sentences`` test sentences (ours: ``BackoffLM.score``; NLTK: ``score`` per
    trigram, its own padding). NLTK's figure is its best fit plus its scoring time from
    ``score_nltk`` (one run: about 0.3 s per token).

  Timing: wall clock, one thread everywhere (torch, BLAS; our code is single-threaded NumPy and
  Numba); ours and NLTK alternate — each round times ours ``--repeats`` times, then one NLTK
  fit — and each side keeps its best; ``settings.load_average_1min`` records how busy the
  machine was. Writing the ARPA file is not included (timed apart).
  ``speedup_vs_X`` = X's seconds / ours everywhere (below 1: we are slower).
* **NLTK scoring** (``table: score_nltk``): seconds per token of NLTK's ``score`` on the
  first ``--nltk-sentences`` test sentences (its own padding), with the perplexity it gives
  them — infinite, because its KN unigram gives unseen words probability 0 — next to ours.
* **Scoring** (``table: score``): log10 P of the whole test split, the same ARPA file (our KN
  trigram, Brown vocabulary below) in ours and in kenlm 0.3.0 (``Model.score`` per line, C++,
  probing hash tables); the totals are checked to agree. Both from the same lines, both
  including their tokenisation (split at whitespace, vocabulary hashing): ours
  ``BackoffLM.score_lines`` (Numba); also ours from already-split token lists
  (``BackoffLM.score``, words looked up in a Python dict). Process CPU seconds (all three
  single-threaded; CPU time is what other jobs on a shared machine disturb least), best of
  ``--repeats``, alternating. ``--only-score`` re-runs these rows alone. Load times of that
  ARPA file are given too.
* **Perplexity** (``table: brown``): vocabulary = the 14,113 words seen ≥ 4 times in train
  (``BROWN_MIN_COUNT``), everything else ``<unk>`` (scored and counted, as kenlm does);
  Bengio et al. merged words of frequency ≤ 3 in their whole corpus (|V| = 16,383) and
  tokenised differently (their test part is 181,041 words), so their perplexities are not
  directly comparable with these. ``params`` = stored numbers (a log10
  probability per n-gram, a backoff weight per n-gram below the top order). add-k's k is
  chosen on val from {1, 0.1, 0.01, 0.001}; interp's λ are tuned on val by EM, so its val
  perplexity is optimistic. ``train_seconds``: counting + estimation (+ EM for interp),
  one run.

Not shown: memory use; kenlm's own estimator (``lmplz``, a C++ program not in the PyPI
module; our modified KN equals its output to float32 precision — tests/lm); pruning.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import kenlm
import nltk
import torch
from nltk.lm import KneserNeyInterpolated
from nltk.lm.preprocessing import pad_both_ends, padded_everygram_pipeline
from nltk.util import ngrams
from threadpoolctl import threadpool_limits

from _common import RESULTS, write_results
from dlclassics.data.corpora import Text
from dlclassics.io import write_json
from dlclassics.lm.data import BROWN_MIN_COUNT
from dlclassics.ngram import BackoffLM, NGramCounts, count_ngrams, estimate
from dlclassics.ngram.arpa import read_arpa, write_arpa
from dlclassics.ngram.interpolation import Interpolated, tune_weights
from dlclassics.ngram.kneser_ney import adjusted_counts, discounts
from dlclassics.ngram.smoothing import AddK

Sentences = list[list[str]]
K_GRID = (1.0, 0.1, 0.01, 0.001)  # add-k's k, chosen by val perplexity


def best_of(repeats: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = math.inf, None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def ours_build(train: Sentences) -> BackoffLM:
    return estimate(count_ngrams(train, 3), "kn")


def nltk_build(train: Sentences) -> KneserNeyInterpolated:
    data, vocab = padded_everygram_pipeline(3, train)
    model = KneserNeyInterpolated(3)
    model.fit(data, vocab)
    return model


def build_timings(
    train: Sentences, queries: Sentences, repeats: int, nltk_repeats: int
) -> tuple[dict[str, float], BackoffLM, KneserNeyInterpolated]:
    """Best seconds of each timed job; rounds of ours ``repeats`` times, then one NLTK fit."""
    best = dict.fromkeys(("model", "counts", "model + scores", "nltk fit"), math.inf)
    jobs: dict[str, Callable[[], Any]] = {
        "model": lambda: ours_build(train),
        "counts": lambda: count_ngrams(train, 3),
        "model + scores": lambda: ours_build(train).score(queries),
    }
    nltk_model = None
    for _ in range(nltk_repeats):
        for _ in range(repeats):
            for work, job in jobs.items():
                best[work] = min(best[work], best_of(1, job)[0])
        nltk_model = None  # freed before the next fit is timed
        t, nltk_model = best_of(1, lambda: nltk_build(train))
        best["nltk fit"] = min(best["nltk fit"], t)
    assert nltk_model is not None, "--nltk-repeats must be ≥ 1"
    return best, ours_build(train), nltk_model


WHAT = {
    "model": (
        "count 1-3-grams + every KN probability and backoff weight",
        "fit only: counts; KN computed at query time",
    ),
    "counts": ("count 1-3-grams (count_ngrams)", "fit: counts"),
    "model + scores": (
        "count + estimate, then score the first {n} test sentences",
        "best fit + scoring the first {n} test sentences ({tokens} trigrams, score_nltk row)",
    ),
}


def build_rows(
    train: Sentences, best: dict[str, float], nltk_score_seconds: float, n: int, tokens: int
) -> list[dict[str, Any]]:
    common = {
        "table": "build",
        "model": "interpolated KN trigram",
        "data": "brown:train",
        "words": sum(len(s) for s in train),
        "sentences": len(train),
    }
    rows = []
    for work, (ours_what, nltk_what) in WHAT.items():
        nltk_s = best["nltk fit"] + (nltk_score_seconds if work == "model + scores" else 0.0)
        rows += [
            {
                **common,
                "work": work,
                "impl": "dlclassics",
                "seconds": round(best[work], 4),
                "speedup_vs_nltk": round(nltk_s / best[work], 1),
                "what": ours_what.format(n=n),
            },
            {
                **common,
                "work": work,
                "impl": f"nltk {nltk.__version__}",
                "seconds": round(nltk_s, 3),
                "speedup_vs_nltk": 1.0,
                "what": nltk_what.format(n=n, tokens=tokens),
            },
        ]
    return rows


def nltk_score_rows(
    ours: BackoffLM, model: KneserNeyInterpolated, test: Sentences, n_sentences: int
) -> tuple[list[dict[str, Any]], float]:
    """Rows of ``table: score_nltk``, and NLTK's seconds to score the subset."""
    subset = test[:n_sentences]
    grams = [g for s in subset for g in ngrams(pad_both_ends(s, n=3), 3)]
    start = time.perf_counter()
    scores = [model.score(g[-1], list(g[:-1])) for g in grams]
    nltk_s = time.perf_counter() - start
    nltk_ppl = math.inf if min(scores) == 0 else 2 ** (-sum(map(math.log2, scores)) / len(scores))
    t, score = best_of(3, lambda: ours.score(subset))
    common = {
        "table": "score_nltk",
        "model": "interpolated KN trigram",
        "data": f"brown:test, first {n_sentences} sentences",
    }
    rows = [
        {
            **common,
            "impl": f"nltk {nltk.__version__}",
            "tokens": len(grams),
            "seconds_per_token": nltk_s / len(grams),
            "perplexity": "inf" if math.isinf(nltk_ppl) else round(nltk_ppl, 2),
            "zero_probability_tokens": sum(s == 0 for s in scores),
        },
        {
            **common,
            "impl": "dlclassics",
            "tokens": score.tokens,
            "seconds_per_token": t / score.tokens,
            "perplexity": round(score.perplexity, 2),
            "zero_probability_tokens": 0,
            "speedup_vs_nltk": round(nltk_s / len(grams) / (t / score.tokens)),
        },
    ]
    return rows, nltk_s


def cpu_seconds(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Process CPU time of one call (single-threaded code: unaffected by other jobs' load)."""
    gc.collect()
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def score_rows(lm: BackoffLM, test: Sentences, repeats: int, tmp: Path) -> list[dict[str, Any]]:
    arpa = tmp / "kn3.arpa"
    write_seconds, _ = best_of(1, lambda: write_arpa(lm, arpa))
    ours_load, ours_lm = best_of(3, lambda: read_arpa(arpa))
    kenlm_load, model = best_of(3, lambda: kenlm.Model(str(arpa)))
    lines = [" ".join(s) for s in test]
    ours_lm.score_lines(lines[:10])  # compile and build the hash tables outside the timing
    lines_s, lists_s, kenlm_s = math.inf, math.inf, math.inf
    for _ in range(repeats):  # alternating, best CPU time of each
        t, score = cpu_seconds(lambda: ours_lm.score_lines(lines))
        lines_s = min(lines_s, t)
        t, from_lists = cpu_seconds(lambda: ours_lm.score(test))
        lists_s = min(lists_s, t)
        t, total = cpu_seconds(lambda: sum(model.score(line) for line in lines))
        kenlm_s = min(kenlm_s, t)
    assert from_lists == score, (from_lists, score)
    assert abs(total - score.log10_prob) < 1e-6 * abs(total), (total, score.log10_prob)
    common = {
        "table": "score",
        "model": "interpolated KN trigram (Brown vocabulary)",
        "data": "brown:test",
        "tokens": score.tokens,
        "sentences": score.sentences,
        "timing": "process CPU seconds, best of --repeats, the three alternating",
    }
    ours = {
        "log10_prob": round(score.log10_prob, 3),
        "perplexity": round(score.perplexity, 3),
        "arpa_load_seconds": round(ours_load, 2),
        "arpa_write_seconds": round(write_seconds, 2),
    }
    return [
        {
            **common,
            "impl": "dlclassics",
            "input": "lines",
            "seconds": round(lines_s, 4),
            "speedup_vs_kenlm": round(kenlm_s / lines_s, 2),
            **ours,
            "what": "BackoffLM.score_lines: the same lines as kenlm; split at whitespace and "
            "vocabulary hashing compiled (Numba), then hash-table backoff (kenlm's probing "
            "structure) — tokenisation included, as in kenlm's",
        },
        {
            **common,
            "impl": "dlclassics",
            "input": "token lists",
            "seconds": round(lists_s, 4),
            "speedup_vs_kenlm": round(kenlm_s / lists_s, 2),
            **ours,
            "what": "BackoffLM.score: already-split token lists -> ids (Python dict) -> "
            "hash-table backoff; kenlm cannot take token lists, so this row compares unlike "
            "inputs",
        },
        {
            **common,
            "impl": f"kenlm {getattr(kenlm, '__version__', '0.3.0')}",
            "input": "lines",
            "seconds": round(kenlm_s, 4),
            "speedup_vs_kenlm": 1.0,
            "log10_prob": round(total, 3),
            "perplexity": round(10 ** (-total / score.tokens), 3),
            "arpa_load_seconds": round(kenlm_load, 2),
            "what": "Model.score(line) per sentence (C++ splits the line and hashes its words; "
            "the ' '.join of the token lists is outside the timing, for both)",
        },
    ]


Make = Callable[[NGramCounts], tuple[BackoffLM, dict[str, Any]]]  # counts -> model, settings


def perplexity_row(
    name: str, order: int, data: tuple[Sentences, Sentences, Sentences], make: Make
) -> dict[str, Any]:
    train, val, test = data
    start = time.perf_counter()
    lm, settings = make(count_ngrams(train, order, min_count=BROWN_MIN_COUNT))
    seconds = time.perf_counter() - start
    valid, tested = lm.score(val).perplexity, lm.score(test).perplexity
    return {
        "table": "brown",
        "model": name,
        "order": order,
        "params": lm.params,
        "valid_ppl": round(valid, 2) if math.isfinite(valid) else "inf",
        "test_ppl": round(tested, 2) if math.isfinite(tested) else "inf",
        "train_seconds": round(seconds, 2),
        "settings": settings,
    }


def plain(smoothing: str) -> Make:
    return lambda counts: (estimate(counts, smoothing), {"smoothing": smoothing})


def kneser_ney(smoothing: str) -> Make:
    def make(counts: NGramCounts) -> tuple[BackoffLM, dict[str, Any]]:
        modified = smoothing == "mkn"
        D = discounts(counts, adjusted_counts(counts, continuation=True), modified=modified)
        shown = [[round(x, 4) for x in d] if modified else round(d[0], 4) for d in D]
        return estimate(counts, smoothing), {"smoothing": smoothing, "discounts": shown}

    return make


def add_k(k: float) -> Make:
    return lambda counts: (estimate(counts, "addk", AddK(k=k)), {"smoothing": "addk", "k": k})


def interpolation(val: Sentences) -> Make:
    def make(counts: NGramCounts) -> tuple[BackoffLM, dict[str, Any]]:
        lam = tune_weights(counts, val)
        lm = estimate(counts, "interp", Interpolated(lambdas=lam))
        return lm, {"smoothing": "interp", "lambdas": [round(x, 4) for x in lam]}

    return make


def brown_rows(data: tuple[Sentences, Sentences, Sentences]) -> list[dict[str, Any]]:
    by_k = {k: perplexity_row(f"add-k trigram (k={k})", 3, data, add_k(k)) for k in K_GRID}
    best = min(K_GRID, key=lambda k: by_k[k]["valid_ppl"])
    chosen = by_k[best]
    chosen["settings"]["valid_ppl_by_k"] = {str(k): by_k[k]["valid_ppl"] for k in K_GRID}
    return [
        chosen,
        perplexity_row("interpolated KN trigram", 3, data, kneser_ney("kn")),
        perplexity_row("modified KN 5-gram", 5, data, kneser_ney("mkn")),
        perplexity_row("MLE trigram", 3, data, plain("mle")),
        perplexity_row("Katz backoff trigram (Good–Turing)", 3, data, plain("katz")),
        perplexity_row(
            "linear interpolation trigram (λ: EM on val)", 3, data, interpolation(data[1])
        ),
        perplexity_row("interpolated absolute discounting trigram", 3, data, plain("absolute")),
        perplexity_row("modified KN trigram", 3, data, kneser_ney("mkn")),
        perplexity_row("interpolated KN 5-gram", 5, data, kneser_ney("kn")),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of ours per round / kenlm")
    parser.add_argument("--nltk-repeats", type=int, default=2, help="NLTK fits (15–70 s each)")
    parser.add_argument("--nltk-sentences", type=int, default=10, help="test sentences NLTK scores")
    parser.add_argument(
        "--only-score", action="store_true", help="re-run the scoring rows only, keep the others"
    )
    args = parser.parse_args()

    load_before = os.getloadavg()[0]  # other jobs on the machine: timings are wall clock
    torch.set_num_threads(1)
    threadpool_limits(limits=1)  # NumPy's BLAS (unused by the n-gram code, but shared cores)
    train, val, test = (list(Text(f"brown:{s}")) for s in ("train", "val", "test"))
    if args.only_score:
        kn3 = estimate(count_ngrams(train, 3, min_count=BROWN_MIN_COUNT), "kn")
        with TemporaryDirectory() as tmp:
            scoring = score_rows(kn3, test, args.repeats, Path(tmp))
        path = RESULTS / "ngram.json"
        results = json.loads(path.read_text(encoding="utf-8"))
        command = "python benchmarks/ngram.py " + " ".join(sys.argv[1:])
        results["rows"] = [r for r in results["rows"] if r["table"] != "score"] + [
            {**r, "command": command, "date": datetime.now(UTC).strftime("%Y-%m-%d")}
            for r in scoring
        ]
        results["settings"]["score_load_average_1min"] = round(os.getloadavg()[0], 1)
        write_json(path, results)
        print(f"wrote {path}")
        return
    queries = test[: args.nltk_sentences]
    best, ours_full, nltk_model = build_timings(train, queries, args.repeats, args.nltk_repeats)
    nltk_rows, nltk_score_seconds = nltk_score_rows(ours_full, nltk_model, test, len(queries))
    del nltk_model
    tokens = int(nltk_rows[0]["tokens"])
    build = build_rows(train, best, nltk_score_seconds, len(queries), tokens)
    kn3 = estimate(count_ngrams(train, 3, min_count=BROWN_MIN_COUNT), "kn")
    with TemporaryDirectory() as tmp:
        scoring = score_rows(kn3, test, args.repeats, Path(tmp))
    brown = brown_rows((train, val, test))
    path = write_results(
        "ngram",
        "n-gram LMs on Brown: trigram KN build vs NLTK, test scoring vs kenlm, perplexities",
        build + nltk_rows + scoring + brown,
        settings={
            "data": "Brown, Bengio et al. 2003 split: train 35,523 sentences / 800,001 words, "
            "val 11,690 / 200,021, test 10,127 / 161,170 (NLTK tokenisation, case kept)",
            "vocabulary": f"build/score_nltk: every train word (46,187 + <unk>, </s>); score and "
            f"brown: train words with count >= {BROWN_MIN_COUNT} (14,113 + <unk>, </s>), the rest "
            "<unk>; Bengio et al. 2003: |V| = 16,383 (frequency <= 3 merged, whole corpus)",
            "perplexity": "10^(-sum log10 P / (words + sentences)): </s> counted, <s> not, "
            "OOV words scored as <unk> (kenlm's convention)",
            "threads": 1,
            "load_average_1min": {
                "start": round(load_before, 1),
                "end": round(os.getloadavg()[0], 1),
                "cores": os.cpu_count(),
            },
            "repeats": args.repeats,
            "nltk_repeats": args.nltk_repeats,
            "nltk": nltk.__version__,
            "kenlm": "0.3.0",
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
