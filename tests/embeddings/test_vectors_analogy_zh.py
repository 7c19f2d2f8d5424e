"""The Chinese analogy set: the shipped file is what its word lists generate, it has the
documented size, and (with the real corpus cached) every word occurs in People's Daily."""

from __future__ import annotations

from collections import Counter

import pytest

from dlclassics.embeddings import analogy_zh
from dlclassics.embeddings.evaluate import read_questions

DOCUMENTED = {"capital-country": 1406, "province-capital": 702, "currency": 156, "family": 506}


def test_shipped_file_is_generated_from_the_word_lists() -> None:
    shipped = analogy_zh.PATH.read_text(encoding="utf-8").splitlines()
    assert shipped == list(analogy_zh.lines())


def test_sections_have_the_documented_number_of_questions() -> None:
    counts = Counter(q.section for q in read_questions(analogy_zh.PATH))
    assert counts == DOCUMENTED
    assert sum(counts.values()) == 2770 >= 100
    assert all(
        n * (n - 1) == counts[s] for s, n in ((s, len(p)) for s, p in analogy_zh.SECTIONS.items())
    )


def test_pairs_are_distinct_single_tokens_and_notes_example_is_included() -> None:
    for section, pairs in analogy_zh.SECTIONS.items():
        firsts, seconds = zip(*pairs, strict=True)
        assert len(set(firsts)) == len(firsts) and len(set(seconds)) == len(seconds), section
        assert all(w and " " not in w for pair in pairs for w in pair)
    assert ("国王", "王后") in analogy_zh.SECTIONS["family"]
    assert ("男人", "女人") in analogy_zh.SECTIONS["family"]
    assert next(analogy_zh.questions(section="family"))[1:] == ("国王", "王后", "男人", "女人")


@pytest.mark.slow
def test_every_word_occurs_in_peoples_daily_as_documented() -> None:
    from dlclassics.data.sets import peoples_daily

    counts: Counter[str] = Counter()
    for split in ("train", "val", "test"):
        for sentence in peoples_daily.segmented(split):
            counts.update(sentence)
    assert sum(counts.values()) == 1_121_447
    floor = {"capital-country": 5, "province-capital": 5, "currency": 5, "family": 3}
    for section, pairs in analogy_zh.SECTIONS.items():
        rare = {w: counts[w] for pair in pairs for w in pair if counts[w] < floor[section]}
        assert not rare, f"{section}: {rare}"
