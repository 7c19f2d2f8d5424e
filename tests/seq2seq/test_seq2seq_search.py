"""Greedy and beam search against their oracles: greedy, exhaustive search, a per-sentence loop."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.errors import ConfigError
from dlclassics.seq2seq.search import (
    PENALTIES,
    Hypothesis,
    SearchConfig,
    beam_search,
    beam_search_per_sentence,
    decode,
    greedy_search,
    max_lengths,
    time_search,
)
from dlclassics.seq2seq.toy import EOS, GRUState, PrefixTable, ToyGRU

FAST = settings(max_examples=25, deadline=None)
alphas = st.sampled_from([0.0, 0.6, 1.0, 1.7])
penalties = st.sampled_from(list(PENALTIES))


def random_batch(
    seed: int, batch: int, vocab: int, max_len: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Source ids ≥ 3, lengths 1..max_len, padded with 0 after each sentence."""
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, max_len + 1, (batch,), generator=g)
    src = torch.randint(3, vocab, (batch, int(lengths.max())), generator=g)
    src[torch.arange(src.size(1)) >= lengths[:, None]] = 0
    return src, lengths


def assert_same_hypotheses(ours: list[list[Hypothesis]], reference: list[list[Hypothesis]]) -> None:
    assert [[h.tokens for h in n] for n in ours] == [[h.tokens for h in n] for n in reference]
    for a, b in zip(ours, reference, strict=True):
        for x, y in zip(a, b, strict=True):
            assert x.log_prob == pytest.approx(y.log_prob, rel=1e-9, abs=1e-9)
            assert x.score == pytest.approx(y.score, rel=1e-9, abs=1e-9)
            if x.attention is None or y.attention is None:
                assert x.attention is None and y.attention is None
            else:
                torch.testing.assert_close(x.attention, y.attention)


@FAST
@given(seed=st.integers(0, 10_000), alpha=alphas, penalty=penalties, batch=st.integers(1, 6))
def test_beam_width_one_equals_greedy_search(
    seed: int, alpha: float, penalty: str, batch: int
) -> None:
    model = ToyGRU(30, 12, dim=8, eos_bias=0.5, seed=seed, dtype=torch.float64)
    src, lengths = random_batch(seed, batch, vocab=30, max_len=7)
    config = SearchConfig(beam=1, alpha=alpha, penalty=penalty, attention=True)  # type: ignore[arg-type]
    greedy = greedy_search(model, src, lengths, config)
    beam = beam_search(model, src, lengths, config)
    assert_same_hypotheses(beam, greedy)
    # Not just close: the same floats, added in the same order.
    assert [[h.score for h in n] for n in beam] == [[h.score for h in n] for n in greedy]


def exhaustive_best(
    model: PrefixTable, src: list[int], words: list[int], max_len: int, config: SearchConfig
) -> list[tuple[float, list[int]]]:
    """Every output of at most max_len tokens (EOS last), sorted by normalized score."""
    scored = []
    for length in range(max_len):  # words before EOS
        for body in itertools.product(words, repeat=length):
            log_prob = model.sequence_log_prob(src, [*body, EOS])
            scored.append((config.normalize(log_prob, length + 1), list(body)))
    return sorted(scored, key=lambda pair: -pair[0])


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), alpha=alphas, penalty=penalties)
def test_wide_beam_finds_the_exhaustive_best_sequence(
    seed: int, alpha: float, penalty: str
) -> None:
    # Vocabulary: pad, BOS (never emitted), EOS and 3 words = 4 tokens to choose from;
    # at most 5 target tokens: 1 + 3 + 9 + 27 + 81 = 121 outputs, enumerated by the oracle.
    model = PrefixTable(vocab=6, sharpness=1.0, seed=seed)
    config = SearchConfig(
        beam=400,
        n_best=5,
        alpha=alpha,
        penalty=penalty,
        max_len_ratio=0.0,
        max_len_extra=5,  # type: ignore[arg-type]
    )
    src = [3 + seed % 3, 4]
    nbest = beam_search(model, torch.tensor([src]), torch.tensor([2]), config)[0]
    oracle = exhaustive_best(model, src, words=[3, 4, 5], max_len=5, config=config)
    assert nbest[0].tokens == oracle[0][1]
    assert [h.score for h in nbest] == pytest.approx([s for s, _ in oracle[:5]], rel=1e-12)


@FAST
@given(
    seed=st.integers(0, 10_000),
    beam=st.integers(1, 6),
    alpha=alphas,
    penalty=penalties,
    batch=st.integers(1, 7),
    data=st.data(),
)
def test_batched_beam_search_matches_the_per_sentence_loop(
    seed: int, beam: int, alpha: float, penalty: str, batch: int, data: st.DataObject
) -> None:
    n_best = data.draw(st.integers(1, beam))
    config = SearchConfig(
        beam=beam,
        n_best=n_best,
        alpha=alpha,
        penalty=penalty,
        max_len_ratio=1.2,
        max_len_extra=3,
        attention=True,  # type: ignore[arg-type]
    )
    model = ToyGRU(40, 15, dim=12, eos_bias=0.3, seed=seed, dtype=torch.float64)
    src, lengths = random_batch(seed, batch, vocab=40, max_len=9)
    assert_same_hypotheses(
        beam_search(model, src, lengths, config),
        beam_search_per_sentence(model, src, lengths, config),
    )


@FAST
@given(seed=st.integers(0, 10_000), beam=st.integers(1, 8), alpha=alphas, batch=st.integers(1, 5))
def test_batched_beam_search_matches_the_per_sentence_loop_on_a_prefix_table(
    seed: int, beam: int, alpha: float, batch: int
) -> None:
    # A 5-token table: fewer real candidates than 2K at the first steps (dead beams).
    model = PrefixTable(vocab=5, seed=seed)
    config = SearchConfig(beam=beam, n_best=beam, alpha=alpha, max_len_ratio=0.5, max_len_extra=2)
    src, lengths = random_batch(seed, batch, vocab=9, max_len=6)
    assert_same_hypotheses(
        beam_search(model, src, lengths, config),
        beam_search_per_sentence(model, src, lengths, config),
    )


@FAST
@given(seed=st.integers(0, 10_000), beam=st.integers(1, 6), alpha=alphas, penalty=penalties)
def test_finished_hypotheses_are_not_extended_and_n_best_is_sorted(
    seed: int, beam: int, alpha: float, penalty: str
) -> None:
    model = PrefixTable(vocab=7, seed=seed)
    config = SearchConfig(beam=beam, n_best=beam, alpha=alpha, penalty=penalty)  # type: ignore[arg-type]
    src, lengths = random_batch(seed, 4, vocab=9, max_len=5)
    for b, nbest in enumerate(beam_search(model, src, lengths, config)):
        assert 1 <= len(nbest) <= beam
        scores = [h.score for h in nbest]
        assert scores == sorted(scores, reverse=True)
        assert len({tuple(h.tokens) for h in nbest}) == len(nbest)  # no duplicates
        source = src[b, : lengths[b]].tolist()
        for h in nbest:
            assert EOS not in h.tokens  # EOS ends a hypothesis: it is never extended
            # log P is exactly the sum of the steps that produced the tokens and one EOS
            assert h.log_prob == pytest.approx(model.sequence_log_prob(source, [*h.tokens, EOS]))
            assert h.score == pytest.approx(config.normalize(h.log_prob, len(h.tokens) + 1))


class ReluctantToEnd(ToyGRU):
    """EOS a thousand nats less likely than under ToyGRU: it never wins before the limit."""

    def step(
        self, tokens: torch.Tensor, state: GRUState
    ) -> tuple[torch.Tensor, GRUState, torch.Tensor]:
        log_probs, state, weights = super().step(tokens, state)
        log_probs[:, EOS] -= 1000.0
        return log_probs, state, weights


@pytest.mark.parametrize("search", ["greedy", "beam"])
def test_max_length_ratio_is_respected_even_when_eos_never_wins(search: str) -> None:
    model = ReluctantToEnd(20, 10, dim=8, seed=1, dtype=torch.float64)
    config = SearchConfig(beam=3, n_best=3, max_len_ratio=1.5, max_len_extra=2)
    src, lengths = random_batch(3, 6, vocab=20, max_len=8)
    limit = max_lengths(lengths, config).tolist()
    assert limit == [math.floor(1.5 * n) + 2 for n in lengths.tolist()]
    for nbest, most in zip(decode(model, src, lengths, config, method=search), limit, strict=True):  # type: ignore[arg-type]
        assert nbest and all(len(h.tokens) + 1 == most for h in nbest)  # EOS forced at the limit


def test_max_length_caps_every_hypothesis_of_a_normal_model() -> None:
    model = ToyGRU(20, 10, dim=8, eos_bias=0.1, seed=2, dtype=torch.float64)
    config = SearchConfig(beam=4, n_best=4, max_len_ratio=0.5, max_len_extra=1)
    src, lengths = random_batch(4, 8, vocab=20, max_len=10)
    for nbest, most in zip(
        beam_search(model, src, lengths, config), max_lengths(lengths, config), strict=True
    ):
        assert all(len(h.tokens) + 1 <= int(most) for h in nbest)


@pytest.mark.parametrize("penalty", ["length", "gnmt"])
def test_length_penalties_follow_their_formulas(penalty: str) -> None:
    config = SearchConfig(alpha=0.7, penalty=penalty)  # type: ignore[arg-type]
    expected = {"length": 9**0.7, "gnmt": ((5 + 9) / 6) ** 0.7}[penalty]
    assert config.normalize(-4.5, 9) == pytest.approx(-4.5 / expected)
    assert SearchConfig(alpha=0.0, penalty=penalty).normalize(-4.5, 9) == -4.5  # type: ignore[arg-type]


def test_attention_rows_cover_every_emitted_token_and_sum_to_one() -> None:
    model = ToyGRU(20, 10, dim=8, eos_bias=0.5, seed=5, dtype=torch.float64)
    src, lengths = random_batch(5, 4, vocab=20, max_len=6)
    config = SearchConfig(beam=3, n_best=2, attention=True)
    for b, nbest in enumerate(beam_search(model, src, lengths, config)):
        for h in nbest:
            assert h.attention is not None
            assert h.attention.shape == (len(h.tokens) + 1, int(lengths[b]))
            torch.testing.assert_close(
                h.attention.sum(-1), torch.ones(len(h.tokens) + 1, dtype=torch.float64)
            )
    without = beam_search(model, src, lengths, SearchConfig(beam=3))
    assert all(h.attention is None for nbest in without for h in nbest)


@pytest.mark.parametrize(
    "options",
    [
        {"beam": 0},
        {"beam": 2, "n_best": 3},
        {"alpha": -0.1},
        {"max_len_extra": 0},
        {"penalty": "log"},
    ],
)
def test_bad_search_options_raise_config_errors(options: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        SearchConfig(**options)  # type: ignore[arg-type]


def test_bad_source_shapes_are_rejected() -> None:
    model = ToyGRU(20, 10, dim=8)
    with pytest.raises(ValueError, match="src_lengths"):
        beam_search(model, torch.ones(2, 3, dtype=torch.long), torch.tensor([3, 4]), SearchConfig())
    assert (
        beam_search(
            model,
            torch.ones(0, 3, dtype=torch.long),
            torch.zeros(0, dtype=torch.long),
            SearchConfig(),
        )
        == []
    )


def test_time_search_reports_agreement_of_batched_and_per_sentence_search() -> None:
    model = ToyGRU(30, 25, dim=16, eos_bias=0.3, seed=0, dtype=torch.float64)
    batches = [random_batch(s, 5, vocab=30, max_len=8) for s in range(2)]
    result = time_search(model, batches, SearchConfig(beam=3))
    assert result.same_tokens
    assert result.max_score_difference < 1e-9
    assert result.batched_seconds > 0 and result.per_sentence_seconds > 0


@pytest.mark.parametrize("name", ["gru", "lstm", "gru-bahdanau", "lstm-luong", "transformer"])
def test_batched_beam_search_matches_the_per_sentence_loop_on_every_translation_model(
    name: str,
) -> None:
    # The real models' DecoderState.select and padding masks, exercised by the batched search.
    from dlclassics.seq2seq.models import NetConfig, build_model

    torch.manual_seed(0)
    net = NetConfig(
        emb=12, hidden=12, attn_dim=8, d_model=12, heads=2, d_ff=16, layers=2, dropout=0.0
    )
    model = build_model(name, net, 30, 25).double().eval()
    src, lengths = random_batch(7, 6, vocab=30, max_len=9)
    src[src == 0] = 1  # the project's vocabularies pad with id 1
    config = SearchConfig(
        beam=4, n_best=3, alpha=0.6, max_len_ratio=1.0, max_len_extra=4, attention=True
    )
    assert_same_hypotheses(
        beam_search(model, src, lengths, config),  # type: ignore[arg-type]
        beam_search_per_sentence(model, src, lengths, config),  # type: ignore[arg-type]
    )
