"""Safe, bounded YAML reading that remembers where every key stands.

A private ``SafeLoader`` subclass (nothing is registered on PyYAML's shared loaders) builds
:class:`Node` mappings that carry the line of each key, so validation errors can name
``file:line``. Tags are never executed (only YAML's safe types are built). Hostile files are
refused before they cost time or memory: a file may hold at most :data:`MAX_FILE_BYTES`, nest
at most :data:`MAX_NESTING` levels, and expand (aliases counted in full) to at most
:data:`MAX_WEIGHT` nodes; a number may have at most :data:`MAX_NUMBER_CHARS` characters.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml

from fiscalsim.scenario.errors import ScenarioError, shown

__all__ = ["Node", "ScenarioError", "load_yaml", "load_yaml_text", "suggest", "MAX_FILE_BYTES"]

MAX_FILE_BYTES = 1_000_000  #: a scenario file (the bundled baseline is about 15 kB)
MAX_NESTING = 64  #: levels of nested mappings and lists
MAX_WEIGHT = 100_000  #: nodes after expanding aliases; a scalar weighs 1 + its length / 16
MAX_NUMBER_CHARS = 64  #: characters of one number


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
    """SafeLoader with line-aware mappings and bounds on nesting and alias expansion."""

    def __init__(self, text: str, name: str):
        super().__init__(text)
        self.name = name
        self.depth = 0
        self.weight = 0
        self.anchor_weights: dict[int, int] = {}

    def _grow(self, amount: int, mark: yaml.Mark) -> None:
        self.weight += amount
        if self.weight > MAX_WEIGHT:
            raise ScenarioError(f"the file expands to more than {MAX_WEIGHT:,} nodes (aliases counted in full); "
                                "a scenario needs far fewer", self.name, mark.line + 1)

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = self.anchors.get(event.anchor)
            if node is not None:
                if id(node) not in self.anchor_weights:
                    raise ScenarioError(f"alias *{cut_anchor(event.anchor)} refers to a mapping or list that "
                                        "contains it (a recursive structure)", self.name, event.start_mark.line + 1)
                self._grow(self.anchor_weights[id(node)], event.start_mark)
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ScenarioError(f"mappings and lists nest more than {MAX_NESTING} levels deep",
                                self.name, event.start_mark.line + 1)
        before = self.weight
        size = len(event.value) if isinstance(event, yaml.ScalarEvent) else 0
        self._grow(1 + size // 16, event.start_mark)
        node = super().compose_node(parent, index)
        self.depth -= 1
        if getattr(event, "anchor", None) is not None:
            self.anchor_weights[id(node)] = self.weight - before
        return node


def cut_anchor(anchor: str) -> str:
    return anchor if len(anchor) <= 40 else anchor[:40] + "…"


def _number_text(loader: _LineLoader, node: yaml.ScalarNode) -> None:
    if len(node.value) > MAX_NUMBER_CHARS:
        raise ScenarioError(f"a number of {len(node.value):,} characters; numbers have at most "
                            f"{MAX_NUMBER_CHARS}", loader.name, node.start_mark.line + 1)


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> int:
    _number_text(loader, node)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _construct_float(loader: _LineLoader, node: yaml.ScalarNode) -> float:
    _number_text(loader, node)
    return yaml.SafeLoader.construct_yaml_float(loader, node)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Node:
    out = Node()
    out.file = loader.name
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    out.key_files = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not (key is None or isinstance(key, str | int | float | bool)):
            raise ScenarioError(f"a key must be a name, got {shown(key)}", loader.name, line)
        if key in out:
            raise ScenarioError("duplicate key", loader.name, line, str(key))
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def load_yaml(path: str | Path) -> Any:
    """Read a YAML file into :class:`Node` mappings; errors become :class:`ScenarioError`."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError("file not found", path) from None
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"cannot read file: {exc}", path) from None
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(f"the file is larger than {MAX_FILE_BYTES:,} bytes; a scenario file is a few "
                            "kilobytes (put data in CSV tables)", path)
    return load_yaml_text(decode_utf8(data, path), str(path))


def decode_utf8(data: bytes, path: str | Path) -> str:
    """Text of a UTF-8 file (a byte-order mark is dropped); otherwise an error naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ScenarioError(f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8 (files in "
                            "GBK or GB18030 are not read)", path, line) from None


def load_yaml_text(text: str, name: str) -> Any:
    """Parse YAML ``text`` (named ``name`` in messages) into :class:`Node` mappings."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(f"the text is longer than {MAX_FILE_BYTES:,} characters", name)
    loader = None
    try:
        loader = _LineLoader(text, name)
        return loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        raise ScenarioError(f"malformed YAML: the control character U+{code:04X} is not allowed in a YAML file",
                            name, line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(f"malformed YAML: {exc.problem or exc}", name, line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"malformed YAML: {exc}", name) from None
    finally:
        if loader is not None:
            loader.dispose()


def suggest(word: str, choices: list[str]) -> str | None:
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return match[0] if match else None
