"""The live progress bar: step, loss, examples (or words…) per second and time left (via rich).

It draws only when asked (``TrainerConfig.progress``), on rank 0, and when the console is a
terminal; otherwise every call is a no-op, so logs and CI output stay clean. Log records
emitted through a ``rich.logging.RichHandler`` on the same console print above the bar.
"""

from __future__ import annotations

from types import TracebackType

import rich
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _ExamplesPerSecond(ProgressColumn):
    """rich's step rate (a moving estimate) times the global batch size, in ``unit``/s."""

    def __init__(self, batch_size: int, unit: str = "ex") -> None:
        super().__init__()
        self.batch_size = batch_size
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.speed
        rate = "–  " if speed is None else f"{speed * self.batch_size:,.0f} "
        return Text(f"{rate}{self.unit}/s")


class ProgressBar:
    """``with ProgressBar(...) as bar: bar.update(step, loss)``."""

    def __init__(
        self,
        *,
        total: int,
        start: int,
        batch_size: int,
        enabled: bool,
        console: Console | None = None,
        unit: str = "ex",
    ) -> None:
        """``unit`` names what one step × ``batch_size`` counts: examples, words, …"""
        console = console or rich.get_console()
        self._progress: Progress | None = None
        self._task = TaskID(0)
        if enabled and console.is_terminal:
            self._progress = Progress(
                TextColumn("[bold]train"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("loss {task.fields[loss]}"),
                _ExamplesPerSecond(batch_size, unit),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=console,
            )
            self._task = self._progress.add_task("train", total=total, completed=start, loss="–")

    def update(self, step: int, loss: float) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=step, loss=f"{loss:.4g}")

    def __enter__(self) -> ProgressBar:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
