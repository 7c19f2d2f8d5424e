"""The four taggers learn a tiny task, and the MEMM's Viterbi equals brute force."""

from __future__ import annotations

import itertools

import pytest
import torch

from dlclassics.tag.encode import Encoder, TaggedDataset, collate
from dlclassics.tag.models import MODELS, BiLSTMTagger, MEMMTagger, ModelConfig, build_tagger

SENTENCES = [
    (["the", "dog", "runs"], ["D", "N", "V"]),
    (["a", "cat", "sleeps"], ["D", "N", "V"]),
    (["dogs", "run"], ["N", "V"]),
    (["the", "run"], ["D", "N"]),  # "run" after a determiner is a noun: context decides
] * 4


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(("features", "direct"), [(False, False), (True, False), (False, True)])
def test_every_tagger_fits_a_tiny_task_where_context_decides(
    model: str, features: bool, direct: bool
) -> None:
    torch.manual_seed(0)
    encoder = Encoder.build(SENTENCES, ["D", "N", "V"], min_count=1, feature_min_count=1)
    config = ModelConfig(model=model, features=features, direct=direct, hidden=16, word_dim=8,  # type: ignore[arg-type]
                         dropout=0.0)  # fmt: skip
    tagger = build_tagger(
        config,
        n_words=len(encoder.words),
        n_chars=len(encoder.chars),
        n_features=len(encoder.features or []),
        n_tags=3,
    )
    data = TaggedDataset(encoder, SENTENCES)
    batch = collate([data[i] for i in range(len(data))])
    optimizer = torch.optim.Adam(tagger.parameters(), lr=0.05)
    for _ in range(60):
        optimizer.zero_grad()
        tagger.loss(batch).backward()
        optimizer.step()
    tagger.eval()
    with torch.no_grad():
        predicted = tagger.predict(batch)
    assert torch.equal(predicted[batch.mask], batch.tags[batch.mask])
    assert predicted[~batch.mask].eq(0).all()


def test_memm_viterbi_finds_the_most_probable_path_by_brute_force() -> None:
    torch.manual_seed(1)
    K, n = 3, 4
    memm = MEMMTagger(n_features=10, n_tags=K).double()
    with torch.no_grad():
        memm.weights.weight.normal_()
        memm.previous.normal_()
    encoder_batch = collate(
        [TaggedDataset(Encoder.build([(list("abcd"), list("xyzx"))], list("xyz"), min_count=1,
                                     feature_min_count=1), [(list("abcd"), list("xyzx"))])[0]]
    )  # fmt: skip
    batch = encoder_batch._replace(features=torch.randint(0, 10, (1, n, 5)))
    scores = memm.observation_scores(batch)[0]  # (n, K)

    def log_p(path: tuple[int, ...]) -> float:
        total, previous = 0.0, K  # the start row
        for t, y in enumerate(path):
            total += float(torch.log_softmax(scores[t] + memm.previous[previous], -1)[y])
            previous = y
        return total

    with torch.no_grad():
        best = max(itertools.product(range(K), repeat=n), key=log_p)
    assert tuple(memm.predict(batch)[0].tolist()) == best


def test_direct_features_add_their_weights_to_the_emissions_by_hand() -> None:
    """e_t(y) = W h_t + b + Σ_f D[f, y]: with W, b = 0 the emissions are the CRF's alone."""
    torch.manual_seed(2)
    encoder = Encoder.build(SENTENCES, ["D", "N", "V"], min_count=1, feature_min_count=1)
    n_features = len(encoder.features or [])
    config = ModelConfig(model="bilstm-crf", direct=True, hidden=8, word_dim=4, dropout=0.0)
    tagger = build_tagger(config, n_words=len(encoder.words), n_chars=len(encoder.chars),
                          n_features=n_features, n_tags=3).double()  # fmt: skip
    assert isinstance(tagger, BiLSTMTagger) and tagger.direct is not None
    batch = collate([TaggedDataset(encoder, SENTENCES)[i] for i in range(4)])
    with torch.no_grad():
        tagger.direct.weight.normal_()
        tagger.direct.weight[0] = 0  # the padding feature
        with_lstm = tagger.emissions(batch)
        tagger.out.weight.zero_()
        tagger.out.bias.zero_()
        alone = tagger.emissions(batch)
    D = tagger.direct.weight
    B, T, F = batch.features.shape
    expected = torch.zeros(B, T, 3, dtype=torch.float64)
    for b, t, f in itertools.product(range(B), range(T), range(F)):
        expected[b, t] += D[int(batch.features[b, t, f])]
    torch.testing.assert_close(alone, expected)
    assert not torch.allclose(with_lstm, expected)  # the BiLSTM's part is really added
    assert config.name == "bilstm-crf+direct" and config.reads_features
