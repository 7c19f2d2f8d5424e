"""Tagged sentences from a CoNLL-style file: ``token<TAB>tag`` lines, a blank line between.

The format of the CoNLL shared tasks (two columns) and of WNUT-16::

    EU	B-ORG
    rejects	O
    German	B-MISC

    Peter	B-PER

A line holding only whitespace ends a sentence like an empty one; a leading byte-order mark
is dropped. Anything else that is not exactly ``token<TAB>tag`` with both parts non-empty is a
one-line :class:`~dlclassics.errors.DataError` naming the file and the line, so a stray space
instead of a tab, or a token left without its tag, is caught before training.

>>> from pathlib import Path
>>> import tempfile
>>> p = Path(tempfile.mkdtemp()) / "tiny.conll"
>>> _ = p.write_text("The\\tDET\\ncat\\tNOUN\\n\\nHi\\tINTJ\\n", encoding="utf-8")
>>> read_conll(p)
[(['The', 'cat'], ['DET', 'NOUN']), (['Hi'], ['INTJ'])]
"""

from __future__ import annotations

from pathlib import Path

from dlclassics.data.stream import iter_lines
from dlclassics.errors import DataError

__all__ = ["TaggedSentence", "read_conll"]

TaggedSentence = tuple[list[str], list[str]]  # (tokens, tags), equally long, non-empty


def read_conll(path: str | Path) -> list[TaggedSentence]:
    """Every sentence of a ``token<TAB>tag`` file (see the module docstring)."""
    path = Path(path)
    sentences: list[TaggedSentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    for number, line in enumerate(iter_lines(path), start=1):
        if not line.strip():
            if tokens:
                sentences.append((tokens, tags))
            tokens, tags = [], []
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            raise DataError(
                f"{path}, line {number}: expected 'token<TAB>tag', got {line!r}; "
                "separate token and tag by one tab and sentences by a blank line"
            )
        tokens.append(fields[0].strip())
        tags.append(fields[1].strip())
    if tokens:
        sentences.append((tokens, tags))
    return sentences
