"""word2vec on Chinese: People's Daily as segmented (PKU) vs re-segmented by jieba.

Targets: train on People's Daily (already segmented) and on raw Chinese text segmented
with jieba; evaluate with synonym groups from Cilin and a small Chinese analogy set.

    python benchmarks/word2vec_zh.py                 # both corpora + a gensim row on (a)
    python benchmarks/word2vec_zh.py --no-gensim --epochs 3

Corpora (the same 19,484 lines of People's Daily, January 1998, all splits in the order
train, val, test):

(a) ``peoples-daily``: the registered corpus, i.e. the PKU segmentation, with tokens that
    hold no letter or digit (punctuation) dropped (:mod:`dlclassics.embeddings.corpus`).
(b) ``jieba``: the raw text rebuilt by joining each line's PKU tokens with no separator
    (``peoples_daily.texts``: punctuation kept, as in running text), written one line per
    sentence to a UTF-8 file, then read by ``word_sentences(file, segment="jieba")`` — the
    code path
    of ``dlc word2vec train --corpus FILE --segment jieba`` (``JiebaWords``: ``jieba.cut``
    with HMM, whitespace tokens dropped). That path keeps jieba's punctuation tokens (the
    registered-corpus path drops them), so they count as words of (b).

What jieba does to this text (counted once, deterministic): 1,065,288 tokens (PKU:
1,121,447, punctuation included), 179,320 of them punctuation (36 punctuation types reach
min_count 5); 16,916 types reach min_count 5 (PKU without punctuation: 14,957). It joins
some analogy words into longer tokens, so more questions are skipped as out of vocabulary:
法郎 9 → 1 occurrence, 里拉 6 → 1, 大爷 17 → 2, 女篮 7 → 4, 阿姨 5 → 4, 老头 5 → 3
(PKU → jieba).

Settings (identical for every row): skip-gram with negative sampling, dim 100, window 5,
negative 5, sample 1e-3, min_count 5, alpha 0.025 → 1e-4, 2 worker threads, seed 1, no
lowercasing. Evaluation: :mod:`dlclassics.embeddings.analogy_zh` (2,770 questions, 3CosAdd,
top-30k words; a question with a word outside the vocabulary is skipped and counted as
OOV), and Cilin synonym groups (``evaluate_cilin``: for each word of a "=" group inside the
top-30k words, the rank of each of its synonyms among all words by cosine; mean rank and
precision@10 = share of a query's synonyms (at most 10) found in its 10 nearest words).
``seconds`` is the wall time of training (vocabulary pass excluded; for (b) the first
epoch includes jieba); ``total_seconds`` adds the vocabulary pass (which runs jieba too).
The machine is a shared 2-core box: times are under contention.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from _common import write_results
from dlclassics.data.corpora import SPLITS, Text
from dlclassics.embeddings import analogy_zh
from dlclassics.embeddings.corpus import word_sentences
from dlclassics.embeddings.evaluate import evaluate_analogies, evaluate_cilin
from dlclassics.embeddings.keyed import KeyedVectors
from dlclassics.embeddings.word2vec import Word2VecConfig, train_word2vec

NAME = "word2vec_zh"
# (positive, negative) queries shown with their top answers, whatever they are
EXAMPLES: list[tuple[list[str], list[str]]] = [
    (["国王", "女人"], ["男人"]),  # 国王 − 男人 + 女人 (note 001: 王后)
    (["北京", "日本"], ["中国"]),  # 北京 − 中国 + 日本 (东京)
    (["广州", "四川"], ["广东"]),  # 广州 − 广东 + 四川 (成都)
    (["经济"], []),  # nearest neighbours
    (["改革"], []),
]


def settings(epochs: int, workers: int) -> dict[str, Any]:
    return {"model": "sg", "loss": "ns", "dim": 100, "window": 5, "negative": 5,
            "sample": 1e-3, "min_count": 5, "lr": 0.025, "min_lr": 1e-4,
            "epochs": epochs, "workers": workers, "seed": 1}  # fmt: skip


def raw_text_file(directory: Path) -> Path:
    """People's Daily with its segmentation removed: one unsegmented line per sentence."""
    from dlclassics.data.sets import peoples_daily

    path = directory / "peoples_daily_raw.txt"
    with path.open("w", encoding="utf-8") as f:
        for split in SPLITS:
            for text in peoples_daily.texts(split):
                f.write(text + "\n")
    return path


def examples(kv: KeyedVectors) -> list[dict[str, Any]]:
    shown: list[dict[str, Any]] = []
    for positive, negative in EXAMPLES:
        query = " − ".join([positive[0], *negative]) + "".join(f" + {w}" for w in positive[1:])
        missing = [w for w in positive + negative if w not in kv]
        if missing:
            shown.append({"query": query, "oov": missing})
            continue
        top = kv.most_similar(positive=positive, negative=negative, topn=5)
        shown.append({"query": query, "top5": [[w, round(float(s), 3)] for w, s in top]})
    return shown


def quality(kv: KeyedVectors) -> dict[str, Any]:
    analogy = evaluate_analogies(kv, analogy_zh.questions())
    cilin = evaluate_cilin(kv)
    return {
        "analogy_zh_acc": round(float(analogy["accuracy"]), 4),
        "analogy_zh_answered": int(analogy["answered"]),
        "analogy_zh_oov": int(analogy["oov"]),
        "analogy_zh_sections": {
            name: {k: t[k] for k in ("accuracy", "correct", "answered", "oov")}
            for name, t in analogy["sections"].items()
        },
        "cilin_mean_rank": round(float(cilin["mean_rank"]), 1),
        "cilin_median_rank": float(cilin["median_rank"]),
        "cilin_p10": round(float(cilin["precision_at_k"]), 4),
        "cilin_groups": int(cilin["groups"]),
        "cilin_pairs": int(cilin["pairs"]),
        "cilin_vocab": int(cilin["vocab"]),
        "examples": examples(kv),
    }


def run_ours(corpus: Text, label: str, segmentation: str, cfg: dict[str, Any]) -> dict[str, Any]:
    t0 = time.perf_counter()
    kv, stats, _ = train_word2vec(corpus, Word2VecConfig(**cfg))
    total = time.perf_counter() - t0
    return {"impl": "dlclassics", "corpus": label, "segmentation": segmentation,
            "config": "sg-ns", "settings": cfg, "words": len(kv),
            "corpus_words": stats.raw_words // cfg["epochs"],
            "effective_words": stats.words, **quality(kv),
            "seconds": round(stats.seconds, 2), "total_seconds": round(total, 2),
            "words_per_sec": round(stats.words_per_sec, 1),
            "loss_per_epoch": [round(e.loss, 4) for e in stats.epochs]}  # fmt: skip


def run_gensim(sentences: list[list[str]], label: str, cfg: dict[str, Any]) -> dict[str, Any]:
    from gensim.models import Word2Vec as GensimWord2Vec

    g = GensimWord2Vec(
        vector_size=cfg["dim"], window=cfg["window"], min_count=cfg["min_count"],
        sample=cfg["sample"], sg=1, hs=0, negative=cfg["negative"], alpha=cfg["lr"],
        min_alpha=cfg["min_lr"], workers=cfg["workers"], seed=cfg["seed"],
    )  # fmt: skip
    t0 = time.perf_counter()
    g.build_vocab(sentences)
    t1 = time.perf_counter()
    words, _ = g.train(sentences, total_examples=g.corpus_count, epochs=cfg["epochs"])
    t2 = time.perf_counter()
    wv = g.wv
    counts = np.array([wv.get_vecattr(w, "count") for w in wv.index_to_key], dtype=np.int64)
    kv = KeyedVectors(list(wv.index_to_key), wv.vectors, counts)
    return {"impl": "gensim", "corpus": label, "segmentation": "PKU (as in the corpus)",
            "config": "sg-ns", "settings": cfg, "words": len(kv),
            "effective_words": int(words), **quality(kv), "seconds": round(t2 - t1, 2),
            "total_seconds": round(t2 - t0, 2),
            "words_per_sec": round(words / (t2 - t1), 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-gensim", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    cfg = settings(args.epochs, args.workers)
    rows: list[dict[str, Any]] = []

    def report(row: dict[str, Any]) -> None:
        rows.append(row)
        print(f"{row['impl']:10s} {row['corpus']:14s} words {row['words']:,} analogy "
              f"{row['analogy_zh_acc']:.4f} ({row['analogy_zh_answered']} answered) cilin "
              f"mean rank {row['cilin_mean_rank']} p@10 {row['cilin_p10']:.4f} "
              f"{row['seconds']:.1f} s", flush=True)  # fmt: skip
        write_results(NAME, "word2vec on Chinese: PKU vs jieba segmentation", rows,
                      notes=NOTES)  # fmt: skip

    pku = word_sentences("peoples-daily")
    report(run_ours(pku, "peoples-daily", "PKU (as in the corpus)", cfg))
    with tempfile.TemporaryDirectory() as tmp:
        path = raw_text_file(Path(tmp))
        corpus = word_sentences(str(path), segment="jieba")
        report(run_ours(corpus, "peoples-daily-raw", "jieba (HMM on)", cfg))
    if not args.no_gensim:
        report(run_gensim(list(word_sentences("peoples-daily")), "peoples-daily", cfg))


NOTES = (
    "peoples-daily-raw = every line of People's Daily (train, val, test) with its PKU "
    "tokens joined without separator (punctuation kept), one line per sentence, read by "
    "word_sentences(file, segment='jieba') as `dlc word2vec train --corpus FILE --segment "
    "jieba` "
    "does; that path keeps jieba's punctuation tokens, the registered corpus drops them. "
    "Shared 2-core machine: seconds are wall time under contention. Analogies: 3CosAdd, "
    "top-30k words, questions with an OOV word skipped (analogy_zh_oov). Cilin: '=' groups."
)


if __name__ == "__main__":
    main()
