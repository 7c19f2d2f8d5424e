"""The tagging data sets: registered corpora read as (tokens, tags), or your own CoNLL file.

=====================  ==========================================  =========  ===============
name (``--data``)      tokens → tags                               scheme     metric
=====================  ==========================================  =========  ===============
``brown``              Brown words → their tags, markers           ``pos``    accuracy
                       stripped (151 tags in train)
``brown-universal``    Brown words → the 12 universal tags         ``pos``    accuracy
``peoples-daily``      People's Daily words → 44 PKU tags          ``pos``    accuracy
``peoples-daily-seg``  People's Daily characters → B/M/E/S         ``bmes``   word F1 (SIGHAN)
``wnut16``             tweet tokens → BIO entities, 10 types       ``bio``    entity F1 (strict)
=====================  ==========================================  =========  ===============

(:mod:`.tagsets` defines the Brown mappings and BMES.) Every registered set keeps its own
fixed split (:mod:`dlclassics.data.sets`): Brown's is Bengio et al.'s 800k/200k/rest words in
corpus order, so its test part is other genres (belles-lettres to humor) than most of train;
People's Daily and WNUT-16 are seeded 80/10/10 splits by line. Val and test drop every
sentence whose tokens repeat a train sentence, so no test sentence was seen in training (the
sources repeat lines: Brown short sentences such as "Yes .", People's Daily bylines and
captions, WNUT-16 retweets; 22 of WNUT-16's 239 test tweets). The tag set of a registered
set is every tag of its three splits, fixed by the data set (a tag seen only in test is a
label the tagger can never predict, not an error).

**Your own file** (``--data path/to/file``) holds ``token<TAB>tag`` lines with a blank line
between sentences (:func:`dlclassics.data.tagged.read_conll`); its sentences split by
position, the first 80 % train, the next 10 % val, the rest test. Its scheme follows from its
tags: ``bio`` when every tag is ``O``, ``B-…`` or ``I-…``; ``bmes`` when every tag is one of
B/M/E/S; ``pos`` (accuracy) otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from dlclassics.data.corpora import FILE_FRACTIONS
from dlclassics.data.demand import require
from dlclassics.data.sets import brown, peoples_daily, wnut16
from dlclassics.data.tagged import TaggedSentence, read_conll
from dlclassics.errors import DataError
from dlclassics.registry import Registry
from dlclassics.tag.tagsets import BMES, bmes, strip_brown, universal

__all__ = ["CORPORA", "SPLITS", "Scheme", "Split", "TaggingData", "load", "scheme_metric"]

Scheme = Literal["pos", "bio", "bmes"]
Split = Literal["train", "val", "test"]
SPLITS: tuple[Split, ...] = ("train", "val", "test")


@dataclass(frozen=True, kw_only=True)
class TaggingData:
    """A data set of tagged sentences: its splits, tag set and how it is scored."""

    name: str  # the --data value
    scheme: Scheme
    splits: dict[str, list[TaggedSentence]]  # train / val / test

    @property
    def tags(self) -> list[str]:
        """Every tag of the data set, most frequent in train first (ties: by name)."""
        counts: dict[str, int] = {}
        for split in SPLITS:
            weight = 1 if split == "train" else 0  # unseen-in-train tags come last
            for _, tags in self.splits[split]:
                for t in tags:
                    counts[t] = counts.get(t, 0) + weight
        return sorted(counts, key=lambda t: (-counts[t], t))


def scheme_metric(scheme: Scheme) -> Literal["accuracy", "f1"]:
    """The test metric of a scheme: accuracy for POS, F1 for entities and words."""
    return "accuracy" if scheme == "pos" else "f1"


Reader = Callable[[str], Iterator[TaggedSentence]]


def _brown(mapping: Callable[[str], str]) -> Reader:
    def read(split: str) -> Iterator[TaggedSentence]:
        require(brown.NAME)
        for r in brown.records(split):
            yield list(r.words), [mapping(t) for t in r.tags]

    return read


def _peoples_daily_pos(split: str) -> Iterator[TaggedSentence]:
    require(peoples_daily.NAME)
    for sentence in peoples_daily.sentences(split):
        words, tags = zip(*sentence, strict=True)
        yield list(words), list(tags)


def _peoples_daily_seg(split: str) -> Iterator[TaggedSentence]:
    require(peoples_daily.NAME)
    for words in peoples_daily.segmented(split):
        yield list("".join(words)), bmes(words)


def _wnut16(split: str) -> Iterator[TaggedSentence]:
    require(wnut16.NAME)
    for tweet in wnut16.tweets(split):
        tokens, tags = zip(*tweet, strict=True)
        yield list(tokens), list(tags)


@dataclass(frozen=True, kw_only=True)
class Registered:
    about: str
    scheme: Scheme
    read: Reader


CORPORA: Registry[Registered] = Registry("tagging data set")
CORPORA.add(
    "brown", Registered(about="Brown, tags stripped", scheme="pos", read=_brown(strip_brown))
)
CORPORA.add(
    "brown-universal",
    Registered(about="Brown, 12 universal tags", scheme="pos", read=_brown(universal)),
)
CORPORA.add(
    "peoples-daily",
    Registered(about="People's Daily, PKU POS tags", scheme="pos", read=_peoples_daily_pos),
)
CORPORA.add(
    "peoples-daily-seg",
    Registered(about="People's Daily, BMES segmentation", scheme="bmes", read=_peoples_daily_seg),
)
CORPORA.add("wnut16", Registered(about="WNUT-16 tweets, BIO entities", scheme="bio", read=_wnut16))


def _file_scheme(sentences: list[TaggedSentence]) -> Scheme:
    tags = {t for _, ts in sentences for t in ts}
    if all(t == "O" or t[:2] in ("B-", "I-") for t in tags):
        return "bio"
    return "bmes" if tags <= set(BMES) else "pos"


def load(data: str) -> TaggingData:
    """The tagging data ``data`` names: an existing file, else a registered corpus."""
    path = Path(data)
    if path.is_file():
        sentences = read_conll(path)
        n = len(sentences)
        if n < 3:
            raise DataError(
                f"{path} holds {n} sentence(s); a file needs at least 3 (train, val, test "
                "take 80/10/10 % by position)"
            )
        a, b = round(n * FILE_FRACTIONS[0]), round(n * sum(FILE_FRACTIONS))
        a, b = max(1, min(a, n - 2)), max(a + 1, min(b, n - 1))
        splits = {"train": sentences[:a], "val": sentences[a:b], "test": sentences[b:]}
        return TaggingData(name=str(path), scheme=_file_scheme(sentences), splits=splits)
    if data not in CORPORA:
        raise DataError(
            f"--data {data!r} is neither a file nor a tagging data set; pass a "
            f"token<TAB>tag file or one of: {', '.join(CORPORA)}"
        )
    return _registered(data)


@cache
def _registered(name: str) -> TaggingData:
    """A registered corpus, read once per process."""
    entry = CORPORA[name]
    splits: dict[str, list[TaggedSentence]] = {s: list(entry.read(s)) for s in SPLITS}
    seen = {tuple(tokens) for tokens, _ in splits["train"]}
    for split in ("val", "test"):  # no leakage: drop the repeats of train sentences
        splits[split] = [(t, y) for t, y in splits[split] if tuple(t) not in seen]
    return TaggingData(name=name, scheme=entry.scheme, splits=splits)
