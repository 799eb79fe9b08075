"""YAML reading that remembers where every key stands, and the scenario error type.

A private ``SafeLoader`` subclass (nothing is registered on PyYAML's shared loaders) builds
:class:`Node` mappings that carry the line of each key, so validation errors can name
``file:line``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml


class ScenarioError(Exception):
    """A problem a user can cause in a scenario file: reported as one clear message."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None,
                 key: str | None = None, suggestion: str | None = None):
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.key = key
        self.suggestion = suggestion
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.file or "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: "
        if self.key:
            text += f"{self.key}: "
        text += self.message
        if self.suggestion:
            text += f" (did you mean {self.suggestion!r}?)"
        return text


class Node(dict):
    """A mapping from YAML with the line of each key (1-based) and of the mapping itself.

    After ``extends:`` merging, keys of one mapping may come from different files:
    ``key_files`` records those that do not come from ``file``.
    """

    file: str
    line: int
    key_lines: dict[str, int]
    key_files: dict[str, str]

    def where(self, key: Any = None) -> tuple[str, int | None]:
        if key is None:
            return self.file, self.line
        return getattr(self, "key_files", {}).get(key, self.file), self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Node:
    out = Node()
    out.file = loader.name
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    out.key_files = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise ScenarioError("duplicate key", loader.name, key_node.start_mark.line + 1, str(key))
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: str | Path) -> Any:
    """Read a YAML file into :class:`Node` mappings; errors become :class:`ScenarioError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("file not found", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read file: {exc}", path) from None
    return load_yaml_text(text, str(path))


def load_yaml_text(text: str, name: str) -> Any:
    loader = _LineLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(f"malformed YAML: {exc.problem or exc}", name, line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"malformed YAML: {exc}", name) from None
    finally:
        loader.dispose()


def suggest(word: str, choices: list[str]) -> str | None:
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return match[0] if match else None
