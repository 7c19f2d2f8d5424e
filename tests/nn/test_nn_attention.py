"""Scaled dot-product and multi-head attention against torch, in float64 (note 001 §7).

Oracles: ``F.scaled_dot_product_attention`` for softmax(QKᵀ/√d)V with and without masks, and
``nn.MultiheadAttention(batch_first=True)`` after ``load_state_dict`` for the multi-head layer
(outputs, per-head and averaged weights, gradients of inputs and parameters). Properties:
causality, zero weight on padding, the fully-masked-row convention, the key/value cache.
"""

from __future__ import annotations

import doctest
import importlib

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import Tensor, nn
from torch.testing import assert_close

from dlclassics.nn.attention import KVCache, MultiHeadAttention, scaled_dot_product_attention
from dlclassics.nn.masks import causal_mask, combine_masks, padding_mask

FAST = settings(max_examples=25, deadline=None)
TOL = {"rtol": 1e-8, "atol": 1e-10}
f64 = torch.float64


def _grads(*tensors: Tensor) -> list[Tensor]:
    out = []
    for t in tensors:
        assert t.grad is not None
        out.append(t.grad.clone())
    return out


# --------------------------------------------------------------------------- masks


def test_causal_mask_is_the_lower_triangle() -> None:
    m = causal_mask(4)
    assert m.dtype == torch.bool
    assert torch.equal(m, torch.ones(4, 4).tril().bool())


def test_causal_mask_with_offset_sees_every_cached_key() -> None:
    m = causal_mask(2, offset=3)  # queries at absolute positions 3 and 4, keys 0…4
    assert torch.equal(m, torch.tensor([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]]).bool())


def test_padding_mask_marks_positions_past_each_length() -> None:
    m = padding_mask(torch.tensor([1, 3, 0]), 3)
    expected = torch.tensor([[0, 1, 1], [0, 0, 0], [1, 1, 1]]).bool()
    assert torch.equal(m, expected)


def test_padding_mask_rejects_lengths_longer_than_s() -> None:
    with pytest.raises(ValueError, match="exceeds the padded length S=2"):
        padding_mask(torch.tensor([3]), 2)


def test_combine_masks_allows_a_key_only_if_both_masks_allow_it() -> None:
    attn = causal_mask(2)  # (T, S)
    pad = torch.tensor([[False, True]])  # (B=1, S=2): key 1 is padding
    m = combine_masks(attn, pad)
    assert m is not None
    assert torch.equal(m[0, 0], torch.tensor([[True, False], [True, False]]))


def test_combine_masks_rejects_float_masks() -> None:
    with pytest.raises(TypeError, match="bool"):
        combine_masks(torch.zeros(2, 2), None)


# --------------------------------------------------------------------------- scaled dot product


@st.composite
def qkv_cases(draw: st.DrawFn) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
    B, H = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    T, S, D = draw(st.integers(1, 6)), draw(st.integers(1, 6)), draw(st.integers(1, 8))
    seed = draw(st.integers(0, 2**31 - 1))
    kind = draw(st.sampled_from(["none", "causal", "random", "broadcast"]))
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(B, H, T, D, generator=g, dtype=f64)
    k = torch.randn(B, H, S, D, generator=g, dtype=f64)
    v = torch.randn(B, H, S, D + 1, generator=g, dtype=f64)  # value width may differ
    mask: Tensor | None
    if kind == "none":
        mask = None
    elif kind == "causal":
        mask = (
            torch.ones(T, S, dtype=torch.bool).tril(diagonal=S - T)
            if S >= T
            else causal_mask(T)[:, :S]
        )
    elif kind == "random":
        mask = torch.rand(B, H, T, S, generator=g) < 0.6
    else:
        mask = torch.rand(B, 1, 1, S, generator=g) < 0.7  # a key padding mask's shape
    if mask is not None:
        mask[..., 0] = True  # at least one key per query: the torch oracle's rows are defined
    return q, k, v, mask


@FAST
@given(qkv_cases())
def test_scaled_dot_product_attention_matches_torch_sdpa_values_and_gradients(
    case: tuple[Tensor, Tensor, Tensor, Tensor | None],
) -> None:
    q, k, v, mask = case
    ours_in = [t.clone().requires_grad_() for t in (q, k, v)]
    ref_in = [t.clone().requires_grad_() for t in (q, k, v)]
    out, weights = scaled_dot_product_attention(*ours_in, mask)
    ref = F.scaled_dot_product_attention(*ref_in, attn_mask=mask)
    assert_close(out, ref, **TOL)
    g = torch.randn_like(ref)
    out.backward(g)
    ref.backward(g)
    assert_close(_grads(*ours_in), _grads(*ref_in), **TOL)
    assert_close(weights.sum(-1), torch.ones(weights.shape[:-1], dtype=f64), **TOL)


def test_scaled_dot_product_attention_matches_torch_is_causal() -> None:
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 5, 4, generator=g, dtype=f64) for _ in range(3))
    out, _ = scaled_dot_product_attention(q, k, v, causal_mask(5))
    assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True), **TOL)


def test_fully_masked_query_gets_zero_weights_zero_output_and_finite_gradients() -> None:
    g = torch.Generator().manual_seed(1)
    q, k, v = (
        torch.randn(1, 2, 3, 4, generator=g, dtype=f64, requires_grad=True) for _ in range(3)
    )
    mask = torch.tensor([[True, False, True], [False, False, False], [True, True, True]])
    out, weights = scaled_dot_product_attention(q, k, v, mask)
    assert torch.equal(weights[:, :, 1], torch.zeros(1, 2, 3, dtype=f64))
    assert torch.equal(out[:, :, 1], torch.zeros(1, 2, 4, dtype=f64))
    assert_close(
        out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask), **TOL
    )  # torch ≥ 2.5 agrees
    out.sum().backward()
    for t in (q, k, v):
        assert t.grad is not None and torch.isfinite(t.grad).all()
    assert q.grad is not None and torch.equal(q.grad[:, :, 1], torch.zeros(1, 2, 4, dtype=f64))


def test_attention_dropout_is_reproducible_with_a_generator_and_unbiased_on_average() -> None:
    q = torch.zeros(1, 1, 4, 8, dtype=f64)  # uniform weights 1/S over S = 8 keys
    k = torch.randn(1, 1, 8, 8, dtype=f64)
    v = torch.ones(1, 1, 8, 1, dtype=f64)  # out = Σ dropped weights / (1 − p)
    a, w = scaled_dot_product_attention(
        q, k, v, dropout_p=0.5, generator=torch.Generator().manual_seed(3)
    )
    b, _ = scaled_dot_product_attention(
        q, k, v, dropout_p=0.5, generator=torch.Generator().manual_seed(3)
    )
    assert torch.equal(a, b)
    assert_close(w, torch.full_like(w, 1 / 8))  # the returned weights are pre-dropout
    outs = torch.stack(
        [
            scaled_dot_product_attention(
                q, k, v, dropout_p=0.5, generator=torch.Generator().manual_seed(s)
            )[0]
            for s in range(200)
        ]
    )
    # Each output is (#kept of 8)/8 · 2, mean 1, sd 0.35; the mean of 800 is within 0.05 of 1
    # with probability > 0.9999 (sd of the mean 0.0125).
    assert abs(outs.mean().item() - 1.0) < 0.05


# --------------------------------------------------------------------------- multi-head


def _pair(
    C: int, H: int, bias: bool = True, seed: int = 0
) -> tuple[MultiHeadAttention, nn.MultiheadAttention]:
    torch.manual_seed(seed)
    ref = nn.MultiheadAttention(C, H, bias=bias, batch_first=True, dtype=f64)
    with torch.no_grad():  # non-zero biases so that they are actually compared
        for p in ref.parameters():
            p.add_(0.1 * torch.randn_like(p))
    ours = MultiHeadAttention(C, H, bias=bias).to(f64)
    ours.load_state_dict(ref.state_dict())
    return ours, ref


def test_multi_head_attention_state_dict_keys_match_nn_multihead_attention() -> None:
    for bias in (True, False):
        ours = MultiHeadAttention(8, 2, bias=bias)
        ref = nn.MultiheadAttention(8, 2, bias=bias, batch_first=True)
        assert {k: v.shape for k, v in ours.state_dict().items()} == {
            k: v.shape for k, v in ref.state_dict().items()
        }


@st.composite
def mha_cases(draw: st.DrawFn) -> dict[str, object]:
    H = draw(st.integers(1, 3))
    C = H * draw(st.integers(1, 4))
    B, T = draw(st.integers(1, 3)), draw(st.integers(1, 5))
    self_attention = draw(st.booleans())
    S = T if self_attention else draw(st.integers(1, 5))
    lengths = draw(st.lists(st.integers(1, S), min_size=B, max_size=B))
    return {
        "H": H,
        "C": C,
        "B": B,
        "T": T,
        "S": S,
        "self_attention": self_attention,
        "causal": self_attention and draw(st.booleans()),
        "lengths": torch.tensor(lengths) if draw(st.booleans()) else None,
        "bias": draw(st.booleans()),
        "seed": draw(st.integers(0, 1000)),
    }


@FAST
@given(mha_cases())
def test_multi_head_attention_matches_nn_multihead_attention_outputs_weights_and_gradients(
    case: dict[str, object],
) -> None:
    H, C, B, T, S = (int(case[key]) for key in ("H", "C", "B", "T", "S"))  # type: ignore[call-overload]
    ours, ref = _pair(C, H, bias=bool(case["bias"]), seed=int(case["seed"]))  # type: ignore[call-overload]
    g = torch.Generator().manual_seed(int(case["seed"]))  # type: ignore[call-overload]
    query = torch.randn(B, T, C, generator=g, dtype=f64)
    memory = query if case["self_attention"] else torch.randn(B, S, C, generator=g, dtype=f64)
    lengths = case["lengths"]
    kpm = padding_mask(lengths, S) if isinstance(lengths, Tensor) else None
    allow = causal_mask(T) if case["causal"] else None

    x1, m1 = query.clone().requires_grad_(), memory.clone().requires_grad_()
    x2, m2 = query.clone().requires_grad_(), memory.clone().requires_grad_()
    out, w = ours(x1, m1, m1, attn_mask=allow, key_padding_mask=kpm, need_weights=True)
    ref_out, ref_w = ref(
        x2,
        m2,
        m2,
        attn_mask=None if allow is None else ~allow,  # torch: True = blocked
        key_padding_mask=kpm,
        need_weights=True,
        average_attn_weights=False,
    )
    assert_close(out, ref_out, **TOL)
    assert w is not None and ref_w is not None
    assert_close(w, ref_w, **TOL)  # per head (B, H, T, S)
    _, ref_avg = ref(x2, m2, m2, attn_mask=None if allow is None else ~allow, key_padding_mask=kpm)
    assert_close(w.mean(dim=1), ref_avg, **TOL)  # torch's default: averaged over heads

    grad = torch.randn(B, T, C, generator=g, dtype=f64)
    out.backward(grad)
    ref_out.backward(grad)
    assert_close(_grads(x1, m1), _grads(x2, m2), **TOL)
    ref_params = dict(ref.named_parameters())
    for name, p in ours.named_parameters():
        assert p.grad is not None, name
        assert_close(p.grad, ref_params[name].grad, **TOL, msg=name)


def test_future_tokens_do_not_change_past_outputs_under_the_causal_mask() -> None:
    ours, _ = _pair(12, 3)
    x = torch.randn(2, 6, 12, dtype=f64)
    y = x.clone()
    y[:, 4:] = torch.randn(2, 2, 12, dtype=f64)  # rewrite the future
    a, _ = ours(x, x, x, attn_mask=causal_mask(6))
    b, _ = ours(y, y, y, attn_mask=causal_mask(6))
    assert_close(a[:, :4], b[:, :4], **TOL)
    assert not torch.allclose(a[:, 4:], b[:, 4:])


def test_padding_keys_get_zero_weight_and_their_values_do_not_matter() -> None:
    ours, _ = _pair(8, 2)
    query, memory = torch.randn(2, 3, 8, dtype=f64), torch.randn(2, 5, 8, dtype=f64)
    kpm = padding_mask(torch.tensor([5, 2]), 5)
    out, w = ours(query, memory, memory, key_padding_mask=kpm, need_weights=True)
    assert w is not None
    assert torch.equal(w[1, :, :, 2:], torch.zeros(2, 3, 3, dtype=f64))
    changed = memory.clone()
    changed[1, 2:] = 100.0
    out2, _ = ours(query, changed, changed, key_padding_mask=kpm)
    assert_close(out, out2, **TOL)


def test_need_weights_false_returns_none() -> None:
    ours, _ = _pair(8, 2)
    x = torch.randn(1, 3, 8, dtype=f64)
    assert ours(x, x, x)[1] is None


def test_fused_path_matches_the_from_scratch_path() -> None:
    ours, _ = _pair(8, 2)
    fused = MultiHeadAttention(8, 2, fused=True).to(f64)
    fused.load_state_dict(ours.state_dict())
    x, m = torch.randn(2, 4, 8, dtype=f64), torch.randn(2, 5, 8, dtype=f64)
    kpm = padding_mask(torch.tensor([5, 0]), 5)  # the second batch row is fully masked
    a, _ = ours(x, m, m, key_padding_mask=kpm)
    b, _ = fused(x, m, m, key_padding_mask=kpm)
    assert_close(a, b, **TOL)


def test_key_value_cache_decoding_one_token_at_a_time_equals_the_full_causal_pass() -> None:
    ours, _ = _pair(12, 3)
    x = torch.randn(2, 5, 12, dtype=f64)
    full, _ = ours(x, x, x, attn_mask=causal_mask(5))
    cache = KVCache()
    steps = []
    for t in range(5):
        xt = x[:, t : t + 1]  # (B, 1, C): the newest token only
        out, _ = ours(xt, xt, xt, cache=cache)  # one query sees all cached keys: causal
        steps.append(out)
    assert cache.length == 5
    assert_close(torch.cat(steps, dim=1), full, **TOL)


def test_static_cache_projects_the_memory_once_and_reuses_it() -> None:
    ours, _ = _pair(8, 2)
    x, memory = torch.randn(2, 3, 8, dtype=f64), torch.randn(2, 4, 8, dtype=f64)
    full, _ = ours(x, memory, memory)
    cache = KVCache(static=True)
    first, _ = ours(x[:, :1], memory, memory, cache=cache)
    rest, _ = ours(x[:, 1:], torch.empty(0), torch.empty(0), cache=cache)  # memory not re-read
    assert cache.length == 4
    assert_close(torch.cat([first, rest], dim=1), full, **TOL)


def test_cache_index_select_reorders_the_batch() -> None:
    cache = KVCache(k=torch.arange(3.0).view(3, 1, 1, 1), v=torch.arange(3.0).view(3, 1, 1, 1))
    cache.index_select(torch.tensor([2, 2, 0]))
    assert cache.k is not None and cache.k.flatten().tolist() == [2.0, 2.0, 0.0]


def test_multi_head_attention_rejects_width_not_divisible_by_heads() -> None:
    with pytest.raises(ValueError, match="d_model=10 must be divisible by heads=3"):
        MultiHeadAttention(10, 3)


def test_multi_head_attention_rejects_an_input_of_the_wrong_width() -> None:
    with pytest.raises(ValueError, match="expected d_model=8"):
        MultiHeadAttention(8, 2)(torch.randn(1, 2, 4), torch.randn(1, 2, 8), torch.randn(1, 2, 8))


@pytest.mark.parametrize("module", ["masks", "attention", "rnn"])
def test_module_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"dlclassics.nn.{module}"))
    assert result.attempted > 0 and result.failed == 0
