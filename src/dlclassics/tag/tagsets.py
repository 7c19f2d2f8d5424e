"""Tag sets: the Brown tags stripped and mapped to the universal tags; BMES segmentation tags.

**Brown, stripped.** The Brown corpus marks a word's *context* on its tag: ``-TL`` in a title
(``NN-TL``), ``-HL`` in a headline, ``-NC`` a cited word, and ``FW-`` a foreign word
(``FW-NN``). Stripping the markers leaves the part of speech: 420 tags in the train split
become 151 (compounds such as ``PPS+BEZ`` for *it's* and negations such as ``DOD*`` for
*didn't* stay, as in the corpus).

**Universal.** Petrov, Das and McDonald (2012), *A Universal Part-of-Speech Tagset*, map every
treebank's tags to 12: ``NOUN VERB ADJ ADV PRON DET ADP NUM CONJ PRT . X``. :func:`universal`
maps a stripped Brown tag by its first part (``PPS+BEZ`` → ``PRON``; ``DOD*`` → ``VERB``) with
the table :data:`BROWN_TO_UNIVERSAL`, written from the Brown tagset manual's definitions along
the lines of the paper's ``en-brown.map`` (ordinals ``OD`` are ``ADJ``, existential *there*
``EX`` is ``DET``, the pre-quantifiers ``ABN``/``ABL`` and the negation ``*`` are ``PRT``).

**BMES.** Word segmentation as character tagging (Xue 2003): each character is the
**B**\\ eginning, **M**\\ iddle or **E**\\ nd of a longer word, or a **S**\\ ingle-character word.

>>> strip_brown("NN-TL"), strip_brown("FW-IN+NN-TL"), universal("PPS+BEZ"), universal("DOD*")
('NN', 'IN+NN', 'PRON', 'VERB')
>>> bmes(["迈向", "充满", "希望", "的"])
['B', 'E', 'B', 'E', 'B', 'E', 'S']
>>> words_from_bmes(list("迈向充满希望的"), ['B', 'E', 'B', 'E', 'B', 'E', 'S'])
['迈向', '充满', '希望', '的']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "BMES",
    "BROWN_TO_UNIVERSAL",
    "UNIVERSAL",
    "bmes",
    "strip_brown",
    "universal",
    "word_spans",
    "words_from_bmes",
]

UNIVERSAL = ("NOUN", "VERB", "ADJ", "ADV", "PRON", "DET", "ADP", "NUM", "CONJ", "PRT", ".", "X")
BMES = ("B", "M", "E", "S")

_MARKERS = re.compile(r"-(?:TL|HL|NC)(?=$|[+*-])")  # context markers after a tag
_FOREIGN = re.compile(r"(?:^|(?<=\+))FW-")  # foreign-word prefix (FW alone is a tag)

_GROUPS = {
    "NOUN": "NN NNS NN$ NNS$ NP NPS NP$ NPS$ NR NRS NR$ NRS$",
    "VERB": "VB VBD VBG VBN VBZ MD BE BED BEDZ BEG BEM BEN BER BEZ DO DOD DOZ HV HVD HVG HVN HVZ",
    "ADJ": "JJ JJR JJS JJT AP OD",
    "ADV": "RB RBR RBT RN QL QLP WRB WQL RB$",
    "PRON": "PN PN$ PP$ PP$$ PPL PPLS PPO PPS PPSS WP$ WPO WPS",
    "DET": "AT DT DTI DTS DTX ABX WDT EX DT$",
    "ADP": "IN",
    "NUM": "CD CD$",
    "CONJ": "CC CS",
    "PRT": "RP TO ABN ABL AP$ *",
    ".": ". , : ; ( ) -- ' '' ` `` '' ! ?",
    "X": "FW NIL UH",
}
BROWN_TO_UNIVERSAL: dict[str, str] = {
    tag: group for group, tags in _GROUPS.items() for tag in tags.split()
}


def strip_brown(tag: str) -> str:
    """A Brown tag without its -TL, -HL, -NC markers and FW- prefixes."""
    return _FOREIGN.sub("", _MARKERS.sub("", tag)) or tag


def universal(tag: str) -> str:
    """The universal tag of a (stripped or raw) Brown tag; an unlisted one is ``X``."""
    first = strip_brown(tag).split("+")[0]
    if first not in BROWN_TO_UNIVERSAL and first.endswith("*") and len(first) > 1:
        first = first[:-1]  # DOD* (didn't) is a verb; '*' alone is the negation
    return BROWN_TO_UNIVERSAL.get(first, "X")


def bmes(words: Sequence[str]) -> list[str]:
    """One B/M/E/S tag per character of the segmented sentence ``words``."""
    tags: list[str] = []
    for word in words:
        n = len(word)
        tags.extend(["S"] if n == 1 else ["B", *["M"] * (n - 2), "E"])
    return tags


def word_spans(tags: Sequence[str]) -> list[tuple[int, int]]:
    """The ``[start, end)`` character spans of the words a BMES sequence marks.

    A word starts at ``B`` or ``S`` and after every ``E`` or ``S``; so an ill-formed sequence
    (a model's ``M`` after ``S``) still cuts the sentence into words, as the SIGHAN scorer
    reads any segmentation.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for i, tag in enumerate(tags):
        if tag in ("B", "S") and i > start:
            spans.append((start, i))
            start = i
        if tag in ("E", "S"):
            spans.append((start, i + 1))
            start = i + 1
    if start < len(tags):
        spans.append((start, len(tags)))
    return spans


def words_from_bmes(chars: Sequence[str], tags: Sequence[str]) -> list[str]:
    """The words of a sentence of characters cut by its BMES tags."""
    return ["".join(chars[a:b]) for a, b in word_spans(tags)]
