"""Errors a user can cause in scenario files, collected so that every one is reported at once.

A :class:`ScenarioError` is one message with its file, line and key path. Checks that can go on
after an error add it to a :class:`Problems` collector; :meth:`Problems.raise_if_any` then raises
:class:`ScenarioErrors`, which is itself a ``ScenarioError`` (its fields are the first error's) so
callers that catch one error keep working. Every message is bounded: values are shown through
:func:`shown`, and text is cut to a few hundred characters, so a hostile file cannot produce a
megabyte of message.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MAX_MESSAGE = 1500  #: characters of one message (key paths, files and suggestions have their own caps)
MAX_SHOWN = 200  #: characters of a value shown in a message
MAX_REPORTED = 50  #: errors listed in one report; the rest are counted
MAX_KEPT = 1000  #: errors kept by a collector; beyond that they are only counted


def cut(text: str, limit: int) -> str:
    """``text`` shortened to about ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


class _BoundedRepr(reprlib.Repr):
    """``repr`` that never builds more than a bounded string, also for YAML mappings (dict subclasses)."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxdict, self.maxlist, self.maxtuple, self.maxset = 3, 6, 6, 6, 6
        self.maxstring, self.maxlong, self.maxother = 80, 40, 80

    def repr1(self, x: Any, level: int) -> str:
        if isinstance(x, dict):
            return self.repr_dict(x, level)
        if isinstance(x, list):
            return self.repr_list(x, level)
        if isinstance(x, str):
            return self.repr_str(x, level)
        if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > 128:
            return f"<an integer of {x.bit_length():,} bits>"
        return super().repr1(x, level)


_REPR = _BoundedRepr()


def shown(value: Any) -> str:
    """A value as it may appear in a message: its ``repr``, bounded in size and in effort."""
    return cut(_REPR.repr(value), MAX_SHOWN)


class ScenarioError(Exception):
    """A problem a user can cause in a scenario file: reported as one clear message."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None,
                 key: str | None = None, suggestion: str | None = None):
        self.message = cut(str(message), MAX_MESSAGE)
        self.file = cut(str(file), 300) if file is not None else None
        self.line = line
        self.key = cut(str(key), 200) if key is not None else None
        self.suggestion = cut(str(suggestion), 100) if suggestion is not None else None
        super().__init__(self.__str__())

    def __reduce__(self):  # keeps the fields when sent between processes
        return type(self), (self.message, self.file, self.line, self.key, self.suggestion)

    def __str__(self) -> str:
        # file:line: key: message; an error of the command line (an option, an argument) has no
        # file, and its message names the option
        where = [] if self.file is None else [self.file if self.line is None else f"{self.file}:{self.line}"]
        if self.file is None and self.line is not None:
            where = [f"line {self.line}"]
        text = ": ".join([*where, *([self.key] if self.key else []), self.message])
        if self.suggestion:
            text += f" (did you mean {self.suggestion!r}?)"
        return text

    @property
    def errors(self) -> list[ScenarioError]:
        """The errors this exception reports: itself."""
        return [self]


class ScenarioErrors(ScenarioError):
    """Several errors found in one check; its own fields are those of the first (in file order)."""

    def __init__(self, errors: list[ScenarioError], uncounted: int = 0):
        if not errors:
            raise ValueError("ScenarioErrors needs at least one error")
        self._errors = sorted(errors, key=_file_order(errors))
        self.uncounted = uncounted
        first = self._errors[0]
        super().__init__(first.message, first.file, first.line, first.key, first.suggestion)

    def __reduce__(self):
        return type(self), (self._errors, self.uncounted)

    @property
    def errors(self) -> list[ScenarioError]:
        return list(self._errors)

    def __str__(self) -> str:
        if not hasattr(self, "_errors"):  # during __init__
            return super().__str__()
        lines = [ScenarioError.__str__(e) for e in self._errors[:MAX_REPORTED]]
        more = len(self._errors) - len(lines) + self.uncounted
        if more:
            lines.append(f"… and {more:,} more errors")
        return "\n".join(lines)


def _file_order(errors: list[ScenarioError]):
    """Sort key: files in the order they first appear, then by line (errors without a line last)."""
    files: dict[str | None, int] = {}
    for e in errors:
        files.setdefault(e.file, len(files))
    return lambda e: (files[e.file], e.line is None, e.line or 0)


class Problems:
    """Collects the errors of independent checks, to report them all together."""

    def __init__(self) -> None:
        self.errors: list[ScenarioError] = []
        self.uncounted = 0
        self._seen: set[str] = set()

    def add(self, error: ScenarioError) -> None:
        for e in error.errors:
            text = ScenarioError.__str__(e)
            if text in self._seen:
                continue
            if len(self.errors) >= MAX_KEPT:
                self.uncounted += 1
                continue
            self._seen.add(text)
            self.errors.append(e)
        self.uncounted += getattr(error, "uncounted", 0)

    @contextmanager
    def collect(self) -> Iterator[None]:
        """Run a check; a :class:`ScenarioError` it raises is recorded and the caller goes on."""
        try:
            yield
        except ScenarioError as exc:
            self.add(exc)

    def touches(self, *prefixes: str) -> bool:
        """Whether an error concerns a key under one of ``prefixes`` (or has no key: it may concern any)."""
        return any(e.key is None or any(e.key == p or e.key.startswith((f"{p}.", f"{p}[")) for p in prefixes)
                   for e in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ScenarioErrors(self.errors, self.uncounted)
