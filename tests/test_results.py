"""benchmarks/results.py: README's headline table and RESULTS.md are a function of the JSON.

The generator reads ``benchmarks/results/*.json`` only (no torch, no network), so these tests
run it for real: into a temporary folder, twice, and against the committed files.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "results_generator", ROOT / "benchmarks/results.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()

# a number standing alone (not part of a name like "ResNet-20" or "conv2d"), maybe a percentage
NUMBER = re.compile(r"(?<![\w.\-−])([−-]?\d+(?:,\d{3})*(?:\.\d+)?)(\s?%)?(?![\w\-]|\.\d)")


def _json_numbers(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [n for item in value for n in _json_numbers(item)]
    return []


def _json_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in _json_strings(item)]
    return []


def _block(readme: str) -> str:
    return readme[readme.index(gen.BEGIN) : readme.index(gen.END)]


def _written(folder: Path) -> dict[str, str]:
    assert gen.main(["--out", str(folder)]) == 0
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_generator_writes_the_same_files_twice(tmp_path: Path) -> None:
    first = _written(tmp_path / "a")
    second = _written(tmp_path / "b")
    assert set(first) == {"README.md", "RESULTS.md"}
    assert first == second


def test_every_number_in_the_readme_table_is_a_value_in_a_results_file(tmp_path: Path) -> None:
    block = _block(_written(tmp_path)["README.md"])
    values = [
        n for p in RESULTS_DIR.glob("*.json") for n in _json_numbers(json.loads(p.read_text()))
    ]
    prose = re.sub(r"`[^`]*`", "", block)  # commands, paths and shapes are checked below
    found = NUMBER.findall(prose)
    assert len(found) > 20, "the table should hold the headline figures"
    for token, percent in found:
        text = token.replace(",", "").replace("−", "-")
        digits = len(text.split(".")[1]) if "." in text else 0
        scale = 100 if percent else 1
        # the printed figure is some JSON value, at the precision it is printed with
        assert any(f"{scale * v:.{digits}f}" == text for v in values), f"{token}{percent}"


def test_every_command_in_the_readme_table_is_recorded_in_a_results_file(tmp_path: Path) -> None:
    block = _block(_written(tmp_path)["README.md"])
    strings = {
        s for p in RESULTS_DIR.glob("*.json") for s in _json_strings(json.loads(p.read_text()))
    }
    commands = [c for c in re.findall(r"`([^`]*)`", block) if c.startswith("python ")]
    assert len(commands) >= 8
    for command in commands:
        assert command in strings, command


def test_readme_and_results_md_are_up_to_date_with_the_json() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    results_md, new_readme = gen.render(RESULTS_DIR, readme)
    assert new_readme == readme, "README.md's results table is stale: run `make results`"
    committed = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    assert results_md == committed, "benchmarks/RESULTS.md is stale: run `make results`"


def test_a_row_without_a_command_is_marked_not_recorded() -> None:
    doc = {"command": "python benchmarks/vision.py --models resnet", "rows": []}
    row = {"model": "lenet", "test_accuracy": 0.9}
    assert gen.command_of("vision", doc, row) is None  # a merged file: its command is not the row's
    assert gen.Commands().ref(None) == gen.NOT_RECORDED
    assert gen.command_of("vision", doc, {**row, "command": "python x.py"}) == "python x.py"
    assert gen.command_of("mlp", doc, row) == doc["command"]  # one run writes the whole file


def test_lm_rows_take_the_command_their_script_records_for_them() -> None:
    doc = {
        "command": "python benchmarks/lm_brown.py --collect",
        "commands": ["python benchmarks/lm_brown.py --model lstm --budget 1200"],
        "rows": [{"model": "LSTM", "cpu_budget": 1200.0, "settings": {"model": "lstm"}}],
    }
    lstm = doc["rows"][0]
    mixture = {"model": "LSTM + modified KN 5-gram (mixture)", "settings": {"lambda_neural": 0.8}}
    ngram = {"model": "modified KN 5-gram", "settings": {"smoothing": "mkn"}}
    assert gen.command_of("lm_brown", doc, lstm) == doc["commands"][0]
    assert gen.command_of("lm_brown", doc, mixture) == doc["commands"][0]
    assert gen.command_of("lm_brown", doc, ngram) == doc["command"]
    unlisted = {**lstm, "cpu_budget": 600.0}  # not in `commands`: not invented
    assert gen.command_of("lm_brown", doc, unlisted) is None


def test_readme_without_markers_is_an_error() -> None:
    with pytest.raises(ValueError, match="markers"):
        gen.with_block("# no markers here\n", "table")
