"""What ``chart`` and ``report`` read from a results folder, checked before they read it: a folder
edited or damaged after fiscalsim wrote it (a manifest field of the wrong kind, a table cut short
or overwritten) is refused naming the file, the field or column and what was expected, never
with a traceback half-way through a chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fiscalsim.report.files import MANIFEST
from fiscalsim.scenario.errors import shown
from fiscalsim.scenario.yamlio import ScenarioError

#: What each command's manifest must hold: field → kind (see :func:`_kind_ok`).
MANIFEST_FIELDS = {
    "run": {"fiscalsim_version": "text", "scenario_name": "text", "scenario": "text", "scenario_sha256": "text",
            "money_unit": "text", "paths": "integer", "seed_entropy": "integer", "years": "year pair",
            "key_years": "integers", "rules": "records", "files": "texts"},
    "compare": {"fiscalsim_version": "text", "money_unit": "text", "rule": "text", "paths": "integer",
                "seed_entropy": "integer", "options": "records", "files": "texts"},
}
#: The fields of each record of a list of records in a manifest.
RECORD_FIELDS = {"rules": ("id", "name", "severity_class", "indicator_key"), "options": ("name",)}
#: The tables each command reads: name → (columns, of which numeric; a blank numeric cell is allowed).
TABLES = {
    "run": {
        "summary": (("rule", "name", "severity", "severity_class", "median_year", "q10_year", "q90_year",
                     "share_first", "reference"), ("median_year", "q10_year", "q90_year", "share_first")),
        "headline": (("measure", "year", "value", "unit"), ("year", "value")),
        "first_passage": (("path", "first_restructuring_or_default"), ("path", "first_restructuring_or_default")),
        "quantiles": (("year", "kind", "name", "unit", "q10", "q50", "q90"), ("year", "q10", "q50", "q90")),
        "pyramid": (("year", "sex", "age", "q10", "q50", "q90"), ("year", "age", "q10", "q50", "q90")),
    },
    "compare": {"comparison": (("option", "rule", "median_year"), ("median_year",))},
}
FIELD_KINDS = {
    "text": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "integers": lambda v: isinstance(v, list) and bool(v) and all(FIELD_KINDS["integer"](x) for x in v),
    "year pair": lambda v: FIELD_KINDS["integers"](v) and len(v) == 2 and v[0] < v[1],
    "records": lambda v: isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v),
    "texts": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
}


def damaged(folder: Path, file: str, what: str, key: str | None = None) -> ScenarioError:
    """The error of a results folder whose ``file`` is not what fiscalsim wrote."""
    return ScenarioError(f"{what}; the results folder was changed or damaged after fiscalsim wrote it (or another "
                         "version wrote it): run the command again", str(folder / file), key=key)


def checked_manifest(folder: Path, commands: tuple[str, ...]) -> dict[str, Any]:
    """The manifest of a results folder of one of ``commands``, every field ``chart`` and
    ``report`` read checked; its tables are checked by :func:`check_tables`."""
    path = folder / MANIFEST
    wanted = " or ".join(f"'fiscalsim {c}'" for c in commands)
    if not path.is_file():
        raise ScenarioError(f"not a results folder of {wanted}: it has no {MANIFEST}", str(folder))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise damaged(folder, MANIFEST, f"not a readable JSON file ({shown(str(exc))})") from None
    command = data.get("command") if isinstance(data, dict) else None
    if command not in commands:
        raise ScenarioError(f"not a results folder of {wanted}: this manifest names "
                            f"{'no command' if command is None else shown(command)}", str(path))
    for field, kind in MANIFEST_FIELDS[command].items():
        value = data.get(field)
        if not FIELD_KINDS[kind](value):
            raise damaged(folder, MANIFEST, f"expected {kind}, got {shown(value)}", field)
        lacking = [f for f in RECORD_FIELDS.get(field, ()) for r in value if not isinstance(r.get(f), str)]
        if lacking:
            raise damaged(folder, MANIFEST, f"each record needs {list(RECORD_FIELDS[field])} as text", field)
    return data


def check_tables(folder: Path, manifest: dict[str, Any]) -> None:
    """Each table the command's folder is read by: present, a CSV with its columns, numbers where
    numbers are expected (the first bad cell is named by row, the header being row 1)."""
    import pandas as pd  # imported on use, like every table reader

    for name, (columns, numeric) in TABLES[manifest["command"]].items():
        file = f"{name}.csv"
        try:
            table = pd.read_csv(folder / file, dtype=str, keep_default_na=False)
        except FileNotFoundError:
            raise damaged(folder, file, "missing") from None
        except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise damaged(folder, file, f"not a readable CSV table ({shown(str(exc))})") from None
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise damaged(folder, file, f"lacks columns {missing}")
        for column in numeric:
            cells = table[column].str.strip()
            bad = cells.ne("") & pd.to_numeric(cells, errors="coerce").isna()
            if bad.any():
                row = int(bad.to_numpy().nonzero()[0][0])
                raise damaged(folder, file, f"row {row + 2}: expected a number, got {shown(table[column].iloc[row])}",
                              column)
