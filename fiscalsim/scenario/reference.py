"""The scenario reference page, generated from the schema (the one source of truth)."""

from __future__ import annotations

from fiscalsim.scenario.schema import Choice, Integer, Param, Raw, Section, Text
from fiscalsim.units import UNITS


def schema_markdown(schema: Section) -> str:
    lines = [
        "# Scenario reference",
        "",
        "Generated from `fiscalsim.scenario.SCHEMA` by `python scripts/make_docs.py`; do not edit.",
        "",
        "A **parameter** is a mapping `{value: …}` or `{path: {year: value, …}, interpolation: linear|step}`",
        "with a `unit` from its dimension's list and a `source` (a reference, or `\"assumption: why\"`).",
        "Paths are flat beyond their first and last points. Unknown keys are errors.",
        "",
        "## Units by dimension",
        "",
        "| dimension | units (first = model unit) |",
        "|---|---|",
    ]
    for dim, table in UNITS.items():
        lines.append(f"| {dim} | {', '.join(f'`{u}`' for u in table)} |")
    lines += ["", "## Keys", "", "| key | kind | required | description |", "|---|---|---|---|"]
    _walk(schema, "", lines)
    return "\n".join(lines) + "\n"


def _walk(section: Section, prefix: str, lines: list[str]) -> None:
    for key, spec in section.fields.items():
        path = f"{prefix}.{key}" if prefix else key
        required = "yes" if getattr(spec, "required", True) and getattr(spec, "default", None) is None else "no"
        if isinstance(spec, Section):
            lines.append(f"| `{path}` | section | {required} | {spec.doc} |")
            _walk(spec, path, lines)
        elif isinstance(spec, Param):
            rng = f" Range [{spec.lo}, {spec.hi}]." if spec.lo is not None or spec.hi is not None else ""
            kind = f"parameter ({spec.dimension}{', value only' if not spec.allow_path else ''})"
            lines.append(f"| `{path}` | {kind} | {required} | {spec.doc}.{rng} |")
        elif isinstance(spec, Integer):
            rng = f" Range [{spec.lo}, {spec.hi}]." if spec.lo is not None else ""
            dflt = f" Default {spec.default}." if spec.default is not None else ""
            lines.append(f"| `{path}` | integer | {required} | {spec.doc}.{rng}{dflt} |")
        elif isinstance(spec, Choice):
            opts = ", ".join(f"`{o}`" for o in spec.options)
            lines.append(f"| `{path}` | one of {opts} | {required} | {spec.doc}. |")
        elif isinstance(spec, Raw):
            lines.append(f"| `{path}` | list | {required} | {spec.doc}. |")
        elif isinstance(spec, Text):
            dflt = f" Default `{spec.default}`." if spec.default is not None else ""
            lines.append(f"| `{path}` | text | {required} | {spec.doc}.{dflt} |")
