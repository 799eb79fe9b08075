"""Composing scenario files: ``extends:`` chains and command-line overrides.

``extends: base.yaml`` (relative to the file) makes a file a variant of another: mappings are
merged key by key, the variant winning. The file extended must lie in the folder of the scenario
named on the command line or below it (a relative path without ``..``; symbolic links may not
lead out), or be a scenario shipped with fiscalsim (``package:hegang/baseline``, or its path):
a scenario received from someone else cannot make fiscalsim read, and copy into a results
manifest, any other file. A parameter mapping (one with ``value``, ``path``,
``distribution`` or ``table``) and any list are replaced whole — a changed number needs its own
unit and source. Every merged key remembers the file and line it came from, so errors point at
the file that set it. Overrides (``--set key.path=value``, the value read as YAML) apply last.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from fiscalsim.scenario.errors import shown
from fiscalsim.scenario.yamlio import Node, ScenarioError, load_yaml, load_yaml_text

LEAF_KEYS = ("value", "path", "distribution", "table")
MAX_DEPTH = 20


def _is_param(x: Any) -> bool:
    return isinstance(x, dict) and any(k in x for k in LEAF_KEYS)


def merge(base: Node, child: Node) -> Node:
    """``child`` over ``base`` (neither is modified)."""
    out = Node()
    out.file, out.line = child.file, child.line
    out.key_lines, out.key_files = {}, {}
    for key in base:
        out[key] = base[key]
        out.key_files[key], out.key_lines[key] = base.where(key)
    for key in child:
        c = child[key]
        b = out.get(key)
        if isinstance(b, Node) and isinstance(c, Node) and not _is_param(c) and not _is_param(b):
            out[key] = merge(b, c)
        else:
            out[key] = c
        out.key_files[key], out.key_lines[key] = child.where(key)
    return out


def bundled_folder() -> Path:
    """The folder of the scenarios shipped with fiscalsim (resolved)."""
    return Path(str(resources.files("fiscalsim").joinpath("scenarios"))).resolve()


def load_tree(path: Path, chain: tuple[Path, ...] = ()) -> tuple[Node, list[Path]]:
    """The merged tree of ``path`` and the files it extends (nearest last)."""
    path = path.resolve()
    if path in chain:
        raise ScenarioError("extends: cycle " + " → ".join(p.name for p in (*chain, path)), str(path))
    if len(chain) > MAX_DEPTH:
        raise ScenarioError("extends: chain too long", str(path))
    node = load_yaml(path)
    if not isinstance(node, Node):
        raise ScenarioError("a scenario file must be a mapping", str(path), 1)
    if "extends" not in node:
        return node, [path]
    file, line = node.where("extends")
    base_path = extended_file(node["extends"], path, (chain[0] if chain else path).parent, file, line)
    base, files = load_tree(base_path, (*chain, path))
    own = Node({k: v for k, v in node.items() if k != "extends"})
    own.file, own.line = node.file, node.line
    own.key_lines = {k: v for k, v in node.key_lines.items() if k != "extends"}
    own.key_files = {}
    return merge(base, own), [*files, path]


def extended_file(ref: Any, path: Path, top: Path, file: str, line: int | None) -> Path:
    """The file named by ``extends: ref`` in ``path``, under the rule stated in the module docstring."""
    if not isinstance(ref, str) or not ref.strip() or "\x00" in ref:
        raise ScenarioError("extends must name a scenario file", file, line, "extends")
    bundled = bundled_folder()
    if ref.startswith("package:"):
        target = (bundled / f"{ref.removeprefix('package:').removesuffix('.yaml')}.yaml").resolve()
        allowed = target.is_relative_to(bundled)
    else:
        rel = Path(ref)
        target = (path.parent / rel).resolve()
        inside = ".." not in rel.parts and not rel.is_absolute() and target.is_relative_to(top)
        allowed = inside or target.is_relative_to(bundled)
    if not allowed:
        raise ScenarioError(f"{shown(ref)} is outside this scenario's folder; name a file in "
                            f"{top} or below it (no '..', no absolute path), or a bundled scenario as "
                            "package:hegang/baseline", file, line, "extends")
    if not target.is_file():
        raise ScenarioError(f"file not found: {target}", file, line, "extends")
    return target


def apply_overrides(tree: Node, overrides: list[str], option: str = "--set") -> Node:
    """Apply ``key.path=value`` overrides (values parsed as YAML) to a copy of ``tree``; an error
    in one names it as given with ``option`` (``<--set key=value>``, a sweep's ``<--grid …>``)."""
    for text in overrides:
        if "=" not in text:
            raise ScenarioError(f"override {text!r} must look like key.path=value", "<command line>")
        keypath, raw = text.split("=", 1)
        parts = [p for p in keypath.strip().split(".") if p]
        if not parts:
            raise ScenarioError(f"override {text!r} names no key", "<command line>")
        value = load_yaml_text(raw, f"<{option} {keypath}>")
        tree = _set_path(tree, parts, value, text, f"<{option} {text}>")
    return tree


def _set_path(node: Node, parts: list[str], value: Any, text: str, label: str) -> Node:
    head = parts[0]
    copy = Node(node)
    copy.file, copy.line = node.file, node.line
    copy.key_lines, copy.key_files = dict(node.key_lines), dict(getattr(node, "key_files", {}))
    if len(parts) == 1:
        copy[head] = value
    else:
        child = node.get(head)
        if child is None:
            child = Node()
            child.file, child.line, child.key_lines, child.key_files = label, None, {}, {}
        if not isinstance(child, Node):
            raise ScenarioError(f"override {text!r}: {head!r} is not a mapping", "<command line>")
        copy[head] = _set_path(child, parts[1:], value, text, label)
    copy.key_files[head] = label
    copy.key_lines[head] = None
    return copy
