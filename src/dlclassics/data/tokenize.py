"""Tokenizers: text → list of tokens, the first step of every language model here.

Four tokenizers, each a small frozen dataclass you call on a string, registered by name in
:data:`TOKENIZERS` (so the CLI maps ``--tokenizer en-words`` to one without if/elif):

================  ===============================================================
``en-words``      English words, numbers and punctuation (:class:`EnglishWords`)
``chars``         every character, spaces and newlines included (:class:`Chars`)
``zh-chars``      Chinese: every non-whitespace character (:class:`ChineseChars`)
``zh-words``      Chinese words segmented by jieba (:class:`JiebaWords`; extra ``zh``)
================  ===============================================================

>>> EnglishWords()("Don't stop: it's 3.14, not 3!")
["Don't", 'stop', ':', "it's", '3.14', ',', 'not', '3', '!']
>>> EnglishWords(lowercase=True)("The cat")
['the', 'cat']
>>> ChineseChars()("深度 学习")
['深', '度', '学', '习']
>>> TOKENIZERS["chars"]()("ab c")
['a', 'b', ' ', 'c']

The English rule, in order of precedence: a number with internal ``.`` or ``,`` groups
(``3.14``, ``1,000``); a run of letters and digits with internal apostrophes (``don't``,
``O'Brien``, ``mp3``; ``'`` and ``’`` both count); any other non-space character alone
(``-`` in ``well-known`` is its own token, as are quotes around a word). Chinese word
segmentation is jieba's default mode with its HMM for unseen words (Sun Junyi, 2012).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from dlclassics.errors import DataError
from dlclassics.registry import Registry

__all__ = [
    "TOKENIZERS",
    "Chars",
    "ChineseChars",
    "EnglishWords",
    "JiebaWords",
    "MissingExtraError",
    "Tokenizer",
    "tokenize_lines",
]


class Tokenizer(Protocol):
    def __call__(self, text: str) -> list[str]: ...


class MissingExtraError(DataError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


_EN_TOKEN = re.compile(
    r"""\d+(?:[.,]\d+)+           # number with decimal point or thousands groups
      | [^\W_]+(?:['’][^\W_]+)*   # letters/digits, internal apostrophes (don't, O'Brien)
      | [^\w\s]|_                 # any other visible character alone
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, kw_only=True)
class EnglishWords:
    """Regex English tokenizer: words (with internal apostrophes), numbers, punctuation."""

    lowercase: bool = False  # fold case so "The" and "the" share one vocabulary entry

    def __call__(self, text: str) -> list[str]:
        tokens = _EN_TOKEN.findall(text)
        return [t.lower() for t in tokens] if self.lowercase else tokens


@dataclass(frozen=True, kw_only=True)
class Chars:
    """Character tokenizer for char-level LMs: every character, whitespace included."""

    lowercase: bool = False  # fold case (shrinks the vocabulary; loses sentence starts)

    def __call__(self, text: str) -> list[str]:
        return list(text.lower() if self.lowercase else text)


@dataclass(frozen=True, kw_only=True)
class ChineseChars:
    """Chinese character tokenizer: every non-whitespace character is a token."""

    def __call__(self, text: str) -> list[str]:
        return [c for c in text if not c.isspace()]


@dataclass(frozen=True, kw_only=True)
class JiebaWords:
    """Chinese word tokenizer backed by jieba (imported on first use; extra ``zh``)."""

    hmm: bool = True  # let jieba's HMM join characters into words not in its dictionary

    def __call__(self, text: str) -> list[str]:
        return [w for w in _jieba().cut(text, HMM=self.hmm) if w.strip()]


def _jieba() -> Any:
    try:
        import jieba
    except ImportError:
        raise MissingExtraError(
            "Chinese word segmentation needs jieba, which is not installed; "
            "install the `zh` extra: pip install 'dlclassics[zh]'"
        ) from None
    return jieba


def tokenize_lines(lines: Iterable[str], tokenizer: Tokenizer) -> Iterator[list[str]]:
    """Lazily tokenize a stream of lines (e.g. :func:`~dlclassics.data.stream.iter_lines`)."""
    for line in lines:
        yield tokenizer(line)


TOKENIZERS: Registry[Callable[..., Tokenizer]] = Registry("tokenizer")
TOKENIZERS.add("en-words", EnglishWords)
TOKENIZERS.add("chars", Chars)
TOKENIZERS.add("zh-chars", ChineseChars)
TOKENIZERS.add("zh-words", JiebaWords)
