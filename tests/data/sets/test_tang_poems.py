"""tang-poems: files in numeric order, empty and repeated poems dropped, seeded split."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from dlclassics.data.sets import tang_poems

Convert = Callable[..., Path]
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "sets" / "tang-poems"


def test_poems_keep_traditional_characters_and_anthology_order(converted: Convert) -> None:
    converted("tang-poems")
    folder = FIXTURE / "package" / "dist" / "quantangshi"
    source = [
        p["id"]
        for n in (0, 2000, 10000)  # numeric, not text, order of the file names
        for p in json.loads((folder / f"poet.tang.{n}.json").read_text("utf-8"))
    ]
    poems = [p for s in ("train", "val", "test") for p in tang_poems.poems(s)]
    assert len(poems) == 18  # 20 in the fixture, minus one empty and one repeated poem
    kept = [source.index(p.id) for p in tang_poems.poems("train")]
    assert kept == sorted(kept)
    first = next(tang_poems.poems("train"))
    assert (first.author, first.title) == ("太宗皇帝", "帝京篇十首 一")
    assert first.paragraphs[0] == "秦川雄帝宅，函谷壯皇居。"
    assert next(tang_poems.texts("train")).startswith("秦川雄帝宅，函谷壯皇居。綺殿")


def test_cleaning_drops_lineless_poems_and_exact_repeats() -> None:
    a = {"id": "1", "title": "t", "author": "a", "paragraphs": ["甲乙。"]}
    empty = {"id": "2", "title": "t", "author": "a", "paragraphs": []}
    again = {**a, "id": "3"}
    other = {**a, "id": "4", "author": "b"}
    assert tang_poems.clean_poems([a, empty, again, other]) == [a, other]
