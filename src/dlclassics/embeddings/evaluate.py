"""How good are word vectors? Analogies, similarity judgements and synonym groups.

Note 001 asks two things of a distributed representation: similar words get similar
vectors (cosine similarity), and relations become directions (国王 − 王后 = 男人 − 女人).
Three standard measurements, computed exactly as gensim 4.4 computes them so numbers can be
compared with gensim's and with published ones:

**Analogies** (:func:`evaluate_analogies`; Mikolov et al. 2013): a question ``a b c d``
reads "a is to b as c is to d" and is answered by the vocabulary word nearest to
``b − a + c`` (3CosAdd, or 3CosMul), the three question words excluded. As in gensim's
``evaluate_word_analogies``: only the ``restrict`` (30,000) most frequent words are used,
both as the question's words and as candidate answers; a question with a word outside them
is skipped and counted as ``oov`` (not as wrong); with ``case_insensitive`` every word is
upper-cased and stands for its most frequent case variant; the answer is the best of the top
5 candidates whose upper-cased form is not a question word. Accuracy = correct / answered.
Sections named ``gram*`` are *syntactic*, the others *semantic* (the Google set's naming).
The English set is the registered ``analogy-en`` (19,544 questions); the Chinese set is
:mod:`dlclassics.embeddings.analogy_zh`.

**Similarity** (:func:`evaluate_similarity`): Spearman (and Pearson) correlation between the
cosine similarity of each word pair and human scores — WordSim-353 (relatedness) and
SimLex-999 (strict similarity) — over the pairs whose two words are among the ``restrict``
(300,000) most frequent, like gensim's ``evaluate_word_pairs``; the others are counted as
``oov``.

**Synonym groups** (:func:`evaluate_cilin`), for Chinese, from the registered ``cilin``
thesaurus (同义词词林). Let V be the ``restrict`` most frequent words and, for each group of
the chosen relation (``=``, true synonyms), S its words in V; groups with fewer than two
such words are skipped. Every w ∈ S is a query; all words of V except w are ranked by
cosine similarity to w (rank 1 = nearest). Then

* ``rank(w, s) = 1 + |{v ∈ V∖{w} : cos(w, v) > cos(w, s)}|`` for each synonym s ∈ S∖{w};
  **mean rank** and **median rank** are taken over all such (w, s) pairs (random vectors
  give about |V|/2);
* **precision@k** (k = 10) of a query is ``|{s ∈ S∖{w} : rank(w, s) ≤ k}| / min(k, |S| − 1)``
  — of the synonyms that *could* be among its k nearest words, the share that are (a tie
  with the k-th word counts as in) — averaged over queries. A word in several groups is a
  query once per group.

>>> import numpy as np
>>> from dlclassics.embeddings.keyed import KeyedVectors
>>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32))
>>> evaluate_cilin(kv, [["a", "b", "x"]])["mean_rank"]  # c is nearer to a and to b
2.0
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dlclassics.data.sets.analogy_en import Analogy
from dlclassics.embeddings.keyed import AnalogyMethod, KeyedVectors
from dlclassics.errors import ConfigError, DataError
from dlclassics.registry import Registry

log = logging.getLogger(__name__)

ANALOGY_RESTRICT = 30_000  # gensim's evaluate_word_analogies default (restrict_vocab)
SIMILARITY_RESTRICT = 300_000  # gensim's evaluate_word_pairs default (restrict_vocab)
ANALOGY_CANDIDATES = 5  # gensim looks at the top 5 answers for one not a question word
COSMUL_EPSILON = 1e-6
BATCH = 512  # questions or queries scored per matrix product


def is_syntactic(section: str) -> bool:
    """Google's naming: ``gram1-adjective-to-adverb`` … are syntactic, the rest semantic."""
    return section.startswith("gram")


# -- analogies -----------------------------------------------------------------------------


def parse_questions(lines: Iterable[str], origin: str = "questions") -> Iterator[Analogy]:
    """Lines of a ``questions-words.txt``-style file → analogies tagged with their section.

    ``: name`` starts a section; other lines hold four words. Blank or malformed lines are
    skipped (as gensim skips them); a question before any section is an error.
    """
    section: str | None = None
    for line_no, line in enumerate(lines, start=1):
        if line.startswith(":"):
            section = line[1:].strip()
            continue
        words = line.split()
        if len(words) != 4:
            if words:
                log.info("%s, line %d: not four words; skipped", origin, line_no)
            continue
        if section is None:
            raise DataError(
                f"{origin}, line {line_no}: a question before any ': section' line; "
                "start the file with a section header such as ': capital-country'"
            )
        yield Analogy(section, *words)


def read_questions(path: str | os.PathLike[str]) -> list[Analogy]:
    """A ``questions-words.txt``-style file (UTF-8) as a list of analogies."""
    from dlclassics.data.stream import iter_lines

    return list(parse_questions(iter_lines(Path(path)), str(path)))


def _questions(questions: str | os.PathLike[str] | Iterable[Analogy] | None) -> list[Analogy]:
    if questions is None:
        from dlclassics.data.sets import analogy_en

        return list(analogy_en.questions())
    if isinstance(questions, str | os.PathLike):
        return read_questions(questions)
    return list(questions)


def _score_3cosadd(unit: np.ndarray, cand: np.ndarray, abc: np.ndarray) -> np.ndarray:
    """cos(d, b̂ − â + ĉ) for every candidate d; (B, Ncand)."""
    target = unit[abc[:, 1]] - unit[abc[:, 0]] + unit[abc[:, 2]]  # (B, D)
    target /= np.maximum(np.linalg.norm(target, axis=1, keepdims=True), 1e-30)
    return target @ cand.T


def _score_3cosmul(unit: np.ndarray, cand: np.ndarray, abc: np.ndarray) -> np.ndarray:
    """cos'(d, b) · cos'(d, c) / (cos'(d, a) + ε), cos' = (1 + cos) / 2; (B, Ncand)."""
    a, b, c = ((1 + unit[abc[:, j]] @ cand.T) / 2 for j in range(3))
    return b * c / (a + COSMUL_EPSILON)


ANALOGY_SCORES: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = {
    "3cosadd": _score_3cosadd,
    "3cosmul": _score_3cosmul,
}


def _tally(correct: int, answered: int, oov: int) -> dict[str, Any]:
    return {
        "accuracy": correct / answered if answered else float("nan"),
        "correct": correct,
        "answered": answered,
        "oov": oov,
    }


def _case_vocab(
    kv: KeyedVectors, restrict: int | None, fold: bool
) -> tuple[np.ndarray, dict[str, int]]:
    """Candidate rows and key → row over them; a folded key means its most frequent variant."""
    rows = kv.top_rows(restrict)
    key = str.upper if fold else str
    vocab: dict[str, int] = {}
    for r in rows[::-1].tolist():  # most frequent last, so it wins
        vocab[key(kv.words[r])] = r
    return rows, vocab


def evaluate_analogies(
    kv: KeyedVectors,
    questions: str | os.PathLike[str] | Iterable[Analogy] | None = None,
    *,
    restrict: int | None = ANALOGY_RESTRICT,
    case_insensitive: bool = True,
    method: AnalogyMethod = "3cosadd",
) -> dict[str, Any]:
    """Analogy accuracy, overall, per section and semantic vs syntactic (see the module doc).

    ``questions``: ``None`` for the registered ``analogy-en`` set, a file in the
    ``questions-words.txt`` format, or :class:`Analogy` tuples. Returns ``accuracy``,
    ``correct``, ``answered``, ``oov`` (questions skipped), ``questions``, ``sections``
    (name → the same four numbers), ``semantic``, ``syntactic``, and the settings.
    """
    try:
        score = ANALOGY_SCORES[method]
    except KeyError:
        raise ConfigError(
            f"unknown analogy method {method!r}; choose one of: {', '.join(ANALOGY_SCORES)}"
        ) from None
    items = _questions(questions)
    rows, vocab = _case_vocab(kv, restrict, case_insensitive)
    key = str.upper if case_insensitive else str
    position = np.full(len(kv), -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    unit = kv.unit_vectors
    cand = unit[rows]  # (Ncand, D)
    k = min(ANALOGY_CANDIDATES + 3, len(rows))  # enough to skip the three question words

    sections: dict[str, list[int]] = {}  # name -> [correct, answered, oov]
    asked: list[tuple[str, tuple[str, str, str, str]]] = []
    abc_rows: list[tuple[int, int, int]] = []
    for q in items:
        tally = sections.setdefault(q.section, [0, 0, 0])
        words = (key(q.a), key(q.b), key(q.c), key(q.d))
        if not all(w in vocab for w in words):
            tally[2] += 1
            continue
        asked.append((q.section, words))
        abc_rows.append((vocab[words[0]], vocab[words[1]], vocab[words[2]]))

    abc_all = np.array(abc_rows, dtype=np.int64).reshape(-1, 3)
    for start in range(0, len(asked), BATCH):
        abc = abc_all[start : start + BATCH]  # (B, 3) rows of a, b, c
        scores = score(unit, cand, abc)  # (B, Ncand)
        np.put_along_axis(scores, position[abc], -np.inf, axis=1)  # never answer a, b or c
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < len(rows) else None
        for i, (section, words) in enumerate(asked[start : start + BATCH]):
            best = np.arange(len(rows)) if top is None else top[i]
            best = best[np.argsort(-scores[i, best], kind="stable")][:ANALOGY_CANDIDATES]
            predicted = None
            for j in best.tolist():
                predicted = key(kv.words[rows[j]])
                if predicted not in words[:3]:
                    break
            tally = sections[section]
            tally[0] += predicted == words[3]
            tally[1] += 1

    def total(names: Iterable[str]) -> dict[str, Any]:
        counts = [sections[n] for n in names]
        return _tally(*(sum(t[j] for t in counts) for j in range(3)))

    overall = total(sections)
    return {
        **overall,
        "questions": overall["answered"] + overall["oov"],
        "sections": {name: _tally(*t) for name, t in sections.items()},
        "semantic": total(n for n in sections if not is_syntactic(n)),
        "syntactic": total(n for n in sections if is_syntactic(n)),
        "restrict": restrict,
        "method": method,
        "case_insensitive": case_insensitive,
    }


# -- similarity ----------------------------------------------------------------------------

Pairs = Iterable[tuple[str, str, float]]


def _registered_pairs(name: str) -> Callable[[], Pairs]:
    def read() -> Pairs:
        module = __import__(f"dlclassics.data.sets.{name}", fromlist=["pairs"])
        pairs: Pairs = module.pairs()
        return pairs

    return read


SIMILARITY_SETS: Registry[Callable[[], Pairs]] = Registry("word-similarity set")
SIMILARITY_SETS.add("wordsim353", _registered_pairs("wordsim353"))
SIMILARITY_SETS.add("simlex999", _registered_pairs("simlex999"))


def read_pairs(path: str | os.PathLike[str]) -> list[tuple[str, str, float]]:
    """``word1<TAB>word2<TAB>score`` lines (``#`` comments, malformed lines skipped, as gensim)."""
    from dlclassics.data.stream import iter_lines

    pairs = []
    for line in iter_lines(Path(path), skip_blank=True):
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        try:
            a, b, score = fields
            pairs.append((a, b, float(score)))
        except ValueError:
            log.info("%s: line %r is not 'word<TAB>word<TAB>score'; skipped", path, line[:60])
    return pairs


def _pairs(pairs: str | os.PathLike[str] | Pairs) -> list[tuple[str, str, float]]:
    if isinstance(pairs, str) and (pairs in SIMILARITY_SETS or not Path(pairs).exists()):
        return list(SIMILARITY_SETS[pairs]())
    if isinstance(pairs, str | os.PathLike):
        return read_pairs(pairs)
    return [(a, b, float(s)) for a, b, s in pairs]


def evaluate_similarity(
    kv: KeyedVectors,
    pairs: str | os.PathLike[str] | Pairs = "wordsim353",
    *,
    restrict: int | None = SIMILARITY_RESTRICT,
    case_insensitive: bool = True,
) -> dict[str, Any]:
    """Spearman and Pearson correlation of cosine similarity with human scores.

    ``pairs``: ``"wordsim353"`` or ``"simlex999"`` (registered data sets), a file of
    ``word1<TAB>word2<TAB>score`` lines, or the triples themselves. Returns ``spearman``,
    ``pearson``, ``pairs`` (pairs scored), ``oov`` (pairs skipped) and ``oov_ratio``.
    """
    from scipy import stats

    items = _pairs(pairs)
    _, vocab = _case_vocab(kv, restrict, case_insensitive)
    key = str.upper if case_insensitive else str
    unit = kv.unit_vectors
    gold: list[float] = []
    model: list[float] = []
    for a, b, score in items:
        ra, rb = vocab.get(key(a)), vocab.get(key(b))
        if ra is None or rb is None:
            continue
        gold.append(score)
        model.append(float(unit[ra] @ unit[rb]))
    oov = len(items) - len(gold)
    enough = len(gold) >= 2  # scipy needs two points (gensim reports even that)
    return {
        "spearman": float(stats.spearmanr(gold, model).statistic) if enough else float("nan"),
        "pearson": float(stats.pearsonr(gold, model).statistic) if enough else float("nan"),
        "pairs": len(gold),
        "oov": oov,
        "oov_ratio": oov / len(items) if items else float("nan"),
    }


# -- Chinese synonym groups ------------------------------------------------------------------


def _groups(
    groups: str | os.PathLike[str] | Iterable[Sequence[str]] | None, relation: str
) -> list[list[str]]:
    from dlclassics.data.sets import cilin

    if groups is None:
        return [g.words for g in cilin.groups(relation=relation)]
    if isinstance(groups, str | os.PathLike):
        from dlclassics.data.stream import iter_lines

        parsed = (cilin.parse_line(line) for line in iter_lines(Path(groups), skip_blank=True))
        return [g.words for g in parsed if g.relation == relation]
    return [list(getattr(g, "words", g)) for g in groups]


def evaluate_cilin(
    kv: KeyedVectors,
    groups: str | os.PathLike[str] | Iterable[Sequence[str]] | None = None,
    *,
    relation: str = "=",
    restrict: int | None = ANALOGY_RESTRICT,
    k: int = 10,
) -> dict[str, Any]:
    """Mean/median rank and precision@k of synonyms among nearest neighbours (module doc).

    ``groups``: ``None`` for the registered ``cilin`` thesaurus, a ``cilin_ex.txt``-style
    file, or word lists. Returns ``mean_rank``, ``median_rank``, ``precision_at_k``, ``k``,
    ``groups`` (groups used), ``groups_skipped``, ``queries``, ``pairs`` and ``vocab`` (|V|).
    """
    rows = kv.top_rows(restrict)
    position = {kv.words[r]: i for i, r in enumerate(rows.tolist())}
    cand = kv.unit_vectors[rows]  # (N, D)
    N = len(rows)
    queries: list[tuple[int, list[int]]] = []  # (query position, synonym positions)
    used = skipped = 0
    for words in _groups(groups, relation):
        members = list(dict.fromkeys(position[w] for w in words if w in position))
        if len(members) < 2:
            skipped += 1
            continue
        used += 1
        queries += [(m, [s for s in members if s != m]) for m in members]

    ranks: list[np.ndarray] = []
    precisions: list[float] = []
    for start in range(0, len(queries), BATCH):
        batch = queries[start : start + BATCH]
        q = np.array([m for m, _ in batch], dtype=np.int64)
        scores = cand[q] @ cand.T  # (B, N)
        scores[np.arange(len(q)), q] = -np.inf  # a word is not its own neighbour
        for i, (_, synonyms) in enumerate(batch):
            syn = np.array(synonyms, dtype=np.int64)
            thresholds = scores[i, syn]  # (S,)
            rank = 1 + (scores[i][None, :] > thresholds[:, None]).sum(axis=1)  # (S,)
            ranks.append(rank)
            precisions.append(float((rank <= k).sum()) / min(k, len(syn)))
    all_ranks = np.concatenate(ranks) if ranks else np.zeros(0)
    return {
        "mean_rank": float(all_ranks.mean()) if all_ranks.size else float("nan"),
        "median_rank": float(np.median(all_ranks)) if all_ranks.size else float("nan"),
        "precision_at_k": float(np.mean(precisions)) if precisions else float("nan"),
        "k": k,
        "groups": used,
        "groups_skipped": skipped,
        "queries": len(queries),
        "pairs": int(all_ranks.size),
        "vocab": N,
    }
