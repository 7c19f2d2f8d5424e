"""sotu: addresses with metadata from the JSON files, a party-stratified seeded split."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from dlclassics.data.sets import sotu

Convert = Callable[..., Path]
SPLITS = ("train", "val", "test")


def test_addresses_keep_year_president_party_and_text(converted: Convert) -> None:
    converted("sotu")
    first = next(sotu.documents("train"))
    assert (first.id, first.year, first.president, first.party) == (
        "1790_george_washington_n",
        1790,
        "George Washington",
        "none",
    )
    assert first.text.startswith("Fellow-Citizens of the Senate and House of Representatives:")
    assert next(sotu.texts("train")) == first.text


def test_split_partitions_the_addresses_per_party_in_chronological_order(
    converted: Convert,
) -> None:
    converted("sotu")
    docs = {s: list(sotu.documents(s)) for s in SPLITS}
    ids = [d.id for s in SPLITS for d in docs[s]]
    assert len(ids) == len(set(ids)) == 15  # the fixture's addresses, each in one split
    for split in SPLITS:
        years = [d.year for d in docs[split]]
        assert years == sorted(years)
    per_party = Counter(d.party for s in SPLITS for d in docs[s])
    for split in ("val", "test"):  # floor(0.1 n + 0.5) addresses of each party
        got = Counter(d.party for d in docs[split])
        assert got == {p: math.floor(0.1 * n + 0.5) for p, n in per_party.items() if n >= 5}
    assert {d.party for d in docs["train"]} == set(per_party)  # small parties stay in train
