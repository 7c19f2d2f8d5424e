"""A small CoNLL file cut from Brown (universal tags): the input of the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlclassics.tag.corpora import load


def write_conll(path: Path, sentences: list[tuple[list[str], list[str]]]) -> Path:
    lines = []
    for tokens, tags in sentences:
        lines += [f"{w}\t{t}" for w, t in zip(tokens, tags, strict=True)] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def brown_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 300 Brown train sentences with universal tags, as token<TAB>tag lines."""
    sentences = load("brown-universal").splits["train"][:300]
    return write_conll(tmp_path_factory.mktemp("conll") / "brown300.conll", sentences)
