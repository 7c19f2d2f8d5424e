"""The classifiers' shapes, padding, and the from-scratch cells against torch's (float64)."""

from __future__ import annotations

import pytest
import torch

from dlclassics.classify.models import ArchConfig, AttentionPooling, Classifier, pool
from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError

V, K = 50, 3  # vocabulary size, classes


def batch(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    lengths = torch.tensor([7, 3, 1, 5])
    ids = torch.randint(4, V, (4, 7), generator=g)
    ids[torch.arange(7)[None, :] >= lengths[:, None]] = Vocab.pad_id
    return ids, lengths


@pytest.mark.parametrize("model", ["bag", "rnn", "lstm", "gru"])
@pytest.mark.parametrize("pooling", ["last", "max", "mean", "attention"])
@pytest.mark.parametrize("layers", [1, 2])
def test_every_model_and_pooling_scores_each_text_once_whatever_its_padding(
    model: str, pooling: str, layers: int
) -> None:
    if model == "bag" and pooling == "last":
        with pytest.raises(ConfigError, match="no last state"):
            Classifier("bag", ArchConfig(pooling="last"), V, K)
        return
    torch.manual_seed(0)
    arch = ArchConfig(embed=8, hidden=6, layers=layers, pooling=pooling, dropout=0.0)  # type: ignore[arg-type]
    net = Classifier(model, arch, V, K).eval()  # type: ignore[arg-type]
    ids, lengths = batch()
    scores = net(ids, lengths)
    assert scores.shape == (4, K)
    # more padding on the right changes nothing: the encoder stops at each text's end
    padded = torch.cat([ids, torch.full((4, 5), Vocab.pad_id)], dim=1)
    torch.testing.assert_close(net(padded, lengths), scores)
    # and a text scores the same alone as in a batch
    torch.testing.assert_close(net(ids[2:3, :1], lengths[2:3]), scores[2:3])


@pytest.mark.parametrize("model", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_scratch_cells_match_torch_cells_on_the_same_weights(
    model: str, bidirectional: bool
) -> None:
    torch.manual_seed(1)
    arch = ArchConfig(embed=5, hidden=4, layers=2, bidirectional=bidirectional, dropout=0.0)
    fast = Classifier(model, arch, V, K).double().eval()  # type: ignore[arg-type]
    slow = Classifier(model, ArchConfig(**{**arch.__dict__, "cell": "scratch"}), V, K)  # type: ignore[arg-type]
    slow = slow.double().eval()
    slow.load_state_dict(fast.state_dict())
    ids, lengths = batch(2)
    torch.testing.assert_close(slow(ids, lengths), fast(ids, lengths))


def test_max_and_mean_pooling_ignore_padding_and_last_pooling_reads_both_ends() -> None:
    h = torch.tensor([[[1.0, -1.0], [3.0, -5.0], [100.0, 100.0]]])  # (1, 3, 2), last is padding
    lengths = torch.tensor([2])
    torch.testing.assert_close(pool(h, lengths, "max", 1), torch.tensor([[3.0, -1.0]]))
    torch.testing.assert_close(pool(h, lengths, "mean", 1), torch.tensor([[2.0, -3.0]]))
    # bidirectional: forward half at the last real step, backward half at the first
    torch.testing.assert_close(pool(h, lengths, "last", 2), torch.tensor([[3.0, -1.0]]))


def test_attention_pooling_weights_sum_to_one_over_real_tokens_only() -> None:
    torch.manual_seed(0)
    attention = AttentionPooling(6)
    h = torch.randn(3, 5, 6)
    lengths = torch.tensor([5, 2, 1])
    pooled, weights = attention(h, lengths)
    assert pooled.shape == (3, 6)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3))
    assert torch.all(weights[1, 2:] == 0) and torch.all(weights[2, 1:] == 0)
    torch.testing.assert_close(pooled[2], h[2, 0])  # one real token: it is the summary
