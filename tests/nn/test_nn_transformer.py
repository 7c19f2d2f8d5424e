"""Pre-norm Transformer layers against torch's ``norm_first=True`` layers, in float64.

Oracles: ``nn.TransformerEncoderLayer`` / ``nn.TransformerDecoderLayer`` (batch_first,
norm_first) after ``load_state_dict``, outputs and gradients, for ReLU and GELU. Properties:
causality of the decoder and GPT block, gradient flow, key/value-cache decoding = full pass.
"""

from __future__ import annotations

import pytest
import torch
from torch import Tensor, nn
from torch.testing import assert_close

from dlclassics.nn.attention import KVCache
from dlclassics.nn.masks import causal_mask, padding_mask
from dlclassics.nn.transformer import (
    CausalSelfAttentionBlock,
    TransformerDecoderLayer,
    TransformerDecoderOnlyBlock,
    TransformerEncoderLayer,
)

TOL = {"rtol": 1e-8, "atol": 1e-10}
f64 = torch.float64
C, H, FF = 12, 3, 20


def _perturbed(module: nn.Module, seed: int = 0) -> nn.Module:
    """Non-trivial LayerNorm gains/biases and projection biases, so all are compared."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.1 * torch.randn_like(p))
    return module.eval()


def _grads(module: nn.Module) -> dict[str, Tensor]:
    out = {}
    for name, p in module.named_parameters():
        assert p.grad is not None, name
        out[name] = p.grad
    return out


@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_encoder_layer_matches_nn_transformer_encoder_layer_norm_first(activation: str) -> None:
    ref = _perturbed(
        nn.TransformerEncoderLayer(
            C, H, FF, 0.1, activation=activation, batch_first=True, norm_first=True, dtype=f64
        )
    )
    ours = TransformerEncoderLayer(C, H, FF, 0.1, activation=activation).to(f64).eval()  # type: ignore[arg-type]
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(2, 5, C, dtype=f64)
    kpm = padding_mask(torch.tensor([5, 3]), 5)
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    out = ours(x1, key_padding_mask=kpm)
    ref_out = ref(x2, src_key_padding_mask=kpm)
    assert_close(out, ref_out, **TOL)
    g = torch.randn_like(out)
    out.backward(g)
    ref_out.backward(g)
    assert_close(x1.grad, x2.grad, **TOL)
    assert_close(_grads(ours), _grads(ref), **TOL)


@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_decoder_layer_matches_nn_transformer_decoder_layer_norm_first(activation: str) -> None:
    ref = _perturbed(
        nn.TransformerDecoderLayer(
            C, H, FF, 0.1, activation=activation, batch_first=True, norm_first=True, dtype=f64
        )
    )
    ours = TransformerDecoderLayer(C, H, FF, 0.1, activation=activation).to(f64).eval()  # type: ignore[arg-type]
    ours.load_state_dict(ref.state_dict())
    x, memory = torch.randn(2, 4, C, dtype=f64), torch.randn(2, 6, C, dtype=f64)
    mpm = padding_mask(torch.tensor([6, 2]), 6)
    x1, m1 = x.clone().requires_grad_(), memory.clone().requires_grad_()
    x2, m2 = x.clone().requires_grad_(), memory.clone().requires_grad_()
    out = ours(x1, m1, memory_padding_mask=mpm)  # default self mask: causal
    ref_out = ref(
        x2, m2, tgt_mask=~causal_mask(4), memory_key_padding_mask=mpm
    )  # torch: True = blocked
    assert_close(out, ref_out, **TOL)
    g = torch.randn_like(out)
    out.backward(g)
    ref_out.backward(g)
    assert_close([x1.grad, m1.grad], [x2.grad, m2.grad], **TOL)
    assert_close(_grads(ours), _grads(ref), **TOL)


def test_causal_block_matches_nn_transformer_encoder_layer_with_a_causal_mask() -> None:
    ref = _perturbed(
        nn.TransformerEncoderLayer(
            C, H, FF, 0.0, activation="gelu", batch_first=True, norm_first=True, dtype=f64
        )
    )
    ours = CausalSelfAttentionBlock(C, H, FF, 0.0).to(f64).eval()  # GELU by default
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(3, 6, C, dtype=f64)
    assert_close(ours(x), ref(x, src_mask=~causal_mask(6), is_causal=True), **TOL)
    assert TransformerDecoderOnlyBlock is CausalSelfAttentionBlock


def test_decoder_cross_attention_weights_are_distributions_that_skip_source_padding() -> None:
    layer = TransformerDecoderLayer(C, H, FF, 0.0).to(f64).eval()
    x, memory = torch.randn(2, 4, C, dtype=f64), torch.randn(2, 6, C, dtype=f64)
    out, w = layer(
        x, memory, memory_padding_mask=padding_mask(torch.tensor([6, 2]), 6), need_weights=True
    )
    assert out.shape == (2, 4, C) and w.shape == (2, H, 4, 6)
    assert_close(w.sum(-1), torch.ones(2, H, 4, dtype=f64), **TOL)
    assert torch.equal(w[1, :, :, 2:], torch.zeros(H, 4, 4, dtype=f64))


@pytest.mark.parametrize("kind", ["decoder", "gpt"])
def test_future_target_tokens_do_not_change_earlier_outputs(kind: str) -> None:
    torch.manual_seed(0)
    memory = torch.randn(2, 3, C, dtype=f64)
    layer: nn.Module
    if kind == "decoder":
        layer = TransformerDecoderLayer(C, H, FF, 0.0).to(f64).eval()
    else:
        layer = CausalSelfAttentionBlock(C, H, FF, 0.0).to(f64).eval()

    def run(x: Tensor) -> Tensor:
        return layer(x, memory) if kind == "decoder" else layer(x)

    x = torch.randn(2, 5, C, dtype=f64)
    y = x.clone()
    y[:, 3:] = torch.randn(2, 2, C, dtype=f64)
    a, b = run(x), run(y)
    assert_close(a[:, :3], b[:, :3], **TOL)
    assert not torch.allclose(a[:, 3:], b[:, 3:])


def test_gradients_reach_every_parameter_of_every_layer() -> None:
    torch.manual_seed(0)
    enc = TransformerEncoderLayer(C, H, FF, 0.1).to(f64)
    dec = TransformerDecoderLayer(C, H, FF, 0.1).to(f64)
    gpt = CausalSelfAttentionBlock(C, H, FF, 0.1).to(f64)
    src, tgt = torch.randn(2, 5, C, dtype=f64), torch.randn(2, 4, C, dtype=f64)
    loss = dec(tgt, enc(src)).pow(2).sum() + gpt(tgt).pow(2).sum()
    loss.backward()
    for module in (enc, dec, gpt):
        for name, p in module.named_parameters():
            assert p.grad is not None and p.grad.abs().sum() > 0, name


def test_decoder_layer_with_caches_decodes_step_by_step_like_the_full_pass() -> None:
    torch.manual_seed(1)
    layer = TransformerDecoderLayer(C, H, FF, 0.0).to(f64).eval()
    x, memory = torch.randn(2, 5, C, dtype=f64), torch.randn(2, 3, C, dtype=f64)
    mpm = padding_mask(torch.tensor([3, 2]), 3)
    full = layer(x, memory, memory_padding_mask=mpm)
    self_cache, memory_cache = KVCache(), KVCache(static=True)
    steps = [
        layer(
            x[:, t : t + 1],
            memory,
            memory_padding_mask=mpm,
            self_cache=self_cache,
            memory_cache=memory_cache,
        )
        for t in range(5)
    ]
    assert_close(torch.cat(steps, dim=1), full, **TOL)


def test_causal_block_with_a_cache_accepts_a_prompt_chunk_then_single_tokens() -> None:
    torch.manual_seed(2)
    block = CausalSelfAttentionBlock(C, H, FF, 0.0).to(f64).eval()
    x = torch.randn(2, 6, C, dtype=f64)
    cache = KVCache()
    prompt = block(x[:, :4], cache=cache)  # causal_mask(4) among the prompt
    steps = [block(x[:, t : t + 1], cache=cache) for t in (4, 5)]  # causal_mask(1, offset=t)
    assert_close(torch.cat([prompt, *steps], dim=1), block(x), **TOL)


def test_unknown_activation_is_rejected() -> None:
    with pytest.raises(ValueError, match="activation='tanh'"):
        TransformerEncoderLayer(C, H, FF, activation="tanh")  # type: ignore[arg-type]
