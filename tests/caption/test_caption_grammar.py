"""The scene grammar: one description per layout, parsed back exactly, in both languages."""

from __future__ import annotations

import itertools

import pytest

from dlclassics.caption.grammar import (
    CELLS,
    CLASSES,
    LANGS,
    Lang,
    Layout,
    describe,
    item_words,
    parse,
    text,
    vocabulary,
)
from dlclassics.errors import ConfigError


def every_layout() -> list[Layout]:
    """Every layout: each cell empty or one of the 10 classes, at least one item (14,640)."""
    options = [None, *range(CLASSES)]
    return [
        Layout(c) for c in itertools.product(options, repeat=CELLS) if any(x is not None for x in c)
    ]


ALL = every_layout()


def test_every_layout_is_counted() -> None:
    assert len(ALL) == (CLASSES + 1) ** CELLS - 1  # every cell empty or one of 10 classes


@pytest.mark.parametrize("lang", LANGS)
def test_parse_inverts_describe_for_every_layout(lang: Lang) -> None:
    for layout in ALL:
        assert parse(describe(layout, lang), lang) == layout


@pytest.mark.parametrize("lang", LANGS)
def test_different_layouts_get_different_descriptions(lang: Lang) -> None:
    texts = {tuple(describe(layout, lang)) for layout in ALL}
    assert len(texts) == len(ALL)


@pytest.mark.parametrize("lang", LANGS)
def test_descriptions_use_only_the_vocabulary_and_name_each_item_once(lang: Lang) -> None:
    vocab, nouns = set(vocabulary(lang)), item_words(lang)
    for layout in ALL[::37]:
        tokens = describe(layout, lang)
        assert set(tokens) <= vocab
        assert [nouns[t] for t in tokens if t in nouns] == [c for _, c in layout.items]


def test_the_module_docstring_example_reads_as_promised() -> None:
    layout = Layout((8, 7, None, 6))
    assert text(describe(layout, "en"), "en") == (
        "a bag in the top left; a sneaker on its right; a shirt below it"
    )
    assert (
        text(describe(layout, "zh"), "zh") == "左上是一个包；它右边是一双运动鞋；它下面是一件衬衫"
    )


def test_diagonal_steps_have_their_own_words() -> None:
    assert " ".join(describe(Layout((None, 2, 4, None)), "en")) == (
        "a pullover in the top right ; a coat below it on the left"
    )
    assert (
        text(describe(Layout((3, None, None, 5)), "zh"), "zh")
        == "左上是一件连衣裙；它右下方是一双凉鞋"
    )


@pytest.mark.parametrize(
    ("tokens", "lang"),
    [
        (["a bag"], "en"),  # no place
        (["a bag", "in", "the", "top", "left", ";", "a bag", "on", "its", "right", ";",
          "a coat", "on", "its", "right"], "en"),  # off the grid
        (["a bag", "in", "the", "middle"], "en"),
        (["a", "bag", "in", "the", "top", "left"], "en"),  # the item is one token
        (["左上", "是", "一双包"], "zh"),  # wrong measure word
        ([], "zh"),
    ],
)  # fmt: skip
def test_parse_rejects_what_the_grammar_cannot_say(tokens: list[str], lang: Lang) -> None:
    with pytest.raises(ConfigError, match="not a description"):
        parse(tokens, lang)
