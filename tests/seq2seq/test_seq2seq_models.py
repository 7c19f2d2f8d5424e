"""Translation models: step ≡ forward, padding invariance, attention weights, scorers."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.errors import ConfigError
from dlclassics.seq2seq.attention import (
    AdditiveScore,
    ConcatScore,
    DotScore,
    GeneralScore,
    attend,
)
from dlclassics.seq2seq.data import pad_batch
from dlclassics.seq2seq.models import MODELS, NetConfig, build_model

SRC_V, TGT_V = 23, 29
SMALL = {"emb": 12, "hidden": 16, "attn_dim": 10, "d_model": 16, "heads": 2, "d_ff": 24}
# every model, plus Luong's variants: no input feeding (parallel decoder), dot, concat
VARIANTS = [(name, {}) for name in MODELS] + [
    ("lstm-luong", {"input_feeding": False}),
    ("lstm-luong", {"score": "dot"}),
    ("lstm-luong", {"score": "concat", "input_feeding": False}),
    ("lstm-luong", {"deep_output": True, "scaled_score": True}),
    ("gru-luong", {"deep_output": True, "scaled_score": True, "input_feeding": False}),
    ("gru", {"layers": 2, "bidirectional": True}),
    ("gru-bahdanau", {"layers": 2}),
]
IDS = [name + "".join(f"-{k}={v}" for k, v in kw.items()) for name, kw in VARIANTS]
ATTENTION = [v for v in VARIANTS if v[0] not in ("gru", "lstm")]


def make(name: str, **kw: object) -> torch.nn.Module:
    torch.manual_seed(0)
    net = NetConfig(**{**SMALL, "dropout": 0.0, **kw})  # type: ignore[arg-type]
    return build_model(name, net, SRC_V, TGT_V).double().eval()


def batch() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    b = pad_batch([[5, 6, 7, 8, 9], [10, 11], [12, 13, 14]], [[4, 5, 6], [7], [8, 9, 10, 11]])
    return b.src, b.src_lengths, b.tgt_in


@pytest.mark.parametrize(("name", "kw"), VARIANTS, ids=IDS)
def test_step_log_probs_match_teacher_forced_forward(name: str, kw: dict[str, object]) -> None:
    model = make(name, **kw)
    src, lengths, tgt_in = batch()
    with torch.no_grad():
        expected = torch.log_softmax(model(src, lengths, tgt_in), dim=-1)  # (B, T, V)
        state = model.encode(src, lengths)
        steps = []
        for t in range(tgt_in.shape[1]):
            log_probs, state, _ = model.step(tgt_in[:, t], state)
            steps.append(log_probs)
    torch.testing.assert_close(torch.stack(steps, dim=1), expected)


@pytest.mark.parametrize(("name", "kw"), VARIANTS, ids=IDS)
def test_padded_batch_gives_each_sentence_its_unpadded_logits(
    name: str, kw: dict[str, object]
) -> None:
    model = make(name, **kw)
    src, lengths, tgt_in = batch()
    tgt_lengths = (tgt_in != 1).sum(1)
    with torch.no_grad():
        together = model(src, lengths, tgt_in)
        for b in range(len(src)):
            S, T = int(lengths[b]), int(tgt_lengths[b])
            alone = model(src[b : b + 1, :S], lengths[b : b + 1], tgt_in[b : b + 1, :T])
            torch.testing.assert_close(together[b, :T], alone[0])


@pytest.mark.parametrize(("name", "kw"), ATTENTION, ids=[IDS[VARIANTS.index(v)] for v in ATTENTION])
def test_attention_weights_sum_to_one_over_real_source_words(
    name: str, kw: dict[str, object]
) -> None:
    model = make(name, **kw)
    src, lengths, tgt_in = batch()
    with torch.no_grad():
        state = model.encode(src, lengths)
        for t in range(tgt_in.shape[1]):
            _, state, weights = model.step(tgt_in[:, t], state)
            assert weights is not None and weights.shape == src.shape
            pad = torch.arange(src.shape[1])[None, :] >= lengths[:, None]
            assert torch.all(weights[pad] == 0)
            torch.testing.assert_close(weights.sum(-1), torch.ones(len(src), dtype=torch.float64))


@pytest.mark.parametrize("name", ["gru", "lstm"])
def test_models_without_attention_return_no_weights(name: str) -> None:
    model = make(name)
    src, lengths, tgt_in = batch()
    state = model.encode(src, lengths)
    assert model.step(tgt_in[:, 0], state)[2] is None


@pytest.mark.parametrize(("name", "kw"), VARIANTS, ids=IDS)
def test_state_select_gathers_the_batch_rows(name: str, kw: dict[str, object]) -> None:
    """Reordering the state (beam search) equals encoding the reordered batch."""
    model = make(name, **kw)
    src, lengths, tgt_in = batch()
    index = torch.tensor([2, 0, 0, 1])
    with torch.no_grad():
        state = model.encode(src, lengths)
        state = model.step(tgt_in[:, 0], state)[1].select(index)
        picked, _, _ = model.step(tgt_in[index, 1], state)
        S = int(lengths[index].max())
        ref_state = model.encode(src[index, :S], lengths[index])
        ref_state = model.step(tgt_in[index, 0], ref_state)[1]
        expected, _, _ = model.step(tgt_in[index, 1], ref_state)
    torch.testing.assert_close(picked, expected)


def test_additive_score_is_bahdanau_formula_in_float64() -> None:
    torch.manual_seed(0)
    score = AdditiveScore(4, 6, 5).double()
    q, memory = torch.randn(2, 4, dtype=torch.float64), torch.randn(2, 3, 6, dtype=torch.float64)
    got = score(q, score.prepare(memory))  # (B, S)
    W, U, v = score.W.weight, score.U.weight, score.v.weight[0]
    for b in range(2):
        for s in range(3):
            e = v @ torch.tanh(W @ q[b] + U @ memory[b, s] + score.U.bias)
            torch.testing.assert_close(got[b, s], e)


@pytest.mark.parametrize("cls", [AdditiveScore, ConcatScore, DotScore, GeneralScore])
def test_scores_of_all_steps_at_once_equal_one_step_at_a_time(cls: type) -> None:
    torch.manual_seed(0)
    score = cls(6, 6, 5).double()
    q, memory = torch.randn(2, 4, 6, dtype=torch.float64), torch.randn(2, 3, 6, dtype=torch.float64)
    keys = score.prepare(memory)
    all_steps = score(q, keys)  # (B, T, S)
    one_by_one = torch.stack([score(q[:, t], keys) for t in range(4)], dim=1)
    torch.testing.assert_close(all_steps, one_by_one)


def test_general_score_is_h_transpose_w_h_bar() -> None:
    torch.manual_seed(0)
    score = GeneralScore(4, 6, 0).double()
    h, memory = torch.randn(1, 4, dtype=torch.float64), torch.randn(1, 3, 6, dtype=torch.float64)
    expected = torch.stack([h[0] @ score.W.weight @ memory[0, s] for s in range(3)])
    torch.testing.assert_close(score(h, score.prepare(memory))[0], expected)


@pytest.mark.parametrize("cls", [DotScore, GeneralScore])
def test_scaled_scores_are_the_unscaled_over_root_query_size(cls: type) -> None:
    torch.manual_seed(0)
    plain = cls(4, 4, 0).double()
    scaled = cls(4, 4, 0, scaled=True).double()
    scaled.load_state_dict(plain.state_dict())
    q, memory = torch.randn(2, 3, 4, dtype=torch.float64), torch.randn(2, 5, 4, dtype=torch.float64)
    for query in (q, q[:, 0]):  # all steps at once and one step
        expected = plain(query, plain.prepare(memory)) / 2  # √4
        torch.testing.assert_close(scaled(query, scaled.prepare(memory)), expected)


@settings(max_examples=30, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 7), min_size=1, max_size=4),
    seed=st.integers(0, 1000),
)
def test_attend_softmax_ignores_padding_and_sums_to_one(lengths: list[int], seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    B, S = len(lengths), max(lengths)
    scores = torch.randn(B, S, generator=g, dtype=torch.float64) * 5
    memory = torch.randn(B, S, 3, generator=g, dtype=torch.float64)
    pad = torch.arange(S)[None, :] >= torch.tensor(lengths)[:, None]
    context, weights = attend(scores, memory, pad)
    for b, n in enumerate(lengths):
        expected = torch.softmax(scores[b, :n], dim=0)
        torch.testing.assert_close(weights[b, :n], expected)
        assert torch.all(weights[b, n:] == 0)
        torch.testing.assert_close(context[b], expected @ memory[b, :n])


def test_mismatched_sizes_are_errors() -> None:
    with pytest.raises(ValueError, match="dot attention needs"):
        DotScore(4, 6, 5)
    with pytest.raises(ConfigError, match="scaled scores are dot or general"):
        build_model("lstm-luong", NetConfig(score="concat", scaled_score=True), 5, 5)
    with pytest.raises(ConfigError, match="even"):
        build_model("gru-bahdanau", NetConfig(hidden=15), 5, 5)


def test_transformer_embeddings_are_tied_and_scaled() -> None:
    model = make("transformer")
    assert model.out.weight is model.tgt_embed.weight
    assert math.isclose(
        float(model.tgt_embed.weight[4:].detach().std()), SMALL["d_model"] ** -0.5, rel_tol=0.2
    )
