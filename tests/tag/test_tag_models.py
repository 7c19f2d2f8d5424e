"""The four taggers learn a tiny task, and the MEMM's Viterbi equals brute force."""

from __future__ import annotations

import itertools

import pytest
import torch

from dlclassics.tag.encode import Encoder, TaggedDataset, collate
from dlclassics.tag.models import MODELS, MEMMTagger, ModelConfig, build_tagger

SENTENCES = [
    (["the", "dog", "runs"], ["D", "N", "V"]),
    (["a", "cat", "sleeps"], ["D", "N", "V"]),
    (["dogs", "run"], ["N", "V"]),
    (["the", "run"], ["D", "N"]),  # "run" after a determiner is a noun: context decides
] * 4


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("features", [False, True])
def test_every_tagger_fits_a_tiny_task_where_context_decides(model: str, features: bool) -> None:
    torch.manual_seed(0)
    encoder = Encoder.build(SENTENCES, ["D", "N", "V"], min_count=1, feature_min_count=1)
    config = ModelConfig(model=model, features=features, hidden=16, word_dim=8, dropout=0.0)  # type: ignore[arg-type]
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
