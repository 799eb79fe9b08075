"""The scenario reference page, generated from the schemas of the book sets (the one source of truth)."""

from __future__ import annotations

from fiscalsim.scenario.schema import Choice, Integer, Param, Raw, Section, Text
from fiscalsim.scenario.uncertainty import DISTRIBUTIONS
from fiscalsim.units import UNITS

#: Title and note of each book set's keys section (``books:`` picks the schema).
BOOK_SET_SECTIONS = {
    "china": ("Keys of a Chinese city (`books: china`, the default)",
              "Four books in yuan (`fiscalsim.scenario.SCHEMA`)."),
    "japan": ("Keys of a Japanese municipality (`books: japan`)",
              "The general account and the enterprises in yen (`fiscalsim.scenario.JAPAN_SCHEMA`): the `accounts` "
              "of the base fiscal year and the `japan` parameters replace China's `accounts`, `finance`, `pension`, "
              "`staffing`, `debt` and `policies`; see [japan.md](japan.md). Example: `scenarios/yubari/`."),
}


def schema_markdown(schemas: dict[str, Section]) -> str:
    """The reference page: the shared rules, then the keys of each book set's schema
    (``schemas``: book set name → schema)."""
    from fiscalsim.scenario.targets import REGISTRY

    lines = [
        "# Scenario reference",
        "",
        "Generated from the scenario schemas (`fiscalsim.scenario.SCHEMAS`, one per book set) by",
        "`python scripts/make_docs.py`; do not edit. A scenario's `books:` key chooses its schema.",
        "",
        "A **parameter** is a mapping with a `unit` from its dimension's list, a `source` (a reference, or",
        "`\"assumption: why\"`) and exactly one of:",
        "",
        "- `value: x`;",
        "- `path: {year: x, …}` with `interpolation: linear` (default) or `step`, flat outside its points;",
        "- `table: {file: name.csv, column: name}` — a CSV beside the scenario with a `year` column (a path);",
        "- `distribution: {kind: …}` — drawn once per Monte Carlo path (see below).",
        "",
        "A time path may add `process: {kind: ar1, phi, sigma}` or `{kind: random_walk, drift, sigma}`",
        "(values in the parameter's unit; zero in the base year). `clip: [low, high]` bounds the draws;",
        "it is required when a distribution or process could leave the parameter's allowed range.",
        "Correlations between distributions: `uncertainty.correlations: [{between: [key, key], rho, source}]`",
        "(a Gaussian copula). Scenario files may `extends: base.yaml` and state only what they change.",
        "Unknown keys are errors. How errors are reported, and the rules for files, tables, years,",
        "units, debt swaps, correlations and `extends:`, are in [input_rules.md](input_rules.md).",
        "",
        "## Distributions",
        "",
        "| kind | parameters (in the parameter's unit, except shape parameters) |",
        "|---|---|",
        *[f"| `{k}` | {', '.join(v)} |" for k, v in DISTRIBUTIONS.items()],
        "",
        "## Parameters that may be uncertain",
        "",
        "Drawn per path and substituted into the model: "
        + ", ".join(f"`{k}`" for k in REGISTRY) + ". A distribution on any other parameter is an error",
        "that says why (e.g. base-year accounts are data; shares that must sum to one).",
        "",
        "## Units by dimension",
        "",
        "| dimension | units (first = model unit) |",
        "|---|---|",
    ]
    for dim, table in UNITS.items():
        lines.append(f"| {dim} | {', '.join(f'`{u}`' for u in table)} |")
    for books, schema in schemas.items():
        title, note = BOOK_SET_SECTIONS[books]
        lines += ["", f"## {title}", "", note, "", "| key | kind | required | description |", "|---|---|---|---|"]
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
