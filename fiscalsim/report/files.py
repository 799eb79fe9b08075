"""Results folders that never lose a user's data.

Guarantees (see ``docs/results_folders.md``):

* **No foreign file is ever deleted or overwritten.** A results folder is recognised by its
  ``manifest.json`` (written by fiscalsim, listing every file it wrote). ``--out`` may name a new
  folder, an empty folder, or — only with ``overwrite=True`` — an earlier results folder that holds
  nothing but the files its manifest lists. Anything else is refused before any work is done.
* **Atomic replacement.** Everything is written into a hidden temporary sibling
  ``.NAME.partial-*`` that is renamed into place only when the command completes; an interrupted
  command (Ctrl-C, SIGTERM) removes its temporary folder, and a killed one (SIGKILL) leaves a
  temporary folder that the next command writing beside it removes (its owner process is gone).
  A folder without a ``manifest.json`` never looks like a complete result.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
#: Marker file inside a temporary folder: holds the owner's process id.
PARTIAL_MARKER = ".fiscalsim-partial"


class OutputError(Exception):
    """A results folder fiscalsim may not write (it would touch files fiscalsim did not write)."""


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's fiscalsim manifest, or None when the folder is not a fiscalsim results folder."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or "fiscalsim_version" not in data or "command" not in data:
        return None
    return data


def owned_files(manifest: dict[str, Any]) -> set[str]:
    """Names of the files a manifest says fiscalsim wrote (the manifest included)."""
    files = manifest.get("files", [])
    return {str(f) for f in files if isinstance(f, str)} | {MANIFEST}


def _resolved(target: str | Path) -> Path:
    if str(target).strip() == "":
        raise OutputError("--out is empty: name a results folder")
    path = Path(target).expanduser().resolve()
    cwd = Path.cwd().resolve()
    if path == cwd or path in cwd.parents:
        raise OutputError(f"--out {target!s} is the current folder or one of its parents; "
                          "name a new folder for the results")
    if path.parent == path:
        raise OutputError(f"--out {target!s} is a file-system root; name a new folder for the results")
    return path


def check_output_folder(target: str | Path, overwrite: bool = False) -> Path:
    """Check that ``target`` may receive a results folder; return its absolute path.

    Raises :class:`OutputError` when writing would delete or overwrite a file fiscalsim did not
    write, or replace an earlier result without ``overwrite``.
    """
    path = _resolved(target)
    if path.exists() and not path.is_dir():
        raise OutputError(f"--out {target!s} is a file, not a folder; fiscalsim will not replace it")
    if not path.exists():
        _check_creatable(path, target)
        return path
    entries = sorted(p.name for p in path.iterdir())
    if not entries:
        return path
    manifest = read_manifest(path)
    if manifest is None:
        shown = ", ".join(entries[:5]) + (" …" if len(entries) > 5 else "")
        raise OutputError(f"--out {target!s} is not empty and is not a fiscalsim results folder (no "
                          f"fiscalsim manifest.json; it holds {shown}); fiscalsim never deletes files it did "
                          "not write: choose a new or empty folder")
    foreign = [e for e in entries if e not in owned_files(manifest)]
    if foreign:
        shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
        raise OutputError(f"--out {target!s} holds an earlier result of 'fiscalsim {manifest['command']}' and "
                          f"files fiscalsim did not write ({shown}); move them or choose another folder")
    if not overwrite:
        raise OutputError(f"--out {target!s} holds an earlier result of 'fiscalsim {manifest['command']}'; "
                          "pass --overwrite to replace it, or choose another folder")
    return path


def _check_creatable(path: Path, target: str | Path) -> None:
    """A new results folder needs its nearest existing ancestor to be a folder (not a file)."""
    ancestor = next(a for a in path.parents if a.exists())
    if not ancestor.is_dir():
        raise OutputError(f"--out {target!s}: {ancestor} is a file, not a folder; fiscalsim will not replace it")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(parent: Path, name: str) -> list[Path]:
    """Remove temporary folders of ``name`` left in ``parent`` by killed fiscalsim processes.

    Only folders named ``.NAME.partial-*`` or ``.NAME.old-*`` that carry fiscalsim's marker
    with the id of a process that no longer runs are removed.
    """
    removed = []
    for pattern in (f".{name}.partial-*", f".{name}.old-*"):
        for folder in parent.glob(pattern):
            marker = folder / PARTIAL_MARKER
            if not folder.is_dir() or not marker.is_file():
                continue
            try:
                pid = int(marker.read_text(encoding="ascii").strip())
            except (OSError, ValueError):
                continue
            if pid != os.getpid() and _pid_alive(pid):
                continue
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _mark(folder: Path) -> None:
    (folder / PARTIAL_MARKER).write_text(str(os.getpid()), encoding="ascii")


@contextmanager
def atomic_directory(target: str | Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``target`` only if the block completes.

    ``target`` is checked first (:func:`check_output_folder`) and again just before the swap.
    """
    path = check_output_folder(target, overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(path.parent, path.name)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.partial-", dir=path.parent))
    _mark(tmp)
    try:
        yield tmp
        (tmp / PARTIAL_MARKER).unlink()
        _swap_into_place(tmp, path, target, overwrite)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap_into_place(tmp: Path, path: Path, target: str | Path, overwrite: bool) -> None:
    check_output_folder(target, overwrite)  # the folder may have changed while the command ran
    if not path.exists():
        os.replace(tmp, path)
        return
    if not any(path.iterdir()):
        path.rmdir()
        os.replace(tmp, path)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=path.parent))
    _mark(old)
    held = old / "previous"
    os.replace(path, held)
    os.replace(tmp, path)
    shutil.rmtree(old, ignore_errors=True)


def writable_in_results(folder: Path, names: Iterable[str]) -> dict[str, Any]:
    """Check that fiscalsim may (re)write ``names`` inside the results folder ``folder``: each is
    new or a file the folder's manifest lists. Returns the manifest."""
    manifest = read_manifest(folder)
    if manifest is None:
        raise OutputError(f"{folder} is not a fiscalsim results folder (no fiscalsim manifest.json)")
    owned = owned_files(manifest)
    clash = [n for n in names if (folder / n).exists() and n not in owned]
    if clash:
        raise OutputError(f"{folder} already holds {', '.join(clash)}, which fiscalsim did not write; "
                          "move them first")
    return manifest


def replace_file(path: Path, write) -> None:
    """Write a file atomically: ``write(tmp_path)`` then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
