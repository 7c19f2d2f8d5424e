"""Language models (note 002): the ladder from counted n-grams to neural LMs.

The statistical rung (note 002, 统计语言模型) lives in these modules; the user guide is
:mod:`dlclassics.lm.ngram`:

* :mod:`~dlclassics.data.corpora` — where sentences come from (a file or a registered corpus);
* :mod:`~dlclassics.lm.trie` — the n-gram table shared by counts and models (sorted arrays);
* :mod:`~dlclassics.lm.counts` — counting n-grams of any order over a streamed corpus;
* :mod:`~dlclassics.lm.backoff` — the frozen backoff model: scoring, perplexity, sampling;
* :mod:`~dlclassics.lm.smoothing` — MLE, add-k and Katz backoff (Good–Turing);
* :mod:`~dlclassics.lm.interpolation` — linear interpolation, weights tuned on held-out data;
* :mod:`~dlclassics.lm.kneser_ney` — absolute discounting, Kneser–Ney, modified Kneser–Ney;
* :mod:`~dlclassics.lm.arpa` — ARPA files, the format SRILM and kenlm read and write;
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
    ),
    tour=True,
)
