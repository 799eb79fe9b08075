"""Progress bars of the command line: one bar per stage (simulating, charts) with an ETA.

Shown on standard error when it is a terminal, and nowhere otherwise (pipes, CI, tests). Core
code only calls the ``advance`` functions it is given; it never prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Stages:
    """Hands out one ``advance(n)`` function per stage of a command."""

    def __init__(self, progress) -> None:
        self._progress = progress

    def stage(self, label: str, total: int) -> Callable[[int], None]:
        """A new bar of ``total`` steps; returns the function that advances it."""
        if self._progress is None:
            return lambda n=1: None
        task = self._progress.add_task(label, total=total)
        return lambda n=1: self._progress.advance(task, n)


@contextmanager
def stages() -> Iterator[Stages]:
    """Progress bars for one command (no output unless standard error is a terminal)."""
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
    except ImportError:  # rich is a dependency; without it, no bars
        yield Stages(None)
        return
    console = Console(stderr=True)
    if not console.is_terminal:
        yield Stages(None)
        return
    columns = (TextColumn("{task.description:>11}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        yield Stages(progress)
