"""Our CTC loss equals ``torch.nn.functional.ctc_loss`` in float64: values and gradients."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.ocr.ctc import ctc_loss, ctc_nll


def case(
    seed: int, T: int, N: int, C: int, max_s: int, repeats: bool
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(T, N, C, generator=g, dtype=torch.float64) * 2
    input_lengths = torch.randint(1, T + 1, (N,), generator=g)
    input_lengths[0] = T  # the longest input fills the batch
    target_lengths = torch.randint(0, max_s + 1, (N,), generator=g)
    high = 2 if repeats else C  # labels from {1} only: every neighbour repeats
    targets = torch.randint(1, high, (N, max(max_s, 1)), generator=g)
    return logits, targets, input_lengths, target_lengths


def grads(loss_fn, logits, *args, **kwargs):  # type: ignore[no-untyped-def]
    x = logits.clone().requires_grad_()
    loss = loss_fn(x.log_softmax(2), *args, **kwargs)
    (grad,) = torch.autograd.grad(loss.sum(), x)
    return loss.detach(), grad


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    T=st.integers(1, 12),
    N=st.integers(1, 4),
    C=st.integers(2, 6),
    max_s=st.integers(0, 6),
    repeats=st.booleans(),
    reduction=st.sampled_from(["none", "sum", "mean"]),
)
def test_loss_and_logit_gradient_match_torch_ctc_loss_on_random_cases(
    seed: int, T: int, N: int, C: int, max_s: int, repeats: bool, reduction: str
) -> None:
    logits, targets, il, tl = case(seed, T, N, C, max_s, repeats)
    kw = {"reduction": reduction, "zero_infinity": True}  # short inputs: +∞ → 0, as torch does
    ours, g_ours = grads(ctc_loss, logits, targets, il, tl, **kw)
    ref, g_ref = grads(F.ctc_loss, logits, targets, il, tl, **kw)
    torch.testing.assert_close(ours, ref)
    torch.testing.assert_close(g_ours, g_ref)


def test_impossible_alignments_are_infinite_like_torch() -> None:
    lp = torch.randn(3, 2, 4, dtype=torch.float64).log_softmax(2)
    targets = torch.tensor([[1, 1, 2], [1, 2, 3]])  # 1 1 needs a blank between: 4 frames
    il, tl = torch.tensor([3, 3]), torch.tensor([3, 3])
    ours = ctc_loss(lp, targets, il, tl, reduction="none")
    torch.testing.assert_close(ours, F.ctc_loss(lp, targets, il, tl, reduction="none"))
    assert torch.isinf(ours[0]) and torch.isfinite(ours[1])


def test_concatenated_targets_equal_padded_targets() -> None:
    logits, targets, il, tl = case(3, T=10, N=3, C=5, max_s=4, repeats=False)
    tl = torch.tensor([4, 0, 2])
    flat = torch.cat([targets[n, : tl[n]] for n in range(3)])
    lp = logits.log_softmax(2)
    a = ctc_nll(lp, targets, il, tl)
    torch.testing.assert_close(a, ctc_nll(lp, flat, il, tl))
    torch.testing.assert_close(a, F.ctc_loss(lp, flat, il, tl, reduction="none"))


def test_gradient_wrt_log_probs_is_torch_minus_its_softmax_term() -> None:
    # torch returns ∂/∂ln y + y_t^k inside each input; the extra term sums to zero over k
    logits, targets, _, tl = case(7, T=9, N=3, C=5, max_s=3, repeats=True)
    il = torch.tensor([9, 8, 7])  # long enough for every target: finite losses
    lp = logits.log_softmax(2).requires_grad_()
    (ours,) = torch.autograd.grad(ctc_loss(lp, targets, il, tl, reduction="sum"), lp)
    (ref,) = torch.autograd.grad(F.ctc_loss(lp, targets, il, tl, reduction="sum"), lp)
    inside = (torch.arange(9)[:, None] < il[None, :])[:, :, None]
    torch.testing.assert_close(ours, ref - lp.detach().exp() * inside)


def test_gradient_matches_finite_differences() -> None:
    logits, targets, il, tl = case(11, T=6, N=2, C=4, max_s=2, repeats=False)
    lp = logits.log_softmax(2).requires_grad_()
    assert torch.autograd.gradcheck(
        lambda x: ctc_nll(x, targets, il, tl), (lp,), eps=1e-6, atol=1e-6
    )


@pytest.mark.parametrize("T", [1, 2])
def test_single_label_and_empty_target_at_the_shortest_inputs(T: int) -> None:
    lp = torch.randn(T, 2, 3, dtype=torch.float64).log_softmax(2)
    targets, il, tl = torch.tensor([[2], [1]]), torch.tensor([T, T]), torch.tensor([1, 0])
    torch.testing.assert_close(
        ctc_nll(lp, targets, il, tl), F.ctc_loss(lp, targets, il, tl, reduction="none")
    )


def test_lengths_outside_the_input_are_rejected() -> None:
    lp = torch.zeros(4, 1, 3, dtype=torch.float64)
    with pytest.raises(ValueError, match="input lengths"):
        ctc_nll(lp, torch.tensor([[1]]), torch.tensor([5]), torch.tensor([1]))
