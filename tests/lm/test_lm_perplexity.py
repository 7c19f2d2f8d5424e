"""Neural perplexities use the n-gram code's convention, so the benchmark rows compare.

The oracle: a maximum-entropy model of order 1 is a unigram model with p = softmax(bias).
Given the bias log p of our n-gram code's unigram model, the stream evaluation must report
the n-gram code's perplexity (``BackoffLM.score``: every word and ``</s>`` scored, ``<unk>``
as a word, ``<s>`` not) — same tokens, same count, same number.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from dlclassics.data.vocab import Vocab
from dlclassics.lm.data import StreamWindows, encode_stream, load_corpus
from dlclassics.lm.evaluate import StreamScore, fit_mixture, mix, ngram_log_probs, token_log_probs
from dlclassics.lm.models import LMModelConfig, build_model
from dlclassics.lm.models.maxent import MaxEntLM
from dlclassics.ngram import count_ngrams, estimate

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lm" / "brown300.txt.gz"


@pytest.fixture(scope="module")
def sentences() -> list[list[str]]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as f:
        return [line.split() for line in f if line.strip()]


def test_stream_has_words_plus_one_eos_per_sentence_after_a_leading_eos() -> None:
    vocab = Vocab.build([["a", "b", "a"]])
    stream = encode_stream([["a", "b"], ["zzz"]], vocab)
    eos, unk = vocab.eos_id, vocab.unk_id
    assert stream.tolist() == [eos, vocab["a"], vocab["b"], eos, unk, eos]


@pytest.mark.parametrize("rows", [1, 7])
def test_unigram_maxent_perplexity_equals_the_ngram_codes(
    sentences: list[list[str]], rows: int
) -> None:
    train, test = sentences[:250], sentences[250:]
    vocab = Vocab.build(train, min_count=2)
    unigram = estimate(count_ngrams(train, 1, vocab), "addk")  # order 1: no context
    p = unigram.distribution([])
    model = MaxEntLM(LMModelConfig(order=1), len(vocab)).double()
    with torch.no_grad():
        model.bias.copy_(torch.from_numpy(np.log(np.maximum(p, 1e-300))))
    stream = encode_stream(test, vocab)
    ours = StreamScore.of(token_log_probs(model, stream, rows=rows, window=50))
    reference = unigram.score(test)
    assert ours.tokens == reference.tokens == sum(len(s) + 1 for s in test)
    assert ours.perplexity == pytest.approx(reference.perplexity, rel=1e-9)
    # the per-token view agrees too
    torch.testing.assert_close(
        token_log_probs(model, stream, rows=rows), torch.from_numpy(ngram_log_probs(unigram, test))
    )


def test_batched_rows_score_every_token_once_like_one_sequential_pass() -> None:
    torch.manual_seed(0)
    model = build_model("nnlm", LMModelConfig(order=3, embed=4, hidden=4, dropout=0.0), 11)
    stream = torch.randint(4, 11, (101,))
    one = token_log_probs(model, stream, rows=1, window=1000, warmup=2)
    many = token_log_probs(model, stream, rows=8, window=5, warmup=2)
    assert one.shape == many.shape == (100,)
    torch.testing.assert_close(one, many)


def test_stream_windows_cover_every_target_once_with_its_warmup_history() -> None:
    stream = torch.arange(3, 3 + 41)  # ids 3 ('</s>') … 43
    data = StreamWindows(stream, T=8, warmup=3, pad_id=3)
    targets = torch.cat([data[i][1] for i in range(len(data))])
    assert targets.tolist() == stream[1 : 1 + 8 * len(data)].tolist()
    x, y = data[2]
    assert x.tolist() == stream[16 - 3 : 24].tolist() and y.tolist() == stream[17:25].tolist()
    assert data[0][0][:3].tolist() == [3, 3, 3]  # before the stream: </s> padding


def test_mixture_weight_fitted_by_em_beats_both_components() -> None:
    g = torch.Generator().manual_seed(0)
    a = -torch.rand(500, generator=g, dtype=torch.float64) * 6
    b = -torch.rand(500, generator=g, dtype=torch.float64) * 6
    lam = fit_mixture(a, b)
    assert 0 < lam < 1
    mixed = StreamScore.of(mix(a, b, lam)).nll
    assert mixed < min(StreamScore.of(a).nll, StreamScore.of(b).nll)
    assert StreamScore.of(mix(a, b, lam)).nll <= StreamScore.of(mix(a, b, 0.5)).nll + 1e-9


def test_brown_file_corpus_vocabulary_and_token_counts(tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as f:
        path.write_text(f.read(), encoding="utf-8")
    corpus = load_corpus(str(path), "word", min_count=2)
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    assert corpus.scored_tokens("train") == sum(len(s) + 1 for s in lines[:240])
    assert corpus.scored_tokens("test") == sum(len(s) + 1 for s in lines[270:])
    assert corpus.vocab == Vocab.build(lines[:240], min_count=2)
    chars = load_corpus(str(path), "char")
    assert chars.scored_tokens("val") == sum(len(" ".join(s)) + 1 for s in lines[240:270])
    assert math.isfinite(StreamScore(1.0, 2).bits_per_token)
