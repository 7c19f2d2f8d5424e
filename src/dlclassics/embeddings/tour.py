"""The word-vector step of ``dlc tour``: word2vec on the State of the Union, queried and drawn.

Notes 001/002/004: train word2vec (negative sampling, k = 5, window 5) on 1.8M words of
State of the Union addresses (1790–2021, lower-cased), then ask it analogies (a − b + c),
score it on Google's analogy questions and WordSim-353, and draw two PCA pictures in which
an analogy is a set of parallel arrows (countries → capitals, male → female words).

``--quick``: CBOW (several times faster than skip-gram; ≈ 40 s on 2 busy cores, reading the
corpus included); the full tour trains skip-gram (≈ 2 minutes). Both run 5 epochs with the
other word2vec.c defaults. The example analogies were picked among those skip-gram answers on
this corpus — a showcase, not a measurement; the Google-set accuracy is the unbiased figure.
"""

from __future__ import annotations

import math
import shutil
import time
from pathlib import Path

from dlclassics.config import to_dict
from dlclassics.embeddings.corpus import word_sentences
from dlclassics.embeddings.evaluate import evaluate_analogies, evaluate_similarity
from dlclassics.embeddings.formats import save_word2vec_format
from dlclassics.embeddings.keyed import KeyedVectors
from dlclassics.embeddings.plot import plot_words
from dlclassics.embeddings.word2vec import Word2VecConfig, train_word2vec
from dlclassics.io import write_json
from dlclassics.report.html import ResultRow, Section
from dlclassics.tour import TourConfig

CORPUS = "sotu"
EVALUATION_SETS = ("analogy-en", "wordsim353")
ANALOGIES = (  # a − b + c ≈ d
    ("husband", "man", "woman", "wife"),
    ("his", "he", "she", "her"),
    ("germany", "berlin", "paris", "france"),
    ("japan", "tokyo", "moscow", "russia"),
    ("larger", "large", "small", "smaller"),
    ("went", "go", "come", "came"),
)
PICTURES = {  # file -> (first group, second group): arrows from one to the other
    "countries_capitals.png": {
        "countries": ["germany", "france", "japan", "russia", "italy", "england", "spain"],
        "capitals": ["berlin", "paris", "tokyo", "moscow", "rome", "london", "madrid"],
    },
    "male_female.png": {
        "male": ["man", "he", "his", "husband", "king", "father"],
        "female": ["woman", "she", "her", "wife", "queen", "mother"],
    },
}


def _config(config: TourConfig) -> Word2VecConfig:
    if config.quick:
        return Word2VecConfig(model="cbow", loss="ns", epochs=5, seed=config.seed + 1)
    return Word2VecConfig(model="sg", loss="ns", epochs=5, seed=config.seed + 1)


def _fetch(names: tuple[str, ...]) -> None:
    from dlclassics.data import require

    for name in names:
        require(name)


def _analogy_rows(kv: KeyedVectors) -> list[ResultRow]:
    rows = []
    for a, b, c, expected in ANALOGIES:
        if not all(w in kv for w in (a, b, c)):
            rows.append(
                ResultRow(
                    what=f"{a} − {b} + {c}",
                    ours="(a word is missing)",
                    reference=expected,
                    ok=False,
                )
            )
            continue
        (answer, cos), *_ = kv.analogy(a, b, c)
        rows.append(
            ResultRow(
                what=f"{a} − {b} + {c}", ours=f"{answer} (cos {cos:.2f})", reference=expected,
                ok=answer == expected,
            )
        )  # fmt: skip
    return rows


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.1f} %"


def tour_step(config: TourConfig, out_dir: Path) -> Section:
    shutil.rmtree(out_dir, ignore_errors=True)  # the tour's own output: each tour starts afresh
    _fetch((CORPUS, *EVALUATION_SETS))
    w2v = _config(config)
    start = time.perf_counter()
    sentences = list(word_sentences(CORPUS, lowercase=True))  # read once; every epoch reuses it
    kv, stats, _ = train_word2vec(sentences, w2v)
    seconds = time.perf_counter() - start
    save_word2vec_format(kv, out_dir / "vectors.bin")

    analogies = evaluate_analogies(kv)
    ws353 = evaluate_similarity(kv, "wordsim353")
    images = [
        plot_words(kv, {k: [w for w in g if w in kv] for k, g in groups.items()},
                   out_dir / name, arrows=True, seed=config.seed)
        for name, groups in PICTURES.items()
    ]  # fmt: skip
    write_json(
        out_dir / "tour.json",
        {
            "word2vec": to_dict(w2v),
            "train": stats.to_dict(),
            "analogy": analogies,
            "wordsim353": ws353,
        },
    )
    tokens = sum(len(s) for s in sentences)
    losses = ", ".join(f"{e.loss:.3f}" for e in stats.epochs)
    name = {"sg": "skip-gram", "cbow": "CBOW"}[w2v.model]
    return Section(
        title="word2vec on the State of the Union (notes 001, 002, 004: word vectors, analogies)",
        summary=(
            f"{name} with negative sampling (k = {w2v.negative}, window {w2v.window}, dim "
            f"{w2v.dim}, subsampling t = {w2v.sample:g}, {w2v.epochs} epochs) on {tokens:,} "
            f"lower-cased tokens of 233 State of the Union addresses; {len(kv):,} words seen at "
            f"least {w2v.min_count} times. Each analogy a − b + c is answered by the word whose "
            f"unit vector is nearest to â − b̂ + ĉ (3CosAdd), the three query words excluded. "
            f"In the PCA pictures (of unit vectors) an analogy that holds is a set of parallel "
            f"arrows. Loss per epoch: {losses}."
        ),
        rows=[
            *_analogy_rows(kv),
            ResultRow(
                what="Google analogies (top 30,000 words, 3CosAdd)",
                ours=f"{_pct(analogies['accuracy'])} of {analogies['answered']:,} answered "
                f"({analogies['oov']:,} with a word outside the vocabulary)",
                reference="gensim on the same corpus and settings: "
                "benchmarks/results/word2vec_vs_gensim.json",
            ),
            ResultRow(
                what="WordSim-353 Spearman",
                ours=f"{ws353['spearman']:.3f} ({ws353['pairs']} pairs)",
                reference="higher is better (0: unrelated to the human scores)",
            ),
            ResultRow(
                what="training speed",
                ours=f"{stats.words_per_sec:,.0f} words/s, {seconds:.0f} s in all",
                reference=f"{w2v.workers} threads; gensim: benchmarks/word2vec_vs_gensim.py",
            ),
        ],
        images=images,
        seconds=seconds,
        timed="reading the corpus + training",
        command=(
            f"dlc word2vec train --corpus {CORPUS} --lowercase --model {w2v.model} --loss ns "
            f"--epochs {w2v.epochs} --out {out_dir} && dlc vectors analogy husband man woman "
            f"--vectors {out_dir}"
        ),
    )
