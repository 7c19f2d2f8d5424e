"""Decoding a seq2seq model: greedy search and beam search with length normalization.

Notes 003 "Beam search" (and 002 "Seq2Seq", "注意 … EOS"): the decoder is a conditional
language model, and translation asks for

    Y* = argmax_Y  P(Y | X) = argmax_Y  Σ_{t=1..|Y|} log P(y_t | X, y_1 … y_{t−1}).

Greedy search takes the most likely token at every step. Beam search keeps the K (beam
width, "B" in the notes) most likely prefixes at every step and extends each by every token.
Because every factor is a probability < 1, the raw objective prefers short outputs, so
hypotheses are ranked by the *length-normalized* score (notes 003, α "根据经验设置")

    score(Y) = log P(Y | X) / lp(|Y|),   lp(n) = n^α                      (``penalty="length"``)
                                          lp(n) = ((5 + n) / 6)^α          (``penalty="gnmt"``,
                                                                            Wu et al. 2016 §7)

with |Y| counting the generated tokens *including* EOS (whose probability is part of
P(Y | X)); α = 0 is the raw log-probability.

The search, step by step (t = 0, 1, …; the step emits target token number t + 1):

1. every alive prefix is extended by every token: candidate score = prefix score + log p;
2. the top 2K candidates of a sentence are taken (at most K of them end in EOS — one per
   beam — so at least K do not);
3. a candidate ending in EOS that ranks among the top K is a *finished* hypothesis: it is
   set aside with its normalized score and never extended;
4. the K best candidates that do not end in EOS are the next step's alive beams;
5. a sentence is done when it has K finished hypotheses, when no alive beam is left, or at
   its maximum length ``max_len = ⌊ratio · src_len⌋ + extra`` target tokens, EOS included:
   the last step allows only EOS, so every hypothesis returned is finished.

The n best finished hypotheses are returned, sorted by normalized score. Stopping at K
finished hypotheses is the usual approximation (as in fairseq): with α > 0 a longer alive
prefix could still overtake them. It makes beam width 1 exactly greedy search, for every α.

Two implementations give the same hypotheses and scores (tested):

* :func:`beam_search` runs all sentences of a batch at once, B sentences × K beams = B·K
  rows per model step; finished sentences leave the batch (``state.select``).
* :func:`beam_search_per_sentence` is the reference: one sentence at a time with plain
  Python lists (batched over that sentence's beams only). It is the baseline of
  :func:`time_search`.

>>> import torch
>>> from dlclassics.seq2seq.search import SearchConfig, beam_search
>>> from dlclassics.seq2seq.toy import ToyGRU
>>> model = ToyGRU(src_vocab=20, tgt_vocab=20, dim=16, seed=0).eval()
>>> src = torch.tensor([[5, 6, 7, 8], [9, 10, 0, 0]])   # padded with the source pad id 0
>>> nbest = beam_search(model, src, torch.tensor([4, 2]), SearchConfig(beam=3, n_best=2))
>>> len(nbest), len(nbest[0])                            # per sentence, n best
(2, 2)
>>> nbest[0][0].score >= nbest[0][1].score
True
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import torch

from dlclassics.errors import ConfigError
from dlclassics.registry import Registry
from dlclassics.seq2seq.interface import DecoderState, Seq2SeqModel

__all__ = [
    "PENALTIES",
    "SEARCHES",
    "Hypothesis",
    "Penalty",
    "SearchConfig",
    "SpeedResult",
    "beam_search",
    "beam_search_per_sentence",
    "decode",
    "greedy_search",
    "max_lengths",
    "time_search",
]

Penalty = Literal["length", "gnmt"]

# lp(n, α): the denominator of the normalized score (module docstring).
PENALTIES: Registry[Callable[[int, float], float]] = Registry("length penalty")
PENALTIES.add("length", lambda n, alpha: n**alpha)  # notes 003: (1 / T_y^α) Σ log P
PENALTIES.add("gnmt", lambda n, alpha: ((5 + n) / 6) ** alpha)  # Wu et al. 2016, eq. 14


@dataclass(frozen=True, kw_only=True)
class SearchConfig:
    beam: int = 5  # K: hypotheses kept per sentence at every step (1 = greedy)
    alpha: float = 0.6  # length-normalization exponent α (0 = raw log-probability)
    penalty: Penalty = "length"  # lp(|Y|) = |Y|^α, or GNMT's ((5 + |Y|) / 6)^α
    max_len_ratio: float = 1.5  # target tokens allowed per source token …
    max_len_extra: int = 10  # … plus this many (EOS counts as a token)
    n_best: int = 1  # finished hypotheses returned per sentence (≤ beam)
    attention: bool = False  # keep each hypothesis's attention rows (costs a copy per step)

    def __post_init__(self) -> None:
        if self.beam < 1:
            raise ConfigError(f"beam={self.beam} must be at least 1")
        if not 1 <= self.n_best <= self.beam:
            raise ConfigError(f"n_best={self.n_best} must be between 1 and beam={self.beam}")
        if self.alpha < 0 or not math.isfinite(self.alpha):
            raise ConfigError(f"alpha={self.alpha} must be a finite number ≥ 0")
        if self.max_len_ratio < 0 or self.max_len_extra < 1:
            raise ConfigError(
                f"max_len_ratio={self.max_len_ratio} must be ≥ 0 and "
                f"max_len_extra={self.max_len_extra} ≥ 1"
            )
        PENALTIES[self.penalty]  # unknown name -> one-line error listing the choices

    def normalize(self, log_prob: float, length: int) -> float:
        """score = log P(Y | X) / lp(|Y|)."""
        return log_prob / PENALTIES[self.penalty](length, self.alpha)


@dataclass(frozen=True)
class Hypothesis:
    """One finished translation of one source sentence."""

    tokens: list[int]  # target ids, without BOS and EOS
    log_prob: float  # log P(Y | X), the EOS step included
    score: float  # log_prob / lp(len(tokens) + 1): what the n-best list is sorted by
    attention: torch.Tensor | None  # (len(tokens) + 1, src_len): one row per emitted token


def max_lengths(src_lengths: torch.Tensor, config: SearchConfig) -> torch.Tensor:
    """(B,) long: the most target tokens (EOS included) each sentence may get."""
    return (src_lengths.double() * config.max_len_ratio).floor().long() + config.max_len_extra


def _check_batch(src: torch.Tensor, src_lengths: torch.Tensor) -> None:
    if src.dim() != 2 or src_lengths.shape != src.shape[:1]:
        raise ValueError(
            f"src must be (B, S) and src_lengths (B,); got {tuple(src.shape)} and "
            f"{tuple(src_lengths.shape)}"
        )
    if src.size(0) and (src_lengths.min() < 1 or src_lengths.max() > src.size(1)):
        raise ValueError(f"src_lengths must lie in 1..{src.size(1)}; got {src_lengths.tolist()}")


def _only_eos(log_probs: torch.Tensor, rows: torch.Tensor, eos: int) -> torch.Tensor:
    """log_probs with every token but EOS at -inf in the rows that reached their length."""
    if not bool(rows.any()):
        return log_probs  # the usual case: no copy
    V = log_probs.size(-1)
    others = torch.arange(V, device=log_probs.device) != eos  # (V,)
    shape = rows.shape + (1,) * (log_probs.dim() - 1)
    return log_probs.masked_fill(rows.view(shape) & others, -math.inf)


# --------------------------------------------------------------------------- greedy search


def greedy_search(
    model: Seq2SeqModel, src: torch.Tensor, src_lengths: torch.Tensor, config: SearchConfig
) -> list[list[Hypothesis]]:
    """The most likely token at every step, for a whole batch at once; one hypothesis each."""
    _check_batch(src, src_lengths)
    B = src.size(0)
    device = src.device
    limit = max_lengths(src_lengths, config).to(device)  # (B,)
    out: list[list[Hypothesis]] = [[] for _ in range(B)]
    if B == 0:
        return out
    with torch.inference_mode():
        state = model.encode(src, src_lengths)
        active = torch.arange(B, device=device)  # sentence of each row; shrinks as they finish
        tokens = torch.full((B, 0), model.eos, dtype=torch.long, device=device)  # (n, t)
        attention: torch.Tensor | None = None  # (n, t, S)
        last = torch.full((B,), model.bos, dtype=torch.long, device=device)
        log_prob: torch.Tensor | None = None  # (n,)
        for t in range(int(limit.max())):
            log_probs, state, weights = model.step(last, state)  # (n, V), _, (n, S) | None
            log_probs = _only_eos(log_probs, t + 1 >= limit[active], model.eos)
            best, last = log_probs.max(dim=-1)  # (n,), (n,)
            log_prob = best if log_prob is None else log_prob + best
            tokens = torch.cat([tokens, last[:, None]], dim=1)
            if config.attention and weights is not None:
                rows = weights[:, None, :]  # (n, 1, S)
                attention = rows if attention is None else torch.cat([attention, rows], dim=1)
            done = last == model.eos
            for i in done.nonzero().flatten().tolist():
                b = int(active[i])
                length = t + 1
                out[b].append(
                    Hypothesis(
                        tokens=tokens[i, :-1].tolist(),
                        log_prob=float(log_prob[i]),
                        score=config.normalize(float(log_prob[i]), length),
                        attention=None
                        if attention is None
                        else attention[i, :, : int(src_lengths[b])].clone(),
                    )
                )
            if bool(done.all()):
                break
            if bool(done.any()):
                keep = (~done).nonzero().flatten()  # (n',)
                state = state.select(keep)
                active, tokens, last, log_prob = (
                    active[keep],
                    tokens[keep],
                    last[keep],
                    log_prob[keep],
                )
                attention = None if attention is None else attention[keep]
    return out


# ----------------------------------------------------------------- batched beam search


def beam_search(
    model: Seq2SeqModel, src: torch.Tensor, src_lengths: torch.Tensor, config: SearchConfig
) -> list[list[Hypothesis]]:
    """Beam search over B sentences × K beams at once; the n best hypotheses per sentence."""
    _check_batch(src, src_lengths)
    B, K = src.size(0), config.beam
    device = src.device
    limit = max_lengths(src_lengths, config).to(device)  # (B,)
    finished: list[list[Hypothesis]] = [[] for _ in range(B)]
    if B == 0:
        return finished
    with torch.inference_mode():
        state: DecoderState = model.encode(src, src_lengths)
        state = state.select(torch.arange(B, device=device).repeat_interleave(K))  # B·K rows
        active = torch.arange(B, device=device)  # sentence of each row group; shrinks
        # Raw log P of each alive prefix; only beam 0 is real at t = 0, so the first step's
        # top K come from K different tokens rather than K copies of one.
        scores = torch.full((B, K), -math.inf, device=device)  # (n, K)
        scores[:, 0] = 0.0
        prefix = torch.zeros((B, K, 0), dtype=torch.long, device=device)  # (n, K, t)
        attention: torch.Tensor | None = None  # (n, K, t, S)
        last = torch.full((B * K,), model.bos, dtype=torch.long, device=device)  # (n·K,)
        for t in range(int(limit.max())):
            n = active.numel()
            log_probs, state, weights = model.step(last, state)  # (n·K, V), _, (n·K, S) | None
            V = log_probs.size(-1)
            log_probs = _only_eos(log_probs.view(n, K, V), t + 1 >= limit[active], model.eos)
            scores = scores.to(log_probs.dtype)
            candidates = (scores[:, :, None] + log_probs).view(n, K * V)  # (n, K·V)
            top, index = candidates.topk(2 * K, dim=1)  # (n, 2K), sorted best first
            beam, token = index // V, index % V  # (n, 2K) each
            ends = token == model.eos
            # Step 3: EOS among the top K (and reachable) -> finished hypotheses.
            new = (ends[:, :K] & top[:, :K].isfinite()).nonzero().tolist()
            for i, j in new:
                b, k = int(active[i]), int(beam[i, j])
                log_prob = float(top[i, j])
                steps = None  # attention rows of this hypothesis
                if config.attention and weights is not None:
                    steps = weights.view(n, K, -1)[i, k, None]  # (1, S): the EOS step
                    if attention is not None:
                        steps = torch.cat([attention[i, k], steps])  # (t + 1, S)
                    steps = steps[:, : int(src_lengths[b])].clone()
                finished[b].append(
                    Hypothesis(
                        tokens=prefix[i, k].tolist(),
                        log_prob=log_prob,
                        score=config.normalize(log_prob, t + 1),
                        attention=steps,
                    )
                )
            # Step 4: the K best non-EOS candidates, in rank order (a stable sort moves
            # the EOS candidates behind them; at least K of the 2K are not EOS).
            keep = ends.to(torch.int8).sort(dim=1, stable=True).indices[:, :K]  # (n, K)
            scores = top.gather(1, keep)
            parent = beam.gather(1, keep)  # (n, K) beam each new prefix extends
            token = token.gather(1, keep)
            rows = (torch.arange(n, device=device)[:, None] * K + parent).flatten()  # (n·K,)
            prefix = torch.cat([prefix.reshape(n * K, t)[rows].view(n, K, t), token[..., None]], 2)
            if config.attention and weights is not None:
                grown = weights[rows].view(n, K, 1, -1)  # (n, K, 1, S)
                attention = (
                    grown
                    if attention is None
                    else torch.cat([attention.flatten(0, 1)[rows].view(n, K, t, -1), grown], 2)
                )
            # Step 5: which sentences are done.
            counts = torch.tensor([len(finished[b]) for b in active.tolist()], device=device)
            done = (counts >= K) | (t + 1 >= limit[active]) | ~scores.isfinite().any(dim=1)
            if bool(done.all()):
                break
            if bool(done.any()):
                stay = (~done).nonzero().flatten()  # (n',)
                rows = rows.view(n, K)[stay].flatten()
                active, scores, prefix, token = (
                    active[stay],
                    scores[stay],
                    prefix[stay],
                    token[stay],
                )
                attention = None if attention is None else attention[stay]
            state = state.select(rows)
            last = token.flatten()
    return [_n_best(hyps, config.n_best) for hyps in finished]


def _n_best(hypotheses: list[Hypothesis], n: int) -> list[Hypothesis]:
    """The n highest normalized scores; ties keep the order they finished in (stable sort)."""
    return sorted(hypotheses, key=lambda h: -h.score)[:n]


# ------------------------------------------------------- per-sentence reference search


def beam_search_per_sentence(
    model: Seq2SeqModel, src: torch.Tensor, src_lengths: torch.Tensor, config: SearchConfig
) -> list[list[Hypothesis]]:
    """The same beam search, one sentence at a time with plain Python lists (reference)."""
    _check_batch(src, src_lengths)
    out = []
    for b in range(src.size(0)):
        length = int(src_lengths[b])
        out.append(_beam_one(model, src[b : b + 1, :length], src_lengths[b : b + 1], config))
    return out


@dataclass
class _Prefix:
    tokens: list[int]
    log_prob: float
    attention: list[torch.Tensor]  # one (S,) row per token


def _beam_one(
    model: Seq2SeqModel, src: torch.Tensor, src_lengths: torch.Tensor, config: SearchConfig
) -> list[Hypothesis]:
    K = config.beam
    limit = int(max_lengths(src_lengths, config)[0])
    keep_attention = config.attention
    finished: list[Hypothesis] = []
    with torch.inference_mode():
        state = model.encode(src, src_lengths)
        state = state.select(torch.zeros(1, dtype=torch.long, device=src.device))
        alive = [_Prefix([], 0.0, [])]
        for t in range(limit):
            last = [p.tokens[-1] if p.tokens else model.bos for p in alive]
            log_probs, state, weights = model.step(torch.tensor(last, device=src.device), state)
            if t + 1 == limit:  # the last token allowed must be EOS
                everyone = torch.ones(len(alive), dtype=torch.bool, device=log_probs.device)
                log_probs = _only_eos(log_probs, everyone, model.eos)
            V = log_probs.size(-1)
            base = torch.tensor([p.log_prob for p in alive], dtype=log_probs.dtype)
            candidates = (base.to(log_probs.device)[:, None] + log_probs).flatten()
            top, index = candidates.topk(min(2 * K, candidates.numel()))
            chosen: list[tuple[int, int, float]] = []  # (parent, token, log P)
            for rank, (score, flat) in enumerate(zip(top.tolist(), index.tolist(), strict=True)):
                if score == -math.inf:
                    break
                parent, token = divmod(flat, V)
                if token == model.eos:
                    if rank < K:
                        rows = alive[parent].attention
                        if keep_attention and weights is not None:
                            rows = [*rows, weights[parent]]
                        finished.append(
                            Hypothesis(
                                tokens=list(alive[parent].tokens),
                                log_prob=score,
                                score=config.normalize(score, t + 1),
                                attention=torch.stack(rows) if rows else None,
                            )
                        )
                elif len(chosen) < K:
                    chosen.append((parent, token, score))
            if len(finished) >= K or not chosen:
                break
            parents = torch.tensor([p for p, _, _ in chosen], device=src.device)
            new_rows = [[w] for w in weights] if keep_attention and weights is not None else None
            state = state.select(parents)
            alive = [
                _Prefix(
                    [*alive[p].tokens, token],
                    score,
                    alive[p].attention + (new_rows[p] if new_rows is not None else []),
                )
                for p, token, score in chosen
            ]
    return _n_best(finished, config.n_best)


# ------------------------------------------------------------------------ entry points

Search = Callable[[Seq2SeqModel, torch.Tensor, torch.Tensor, SearchConfig], list[list[Hypothesis]]]
SEARCHES: Registry[Search] = Registry("decoding method")
SEARCHES.add("greedy", greedy_search)
SEARCHES.add("beam", beam_search)


def decode(
    model: Seq2SeqModel,
    src: torch.Tensor,
    src_lengths: torch.Tensor,
    config: SearchConfig,
    *,
    method: Literal["greedy", "beam"] = "beam",
) -> list[list[Hypothesis]]:
    """Greedy or beam search (``config.beam`` is ignored by greedy search)."""
    return SEARCHES[method](model, src, src_lengths, config)


@dataclass(frozen=True)
class SpeedResult:
    batched_seconds: float  # wall clock (time.perf_counter)
    per_sentence_seconds: float
    speedup: float  # per_sentence_seconds / batched_seconds
    # CPU time of this process (time.process_time): less sensitive to other jobs on the
    # machine than wall clock when torch runs one thread; meaningless for GPU work
    batched_cpu_seconds: float
    per_sentence_cpu_seconds: float
    cpu_speedup: float
    same_tokens: bool  # every n-best list has the same token ids in both
    max_score_difference: float  # largest |score difference| over all hypotheses


def time_search(
    model: Seq2SeqModel,
    batches: list[tuple[torch.Tensor, torch.Tensor]],
    config: SearchConfig,
) -> SpeedResult:
    """Batched beam search vs the per-sentence loop on the same batches: time and agreement.

    ``batches`` are (src, src_lengths) pairs, e.g. a test set sorted by length and cut into
    batches. Every batch is decoded once by each search, alternately, so that load from other
    processes on a shared machine falls on both alike.
    """
    wall = {"batched": 0.0, "per_sentence": 0.0}
    cpu = dict(wall)
    batched: list[list[Hypothesis]] = []
    looped: list[list[Hypothesis]] = []
    searches = (
        ("batched", beam_search, batched),
        ("per_sentence", beam_search_per_sentence, looped),
    )
    for src, lengths in batches:
        for name, search, out in searches:
            wall_start, cpu_start = time.perf_counter(), time.process_time()
            out.extend(search(model, src, lengths, config))
            wall[name] += time.perf_counter() - wall_start
            cpu[name] += time.process_time() - cpu_start
    same = all(
        [h.tokens for h in a] == [h.tokens for h in b] for a, b in zip(batched, looped, strict=True)
    )
    differences = [
        abs(x.score - y.score)
        for a, b in zip(batched, looped, strict=True)
        for x, y in zip(a, b, strict=False)
    ]
    return SpeedResult(
        batched_seconds=wall["batched"],
        per_sentence_seconds=wall["per_sentence"],
        speedup=wall["per_sentence"] / max(wall["batched"], 1e-12),
        batched_cpu_seconds=cpu["batched"],
        per_sentence_cpu_seconds=cpu["per_sentence"],
        cpu_speedup=cpu["per_sentence"] / max(cpu["batched"], 1e-12),
        same_tokens=same,
        max_score_difference=max(differences, default=0.0),
    )
