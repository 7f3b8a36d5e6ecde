"""A progress bar for long inputs: bytes read / total and records per second, on stderr.

Shown only when the stream is a terminal and the input has taken more than a second;
never part of the command's output.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

__all__ = ["ProgressCallback", "progress_for"]

#: Called with a label, bytes read so far, total bytes and records read so far.
ProgressCallback = Callable[[str, int, int, int], None]

_DELAY_S = 1.0


@contextmanager
def progress_for(stream: IO[str], *, enabled: bool = True) -> Iterator[ProgressCallback | None]:
    """A progress callback that draws a rich progress bar on ``stream`` once an input has
    taken more than a second; ``None`` when ``stream`` is not a terminal or rich is missing.
    """
    isatty = getattr(stream, "isatty", None)
    if not enabled or isatty is None or not isatty():
        yield None
        return
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )
    except ImportError:
        yield None
        return
    started = time.monotonic()
    state: dict[str, Any] = {"progress": None, "tasks": {}}

    def callback(label: str, done: int, total: int, records: int) -> None:
        now = time.monotonic()
        progress = state["progress"]
        if progress is None:
            if now - started < _DELAY_S:
                return
            progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                console=Console(file=stream),
                transient=True,
            )
            progress.start()
            state["progress"] = progress
        tasks = state["tasks"]
        if label not in tasks:
            tasks[label] = (progress.add_task(label, total=total, rate=""), now)
        task, begun = tasks[label]
        elapsed = max(now - begun, 1e-9)
        progress.update(task, completed=done, rate=f"{records / elapsed:,.0f} records/s")

    try:
        yield callback
    finally:
        if state["progress"] is not None:
            state["progress"].stop()
