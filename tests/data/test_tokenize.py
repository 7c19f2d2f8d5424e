"""Tokenizers: worked examples, a coverage property, and the missing-jieba message."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlclassics.data import tokenizers
from dlclassics.data.tokenize import (
    Chars,
    ChineseChars,
    EnglishWords,
    JiebaWords,
    MissingExtraError,
    tokenize_lines,
)
from dlclassics.errors import UserError


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Don't panic.", ["Don't", "panic", "."]),
        ("It’s O'Brien's rock'n'roll", ["It’s", "O'Brien's", "rock'n'roll"]),
        ("pi is 3.14, 1,000 > 999", ["pi", "is", "3.14", ",", "1,000", ">", "999"]),
        ("'quoted' dogs' tails", ["'", "quoted", "'", "dogs", "'", "tails"]),
        ("well-known e-mail", ["well", "-", "known", "e", "-", "mail"]),
        ("Wait... what?!", ["Wait", ".", ".", ".", "what", "?", "!"]),
        ("mp3 2nd snake_case", ["mp3", "2nd", "snake", "_", "case"]),
        ("Ünïcödé naïve café", ["Ünïcödé", "naïve", "café"]),
        ("", []),
    ],
)
def test_english_words_examples(text, tokens):
    assert EnglishWords()(text) == tokens


def test_english_words_lowercase_folds_case():
    assert EnglishWords(lowercase=True)("The CAT, the cat") == ["the", "cat", ",", "the", "cat"]


@given(st.text(max_size=200))
def test_english_tokens_cover_every_visible_character_in_order(text):
    tokens = EnglishWords()(text)
    assert all(t and not any(c.isspace() for c in t) for t in tokens)
    assert "".join(tokens) == "".join(c for c in text if not c.isspace())


@given(st.text(max_size=200))
def test_char_tokens_join_back_to_the_text(text):
    assert "".join(Chars()(text)) == text


def test_chinese_chars_drop_whitespace_only():
    assert ChineseChars()("深度 学习，\n好！") == ["深", "度", "学", "习", "，", "好", "！"]


def test_registry_maps_names_to_tokenizers():
    assert set(tokenizers) == {"en-words", "chars", "zh-chars", "zh-words"}
    assert tokenizers["en-words"](lowercase=True)("Hi!") == ["hi", "!"]
    with pytest.raises(UserError, match="unknown tokenizer 'nope'"):
        tokenizers["nope"]


def test_tokenize_lines_is_lazy():
    def lines():
        yield "a b"
        raise AssertionError("read past the first line")

    stream = tokenize_lines(lines(), EnglishWords())
    assert next(stream) == ["a", "b"]


def test_jieba_segments_words():
    pytest.importorskip("jieba")
    words = JiebaWords()("我爱北京天安门")
    assert "".join(words) == "我爱北京天安门"
    assert "北京" in words or "天安门" in words  # a word of two or more characters


def test_missing_jieba_names_the_zh_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "jieba", None)  # makes `import jieba` raise ImportError
    with pytest.raises(MissingExtraError, match=r"dlclassics\[zh\]") as err:
        JiebaWords()("深度学习")
    assert isinstance(err.value, ImportError) and isinstance(err.value, UserError)


def test_importing_the_data_package_does_not_import_jieba_or_torch():
    import subprocess

    code = (
        "import sys, dlclassics.data; "
        "print(sorted(m for m in ('jieba', 'torch') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
