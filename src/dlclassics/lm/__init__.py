"""Language models (note 002): the ladder from counted n-grams to neural LMs.

The statistical rung (note 002, 统计语言模型) is the shared package :mod:`dlclassics.ngram`
(its user guide; other families, e.g. OCR's shallow fusion, use it too); this family holds its
commands and the neural rungs:

* :mod:`~dlclassics.data.corpora` — where sentences come from (a file or a registered corpus);
* :mod:`~dlclassics.ngram.trie` — the n-gram table shared by counts and models (sorted arrays);
* :mod:`~dlclassics.ngram.counts` — counting n-grams of any order over a streamed corpus;
* :mod:`~dlclassics.ngram.backoff` — the frozen backoff model: scoring, perplexity, sampling;
* :mod:`~dlclassics.ngram.smoothing` — MLE, add-k and Katz backoff (Good–Turing);
* :mod:`~dlclassics.ngram.interpolation` — linear interpolation, weights tuned on held-out data;
* :mod:`~dlclassics.ngram.kneser_ney` — absolute discounting, Kneser–Ney, modified Kneser–Ney;
* :mod:`~dlclassics.ngram.arpa` — ARPA files, the format SRILM and kenlm read and write;
* :mod:`~dlclassics.lm.ngram_commands` — ``dlc ngram build | perplexity | generate``.
"""

from dlclassics.commands import Family, Group

FAMILY = Family(
    "lm",
    groups=(
        Group(
            "ngram",
            {
                "build": "count n-grams, smooth, write an ARPA model",
                "perplexity": "perplexity of an ARPA model on a text (kenlm's convention)",
                "generate": "sample sentences from an ARPA model",
            },
        ),
        Group(
            "lm",
            {
                "train": "train a neural LM (maxent, nnlm, rnn, lstm, gru, transformer)",
                "eval": "perplexity of a trained language model on a split",
                "sample": "generate text from a trained language model",
            },
        ),
        Group("poem", {"": "write Tang quatrains (5x4, 7x4, acrostic) from a character LM"}),
    ),
    tour=True,
)
