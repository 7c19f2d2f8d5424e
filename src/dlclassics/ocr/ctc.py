"""Connectionist temporal classification (Graves et al. 2006), note 001 — 时序分类 (CTC).

A recogniser emits, at every frame t = 1 … T, a distribution y_t over the alphabet plus a
*blank* ∅. A *path* π ∈ (L ∪ {∅})^T maps to a labelling by ℬ: merge repeated symbols,
then drop blanks (ℬ(a a ∅ a b b) = a a b). The probability of a labelling l sums over
its paths,

    p(l | x) = Σ_{π ∈ ℬ⁻¹(l)} Π_t y_t^{π_t},        loss = −ln p(l | x).

The sum is computed by dynamic programming on the *extended* labelling
l' = (∅, l_1, ∅, l_2, …, l_S, ∅) of length 2S + 1. The forward variable α_t(s) is the
probability of the prefixes of paths that end at l'_s at frame t; the backward variable
β_t(s) that of the suffixes that start there (both include y_t^{l'_s}):

    α_t(s) = y_t^{l'_s} · (α_{t−1}(s) + α_{t−1}(s−1) + [skip_s] α_{t−1}(s−2))
    β_t(s) = y_t^{l'_s} · (β_{t+1}(s) + β_{t+1}(s+1) + [skip_{s+2}] β_{t+1}(s+2))

where skip_s holds when l'_s is not blank and l'_s ≠ l'_{s−2} (a blank must separate two
equal labels). Then p(l | x) = α_T(2S+1) + α_T(2S), and for every frame t

    ∂(−ln p) / ∂ln y_t^k = −(1 / (p · y_t^k)) Σ_{s : l'_s = k} α_t(s) β_t(s).

Everything runs in log space (products become sums, sums become logsumexp), batched over
the examples and the 2S + 1 positions, with a Python loop over frames only.

:func:`ctc_loss` takes the same arguments as ``torch.nn.functional.ctc_loss`` and returns
the same values. Its gradient is the exact derivative with respect to ``log_probs``;
PyTorch's own backward returns that plus y_t^k on the frames inside each input, a term
that sums to zero over k and so vanishes once it flows back through the ``log_softmax``
that produced ``log_probs`` — the two agree on the gradient of the logits.
"""

from __future__ import annotations

from typing import Any, Literal

import torch
from torch import Tensor

__all__ = ["Reduction", "ctc_loss", "ctc_nll"]

Reduction = Literal["none", "sum", "mean"]
NEG_INF = float("-inf")


def _padded_targets(targets: Tensor, target_lengths: Tensor) -> Tensor:
    """(N, S) targets from either torch layout: padded (N, S) or concatenated (ΣS,)."""
    if targets.dim() == 2:
        return targets
    N = len(target_lengths)
    S = int(target_lengths.max()) if N else 0
    padded = targets.new_zeros((N, max(S, 1)))
    offsets = torch.cumsum(target_lengths, 0) - target_lengths
    for n in range(N):
        length = int(target_lengths[n])
        padded[n, :length] = targets[int(offsets[n]) : int(offsets[n]) + length]
    return padded


def _extended(targets: Tensor, target_lengths: Tensor, blank: int) -> tuple[Tensor, Tensor]:
    """The extended labellings l' (N, 2S+1) and the mask skip_s (N, 2S+1) of the recursion."""
    N, S = targets.shape
    ext = torch.full((N, 2 * S + 1), blank, dtype=torch.long, device=targets.device)
    ext[:, 1::2] = targets
    s = torch.arange(2 * S + 1, device=targets.device)
    ext = torch.where(s[None, :] < 2 * target_lengths[:, None] + 1, ext, blank)
    skip = torch.zeros_like(ext, dtype=torch.bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


def _lse3(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    """ln(e^a + e^b + e^c), elementwise, safe when all three are −∞."""
    m = torch.maximum(torch.maximum(a, b), c)
    m_safe = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
    return m_safe + torch.log(torch.exp(a - m_safe) + torch.exp(b - m_safe) + torch.exp(c - m_safe))


def _shift(x: Tensor, k: int) -> Tensor:
    """x moved k positions to the right along the last dim (k < 0: left), −∞/False filling."""
    out = torch.zeros_like(x) if x.dtype == torch.bool else torch.full_like(x, NEG_INF)
    if k > 0:
        out[..., k:] = x[..., :-k]
    else:
        out[..., :k] = x[..., -k:]
    return out


def _alpha_beta(
    log_probs: Tensor, ext: Tensor, skip: Tensor, input_lengths: Tensor, target_lengths: Tensor
) -> tuple[Tensor, Tensor, Tensor]:
    """ln α and ln β (T, N, 2S+1) and ln p(l | x) (N,), the recursions of the module doc."""
    T, N, _ = log_probs.shape
    S2 = ext.shape[1]
    lp = log_probs.gather(2, ext[None].expand(T, N, S2))  # (T, N, 2S+1): ln y_t^{l'_s}
    s = torch.arange(S2, device=ext.device)
    valid = s[None, :] < 2 * target_lengths[:, None] + 1  # (N, 2S+1)
    neg = torch.full_like(lp[0], NEG_INF)
    alpha = torch.full_like(lp, NEG_INF)
    alpha[0] = torch.where((s[None, :] <= 1) & valid, lp[0], neg)
    for t in range(1, T):
        prev = alpha[t - 1]
        two_back = torch.where(skip, _shift(prev, 2), neg)
        alpha[t] = torch.where(valid, lp[t] + _lse3(prev, _shift(prev, 1), two_back), neg)
    last = (input_lengths - 1).clamp(min=0)  # (N,) the last frame of each input
    end = 2 * target_lengths  # (N,) index of the final blank of l'
    a_last = alpha[last, torch.arange(N)]  # (N, 2S+1)
    a_end = a_last.gather(1, end[:, None])[:, 0]
    a_label = a_last.gather(1, (end - 1).clamp(min=0)[:, None])[:, 0]
    a_label = torch.where(target_lengths > 0, a_label, torch.full_like(a_label, NEG_INF))
    log_p = torch.logaddexp(a_end, a_label)

    beta = torch.full_like(lp, NEG_INF)
    finals = valid & ((s[None, :] == end[:, None]) | (s[None, :] == end[:, None] - 1))
    for t in range(T - 1, -1, -1):
        if t + 1 < T:
            nxt = beta[t + 1]
            two_ahead = torch.where(_shift(skip, -2), _shift(nxt, -2), neg)
            rec = torch.where(valid, lp[t] + _lse3(nxt, _shift(nxt, -1), two_ahead), neg)
        else:
            rec = neg
        init = torch.where(finals, lp[t], neg)
        at_end = (last == t)[:, None]
        inside = (t < last)[:, None]
        beta[t] = torch.where(at_end, init, torch.where(inside, rec, neg))
    return alpha, beta, log_p


class _CTC(torch.autograd.Function):
    """−ln p(l | x) per example, with the analytic gradient of the module doc."""

    @staticmethod
    def forward(
        ctx: Any,
        log_probs: Tensor,
        targets: Tensor,
        input_lengths: Tensor,
        target_lengths: Tensor,
        blank: int,
    ) -> Tensor:
        ext, skip = _extended(targets, target_lengths, blank)
        alpha, beta, log_p = _alpha_beta(log_probs, ext, skip, input_lengths, target_lengths)
        ctx.save_for_backward(log_probs, ext, alpha, beta, log_p, input_lengths)
        return -log_p

    @staticmethod
    def backward(ctx: Any, grad_nll: Tensor) -> tuple[Tensor | None, ...]:
        log_probs, ext, alpha, beta, log_p, input_lengths = ctx.saved_tensors
        T, N, _ = log_probs.shape
        S2 = ext.shape[1]
        idx = ext[None].expand(T, N, S2)
        lp = log_probs.gather(2, idx)
        # share of p(l|x) through (t, s), divided by y_t^{l'_s}: in [0, 1/y], finite when p > 0
        finite = torch.isfinite(log_p)[None, :, None]
        log_gamma = torch.where(finite, alpha + beta - lp - log_p[None, :, None], NEG_INF)
        gamma = torch.zeros_like(log_probs).scatter_add_(2, idx, torch.exp(log_gamma))
        t = torch.arange(T, device=log_probs.device)
        inside = (t[:, None] < input_lengths[None, :])[:, :, None]  # (T, N, 1)
        grad = torch.where(inside, -gamma, torch.zeros_like(gamma)) * grad_nll[None, :, None]
        return grad, None, None, None, None


def ctc_nll(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths: Tensor,
    target_lengths: Tensor,
    blank: int = 0,
) -> Tensor:
    """(N,) −ln p(l_n | x_n); ``log_probs`` (T, N, C) are log-softmax outputs per frame.

    ``targets`` are padded (N, S) or concatenated (ΣS_n,), as in ``F.ctc_loss``. An
    impossible alignment (T_n shorter than S_n plus its repeats) gives +∞.
    """
    if log_probs.dim() != 3:
        raise ValueError(f"log_probs must be (T, N, C), got shape {tuple(log_probs.shape)}")
    input_lengths = torch.as_tensor(input_lengths, dtype=torch.long, device=log_probs.device)
    target_lengths = torch.as_tensor(target_lengths, dtype=torch.long, device=log_probs.device)
    if (input_lengths < 1).any() or (input_lengths > log_probs.shape[0]).any():
        raise ValueError(f"input lengths must lie in 1 … {log_probs.shape[0]}")
    padded = _padded_targets(targets.long(), target_lengths)
    nll: Tensor = _CTC.apply(log_probs, padded, input_lengths, target_lengths, blank)
    return nll


def ctc_loss(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths: Tensor,
    target_lengths: Tensor,
    blank: int = 0,
    reduction: Reduction = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    """The CTC loss with ``torch.nn.functional.ctc_loss``'s arguments and reductions.

    ``mean`` divides each example's loss by its target length (at least 1) and averages
    over the batch; ``zero_infinity`` turns the +∞ of impossible alignments (and their
    gradients) into zeros.
    """
    nll = ctc_nll(log_probs, targets, input_lengths, target_lengths, blank)
    if zero_infinity:
        nll = torch.where(torch.isinf(nll), torch.zeros_like(nll), nll)
    if reduction == "none":
        return nll
    if reduction == "sum":
        return nll.sum()
    if reduction == "mean":
        lengths = torch.as_tensor(target_lengths, device=nll.device).clamp(min=1)
        return (nll / lengths.to(nll.dtype)).mean()
    raise ValueError(f"reduction={reduction!r} must be 'none', 'sum' or 'mean'")
