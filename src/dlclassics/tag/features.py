"""Hand-made features of a token in its sentence: the inputs of the maximum-entropy tagger.

Note 002's maximum-entropy classifier decides "verb or noun?" from indicator features of the
word and its neighbours; Ratnaparkhi's (1996) tagger made that the standard feature set of
POS tagging, and the CRF segmenters of Xue (2003) and Peng et al. (2004) the one of Chinese
segmentation (characters in a window of ±2, and their bigrams). One template set serves every
task here, English words and Chinese characters alike (``w`` is the token lower-cased, with
every digit written ``0``):

=======================  ============================================================
``w=`` ``w-1=`` ``w+1=``  the token and its neighbours (``w±2`` too; ``<s>`` past an end)
``w-1|w=`` ``w|w+1=``     the bigrams around it; ``w-1|w+1=`` the two neighbours
``p1= p2= p3=``           prefixes of 1–3 characters; ``s1= … s4=`` suffixes of 1–4
``shape=``                ``Xxx``, ``dd``, ``X.X.``, ``C`` (CJK): each character's class,
                          runs collapsed
``bias``                  always on (the prior of each tag)
=======================  ============================================================

>>> token_features(["The", "cat", "sat"], 1)[:4]
['bias', 'w=cat', 'w-1=the', 'w+1=sat']
>>> shape("McDonald's"), shape("1998"), shape("人民")
("XxXx'x", 'd', 'C')
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["N_FEATURES", "normalise", "sentence_features", "shape", "token_features"]

_DIGIT = re.compile(r"\d")
N_FEATURES = 17  # templates per token, so every token has the same number of features


def normalise(token: str) -> str:
    """Lower case, every digit ``0`` (so years and prices share their features)."""
    return _DIGIT.sub("0", token.lower())


def _char_class(c: str) -> str:
    if c.isdigit():
        return "d"
    if c.isupper():
        return "X"
    if c.islower():
        return "x"
    if "\u4e00" <= c <= "\u9fff":
        return "C"
    return c


def shape(token: str) -> str:
    """The classes of ``token``'s characters (X x d C, else the character), runs collapsed."""
    out: list[str] = []
    for c in token:
        k = _char_class(c)
        if not out or out[-1] != k:
            out.append(k)
    return "".join(out)


def token_features(tokens: Sequence[str], i: int) -> list[str]:
    """The :data:`N_FEATURES` feature strings of token ``i`` (see the module docstring)."""
    n = len(tokens)

    def at(j: int) -> str:
        return normalise(tokens[j]) if 0 <= j < n else "<s>"

    w, prev, nxt = at(i), at(i - 1), at(i + 1)
    return [
        "bias",
        f"w={w}",
        f"w-1={prev}",
        f"w+1={nxt}",
        f"w-2={at(i - 2)}",
        f"w+2={at(i + 2)}",
        f"w-1|w={prev}|{w}",
        f"w|w+1={w}|{nxt}",
        f"w-1|w+1={prev}|{nxt}",
        f"p1={w[:1]}",
        f"p2={w[:2]}",
        f"p3={w[:3]}",
        f"s1={w[-1:]}",
        f"s2={w[-2:]}",
        f"s3={w[-3:]}",
        f"s4={w[-4:]}",
        f"shape={shape(tokens[i])}",
    ]


def sentence_features(tokens: Sequence[str]) -> list[list[str]]:
    """:func:`token_features` of every token of a sentence."""
    return [token_features(tokens, i) for i in range(len(tokens))]
