"""Atomic writes leave either the old file or the new one, never a partial file."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlclassics.io import atomic_write, write_json


def test_failed_atomic_write_keeps_old_content_and_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    write_json(target, {"step": 1})
    with pytest.raises(RuntimeError), atomic_write(target, "w") as f:
        f.write('{"step": 2, "half')
        raise RuntimeError("crash mid-write")
    assert target.read_text() == '{\n  "step": 1\n}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_atomic_write_creates_parent_directories(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.bin"
    with atomic_write(target) as f:
        f.write(b"xyz")
    assert target.read_bytes() == b"xyz"
