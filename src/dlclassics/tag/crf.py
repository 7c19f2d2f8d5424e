"""The linear-chain conditional random field, from scratch (Lafferty et al. 2001).

Over a sentence of ``n`` tokens with emission scores ``e_t(y)`` (from a BiLSTM, Lample et al.
2016; Huang et al. 2015) and learnt transition scores ``A[i, j]`` (tag ``i`` then ``j``), start
scores ``s`` and end scores ``u``, a tag path ``y = y_1 … y_n`` scores

    score(x, y) = s[y_1] + Σ_{t=1..n} e_t(y_t) + Σ_{t=2..n} A[y_{t-1}, y_t] + u[y_n]

and has probability ``p(y | x) = exp score(x, y) / Z(x)``, ``Z(x) = Σ_y' exp score(x, y')``.
Training minimises ``−log p(y | x) = log Z(x) − score(x, y)``. The sum over the ``K^n``
paths is the **forward algorithm** (dynamic programming over the last tag):

    α_1(j) = s[j] + e_1(j)
    α_t(j) = e_t(j) + logsumexp_i (α_{t-1}(i) + A[i, j])
    log Z  = logsumexp_j (α_n(j) + u[j])

and the best path is the **Viterbi algorithm**: the same recursion with ``max`` for
``logsumexp``, keeping the arg-max of every step to read the path back. Both are batched:
``mask[b, t]`` is True on the first ``n_b`` positions of sentence ``b``; beyond its end a
sentence's ``α`` is carried unchanged. The gradient of ``log Z`` is the tag marginals
(autograd computes it; the tests check it against autograd of the brute-force sum).

:func:`viterbi` takes the pairwise scores one step at a time, so the maximum-entropy tagger
(:mod:`.memm`), whose locally normalised scores depend on the position, decodes with it too.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


class CRF(nn.Module):
    """Transition, start and end scores of a linear-chain CRF over ``n_tags`` tags."""

    def __init__(self, n_tags: int) -> None:
        super().__init__()
        self.n_tags = n_tags
        self.transitions = nn.Parameter(torch.zeros(n_tags, n_tags))  # A[i, j]: i then j
        self.start = nn.Parameter(torch.zeros(n_tags))  # s[j]: j first
        self.end = nn.Parameter(torch.zeros(n_tags))  # u[j]: j last

    def score(
        self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor
    ) -> torch.Tensor:
        """score(x, y) of the paths ``tags`` (B, T) under ``emissions`` (B, T, K); (B,)."""
        T = emissions.shape[1]
        m = mask.to(emissions.dtype)  # (B, T)
        emitted = emissions.gather(-1, tags.unsqueeze(-1)).squeeze(-1)  # (B, T)
        total = self.start[tags[:, 0]] + (emitted * m).sum(1)
        if T > 1:
            steps = self.transitions[tags[:, :-1], tags[:, 1:]]  # (B, T-1)
            total = total + (steps * m[:, 1:]).sum(1)
        last = tags.gather(1, (mask.sum(1, keepdim=True) - 1).clamp(min=0)).squeeze(1)  # (B,)
        return total + self.end[last]

    def log_partition(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """log Z(x) by the forward algorithm; (B,)."""
        _, T, _ = emissions.shape
        alpha = self.start + emissions[:, 0]  # (B, K)
        for t in range(1, T):
            # α_{t-1}(i) + A[i, j], summed over i
            step = torch.logsumexp(alpha.unsqueeze(2) + self.transitions, dim=1)  # (B, K)
            alpha = torch.where(mask[:, t : t + 1], step + emissions[:, t], alpha)
        return torch.logsumexp(alpha + self.end, dim=1)

    def nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """−log p(y | x) = log Z(x) − score(x, y) of each sentence; (B,)."""
        return self.log_partition(emissions, mask) - self.score(emissions, tags, mask)

    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The highest-scoring path of each sentence, (B, T); positions past the end are 0."""
        first = self.start + emissions[:, 0]  # (B, K)
        return viterbi(
            first, lambda t: self.transitions + emissions[:, t].unsqueeze(1), mask, self.end
        )


def viterbi(
    first: torch.Tensor,
    pair: Callable[[int], torch.Tensor],
    mask: torch.Tensor,
    last: torch.Tensor | None = None,
) -> torch.Tensor:
    """arg max over paths of ``first[y_1] + Σ_{t≥2} pair(t)[y_{t-1}, y_t] (+ last[y_n])``.

    ``first``: (B, K) scores of the first tag; ``pair(t)``: (B, K, K) scores of tag ``i`` at
    ``t-1`` followed by ``j`` at ``t`` (0-based ``t``); ``last``: (K,) scores of the final tag.
    Returns the best paths (B, T), zero past each sentence's end.
    """
    B, T = mask.shape
    delta = first  # (B, K): best score of a path ending in each tag
    back = []  # back[t-1][b, j]: best previous tag of j at t
    for t in range(1, T):
        candidates = delta.unsqueeze(2) + pair(t)  # (B, K, K)
        best, arg = candidates.max(dim=1)  # (B, K)
        keep = mask[:, t : t + 1]
        delta = torch.where(keep, best, delta)
        # past the end, a tag points at itself so the read-back passes through unchanged
        stay = torch.arange(delta.shape[1], device=delta.device).expand(B, -1)
        back.append(torch.where(keep, arg, stay))
    if last is not None:
        delta = delta + last
    path = [delta.argmax(dim=1)]  # (B,)
    for arg in reversed(back):
        path.append(arg.gather(1, path[-1].unsqueeze(1)).squeeze(1))
    tags = torch.stack(path[::-1], dim=1)  # (B, T)
    return tags * mask
