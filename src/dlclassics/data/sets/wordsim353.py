"""WordSim-353: 353 English word pairs with human relatedness scores from 0 to 10.

Finkelstein et al. (2002) asked 13–16 people to rate how related two words are
(``tiger cat 7.35``, ``love sex 6.77``, ``tiger tiger 10.00``); the score is their mean. Use:
evaluating word vectors (note 001: similar words should have similar vectors) by the
Spearman correlation between cosine similarities and these scores. It rates *relatedness*
(coffee–cup scores high), unlike SimLex-999's strict similarity.

Source: ``wordsim353.tsv`` as gensim ships it in ``gensim/test/test_data/`` (wheel
``gensim==4.4.0``): two ``#`` header lines, then ``word1<TAB>word2<TAB>mean score`` — the
combined 353-pair set, in the original order. Scores are kept exactly as written.

License: the authors' free distribution for research (WordSimilarity-353 Test Collection).

Split: none — an evaluation set; its one split is ``all``, in file order.

>>> from dlclassics.data.sets import wordsim353                   # doctest: +SKIP
>>> next(wordsim353.pairs())
('love', 'sex', 6.77)
"""

from __future__ import annotations

from collections.abc import Iterator

from dlclassics.data.catalog import DATASETS
from dlclassics.data.sets._gensim import read_similarity, similarity_dataset

NAME = "wordsim353"
FILENAME = "wordsim353.tsv"


def pairs(split: str = "all") -> Iterator[tuple[str, str, float]]:
    """``(word1, word2, mean relatedness 0–10)`` for each of the 353 pairs, in file order."""
    return read_similarity(NAME, split)


DATASET = similarity_dataset(
    NAME,
    FILENAME,
    description="WordSim-353: 353 English word pairs with mean human relatedness (0–10)",
    citation=(
        "L. Finkelstein, E. Gabrilovich, Y. Matias, E. Rivlin, Z. Solan, G. Wolfman, E. "
        "Ruppin. Placing Search in Context: The Concept Revisited. ACM TOIS 20(1):116–131, 2002."
    ),
    pairs=353,
    sha256="7968d0b0f8851fd1932c0aa998482f12396761774769450b290f142f52942b8c",
)

DATASETS.add(NAME, DATASET)
