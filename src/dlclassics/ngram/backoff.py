"""The frozen n-gram model every smoother produces: ARPA backoff form, scoring, sampling.

Whatever the smoothing (note 002: 平滑 gives unseen n-grams a small non-zero probability),
the trained model has the form of an ARPA file: for each listed n-gram (h, w) a probability
P(w | h), and for each listed context h a backoff weight bow(h). For any other word,

    P(w | w_1 … w_k) = P(w | w_1 … w_k)                      if (w_1 … w_k, w) is listed
                     = bow(w_1 … w_k) · P(w | w_2 … w_k)    otherwise

(bow = 1 for a context not listed). Interpolated smoothers fit this form exactly: their
bow(h) is the interpolation weight γ(h) of the lower order, and the listed probabilities
are the interpolated ones. Numbers are stored as log10, like ARPA, SRILM and kenlm.

Unknown words. A token outside the vocabulary is scored as ``<unk>``, whose probability the
smoother sets: from its training count when rare words were mapped to ``<unk>``
(``min_count > 1``), else from the smoothing mass alone (a zero count). Every smoother but
MLE gives every vocabulary word — ``<unk>`` included — a positive probability in every
context, so perplexity stays finite on unseen words.

Perplexity follows SRILM and kenlm: one sentence per line; every word and the closing
``</s>`` is a scored token, ``<s>`` is not; out-of-vocabulary words are scored as ``<unk>``
and counted (kenlm's ``perplexity``; SRILM's ``ngram -ppl`` leaves them out instead):

    PPL = 10^(−Σ log10 P / (words + sentences))

>>> from dlclassics.ngram import count_ngrams, estimate
>>> lm = estimate(count_ngrams([["a", "b"], ["b", "a"]], order=2), "kn")
>>> round(float(lm.distribution(["<s>"]).sum()), 12)
1.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import islice

import numpy as np

from dlclassics.data.vocab import Vocab
from dlclassics.errors import DataError
from dlclassics.ngram.counts import predictable
from dlclassics.ngram.probing import (
    ProbingTables,
    WordTable,
    build_tables,
    split_lookup,
    word_table,
)
from dlclassics.ngram.probing import log10_probs as probing_log10_probs
from dlclassics.ngram.trie import (
    Chunk,
    NGramIndex,
    arpa_id,
    arpa_word,
    encode,
    frame,
    reserved_lookup,
)

__all__ = ["BackoffLM", "Score"]


@dataclass(frozen=True)
class Score:
    """Log-probability of a text under a model, and its perplexity."""

    log10_prob: float  # Σ log10 P over scored tokens (−inf if one has probability 0)
    tokens: int  # scored tokens: words + one </s> per sentence
    sentences: int
    oov: int  # words outside the vocabulary (scored as <unk>)

    @property
    def perplexity(self) -> float:
        return 10.0 ** (-self.log10_prob / self.tokens) if self.tokens else math.nan


@dataclass(frozen=True, eq=False)
class BackoffLM:
    """An n-gram model in ARPA backoff form (see the module doc); build it with a smoother."""

    vocab: Vocab
    index: NGramIndex
    logprob: tuple[np.ndarray, ...]  # [n − 1]: (m_n,) log10 P(w_n | w_1 … w_{n−1})
    backoff: tuple[np.ndarray, ...]  # [n − 1]: (m_n,) log10 bow(w_1 … w_n); 0 at order N

    @property
    def order(self) -> int:
        return self.index.order

    def listed(self, n: int) -> np.ndarray:
        """(m_n,) bool: the n-grams that are entries of the model (all but <pad> at n = 1)."""
        if n > 1:
            return np.ones(self.index.size(n), dtype=bool)
        mask = predictable(len(self.vocab))
        mask[self.vocab.bos_id] = True
        return mask

    @property
    def params(self) -> int:
        """Stored numbers: one log-probability per entry, one backoff weight below order N."""
        sizes = [int(self.listed(n).sum()) for n in range(1, self.order + 1)]
        return sum(sizes) + sum(sizes[:-1])

    # --- scoring -----------------------------------------------------------------------

    @cached_property
    def _probing(self) -> ProbingTables:
        return build_tables(self.index.keys, self.logprob, self.backoff)

    @cached_property
    def _lookup(self) -> dict[str, int]:
        return reserved_lookup(self.vocab)

    def log10_probs(self, chunk: Chunk) -> np.ndarray:
        """(T,) log10 P(token | history) at every position of ``chunk``; NaN at each <s>.

        Backoff in one compiled pass (:mod:`~dlclassics.ngram.probing`): the longest listed
        n-gram ending at each position (order L), its probability, plus the backoff weights
        of the contexts of length L … N − 1 that were skipped.
        """
        return probing_log10_probs(self._probing, chunk.ids, chunk.pos)

    def log10_probs_vectorised(self, chunk: Chunk) -> np.ndarray:
        """:meth:`log10_probs` by NumPy over the sorted tables (no hash tables; the oracle)."""
        N = self.order
        ending = self.index.ending_at(chunk)  # [n − 1][p]: n-gram ending at p, or −1
        lp = self.logprob[0][ending[0]]
        found = np.ones(len(chunk.ids), dtype=np.int64)  # L, the longest listed order
        for n in range(2, N + 1):
            hit = ending[n - 1] >= 0
            if hit.any():  # (an order may be empty: no sentence long enough)
                lp = np.where(hit, self.logprob[n - 1][np.maximum(ending[n - 1], 0)], lp)
                found[hit] = n
        for j in range(1, N):  # context of length j: the j-gram ending one position earlier
            context = np.empty_like(ending[j - 1])
            context[0] = -1
            context[1:] = ending[j - 1][:-1]
            use = (context >= 0) & (found <= j) & (chunk.pos >= j)
            if use.any():
                lp = lp + np.where(use, self.backoff[j - 1][np.maximum(context, 0)], 0.0)
        return np.where(chunk.pos == 0, np.nan, lp)

    def score(self, sentences: Iterable[Sequence[str]]) -> Score:
        """Total log10 probability and perplexity of ``sentences`` (token lists)."""
        total, tokens, n_sentences, oov = 0.0, 0, 0, 0
        for chunk in encode(sentences, self.vocab, lookup=self._lookup):
            lp = self.log10_probs(chunk)
            scored = chunk.pos > 0
            total += float(lp[scored].sum())
            tokens += int(scored.sum())
            n_sentences += chunk.sentences
            oov += int(np.count_nonzero(chunk.ids == self.vocab.unk_id))
        return Score(total, tokens, n_sentences, oov)

    @cached_property
    def _words(self) -> WordTable:
        return word_table(self._lookup)

    def score_lines(self, lines: Iterable[str], *, lines_per_block: int = 1 << 16) -> Score:
        """:meth:`score` of raw lines, one sentence per line — ``score(l.split() for l in
        lines)`` with the splitting and the vocabulary lookup compiled, as kenlm's
        ``Model.score(line)`` takes a line. Words are split at ASCII whitespace (``str.split``
        also splits at other Unicode spaces); lines come without their line endings."""
        total, tokens, n_sentences, oov, done = 0.0, 0, 0, 0, 0
        unk = self.vocab.unk_id
        it = iter(lines)
        while block := list(islice(it, lines_per_block)):
            data = "\n".join(block).encode("utf-8")
            ids, lengths, bad = split_lookup(self._words, data, unk)
            if bad >= 0:
                line = data[:bad].count(b"\n")
                token = data[bad:].split(maxsplit=1)[0].decode("utf-8")
                raise DataError(
                    f"line {done + line + 1}: token {token!r} is reserved; sentence boundaries "
                    "are added by the model — remove it or rename it"
                )
            chunk = frame(ids, lengths.tolist())
            lp = self.log10_probs(chunk)
            scored = chunk.pos > 0
            total += float(lp[scored].sum())
            tokens += int(scored.sum())
            n_sentences += chunk.sentences
            oov += int(np.count_nonzero(ids == unk))
            done += len(block)
        return Score(total, tokens, n_sentences, oov)

    def sentence_log10(self, sentence: Sequence[str]) -> float:
        """log10 P(<s> w_1 … w_m </s>) — kenlm's ``Model.score(s, bos=True, eos=True)``."""
        return self.score([sentence]).log10_prob

    # --- distributions and sampling ----------------------------------------------------

    def _context_ids(self, context: Sequence[str] | Sequence[int]) -> list[int]:
        return [
            int(c) if isinstance(c, int | np.integer) else arpa_id(self.vocab, c) for c in context
        ]

    def distribution(self, context: Sequence[str] | Sequence[int]) -> np.ndarray:
        """(V,) P(w | context) for every vocabulary id (0 for ``<pad>`` and ``<s>``).

        ``context`` is the history, ARPA spellings or ids; at a sentence start it begins
        with ``<s>``. Only its last N − 1 tokens matter.
        """
        h = self._context_ids(context)[max(len(context) - (self.order - 1), 0) :]
        lp = self.logprob[0].copy()
        for j in range(1, len(h) + 1):  # suffixes of h, shortest first
            ctx = int(self.index.find_words(np.array([h[-j:]], dtype=np.int64))[0])
            if ctx < 0:
                continue  # context not listed: bow = 1 and no (h_j, w) entries
            lp += self.backoff[j - 1][ctx]
            lo, hi = self.index.context_range(j + 1, ctx)
            lp[self.index.keys[j][lo:hi] % len(self.vocab)] = self.logprob[j][lo:hi]
        p = 10.0**lp
        p[~predictable(len(self.vocab))] = 0.0
        return p

    def generate(
        self,
        rng: np.random.Generator,
        *,
        max_tokens: int = 50,
        prefix: Sequence[str] = (),
    ) -> list[str]:
        """Sample one sentence after ``prefix`` until ``</s>`` or ``max_tokens`` words."""
        history = [self.vocab.bos_id, *self._context_ids(prefix)]
        out: list[str] = []
        for _ in range(max_tokens):
            p = self.distribution(history)
            w = int(rng.choice(len(p), p=p / p.sum()))
            if w == self.vocab.eos_id:
                break
            out.append(arpa_word(self.vocab, w))
            history.append(w)
        return out
