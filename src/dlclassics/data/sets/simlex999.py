"""SimLex-999: 999 English word pairs scored for strict similarity, 0 to 10.

Hill, Reichart & Korhonen (2015) had annotators rate *similarity*, not relatedness: ``old
new 1.58`` (related, not similar), ``smart intelligent 9.2``. 666 noun, 222 verb and 111
adjective pairs. Use: evaluating word vectors (note 001) by Spearman correlation with
cosine similarity; harder than WordSim-353, since co-occurrence-based vectors also place
related words close together.

Source: ``simlex999.txt`` as gensim ships it in ``gensim/test/test_data/`` (wheel
``gensim==4.4.0``): two ``#`` header lines, then ``word1<TAB>word2<TAB>SimLex999 score`` (the
original file's other columns — POS, concreteness, association — are not in this copy).
Scores are kept exactly as written.

License: the authors' free distribution for research (SimLex-999 page, University of
Cambridge).

Split: none — an evaluation set; its one split is ``all``, in file order.

>>> from dlclassics.data.sets import simlex999                    # doctest: +SKIP
>>> next(simlex999.pairs())
('old', 'new', 1.58)
"""

from __future__ import annotations

from collections.abc import Iterator

from dlclassics.data.catalog import DATASETS
from dlclassics.data.sets._gensim import read_similarity, similarity_dataset

NAME = "simlex999"
FILENAME = "simlex999.txt"


def pairs(split: str = "all") -> Iterator[tuple[str, str, float]]:
    """``(word1, word2, similarity 0–10)`` for each of the 999 pairs, in file order."""
    return read_similarity(NAME, split)


DATASET = similarity_dataset(
    NAME,
    FILENAME,
    description="SimLex-999: 999 English word pairs with human similarity scores (0–10)",
    citation=(
        "F. Hill, R. Reichart, A. Korhonen. SimLex-999: Evaluating Semantic Models with "
        "(Genuine) Similarity Estimation. Computational Linguistics 41(4):665–695, 2015."
    ),
    pairs=999,
    sha256="405394ffb7d25f6d0e3c041f87c9f27d29dc6b047506769953e85c4523b11685",
)

DATASETS.add(NAME, DATASET)
