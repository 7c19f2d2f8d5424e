"""Frozen word vectors and the queries of notes 001/002: similar words, analogies, odd one out.

A trainer (:mod:`dlclassics.embeddings.word2vec`, :mod:`~dlclassics.embeddings.glove`) ends
by handing its input vectors to a :class:`KeyedVectors`: an immutable table of words and
float32 vectors, with their corpus counts, that knows nothing about training. This is what
users query, save (:mod:`dlclassics.embeddings.formats`) and ship — gensim's split between a
model and its ``KeyedVectors``, with the same query semantics, so results can be compared
one-to-one with gensim.

Every query works on **unit-normalized** vectors :math:`\\hat v = v / \\lVert v\\rVert`, so
a dot product is the cosine similarity of note 001 (余弦相似度)::

    cos(u, v) = u · v / (‖u‖ ‖v‖)

Analogies (note 001 §word2vec, 004: 国王 − 王后 = 男人 − 女人, king − man + woman ≈ queen)
are written here as **a − b + c**: ``analogy("king", "man", "woman")`` asks for the word
``d`` with ``v(d) ≈ v(king) − v(man) + v(woman)``, i.e. *man is to king as woman is to d*.
Two ways to score a candidate ``d`` (Levy & Goldberg 2014, "Linguistic Regularities in
Sparse and Explicit Word Representations"):

* **3CosAdd** (Mikolov et al. 2013): ``argmax_d cos(d, â − b̂ + ĉ)`` — the normalized mean
  of the unit vectors with signs, exactly :meth:`KeyedVectors.most_similar`;
* **3CosMul**: ``argmax_d cos'(d, a) · cos'(d, c) / (cos'(d, b) + ε)`` with
  ``cos' = (1 + cos) / 2`` in [0, 1] and ε = 1e-6, which keeps one large similarity from
  dominating the sum (gensim's ``most_similar_cosmul``).

The query words themselves are never returned.

>>> import numpy as np
>>> kv = KeyedVectors(["king", "queen", "man", "woman"],
...                   np.array([[1, 1], [1, -1], [0.2, 1], [0.2, -1]], dtype=np.float32))
>>> kv.analogy("king", "man", "woman", topn=1)[0][0]
'queen'
>>> try:
...     kv.most_similar("kinq")
... except KeyError as error:  # UnknownWordError: a KeyError and a DataError
...     print(error)
'kinq' is not in the vocabulary of 4 words; did you mean: king?

Rows are stored most frequent first, as word2vec files are: :meth:`KeyedVectors.restrict`
and the ``restrict=`` arguments keep the first N rows (or, when counts are known, the N
most frequent words), like gensim's ``restrict_vocab``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

import numpy as np

from dlclassics.errors import DataError

AnalogyMethod = Literal["3cosadd", "3cosmul"]
COSMUL_EPSILON = 1e-6  # keeps 3CosMul's denominator off zero (Levy & Goldberg; gensim)


class UnknownWordError(DataError, KeyError):
    """A word is not in the vocabulary; the message suggests near spellings."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


class KeyedVectors:
    """Immutable words → float32 vectors, queried by cosine similarity.

    ``words[i]`` owns ``vectors[i]``; ``counts[i]`` (optional) is its corpus frequency.
    Rows are expected most frequent first (what every trainer here writes). A float32
    C-contiguous ``vectors`` is kept without copying (and made read-only through this
    object): a trainer that goes on updating its matrix must hand over a copy.
    """

    def __init__(
        self,
        words: Sequence[str],
        vectors: np.ndarray,
        counts: np.ndarray | None = None,
    ) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).view()
        if vectors.ndim != 2 or vectors.shape[0] != len(words):
            raise ValueError(
                f"vectors of shape {vectors.shape} do not match {len(words)} words; "
                "expected (number of words, dim)"
            )
        self.words: list[str] = list(words)
        self._index: dict[str, int] = {}
        for i, word in enumerate(self.words):
            if word in self._index:
                raise ValueError(f"word {word!r} occurs twice (rows {self._index[word]} and {i})")
            self._index[word] = i
        vectors.flags.writeable = False
        self.vectors: np.ndarray = vectors  # (N, D) float32, read-only
        self.counts: np.ndarray | None = None
        if counts is not None:
            counts = np.array(counts, dtype=np.int64)
            if counts.shape != (len(self.words),):
                raise ValueError(f"counts of shape {counts.shape} do not match {len(words)} words")
            counts.flags.writeable = False
            self.counts = counts
        self._unit: np.ndarray | None = None
        # Rows already most frequent first (or counts unknown): the top N are the first N rows.
        self._rows_by_frequency = self.counts is None or bool(np.all(np.diff(self.counts) <= 0))

    # -- table ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def __getitem__(self, word: str) -> np.ndarray:
        """The raw (not normalized) vector of ``word``."""
        return self.vectors[self.index(word)]

    def __repr__(self) -> str:
        return f"KeyedVectors({len(self)} words, dim={self.dim})"

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def index(self, word: str) -> int:
        """Row of ``word``; :class:`UnknownWordError` with near spellings if absent."""
        try:
            return self._index[word]
        except KeyError:
            raise UnknownWordError(self._unknown_message(word)) from None

    def suggestions(self, word: str, n: int = 3) -> list[str]:
        """Vocabulary words spelled like ``word`` (case variants first, then difflib)."""
        if not isinstance(word, str) or not word:
            return []
        folded = [w for w in self.words if w.casefold() == word.casefold() and w != word]
        # difflib over the whole vocabulary is slow; near spellings have near lengths.
        near = [w for w in self.words if abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, near, n=n, cutoff=0.6)
        return list(dict.fromkeys(folded + close))[:n]

    def _unknown_message(self, word: str) -> str:
        message = f"{word!r} is not in the vocabulary of {len(self):,} words"
        near = self.suggestions(word)
        if near:
            return message + f"; did you mean: {', '.join(near)}?"
        return message + "; check its spelling (and case), or train on a corpus that contains it"

    @property
    def unit_vectors(self) -> np.ndarray:
        """Rows scaled to length 1 (zero rows stay zero), computed once; (N, D) float32."""
        if self._unit is None:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)  # (N, 1)
            unit = self.vectors / np.where(norms == 0, 1, norms)
            unit.flags.writeable = False
            self._unit = unit.astype(np.float32, copy=False)
        return self._unit

    def unit_vector(self, word: str) -> np.ndarray:
        return self.unit_vectors[self.index(word)]

    def restrict(self, top_n: int) -> KeyedVectors:
        """The ``top_n`` most frequent words (first rows when counts are unknown)."""
        rows = self.top_rows(top_n)
        counts = None if self.counts is None else self.counts[rows]
        return KeyedVectors([self.words[i] for i in rows], self.vectors[rows], counts)

    def top_rows(self, top_n: int | None) -> np.ndarray:
        """Rows of the ``top_n`` most frequent words (all rows for None), most frequent first."""
        n = len(self) if top_n is None else max(0, min(int(top_n), len(self)))
        if self._rows_by_frequency or self.counts is None:
            return np.arange(n)
        return np.argsort(-self.counts, kind="stable")[:n]

    # -- queries ----------------------------------------------------------------------------

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of two words, in [-1, 1]."""
        return float(self.unit_vector(a) @ self.unit_vector(b))

    def most_similar(
        self,
        positive: str | Iterable[str] = (),
        negative: str | Iterable[str] = (),
        topn: int = 10,
        restrict: int | None = None,
    ) -> list[tuple[str, float]]:
        """Words nearest to the mean of ``+positive`` and ``−negative`` unit vectors (3CosAdd).

        ``target = unit(Σ_p p̂ − Σ_n n̂)``; candidates are ranked by ``cos(d, target)``; the
        query words are excluded; ``restrict`` keeps only the most frequent N candidates.
        """
        pos, neg = _words(positive), _words(negative)
        if not pos and not neg:
            raise ValueError("most_similar needs at least one positive or negative word")
        rows = [self.index(w) for w in pos + neg]
        signs = np.array([1.0] * len(pos) + [-1.0] * len(neg), dtype=np.float32)
        target = (signs[:, None] * self.unit_vectors[rows]).mean(axis=0)  # (D,)
        scores = self._cosines(target)
        return self._best(scores, topn, exclude=rows, restrict=restrict)

    def analogy(
        self,
        a: str,
        b: str,
        c: str,
        method: AnalogyMethod = "3cosadd",
        topn: int = 1,
        restrict: int | None = None,
    ) -> list[tuple[str, float]]:
        """Words ``d`` with ``d ≈ a − b + c``: ``analogy("king", "man", "woman")`` → queen.

        Read it as "b is to a as c is to d" (man : king :: woman : queen). The score is a
        cosine for 3CosAdd and the 3CosMul ratio (not a cosine) for 3CosMul.
        """
        try:
            score = _ANALOGY_METHODS[method]
        except KeyError:
            raise ValueError(
                f"unknown analogy method {method!r}; choose one of: {', '.join(_ANALOGY_METHODS)}"
            ) from None
        return score(self, a, b, c, topn, restrict)

    def _analogy_3cosadd(
        self, a: str, b: str, c: str, topn: int, restrict: int | None
    ) -> list[tuple[str, float]]:
        return self.most_similar(positive=[a, c], negative=[b], topn=topn, restrict=restrict)

    def _analogy_3cosmul(
        self, a: str, b: str, c: str, topn: int, restrict: int | None
    ) -> list[tuple[str, float]]:
        rows = [self.index(a), self.index(b), self.index(c)]
        shifted = [(1 + self._cosines(self.unit_vectors[r])) / 2 for r in rows]  # cos' in [0, 1]
        scores = shifted[0] * shifted[2] / (shifted[1] + COSMUL_EPSILON)
        return self._best(scores, topn, exclude=rows, restrict=restrict)

    def doesnt_match(self, words: Iterable[str]) -> str:
        """The word least similar to the normalized mean of the group (odd one out)."""
        group = _words(words)
        if len(group) < 2:
            raise ValueError("doesnt_match needs at least two words")
        unit = self.unit_vectors[[self.index(w) for w in group]]  # (K, D)
        mean = _normalize(unit.mean(axis=0))
        return group[int(np.argmin(unit @ mean))]

    def nearest(
        self, vector: np.ndarray, topn: int = 10, restrict: int | None = None
    ) -> list[tuple[str, float]]:
        """Words whose vectors have the highest cosine with ``vector`` (nothing excluded)."""
        vector = np.asarray(vector, dtype=np.float32)
        if vector.shape != (self.dim,):
            raise ValueError(f"vector of shape {vector.shape} does not match dim={self.dim}")
        return self._best(self._cosines(vector), topn, exclude=[], restrict=restrict)

    # -- helpers ----------------------------------------------------------------------------

    def _cosines(self, target: np.ndarray) -> np.ndarray:
        """cos(v_i, target) for every row i; (N,) float32."""
        return self.unit_vectors @ _normalize(target.astype(np.float32))

    def _best(
        self, scores: np.ndarray, topn: int, *, exclude: Sequence[int], restrict: int | None
    ) -> list[tuple[str, float]]:
        """The ``topn`` highest-scoring rows among ``restrict``, without ``exclude``."""
        allowed = np.zeros(len(self), dtype=bool)
        allowed[self.top_rows(restrict)] = True
        allowed[list(exclude)] = False
        candidates = np.flatnonzero(allowed)
        k = max(0, min(int(topn), candidates.size))
        if k == 0:
            return []
        cand_scores = scores[candidates]
        top = np.argpartition(-cand_scores, k - 1)[:k] if k < candidates.size else np.arange(k)
        top = top[np.argsort(-cand_scores[top], kind="stable")]
        return [(self.words[candidates[i]], float(cand_scores[i])) for i in top]


def _normalize(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def _words(words: str | Iterable[str]) -> list[str]:
    """One word or many: a lone string is one word, not its characters."""
    return [words] if isinstance(words, str) else list(words)


_ANALOGY_METHODS: dict[
    str, Callable[[KeyedVectors, str, str, str, int, int | None], list[tuple[str, float]]]
] = {
    "3cosadd": KeyedVectors._analogy_3cosadd,
    "3cosmul": KeyedVectors._analogy_3cosmul,
}
