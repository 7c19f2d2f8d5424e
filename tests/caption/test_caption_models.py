"""Captioners: shapes, attention distributions, causality, greedy decoding, the hit metric."""

from __future__ import annotations

import pytest
import torch

from dlclassics.caption.grammar import item_words, vocabulary
from dlclassics.caption.metrics import (
    attention_hits,
    bleu,
    error_kind,
    exact_matches,
    item_confusions,
)
from dlclassics.caption.models import CaptionModelConfig, OutputLayer, build_model, greedy
from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError

VOCAB = Vocab(vocabulary("en"))
V = len(VOCAB)
ITEMS = torch.tensor([VOCAB[item] for item in item_words("en")])
SMALL = {"channels": (4, 8, 8), "d_model": 16, "embed": 8, "attn_dim": 8, "heads": 2, "d_ff": 32}


def make(name: str, glimpse: bool = True) -> torch.nn.Module:
    torch.manual_seed(0)
    config = CaptionModelConfig(model=name, dropout=0.0, glimpse=glimpse, **SMALL)  # type: ignore[arg-type]
    return build_model(config, V, ITEMS).double().eval()


MODELS = ["rnn", "transformer"]


@pytest.mark.parametrize("name", MODELS)
def test_decode_gives_logits_per_token_and_one_attention_distribution_per_word(name: str) -> None:
    model = make(name)
    images = torch.rand(3, 1, 56, 56, dtype=torch.float64)
    tokens = torch.randint(4, V, (3, 7))
    cells = model.encode(images)
    assert cells.content.shape == cells.memory.shape == (3, 4, 16)
    logits, attention = model.decode(cells, tokens)
    assert logits.shape == (3, 7, V) and attention.shape == (3, 7, 4)
    torch.testing.assert_close(attention.sum(-1), torch.ones(3, 7, dtype=torch.float64))
    assert (attention >= 0).all()


@pytest.mark.parametrize("name", MODELS)
def test_a_word_depends_only_on_the_words_before_it(name: str) -> None:
    model = make(name)
    cells = model.encode(torch.rand(2, 1, 56, 56, dtype=torch.float64))
    tokens = torch.randint(4, V, (2, 6))
    changed = tokens.clone()
    changed[:, 4:] = torch.randint(4, V, (2, 2))
    a, att_a = model.decode(cells, tokens)
    b, att_b = model.decode(cells, changed)
    torch.testing.assert_close(a[:, :4], b[:, :4])
    torch.testing.assert_close(att_a[:, :4], att_b[:, :4])


@pytest.mark.parametrize("name", MODELS)
def test_a_cell_vector_depends_on_its_own_cell_only(name: str) -> None:
    model = make(name)
    images = torch.rand(1, 1, 56, 56, dtype=torch.float64)
    other = images.clone()
    other[..., 28:, 28:] = torch.rand(28, 28, dtype=torch.float64)  # bottom-right cell only
    m, n = model.encode(images).content, model.encode(other).content
    torch.testing.assert_close(m[:, :3], n[:, :3], rtol=0, atol=0)
    assert (m[:, 3] - n[:, 3]).abs().max() > 1e-4


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("place_keys", [True, False])
def test_place_keys_ignore_what_the_occupied_cells_show(name: str, place_keys: bool) -> None:
    """Swapping the pictures of two occupied cells leaves the keys, and so the first word's
    attention (its query has read no cell yet), unchanged; an emptied cell changes them."""
    torch.manual_seed(0)
    config = CaptionModelConfig(model=name, dropout=0.0, place_keys=place_keys, **SMALL)  # type: ignore[arg-type]
    model = build_model(config, V, ITEMS).double().eval()
    images = torch.rand(2, 1, 56, 56, dtype=torch.float64)
    images[1, :, :28, 28:] = 0  # scene 1: top-right cell empty
    swapped = images.clone()
    swapped[..., :28, :28], swapped[..., 28:, 28:] = images[..., 28:, 28:], images[..., :28, :28]
    cells, other = model.encode(images), model.encode(swapped)
    assert cells.keys.shape == cells.memory.shape == (2, 4, 16)
    assert not torch.allclose(cells.content[:, 0], other.content[:, 0])  # contents did move
    tokens = torch.full((2, 1), VOCAB.bos_id)
    _, alpha = model.decode(cells, tokens)  # (B, 1, S)
    _, beta = model.decode(other, tokens)
    if name == "rnn":  # the Transformer's query has read the cells through cross-attention
        assert torch.allclose(alpha, beta) is place_keys
    assert torch.equal(cells.keys, other.keys) is place_keys
    assert not torch.allclose(cells.keys[0], cells.keys[1]) or not place_keys  # occupancy


@pytest.mark.parametrize("name", MODELS)
def test_greedy_decoding_matches_the_argmax_of_teacher_forcing_on_its_own_output(name: str) -> None:
    model = make(name)
    images = torch.rand(2, 1, 56, 56, dtype=torch.float64)
    ids, rows = greedy(model, images, bos=2, eos=3, max_len=9)
    for b in range(2):
        prefix = torch.tensor([[2, *ids[b]]])
        logits, attention = model.decode(model.encode(images[b : b + 1]), prefix)
        predicted = logits[0].argmax(-1).tolist()
        assert predicted[: len(ids[b])] == ids[b]
        torch.testing.assert_close(rows[b], attention[0, : len(rows[b])])


@pytest.mark.parametrize("glimpse", [True, False])
def test_the_state_can_shift_all_items_together_but_never_favour_one(glimpse: bool) -> None:
    """Item logits = W_g g_t + b + w_gᵀ h_t: changing h_t (where the decoder is, what it said)
    moves every item's logit by one shared amount; only the glimpse tells items apart."""
    torch.manual_seed(0)
    out = OutputLayer(12, 16, V, ITEMS if glimpse else None).double()
    alpha = torch.softmax(torch.randn(2, 5, 4, dtype=torch.float64), -1)  # (B, T, S)
    content = torch.randn(2, 4, 16, dtype=torch.float64)  # (B, S, d)
    h1, h2 = torch.randn(2, 2, 5, 12, dtype=torch.float64)
    shift = out(h1, alpha, content)[..., ITEMS] - out(h2, alpha, content)[..., ITEMS]  # (B, T, K)
    spread = (shift - shift.mean(-1, keepdim=True)).abs().max()
    assert bool(spread < 1e-12) is glimpse
    other = out(h1, alpha, torch.randn(2, 4, 16, dtype=torch.float64))[..., ITEMS]
    # with the glimpse the items are read from the content; without, from h_t alone
    assert torch.allclose(other, out(h1, alpha, content)[..., ITEMS]) is not glimpse


def test_the_glimpse_is_the_content_of_the_attended_cell_and_passes_gradient_to_alpha() -> None:
    torch.manual_seed(0)
    out = OutputLayer(12, 16, V, ITEMS).double()
    content = torch.randn(1, 4, 16, dtype=torch.float64)
    h = torch.randn(1, 2, 12, dtype=torch.float64)
    # the same peak cell under two different spreads of the rest: the same item logits
    a = torch.tensor([[[0.4, 0.3, 0.2, 0.1], [0.1, 0.1, 0.5, 0.3]]], dtype=torch.float64)
    b = torch.tensor([[[0.9, 0.0, 0.0, 0.1], [0.0, 0.2, 0.4, 0.4 - 1e-3]]], dtype=torch.float64)
    torch.testing.assert_close(out(h, a, content)[..., ITEMS], out(h, b, content)[..., ITEMS])
    moved = content[:, [2, 1, 0, 3]]  # cell 0's content now in cell 2 and vice versa
    shifted = out(h, a[..., [2, 1, 0, 3]], moved)[..., ITEMS]
    torch.testing.assert_close(shifted, out(h, a, content)[..., ITEMS])
    alpha = a.clone().requires_grad_(True)
    out(h, alpha, content)[..., ITEMS].sum().backward()
    assert alpha.grad is not None and alpha.grad.abs().sum() > 0  # straight-through


def test_unknown_model_and_bad_sizes_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="model='lstm'"):
        CaptionModelConfig(model="lstm")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="divisible"):
        CaptionModelConfig(d_model=30, heads=4)


def test_attention_hit_counts_item_words_whose_peak_is_their_cell() -> None:
    attention = torch.tensor(
        [
            [[0.1, 0.7, 0.1, 0.1], [0.4, 0.3, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25]],
            [[0.0, 0.0, 0.1, 0.9], [0.0, 0.0, 0.9, 0.1], [0.9, 0.1, 0.0, 0.0]],
        ]
    )  # (B=2, T=3, S=4)
    item_cells = torch.tensor([[1, -1, 2], [3, 3, -1]])  # −1: not an item word
    # scene 0: word 0 peaks at 1 = its cell (hit); word 2 ties → argmax 0 ≠ 2 (miss)
    # scene 1: word 0 peaks at 3 (hit); word 1 peaks at 2 ≠ 3 (miss); word 2 is no item
    assert attention_hits(attention, item_cells) == (2, 4)


def test_exact_match_and_bleu_on_hand_cases() -> None:
    ref = [["a", "bag", "in", "the", "top", "left"], ["a", "coat", "in", "the", "top", "right"]]
    hyp = [["a", "bag", "in", "the", "top", "left"], ["a", "coat", "in", "the", "top", "left"]]
    assert exact_matches(hyp, ref) == 1
    assert bleu(ref, ref) == pytest.approx(100.0)
    assert 0 < bleu(hyp, ref) < 100


def test_error_kind_reads_a_wrong_caption_back_into_its_layout() -> None:
    ref = ["a bag", "in", "the", "top", "left", ";", "a coat", "on", "its", "right"]
    assert error_kind(ref, ref, "en") == "correct"
    assert error_kind([*ref[:6], "a shirt", *ref[7:]], ref, "en") == "item class"
    assert error_kind([*ref[:7], "below", "it"], ref, "en") == "places"  # coat bottom left
    assert error_kind(ref[:5], ref, "en") == "item count"
    assert error_kind([*ref[:5], ";"], ref, "en") == "not a description"


def test_item_confusions_count_true_and_said_items_in_the_right_cells() -> None:
    ref = ["a bag", "in", "the", "top", "left", ";", "a coat", "on", "its", "right"]
    misnamed = ["a shirt", *ref[1:]]  # the bag called a shirt, the coat right
    moved = [*ref[:7], "below", "it"]  # the coat in the wrong cell: not compared
    broken = [*ref[:5], ";"]
    counts = item_confusions([ref, misnamed, moved, broken], [ref] * 4, "en")
    assert counts == {("a bag", "a bag"): 2, ("a coat", "a coat"): 2, ("a bag", "a shirt"): 1}


def test_the_cell_encoder_is_three_conv_bn_relu_blocks_and_can_drop_batch_norm() -> None:
    with_bn = build_model(CaptionModelConfig(**SMALL), V, ITEMS).encoder  # type: ignore[arg-type]
    without = build_model(CaptionModelConfig(batch_norm=False, **SMALL), V, ITEMS).encoder  # type: ignore[arg-type]
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in with_bn.modules()) == 3
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in without.modules())
    assert with_bn.project.in_features == 8 * 3 * 3  # flattened (C, 3, 3) map of a 28×28 cell
