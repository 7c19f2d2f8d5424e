"""The external merge of sorted runs equals one in-memory sort and sum, slice by slice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dlclassics.data.spill import FileRun, MemoryRun, merge_runs, sort_and_sum

runs_strategy = st.lists(
    st.lists(st.tuples(st.integers(-50, 50), st.integers(-3, 3)), max_size=30), max_size=6
)


@settings(max_examples=60, deadline=None)
@given(runs=runs_strategy, slice_rows=st.integers(1, 8))
def test_merge_runs_equals_sorting_and_summing_everything_at_once(
    runs: list[list[tuple[int, int]]], slice_rows: int
) -> None:
    sorted_runs = []
    for pairs in runs:
        keys = np.array([k for k, _ in pairs], np.int64)
        values = np.array([v for _, v in pairs], np.int64)
        sorted_runs.append(MemoryRun(*sort_and_sum(keys, values)))
    merged = list(merge_runs(sorted_runs, slice_rows))
    everything = [p for pairs in runs for p in pairs]
    expected_keys, expected_values = sort_and_sum(
        np.array([k for k, _ in everything], np.int64), np.array([v for _, v in everything])
    )
    keys = np.concatenate([k for k, _ in merged]) if merged else np.zeros(0, np.int64)
    values = np.concatenate([v for _, v in merged]) if merged else np.zeros(0, np.int64)
    np.testing.assert_array_equal(keys, expected_keys)
    np.testing.assert_array_equal(values, expected_values)


def test_file_run_reads_back_the_slices_it_wrote(tmp_path: Path) -> None:
    keys, values = np.array([2, 3, 5, 8, 13]), np.array([0.5, 1.0, 1.5, 2.0, 2.5])
    run = FileRun.write(tmp_path / "run", keys, values)
    assert run.rows == 5
    got_keys, got_values = run.read(1, 4)
    np.testing.assert_array_equal(got_keys, [3, 5, 8])
    np.testing.assert_array_equal(got_values, [1.0, 1.5, 2.0])
    assert got_values.dtype == np.float64


def test_file_run_of_key_rows_reads_back_rows_in_their_dtype(tmp_path: Path) -> None:
    """The n-gram path spills int32 word-id rows (n per n-gram) with int64 counts."""
    rows = np.arange(15, dtype=np.int32).reshape(5, 3)
    counts = np.array([7, 1, 4, 4, 2], dtype=np.int64)
    run = FileRun.write(tmp_path / "rows", rows, counts)
    assert run.rows == 5 and run.width == 3
    got_rows, got_counts = run.read(2, 5)
    np.testing.assert_array_equal(got_rows, rows[2:5])
    np.testing.assert_array_equal(got_counts, counts[2:5])
    assert got_rows.dtype == np.int32 and got_counts.dtype == np.int64
