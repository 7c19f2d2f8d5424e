"""Constrained decoding of quatrains: every poem well-formed, acrostic heads where asked.

The LMs here are untrained (random weights): the constraints must hold whatever the model
prefers — an untrained model prefers punctuation and ``</s>`` as readily as characters.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.data.vocab import Vocab
from dlclassics.errors import ConfigError
from dlclassics.lm.constrained import FORMS, compose, is_hanzi, sample_free, well_formed
from dlclassics.lm.models import LMModelConfig, build_model

# a character vocabulary as a tang-poems run has: characters, punctuation, a stray letter
POEM = "白日依山盡，黃河入海流。欲窮千里目，更上一層樓。春眠不覺曉？處處聞啼鳥！夏秋冬A"
VOCAB = Vocab(dict.fromkeys(POEM))


def tiny_lm(name: str = "lstm", seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    config = LMModelConfig(embed=8, hidden=8, heads=2, ff=16, context=64, softmax="full")
    return build_model(name, config, len(VOCAB))


@settings(max_examples=25, deadline=None)
@given(
    form=st.sampled_from(sorted(FORMS)),
    seed=st.integers(0, 2**16),
    temperature=st.sampled_from([0.0, 0.5, 1.0, 3.0]),
    top_k=st.sampled_from([None, 1, 3]),
    top_p=st.sampled_from([None, 0.5, 0.95]),
)
def test_every_poem_is_well_formed_whatever_the_sampling_settings(
    form: str, seed: int, temperature: float, top_k: int | None, top_p: float | None
) -> None:
    g = torch.Generator().manual_seed(seed)
    poems = compose(
        tiny_lm(), VOCAB, FORMS[form], n=4, generator=g,
        temperature=temperature, top_k=top_k, top_p=top_p,
    )  # fmt: skip
    assert len(poems) == 4
    for poem in poems:
        assert well_formed(poem, FORMS[form]), poem


@pytest.mark.parametrize("name", ["lstm", "transformer", "nnlm"])
@pytest.mark.parametrize("form", sorted(FORMS))
def test_acrostic_heads_start_the_lines_for_every_model(name: str, form: str) -> None:
    g = torch.Generator().manual_seed(0)
    poems = compose(tiny_lm(name), VOCAB, FORMS[form], n=3, generator=g, acrostic="春夏秋冬")
    chars = FORMS[form].chars
    for poem in poems:
        assert well_formed(poem, FORMS[form], acrostic="春夏秋冬"), poem
        assert poem[:: chars + 1] == "春夏秋冬"


def test_the_same_seed_writes_the_same_poems() -> None:
    model = tiny_lm()
    a = compose(model, VOCAB, FORMS["5x4"], n=3, generator=torch.Generator().manual_seed(7))
    b = compose(model, VOCAB, FORMS["5x4"], n=3, generator=torch.Generator().manual_seed(7))
    c = compose(model, VOCAB, FORMS["5x4"], n=3, generator=torch.Generator().manual_seed(8))
    assert a == b and a != c


def test_without_constraints_the_same_untrained_model_is_rarely_well_formed() -> None:
    """The baseline the constraints are measured against (benchmarks/poem.py on real runs)."""
    free = sample_free(
        tiny_lm(), VOCAB, n=50, max_new_tokens=40, generator=torch.Generator().manual_seed(0)
    )
    assert sum(well_formed(text, FORMS["5x4"]) for text in free) == 0  # p ≈ 0 at random


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("白日依山盡，黃河入海流。欲窮千里目，更上一層樓。", True),
        ("白日依山盡，黃河入海流。欲窮千里目，更上一層樓", False),  # no final stop
        ("白日依山盡。黃河入海流。欲窮千里目，更上一層樓。", False),  # wrong punctuation
        ("白日依A盡，黃河入海流。欲窮千里目，更上一層樓。", False),  # a letter
        ("白日依山盡，黃河入海流流。欲窮千里目，更上一層。", False),  # 6 + 4 characters
    ],
)
def test_well_formed_checks_length_punctuation_and_characters(text: str, ok: bool) -> None:
    assert well_formed(text, FORMS["5x4"]) is ok


def test_well_formed_checks_acrostic_heads() -> None:
    poem = "白日依山盡，黃河入海流。欲窮千里目，更上一層樓。"
    assert well_formed(poem, FORMS["5x4"], acrostic="白黃欲更")
    assert not well_formed(poem, FORMS["5x4"], acrostic="春夏秋冬")


def test_hanzi_are_ideographs_only() -> None:
    assert is_hanzi("盡") and is_hanzi("龍") and is_hanzi("\uf900")  # compatibility ideograph
    assert not any(is_hanzi(t) for t in ["，", "。", "A", "<eos>", "白日", "？"])


@pytest.mark.parametrize(
    ("acrostic", "message"),
    [
        ("春夏秋", "has 3 characters; a 5x4 poem has 4 lines"),
        ("春夏秋冬雪", "has 5 characters"),
        ("春夏龙冬", "'龙' not in the model's vocabulary"),
        ("春夏，冬", "'，' is not a Chinese character"),  # punctuation is no head
    ],
)
def test_bad_acrostics_are_config_errors_naming_the_problem(acrostic: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        compose(tiny_lm(), VOCAB, FORMS["5x4"], n=1, generator=torch.Generator(), acrostic=acrostic)


def test_a_vocabulary_without_chinese_characters_is_refused() -> None:
    vocab = Vocab(list("abc，。"))
    torch.manual_seed(0)
    model = build_model("lstm", LMModelConfig(embed=8, hidden=8, softmax="full"), len(vocab))
    with pytest.raises(ConfigError, match="no Chinese character"):
        compose(model, vocab, FORMS["5x4"], n=1, generator=torch.Generator())
