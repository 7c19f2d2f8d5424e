"""analogy-en: questions with their section, optional section filter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dlclassics.data.sets import analogy_en
from dlclassics.errors import ConfigError, DataError

Convert = Callable[..., Path]


def test_questions_carry_their_section(converted: Convert) -> None:
    converted("analogy-en")  # fixture: 4 questions of 3 sections
    questions = list(analogy_en.questions())
    assert len(questions) == 12
    assert questions[0] == ("capital-common-countries", "Athens", "Greece", "Baghdad", "Iraq")
    family = list(analogy_en.questions(section="family"))
    assert len(family) == 4 and family[0].a == "boy"
    with pytest.raises(ConfigError, match="section"):
        next(analogy_en.questions(section="colours"))


def test_malformed_files_are_refused() -> None:
    with pytest.raises(DataError, match="four words"):
        list(analogy_en.parse(iter(["Athens Greece Baghdad Iraq"])))  # before any section
    with pytest.raises(DataError, match="unknown analogy section"):
        list(analogy_en.parse(iter([": colours"])))
